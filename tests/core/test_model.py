"""Unit tests: outcomes of results and sessions (SPEC §4), from API-shaped bodies."""

from __future__ import annotations

from typing import Any

import pytest

from gate.core.model import (
    Outcome,
    Session,
    SessionKind,
    check_result_outcome,
    session_status_outcome,
    worst,
)
from gate.core.model import (
    test_result_outcome as ts_result_outcome,
)

SID = "0b5ab3a4-7a1b-4b8e-9d55-5a3b1f7d2c10"


def ts_result(status: str, *, rtype: str = "FINAL", **extra: Any) -> dict[str, Any]:
    name = extra.pop("name", f"check {status}")
    return {
        "testSessionResultId": f"r-{status}-{rtype}-{len(extra)}",
        "testSessionResultLink": "https://app.checklyhq.com/x",
        "checkId": f"id-{name}",
        "checkType": "API",
        "name": name,
        "runLocation": extra.pop("runLocation", "eu-west-1"),
        "errorGroupIds": [],
        "resultType": rtype,
        "status": status,
        "hasErrors": False,
        "hasFailures": status == "FAILED",
        "isDegraded": False,
        "aborted": False,
        **extra,
    }


def check_result(**flags: Any) -> dict[str, Any]:
    return {
        "checkResultId": "cr1",
        "checkResultLink": "https://app.checklyhq.com/cr1",
        "checkId": "c1",
        "checkType": "BROWSER",
        "name": "Home page",
        "runLocation": "us-east-1",
        "resultType": flags.pop("resultType", "FINAL"),
        "hasErrors": False,
        "hasFailures": False,
        "isDegraded": False,
        "aborted": False,
        "isCancelled": False,
        **flags,
    }


@pytest.mark.parametrize(
    ("status", "degraded", "expected"),
    [
        ("CANCELLED", False, Outcome.CANCELLED),
        ("FAILED", False, Outcome.FAILED),
        ("FAILED", True, Outcome.FAILED),
        ("PASSED", True, Outcome.DEGRADED),
        ("PASSED", False, Outcome.PASSED),
        ("RUNNING", False, Outcome.INCOMPLETE),
        ("PENDING", False, Outcome.INCOMPLETE),
    ],
)
def test_test_result_outcomes(status: str, degraded: bool, expected: Outcome) -> None:
    outcome, note = ts_result_outcome({"status": status, "isDegraded": degraded})
    assert outcome is expected
    assert note is None


def test_unknown_result_status_is_error_with_a_note() -> None:
    outcome, note = ts_result_outcome({"status": "EXPLODED"})
    assert outcome is Outcome.ERROR
    assert note is not None and "EXPLODED" in note


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"isCancelled": True, "hasFailures": True}, Outcome.CANCELLED),
        ({"hasFailures": True}, Outcome.FAILED),
        ({"hasErrors": True}, Outcome.FAILED),
        ({"hasErrors": True, "isDegraded": True}, Outcome.FAILED),
        ({"isDegraded": True}, Outcome.DEGRADED),
        ({}, Outcome.PASSED),
        ({"hasFailures": "yes"}, Outcome.PASSED),  # only a real true counts
    ],
)
def test_check_result_outcomes(flags: dict[str, Any], expected: Outcome) -> None:
    assert check_result_outcome(check_result(**flags)) is expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("PASSED", Outcome.PASSED),
        ("FAILED", Outcome.FAILED),
        ("DEGRADED", Outcome.DEGRADED),
        ("TIMED_OUT", Outcome.TIMED_OUT),
        ("CANCELLED", Outcome.CANCELLED),
        ("PROGRESS_FAILED", Outcome.INCOMPLETE),
        ("STARTED", Outcome.INCOMPLETE),
    ],
)
def test_session_status_outcomes(status: str, expected: Outcome) -> None:
    assert session_status_outcome(status)[0] is expected


def test_attempts_are_counted_not_judged() -> None:
    body = {
        "name": "Smoke",
        "status": "PASSED",
        "testSessionLink": "https://app.checklyhq.com/test-sessions/x",
        "results": [
            ts_result("FAILED", rtype="ATTEMPT", name="Login"),
            ts_result("FAILED", rtype="ATTEMPT", name="Login"),
            ts_result("PASSED", name="Login"),
            ts_result("PASSED", name="Search"),
        ],
    }
    session = Session.from_api(SessionKind.TEST, SID, body, finished=True)
    assert [r.outcome for r in session.runs] == [Outcome.PASSED, Outcome.PASSED]
    assert session.attempts == 2
    assert [r.retries for r in session.runs] == [2, 0]
    assert session.outcome is Outcome.PASSED
    assert session.link == "https://app.checklyhq.com/test-sessions/x"


