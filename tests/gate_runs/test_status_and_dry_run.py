"""`trigger: status` and `dry-run` (SPEC §11), the whole gate against the simulator.

`trigger: status` judges the checks `tags`/`check-ids` select by their current status
(`GET /v1/checks`, `GET /v1/check-statuses`) and starts nothing; `dry-run: true` lists what a
trigger would run and starts nothing; on `deployment_status` a matched check that tests a fixed
URL (not `{{ENVIRONMENT_URL}}`) is warned about.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gate.simulator import Fault, Simulator
from gate.simulator.catalogue import DeployedCheck
from tests.conftest import SimulatorFactory
from tests.support.gate_run import GateRun, assert_nothing_lost, run_gate
from tests.support.json_schema import VALIDATOR
from tests.support.paths import EVENTS

CHECKS = [
    DeployedCheck("Homepage", "API", ("production", "webapp"), ("eu-west-1", "us-east-1")),
    DeployedCheck("Checkout", "BROWSER", ("production", "webapp"), ("eu-west-1",), "failed"),
    DeployedCheck("Orders API", "API", ("production", "backend"), ("eu-west-1",), "degraded"),
    DeployedCheck("Preview", "API", ("preview",), ("eu-west-1",), reads_environment_url=True),
    DeployedCheck("Preview login", "PLAYWRIGHT", ("preview",), ("eu-west-1",)),
    DeployedCheck("Old", "API", ("production",), activated=False),
]
DEPLOYMENT = {
    "GITHUB_EVENT_NAME": "deployment_status",
    "GITHUB_EVENT_PATH": str(EVENTS / "deployment_status.json"),
}


def gate(sim: Simulator, tmp_path: Path, *args: str, **env: str) -> GateRun:
    return run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        args=["--timeout", "20s", *args],  # a later --timeout wins
        environ=env,
    )


def started(sim: Simulator) -> list[Any]:
    return [r for r in sim.requests if r.method == "POST"]


def test_status_judges_the_current_status_and_starts_nothing(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CHECKS)
    run = gate(sim, tmp_path, "--trigger", "status", "--tags", "production")
    assert run.code == 1, run.stdout  # Checkout is failing now
    assert started(sim) == []
    (session,) = run.sessions
    runs = {r["name"]: r for r in session["runs"]}
    assert {n: r["outcome"] for n, r in runs.items()} == {
        "Homepage": "passed",
        "Checkout": "failed",
        "Orders API": "degraded",
    }  # the deactivated check is not selected
    assert runs["Checkout"]["reason"] == "failing now (last run in eu-west-1)"
    assert runs["Checkout"]["link"] == f"https://app.checklyhq.com/checks/{CHECKS[1].id}"
    assert session["note"].startswith("no run was started")
    listed = [r for r in sim.requests if r.path == "/v1/checks"]
    assert listed and listed[0].query["tag"] == "production"
    assert any(r.path == "/v1/check-statuses" for r in sim.requests)
    assert "Reading the current status of tags production (trigger: status, no runs)" in (
        run.stdout
    )
    assert run.outputs["failed-count"] == "1" and run.outputs["degraded-count"] == "1"
    assert_nothing_lost([session["id"]], run.out_dir, run.stdout)


def test_status_asks_for_no_evidence_it_has_no_result_id_for(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    """`lastCheckRunId` is a check run's ID, not a check result's: the asset routes (SPEC §10)
    take a result ID, so a status run has no evidence to ask for, and no note says it failed."""
    sim = simulator(catalogue=CHECKS)
    run = gate(sim, tmp_path, "--trigger", "status", "--tags", "production")
    assert run.code == 1, run.stdout
    assert [r.path for r in sim.requests if r.path.endswith("/assets")] == []
    assert "asset list" not in run.stdout and run.report["warnings"] == []


def test_status_by_tag_groups_and_ids(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=CHECKS)
    webapp_home = gate(sim, tmp_path, "--trigger", "status", "--tags", "webapp,!browser-only")
    assert {r["name"] for r in webapp_home.sessions[0]["runs"]} == {"Homepage", "Checkout"}
    healthy = gate(sim, tmp_path, "--trigger", "status", "--check-ids", CHECKS[0].id)
    assert healthy.code == 0, healthy.stdout
    assert any(r.path == f"/v1/checks/{CHECKS[0].id}" for r in sim.requests)
    missing = "0b8f3c52-7d1e-4c4a-9f55-3e2a1d6c8b90"
    gone = gate(sim, tmp_path, "--trigger", "status", "--check-ids", missing)
    assert gone.code == 1
    (run,) = gone.sessions[0]["runs"]
    assert (run["outcome"], run["reason"]) == ("missing", f"no check with ID {missing}")


def test_status_calls_a_requested_check_it_cannot_judge_missing(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    """SPEC §11: with `check-ids` every requested check counts; a deleted or deactivated one is
    `missing` (in `fail-on`'s default), never silently left out, and has no evidence to fetch."""
    sim = simulator(catalogue=CHECKS)
    deleted = "0b8f3c52-7d1e-4c4a-9f55-3e2a1d6c8b90"
    ids = ",".join([CHECKS[0].id, CHECKS[5].id, deleted])  # Homepage, Old (deactivated), gone
    run = gate(sim, tmp_path, "--trigger", "status", "--check-ids", ids)
    assert run.code == 1, run.stdout
    outcomes = {r["checkId"]: r["outcome"] for r in run.sessions[0]["runs"]}
    assert outcomes == {CHECKS[0].id: "passed", CHECKS[5].id: "missing", deleted: "missing"}
    VALIDATOR.validate(run.report)
    failures = [c.find("failure") for c in run.junit.iter("testcase")]
    assert [f.get("type") for f in failures if f is not None] == ["missing", "missing"]
    assert run.report["verdict"]["counts"]["missing"] == 2
    assert "asset list" not in run.stdout and run.report["warnings"] == []


def test_status_with_no_match(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=CHECKS)
    run = gate(sim, tmp_path, "--trigger", "status", "--tags", "nothing-has-it")
    assert run.code == 1
    assert (
        "tags nothing-has-it matched no check (fail-on-no-matching)"
        in run.report["verdict"]["reasons"][0]
    )
    lenient = gate(
        sim, tmp_path, "--trigger", "status", "--tags", "nothing-has-it",
        "--fail-on-no-matching", "false",
    )  # fmt: skip
    assert lenient.code == 0


def test_status_refuses_test_session_options(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=CHECKS)
    run = gate(sim, tmp_path, "--trigger", "status", "--tags", "x", "--location", "us-east-1")
    assert run.code == 2
    assert "location does not apply with trigger: status" in run.stdout
    assert sim.requests == []


def test_status_refuses_an_ephemeral_private_location(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    """A status run starts nothing, so a private location for it would be made for nothing."""
    sim = simulator(catalogue=CHECKS)
    run = gate(
        sim, tmp_path, "--trigger", "status", "--tags", "production",
        "--private-location", "ephemeral", DOCKER_HOST="unix:///nonexistent/docker.sock",
    )  # fmt: skip
    assert run.code == 2
    assert "private-location: ephemeral does not apply with trigger: status" in run.stdout
    assert "Docker" not in run.stdout
    assert sim.requests == []


def test_dry_run_lists_and_starts_nothing(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=CHECKS)
    run = gate(sim, tmp_path, "--tags", "production\npreview", "--dry-run", "true")
    assert run.code == 0, run.stdout
    assert started(sim) == []
    assert (
        "Dry run: a test session trigger with tags (production) OR (preview) would run 5 "
        "checks; nothing was started" in run.stdout
    )
    lines = run.stdout.splitlines()
    assert (
        f'  "Preview" [API] eu-central-1 · uses {{{{ENVIRONMENT_URL}}}} · {CHECKS[3].id}' in lines
    )
    assert f'  "Homepage" [API] eu-central-1 · fixed URL · {CHECKS[0].id}' in lines
    assert f'  "Checkout" [BROWSER] eu-central-1 · fixed URL · {CHECKS[1].id}' in lines
    assert f'  "Preview login" [PLAYWRIGHT] eu-central-1 · cannot tell · {CHECKS[4].id}' in lines
    assert "| Preview | API | eu-central-1 | uses {{ENVIRONMENT\\_URL}} |" in run.step_summary
    check_sessions = gate(sim, tmp_path, "--trigger", "check-sessions", "--dry-run", "true")
    assert "eu-west-1, us-east-1 · fixed URL" in check_sessions.stdout  # the checks' own
    assert started(sim) == []


def test_dry_run_says_where_and_what_would_not_run(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    """With `private-location: ephemeral` the runs would be in the run's private location, not
    in `location`'s default; a requested check that would not run (deactivated) is named, as
    the real run would call it missing."""
    sim = simulator(catalogue=CHECKS)
    ids = f"{CHECKS[0].id},{CHECKS[5].id}"  # Homepage, Old (deactivated)
    run = gate(
        sim, tmp_path, "--dry-run", "true", "--check-ids", ids, "--private-location", "ephemeral"
    )
    assert run.code == 0, run.stdout
    assert started(sim) == []
    (home,) = [line for line in run.stdout.splitlines() if '"Homepage"' in line]
    assert "eu-central-1" not in home and "private location" in home
    assert f"{CHECKS[5].id}: would not run (missing)" in run.stdout


def test_dry_run_needs_a_trigger(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=CHECKS)
    run = gate(sim, tmp_path, "--dry-run", "true", "--test-session-ids", CHECKS[0].id)
    assert run.code == 2
    assert "dry-run lists what a trigger would run" in run.stdout


def test_deployment_warns_about_checks_with_a_fixed_url(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CHECKS)
    dry = gate(sim, tmp_path, "--tags", "preview\nwebapp", "--dry-run", "true", **DEPLOYMENT)
    assert dry.code == 0 and started(sim) == []
    real = gate(sim, tmp_path, "--tags", "preview\nwebapp", **DEPLOYMENT)
    assert len(started(sim)) == 1
    for run in (dry, real):
        warnings = [c.data for c in run.commands if c.name == "warning"]
        fixed = [w for w in warnings if "does not use {{ENVIRONMENT_URL}}" in w]
        assert sorted(w.split('"')[1] for w in fixed) == ["Checkout", "Homepage"], warnings
    assert any("shop.acme.example" in w for w in real.report["warnings"])
    quiet = gate(sim, tmp_path, "--tags", "preview\nwebapp")  # not a deployment: no warning
    assert not [c for c in quiet.commands if c.name == "warning" and "ENVIRONMENT_URL" in c.data]


def test_status_and_dry_run_without_checkly_are_no_verdict(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CHECKS)
    sim.fail_all(Fault.status(503))
    for extra in (("--trigger", "status"), ("--dry-run", "true")):
        run = gate(sim, tmp_path, "--tags", "production", "--timeout", "2s", *extra)
        assert run.code == 3, run.stdout
        assert "Checkly could not be reached" in run.stdout
    assert started(sim) == []
