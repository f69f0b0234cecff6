"""Signalled while the trigger is in flight (SPEC §8): the gate still cancels what it started.

The gate runs from `entrypoint.py` in a subprocess and gets SIGTERM while the trigger POST (or
its look-up) is in flight. It waits up to 2 s more for the answer, else looks the run's token up
once; it cancels what it learns and exits within 5 s; when it cannot learn it, every report
names the token.
"""

from __future__ import annotations

import json
import re
import signal
import time
from collections.abc import Callable

from gate.simulator import Fault, Simulator
from gate.simulator.catalogue import DeployedCheck
from tests.conftest import SimulatorFactory
from tests.support.gate_process import Gate, wait_until

SLOW = DeployedCheck("Slow suite", "PLAYWRIGHT", ("slow",), duration_s=120)
SLOW_API = DeployedCheck("Slow API", "API", ("slow",), ("eu-west-1",), duration_s=120)
EXIT_WITHIN = 5.0


def signalled_once_created(sim: Simulator, gate: Gate, count: int = 1) -> float:
    wait_until(lambda: sim.triggers.started >= count, "the trigger to create its sessions")
    time.sleep(0.2)
    gate.proc.send_signal(signal.SIGTERM)
    return time.monotonic()


def finished(gate: Gate, signalled_at: float) -> dict[str, object]:
    assert gate.finish(timeout=15) == 143, gate.stdout + gate.stderr
    assert time.monotonic() - signalled_at < EXIT_WITHIN, gate.stdout
    report: dict[str, object] = json.loads((gate.workspace / "report.json").read_text())
    return report


def test_a_slow_201_still_cancels_its_session(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate]
) -> None:
    sim = simulator(catalogue=[SLOW])
    sim.triggers.lose_answer("test-trigger", Fault.hang(1.0))  # created, answered 1 s later
    gate = start_gate(sim, [], tags="slow")
    report = finished(gate, signalled_once_created(sim, gate))
    (created,) = sim.triggers.variables
    assert sim.triggers.cancelled == [created]
    assert report["trigger"]["cancelled"] == [  # type: ignore[index]
        {"id": created, "kind": "test", "result": "accepted"}
    ]
    assert "cancel requested" in (gate.workspace / "summary.md").read_text()


def test_an_answer_that_never_comes_is_looked_up_by_token_and_cancelled(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate]
) -> None:
    sim = simulator(catalogue=[SLOW])
    sim.triggers.lose_answer("test-trigger", Fault.hang(30))
    gate = start_gate(sim, [], tags="slow")
    report = finished(gate, signalled_once_created(sim, gate))
    (created,) = sim.triggers.variables
    (lookup,) = [r for r in sim.requests if r.path == "/v1/test-sessions"]
    assert sim.triggers.cancelled == [created]
    assert report["trigger"]["sessionIds"] == [created]  # type: ignore[index]
    assert lookup.query["textSearch"] in gate.stdout


def test_when_nothing_can_be_learned_every_report_names_the_token(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate]
) -> None:
    sim = simulator(catalogue=[SLOW])
    sim.triggers.lose_answer("test-trigger", Fault.hang(30))
    sim.triggers.fail("list", Fault.hang(30))
    gate = start_gate(sim, [], tags="slow")
    report = finished(gate, signalled_once_created(sim, gate))
    found = re.search(r'Triggering a test session .*· ([0-9a-f]{8})"', gate.stdout)
    assert found, gate.stdout
    token = found.group(1)
    assert sim.triggers.cancelled == []
    assert any(token in w for w in report["warnings"])  # type: ignore[attr-defined]
    assert token in (gate.workspace / "summary.md").read_text()
    assert token in (gate.workspace / "step_summary.md").read_text()


def test_both_check_sessions_of_a_slow_answer_are_cancelled(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate]
) -> None:
    sim = simulator(catalogue=[SLOW, SLOW_API])
    sim.triggers.lose_answer("check-trigger", Fault.hang(1.0))
    gate = start_gate(sim, [], tags="slow", trigger="check-sessions")
    report = finished(gate, signalled_once_created(sim, gate, count=2))
    cancelled = report["trigger"]["cancelled"]  # type: ignore[index]
    assert len(cancelled) == 2 and len(sim.triggers.cancelled) == 2


def test_a_signal_during_the_look_up_still_cancels_the_session(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate]
) -> None:
    """The answer was lost (502) and the look-up by token hangs when the signal comes: the gate
    asks once more and cancels what it finds."""
    sim = simulator(catalogue=[SLOW])
    sim.triggers.lose_answer("test-trigger", Fault.status(502))
    sim.triggers.fail("list", Fault.hang(30))
    gate = start_gate(sim, [], tags="slow")
    wait_until(lambda: "looking the test session up" in _peek(sim), "the look-up", timeout=15)
    time.sleep(1.2)  # the first look-up (after 1 s) is in flight, held
    gate.proc.send_signal(signal.SIGTERM)
    report = finished(gate, time.monotonic())
    (created,) = sim.triggers.variables
    assert sim.triggers.cancelled == [created]
    assert report["trigger"]["sessionIds"] == [created]  # type: ignore[index]


def _peek(sim: Simulator) -> str:
    """Whether the trigger's answer went out (a 502 is recorded once answered)."""
    posted = any(r.method == "POST" and r.status == 502 for r in sim.requests)
    return "looking the test session up" if posted else ""
