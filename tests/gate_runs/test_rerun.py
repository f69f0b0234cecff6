"""Re-run only what failed (SPEC §11), the whole gate against the simulator.

A job's attempt 1 triggers a test session by tag; "Re-run failed jobs" starts attempt 2 with
`GITHUB_RUN_ATTEMPT=2`: the gate finds attempt 1's session by its name, triggers only the
checks that failed there (`target.checkId`), and carries the passing ones into every report as
`passed (attempt 1)`, counted as passed. Attempt 3 after a partial attempt 2 looks at both.
Whenever there is nothing to go on, everything runs and the console says why.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from gate.simulator import Fault, ScriptedResult, ScriptedSession, Simulator
from gate.simulator.catalogue import DeployedCheck
from tests.conftest import SimulatorFactory
from tests.support.gate_run import GateRun, assert_nothing_lost, run_gate
from tests.support.paths import EVENTS

CHECKS = [
    DeployedCheck("Homepage", "API", ("production",), ("eu-west-1", "us-east-1")),
    DeployedCheck("Search", "API", ("production",), ("eu-west-1",)),
    DeployedCheck("Checkout", "BROWSER", ("production",), ("eu-west-1",), "failed", error="500"),
    DeployedCheck("Orders API", "API", ("production",), ("eu-west-1",), "failed", error="502"),
    DeployedCheck("Nightly", "API", ("nightly",), ("eu-west-1",)),
]
HOME, SEARCH, CHECKOUT, ORDERS, _ = (c.id for c in CHECKS)
GITHUB = {
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_SHA": "c" * 40,
    "GITHUB_RUN_ID": "4242",
    "GITHUB_RUN_NUMBER": "17",
}


def attempt(sim: Simulator, tmp_path: Path, number: int, *args: str, **env: str) -> GateRun:
    return run_gate(
        tmp_path / f"attempt-{number}",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        args=["--timeout", "20s", *(args or ("--tags", "production"))],
        environ={**GITHUB, "GITHUB_RUN_ATTEMPT": str(number), **env},
    )


def fixed(sim: Simulator, *names: str) -> None:
    """From now on these checks pass."""
    sim.triggers.checks = [
        dataclasses.replace(c, status="passed") if c.name in names else c
        for c in sim.triggers.checks
    ]


def posts(sim: Simulator) -> list[dict[str, Any]]:
    return [
        json.loads(r.request_body)
        for r in sim.requests
        if r.method == "POST" and r.path == "/v1/test-sessions/trigger"
    ]


def test_attempt_2_runs_only_the_failed_checks_and_carries_the_passes(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CHECKS)
    first = attempt(sim, tmp_path, 1)
    assert first.code == 1, first.stdout
    assert "Attempt" not in first.stdout  # attempt 1 runs everything without a word
    fixed(sim, "Checkout", "Orders API")

    second = attempt(sim, tmp_path, 2)
    assert second.code == 0, second.stdout
    body = posts(sim)[-1]
    assert body["target"] == {"checkId": [CHECKOUT, ORDERS]}  # the tags are not sent again
    assert re.search(r"· checks / gate #17\.2 · [0-9a-f]+$", body["name"])
    assert (
        "Attempt 2: running only the 2 checks that failed in attempt 1 (rerun: failed); "
        "2 passing checks carried over" in second.stdout
    )
    first_id = first.report["trigger"]["sessionIds"][0]
    triggered = second.report["trigger"]["sessionIds"][0]
    assert [s["id"] for s in second.sessions] == [triggered, first_id]
    carried = second.session(first_id)
    assert carried["outcome"] == "passed"
    assert carried["title"].endswith("(attempt 1)")
    assert carried["note"].startswith("passed (attempt 1): 2 checks carried over")
    assert sorted((r["name"], r["reason"]) for r in carried["runs"]) == [
        ("Homepage", "passed (attempt 1)"),
        ("Search", "passed (attempt 1)"),
    ]
    assert all(r["link"] and first_id in r["link"] for r in carried["runs"])
    verdict = second.report["verdict"]
    assert (verdict["total"], verdict["counts"]["passed"], verdict["failing"]) == (4, 4, 0)
    assert second.outputs["passed-count"] == "4"
    assert "(attempt 1)" in second.summary and "(attempt 1)" in second.step_summary
    suites = [s.get("name") for s in second.junit.findall("testsuite")]
    assert any(n and n.endswith("(attempt 1)") for n in suites)
    assert_nothing_lost([triggered, first_id], second.out_dir, second.stdout)


def test_attempt_3_after_a_partial_attempt_2_looks_at_both(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CHECKS)
    attempt(sim, tmp_path, 1)
    fixed(sim, "Orders API")
    second = attempt(sim, tmp_path, 2)
    assert second.code == 1  # Checkout still fails
    assert posts(sim)[-1]["target"] == {"checkId": [CHECKOUT, ORDERS]}
    fixed(sim, "Checkout")

    third = attempt(sim, tmp_path, 3)
    assert third.code == 0, third.stdout
    assert posts(sim)[-1]["target"] == {"checkId": [CHECKOUT]}
    assert "failed in attempt 1, 2 (rerun: failed); 3 passing checks carried over" in (third.stdout)
    titles = [s["title"] for s in third.sessions]
    assert titles[1].endswith("(attempt 1)") and titles[2].endswith("(attempt 2)")
    carried_names = [[r["name"] for r in s["runs"]] for s in third.sessions[1:]]
    assert carried_names == [["Homepage", "Search"], ["Orders API"]]
    assert third.report["verdict"]["total"] == 4


def test_a_named_session_finds_the_newest_of_its_name(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CHECKS)
    named = ("--tags", "production", "--test-session-name", "shop smoke")
    attempt(sim, tmp_path, 1, *named)
    fixed(sim, "Checkout")
    second = attempt(sim, tmp_path, 2, *named)
    assert posts(sim)[-1]["target"] == {"checkId": [CHECKOUT, ORDERS]}
    assert second.code == 1  # Orders API still fails
    assert second.report["verdict"]["counts"]["passed"] == 3  # Checkout now, Homepage, Search


def test_nothing_to_go_on_runs_everything_and_says_why(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CHECKS)
    lonely = attempt(sim, tmp_path, 2)  # no attempt 1 ever ran
    assert posts(sim)[-1]["target"] == {"matchTags": [["production"]]}
    assert (
        "Attempt 2: running every matched check: no test session of an earlier attempt of this "
        "job was found" in lonely.stdout
    )
    fixed(sim, "Checkout", "Orders API")
    attempt(sim, tmp_path, 3, "--tags", "production", "--rerun", "all")
    assert posts(sim)[-1]["target"] == {"matchTags": [["production"]]}
    green = attempt(sim, tmp_path, 4)  # attempt 3 passed whole: nothing failed before
    assert posts(sim)[-1]["target"] == {"matchTags": [["production"]]}
    assert (
        "Attempt 4: running every matched check: no check's latest run in attempt 2, 3 failed"
        in green.stdout
    )


def test_rerun_all_and_check_sessions_run_everything(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CHECKS)
    attempt(sim, tmp_path, 1)
    everything = attempt(sim, tmp_path, 2, "--tags", "production", "--rerun", "all")
    assert posts(sim)[-1]["target"] == {"matchTags": [["production"]]}
    assert "Attempt 2: running every matched check (rerun: all)" in everything.stdout
    checks = attempt(sim, tmp_path, 3, "--trigger", "check-sessions", "--tags", "production")
    assert "Attempt 3: check-session triggers always run every matched check" in checks.stdout
    v2 = [r for r in sim.requests if r.path == "/v2/check-sessions/trigger"]
    assert json.loads(v2[-1].request_body) == {"target": {"matchTags": [["production"]]}}


def test_an_earlier_session_that_failed_as_a_whole_runs_everything(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    cancelled = ScriptedSession(  # attempt 1 was cancelled before any check ran
        "test", "CANCELLED", "octo-org/shop · checks / gate #17.1 · 0badcafe", duration_s=0.0
    )
    sim = simulator([cancelled], catalogue=CHECKS)
    run = attempt(sim, tmp_path, 2)
    assert (
        "Attempt 2: running every matched check: the test session of attempt 1 failed as a "
        "whole (CANCELLED, no failing check to run again)" in run.stdout
    )
    assert posts(sim)[-1]["target"] == {"matchTags": [["production"]]}


def test_outside_github_a_run_attempt_means_nothing(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CHECKS)
    attempt(sim, tmp_path, 1)
    attempt(sim, tmp_path, 2, GITHUB_ACTIONS="false")
    assert posts(sim)[-1]["target"] == {"matchTags": [["production"]]}


def test_a_pull_request_re_run_finds_its_pr_sessions(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    pr = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(EVENTS / "pull_request.json"),
    }
    sim = simulator(catalogue=CHECKS)
    other = ScriptedSession(  # another job's attempt 1 of the same run: not this job's
        "test", "FAILED", "octo-org/shop · checks / lint #17.1 · PR #42 · 1234abcd",
        results=[ScriptedResult("Search", "failed", check_id=SEARCH)],
    )  # fmt: skip
    sim.add(other)
    first = attempt(sim, tmp_path, 1, **pr)
    assert first.report["trigger"] and "· PR #42 · " in posts(sim)[-1]["name"]
    second = attempt(sim, tmp_path, 2, **pr)
    assert posts(sim)[-1]["target"] == {"checkId": [CHECKOUT, ORDERS]}
    assert other.id not in [s["id"] for s in second.sessions]


def test_a_list_that_cannot_be_read_runs_everything(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CHECKS)
    attempt(sim, tmp_path, 1)
    sim.triggers.fail("list", Fault.status(402))
    run = attempt(sim, tmp_path, 2)
    assert "Attempt 2: running every matched check: the test sessions could not be listed" in (
        run.stdout
    )
    assert posts(sim)[-1]["target"] == {"matchTags": [["production"]]}


def test_a_requested_check_missing_in_attempt_1_is_requested_again(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    """Attempt 1 asked for a check that did not run (missing, SPEC §11) and another failed: the
    re-run asks for both again, so the missing check cannot drop out of the verdict."""
    sim = simulator(catalogue=CHECKS)
    deleted = "7e0c1b2a-3d4e-4f5a-8b6c-9d0e1f2a3b4c"
    ids = ("--check-ids", ",".join([HOME, CHECKOUT, deleted]))
    first = attempt(sim, tmp_path, 1, *ids)
    assert first.code == 1 and first.report["verdict"]["counts"]["missing"] == 1
    fixed(sim, "Checkout")
    second = attempt(sim, tmp_path, 2, *ids)
    assert sorted(posts(sim)[-1]["target"]["checkId"]) == sorted([CHECKOUT, deleted])
    assert second.code == 1, second.stdout  # still missing: never a pass
    assert second.report["verdict"]["counts"]["missing"] == 1


def test_a_named_session_of_another_workflow_run_is_never_carried(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    """A `test-session-name` is shared by every run of the workflow (other PRs, other pushes):
    the newest session of that name may be another run's. Its passes are not this job's."""
    sim = simulator(catalogue=CHECKS)
    named = ("--tags", "production", "--test-session-name", "shop smoke")
    attempt(sim, tmp_path, 1, *named)  # this run: Checkout and Orders API fail
    fixed(sim, "Orders API")
    attempt(sim, tmp_path, 9, *named, GITHUB_RUN_ID="5151", GITHUB_RUN_ATTEMPT="1")
    sim.triggers.checks = list(CHECKS)  # this run's deployment: both still fail
    second = attempt(sim, tmp_path, 2, *named)
    assert posts(sim)[-1]["target"] == {"checkId": [CHECKOUT, ORDERS]}
    assert second.code == 1, second.stdout
