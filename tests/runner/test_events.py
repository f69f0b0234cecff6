"""gate.runner.events.find_pr: which PR a run belongs to, from realistic event payloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.runner.events import PrTarget, find_pr
from tests.support.paths import EVENTS

FIXTURES = EVENTS  # GitHub event payloads
REPO = "octo-org/shop"
HEAD = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
FORK_HEAD = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"


def env(event: str, fixture: str | None = None, **extra: str) -> dict[str, str]:
    environ = {"GITHUB_EVENT_NAME": event, "GITHUB_REPOSITORY": REPO, **extra}
    if fixture is not None:
        environ["GITHUB_EVENT_PATH"] = str(FIXTURES / f"{fixture}.json")
    return environ


@pytest.mark.parametrize(
    ("event", "fixture", "number", "head_sha"),
    [
        ("pull_request", "pull_request", 42, HEAD),
        ("pull_request_target", "pull_request_target", 57, FORK_HEAD),
        ("pull_request_review", "pull_request_review", 43, "1" * 40),
        ("pull_request_review_comment", "pull_request_review_comment", 44, "2" * 40),
        ("issue_comment", "issue_comment_pr", 42, None),
        ("workflow_run", "workflow_run_same_repo", 42, HEAD),
    ],
)
def test_events_that_name_the_pr(
    event: str, fixture: str, number: int, head_sha: str | None
) -> None:
    target = find_pr(env(event, fixture), None)
    assert target == PrTarget(number, REPO, None, event, head_sha=head_sha)
    assert not target.needs_lookup


def test_workflow_run_from_a_fork_is_looked_up_by_head_owner_and_branch() -> None:
    target = find_pr(env("workflow_run", "workflow_run_fork"), None)
    assert target.number is None
    assert target.reason is None
    assert target.needs_lookup
    assert target.head_label == "contributor:fix-typo"
    assert target.head_sha == FORK_HEAD


def test_workflow_run_ignores_prs_of_other_repositories() -> None:
    # GitHub lists PRs whose *base* is the fork; they are not ours to comment on.
    target = find_pr(env("workflow_run", "workflow_run_other_repo_pr"), None)
    assert target.number is None
    assert target.head_label == "contributor:main"


def test_push_is_looked_up_by_commit() -> None:
    target = find_pr(env("push", "push"), None)
    assert target.needs_lookup
    assert target.commit_sha == HEAD
    assert target.head_label is None


def test_push_without_payload_uses_github_sha() -> None:
    target = find_pr(env("push", GITHUB_SHA="c" * 40), None)
    assert target.commit_sha == "c" * 40


def test_push_that_deleted_a_branch_has_no_pr() -> None:
    target = find_pr(env("push", "push_deleted"), None)
    assert target.number is None
    assert target.reason is not None
    assert "deleted" in target.reason


@pytest.mark.parametrize(
    ("event", "fixture", "words"),
    [
        ("issue_comment", "issue_comment_issue", "issue #12, which is not a pull request"),
        ("merge_group", "merge_group", "merge queue"),
        ("schedule", "schedule", "`schedule` event is not about a pull request"),
        ("workflow_dispatch", "workflow_dispatch", "set `pr-number`"),
        ("release", None, "`release` event has no pull request"),
    ],
)
def test_events_without_a_pr_say_why(event: str, fixture: str | None, words: str) -> None:
    target = find_pr(env(event, fixture), None)
    assert target.number is None
    assert not target.needs_lookup
    assert target.reason is not None
    assert words in target.reason


def test_override_wins_over_the_event() -> None:
    assert find_pr(env("pull_request", "pull_request"), 7).number == 7
    assert find_pr(env("schedule", "schedule"), 7) == PrTarget(7, REPO, None, "schedule")


def test_override_outside_github_needs_the_repository() -> None:
    target = find_pr({}, 7)
    assert target.number is None
    assert target.reason is not None
    assert "GITHUB_REPOSITORY" in target.reason
    assert find_pr({"GITHUB_REPOSITORY": REPO}, 7).number == 7


def test_not_running_under_github_actions() -> None:
    target = find_pr({}, None)
    assert target.reason is not None
    assert "GITHUB_EVENT_NAME" in target.reason


def test_repository_falls_back_to_the_payload() -> None:
    environ = env("pull_request", "pull_request")
    del environ["GITHUB_REPOSITORY"]
    assert find_pr(environ, None).repo == REPO


@pytest.mark.parametrize(
    "content", ["", "{not json", "[1, 2]", '{"pull_request": {"number": "x"}}']
)
def test_unreadable_payload_gives_a_reason(tmp_path: Path, content: str) -> None:
    path = tmp_path / "event.json"
    path.write_text(content)
    target = find_pr(env("pull_request", GITHUB_EVENT_PATH=str(path)), None)
    assert target.number is None
    assert target.reason is not None
    assert "GITHUB_EVENT_PATH" in target.reason


def test_missing_payload_file_gives_a_reason(tmp_path: Path) -> None:
    target = find_pr(env("pull_request", GITHUB_EVENT_PATH=str(tmp_path / "nope.json")), None)
    assert target.reason is not None


@pytest.mark.parametrize(
    ("event", "fixture", "sha"),
    [
        ("deployment_status", "deployment_status", HEAD),
        ("deployment_status", "deployment_status_target_url", FORK_HEAD),
    ],
)
def test_a_deployment_is_looked_up_by_its_commit(event: str, fixture: str, sha: str) -> None:
    target = find_pr(env(event, fixture), None)
    assert target.needs_lookup
    assert (target.commit_sha, target.head_sha, target.head_label) == (sha, sha, None)


def test_check_suite_and_status_without_payload_use_github_sha() -> None:
    for event in ("check_suite", "check_run", "status", "deployment"):
        target = find_pr(env(event, GITHUB_SHA="e" * 40), None)
        assert target.commit_sha == "e" * 40, event