def test_degraded_results_make_a_passed_test_session_degraded() -> None:
    body = {"status": "PASSED", "results": [ts_result("PASSED", isDegraded=True)]}
    session = Session.from_api(SessionKind.TEST, SID, body, finished=True)
    assert session.outcome is Outcome.DEGRADED
    assert session.runs[0].outcome is Outcome.DEGRADED


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("PASSED", Outcome.PASSED),
        ("FAILED", Outcome.FAILED),
        ("DEGRADED", Outcome.DEGRADED),
        ("TIMED_OUT", Outcome.TIMED_OUT),
        ("CANCELLED", Outcome.CANCELLED),
    ],
)
def test_session_without_final_results_is_one_run_with_its_own_outcome(
    status: str, expected: Outcome
) -> None:
    body = {
        "name": "Checkout",
        "status": status,
        "checkSessionLink": "https://app.checklyhq.com/cs",
        "checkType": "API",
        "runLocations": ["eu-west-1", "us-east-1"],
        "startedAt": "2026-11-24T10:00:00.000Z",
        "stoppedAt": "2026-11-24T10:00:02.500Z",
        "results": [check_result(resultType="ATTEMPT", hasFailures=True)],
    }
    session = Session.from_api(SessionKind.CHECK, SID, body, finished=True)
    assert len(session.runs) == 1
    run = session.runs[0]
    assert run.stands_for_session
    assert run.outcome is expected
    assert run.location == "eu-west-1, us-east-1"
    assert run.duration_s == pytest.approx(2.5)
    assert session.attempts == 1


def test_check_session_results_map_by_flags() -> None:
    body = {
        "status": "FAILED",
        "results": [check_result(hasFailures=True), check_result(isDegraded=True)],
    }
    session = Session.from_api(SessionKind.CHECK, SID, body, finished=True)
    assert [r.outcome for r in session.runs] == [Outcome.FAILED, Outcome.DEGRADED]
    assert session.runs[0].link == "https://app.checklyhq.com/cr1"
    assert session.runs[0].check_type == "BROWSER"


def test_garbage_body_does_not_crash() -> None:
    body: dict[str, Any] = {"status": 7, "results": ["x", None, {"resultType": "FINAL"}]}
    session = Session.from_api(SessionKind.TEST, SID, body, finished=True)
    assert session.outcome is Outcome.ERROR
    assert session.note is not None
    assert len(session.runs) == 1
    assert session.runs[0].outcome is Outcome.ERROR
    assert session.runs[0].name == "(unnamed check)"


def test_running_status_from_completion_is_an_error_not_a_pass() -> None:
    session = Session.from_api(SessionKind.TEST, SID, {"status": "RUNNING"}, finished=True)
    assert session.outcome is Outcome.ERROR


def test_partial_session_marked_incomplete_keeps_finished_runs() -> None:
    body = {
        "status": "RUNNING",
        "results": [ts_result("PASSED", name="a"), ts_result("RUNNING", name="b")],
    }
    partial = Session.from_api(SessionKind.TEST, SID, body, finished=False)
    done = partial.as_incomplete("deadline")
    assert done.outcome is Outcome.INCOMPLETE
    assert [r.outcome for r in done.runs] == [Outcome.PASSED, Outcome.INCOMPLETE]
    assert done.note == "deadline"


def test_unreadable_session_is_one_run_carrying_the_message() -> None:
    session = Session.unreadable(SessionKind.CHECK, SID, "HTTP 404: not found")
    assert session.outcome is Outcome.ERROR
    assert session.runs[0].reason == "HTTP 404: not found"
    assert session.title == f"check session {SID}"


def test_worst() -> None:
    assert worst([Outcome.PASSED, Outcome.DEGRADED, Outcome.FAILED]) is Outcome.FAILED
    assert worst([]) is Outcome.PASSED
    assert worst([Outcome.INCOMPLETE, Outcome.CANCELLED]) is Outcome.CANCELLED
