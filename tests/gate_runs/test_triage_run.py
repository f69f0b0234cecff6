"""Triage through the whole gate (SPEC §9): the demo's sessions against the simulator, with
and without `preexisting-failures: allow`, and a history route that refuses."""

from __future__ import annotations

from pathlib import Path

from gate.simulator import ScriptedResult, ScriptedSession, Simulator, demo_sessions
from tests.conftest import SimulatorFactory
from tests.support.gate_run import GateRun, run_gate


def gate(sim: Simulator, out: Path, sessions: list[ScriptedSession], *args: str) -> GateRun:
    return run_gate(
        out,
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[s.id for s in sessions if s.kind == "test"],
        check_ids=[s.id for s in sessions if s.kind == "check"],
        args=["--timeout", "30", *args],
    )


def labels(result: GateRun) -> dict[tuple[str, str | None], str | None]:
    return {
        (r["name"], r["location"]): (r["triage"] or {}).get("label")
        for s in result.sessions
        for r in s["runs"]
    }


def fast(sessions: list[ScriptedSession]) -> list[ScriptedSession]:
    for session in sessions:
        session.duration_s = 0.0
    return sessions


def test_the_demo_shows_every_label_and_a_pass_on_retry(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sessions = fast(demo_sessions())
    sim = simulator(sessions)
    result = gate(sim, tmp_path, sessions)
    assert result.code == 1
    found = labels(result)
    assert found[("Orders API", "eu-west-1")] == "already failing"
    assert found[("Payments API", "us-east-1")] == "new"
    assert found[("Login", "eu-west-1")] == found[("Login", "us-east-1")] == "flaky"
    assert found[("Refund assistant", "us-east-1")] == "no history"
    assert found[("Checkout API", "us-east-1")] == "already failing"
    assert found[("Homepage API", "eu-west-1")] is None  # passed: no label
    verdict = result.report["verdict"]
    assert verdict["passedOnRetry"] == 1 and verdict["notCounted"] == 0
    assert verdict["labels"] == {"new": 2, "flaky": 2, "already failing": 3, "no history": 1}
    assert "#### New in this run (2)" in result.summary
    assert "new error" in result.summary and "known since" in result.summary
    assert "🔁 1 passed on retry" in result.step_summary
    history = [r for r in sim.requests if r.path.startswith("/v2/check-results/")]
    assert len(history) == 6  # one per failing or degraded check, however many locations


def test_allow_passes_a_gate_whose_failures_all_predate_it(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    def sessions() -> list[ScriptedSession]:
        return fast(
            [
                ScriptedSession(
                    "test",
                    "FAILED",
                    name="PR",
                    results=[
                        ScriptedResult("Orders API", "failed", history="FFFFF"),
                        ScriptedResult("Home", "passed", history="PPP"),
                    ],
                )
            ]
        )

    first = sessions()
    plain = gate(simulator(first), tmp_path / "fail", first)
    assert plain.code == 1
    assert plain.report["verdict"]["failing"] == 1
    second = sessions()
    allowed = gate(simulator(second), tmp_path / "allow", second, "--preexisting-failures", "allow")
    assert allowed.code == 0
    verdict = allowed.report["verdict"]
    assert (verdict["failing"], verdict["notCounted"], verdict["counts"]["failed"]) == (0, 1, 1)
    note = "1 failing check run not counted: already failing before this session"
    assert note in allowed.stdout and note in allowed.summary
    assert allowed.outputs["failed-count"] == "0" and allowed.outputs["result"] == "passed"


def test_a_new_failure_still_fails_under_allow(simulator: SimulatorFactory, tmp_path: Path) -> None:
    scripted = fast(
        [
            ScriptedSession(
                "test",
                "FAILED",
                results=[
                    ScriptedResult("Orders API", "failed", history="FFFFF"),
                    ScriptedResult("Payments API", "failed", history="PPPPP"),
                ],
            )
        ]
    )
    result = gate(simulator(scripted), tmp_path, scripted, "--preexisting-failures", "allow")
    assert result.code == 1
    assert (result.report["verdict"]["failing"], result.report["verdict"]["notCounted"]) == (1, 1)


def test_a_refused_history_leaves_no_history_and_changes_no_outcome(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    scripted = fast(
        [ScriptedSession("test", "FAILED", results=[ScriptedResult("A", "failed", history="F")])]
    )
    sim = simulator(scripted, history_rate_limit=0)
    result = gate(sim, tmp_path, scripted, "--preexisting-failures", "allow")
    assert result.code == 1  # no history: it counts
    (run,) = result.sessions[0]["runs"]
    assert (run["outcome"], run["triage"]["label"]) == ("failed", "no history")
    assert run["triage"]["evidence"] == "history request failed"
    assert any("could not fetch the earlier runs" in w for w in result.report["warnings"])
