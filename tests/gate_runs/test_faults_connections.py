"""The fault matrix (SPEC §3, §6), connections: server errors, resets, refused connections
and answers held back, the whole gate against the simulator's injected faults.

Rows of the table in docs/failure-modes.md; what each test asserts: tests/support/faults.py.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from gate.checkly.transport import DEFAULT_TIMING
from gate.checkly.waiting import FINAL_READ_GRACE
from gate.simulator import Fault
from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub
from tests.support.faults import (
    FAST,
    deadline_bound,
    exited_with_gate_error,
    gate,
    passing,
    requests_to,
    said,
    wait_for_requests,
)


# -- server errors and broken connections ------------------------------------------------------
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_5xx_streak_is_retried_with_growing_backoff(
    simulator: SimulatorFactory, tmp_path: Path, status: int
) -> None:
    flaky = passing(faults=[Fault.status(status)] * 4)
    other = passing("check")
    sim = simulator([flaky, other])
    run = gate(sim, tmp_path, [flaky, other], "--timeout", "10s", timing=FAST)
    assert run.code == 0
    assert run.outcomes() == {flaky.id: "passed", other.id: "passed"}
    seen = requests_to(sim, flaky.id)
    assert [s for _, s, _ in seen[:5]] == [status] * 4 + [200]
    gaps = [b[2] - a[2] for a, b in itertools.pairwise(seen[:5])]
    assert gaps[0] >= FAST.backoff_base / 2
    assert max(gaps[2:]) >= FAST.backoff_base  # doubled since
    assert run.elapsed < 3.0


def test_a_5xx_streak_past_the_deadline_leaves_that_session_incomplete(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    flaky = passing(faults=[Fault.status(503)] * 1000)
    fine = passing("check", duration_s=0.5)
    sim = simulator([flaky, fine])
    run = gate(sim, tmp_path, [flaky, fine], "--timeout", "2s", timing=FAST)
    assert run.code == 1  # Checkly answered for the other session: a verdict, failed
    assert run.outcomes() == {flaky.id: "incomplete", fine.id: "passed"}
    assert 1.5 <= run.elapsed <= deadline_bound(2.0, "`500`, `502`, `503`, `504` streaks", FAST)
    said(run, flaky.id, "HTTP 503")


def test_connection_resets_are_retried(simulator: SimulatorFactory, tmp_path: Path) -> None:
    reset = passing("check", faults=[Fault.reset(), Fault.reset(), Fault.hang(0), Fault.reset()])
    sim = simulator([reset])
    run = gate(sim, tmp_path, [reset], "--timeout", "10s", timing=FAST)
    assert run.code == 0
    assert run.outcomes() == {reset.id: "passed"}
    assert [s for _, s, _ in requests_to(sim, reset.id)][:3] == [None, None, 200]
    assert run.elapsed < 3.0  # far from the 10 s deadline ("Connection reset": ≤ 4 s past it)


def test_connection_refused_is_unreachable_exit_3(
    simulator: SimulatorFactory, tmp_path: Path, closed_port: int
) -> None:
    sessions = [passing(), passing("check")]
    sim = simulator(sessions)  # serves nothing: the gate is pointed at a closed port
    url = f"http://127.0.0.1:{closed_port}"
    run = gate(sim, tmp_path, sessions, "--timeout", "2s", api_url=url)
    exited_with_gate_error(run, 3, "could not be reached", url, "Hint:")
    assert run.outputs["result"] == "no-verdict"
    assert set(run.outcomes().values()) == {"incomplete"}
    assert run.elapsed <= deadline_bound(2.0, "Connection refused")
    said(run, sessions[0].id, "refused")
    assert sim.requests == []
    assert not [c for c in run.commands if c.name == "error" and c not in run.gate_errors()]


@pytest.mark.parametrize("fault", [Fault.status(503), Fault.reset()], ids=["503", "reset"])
def test_unreachable_for_the_whole_run_is_exit_3(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub, fault: Fault
) -> None:
    sessions = [passing(), passing("check"), passing(duration_s=0.5)]
    sim = simulator(sessions)
    sim.fail_all(fault)
    run = gate(sim, tmp_path, sessions, "--timeout", "2s", timing=FAST, github=github)
    exited_with_gate_error(run, 3, "could not be reached", "Hint:")
    assert set(run.outcomes().values()) == {"incomplete"}
    assert 1.5 <= run.elapsed <= deadline_bound(2.0, "Checkly unreachable", FAST)
    said(run, sessions[1].id, "Checkly gave no answer")
    assert len(sim.requests) >= 2 * len(sessions)  # retried until the deadline


# -- a server that holds its answer ------------------------------------------------------------
def test_a_response_held_past_the_read_timeout_is_retried(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    # the first GET and then the first long-poll are held longer than their read timeouts
    held = passing(duration_s=1.5, faults=[Fault.hang(3), Fault.hang(0), Fault.hang(4)])
    sim = simulator([held])
    run = gate(sim, tmp_path, [held], "--timeout", "15s", "--max-wait-seconds", "1", timing=FAST)
    assert run.code == 0
    assert run.outcomes() == {held.id: "passed"}
    assert run.elapsed < 3  # never waited for the held answers
    sim.stop()  # ends the holds: the simulator records a request once it has answered it
    seen = wait_for_requests(sim, held.id, 4)
    paths = [p for p, _, _ in seen]
    assert paths[:4] == ["/", "/", "/completion", "/completion"]
    assert seen[1][2] - seen[0][2] >= FAST.plain_read  # gave up on the held GET, asked again
    assert seen[3][2] - seen[2][2] >= 1 + FAST.read_slack  # maxWaitSeconds + slack


def test_a_response_held_past_the_deadline_ends_the_wait_in_time(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    # the long-poll in flight at the deadline and then the last read are both held: the
    # worst case, the whole documented bound
    held = passing(never_finishes=True, faults=[Fault.hang(0), Fault.hang(30), Fault.hang(30)])
    other = passing("check")
    sim = simulator([held, other])
    run = gate(sim, tmp_path, [held, other], "--timeout", "2s")  # the real timeouts
    assert run.code == 1
    assert run.outcomes() == {held.id: "incomplete", other.id: "passed"}
    worst = 2.0 + DEFAULT_TIMING.deadline_slack + FINAL_READ_GRACE
    assert worst - 0.1 <= run.elapsed <= deadline_bound(2.0, "A server holds its answer")
    said(run, held.id, "read timed out", "last read failed")
