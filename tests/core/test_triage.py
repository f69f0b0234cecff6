"""Triage labels (SPEC §9), case by case: pure functions of a check's earlier runs, an error
group's first/last sighting and a session's ATTEMPT results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from gate.core.model import Outcome, Session, SessionKind
from gate.core.triage import (
    FETCH_FAILED,
    NO_EARLIER_RUNS,
    GroupAge,
    Label,
    Triage,
    earlier_failures,
    label_from_failures,
    no_history,
)

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
F, P = True, False


CHECK = "0b9c6f1e-6c1d-4d8e-9f3a-2a1b3c4d5e6f"


def entry(minutes_before: float, *, failed: bool = False, **more: Any) -> dict[str, Any]:
    started = START - timedelta(minutes=minutes_before)
    return {
        "id": f"r{minutes_before}",
        "checkId": CHECK,
        "hasFailures": failed,
        "hasErrors": False,
        "isCancelled": False,
        "resultType": "FINAL",
        "startedAt": started.isoformat().replace("+00:00", "Z"),
    } | more


# -- the labels ---------------------------------------------------------------------------------


def test_no_earlier_runs_is_no_history() -> None:
    triage = label_from_failures([])
    assert (triage.label, triage.earlier_runs, triage.why) == (Label.NO_HISTORY, 0, NO_EARLIER_RUNS)
    assert triage.evidence == "no earlier runs"


def test_all_failed_is_already_failing() -> None:
    triage = label_from_failures([F] * 10)
    assert (triage.label, triage.earlier_runs, triage.earlier_failures) == (
        Label.ALREADY_FAILING,
        10,
        10,
    )
    assert triage.evidence == "failed 10 of its last 10 runs"
    assert triage.text == "already failing: failed 10 of its last 10 runs"


def test_latest_failed_is_already_failing_whatever_came_before() -> None:
    triage = label_from_failures([F, P, P, P, P, P, P, P, P, P])
    assert (triage.label, triage.earlier_failures) == (Label.ALREADY_FAILING, 1)
    assert triage.evidence == "failed 1 of its last 10 runs"


def test_latest_passed_with_older_failures_is_flaky() -> None:
    triage = label_from_failures([P, P, F, P, P, P, P, F, P, P])
    assert (triage.label, triage.earlier_failures) == (Label.FLAKY, 2)
    assert triage.evidence == "failed 2 of its last 10 runs"


def test_no_failure_in_the_last_ten_is_new() -> None:
    triage = label_from_failures([P] * 10)
    assert (triage.label, triage.earlier_failures) == (Label.NEW, 0)
    assert triage.evidence == "passed its last 10 runs"


def test_only_the_last_ten_count() -> None:
    # an 11th-latest failure is past the window: new, not flaky
    assert label_from_failures([P] * 10 + [F]).label is Label.NEW
    assert label_from_failures([P] * 10 + [F]).earlier_runs == 10


def test_fewer_than_ten_earlier_runs_say_how_many() -> None:
    assert label_from_failures([P, P, P]).evidence == "passed its last 3 runs"
    assert label_from_failures([F]).evidence == "failed its last run"
    assert label_from_failures([P]).evidence == "passed its last run"


def test_a_failed_request_is_no_history_with_its_reason() -> None:
    triage = no_history(FETCH_FAILED)
    assert triage == Triage(Label.NO_HISTORY, why=FETCH_FAILED)
    assert triage.text == "no history: history request failed"


# -- reading the API's entries ------------------------------------------------------------------


def test_results_from_other_locations_count_like_any_other() -> None:
    """Location does not matter (gate/core/triage.py): the latest earlier run anywhere decides."""
    entries = [
        entry(10, failed=True, runLocation="us-east-1"),
        entry(20, failed=False, runLocation="eu-west-1"),
        entry(30, failed=False, runLocation="eu-west-1"),
    ]
    assert (
        label_from_failures(earlier_failures(entries, START, CHECK)).label is Label.ALREADY_FAILING
    )


def test_entries_are_read_newest_first_whatever_the_order_given() -> None:
    entries = [entry(30, failed=True), entry(10), entry(20)]
    assert earlier_failures(entries, START, CHECK) == [P, P, F]
    assert label_from_failures(earlier_failures(entries, START, CHECK)).label is Label.FLAKY


def test_errors_count_as_failures_cancelled_and_attempts_say_nothing() -> None:
    entries = [
        entry(5, isCancelled=True, failed=True),
        entry(6, resultType="ATTEMPT", failed=True),
        entry(7, hasErrors=True),
        entry(8),
    ]
    assert earlier_failures(entries, START, CHECK) == [F, P]


def test_runs_at_or_after_the_session_start_are_not_earlier() -> None:
    entries = [entry(0, failed=True), entry(-5, failed=True), entry(1)]
    assert earlier_failures(entries, START, CHECK) == [P]


def test_junk_entries_are_skipped() -> None:
    entries: list[Any] = ["x", None, {"hasFailures": True, "checkId": CHECK}, entry(3)]
    assert earlier_failures(entries, START, CHECK) == [P]  # the undated one is ignored


def test_history_entries_are_checked_before_they_are_believed() -> None:
    """SPEC §9: an entry of another check (or naming none), without a date, or dated at or
    after the session's start is ignored; before, each of these made a new failure "already
    failing"."""
    clean = [entry(10), entry(20)]
    hostile: list[dict[str, Any]] = [
        entry(1, failed=True, checkId="9d1e2f3a-0000-4000-8000-000000000001"),
        {k: v for k, v in entry(2, failed=True).items() if k != "checkId"},
        {k: v for k, v in entry(3, failed=True).items() if k != "startedAt"},
        entry(-1, failed=True),
        entry(0, failed=True),
    ]
    for bad in hostile:
        found = earlier_failures([bad, *clean], START, CHECK)
        assert found == [P, P], bad
        assert label_from_failures(found).label is Label.NEW
    assert earlier_failures([entry(5, failed=True, checkId=CHECK.upper())], START, CHECK) == [F]
    assert earlier_failures(clean, START, None) == []  # a run without a checkId: no history


