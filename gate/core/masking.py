"""Secrets as they may leak: the forms of a secret to mask and to scrub from any text.

Core: used by the options (which values are secrets), the Checkly client (scrubbing its
messages) and the runner (`::add-mask::`).
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable, Iterable
from urllib.parse import quote, quote_plus

# Shorter values are not secrets worth hiding: masking `u` would garble every message.
MIN_SECRET_LENGTH = 4
# A shorter secret (or form) is hidden only where it stands as a word of its own: a key `pr-c`
# must not turn the option name `pr-comment` into `***omment`. Real keys and tokens are longer
# (a Checkly key is 35 characters) and are hidden wherever they appear, inside words too.
WORD_SAFE_LENGTH = 16
_WORD = "A-Za-z0-9_"


def secret_forms(secret: str) -> list[str]:
    """A secret as it may leak: itself; JSON-escaped (a body that quotes JSON text: `"` and
    `\\` escaped, non-ASCII as is or as `\\uXXXX`); URL-encoded (`%XX` upper or lower case,
    `+` for a space); HTML-escaped; base64-encoded (standard and URL-safe), alone or inside a
    longer encoded string such as a Basic auth header (longest first). Nothing for a value
    shorter than MIN_SECRET_LENGTH: it is no secret worth hiding."""
    if len(secret.strip()) < MIN_SECRET_LENGTH:
        return []
    raw = secret.encode("utf-8", "surrogatepass")
    forms = {secret, *_escaped_forms(secret)}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        forms.add(encode(raw).decode().rstrip("="))
        forms.update(_base64_inside(raw, shift, encode) for shift in range(3))
    return sorted(forms, key=len, reverse=True)


def _escaped_forms(secret: str) -> set[str]:
    """The secret as JSON, a URL and HTML write it (each form that differs from it)."""
    urls = {quote(secret, safe=""), quote(secret, safe="/"), quote_plus(secret, safe="")}
    urls |= {_PERCENT.sub(lambda m: m.group(0).lower(), url) for url in urls}
    forms = {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], *urls}
    html_forms = {html.escape(secret), html.escape(secret, quote=False)}
    forms |= html_forms | {h.replace("&#x27;", "&#39;") for h in html_forms}
    return {form for form in forms if form != secret}


_PERCENT = re.compile(r"%[0-9A-F]{2}")


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


class Scrubber:
    """`scrub(text, forms, everywhere=True)` for many texts: one compiled pattern of every form,
    longest first (the Checkly client runs it on every string of every answer)."""

    def __init__(self, forms: Iterable[str]) -> None:
        ordered = sorted({f for f in forms if f}, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __call__(self, text: str) -> str:
        return text if self._pattern is None else self._pattern.sub("***", text)
