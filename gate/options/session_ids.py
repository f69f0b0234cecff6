"""Session IDs from option values, Checkly links and the files Checkly tooling writes.

Accepted wherever an ID is expected:
- a UUID, any case (stored lower-case);
- a Checkly link holding one: `…/test-sessions/<id>` (a `testSessionLink`, or a result link
  `…/test-sessions/<id>/results/<rid>`) or `…/check-sessions/<id>` (a `checkSessionLink`
  `…/accounts/<acc>/checks/<check>/check-sessions/<id>`, or a result link below it). The link
  decides the kind: a check-session link given in `test-session-ids` is a check session.

Files (`session-files`) are read as JSON when they are JSON, walking the whole document for
`testSessionId` / `checkSessionId` keys and session links in string values (so the CLI's
`checkly-json-report.json`, `checkly checks run --detach --output json`, and saved
`POST /v1/test-sessions/trigger` / `POST /v2/check-sessions/trigger` responses all work).
A Checkly answer that lists no session (`{"sessions": []}`) raises `NothingMatched`.
Anything else is scanned as text, streamed in chunks, with ANSI colour codes removed: labelled
IDs (`Test session ID: <uuid>`, with or without backticks, `testSessionId=<uuid>`,
`check_session_id: <uuid>`), session links, and the SESSION ID column of `checkly checks run`'s
table (`gate.options.cli_tables`; a cut ID raises `SessionFileError`). Any other bare UUID in a
file is ignored: it could be a check, result or account ID.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from gate.core.model import SessionKind
from gate.options.cli_tables import CUT_PROBLEM, checks_run_tables, unidentified
from gate.options.file_patterns import expand as _expand
from gate.options.file_patterns import show

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_END = r"(?![0-9a-zA-Z])"
UUID_RE = re.compile(UUID)
LINK_RE = re.compile(rf"/(test|check)-sessions/({UUID}){_END}", re.IGNORECASE)
LABEL_RE = re.compile(
    rf"(?<![a-zA-Z])(test|check)[ _-]?session[ _-]?id[\"'`]?[ \t]{{0,8}}[:=][ \t]{{0,8}}[\"'`]?"
    rf"({UUID}){_END}",
    re.IGNORECASE,
)
# CSI sequences (colours, cursor moves) vanish; OSC hyperlinks keep their URL as text.
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_OSC = re.compile(r"\x1b\]\d*;[^;\x07\x1b]*;|\x07|\x1b\\")
_SPLIT = re.compile(r"[,\s]+")
_EDGES = "\"'`[](){}<>"
_KEYS = {"testsessionid": SessionKind.TEST, "checksessionid": SessionKind.CHECK}
_MAX_JSON_BYTES = 16 * 1024 * 1024
_CHUNK = 1024 * 1024
_CARRY = 256  # longer than any match, so a match cut by a chunk end is found in the next one

EXAMPLE_ID = "4a1c2d3e-5f60-4718-89ab-cdef01234567"
ALLOWED_IDS = (
    f"use a UUID such as {EXAMPLE_ID}, or a Checkly link containing "
    "/test-sessions/<id> or /check-sessions/<id>"
)
FILE_SHAPES = (
    "expected a Checkly CLI JSON report (testSessionId), `checkly checks run --detach --output "
    "json` output or a saved trigger response (testSessionId, sessions[].checkSessionId), or "
    'CLI output with "Test session ID: <uuid>" lines or session links (`checkly test` and '
    "`checkly trigger` record a test session unless given --no-record)"
)


class SessionFileError(ValueError):
    """A file that names sessions it does not identify (the message, without the file name)."""


class NothingMatched(Exception):
    """A Checkly answer listing no session (`{"sessions": []}`): nothing matched (SPEC §8)."""


@dataclasses.dataclass(frozen=True)
class SessionRef:
    """One session to await."""

    kind: SessionKind
    id: str  # lower-case UUID


def is_uuid(text: str) -> bool:
    return UUID_RE.fullmatch(text) is not None


def parse_id_list(
    text: str, kind: SessionKind, hide: Sequence[str] = ()
) -> tuple[list[SessionRef], list[str]]:
    """Sessions in an option value, and one problem (without the option name) per bad token.

    Tokens are separated by commas, spaces or newlines; quotes and brackets around a token are
    dropped (so a JSON array works too). Duplicates are kept here: `unique()` drops them.
    """
    refs: list[SessionRef] = []
    problems: list[str] = []
    if text.strip() and not _SPLIT.sub("", text):  # "," is an error, not an empty list
        return [], [f"{show(text, hide=hide)} holds only separators; {ALLOWED_IDS}"]
    for raw in _SPLIT.split(text):
        token = raw.strip(_EDGES)
        if not token:
            continue
        if is_uuid(token):
            refs.append(SessionRef(kind, token.lower()))
            continue
        link = LINK_RE.search(token)
        if link:
            refs.append(_ref(link.group(1), link.group(2)))
        elif "/" in token:
            problems.append(
                f"{show(token, hide=hide)} is a link without a session ID; use a link containing "
                "/test-sessions/<id> or /check-sessions/<id>, or the UUID itself"
            )
        else:
            problems.append(f"{show(token, hide=hide)} is not a session ID; {ALLOWED_IDS}")
    return refs, problems


def unique(refs: Iterable[SessionRef]) -> tuple[SessionRef, ...]:
    """Drop later repeats of an ID (whatever their kind), keeping the first order."""
    seen: dict[str, SessionRef] = {}
    for ref in refs:
        seen.setdefault(ref.id, ref)
    return tuple(seen.values())


def strip_ansi(text: str) -> str:
    return _CSI.sub("", _OSC.sub(" ", text))


def ids_in_text(text: str) -> list[SessionRef]:
    """Labelled session IDs, session links and `checks run` table rows in text, in order of
    appearance; raises SessionFileError when a table row's ID is cut and nothing completes it."""
    plain = strip_ansi(text)
    table = checks_run_tables(plain)
    hits = _hits(plain) + [(at, SessionRef(SessionKind.CHECK, sid)) for at, sid in table.found]
    hits.sort(key=lambda hit: hit[0])
    refs = [ref for _, ref in hits]
    if lost := unidentified(table.cut, {ref.id for ref in refs}):
        count = len(lost)
        raise SessionFileError(CUT_PROBLEM.format(count=count, s="" if count == 1 else "s"))
    return refs


