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
Anything else is scanned as text, streamed in chunks, with ANSI colour codes removed: labelled
IDs (`Test session ID: <uuid>`, `testSessionId=<uuid>`, `check_session_id: <uuid>`) and session
links. A bare UUID in a file is ignored: it could be a check, result or account ID.
"""

from __future__ import annotations

import dataclasses
import glob
import json
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from gate.core.model import SessionKind

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_END = r"(?![0-9a-zA-Z])"
UUID_RE = re.compile(UUID)
LINK_RE = re.compile(rf"/(test|check)-sessions/({UUID}){_END}", re.IGNORECASE)
LABEL_RE = re.compile(
    rf"(?<![a-zA-Z])(test|check)[ _-]?session[ _-]?id[\"']?[ \t]{{0,8}}[:=][ \t]{{0,8}}[\"']?"
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
    "`checkly trigger` create a test session only with --record)"
)


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
    """Labelled session IDs and session links in text, in order of appearance."""
    return _matches(strip_ansi(text))


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
            return list(unique(ids_in_json(document)))
    return list(unique(ids_in_text(text)))


def show(value: str, limit: int = 80, hide: Sequence[str] = ()) -> str:
    """A value quoted for a message: the secrets in `hide` and secret-looking parts replaced by
    ***, then cut to `limit` (so a cut can never leave part of a secret) and escaped."""
    for secret in sorted(hide, key=len, reverse=True):
        if secret:  # inside words too: a value is the user's text, not a message's words
            value = value.replace(secret, "***")
    text = _SECRET_LIKE.sub("***", value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


_SECRET_LIKE = re.compile(r"\b(?:cu_|gh[opsur]_|github_pat_)[A-Za-z0-9_]{6,}")


def _ref(kind: str, session_id: str) -> SessionRef:
    return SessionRef(SessionKind(kind.lower()), session_id.lower())


def _matches(text: str, lo: int = 0, hi: int | None = None) -> list[SessionRef]:
    """Refs of the matches starting in [lo, hi), in order of position."""
    end = len(text) if hi is None else hi
    hits = [
        (m.start(), _ref(m.group(1), m.group(2)))
        for pattern in (LABEL_RE, LINK_RE)
        for m in pattern.finditer(text)
        if lo <= m.start() < end
    ]
    hits.sort(key=lambda hit: hit[0])
    return [ref for _, ref in hits]


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
    patterns: str, cwd: Path, hide: Sequence[str] = (), *, skip: frozenset[Path] = frozenset()
) -> tuple[list[SessionRef], list[str]]:
    """Sessions in the files named by `patterns` (one path or glob per line, `#` comments),
    and one problem (without the option name) per pattern or file that yields none.

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
            except OSError as exc:
                problems.append(
                    f"cannot read {show(shown, hide=hide)}: {exc.strerror or type(exc).__name__}"
                )
                continue
            if not found:
                problems.append(f"{show(shown, hide=hide)} holds no session ID; {FILE_SHAPES}")
            refs.extend(found)
    return refs, problems


def _expand(
    pattern: str, cwd: Path, hide: Sequence[str], skip: frozenset[Path] = frozenset()
) -> tuple[list[tuple[str, Path]], str | None]:
    """(shown name, path) of the files a pattern names, or a problem."""
    path = Path(pattern).expanduser()
    full = path if path.is_absolute() else cwd / path
    if full.resolve() in skip:
        return [], None
    if full.is_file() or _is_stream(full):
        return [(pattern, full)], None
    if full.is_dir():
        shown = show(pattern, hide=hide)
        return [], f"{shown} is a directory; give a file, or a glob such as reports/*.json"
    where = "" if path.is_absolute() else f" (looked in {cwd})"
    if full.exists():  # neither a file, a folder, a pipe nor a character device
        kind = (
            "a socket"
            if full.is_socket()
            else "a block device"
            if full.is_block_device()
            else "no file"
        )
        return [], f"{show(pattern, hide=hide)} is {kind}, not a file to read session IDs from"
    if not _MAGIC.search(pattern):
        return [], f"{show(pattern, hide=hide)} does not exist{where}"
    root = None if path.is_absolute() else cwd
    names = sorted(glob.glob(str(path), root_dir=root, recursive=True))
    files = [
        (name, full)
        for name in names
        if (full := Path(root or "/", name)).is_file() and full.resolve() not in skip
    ]
    if not files:
        return [], f"{show(pattern, hide=hide)} matches no file{where}"
    return files, None


_MAGIC = re.compile(r"[*?[]")


def _is_stream(path: Path) -> bool:
    """A FIFO (`<(cat f)` is /dev/fd/63) or a character device (/dev/null, /dev/stdin)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)
