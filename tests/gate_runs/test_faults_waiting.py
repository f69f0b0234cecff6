"""The fault matrix (SPEC §3, §6), waiting: long-polls that never end, rate limits and the
deadline itself, the whole gate against the simulator's injected faults.

Rows of the table in docs/failure-modes.md; what each test asserts: tests/support/faults.py.
"""

from __future__ import annotations

import email.utils
import itertools
import time
from pathlib import Path

import pytest

from gate.checkly.transport import DEFAULT_TIMING
from gate.checkly.waiting import FINAL_READ_GRACE
from gate.run.pipeline import DETAILS_BUDGET
from gate.simulator import Fault
from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub
from tests.support.faults import (
    deadline_bound,
    documented_past_deadline,
    gate,
    passing,
    requests_to,
    said,
)


def test_the_documented_bounds_are_the_clients_timeouts() -> None:
    bounds = documented_past_deadline()
    assert len(bounds) >= 14, bounds
    in_flight_then_last_read = DEFAULT_TIMING.deadline_slack + FINAL_READ_GRACE
    details = DETAILS_BUDGET + DEFAULT_TIMING.deadline_slack
    assert set(bounds.values()) == {0.0, in_flight_then_last_read, details}, bounds


# -- long-polls that never end ------------------------------------------------------------------
def test_endless_408s_end_incomplete_at_the_deadline(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub
) -> None:
    slow_test = passing(never_finishes=True)
    slow_check = passing("check", never_finishes=True)
    done = passing("check", name="Finished check")
    sim = simulator([slow_test, slow_check, done], max_wait_cap=0.3)
    run = gate(sim, tmp_path, [slow_test, slow_check, done], "--timeout", "2s", github=github)
    assert run.code == 1
    assert run.outputs["result"] == "failed"
    assert run.outcomes() == {
        slow_test.id: "incomplete",
        slow_check.id: "incomplete",
        done.id: "passed",
    }
    assert 2.0 <= run.elapsed <= deadline_bound(2.0, "A session is still running")
    said(run, slow_test.id, "timeout came first")
    polls = [(s, at) for path, s, at in requests_to(sim, slow_test.id) if path == "/completion"]
    assert len(polls) >= 3 and {s for s, _ in polls} == {408}
    # asked again at once, every time: each 408 comes 0.3 s (the cap) after its request, and
    # the next request follows it with no back-off
    gaps = [b - a for (_, a), (_, b) in itertools.pairwise(polls)]
    assert all(gap < 0.3 + 0.1 for gap in gaps), gaps
    # partial results kept: the finished run is shown, the unfinished one is incomplete
    runs = run.session(slow_test.id)["runs"]
    assert [r["outcome"] for r in runs] == ["passed", "incomplete"]


# -- rate limits -------------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_429_waits_as_retry_after_says(
    simulator: SimulatorFactory, tmp_path: Path, form: str
) -> None:
    if form == "seconds":
        retry_after, wanted = "1", 1.0
    else:  # whole seconds only: wait at least until the next second has begun
        retry_after = email.utils.formatdate(time.time() + 2, usegmt=True)
        wanted = 1.0
    limited = passing(faults=[Fault.status(429, retry_after=retry_after)])
    other = passing("check")
    sim = simulator([limited, other])
    run = gate(sim, tmp_path, [limited, other], "--timeout", "10s")
    assert run.code == 0
    assert run.outcomes() == {limited.id: "passed", other.id: "passed"}
    (_, first, at), (_, second, then) = requests_to(sim, limited.id)[:2]
    assert (first, second) == (429, 200)
    assert wanted - 0.1 <= then - at <= 3.0
    assert run.elapsed < 4.0


def test_429_without_retry_after_backs_off(simulator: SimulatorFactory, tmp_path: Path) -> None:
    limited = passing("check", faults=[Fault.status(429), Fault.status(429)])
    sim = simulator([limited])
    run = gate(sim, tmp_path, [limited], "--timeout", "10s")
    assert run.code == 0
    assert run.outcomes() == {limited.id: "passed"}
    seen = requests_to(sim, limited.id)
    assert [s for _, s, _ in seen[:3]] == [429, 429, 200]
    gaps = [b[2] - a[2] for a, b in itertools.pairwise(seen[:3])]
    assert gaps[0] >= 0.2  # 0.5 s, jittered to 50-100 %
    assert gaps[1] >= 0.4  # doubled
    assert run.elapsed < 3.0


def test_429_past_the_deadline_is_not_waited_for(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    limited = passing(never_finishes=True, faults=[Fault.status(429, retry_after="60")])
    sim = simulator([limited])
    run = gate(sim, tmp_path, [limited], "--timeout", "2s")
    # Retry-After is past the deadline: the session is read once more, then incomplete
    assert run.code == 1
    assert run.outcomes() == {limited.id: "incomplete"}
    assert run.elapsed < 2.0
    said(run, limited.id, "HTTP 429")
    assert [s for _, s, _ in requests_to(sim, limited.id)][:2] == [429, 200]


# -- the deadline itself -----------------------------------------------------------------------
def test_a_session_finishing_exactly_at_the_deadline_counts(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    last_minute = [passing(never_finishes=True), passing("check", never_finishes=True)]
    sim = simulator(last_minute)
    # Long-polls of 1 s in a 2 s timeout: the second ends at the deadline with a 408, and the
    # session finishes right after it, so only the one last read after the deadline sees it.
    for session in last_minute:
        sim.finish_after_408(session.id, nth=2)
    run = gate(sim, tmp_path, last_minute, "--timeout", "2s", "--max-wait-seconds", "1")
    assert run.code == 0, run.stdout
    assert run.outcomes() == {s.id: "passed" for s in last_minute}
    assert 2.0 <= run.elapsed <= deadline_bound(2.0, "A session finishes exactly at the deadline")
    for session in last_minute:
        seen = requests_to(sim, session.id)
        assert [(path, status) for path, status, _ in seen] == [
            ("/", 200),  # running
            ("/completion", 408),
            ("/completion", 408),  # at the deadline; the session finishes right after
            ("/", 200),  # the last read, a plain GET: finished
        ]
        finished = sim.completed_at(session.id)
        assert finished is not None and seen[2][2] < finished <= seen[3][2]
        assert seen[3][2] - seen[1][2] >= 2 * 1.0 - 0.05  # after two whole long-polls
        assert run.session(session.id)["note"] is None  # not "incomplete", nothing to say
