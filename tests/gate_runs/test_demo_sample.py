"""The demo's sample reads like one real account (issue 20): a session takes at least as long
as its longest run, and a check has one history whichever session ran it."""

from __future__ import annotations

from pathlib import Path

from gate.simulator import demo_sessions
from gate.simulator.catalogue import demo_catalogue
from tests.conftest import SimulatorFactory
from tests.support.gate_run import run_gate


def test_sessions_last_as_long_as_their_runs_and_a_check_has_one_history(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sessions = demo_sessions()
    sim = simulator(sessions, catalogue=demo_catalogue())
    run = run_gate(
        tmp_path,
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[s.id for s in sessions if s.kind == "test"],
        check_ids=[s.id for s in sessions if s.kind == "check"],
        args=["--tags", "production,backend", "--timeout", "60s"],
    )
    assert run.code == 1, run.stdout
    for session in run.sessions:
        longest = max((r["responseTimeMs"] or 0) for r in session["runs"])
        assert session["elapsedMs"] >= longest, (session["name"], session["elapsedMs"], longest)
    orders = [r for s in run.sessions for r in s["runs"] if r["name"] == "Orders API"]
    assert len(orders) == 2  # the PR session's and the triggered one's
    assert {r["triage"]["label"] for r in orders} == {"already failing"}