def ids_in_json(document: Any) -> list[SessionRef]:
    """`testSessionId` / `checkSessionId` values and session links anywhere in a JSON document,
    in document order."""
    found: list[SessionRef] = []
    stack: list[tuple[str | None, Any]] = [(None, document)]
    while stack:
        key, node = stack.pop()
        kind = _KEYS.get(key.lower()) if key else None
        if kind is not None and isinstance(node, str) and is_uuid(node.strip()):
            found.append(SessionRef(kind, node.strip().lower()))
        elif isinstance(node, dict):
            stack.extend(reversed([(str(k), v) for k, v in node.items()]))
        elif isinstance(node, list):
            stack.extend((None, v) for v in reversed(node))
        elif isinstance(node, str) and "session" in node.lower():
            found.extend(ids_in_text(node))
    return found


def read_session_file(path: Path) -> list[SessionRef]:
    """Every session ID in one file (duplicates dropped); raises OSError when it can't be read.

    A FIFO or character device (`<(cat f)`, /dev/stdin, /dev/null) can be read only once: it
    is read whole (up to the JSON size bound) and never streamed."""
    if not path.is_file():
        with path.open("rb") as handle:
            raw = handle.read(_MAX_JSON_BYTES)
        encoding = "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
        return _refs_in_text(raw.decode(encoding, errors="replace"))
    encoding = _encoding(path)
    if path.stat().st_size <= _MAX_JSON_BYTES:
        return _refs_in_text(path.read_text(encoding=encoding, errors="replace"))
    return list(unique(_scan_stream(path, encoding)))


