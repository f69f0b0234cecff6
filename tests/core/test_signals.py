"""Cancellation (SPEC §3, §6): the real gate in a subprocess, signalled as the runner does.

A cancelled workflow sends the container SIGINT, then SIGTERM 7.5 s later (shortened here).
The gate must stop within 2 s, write every report with what it knows (running sessions
`incomplete`), print one `::error::` line and exit 130 (SIGINT) or 143 (SIGTERM); a second
signal must not cut the reports short, and Python's KeyboardInterrupt must never escape.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from gate.simulator import Fault, ScriptedResult, ScriptedSession, Simulator
from tests.conftest import SimulatorFactory
from tests.support.entrypoint import ENTRYPOINT, action_inputs
from tests.support.gate_run import assert_nothing_lost
from tests.support.runner_rules import runner_commands, runner_outputs

STOP_WITHIN = 2.0  # SPEC §3
LONG_POLL = 0.3  # the simulator records a request once answered: short long-polls show up


@dataclass
class Gate:
    """The gate running in a subprocess, with its workspace."""

    proc: subprocess.Popen[str]
    workspace: Path
    ids: list[str]
    stdout: str = ""
    stderr: str = ""

    def finish(self, timeout: float) -> int:
        self.stdout, self.stderr = self.proc.communicate(timeout=timeout)
        return self.proc.returncode


@pytest.fixture
def start_gate(tmp_path: Path) -> Iterator[Callable[..., Gate]]:
    started: list[subprocess.Popen[str]] = []

    def start(sim: Simulator, sessions: Sequence[ScriptedSession], **inputs: str) -> Gate:
        workspace = tmp_path / "workspace"
        workspace.mkdir()
        for name in ("github_output", "step_summary.md"):
            (workspace / name).touch()
        tests = [s.id for s in sessions if s.kind == "test"]
        checks = [s.id for s in sessions if s.kind == "check"]
        env = {
            **action_inputs(),
            "INPUT_API-KEY": sim.api_key,
            "INPUT_ACCOUNT-ID": sim.account_id,
            "INPUT_API-URL": sim.url,
            "INPUT_TEST-SESSION-IDS": "\n".join(tests),
            "INPUT_CHECK-SESSION-IDS": "\n".join(checks),
            "INPUT_TIMEOUT": "5m",
            "INPUT_PR-COMMENT": "never",
            "INPUT_JSON-FILE": "report.json",
            "INPUT_JUNIT-FILE": "junit.xml",
            "INPUT_SUMMARY-FILE": "summary.md",
            **{f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()},
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": str(workspace / "github_output"),
            "GITHUB_STEP_SUMMARY": str(workspace / "step_summary.md"),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_EVENT_NAME": "push",
            "NO_PROXY": "127.0.0.1",
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ENTRYPOINT.parent),
        }
        proc = subprocess.Popen(
            [sys.executable, str(ENTRYPOINT)],
            cwd=workspace,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        return Gate(proc, workspace, tests + checks)

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


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


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    until = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < until, f"timed out waiting for {what}"
        time.sleep(0.02)


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
    assert outputs["result"] == "failed"
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
