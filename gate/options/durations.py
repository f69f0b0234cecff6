"""Durations as people write them in CI files: `90`, `90s`, `15m`, `1h30m`, `2m30s`, `1.5h`.

Grammar (case-insensitive, spaces allowed between the parts):

    duration := number                      plain seconds: "90", "2.5"
              | [number "h"] [number "m"] [number "s"]   at least one part, in this order
    number   := digits ["." digits]

Every part may carry a decimal fraction (`1.5h` is 90 minutes). Anything else (`5 minutes`,
`1d`, `-5`, `1h30`, `30m1h`, `1e3`) is not a duration. Bounds are the caller's business.
"""

from __future__ import annotations

import math
import re

_NUMBER = (
    r"[0-9]+(?:\.[0-9]+)?"  # ASCII digits only: `\d` also takes Arabic-Indic and full-width digits
)
_PLAIN = re.compile(rf"({_NUMBER})")
_UNITS = re.compile(
    rf"(?:(?P<h>{_NUMBER})\s*h)?\s*(?:(?P<m>{_NUMBER})\s*m)?\s*(?:(?P<s>{_NUMBER})\s*s)?",
    re.IGNORECASE,
)
_FACTORS = {"h": 3600.0, "m": 60.0, "s": 1.0}


class DurationError(ValueError):
    """The text is not a duration."""


def parse_duration(text: str) -> float:
    """Seconds in `text`; raises DurationError when it is not a duration."""
    value = text.strip()
    plain = _PLAIN.fullmatch(value)
    if plain:
        return float(plain.group(1))
    units = _UNITS.fullmatch(value)
    if not value or units is None or not any(units.group(u) for u in _FACTORS):
        raise DurationError(f"{text!r} is not a duration")
    return sum(float(units.group(u) or 0) * factor for u, factor in _FACTORS.items())


def format_duration(seconds: float) -> str:
    """The shortest unit form of `seconds`: 90 -> "1m30s", 5400 -> "1h30m", 0.5 -> "0.5s"."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"cannot format {seconds!r} as a duration")
    whole = int(seconds)
    fraction = round(seconds - whole, 3)
    if fraction >= 1:  # rounding carried over
        whole, fraction = whole + 1, 0.0
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if secs or fraction or not parts:
        parts.append(f"{secs + fraction:g}s" if fraction else f"{secs}s")
    return "".join(parts)