def _refs_in_text(text: str) -> list[SessionRef]:
    """The IDs of a whole file's text: as JSON when it is JSON, else scanned as text."""
    if text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        try:
            document = json.loads(text.lstrip("\ufeff"))
        except (ValueError, RecursionError):
            pass
        else:
            found = list(unique(ids_in_json(document)))
            if not found and isinstance(document, dict) and document.get("sessions") == []:
                raise NothingMatched
            return found
    return list(unique(ids_in_text(text)))


def _ref(kind: str, session_id: str) -> SessionRef:
    return SessionRef(SessionKind(kind.lower()), session_id.lower())


def _matches(text: str, lo: int = 0, hi: int | None = None) -> list[SessionRef]:
    """Refs of the matches starting in [lo, hi), in order of position."""
    return [ref for _, ref in _hits(text, lo, hi)]


def _hits(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, SessionRef]]:
    """(position, ref) of the labels and links starting in [lo, hi), in order of position."""
    end = len(text) if hi is None else hi
    hits = [
        (m.start(), _ref(m.group(1), m.group(2)))
        for pattern in (LABEL_RE, LINK_RE)
        for m in pattern.finditer(text)
        if lo <= m.start() < end
    ]
    hits.sort(key=lambda hit: hit[0])
    return hits


def _scan_stream(path: Path, encoding: str) -> Iterator[SessionRef]:
    """Scan a large file as text in chunks, keeping a tail longer than any match.

    A match starting before the tail is whole (it ends inside the tail); the next round starts
    one character before the tail so the label's look-behind sees its real neighbour.
    """
    with path.open(encoding=encoding, errors="replace") as handle:
        buffer, lo = "", 0
        while True:
            chunk = handle.read(_CHUNK)
            buffer = strip_ansi(buffer + chunk)
            if not chunk:
                yield from _matches(buffer, lo)
                return
            if len(buffer) > 2 * _CARRY:
                cut = len(buffer) - _CARRY
                yield from _matches(buffer, lo, cut)
                buffer, lo = buffer[cut - 1 :], 1


def _encoding(path: Path) -> str:
    """utf-16 when the file starts with its BOM (PowerShell's `>`), else utf-8."""
    with path.open("rb") as handle:
        head = handle.read(2)
    return "utf-16" if head in (b"\xff\xfe", b"\xfe\xff") else "utf-8"


def refs_from_files(
    patterns: str,
    cwd: Path,
    hide: Sequence[str] = (),
    *,
    skip: frozenset[Path] = frozenset(),
    nothing_matched: list[str] | None = None,
) -> tuple[list[SessionRef], list[str]]:
    """Sessions in the files named by `patterns` (one path or glob per line, `#` comments),
    and one problem (without the option name) per pattern or file that yields none.

    A file that is a Checkly answer listing no session is not a problem: its shown name goes
    to `nothing_matched` (SPEC §8's "no matching checks"); without that list, it is one.

    Files in `skip` (resolved paths: the run's own reports) are never read: a glob passes over
    them, and a path naming one is the caller's problem to report."""
    refs: list[SessionRef] = []
    problems: list[str] = []
    for line in patterns.splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        files, problem = _expand(pattern, cwd, hide, skip)
        if problem:
            problems.append(problem)
        for shown, path in files:
            try:
                found = read_session_file(path)
            except SessionFileError as exc:
                problems.append(f"{show(shown, hide=hide)} {exc}")
                continue
            except NothingMatched:
                if nothing_matched is None:
                    problems.append(f"{show(shown, hide=hide)} lists no session (nothing matched)")
                else:
                    nothing_matched.append(shown)
                continue
            except OSError as exc:
                problems.append(
                    f"cannot read {show(shown, hide=hide)}: {exc.strerror or type(exc).__name__}"
                )
                continue
            if not found:
                problems.append(f"{show(shown, hide=hide)} holds no session ID; {FILE_SHAPES}")
            refs.extend(found)
    return refs, problems
