"""Which checks a re-run attempt triggers again (SPEC §11): `gate.core.rerun.plan_rerun`."""

from __future__ import annotations

from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.rerun import Attempt, plan_rerun
from gate.core.verdict import DEFAULT_FAIL_ON, Thresholds

THRESHOLDS = Thresholds(DEFAULT_FAIL_ON, 0, 0.0)


def run(check: str | None, outcome: Outcome, location: str = "eu-west-1") -> CheckRun:
    return CheckRun(f"r-{check}-{location}", f"check {check}", outcome, check_id=check,
                    location=location, link=f"https://app/{check}")  # fmt: skip


def session(number: int, *runs: CheckRun, outcome: Outcome = Outcome.FAILED) -> Attempt:
    return Attempt(number, Session(SessionKind.TEST, f"s{number}", outcome, f"job #1.{number}",
                                   runs=runs, status=outcome.name))  # fmt: skip


def test_the_latest_run_of_each_check_decides() -> None:
    first = session(1, run("a", Outcome.PASSED), run("b", Outcome.FAILED),
                    run("c", Outcome.FAILED), run("d", Outcome.DEGRADED))  # fmt: skip
    second = session(2, run("b", Outcome.PASSED), run("c", Outcome.TIMED_OUT))
    plan = plan_rerun([second, first], THRESHOLDS)  # any order
    assert plan.run_all is None
    assert plan.check_ids == ("c",)
    assert [(s.id, [r.check_id for r in s.runs]) for s in plan.carried] == [
        ("s1", ["a", "d"]),
        ("s2", ["b"]),
    ]
    reasons = {r.check_id: r.reason for s in plan.carried for r in s.runs}
    assert reasons == {
        "a": "passed (attempt 1)",
        "d": "degraded (attempt 1)",
        "b": "passed (attempt 2)",
    }
    assert plan.carried[0].outcome is Outcome.DEGRADED and plan.carried[1].outcome is Outcome.PASSED
    assert plan.carried[1].name == "job #1.2 (attempt 2)"


def test_a_check_failing_in_one_location_runs_again() -> None:
    plan = plan_rerun([session(1, run("a", Outcome.PASSED, "eu"), run("a", Outcome.FAILED, "us"),
                                  run("b", Outcome.PASSED))], THRESHOLDS)  # fmt: skip
    assert plan.check_ids == ("a",) and plan.carried_count == 1


def test_degraded_runs_again_when_fail_on_has_it() -> None:
    strict = Thresholds(DEFAULT_FAIL_ON | {Outcome.DEGRADED}, 0, 0.0)
    plan = plan_rerun([session(1, run("a", Outcome.DEGRADED), run("b", Outcome.PASSED))], strict)
    assert plan.check_ids == ("a",)


def test_everything_runs_when_there_is_nothing_to_go_on() -> None:
    assert plan_rerun([], THRESHOLDS).run_all == (
        "no test session of an earlier attempt of this job was found"
    )
    green = plan_rerun([session(1, run("a", Outcome.PASSED), outcome=Outcome.PASSED)], THRESHOLDS)
    assert green.run_all == "no check's latest run in attempt 1 failed"
    standing_in = CheckRun("s1", "job", Outcome.CANCELLED, stands_for_session=True)
    whole = plan_rerun([session(1, standing_in, outcome=Outcome.CANCELLED)], THRESHOLDS)
    assert whole.run_all == (
        "the test session of attempt 1 failed as a whole (CANCELLED, no failing check to run again)"
    )
    red = plan_rerun([session(1, run("a", Outcome.PASSED))], THRESHOLDS)  # FAILED, no run failed
    assert red.run_all is not None and "failed as a whole" in red.run_all
    unreadable = plan_rerun([session(1, run("a", Outcome.FAILED), outcome=Outcome.ERROR)],
                            THRESHOLDS)  # fmt: skip
    assert unreadable.run_all is not None and "failed as a whole" in unreadable.run_all
    anonymous = plan_rerun([session(1, run(None, Outcome.FAILED))], THRESHOLDS)
    assert (
        anonymous.run_all
        == 'a failing run of attempt 1 ("check None") has no check ID to trigger it by'
    )
