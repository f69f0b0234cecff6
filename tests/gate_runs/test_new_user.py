"""What a new user meets outside the happy path (issue 20's "tried as a new user"): each test is
one thing that got in the way, through the whole gate."""

from __future__ import annotations

import io
from pathlib import Path

from gate.cli import main
from gate.simulator import ScriptedResult, ScriptedSession, Simulator
from gate.simulator.catalogue import DeployedCheck
from tests.conftest import SimulatorFactory
from tests.support.gate_run import run_gate


def _plain_run(sim: Simulator, *args: str) -> tuple[int, str, str]:
    """The gate outside GitHub (a terminal, GitLab, Jenkins): exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    env = {"CHECKLY_API_KEY": sim.api_key, "CHECKLY_ACCOUNT_ID": sim.account_id}
    argv = ["--api-url", sim.url, "--timeout", "20s", *args]
    return main(argv, env, out=out, err=err), out.getvalue(), err.getvalue()


def _failing(name: str = "Checkout") -> ScriptedSession:
    results = [ScriptedResult("Home"), ScriptedResult(name, "failed")]
    return ScriptedSession("test", "FAILED", "Smoke", results=results)


def test_exit_1_outside_github_says_error_on_stderr(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    session = _failing()
    code, out, err = _plain_run(simulator([session]), "--test-session-ids", session.id)
    assert code == 1, out
    assert err.startswith("error: Gate failed: 1 failing check run"), err


def test_fail_on_none_says_how_many_failed_and_that_they_were_not_counted(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    session = _failing()
    code, out, _ = _plain_run(
        simulator([session]), "--test-session-ids", session.id, "--fail-on", "none"
    )
    assert code == 0, out
    assert "1 failed, not counted (fail-on: none)" in out


def test_counts_read_as_words_not_as_plural_forms(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    session = _failing()
    code, out, _ = _plain_run(simulator([session]), "--test-session-ids", session.id)
    assert code == 1
    assert "checkly-gate 0.1.0: 1 session, 2 check runs" in out
    assert "(s)" not in out
    assert "Gate failed: 1 failing check run, at most 0 allowed" in out  # not "1 (1 failed)"


def test_a_trigger_matching_nothing_is_said_once_outside_github(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=[DeployedCheck("Homepage", tags=("web",))])
    code, out, _ = _plain_run(sim, "--tags", "nothing-has-this", "--fail-on-no-matching", "false")
    assert code == 0, out
    assert out.count("matched no check") == 1, out


def test_a_refused_key_says_the_error_once_per_place_and_how_to_fix_it(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    session = ScriptedSession("test", "PASSED", "Smoke", results=[ScriptedResult("Home")])
    sim = simulator([session])
    run = run_gate(
        tmp_path,
        api_url=sim.url,
        api_key="cu_not_the_right_key_0000",
        account_id=sim.account_id,
        test_ids=[session.id],
        args=["--timeout", "10s"],
    )
    assert run.code == 3, run.stdout
    summary = run.step_summary
    assert summary.count("Checkly refused the API key (HTTP 401)") == 2  # heading and its row
    assert "No history" not in summary and "no history" not in summary
    assert "Test session test session" not in summary
    assert f"Test session {session.id}" in summary
    assert "**To fix:**" in summary and "User settings \\> API keys" in summary


def test_outside_github_the_advice_is_in_command_line_words(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    session = _failing()
    sim = simulator([session])
    out, err = io.StringIO(), io.StringIO()
    env = {"CHECKLY_API_KEY": "cu_not_the_right_key_0000", "CHECKLY_ACCOUNT_ID": sim.account_id}
    code = main(["--api-url", sim.url, "--test-session-ids", session.id], env, out=out, err=err)
    assert code == 3
    assert "pass it to the action" not in out.getvalue() + err.getvalue()
    assert "pass it as CHECKLY_API_KEY" in err.getvalue()
    said = out.getvalue()  # the session's line, "No verdict: …", the error: not its run again
    assert said.count("Checkly refused the API key") == 3, said
    assert 'test session "test session' not in said
    code = main(["--env", "A=1"], {}, out=(out := io.StringIO()), err=(err := io.StringIO()))
    assert code == 2
    assert "--trigger test-session" in out.getvalue()
    assert "trigger: test-session" not in out.getvalue()


def test_a_check_session_id_given_as_a_test_session_says_so(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    check = ScriptedSession("check", "PASSED", "Status", results=[ScriptedResult("Status")])
    code, out, _ = _plain_run(simulator([check]), "--test-session-ids", check.id)
    assert code == 1, out
    assert "goes in check-session-ids" in out
