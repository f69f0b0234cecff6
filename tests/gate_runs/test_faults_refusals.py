"""The fault matrix (SPEC §3, §6), refusals: reports that cannot be written, sessions Checkly
will not give, credentials refused; the whole gate against the simulator.

Rows of the table in docs/failure-modes.md; what each test asserts: tests/support/faults.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub
from tests.support.faults import exited_with_gate_error, gate, passing, requests_to, said
from tests.support.gate_run import (
    JSON_FILE,
    JUNIT_FILE,
    SUMMARY_FILE,
)


# -- reports that cannot be written ------------------------------------------------------------
def test_a_report_that_cannot_be_written_is_named_and_the_others_are_written(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sessions = [passing(), passing("check")]
    sim = simulator(sessions)
    junit = Path("/dev/full")  # writable by its permissions, every write fails (even for root)
    run = gate(sim, tmp_path, sessions, "--timeout", "10s", "--junit-file", str(junit),
               unwritten=[JUNIT_FILE])  # fmt: skip
    exited_with_gate_error(run, 3, "could not write every report", "junit-file", str(junit))
    # every other report was still written, with the verdict Checkly's answers gave
    assert {JSON_FILE, SUMMARY_FILE} <= set(run.files())
    assert not (run.out_dir / JUNIT_FILE).exists()
    assert run.report["verdict"]["result"] == "passed"  # what Checkly's answers gave
    assert run.outputs["result"] == "no-verdict"  # exit 3: a later step must not read a pass
    assert run.outcomes() == {s.id: "passed" for s in sessions}
    assert run.step_summary.strip()
    for name in ("summary-file", "json-file", "job summary"):
        assert any(line.startswith(f"Wrote the {name}: ") for line in run.stdout.splitlines())


def test_a_report_that_cannot_be_written_gets_one_error_line(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sessions = [passing("check")]
    sim = simulator(sessions)
    junit = Path("/dev/full")
    run = gate(sim, tmp_path, sessions, "--timeout", "10s", "--junit-file", str(junit),
               unwritten=[JUNIT_FILE])  # fmt: skip
    assert run.code == 3
    errors = [c for c in run.commands if c.name == "error"]  # nothing failed: no annotations
    assert len(errors) == 1 and "junit-file" in errors[0].data, errors


# -- sessions Checkly will not give ------------------------------------------------------------
def test_404_and_400_sessions_are_errors_and_the_others_go_on(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub
) -> None:
    gone = passing(http_status=404)
    bad = passing("check", http_status=400)
    slow = passing(duration_s=1.0)
    sim = simulator([gone, bad, slow])
    run = gate(sim, tmp_path, [gone, bad, slow], "--timeout", "10s", github=github)
    assert run.code == 1
    assert run.outcomes() == {gone.id: "error", bad.id: "error", slow.id: "passed"}
    said(run, gone.id, "HTTP 404", "not found")
    said(run, bad.id, "HTTP 400", "cannot be read")
    assert run.elapsed < 3.0
    assert len(requests_to(sim, gone.id)) == 1  # not retried


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        (401, "create a key under Checkly > User settings > API keys"),
        (403, "Account settings > General"),
    ],
    ids=["401", "403"],
)
def test_credentials_refused_stop_the_run_with_a_hint(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub, status: int, hint: str
) -> None:
    sessions = [passing(never_finishes=True), passing("check", never_finishes=True), passing()]
    sim = simulator(sessions)
    wrong = (
        {"api_key": "cu_not_the_right_key"}
        if status == 401
        else {"account_id": "0f0f0f0f-0000-4000-8000-000000000000"}
    )
    run = gate(sim, tmp_path, sessions, "--timeout", "30s", github=github, **wrong)
    account = wrong.get("account_id", sim.account_id)  # the account used is named
    exited_with_gate_error(run, 3, f"HTTP {status}", "Hint:", hint, f"[account {account}]")
    assert run.outputs["result"] == "no-verdict"
    assert run.elapsed < 3.0  # stopped at once, long before the timeout
    assert set(run.outcomes().values()) <= {"error", "incomplete"}
    assert run.report["verdict"]["total"] == len(sessions)
    # no per-run annotations when no verdict was possible: the one error line says why
    assert [c.name for c in run.commands if c.name != "add-mask"] == ["error"]
