"""explain_failures: which details and error groups are fetched, and what the report learns.

A fake, in-process DetailClient counts every call; no network.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest

from gate.checkly.details import explain_failures
from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.verdict import DEFAULT_FAIL_ON, Thresholds

TEST, CHECK = SessionKind.TEST, SessionKind.CHECK


def api_detail(actual: int, groups: list[str] | None = None) -> dict[str, Any]:
    assertion = {
        "source": "STATUS_CODE",
        "property": "",
        "comparison": "EQUALS",
        "target": "200",
        "regex": None,
        "actual": actual,
        "error": "failed",
    }
    return {
        "apiCheckResult": {"assertions": [assertion], "requestError": None},
        "errorGroupIds": groups or [],
    }


class FakeClient:
    """Answers from dicts; records every call; can fail, block or pause per result ID."""

    def __init__(
        self,
        details: dict[str, Any] | None = None,
        groups: dict[tuple[SessionKind, str], Any] | None = None,
    ) -> None:
        self.details = details or {}
        self.groups = groups or {}
        self.detail_calls: list[tuple[str, str]] = []
        self.group_calls: list[tuple[SessionKind, str]] = []
        self.lock = threading.Lock()
        self.fail: set[str] = set()
        self.block = threading.Event()
        self.blocking: set[str] = set()
        self.barrier: threading.Barrier | None = None

    def get_result_detail(self, session: Session, run: CheckRun, deadline: float) -> Any:
        with self.lock:
            self.detail_calls.append((session.id, run.result_id))
        if self.barrier is not None:
            self.barrier.wait()
        if run.result_id in self.blocking:
            self.block.wait(timeout=10)
        if run.result_id in self.fail:
            raise RuntimeError("HTTP 500: Internal Server Error")
        return self.details.get(run.result_id, {})

    def get_error_group(self, kind: SessionKind, group_id: str, deadline: float) -> Any:
        with self.lock:
            self.group_calls.append((kind, group_id))
        answer = self.groups.get((kind, group_id))
        if isinstance(answer, Exception):
            raise answer
        return answer if answer is not None else {}


def run(rid: str, outcome: Outcome = Outcome.FAILED, **kw: Any) -> CheckRun:
    return CheckRun(result_id=rid, name=f"check {rid}", outcome=outcome, check_id=f"c-{rid}", **kw)


def session(sid: str, *runs: CheckRun, kind: SessionKind = TEST) -> Session:
    return Session(kind=kind, id=sid, outcome=Outcome.FAILED, name=sid, runs=runs)


def far() -> float:
    return time.monotonic() + 30


def test_failing_runs_get_reasons_and_passed_runs_are_left_alone() -> None:
    sessions = [session("s1", run("r1"), run("r2", Outcome.PASSED), run("r3", Outcome.DEGRADED))]
    client = FakeClient({"r1": api_detail(500), "r3": {"isDegraded": True, "responseTime": 2650}})
    explained, warnings = explain_failures(sessions, client, Thresholds(), deadline=far())
    runs = explained[0].runs
    assert runs[0].reason == "status code equals 200, got 500"
    assert runs[1] is sessions[0].runs[1]
    assert runs[2].reason == "response time over the check's degradation limit (2650 ms)"
    assert sorted(client.detail_calls) == [("s1", "r1"), ("s1", "r3")]
    assert warnings == ()


def test_one_fetch_per_error_group_and_the_families_never_mix() -> None:
    shared = "0b6a3c0e-2d7e-4f7a-9a0e-5d9b1c7e8f10"
    test_runs = [run(f"t{i}", error_group_ids=(shared,)) for i in range(5)]
    check_runs = [run(f"c{i}", error_group_ids=(shared,)) for i in range(3)]
    sessions = [session("ts", *test_runs), session("cs", *check_runs, kind=CHECK)]
    client = FakeClient(
        {r.result_id: api_detail(500) for r in test_runs + check_runs},
        {
            (TEST, shared): {"cleanedErrorMessage": "Expected 200, got <NUMBER>"},
            (CHECK, shared): {"cleanedErrorMessage": "check family message"},
        },
    )
    explained, warnings = explain_failures(sessions, client, Thresholds(), deadline=far())
    assert Counter(client.group_calls) == {(TEST, shared): 1, (CHECK, shared): 1}
    assert {r.error_group for r in explained[0].runs} == {"Expected 200, got <NUMBER>"}
    assert {r.error_group for r in explained[1].runs} == {"check family message"}
    assert warnings == ()


def test_a_group_named_only_in_the_detail_is_fetched_once() -> None:
    sessions = [session("s", run("r1"), run("r2"))]
    client = FakeClient(
        {"r1": api_detail(500, ["g-late"]), "r2": api_detail(502, ["g-late"])},
        {(TEST, "g-late"): {"rawErrorMessage": "boom\nat x"}},
    )
    explained, _ = explain_failures(sessions, client, Thresholds(), deadline=far())
    assert client.group_calls == [(TEST, "g-late")]
    assert [r.error_group for r in explained[0].runs] == ["boom at x", "boom at x"]
    assert [r.error_group_ids for r in explained[0].runs] == [("g-late",), ("g-late",)]


def test_only_the_first_limit_failing_runs_are_fetched_and_the_rest_said_once() -> None:
    sessions = [session(f"s{s}", *(run(f"{s}-{i}") for i in range(20))) for s in range(3)]
    client = FakeClient({f"{s}-{i}": api_detail(500) for s in range(3) for i in range(20)})
    explained, warnings = explain_failures(sessions, client, Thresholds(), deadline=far(), limit=50)
    assert len(client.detail_calls) == 50
    assert sum(1 for s in explained for r in s.runs if r.reason) == 50
    assert all(r.reason is None for r in explained[2].runs[10:])
    assert warnings == (
        "only the first 50 failing check runs are explained; 10 more failing runs are linked "
        "without a reason",
    )


def test_failed_fetches_are_said_once_and_the_runs_stay_linked() -> None:
    runs = [run(f"r{i}", link=f"https://app.checklyhq.com/r{i}") for i in range(6)]
    client = FakeClient({r.result_id: api_detail(500) for r in runs})
    client.fail = {"r1", "r3", "r5"}
    explained, warnings = explain_failures(
        [session("s", *runs)], client, Thresholds(), deadline=far()
    )
    assert [r.reason is None for r in explained[0].runs] == [False, True] * 3
    assert [r.link for r in explained[0].runs] == [r.link for r in runs]
    assert warnings == (
        "could not fetch the details of 3 failing runs (RuntimeError: HTTP 500: Internal "
        "Server Error); they are linked without a reason",
    )


def test_the_deadline_is_never_passed() -> None:
    runs = [run(f"r{i}") for i in range(4)]
    client = FakeClient({r.result_id: api_detail(500) for r in runs})
    client.blocking = {"r2", "r3"}
    started = time.monotonic()
    try:
        explained, warnings = explain_failures(
            [session("s", *runs)], client, Thresholds(), deadline=started + 0.5, workers=4
        )
    finally:
        client.block.set()
    assert time.monotonic() - started < 1.5
    assert [r.reason is not None for r in explained[0].runs] == [True, True, False, False]
    assert warnings == (
        "the deadline came before the details of 2 failing runs could be fetched; they are "
        "linked without a reason",
    )


def test_nothing_is_fetched_after_the_deadline() -> None:
    client = FakeClient()
    explained, warnings = explain_failures(
        [session("s", run("r1"))], client, Thresholds(), deadline=time.monotonic() - 1
    )
    assert client.detail_calls == []
    assert explained[0].runs[0].reason is None
    assert len(warnings) == 1 and "deadline" in warnings[0]


def test_fetches_run_concurrently() -> None:
    runs = [run(f"r{i}") for i in range(4)]
    client = FakeClient({r.result_id: api_detail(500) for r in runs})
    client.barrier = threading.Barrier(4, timeout=5)  # passes only with 4 calls at once
    explained, warnings = explain_failures(
        [session("s", *runs)], client, Thresholds(), deadline=far(), workers=4
    )
    assert warnings == ()
    assert all(r.reason for r in explained[0].runs)


def test_runs_standing_for_a_session_and_runs_with_a_reason_are_not_fetched() -> None:
    whole = CheckRun(
        result_id="s1",
        name="test session s1",
        outcome=Outcome.ERROR,
        reason="HTTP 404: not found",
        stands_for_session=True,
    )
    known = run("r2", reason="kept as it was")
    sessions = [session("s1", whole), session("s2", known)]
    client = FakeClient()
    explained, warnings = explain_failures(sessions, client, Thresholds(), deadline=far())
    assert client.detail_calls == []
    assert explained[0].runs[0] is whole
    assert explained[1].runs[0].reason == "kept as it was"
    assert warnings == ()


def test_fail_on_decides_what_is_explained() -> None:
    sessions = [session("s", run("r1", Outcome.CANCELLED), run("r2", Outcome.FAILED))]
    client = FakeClient({"r1": {"isCancelled": True}, "r2": api_detail(500)})
    only_failed = Thresholds(fail_on=frozenset({Outcome.FAILED}))
    explained, _ = explain_failures(sessions, client, only_failed, deadline=far())
    assert client.detail_calls == [("s", "r2")]
    assert explained[0].runs[0].reason is None
    client = FakeClient({"r1": {"isCancelled": True}, "r2": api_detail(500)})
    explained, _ = explain_failures(sessions, client, Thresholds(DEFAULT_FAIL_ON), deadline=far())
    assert explained[0].runs[0].reason == "the run was cancelled"


def test_group_failures_and_odd_answers_are_warnings_not_crashes() -> None:
    sessions = [session("s", run("r1", error_group_ids=("g1",)), run("r2"))]
    client = FakeClient(
        {"r1": api_detail(500), "r2": ["not", "a", "dict"]},
        {(TEST, "g1"): RuntimeError("HTTP 404")},
    )
    explained, warnings = explain_failures(sessions, client, Thresholds(), deadline=far())
    assert explained[0].runs[0].reason == "status code equals 200, got 500"
    assert explained[0].runs[0].error_group is None
    assert explained[0].runs[1].reason is None
    assert warnings == (
        "could not fetch the details of 1 failing run (TypeError: unexpected answer of type "
        "list); it is linked without a reason",
        "could not fetch 1 error group; their runs are shown without the group's message",
    )


def test_a_check_run_without_ids_is_not_requested() -> None:
    runless = CheckRun(result_id="r1", name="x", outcome=Outcome.FAILED)  # no check_id
    client = FakeClient()
    _, warnings = explain_failures(
        [session("s", runless, kind=CHECK)], client, Thresholds(), deadline=far()
    )
    assert client.detail_calls == []
    assert warnings == (
        "could not fetch the details of 1 failing run (Checkly gave no result ID); it is "
        "linked without a reason",
    )


@pytest.mark.parametrize("kind", [TEST, CHECK])
def test_sessions_from_the_api_keep_their_order(kind: SessionKind) -> None:
    id_field = "testSessionResultId" if kind is TEST else "checkResultId"
    body = {
        "status": "FAILED",
        "name": "PR #42",
        "results": [
            {
                id_field: "r1",
                "checkId": "c1",
                "name": "Orders API",
                "resultType": "FINAL",
                "status": "FAILED",
                "hasFailures": True,
                "errorGroupIds": ["g1"],
            },
            {
                id_field: "r2",
                "checkId": "c2",
                "name": "Home",
                "resultType": "FINAL",
                "status": "PASSED",
            },
        ],
    }
    sessions = [
        Session.from_api(kind, f"{kind.value}-1", body, finished=True),
        session("other", run("x", Outcome.PASSED)),
    ]
    client = FakeClient(
        {"r1": api_detail(503)}, {(kind, "g1"): {"cleanedErrorMessage": "Expected 200"}}
    )
    explained, _ = explain_failures(sessions, client, Thresholds(), deadline=far())
    assert [s.id for s in explained] == [f"{kind.value}-1", "other"]
    assert explained[1] is sessions[1]
    first = explained[0].runs[0]
    assert (first.reason, first.error_group) == ("status code equals 200, got 503", "Expected 200")
    assert client.group_calls == [(kind, "g1")]
