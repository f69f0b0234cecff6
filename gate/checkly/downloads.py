"""Saving a failing run's assets under `assets-dir` (SPEC §10): safe names, one byte cap.

The layout is `<assets-dir>/<session>/<check> (<location>)/<name>`. Every part is made safe
for every file system (no separators, no `..`, no control or reserved characters, no Windows
device names, at most `MAX_PART_BYTES` bytes) and the final path is checked to lie inside the
folder; files are created exclusively (an existing file or link is never written through).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import unicodedata
from pathlib import Path

from gate.checkly.client import ChecklyClient
from gate.checkly.fetch_file import TooBig, download

MAX_PART_BYTES = 120
_UNSAFE = re.compile(
    r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u061c\u202a-\u202e\u2066-\u2069\u200e\u200f\ud800-\udfff]'
)
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.IGNORECASE)


def safe_part(text: str, fallback: str = "_") -> str:
    """One path part that every file system accepts and that names nothing outside."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("_", text)
    text = " ".join(text.split()).strip(" .")
    if not text or set(text) <= {"_", "."}:
        text = fallback
    if _RESERVED.fullmatch(text):
        text = "_" + text
    return _cut(text, MAX_PART_BYTES)


def _cut(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, the extension kept."""
    if len(text.encode()) <= limit:
        return text
    stem, dot, ext = text.rpartition(".")
    ext = dot + ext if dot and 0 < len(ext) <= 10 else ""
    stem = text[: len(text) - len(ext)] if ext else text
    room = limit - len(ext.encode())
    cut = stem.encode()[:room].decode("utf-8", "ignore").rstrip(" .")
    return (cut or "_") + ext


class Budget:
    """The bytes all downloads of one gate run may still write (`assets-max-mb`)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def take(self, count: int) -> bool:
        with self._lock:
            if self.used + count > self.limit:
                return False
            self.used += count
            return True

    def give_back(self, count: int) -> None:
        with self._lock:
            self.used -= count


class Folders:
    """Hands out the folders and file names of one gate run, each once (case-insensitively)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._taken: set[str] = set()
        self._sessions: dict[str, str] = {}

    def session_folder(self, session_id: str, title: str) -> str:
        with self._lock:
            if session_id not in self._sessions:
                name = safe_part(title, "session")
                if name.lower() in {n.lower() for n in self._sessions.values()}:
                    name = safe_part(f"{title} {session_id[:8]}", "session")
                self._sessions[session_id] = name
            return self._sessions[session_id]

    def file_path(self, session: str, check: str, name: str) -> Path:
        """A new path for `name` in the run's folder, never one handed out before."""
        folder = self.root / session / safe_part(check, "check")
        base = safe_part(name.replace("\\", "/").rsplit("/", 1)[-1], "asset")
        stem, dot, ext = base.rpartition(".")
        if not dot or not stem:
            stem, ext, dot = base, "", ""
        with self._lock:
            for n in range(1, 10_000):
                candidate = (
                    base if n == 1 else _cut(f"{stem} ({n})", MAX_PART_BYTES - 11) + dot + ext
                )
                key = str(folder / candidate).lower()
                if key not in self._taken:
                    self._taken.add(key)
                    return folder / candidate
        raise OSError("too many files of one name")


def open_new(path: Path, root: Path) -> int:
    """Create `path` exclusively (its folders too), refusing anything outside `root`."""
    base = root.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.parent.resolve().is_relative_to(base):
        raise OSError(f"{path.parent} is outside {root}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    return os.open(path, flags, 0o644)


def remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


CAPPED = -1  # `save`: the file would pass the cap


def save(  # noqa: PLR0917 - one download, all of it needed
    client: ChecklyClient, url: str, path: Path, root: Path, budget: Budget, deadline: float
) -> int | None:
    """Download `url` into the new file `path`: its size, CAPPED, or None when it failed.
    A file that fails or passes the cap is removed, its bytes given back to the budget."""
    written = 0
    try:
        fd = open_new(path, root)
    except (OSError, ValueError):  # ValueError: a name the file system cannot encode
        return None

    def write(chunk: bytes) -> None:
        nonlocal written
        if not budget.take(len(chunk)):
            raise TooBig(budget.limit)
        written += len(chunk)
        os.write(fd, chunk)

    outcome: int | None = None
    try:
        try:
            download(client, url, deadline, write, max_bytes=budget.limit - budget.used)
            outcome = written
        finally:
            os.close(fd)
    except TooBig:
        outcome = CAPPED
    except Exception:
        outcome = None
    if outcome is None or outcome == CAPPED:
        budget.give_back(written)
        remove(path)
    return outcome
