"""Gate policy through the whole gate (SPEC §9, §11): checked history, the `new error` rule,
non-blocking checks, `flaky-failures: allow`, missing checks and the base branch, each against
the simulator, read from the files the runner reads (JSON, summary, JUnit, outputs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gate.checkly.transport import Timing
from gate.simulator import Fault, ScriptedResult, ScriptedSession, Simulator
from gate.simulator.catalogue import DeployedCheck
from tests.conftest import SimulatorFactory
from tests.support.gate_run import GateRun, run_gate
from tests.support.openapi import validate_body

FAST = Timing(
    connect=1.0, read_slack=0.5, deadline_slack=0.5, plain_read=1.0, backoff_base=0.05,
    backoff_cap=0.2,
)  # fmt: skip
PR = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main"}
FEATURE = {"branchName": "feature/login", "repoUrl": "https://github.com/acme/webshop"}


def gate(
    sim: Simulator, out: Path, sessions: list[ScriptedSession], *args: str, **kw: Any
) -> GateRun:
    return run_gate(
        out,
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[s.id for s in sessions if s.kind == "test"],
        args=["--timeout", "30", *args],
        timing=FAST,
        **kw,
    )


def one(*results: ScriptedResult, **kw: Any) -> list[ScriptedSession]:
    return [ScriptedSession("test", "FAILED", name="PR checks", results=list(results), **kw)]


def runs(result: GateRun) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for s in result.sessions for r in s["runs"]}


# -- SPEC §9: history is checked before it is believed; a new error always counts -----------


@pytest.mark.parametrize("hostile", ["o", "u", "l"], ids=["other check", "undated", "late"])
def test_a_hostile_history_cannot_make_a_new_failure_already_failing(
    simulator: SimulatorFactory, tmp_path: Path, hostile: str
) -> None:
    """Before: the gate believed a failing entry of another check, without a date or dated
    after the session's start, labelled the run `already failing` and passed under allow."""
    sessions = one(
        ScriptedResult("Payments API", "failed", history="PPPPP", history_hostile=hostile)
    )
    result = gate(simulator(sessions), tmp_path, sessions, "--preexisting-failures", "allow")
    assert result.code == 1, result.stdout
    assert runs(result)["Payments API"]["triage"]["label"] == "new"
    assert result.report["verdict"]["notCounted"] == 0


