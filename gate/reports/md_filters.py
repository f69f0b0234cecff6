"""Small pure jinja2 filters that make untrusted text safe for the place it goes in Markdown.

Everything that comes from Checkly (check and session names, locations, reasons, error-group
messages, links) is untrusted: a check named `<img src=x onerror=alert(1)>`, `| a | b |` or
`[x](javascript:alert(1))` must stay text on GitHub. The rules, tested against cmark-gfm:

- `md_text`: one line; Markdown punctuation backslash-escaped (so no emphasis, links, images,
  raw HTML, entities or math), bare `http://` / `www.` autolinks broken, `@mention` and `#123`
  references defused with a zero-width space (as Renovate does) so a PR comment pings no one.
- `md_cell`: `md_text` for a GFM table cell (the pipe is escaped too, and an empty value shows
  as a dash so the row keeps its shape).
- `md_code`: an inline code span with a fence longer than any backtick run inside.
- `md_link`: `[text](url)` only for absolute http(s) URLs, otherwise the plain text.
"""

from __future__ import annotations

import functools
import html
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from gate.checkly.reasons import clean_line

MAX_INLINE = 2000
ZWSP = "&#8203;"
DASH = "\u2013"  # en dash: an empty table cell

_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_~[]<>&|#$!"})
_ESCAPES_KEEP_HASH = str.maketrans({c: "\\" + c for c in "\\`*_~[]<>&|$!"})
_CLOSING_HASHES = re.compile(r"(\s)(#+\s*)$")  # a heading's closing sequence
_LIST_MARKERS = frozenset("-+=0123456789")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)([:.])")
_MENTION = re.compile(r"(@|(?<![\w`])#)(?=[\w-])")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")
_URL_SAFE = "!#$%&'*+,/:;=?@[]~"
# Plain ASCII words, not starting with a list marker, single-spaced: needs no escaping.
_PLAIN = re.compile(
    r"(?![-+= ]|\d+\))[A-Za-z0-9,;'\"(){}/%=?^+-]+(?: [A-Za-z0-9,;'\"(){}/%=?^+-]+)*"
)
_URL_PLAIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~/%=&?!$'*+,;:@-]*)?")
_URL_BAD = re.compile(r"[\x00-\x20\x7f]")
_BACKTICKS = re.compile(r"`+")

OUTCOME_ICONS = {
    "passed": "✅",
    "degraded": "⚠️",
    "failed": "❌",
    "timed-out": "⏱️",
    "cancelled": "🚫",
    "incomplete": "⏳",
    "error": "💥",
    "missing": "❓",
}


def md_text(value: Any, limit: int = MAX_INLINE, *, refs: bool = True) -> str:
    """Untrusted text for inline Markdown (a paragraph, list item or heading).

    `refs=False` (the job summary, where nobody is notified and nothing is cross-referenced)
    leaves `@name` and `#42` as they are, so the raw file and the page both read `PR #42`; a
    `#` Markdown would read (a heading's opening or closing run) is still escaped."""
    if value is None:
        return ""
    return _md_text(value if isinstance(value, str) else str(value), limit, refs)


@functools.lru_cache(maxsize=16384)
def _md_text(value: str, limit: int, refs: bool = True) -> str:
    if len(value) <= limit and _PLAIN.fullmatch(value):
        return value  # nothing to escape: the common case, kept fast for big reports
    text = clean_line(value, limit).translate(_ESCAPES if refs else _ESCAPES_KEEP_HASH)
    if "://" in text or "ww." in text.lower() or "mailto:" in text.lower():
        text = _AUTOLINK.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
    if not refs:
        text = ("\\" if text.startswith("#") else "") + _CLOSING_HASHES.sub(r"\1\\\2", text)
    elif "@" in text or "#" in text:
        text = _MENTION.sub(lambda m: m.group(1) + ZWSP, text)
    if text[:1] in _LIST_MARKERS:
        text = _LINE_START.sub(_escape_line_start, text)
    return text


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)}\\{match.group(2)}"
    return f"\\{match.group(3)}"


