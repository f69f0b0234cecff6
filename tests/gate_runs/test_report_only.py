"""Issue 12, item 6: `fail-on: none` (report only) still explains every failed run."""

from __future__ import annotations

from pathlib import Path

from gate.simulator import demo_sessions
from tests.conftest import SimulatorFactory
from tests.support.gate_run import run_gate


def test_report_only_keeps_the_reasons(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sessions = demo_sessions()
    sim = simulator(sessions)
    run = run_gate(
        tmp_path,
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[s.id for s in sessions if s.kind == "test"],
        check_ids=[s.id for s in sessions if s.kind == "check"],
        args=["--fail-on", "none", "--timeout", "60s"],
    )
    assert run.code == 0, run.stdout
    failed = [
        r
        for s in run.sessions
        for r in s["runs"]
        if r["outcome"] in ("failed", "timed-out", "error")
    ]
    assert failed
    assert all(r["reason"] for r in failed), [(r["name"], r["reason"]) for r in failed]
    assert "no reason available" not in run.summary
    for r in failed:
        assert f'"{r["name"]}"' in run.stdout  # the console lists each failed run
