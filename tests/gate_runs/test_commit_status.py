"""Commit statuses and merge queues (SPEC §11), the whole gate against the simulator and the
real PyGithub against the fake GitHub, with real event payloads.

`commit-status: true` sets `pending` on the commit being tested as soon as the sessions are
known, then `success`, `failure` or `error`, with the verdict line (at most 140 characters)
and the run's URL: the PR head on `pull_request`, the deployment's `sha` on
`deployment_status`, the triggering run's head on `workflow_run`, `merge_group.head_sha` in a
merge queue (where no PR comment is written, and a notice says why).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate.simulator import ScriptedResult, ScriptedSession, Simulator
from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub, running
from tests.support.gate_run import GateRun, run_gate
from tests.support.paths import EVENTS

TOKEN = "ghp_commit_status_token_0123456789"
REPO = "octo-org/shop"
HEAD = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"  # the PR head in every fixture
QUEUE = "5" * 40  # merge_group.head_sha
PUSHED = "c" * 40  # GITHUB_SHA


def passing() -> ScriptedSession:
    return ScriptedSession("test", "PASSED", "Smoke", results=[ScriptedResult("Home")])


def failing() -> ScriptedSession:
    return ScriptedSession(
        "test", "FAILED", "Smoke", results=[ScriptedResult("Checkout " + "x" * 150, "failed")]
    )


def gate(
    sim: Simulator, github: FakeGitHub, tmp_path: Path, event: str, payload: str, *args: str
) -> GateRun:
    ids = [s for s in sim._plays]
    return run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=ids,
        args=["--timeout", "20s", "--commit-status", "true", "--pr-comment", "always", *args],
        environ={
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(EVENTS / payload),
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_SHA": PUSHED,
            "GITHUB_API_URL": github.url,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "4242",
            "GITHUB_RUN_ATTEMPT": "1",
            "INPUT_GITHUB-TOKEN": TOKEN,
        },
    )


@pytest.mark.parametrize(
    ("event", "payload", "sha"),
    [
        ("pull_request", "pull_request.json", HEAD),
        ("deployment_status", "deployment_status.json", HEAD),
        ("workflow_run", "workflow_run_same_repo.json", HEAD),
        ("merge_group", "merge_group.json", QUEUE),
        ("push", "push.json", PUSHED),
    ],
)
def test_pending_then_success_on_the_commit_being_tested(
    simulator: SimulatorFactory, tmp_path: Path, event: str, payload: str, sha: str
) -> None:
    sim = simulator([passing()])
    with running(TOKEN) as github:
        github.add_pull(REPO, 42, sha=HEAD)
        run = gate(sim, github, tmp_path, event, payload)
        assert run.code == 0, run.stdout
        assert github.states(REPO, sha) == ["pending", "success"], run.stdout
        assert [k for k in github.statuses if k[1] != sha] == []  # no other commit
        pending, done = github.statuses[(REPO, sha)]
    assert pending["context"] == done["context"] == "checkly-gate"
    assert pending["description"] == "Waiting for 1 Checkly session"
    assert done["description"] == run.report["verdict"]["summary"]
    assert done["target_url"] == "https://github.com/octo-org/shop/actions/runs/4242/attempts/1"
    assert f"Commit status checkly-gate: pending on {sha[:12]}" in run.stdout


def test_a_failing_gate_sets_failure_within_140_characters(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator([failing()])
    with running(TOKEN) as github:
        run = gate(
            sim, github, tmp_path, "pull_request", "pull_request.json",
            "--comment-key", "smoke", "--max-failures", "0",
        )  # fmt: skip
        assert run.code == 1
        assert github.states(REPO, HEAD, "checkly-gate/smoke") == ["pending", "failure"]
        description = github.statuses[(REPO, HEAD)][-1]["description"]
    assert 0 < len(description) <= 140
    assert description.startswith("Gate failed")


def test_no_verdict_sets_error(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator([passing()])
    with running(TOKEN) as github:
        run = run_gate(
            tmp_path / "out",
            api_url=sim.url,
            api_key="not-the-key",
            account_id=sim.account_id,
            test_ids=list(sim._plays),
            args=["--commit-status", "true"],
            environ={
                "GITHUB_EVENT_NAME": "push",
                "GITHUB_SHA": PUSHED,
                "GITHUB_API_URL": github.url,
                "INPUT_GITHUB-TOKEN": TOKEN,
            },
        )
        assert run.code == 3
        assert github.states(REPO, PUSHED) == ["pending", "error"]
        assert github.statuses[(REPO, PUSHED)][-1]["description"].startswith("No verdict")


def test_a_report_that_cannot_be_written_sets_error_not_the_verdict(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    """The gate judged (passed) but then could not write a report: exit 3, no verdict, so the
    status is `error`, never the `success` of a verdict the step does not stand by."""
    sim = simulator([passing()])
    with running(TOKEN) as github:
        run = gate(sim, github, tmp_path, "push", "push.json", "--junit-file", "/dev/full")
        assert run.code == 3, run.stdout
        assert github.states(REPO, PUSHED) == ["pending", "error"], run.stdout
        description = github.statuses[(REPO, PUSHED)][-1]["description"]
    assert description.startswith("No verdict") and "report" in description


def test_a_403_is_a_notice_and_the_verdict_stands(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator([passing()])
    with running(TOKEN) as github:
        github.fail("POST", r"/repos/.*/statuses/.*", 403, times=5)
        run = gate(sim, github, tmp_path, "push", "push.json")
        assert run.code == 0
        assert len(github.calls("POST", r"/repos/.*/statuses/.*")) == 1  # not tried again
    notices = [c for c in run.commands if c.name == "notice" and "commit status" in c.data]
    assert len(notices) == 1 and "statuses: write" in notices[0].data


def test_without_a_token_a_notice(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator([passing()])
    run = run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=list(sim._plays),
        args=["--commit-status", "true"],
        environ={"GITHUB_SHA": PUSHED},
    )
    assert run.code == 0
    assert any("No commit status: no GitHub token" in c.data for c in run.commands)


def test_off_by_default(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator([passing()])
    with running(TOKEN) as github:
        run = gate(sim, github, tmp_path, "push", "push.json", "--commit-status", "false")
        assert run.code == 0 and github.statuses == {}


def test_a_merge_queue_run_has_no_pr_comment_and_says_why(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator([passing()])
    with running(TOKEN) as github:
        github.add_pull(REPO, 42, sha=HEAD)
        run = gate(sim, github, tmp_path, "merge_group", "merge_group.json")
        assert github.bodies(REPO, 42) == []
        assert github.states(REPO, QUEUE) == ["pending", "success"]
    notices = [c.data for c in run.commands if c.name == "notice"]
    assert any("merge_group" in n and "merge queue" in n for n in notices), notices
    sessions = json.loads(run.outputs["sessions"])
    assert run.outputs["result"] == "passed" and len(sessions) == 1
