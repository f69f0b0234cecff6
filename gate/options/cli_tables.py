"""The table `checkly checks run` prints (CLI 8.18+, `formatters/check-sessions.ts`).

    STATUS     NAME              TYPE        LOCATIONS   DURATION  CHECK ID        SESSION ID
    passed     Production API    API         us-east-1   1s        a4cd4ad9-…-…    8166fa86-…

Each row names one check session, bare, in the last column (SESSION ID); the CHECK ID column
beside it names the check, never a session. Off a terminal the CLI fits the table to 120
columns and cuts both IDs with `…`: such a row names a session it does not identify, which the
caller must not drop silently. Works on text with the ANSI codes already removed.
"""

from __future__ import annotations

import dataclasses
import re

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_HEADER = re.compile(r"^.*?\bSTATUS\b.*\bCHECK ID[ \t]+SESSION ID[ \t\r]*$", re.MULTILINE)
_FULL = re.compile(_UUID)
_CUT = re.compile(r"[0-9a-fA-F][0-9a-fA-F-]*…")


@dataclasses.dataclass(frozen=True)
class TableIds:
    """The sessions of every `checks run` table in a text."""

    found: tuple[tuple[int, str], ...]  # (position in the text, lower-case session ID)
    cut: tuple[str, ...]  # the visible part of each cut session ID, lower-case, without `…`


def checks_run_tables(text: str) -> TableIds:
    """Session IDs from the SESSION ID column of each `checks run` table in `text`."""
    found: list[tuple[int, str]] = []
    cut: list[str] = []
    for header in _HEADER.finditer(text):
        position = header.end() + 1
        for line in text[position:].split("\n"):
            words = line.split()
            if not words:
                break
            last = words[-1]
            if _FULL.fullmatch(last):
                found.append((position + line.rindex(last), last.lower()))
            elif _CUT.fullmatch(last):
                cut.append(last[:-1].lower())
            else:
                break
            position += len(line) + 1
    return TableIds(tuple(found), tuple(cut))


def unidentified(cut: tuple[str, ...], known: set[str]) -> list[str]:
    """The cut IDs that no full ID elsewhere in the file completes (the CLI's "Open first
    session" link names the first session whole)."""
    return [part for part in cut if not any(k.startswith(part) for k in known)]


CUT_PROBLEM = (
    "names {count} session{s} by an ID cut short with … (`checkly checks run` fits its table "
    "to 120 columns off a terminal), so the gate cannot tell which session{s} to judge; save "
    "`checkly checks run --output json` (add --detach to return at once) and give that file"
)
