"""Unit tests: the verdict (SPEC §4) case by case."""

from __future__ import annotations

import pytest

from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.verdict import DEFAULT_FAIL_ON, Thresholds, decide


def session(*outcomes: Outcome, own: Outcome | None = None, sid: str = "s1") -> Session:
    runs = tuple(
        CheckRun(result_id=f"{sid}-{i}", name=f"c{i}", outcome=o) for i, o in enumerate(outcomes)
    )
    if own is None:
        own = max(outcomes, key=lambda o: o is not Outcome.PASSED) if outcomes else Outcome.PASSED
    return Session(kind=SessionKind.TEST, id=sid, outcome=own, runs=runs)


def test_all_passed_passes() -> None:
    verdict = decide([session(Outcome.PASSED, Outcome.PASSED)], Thresholds())
    assert verdict.passed
    assert (verdict.total, verdict.failing, verdict.passed_count) == (2, 0, 2)
    assert verdict.pass_rate == 100.0
    assert verdict.result == "passed"


def test_one_failure_fails_with_default_max_failures() -> None:
    verdict = decide([session(Outcome.PASSED, Outcome.FAILED)], Thresholds())
    assert not verdict.passed
    assert verdict.failing == 1
    assert "1 failing check run, at most 0 allowed (max-failures)" in verdict.reasons


def test_max_failures_tolerates() -> None:
    sessions = [session(Outcome.FAILED, Outcome.TIMED_OUT, Outcome.PASSED)]
    assert decide(sessions, Thresholds(max_failures=2)).passed
    assert not decide(sessions, Thresholds(max_failures=1)).passed


@pytest.mark.parametrize(
    "outcome",
    [Outcome.FAILED, Outcome.TIMED_OUT, Outcome.CANCELLED, Outcome.INCOMPLETE, Outcome.ERROR],
)
def test_every_default_fail_on_outcome_fails(outcome: Outcome) -> None:
    assert outcome in DEFAULT_FAIL_ON
    assert not decide([session(outcome)], Thresholds()).passed


def test_degraded_passes_by_default_and_fails_when_added() -> None:
    sessions = [session(Outcome.DEGRADED, Outcome.PASSED)]
    default = decide(sessions, Thresholds())
    assert default.passed and default.degraded_count == 1
    strict = decide(sessions, Thresholds(fail_on=DEFAULT_FAIL_ON | {Outcome.DEGRADED}))
    assert not strict.passed and strict.failing == 1


def test_fail_on_none_never_fails() -> None:
    sessions = [session(Outcome.FAILED, Outcome.ERROR, own=Outcome.FAILED)]
    verdict = decide(sessions, Thresholds(fail_on=frozenset(), min_pass_rate=100))
    assert verdict.passed
    assert verdict.failing == 0
    assert verdict.counts == {"failed": 1, "error": 1}


def test_min_pass_rate() -> None:
    sessions = [session(*([Outcome.PASSED] * 9), Outcome.FAILED)]
    assert decide(sessions, Thresholds(max_failures=5, min_pass_rate=90)).passed
    verdict = decide(sessions, Thresholds(max_failures=5, min_pass_rate=95))
    assert not verdict.passed
    assert verdict.reasons == ("pass rate 90.0% is below the required 95% (min-pass-rate)",)


def test_both_thresholds_give_both_reasons() -> None:
    verdict = decide([session(Outcome.FAILED, Outcome.PASSED)], Thresholds(min_pass_rate=80))
    assert len(verdict.reasons) == 2
    assert verdict.summary.startswith("Gate failed: 1 failing check run")


def test_red_session_without_failing_runs_counts_once() -> None:
    hidden = session(Outcome.PASSED, Outcome.PASSED, own=Outcome.FAILED, sid="red")
    verdict = decide([hidden, session(Outcome.PASSED, sid="ok")], Thresholds())
    assert not verdict.passed
    assert verdict.failing == 1
    assert verdict.hidden_red_sessions == 1
    assert verdict.total == 3
    assert "1 red session without a failing run" in verdict.reasons[0]


def test_red_session_with_failing_runs_is_not_counted_twice() -> None:
    verdict = decide([session(Outcome.FAILED, Outcome.PASSED, own=Outcome.FAILED)], Thresholds())
    assert verdict.failing == 1
    assert verdict.hidden_red_sessions == 0


def test_red_session_rule_follows_fail_on() -> None:
    degraded_session = session(Outcome.PASSED, own=Outcome.DEGRADED)
    assert decide([degraded_session], Thresholds()).passed
    strict = Thresholds(fail_on=DEFAULT_FAIL_ON | {Outcome.DEGRADED})
    assert not decide([degraded_session], strict).passed


def test_passed_summary_mentions_tolerated_failures() -> None:
    verdict = decide([session(Outcome.FAILED, Outcome.PASSED)], Thresholds(max_failures=1))
    assert verdict.passed
    assert verdict.summary == (
        "Gate passed: 1 failing check run, 1 allowed (2 check runs, pass rate 50.0%)."
    )
