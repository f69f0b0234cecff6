"""Files the runner's user owns (gate/runner/workspace.py): as root, what the gate creates in the
workspace gets the workspace's uid and gid; what was there, and what is outside, keeps its owner.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gate.runner.workspace import owned_like_workspace, workspace_owner

RUNNER_UID, RUNNER_GID = 1001, 1001  # the runner's user on GitHub's hosted runners

needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="changing a file's owner needs root (the container runs as root)"
)


def owner(path: Path) -> tuple[int, int]:
    info = path.lstat()
    return info.st_uid, info.st_gid


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "workspace"
    folder.mkdir()
    if os.geteuid() == 0:
        os.chown(folder, RUNNER_UID, RUNNER_GID)
    return folder


@needs_root
def test_created_files_and_folders_get_the_workspace_owner(workspace: Path) -> None:
    environ = {"GITHUB_WORKSPACE": str(workspace)}
    (workspace / "kept").mkdir()  # root's, made before the gate: stays root's
    report = workspace / "kept" / "reports" / "deep" / "checkly.json"
    with owned_like_workspace(report, environ):
        report.parent.mkdir(parents=True)
        report.write_text("{}")
    assert owner(workspace / "kept") == (0, 0)
    for path in (workspace / "kept/reports", workspace / "kept/reports/deep", report):
        assert owner(path) == (RUNNER_UID, RUNNER_GID), path


@needs_root
def test_an_existing_file_keeps_its_owner(workspace: Path) -> None:
    existing = workspace / "checkly.md"
    existing.write_text("old")
    os.chown(existing, 2000, 2000)
    with owned_like_workspace(existing, {"GITHUB_WORKSPACE": str(workspace)}):
        existing.write_text("new")
    assert owner(existing) == (2000, 2000)


@needs_root
def test_relative_paths_are_read_from_the_working_directory(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace)
    with owned_like_workspace(Path("out/summary.md"), {"GITHUB_WORKSPACE": str(workspace)}):
        Path("out").mkdir()
        Path("out/summary.md").write_text("x")
    assert owner(workspace / "out") == owner(workspace / "out/summary.md") == (1001, 1001)


@needs_root
def test_nothing_outside_the_workspace_changes(workspace: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "checkly.xml"
    with owned_like_workspace(outside, {"GITHUB_WORKSPACE": str(workspace)}):
        outside.parent.mkdir()
        outside.write_text("<x/>")
    assert owner(outside) == owner(outside.parent) == (0, 0)


@needs_root
def test_a_failed_write_still_hands_over_what_it_created(workspace: Path) -> None:
    target = workspace / "reports" / "checkly.json"
    with (
        pytest.raises(OSError),
        owned_like_workspace(target, {"GITHUB_WORKSPACE": str(workspace)}),
    ):
        target.parent.mkdir()
        raise OSError("disk full")
    assert owner(workspace / "reports") == (RUNNER_UID, RUNNER_GID)


def test_no_owner_to_hand_over_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not root, or a root-owned workspace, or none at all: nothing is changed."""
    root_owned = tmp_path / "ws"
    root_owned.mkdir()
    if os.geteuid() == 0:
        assert workspace_owner({"GITHUB_WORKSPACE": str(root_owned)}) is None
        assert workspace_owner({"GITHUB_WORKSPACE": str(tmp_path / "missing")}) is None
    monkeypatch.setattr(os, "geteuid", lambda: 1001)
    assert workspace_owner({"GITHUB_WORKSPACE": str(root_owned)}) is None
