"""The base branch's pure rules (SPEC §11) and the `missing` runs of `check-ids`."""

from __future__ import annotations

from typing import Any

from gate.core.baseline import candidates, failing_checks
from gate.core.missing import add_missing
from gate.core.model import CheckRun, Outcome, Session, SessionKind


def entry(
    sid: str, status: str = "FAILED", started: str = "2026-12-01T10:00:00Z", **more: Any
) -> dict[str, Any]:
    return {"id": sid, "status": status, "branchName": "main", "startedAt": started} | more


def test_the_newest_finished_session_of_the_branch_comes_first() -> None:
    entries: list[Any] = [
        entry("old", started="2026-12-01T08:00:00Z"),
        entry("running", status="RUNNING", started="2026-12-01T11:00:00Z"),
        entry("mine", started="2026-12-01T12:00:00Z"),
        entry("other", started="2026-12-01T12:30:00Z", branchName="feature"),
        entry("new", status="PASSED", started="2026-12-01T10:00:00Z"),
        "junk",
        {"status": "FAILED"},
    ]
    assert candidates(entries, "main", exclude=["MINE"]) == ["new", "old"]


def test_failing_checks_are_the_failed_and_errored_final_results() -> None:
    body = {
        "results": [
            {"checkId": "A", "status": "FAILED", "resultType": "FINAL"},
            {"checkId": "b", "status": "PASSED", "resultType": "FINAL"},
            {"checkId": "c", "status": "FAILED", "resultType": "ATTEMPT"},
            {"checkId": "d", "status": "WHATEVER"},
            {"status": "FAILED"},
        ]
    }
    assert failing_checks(body) == {"a", "d"}
    assert failing_checks({"results": "nope"}) == set()


def run(check_id: str | None, outcome: Outcome = Outcome.PASSED, **kw: Any) -> CheckRun:
    return CheckRun(
        result_id=f"r-{check_id}", name=f"c {check_id}", outcome=outcome, check_id=check_id, **kw
    )


def test_a_requested_check_without_a_run_is_missing() -> None:
    given = Session(SessionKind.TEST, "given", Outcome.PASSED, runs=(run("x"),))
    mine = Session(SessionKind.TEST, "t", Outcome.PASSED, runs=(run("A"),))
    out = add_missing([given, mine], {"t"}, ["a", "b", "B", "x"])
    assert out[0] is given  # a session given by ID is not searched, nor changed
    assert [(r.check_id, r.outcome) for r in out[1].runs] == [
        ("A", Outcome.PASSED),
        ("b", Outcome.MISSING),
        ("x", Outcome.MISSING),
    ]
    assert out[1].runs[1].link == "https://app.checklyhq.com/checks/b"


def test_nothing_is_missing_from_an_unfinished_session_or_without_check_ids() -> None:
    cut = Session(SessionKind.TEST, "t", Outcome.INCOMPLETE, runs=(run("a"),))
    assert add_missing([cut], {"t"}, ["a", "b"]) == [cut]
    done = Session(SessionKind.TEST, "t", Outcome.PASSED, runs=(run("a"),))
    assert add_missing([done], {"t"}, []) == [done]
    assert add_missing([done], set(), ["b"]) == [done]
    empty = Session(
        SessionKind.TEST, "t", Outcome.PASSED, runs=(run("t", stands_for_session=True),)
    )
    (session,) = add_missing([empty], {"t"}, ["b"])
    assert [(r.check_id, r.outcome) for r in session.runs] == [("b", Outcome.MISSING)]
