"""Issue 12, item 13: an event file that is missing or malformed says so, not "no pull request"."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.runner.events import find_pr

ENV = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "octo-org/shop"}


def test_a_missing_event_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "gone.json"
    target = find_pr(ENV | {"GITHUB_EVENT_PATH": str(path)}, None)
    assert target.number is None
    assert target.reason == (
        f"the event file {path} (GITHUB_EVENT_PATH) is unreadable: No such file or directory"
    )


@pytest.mark.parametrize(
    ("text", "why"), [("{not json", "not JSON"), ("[1, 2]", "not a JSON object")]
)
def test_a_malformed_event_file_is_unreadable(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "event.json"
    path.write_text(text, "utf-8")
    for event in ("pull_request", "issue_comment", "workflow_run"):
        target = find_pr(ENV | {"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(path)}, None)
        assert target.reason is not None
        assert target.reason.startswith(f"the event file {path} (GITHUB_EVENT_PATH) is unreadable")
        assert why in target.reason
        assert "names no pull request" not in target.reason


def test_no_event_path_at_all_says_so() -> None:
    target = find_pr(ENV, None)
    assert target.reason == "the event file is unknown (GITHUB_EVENT_PATH is not set)"


def test_a_push_needs_no_event_file(tmp_path: Path) -> None:
    env = ENV | {
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_SHA": "9f2c4e1a7b3d5f60182a4c6e8b0d2f4a6c8e0b1d",
    }
    target = find_pr(env | {"GITHUB_EVENT_PATH": str(tmp_path / "gone.json")}, None)
    assert target.reason is None and target.commit_sha == env["GITHUB_SHA"]


def test_pr_number_wins_over_an_unreadable_event_file(tmp_path: Path) -> None:
    target = find_pr(ENV | {"GITHUB_EVENT_PATH": str(tmp_path / "gone.json")}, 7)
    assert target.number == 7 and target.reason is None
