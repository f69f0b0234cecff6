"""The PR comment's marker and its hidden history of earlier verdicts.

The comment's first line is its marker, `<!-- checkly-gate:<comment-key> -->`. The comment ends
with a hidden data block holding the history of its key, newest first:
`<!-- checkly-gate-data:<key> <base64 of {"v": 1, "history": [...]}> -->` (base64 never
contains `-->`; a block broken by a user's edit reads as an empty history). Pure functions.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import re
from collections.abc import Sequence

MAX_COMMENT_CHARS = 65_536  # GitHub's limit for a comment body
MAX_HISTORY = 10
_CUT_NOTE = "\n\n*… cut: a PR comment is limited to 65,536 characters.*\n"


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    """One earlier verdict of the same comment key, kept in the PR comment."""

    time: str
    result: str
    total: int
    failing: int
    commit: str | None = None
    run_url: str | None = None


def marker_for(key: str) -> str:
    """The hidden marker that identifies the comment of one `comment-key`."""
    return f"<!-- checkly-gate:{_safe_key(key)} -->"


def _safe_key(key: str) -> str:
    # An HTML comment ends at `-->`/`--!>`: break those (config refuses them in a given key),
    # and nothing else, so two different keys never share a marker.
    return re.sub(r"--+!?>", "->", " ".join(key.splitlines())) or "default"


def data_block(key: str, history: Sequence[HistoryEntry]) -> str:
    """The hidden block carrying the history (newest first) at the end of the comment."""
    payload = {"v": 1, "history": [dataclasses.asdict(e) for e in history[:MAX_HISTORY]]}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return f"<!-- checkly-gate-data:{_safe_key(key)} {base64.b64encode(raw).decode('ascii')} -->"


def parse_history(body: str, key: str) -> list[HistoryEntry]:
    """The history stored in a comment body; anything unreadable gives an empty history."""
    prefix = re.escape(f"<!-- checkly-gate-data:{_safe_key(key)} ")
    match = re.search(prefix + r"([A-Za-z0-9+/=\s]*?)\s*-->", body)
    if match is None:
        return []
    try:
        data = json.loads(base64.b64decode("".join(match.group(1).split()), validate=True))
    except (binascii.Error, ValueError):
        return []
    items = data.get("history") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    entries = [e for e in map(_entry, items) if e is not None]
    return entries[:MAX_HISTORY]


def _entry(item: object) -> HistoryEntry | None:
    if not isinstance(item, dict):
        return None
    time, result, total, failing = (item.get(k) for k in ("time", "result", "total", "failing"))
    commit, run_url = item.get("commit"), item.get("run_url")
    if not (isinstance(time, str) and 0 < len(time) <= 40 and result in ("passed", "failed")):
        return None
    counts = (total, failing)
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts):
        return None
    if not _matches(commit, r"[0-9a-f]{4,64}") or not _matches(run_url, r"https?://[^\s<>]{1,500}"):
        return None
    return HistoryEntry(time, str(result), *counts, commit, run_url)  # type: ignore[arg-type]


def _matches(value: object, pattern: str) -> bool:
    return value is None or (isinstance(value, str) and re.fullmatch(pattern, value) is not None)


def compose_body(rendered: str, key: str, history: Sequence[HistoryEntry]) -> str:
    """The rendered comment plus the data block, under GitHub's limit, the marker first.

    The marker opens the body whatever the template does (`gate.runner.comment_owner` relies on it).
    """
    marker = marker_for(key)
    if not rendered.startswith(marker):
        rendered = f"{marker}\n{rendered}"
    entries = list(history[:MAX_HISTORY])
    rendered = rendered.rstrip()
    if _length(f"{rendered}\n\n{data_block(key, [])}\n") < MAX_COMMENT_CHARS:
        while True:  # the oldest stored entries give way before what users read is cut
            body = f"{rendered}\n\n{data_block(key, entries)}\n"
            if _length(body) < MAX_COMMENT_CHARS or not entries:
                return body
            entries.pop()
    block = data_block(key, entries)
    room = MAX_COMMENT_CHARS - 1 - _length(f"{marker}\n{_CUT_NOTE}\n{block}\n")
    cut = rendered.encode("utf-16-le")[: 2 * room].decode("utf-16-le", "ignore")
    if not cut.startswith(marker):
        cut = f"{marker}\n{cut}"
    return f"{cut.rstrip()}{_CUT_NOTE}\n{block}\n"


def _length(text: str) -> int:
    # Count UTF-16 units: never less than the characters GitHub counts.
    return len(text.encode("utf-16-le")) // 2