def md_cell(value: Any, limit: int = MAX_INLINE, *, refs: bool = True) -> str:
    """Untrusted text for one cell of a GFM table; a missing value becomes a dash."""
    text = md_text(value, limit, refs=refs)
    return text if text else DASH


def html_text(value: Any, limit: int = MAX_INLINE) -> str:
    """Untrusted text inside raw HTML (a `<details>` summary, where Markdown is not read): one
    line, `& < > "` as entities."""
    return html.escape(clean_line("" if value is None else str(value), limit), quote=True)


def md_code(value: Any, limit: int = MAX_INLINE, *, cell: bool = False) -> str:
    """Untrusted text as an inline code span (pass `cell=True` inside a table)."""
    text = clean_line("" if value is None else str(value), limit)
    if not text:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    # Literal in the rendered page, but the raw Markdown must never hold an HTML comment that
    # could pass for the PR comment's hidden marker or data block.
    text = text.replace("<!--", "<!\u200b--").replace("-->", "--\u200b>")
    if cell:
        text = text.replace("|", "\\|")
    pad = " " if text.startswith("`") or text.endswith("`") or text.startswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_url(value: Any) -> str | None:
    """An absolute http(s) URL made safe for a Markdown link destination, or None."""
    if not isinstance(value, str) or not value or len(value) > 4000:
        return None
    return _md_url(value)


@functools.lru_cache(maxsize=4096)
def _md_url(value: str) -> str | None:
    if _URL_PLAIN.fullmatch(value):
        return value
    url = value.strip()
    if _URL_BAD.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(url, safe=_URL_SAFE)


def md_link(text: Any, url: Any, *, refs: bool = True) -> str:
    """`[text](url)` when the URL is an absolute http(s) URL, otherwise the escaped text."""
    label = md_text(text, refs=refs) or md_text(url, refs=refs) or "link"
    safe = md_url(url)
    return f"[{label}]({safe})" if safe else label


def outcome_icon(outcome: Any) -> str:
    """An emoji for an outcome (`passed`, `failed`, …); a question mark when unknown."""
    return OUTCOME_ICONS.get(str(outcome), "❔")


def duration(seconds: Any) -> str:
    """`230 ms`, `4.2 s`, `3m5s`, `1h2m` (as durations are written in CI files); empty when
    unknown."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        return ""
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{round(seconds)} s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60}m" + (f"{whole % 60}s" if whole % 60 else "")
    minutes = whole % 3600 // 60
    return f"{whole // 3600}h" + (f"{minutes}m" if minutes else "")


def percent(value: Any) -> str:
    """`87.5%`, `100%`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return f"{value:.1f}".removesuffix(".0") + "%"


def plural(count: Any, singular: str, plural_form: str | None = None) -> str:
    """`1 check run`, `3 check runs`."""
    number = count if isinstance(count, int) else 0
    word = singular if number == 1 else (plural_form or singular + "s")
    return f"{number} {word}"


def timestamp(value: Any) -> str:
    """A UTC timestamp as `2025-01-31 14:05 UTC`; empty when unknown."""
    moment: datetime
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return ""
    else:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def summary_filters() -> dict[str, Any]:
    """The filters of the job summary: references and mentions left as written (`refs=False`)."""
    return FILTERS | {
        "md_text": functools.partial(md_text, refs=False),
        "md_cell": functools.partial(md_cell, refs=False),
        "md_link": functools.partial(md_link, refs=False),
    }


FILTERS = {
    "md_text": md_text,
    "md_cell": md_cell,
    "md_code": md_code,
    "html_text": html_text,
    "md_url": md_url,
    "md_link": md_link,
    "outcome_icon": outcome_icon,
    "duration": duration,
    "percent": percent,
    "plural": plural,
    "timestamp": timestamp,
}
