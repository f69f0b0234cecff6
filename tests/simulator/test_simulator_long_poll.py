"""The simulator's long-poll (`/completion`), over real HTTP on 127.0.0.1: answered when the
session finishes, 408 after `maxWaitSeconds`, the cap and the allowed range.
"""

from __future__ import annotations

import threading
import time

import pytest

from gate.simulator import (
    ScriptedSession,
)
from tests.conftest import SimulatorFactory
from tests.support.simulator_http import completion, get, results

# -- long-poll ------------------------------------------------------------------------------------


def test_completion_answers_as_soon_as_the_session_finishes(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED", duration_s=0.5, results=results("passed"))
    sim = simulator([session])
    response = completion(sim, session, wait=5)
    answered = time.monotonic()
    assert response.status_code == 200
    assert response.json()["status"] == "PASSED"
    finished = sim.completed_at(session.id)
    assert finished is not None
    assert 0 <= answered - finished < 0.2  # woken when it finished, not after maxWaitSeconds


def test_finish_wakes_a_waiting_long_poll(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("check", "FAILED", never_finishes=True, results=results("failed"))
    sim = simulator([session])
    assert sim.completed_at(session.id) is None
    timer = threading.Timer(0.3, sim.finish, [session.id])
    timer.start()
    response = completion(sim, session, wait=10)
    answered = time.monotonic()
    timer.join()
    assert response.status_code == 200
    assert response.json()["status"] == "FAILED"
    assert 0 <= answered - (sim.completed_at(session.id) or 0) < 0.2


def test_finish_after_408_finishes_right_after_the_nth_408(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("check", "PASSED", never_finishes=True, results=results("passed"))
    other = ScriptedSession("check", "PASSED", never_finishes=True)
    sim = simulator([session, other], max_wait_cap=0.1)
    sim.finish_after_408(session.id, nth=2)
    assert completion(sim, session, wait=1).status_code == 408
    assert sim.completed_at(session.id) is None
    assert completion(sim, session, wait=1).status_code == 408  # the 2nd: finished right after
    assert sim.completed_at(session.id) is not None
    assert get(sim, f"/v2/check-sessions/{session.id}").json()["status"] == "PASSED"
    assert completion(sim, other, wait=1).status_code == 408  # only that session
    assert sim.completed_at(other.id) is None
    with pytest.raises(ValueError, match="at least 1"):
        sim.finish_after_408(other.id, nth=0)


def test_an_unfinished_session_answers_408_after_max_wait_seconds(
    simulator: SimulatorFactory,
) -> None:
    session = ScriptedSession("test", "PASSED", never_finishes=True)
    sim = simulator([session])
    started = time.monotonic()
    response = completion(sim, session, wait=1)
    took = time.monotonic() - started
    assert response.status_code == 408
    assert 0.95 <= took < 1.5
    body = response.json()
    assert body["statusCode"] == 408
    assert body["error"] == "Request Timeout"
    assert session.id in body["message"]


def test_max_wait_cap_shortens_the_long_poll(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("check", "PASSED", never_finishes=True)
    sim = simulator([session], max_wait_cap=0.1)
    started = time.monotonic()
    assert completion(sim, session, wait=30).status_code == 408
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize(
    ("kind", "wait"),
    [("test", "0"), ("test", "31"), ("test", "soon"), ("check", "1.5"), ("check", "0")],
)
def test_max_wait_seconds_out_of_range_is_400(
    simulator: SimulatorFactory, kind: str, wait: str
) -> None:
    session = ScriptedSession(kind, "PASSED")
    response = completion(simulator([session]), session, wait=wait)
    assert response.status_code == 400
    assert "maxWaitSeconds" in response.json()["message"]


def test_max_wait_seconds_may_be_fractional_for_test_sessions(
    simulator: SimulatorFactory,
) -> None:
    session = ScriptedSession("test", "PASSED")
    assert completion(simulator([session]), session, wait="1.5").status_code == 200
