"""Report paths checked before the first request (SPEC §5): "every report file is an output,
never an input".

`values.ValueReader.outputs` already refuses a directory, two reports in one file, and a report
that is also a session file or a template. This adds the runner's own files (a JSON report
written over `GITHUB_OUTPUT` would break every later step's outputs) and whether the report can
be written at all: its folder exists or can be made, and is writable. A bad path is exit 2 at
once, not after a 10-minute wait.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

RUNNER_FILES = (
    "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_ENV",
    "GITHUB_PATH",
    "GITHUB_STATE",
    "GITHUB_EVENT_PATH",
)


def report_path_problems(
    paths: Mapping[str, Path | None], environ: Mapping[str, str], cwd: Path
) -> Iterator[tuple[str, str]]:
    """(option, what is wrong) for each report path that is a runner file or not writable."""
    runner = {
        _where(cwd, Path(value)): name
        for name in RUNNER_FILES
        if (value := environ.get(name, "").strip())
    }
    for option, path in paths.items():
        if path is None:
            continue
        where = _where(cwd, path)
        if (name := runner.get(where) or _same_file(where, runner)) is not None:
            yield (
                option,
                (
                    f"is the runner's own {name} file; a report is written, never read: give it "
                    "a path of its own"
                ),
            )
            continue
        if (why := _not_writable(where)) is not None:
            yield option, why


def _where(cwd: Path, path: Path) -> Path:
    return (cwd / path.expanduser()).resolve()


def _same_file(where: Path, runner: Mapping[Path, str]) -> str | None:
    """A runner file reached by another name (a hard link): same device and inode."""
    try:
        mine = where.stat()
    except OSError:
        return None
    for other, name in runner.items():
        try:
            theirs = other.stat()
        except OSError:
            continue
        if (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino):
            return name
    return None


def _not_writable(where: Path) -> str | None:
    """Why the report at `where` cannot be written (None: it can, as far as can be told
    without writing): an existing file must be writable; else the nearest existing folder
    above it must be a writable folder, where the missing ones can be made."""
    if where.exists():
        if not os.access(where, os.W_OK):
            return "cannot be written: the file is not writable"
        return None
    for folder in where.parents:
        if not folder.exists():
            continue
        if not folder.is_dir():
            return f"cannot be written: {folder} is a file, not a folder"
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"cannot be written: the folder {folder} is not writable"
        return None
    return None
