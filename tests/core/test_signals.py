"""Cancellation (SPEC §3, §6): the real gate in a subprocess, signalled as the runner does.

A cancelled workflow sends the container SIGINT, then SIGTERM 7.5 s later (shortened here).
The gate must stop within 2 s, write every report with what it knows (running sessions
`incomplete`), print one `::error::` line and exit 130 (SIGINT) or 143 (SIGTERM); a second
signal must not cut the reports short, and Python's KeyboardInterrupt must never escape.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

import pytest

from gate.simulator import Fault, ScriptedResult, ScriptedSession, Simulator
from tests.conftest import SimulatorFactory
from tests.support.gate_process import STOP_WITHIN, Gate, wait_until
from tests.support.gate_run import assert_nothing_lost
from tests.support.runner_rules import runner_commands, runner_outputs

LONG_POLL = 0.3  # the simulator records a request once answered: short long-polls show up


def running(result_name: str = "Checkout") -> ScriptedSession:
    return ScriptedSession(
        "test",
        "PASSED",
        "Still running",
        never_finishes=True,
        results=[ScriptedResult(f"{result_name} {i}") for i in range(4)],
    )


def finished(kind: str = "check") -> ScriptedSession:
    return ScriptedSession(kind, "PASSED", "Done already", results=[ScriptedResult("Status")])


def long_polling(sim: Simulator, *sessions: ScriptedSession) -> Callable[[], bool]:
    """True once the gate is long-polling every one of `sessions`."""

    def check() -> bool:
        paths = {r.path for r in sim.requests}
        return all(any(s.id in p and p.endswith("/completion") for p in paths) for s in sessions)

    return check


def assert_stopped_with_reports(
    gate: Gate, code: int, signalled_at: float, incomplete: Sequence[str], name: str
) -> dict[str, object]:
    """Exit code and time, one error line, every report written and complete."""
    returncode = gate.finish(timeout=10)
    stopped_after = time.monotonic() - signalled_at
    assert returncode == code, gate.stdout + gate.stderr
    assert stopped_after < STOP_WITHIN, f"stopped {stopped_after:.2f} s after the signal"
    assert "Traceback" not in gate.stderr and "KeyboardInterrupt" not in gate.stderr, gate.stderr
    errors = [c for c in runner_commands(gate.stdout) if c.name == "error"]
    assert len(errors) == 1, gate.stdout
    assert f"interrupted by {name}" in errors[0].data

    ws = gate.workspace
    report = json.loads((ws / "report.json").read_text("utf-8"))
    outcomes = {s["id"]: s["outcome"] for s in report["sessions"]}
    assert {i for i, o in outcomes.items() if o == "incomplete"} == set(incomplete)
    assert report["interrupted"] == name
    verdict = report["verdict"]
    assert (verdict["judged"], verdict["noVerdictReason"]) == (False, f"interrupted by {name}")
    ET.parse(ws / "junit.xml")
    summary = (ws / "summary.md").read_text("utf-8")
    assert summary.startswith(f"## ⛔ No verdict: interrupted by {name}\n")
    assert summary.strip() in (ws / "step_summary.md").read_text("utf-8")
    outputs = runner_outputs((ws / "github_output").read_text("utf-8"))
    assert outputs["result"] == "no-verdict"
    assert_nothing_lost(gate.ids, ws, gate.stdout)
    return report


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_a_signal_while_waiting_stops_at_once_with_every_report(
    simulator: SimulatorFactory,
    start_gate: Callable[..., Gate],
    signum: signal.Signals,
    code: int,
) -> None:
    slow_test = running()
    slow_check = ScriptedSession("check", "PASSED", "Slow check", never_finishes=True)
    done = finished()
    sim = simulator([slow_test, slow_check, done], max_wait_cap=LONG_POLL)
    gate = start_gate(sim, [slow_test, slow_check, done])
    wait_until(long_polling(sim, slow_test, slow_check), "the gate to long-poll")
    signalled_at = time.monotonic()
    gate.proc.send_signal(signum)
    report = assert_stopped_with_reports(
        gate, code, signalled_at, [slow_test.id, slow_check.id], signum.name
    )
    sessions = {s["id"]: s for s in report["sessions"]}  # type: ignore[attr-defined]
    assert sessions[done.id]["outcome"] == "passed"
    assert "interrupted" in sessions[slow_check.id]["note"]


def test_the_runners_sigint_then_sigterm(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate]
) -> None:
    slow = running()
    sim = simulator([slow], max_wait_cap=LONG_POLL)
    gate = start_gate(sim, [slow])
    wait_until(long_polling(sim, slow), "the gate to long-poll")
    signalled_at = time.monotonic()
    gate.proc.send_signal(signal.SIGINT)
    try:  # the runner's 7.5 s, shortened: the gate must be gone well before
        gate.proc.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        gate.proc.send_signal(signal.SIGTERM)
    assert_stopped_with_reports(gate, 130, signalled_at, [slow.id], "SIGINT")


def test_more_signals_while_the_reports_are_written_do_not_cut_them(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate]
) -> None:
    slow = running()
    slow_check = ScriptedSession("check", "PASSED", "Slow check", never_finishes=True)
    sim = simulator([slow, slow_check], max_wait_cap=LONG_POLL)
    gate = start_gate(sim, [slow, slow_check])
    wait_until(long_polling(sim, slow, slow_check), "the gate to long-poll")
    signalled_at = time.monotonic()
    gate.proc.send_signal(signal.SIGINT)
    # keep signalling (SIGTERM, then SIGINT again, ...) until the gate has exited
    signums = [signal.SIGTERM, signal.SIGINT]
    sent = 0
    while gate.proc.poll() is None and time.monotonic() - signalled_at < STOP_WITHIN:
        time.sleep(0.005)
        try:
            gate.proc.send_signal(signums[sent % 2])
        except ProcessLookupError:
            break
        sent += 1
    assert sent >= 3
    assert_stopped_with_reports(gate, 130, signalled_at, [slow.id, slow_check.id], "SIGINT")


def test_a_signal_while_fetching_failure_details_stops_at_once(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate]
) -> None:
    # finished and failing at once; every request for its result details is held 30 s
    failing = ScriptedSession(
        "test",
        "FAILED",
        "Failing",
        results=[ScriptedResult("Orders API", "failed"), ScriptedResult("Home")],
        faults=[Fault.hang(0)] + [Fault.hang(30)] * 5,
    )
    sim = simulator([failing])
    gate = start_gate(sim, [failing])
    wait_until(lambda: len(sim.requests) >= 1, "the first read")
    time.sleep(0.5)  # now held in the details request
    assert gate.proc.poll() is None
    signalled_at = time.monotonic()
    gate.proc.send_signal(signal.SIGTERM)
    report = assert_stopped_with_reports(gate, 143, signalled_at, [], "SIGTERM")
    (session,) = report["sessions"]  # type: ignore[index]
    assert session["outcome"] == "failed"
    assert any("interrupted while fetching" in w for w in report["warnings"])  # type: ignore[index]