def test_allow_counts_an_already_failing_check_that_fails_with_a_new_error(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    """Before: `preexisting-failures: allow` forgave it (exit 0)."""
    sessions = one(
        ScriptedResult(
            "Orders API", "failed", history="FFFFF", error_group="Timeout", group_age_days=0
        ),
        ScriptedResult("Search API", "failed", history="FFFFF", error_group="Expected 200"),
    )
    result = gate(simulator(sessions), tmp_path, sessions, "--preexisting-failures", "allow")
    assert result.code == 1
    found = runs(result)
    assert found["Orders API"]["newError"] and found["Orders API"]["notCounted"] is None
    assert found["Search API"]["notCounted"].startswith("already failing before this session")
    verdict = result.report["verdict"]
    assert (verdict["failing"], verdict["notCountedBy"]) == (1, {"already failing": 1})
    assert "new error" in result.summary


# -- SPEC §11: non-blocking checks and flaky failures ------------------------------------------


def test_a_quarantined_check_runs_is_shown_and_never_counted(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    flaky = ScriptedResult("Flaky login", "failed", history="PPPPP", error_group="Timeout")
    sessions = one(flaky, ScriptedResult("Home", "passed"))
    result = gate(
        simulator(sessions), tmp_path, sessions, "--non-blocking-check-ids", flaky.cid.upper()
    )
    assert result.code == 0, result.stdout
    verdict = result.report["verdict"]
    assert (verdict["failing"], verdict["notCountedBy"], verdict["counts"]["failed"]) == (
        0,
        {"non-blocking": 1},
        1,
    )
    note = "1 failing check run not counted: non-blocking (non-blocking-check-ids)"
    assert verdict["notCountedNote"] == note
    assert note in result.stdout and note in result.summary and note in result.step_summary
    run = runs(result)["Flaky login"]
    assert (run["outcome"], run["failing"], run["triage"]["label"]) == ("failed", True, "new")
    assert "non-blocking, not counted" in result.summary
    props = {p.get("name"): p.get("value") for p in result.junit.iter("property")}
    assert props["checkly.not-counted:Flaky login (eu-west-1)"] == note.split(": ", 1)[1]
    assert props["checkly.not-counted"] == note  # how many and why, on the first suite
    assert result.outputs["failed-count"] == "0" and result.outputs["result"] == "passed"


def test_flaky_failures_allow_leaves_flaky_runs_out_but_never_new_ones(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    def scripted() -> list[ScriptedSession]:
        return one(
            ScriptedResult("Login", "failed", history="PFPPP", error_group="Timeout"),
            ScriptedResult("Cart", "failed", history="PPFPP", error_group="Boom", group_age_days=0),
            ScriptedResult("Search", "failed", history="PPPPP", error_group="Expected 200"),
        )

    first = scripted()
    result = gate(simulator(first), tmp_path / "a", first, "--flaky-failures", "allow")
    assert result.code == 1
    found = runs(result)
    assert [found[n]["triage"]["label"] for n in ("Login", "Cart", "Search")] == ["flaky"] * 2 + [
        "new"
    ]
    assert found["Login"]["notCounted"] == "flaky before this session (flaky-failures: allow)"
    assert found["Cart"]["notCounted"] is None  # flaky, but a new error
    assert result.report["verdict"]["failing"] == 2
    assert result.report["verdict"]["thresholds"]["flakyFailures"] == "allow"

    def login() -> list[ScriptedSession]:
        return one(ScriptedResult("Login", "failed", history="PFPPP", error_group="Timeout"))

    second = login()
    tolerated = gate(simulator(second), tmp_path / "b", second, "--flaky-failures", "allow")
    assert tolerated.code == 0, tolerated.stdout
    third = login()
    plain = gate(simulator(third), tmp_path / "c", third)
    assert plain.code == 1


# -- SPEC §11: missing checks ------------------------------------------------------------------

DEPLOYED = [
    DeployedCheck("Homepage", tags=("webapp",)),
    DeployedCheck("Retired search", tags=("webapp",), activated=False),
]
DELETED = "7e0c1b2a-3d4e-4f5a-8b6c-9d0e1f2a3b4c"


def test_a_requested_check_that_did_not_run_is_missing_and_fails(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=DEPLOYED)
    ids = [DEPLOYED[0].id, DEPLOYED[1].id, DELETED]
    result = gate(sim, tmp_path / "a", [], "--check-ids", ",".join(ids))
    assert result.code == 1, result.stdout
    (session,) = result.sessions
    outcomes = {r["checkId"]: r["outcome"] for r in session["runs"]}
    assert outcomes == {ids[0]: "passed", ids[1]: "missing", DELETED: "missing"}
    verdict = result.report["verdict"]
    assert (verdict["failing"], verdict["counts"]["missing"]) == (2, 2)
    assert "2 failing check runs (2 missing)" in verdict["summary"]
    missing = next(r for r in session["runs"] if r["checkId"] == DELETED)
    assert missing["link"] == f"https://app.checklyhq.com/checks/{DELETED}"
    # Checkly says why each did not run: a deleted check is a 404, the other is deactivated
    assert missing["name"] == f"check {DELETED}"
    assert "no such check (deleted, or a wrong ID)" in missing["reason"]
    retired = next(r for r in session["runs"] if r["checkId"] == ids[1])
    assert retired["name"] == "Retired search", retired
    assert "the check is deactivated (allow-deactivated: true" in retired["reason"]
    assert "Retired search" in result.summary and "Retired search" in result.stdout
    assert missing["triage"] is None and missing["evidence"] is None
    assert result.report["warnings"] == []  # nothing fetched for a check that did not run
    assert "MISSING" in result.stdout and "❓" in result.summary
    case = next(c for c in result.junit.iter("testcase") if DELETED in (c.get("name") or ""))
    assert case.find("failure") is not None and case.find("failure").get("type") == "missing"  # type: ignore[union-attr]
    lenient = gate(
        simulator(catalogue=DEPLOYED),
        tmp_path / "b",
        [],
        "--check-ids",
        ",".join(ids),
        "--fail-on",
        "failed,error",
    )
    assert lenient.code == 0 and lenient.report["verdict"]["counts"]["missing"] == 2


# -- SPEC §11: the base branch -----------------------------------------------------------------


def base_and_pr(pr_status: str = "failed") -> tuple[ScriptedSession, list[ScriptedSession]]:
    base = ScriptedSession(
        "test",
        "FAILED",
        name="main checks",
        results=[
            ScriptedResult("Orders API", "failed", history="PPPPP"),
            ScriptedResult("Search API", "passed", history="PPPPP"),
        ],
    )
    pr = one(
        ScriptedResult("Orders API", pr_status, history="PPPPP", error_group="Expected 200"),
        ScriptedResult("Search API", "failed", history="PPPPP", error_group="Timeout"),
        metadata=FEATURE,
    )
    return base, pr


def test_a_failure_also_failing_on_the_base_branch_says_so_and_allow_forgives_it(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    base, pr = base_and_pr()
    sim = simulator([base, *pr])
    plain = gate(sim, tmp_path / "plain", pr, environ=PR)
    assert plain.code == 1
    orders, search = runs(plain)["Orders API"], runs(plain)["Search API"]
    assert orders["alsoFailingOn"]["branch"] == "main"
    assert orders["alsoFailingOn"]["sessionId"] == base.id
    assert orders["alsoFailingOn"]["link"].endswith(base.id)
    assert search["alsoFailingOn"] is None  # passed on main: this change's failure
    assert f"[also failing on main](https://app.checklyhq.com/test-sessions/{base.id})" in (
        plain.summary
    )
    assert "also failing on main" in plain.stdout
    props = {p.get("name"): p.get("value") for p in plain.junit.iter("property")}
    assert props["checkly.base-branch:Orders API (eu-west-1)"].startswith("also failing on main")
    lists = [r for r in sim.requests if r.path == "/v1/test-sessions"]
    reads = [r for r in sim.requests if r.path == f"/v1/test-sessions/{base.id}"]
    assert len(lists) == 1 and lists[0].query.get("branches") == "main"
    assert len(reads) == 1
    sim.clear_requests()
    allowed = gate(sim, tmp_path / "allow", pr, "--preexisting-failures", "allow", environ=PR)
    assert allowed.code == 1  # Search API is new on this branch
    found = runs(allowed)
    assert found["Orders API"]["notCounted"] == (
        "also failing on main (preexisting-failures: allow)"
    )
    assert found["Orders API"]["triage"]["label"] == "new"  # whatever its history label
    assert allowed.report["verdict"]["notCountedBy"] == {"also failing on the base branch": 1}
    assert allowed.report["verdict"]["failing"] == 1


def test_no_base_branch_look_up_outside_a_pull_request_or_without_failures(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    base, pr = base_and_pr()
    sim = simulator([base, *pr])
    gate(sim, tmp_path / "push", pr)
    assert not [r for r in sim.requests if r.path == "/v1/test-sessions"]
    green = one(ScriptedResult("Home", "passed"), metadata=FEATURE)
    green[0].status = "PASSED"
    sim2 = simulator([base, *green])
    assert gate(sim2, tmp_path / "green", green, environ=PR).code == 0
    assert not [r for r in sim2.requests if r.path == "/v1/test-sessions"]


def test_a_failing_base_branch_look_up_leaves_the_runs_unchanged(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    base, pr = base_and_pr()
    sim = simulator([base, *pr])
    sim.triggers.fail("list", Fault.status(502))
    result = gate(sim, tmp_path, pr, "--preexisting-failures", "allow", environ=PR)
    assert result.code == 1
    assert all(r["alsoFailingOn"] is None for r in runs(result).values())
    assert any(
        "could not read the latest test session on main" in w for w in result.report["warnings"]
    )
    assert len([r for r in sim.requests if r.path == "/v1/test-sessions"]) == 1  # one try


# -- SPEC §11: non-blocking by tag -------------------------------------------------------------

TAGGED = [
    DeployedCheck("Preview home", tags=("preview",)),
    DeployedCheck("Preview cart", tags=("preview", "quarantine"), status="failed", error="Boom"),
    DeployedCheck("Preview search", tags=("preview", "flaky-zone"), status="failed", error="Oops"),
]


def test_non_blocking_tags_quarantine_the_checks_that_have_them(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=TAGGED)
    args = ["--tags", "preview", "--non-blocking-tags", "quarantine, flaky-zone"]
    result = gate(sim, tmp_path / "a", [], *args)
    assert result.code == 0, result.stdout
    found = runs(result)
    assert found["Preview cart"]["notCounted"] == "non-blocking (non-blocking-tags: quarantine)"
    assert found["Preview search"]["nonBlocking"] == "non-blocking-tags: flaky-zone"
    assert found["Preview home"]["notCounted"] is None
    note = "2 failing check runs not counted: non-blocking (non-blocking-tags)"
    assert result.report["verdict"]["notCountedNote"] == note
    assert note in result.summary and note in result.stdout
    asked = [r for r in sim.requests if r.path == "/v1/checks"]
    assert [r.query.get("tag") for r in asked] == ["quarantine", "flaky-zone"]
    for request in asked:
        validate_body("GET", "/v1/checks", 200, request.body)
    only_cart = gate(
        simulator(catalogue=TAGGED), tmp_path / "b", [], "--tags", "preview",
        "--non-blocking-tags", "quarantine",
    )  # fmt: skip
    assert only_cart.code == 1
    assert only_cart.report["verdict"]["notCountedBy"] == {"non-blocking": 1}


def test_a_failing_tag_look_up_leaves_the_runs_counted(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=TAGGED)
    sim.triggers.fail("checks", Fault.status(500))
    result = gate(sim, tmp_path, [], "--tags", "preview", "--non-blocking-tags", "quarantine")
    assert result.code == 1
    assert result.report["verdict"]["notCounted"] == 0
    assert any("non-blocking tags" in w for w in result.report["warnings"])
