"""Untrusted text made inert, once, where API answers become Python (SPEC §5 "Hostile text is
inert", "Secrets never leave"). Core: pure; `gate.checkly.client` applies it to every answer
it parses, with its scrubber of every secret's forms (`gate.core.masking`).

- a lone UTF-16 surrogate (`"\\ud83d"` in JSON decodes to one) becomes U+FFFD: it cannot be
  encoded as UTF-8, so it would crash the first report written;
- bidirectional controls (U+202A to U+202E, U+2066 to U+2069, and the marks U+200E, U+200F, U+061C)
  are removed: they make one text display as another;
- ANSI escape sequences and other control characters (C0 but tab and newline, DEL, C1) are
  removed; a carriage return becomes a newline.

Everything else is kept, so names stay recognisable; each report then escapes for its place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from gate.core.masking import Scrubber, secret_forms

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_NEEDS_WORK = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def clean_text(text: str) -> str:
    """`text` inert: see the module docstring. Plain text comes back as it is (fast)."""
    if not _NEEDS_WORK.search(text):
        return text
    text = _SURROGATE.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", _ANSI.sub("", text))


def clean_json(value: Any, scrub: Callable[[str], str] | None = None) -> Any:
    """A parsed JSON value with every string in it (keys included) cleaned; with `scrub`, the
    secrets scrubbed too, before the text is cleaned and again after (a secret that holds a
    character cleaning removes), so nothing later can cut a secret in half."""
    if isinstance(value, str):
        return scrub_clean(value, scrub)
    if isinstance(value, dict):
        return {
            scrub_clean(k, scrub) if isinstance(k, str) else k: clean_json(v, scrub)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [clean_json(v, scrub) for v in value]
    return value


def clean_body(body: dict[str, Any], scrub: Callable[[str], str] | None = None) -> dict[str, Any]:
    """A JSON object's body cleaned (`clean_json`)."""
    cleaned: dict[str, Any] = clean_json(body, scrub)
    return cleaned


def scrub_clean(text: str, scrub: Callable[[str], str] | None = None) -> str:
    """One string of an answer: secrets scrubbed (`scrub`), then made inert."""
    if scrub is None:
        return clean_text(text)
    return scrub(clean_text(scrub(text)))


def answer_scrubber(secrets: Iterable[str]) -> Scrubber:
    """What the Checkly client scrubs from every answer as it arrives (before any part of it is
    cut, escaped or rendered): every form of each secret, and of the secret as cleaned."""
    forms: set[str] = set()
    for secret in secrets:
        forms.update(secret_forms(secret))
        forms.update(secret_forms(clean_text(secret)))
    return Scrubber(forms)
