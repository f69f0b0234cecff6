"""Which commit a run tests (SPEC §11), from the real event payloads in tests/fixtures/events."""

from __future__ import annotations

import pytest

from gate.runner.commit_status import describe
from gate.runner.tested_commit import tested_commit as commit_of  # not collected as a test
from tests.support.paths import EVENTS

HEAD = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
SHA = "c" * 40


@pytest.mark.parametrize(
    ("event", "payload", "expected"),
    [
        ("pull_request", "pull_request.json", HEAD),
        (
            "pull_request_target",
            "pull_request_target.json",
            "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b",
        ),
        ("deployment_status", "deployment_status.json", HEAD),
        ("merge_group", "merge_group.json", "5" * 40),
        ("workflow_run", "workflow_run_same_repo.json", HEAD),
        ("push", "push.json", SHA),
        ("schedule", "schedule.json", SHA),
    ],
)
def test_the_commit_being_tested(event: str, payload: str, expected: str) -> None:
    environ = {"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(EVENTS / payload)}
    assert commit_of({**environ, "GITHUB_SHA": SHA}) == expected


def test_without_a_payload_github_sha_or_nothing() -> None:
    assert commit_of({"GITHUB_EVENT_NAME": "merge_group", "GITHUB_SHA": SHA}) == SHA
    assert commit_of({}) is None


def test_a_description_fits_140_characters() -> None:
    assert describe("Gate passed:  all  good") == "Gate passed: all good"
    long = describe("Gate failed: " + "word " * 60)
    assert len(long) <= 140 and long.endswith("…") and not long.endswith(" …")
    assert len(describe("x" * 300)) == 140
