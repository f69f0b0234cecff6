"""Secrets as they may leak: the forms of a secret to mask and to scrub from any text.

Core: used by the options (which values are secrets), the Checkly client (scrubbing its
messages) and the runner (`::add-mask::`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import quote

# Shorter values are not secrets worth hiding: masking `u` would garble every message.
MIN_SECRET_LENGTH = 4


def secret_forms(secret: str) -> list[str]:
    """A secret as it may leak: itself, URL-encoded, base64-encoded (standard and URL-safe),
    alone or inside a longer encoded string such as a Basic auth header (longest first).
    Nothing for a value shorter than MIN_SECRET_LENGTH: it is no secret worth hiding."""
    if len(secret.strip()) < MIN_SECRET_LENGTH:
        return []
    raw = secret.encode()
    forms = {secret, quote(secret, safe="")}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        forms.add(encode(raw).decode().rstrip("="))
        forms.update(_base64_inside(raw, shift, encode) for shift in range(3))
    return sorted(forms, key=len, reverse=True)


def _base64_inside(raw: bytes, shift: int, encode: Callable[[bytes], bytes]) -> str:
    """The base64 characters `raw` alone decides when it starts `shift` bytes into a 3-byte
    group of a longer string (the runner masks these three alignments too)."""
    text = encode(bytes(shift) + raw).decode()
    return text[(8 * shift + 5) // 6 : 8 * (shift + len(raw)) // 6]