# -- error-group age ---------------------------------------------------------------------------


def test_a_group_first_seen_at_or_after_the_start_is_new() -> None:
    age = GroupAge.from_api(
        {"firstSeen": "2026-12-01T12:00:00.000Z", "lastSeen": "2026-12-01T12:01:00Z"}
    )
    assert age.is_new(START) is True
    assert age.text(START) == "new error"


def test_an_older_group_is_known_since_its_first_day_with_last_seen() -> None:
    age = GroupAge.from_api(
        {"firstSeen": "2026-11-28T09:30:00Z", "lastSeen": "2026-12-01T11:59:00Z"}
    )
    assert age.is_new(START) is False
    assert age.text(START) == "known since 2026-11-28 (last seen 2026-12-01)"


def test_date_only_groups_compare_by_day() -> None:
    """Check error groups are typed `format: date`: the start's day counts as new."""
    same_day = GroupAge.from_api({"firstSeen": "2026-12-01", "lastSeen": "2026-12-01"})
    assert same_day.first_seen == date(2026, 12, 1)
    assert same_day.text(START) == "new error"
    older = GroupAge.from_api({"firstSeen": "2026-11-30", "lastSeen": "2026-12-01"})
    assert older.text(START) == "known since 2026-11-30 (last seen 2026-12-01)"


def test_a_group_without_first_seen_or_start_has_no_age() -> None:
    assert GroupAge.from_api({"lastSeen": "2026-12-01"}).text(START) is None
    assert GroupAge.from_api({"firstSeen": "yesterday"}).text(START) is None
    assert GroupAge.from_api({"firstSeen": "2026-12-01"}).text(None) is None


def test_a_time_without_zone_is_read_as_utc() -> None:
    age = GroupAge.from_api({"firstSeen": "2026-12-01T11:00:00", "lastSeen": None})
    assert age.text(START) == "known since 2026-12-01"


# -- passed on retry -----------------------------------------------------------------------------


def result(
    name: str, status: str, rtype: str = "FINAL", where: str = "eu-west-1"
) -> dict[str, Any]:
    return {"name": name, "checkId": f"id-{name}", "runLocation": where, "status": status} | {
        "resultType": rtype,
        "testSessionResultId": f"{name}-{rtype}-{status}-{where}",
    }


@pytest.mark.parametrize("attempts", [1, 2])
def test_a_pass_after_failed_attempts_is_a_pass_on_retry_n(attempts: int) -> None:
    body = {
        "status": "PASSED",
        "results": [
            *(result("Cart", "FAILED", "ATTEMPT") for _ in range(attempts)),
            result("Cart", "PASSED"),
            result("Cart", "FAILED", "ATTEMPT", where="us-east-1"),  # another location's
            result("Home", "PASSED"),
        ],
    }
    session = Session.from_api(SessionKind.TEST, "s1", body, finished=True)
    cart, home = session.runs
    assert (cart.outcome, cart.passed_on_retry, cart.retries) == (
        Outcome.PASSED,
        attempts,
        attempts,
    )
    assert home.passed_on_retry is None
    assert session.passed_on_retry == 1


def test_a_failure_after_failed_attempts_is_not_a_pass_on_retry() -> None:
    body = {
        "status": "FAILED",
        "results": [result("Cart", "FAILED", "ATTEMPT"), result("Cart", "FAILED")],
    }
    (cart,) = Session.from_api(SessionKind.TEST, "s1", body, finished=True).runs
    assert (cart.failed_attempts, cart.passed_on_retry) == (1, None)


def test_check_session_attempts_count_by_their_flags() -> None:
    def check(rtype: str, failed: bool) -> dict[str, Any]:
        return {"checkId": "c", "name": "API", "runLocation": "eu-west-1", "resultType": rtype} | {
            "hasFailures": failed,
            "checkResultId": f"{rtype}-{failed}",
        }

    body = {"status": "PASSED", "results": [check("ATTEMPT", True), check("FINAL", False)]}
    (run,) = Session.from_api(SessionKind.CHECK, "s1", body, finished=True).runs
    assert run.passed_on_retry == 1
    unfailed = {"status": "PASSED", "results": [check("ATTEMPT", False), check("FINAL", False)]}
    (run,) = Session.from_api(SessionKind.CHECK, "s1", unfailed, finished=True).runs
    assert run.passed_on_retry is None
