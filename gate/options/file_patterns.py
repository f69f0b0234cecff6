"""The files a `session-files` pattern names, and values quoted for messages."""

from __future__ import annotations

import glob
import json
import re
import stat
from collections.abc import Sequence
from pathlib import Path


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


def expand(
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
