"""Secrets as they may leak: the forms of a secret to mask and to scrub from any text.

Core: used by the options (which values are secrets), the Checkly client (scrubbing its
messages) and the runner (`::add-mask::`).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from urllib.parse import quote

# Shorter values are not secrets worth hiding: masking `u` would garble every message.
MIN_SECRET_LENGTH = 4
# A shorter secret (or form) is hidden only where it stands as a word of its own: a key `pr-c`
# must not turn the option name `pr-comment` into `***omment`. Real keys and tokens are longer
# (a Checkly key is 35 characters) and are hidden wherever they appear, inside words too.
WORD_SAFE_LENGTH = 16
_WORD = "A-Za-z0-9_"


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


def scrub(text: str, secrets: Iterable[str], *, everywhere: bool = False) -> str:
    """`text` with every secret replaced by `***` (longest first): a secret of
    WORD_SAFE_LENGTH characters or more wherever it appears, a shorter one only where it is not
    part of a longer word (so option names and other words in a message stay readable), or
    wherever it appears too with `everywhere` (report data: never a leak)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        if everywhere or len(secret) >= WORD_SAFE_LENGTH:
            text = text.replace(secret, "***")
        elif secret in text:
            text = re.sub(rf"(?<![{_WORD}]){re.escape(secret)}(?![{_WORD}])", "***", text)
    return text
