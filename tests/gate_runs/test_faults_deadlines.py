"""Every deadline is absolute (SPEC §3): whatever the network does, the gate exits by
`timeout` + the details budget (15 s) + 2 s, and sends no request after the deadline.

An answer that trickles one byte every 0.5 s (status line included) gets each read in time, so
only an absolute bound ends it. These run the gate from `entrypoint.py` in a subprocess, as the
runner does, so a thread that kept the process alive would show in the time it exits.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.checkly.transport import RateLimiter
from gate.simulator import Fault, ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.support.faults import FAST, gate
from tests.support.gate_process import Gate, wait_until

DETAILS_BUDGET = 15.0
SPEC_BOUND = DETAILS_BUDGET + 2.0  # past the timeout, whatever the network does


def never_finishing(kind: str = "test") -> ScriptedSession:
    return ScriptedSession(kind, "PASSED", f"Slow {kind}", never_finishes=True)


def failing() -> ScriptedSession:
    results = [ScriptedResult("Checkout", "failed", error_group="Expected 200, got 500")]
    return ScriptedSession("test", "FAILED", "Broken", results=results)


def test_a_trickling_answer_cannot_hold_the_wait_past_the_deadline(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate]
) -> None:
    """Before: `--timeout 10s` wrote its reports at 119 s."""
    sessions = [never_finishing("test"), never_finishing("check")]
    sim = simulator(sessions)
    sim.fail_all(Fault.trickle(0.5))
    started = time.monotonic()
    run = start_gate(sim, sessions, timeout="10s")
    code = run.finish(timeout=60)
    elapsed = time.monotonic() - started
    # The request in flight at the deadline (2 s), the one last read (2 s), then the reports.
    assert elapsed < 10 + 2 + 2 + 2.5, (elapsed, run.stdout)
    assert elapsed < 10 + SPEC_BOUND
    assert code == 3, run.stdout  # Checkly never answered whole
    report = json.loads((run.workspace / "report.json").read_text())
    assert [s["outcome"] for s in report["sessions"]] == ["incomplete", "incomplete"]


def test_trickling_details_cannot_hold_the_exit(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate]
) -> None:
    """The wait is over at once; the failure details and history then trickle. Before: the
    reports were on time, but the process exited at 119 s (its worker threads joined)."""
    broken = failing()
    sim = simulator([broken])
    run = start_gate(sim, [broken], timeout="4s")
    wait_until(
        lambda: any(r.status == 200 and broken.id in r.path for r in sim.requests),
        "the session to be read",
    )
    sim.fail_all(Fault.trickle(0.5))
    started = time.monotonic()
    code = run.finish(timeout=60)
    written = (run.workspace / "report.json").stat().st_mtime
    exited = time.time()
    assert code == 1, run.stdout
    assert time.monotonic() - started < 4 + SPEC_BOUND + 1
    assert exited - written < 2.5, "a thread held the process after the reports were written"


def test_no_request_after_the_deadline_however_many_sessions(
    simulator: SimulatorFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rate budget that cannot reach every session before the deadline (5,000 IDs in 20 s
    took 50 s): a session never reached is `incomplete` without a request."""
    small = lambda *given: RateLimiter(*(given or (12, 62.0)))  # noqa: E731
    monkeypatch.setattr("gate.checkly.client.RateLimiter", small)
    sessions = [never_finishing() for _ in range(30)]
    sim = simulator(sessions, max_wait_cap=0.5)
    run = gate(sim, tmp_path, sessions, "--timeout", "2s", timing=FAST)
    assert run.elapsed < 2 + 2 + 1.5, run.elapsed
    asked = {s.id for s in sessions if any(s.id in r.path for r in sim.requests)}
    assert len(asked) <= 12 and len(sim.requests) <= 12
    never = [s for s in sessions if s.id not in asked]
    assert len(never) >= 18
    for session in never:
        reported = run.session(session.id)
        assert reported["outcome"] == "incomplete"
        assert "before it could ask Checkly" in reported["note"]
    assert run.code == 1, run.stdout
