"""Files the runner's user owns: what the gate creates in the workspace gets the workspace's owner.

A container action runs as root (GitHub requires it), while the runner mounts the workspace owned
by its own user (uid 1001 on GitHub's runners). Left alone, every report file and folder the gate
creates there would be root's, and a later step, running as the runner's user, could not append
to, replace or delete it. So when the gate runs as root and writes inside `GITHUB_WORKSPACE`
(or, outside GitHub, the working directory), each file and folder it creates is given the
workspace's uid and gid. Files that were there before keep their owner; nothing outside the
workspace is touched; a non-root gate changes nothing (what it creates is already its user's).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path


def workspace_owner(environ: Mapping[str, str]) -> tuple[Path, int, int] | None:
    """(workspace, uid, gid) when files created in it must be handed over, else None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    workspace = Path(environ.get("GITHUB_WORKSPACE") or os.getcwd())
    try:
        info = workspace.stat()
    except OSError:
        return None
    if info.st_uid == 0 and info.st_gid == 0:
        return None  # root's own workspace: what root creates is already right
    return workspace.resolve(), info.st_uid, info.st_gid


def _inside(path: Path, workspace: Path) -> bool:
    try:
        return path.resolve().is_relative_to(workspace) and path.resolve() != workspace
    except OSError:
        return False


@contextmanager
def owned_like_workspace(path: Path, environ: Mapping[str, str]) -> Iterator[None]:
    """Around the writing of `path`: afterwards, `path` (if the block created it) and every
    folder the block created on the way to it belong to the workspace's owner."""
    owner = workspace_owner(environ)
    if owner is None:
        yield
        return
    workspace, uid, gid = owner
    absolute = Path(os.path.abspath(path))
    new = [p for p in (absolute, *absolute.parents) if not os.path.lexists(p)]
    try:
        yield
    finally:
        for created in reversed(new):  # from the outermost folder in
            if os.path.lexists(created) and _inside(created, workspace):
                with suppress(OSError):  # best effort: the report itself was written
                    os.chown(created, uid, gid, follow_symlinks=False)
