"""The verdict with and without `preexisting-failures: allow` (SPEC §2, §4, §9)."""

from __future__ import annotations

from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.triage import Label, Triage, label_from_failures, no_history
from gate.core.verdict import Thresholds, decide

ALREADY = label_from_failures([True] * 10)
FLAKY = label_from_failures([False, True, False])
NEW = label_from_failures([False] * 10)
ALLOW = Thresholds(allow_preexisting=True)


def run(outcome: Outcome, triage: Triage | None = None, i: int = 0) -> CheckRun:
    return CheckRun(result_id=f"r{i}", name=f"c{i}", outcome=outcome, triage=triage)


def session(*runs: CheckRun, own: Outcome = Outcome.FAILED, sid: str = "s1") -> Session:
    return Session(kind=SessionKind.TEST, id=sid, outcome=own, runs=runs)


def test_the_default_counts_already_failing_runs() -> None:
    s = session(run(Outcome.FAILED, ALREADY), run(Outcome.PASSED, i=1))
    verdict = decide([s], Thresholds())
    assert (verdict.passed, verdict.failing, verdict.not_counted) == (False, 1, 0)
    assert verdict.not_counted_note is None
    assert "not counted" not in verdict.summary


def test_allow_leaves_already_failing_runs_out_and_says_so() -> None:
    s = session(
        run(Outcome.FAILED, ALREADY), run(Outcome.FAILED, ALREADY, 1), run(Outcome.PASSED, i=2)
    )
    verdict = decide([s], ALLOW)
    assert (verdict.passed, verdict.failing, verdict.not_counted) == (True, 0, 2)
    assert verdict.counts["failed"] == 2  # still shown as failing
    assert verdict.pass_rate == 100.0  # out of the rate's total too: 1 of 1 counted runs
    assert verdict.summary.endswith(
        "2 failing check runs not counted: already failing before this session "
        "(preexisting-failures: allow)."
    )


def test_flaky_new_and_no_history_always_count() -> None:
    runs = [
        run(Outcome.FAILED, FLAKY, 0),
        run(Outcome.FAILED, NEW, 1),
        run(Outcome.FAILED, no_history("no earlier runs"), 2),
        run(Outcome.FAILED, None, 3),
        run(Outcome.FAILED, ALREADY, 4),
    ]
    verdict = decide([session(*runs)], ALLOW)
    assert (verdict.failing, verdict.not_counted) == (4, 1)
    assert verdict.reasons == ("4 failing check runs, at most 0 allowed (max-failures)",)
    assert verdict.pass_rate == 0.0  # 0 of the 4 counted runs passed


def test_allow_changes_the_pass_rate_and_max_failures_together() -> None:
    runs = [run(Outcome.FAILED, ALREADY, 0), run(Outcome.FAILED, NEW, 1), run(Outcome.PASSED, i=2)]
    runs += [run(Outcome.PASSED, i=3)]
    rated = Thresholds(max_failures=5, min_pass_rate=60)
    assert not decide([session(*runs)], rated).passed  # 2 of 4 failing: 50 %
    allowed = Thresholds(max_failures=5, min_pass_rate=60, allow_preexisting=True)
    verdict = decide([session(*runs)], allowed)
    assert verdict.passed  # 1 of 3 counted failing: 66.7 %
    assert round(verdict.pass_rate, 1) == 66.7


def test_a_degraded_already_failing_run_is_left_out_only_when_it_fails() -> None:
    degraded = run(Outcome.DEGRADED, ALREADY)
    assert decide([session(degraded, own=Outcome.DEGRADED)], ALLOW).not_counted == 0
    failing_degraded = Thresholds(
        fail_on=frozenset({Outcome.DEGRADED, Outcome.FAILED}), allow_preexisting=True
    )
    verdict = decide([session(degraded, own=Outcome.DEGRADED)], failing_degraded)
    assert (verdict.failing, verdict.not_counted, verdict.passed) == (0, 1, True)


def test_red_session_rule_still_counts_a_red_session_without_a_failing_run() -> None:
    red = session(run(Outcome.PASSED, i=0), own=Outcome.FAILED)
    for thresholds in (Thresholds(), ALLOW):
        verdict = decide([red], thresholds)
        assert (verdict.failing, verdict.hidden_red_sessions, verdict.passed) == (1, 1, False)


def test_a_red_session_whose_failures_were_all_left_out_is_not_counted_again() -> None:
    """Its runs are failing (and shown so); allow leaves them out; the session is not a
    red session without a failing run, so nothing is added back."""
    red = session(run(Outcome.FAILED, ALREADY), run(Outcome.PASSED, i=1), own=Outcome.FAILED)
    verdict = decide([red], ALLOW)
    assert (verdict.failing, verdict.hidden_red_sessions, verdict.not_counted) == (0, 0, 1)
    assert verdict.passed
    plain = decide([red], Thresholds())
    assert (plain.failing, plain.hidden_red_sessions, plain.passed) == (1, 0, False)


def test_every_run_left_out_leaves_a_full_pass_rate() -> None:
    verdict = decide([session(run(Outcome.FAILED, ALREADY))], ALLOW)
    assert (verdict.total, verdict.pass_rate, verdict.passed) == (1, 100.0, True)
    assert Label.ALREADY_FAILING.value == "already failing"
