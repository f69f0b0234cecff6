"""Re-run only what failed (SPEC §11): which checks a re-run attempt triggers again.

A pure decision over the earlier attempts' test sessions of the same job (oldest first, each
with its attempt number): per check (`checkId`), its latest run in those attempts decides. A
check whose latest run counted as failing (§4, the thresholds' `fail-on`) runs again; the
others are carried into the reports as they ended (`passed (attempt N)`), with their links,
and count as they did. Everything runs, with the reason, when there is nothing to go on: no
earlier session, one that failed as a whole (no failing run to retarget: cancelled before any
result, unreadable, still running), a failing run without a check ID, or no failing check.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from gate.core.model import CheckRun, Outcome, Session
from gate.core.verdict import Thresholds, hides_red_session, is_failing

_UNUSABLE = frozenset({Outcome.ERROR, Outcome.INCOMPLETE})


@dataclasses.dataclass(frozen=True)
class Attempt:
    """One earlier attempt's test session."""

    number: int
    session: Session


@dataclasses.dataclass(frozen=True)
class RerunPlan:
    """What this attempt triggers: `check_ids` only, or everything (`run_all` says why)."""

    check_ids: tuple[str, ...] = ()
    carried: tuple[Session, ...] = ()  # the passing runs of earlier attempts, one per session
    run_all: str | None = None

    @property
    def carried_count(self) -> int:
        return sum(len(s.runs) for s in self.carried)


def plan_rerun(attempts: Sequence[Attempt], thresholds: Thresholds) -> RerunPlan:
    """The checks to trigger again, and the runs carried over (see the module docstring)."""
    if not attempts:
        return RerunPlan(run_all="no test session of an earlier attempt of this job was found")
    latest: dict[str, tuple[Attempt, list[CheckRun]]] = {}
    for attempt in sorted(attempts, key=lambda a: a.number):
        session = attempt.session
        standing_in = all(r.stands_for_session for r in session.runs)  # no result at all
        whole = standing_in and is_failing(session.outcome, thresholds)
        if session.outcome in _UNUSABLE or whole or hides_red_session(session, thresholds):
            status = (session.status or session.outcome.value).upper()
            return RerunPlan(
                run_all=f"the test session of attempt {attempt.number} failed as a whole "
                f"({status}, no failing check to run again)"
            )
        runs: dict[str, list[CheckRun]] = {}
        for run in session.runs:
            if run.check_id is None:
                if is_failing(run.outcome, thresholds):
                    return RerunPlan(
                        run_all=f'a failing run of attempt {attempt.number} ("{run.name}") has '
                        "no check ID to trigger it by"
                    )
                continue
            runs.setdefault(run.check_id.lower(), []).append(run)
        for check_id, check_runs in runs.items():
            latest[check_id] = (attempt, check_runs)
    failing = [
        cid
        for cid, (_, runs) in latest.items()
        if any(is_failing(r.outcome, thresholds) for r in runs)
    ]
    if not failing:
        numbers = ", ".join(str(a.number) for a in sorted(attempts, key=lambda a: a.number))
        return RerunPlan(run_all=f"no check's latest run in attempt {numbers} failed")
    return RerunPlan(tuple(failing), _carried(latest, set(failing)))


def _carried(
    latest: dict[str, tuple[Attempt, list[CheckRun]]], failing: set[str]
) -> tuple[Session, ...]:
    """The passing checks' runs, grouped by the session they ran in, oldest attempt first."""
    by_attempt: dict[int, tuple[Attempt, list[CheckRun]]] = {}
    for cid, (attempt, runs) in latest.items():
        if cid in failing:
            continue
        kept = [
            dataclasses.replace(r, reason=f"{r.outcome.value} (attempt {attempt.number})")
            for r in runs
        ]
        by_attempt.setdefault(attempt.number, (attempt, []))[1].extend(kept)
    carried = []
    for number in sorted(by_attempt):
        attempt, runs = by_attempt[number]
        session = attempt.session
        checks = len({r.check_id for r in runs})
        outcome = (
            Outcome.DEGRADED
            if any(r.outcome is Outcome.DEGRADED for r in runs)
            else (Outcome.PASSED)
        )
        carried.append(
            dataclasses.replace(
                session,
                outcome=outcome,
                name=f"{session.title} (attempt {number})",
                runs=tuple(runs),
                status=None,  # a part of that session: its own status says nothing of it
                note=f"passed (attempt {number}): {checks} check{'s' if checks != 1 else ''} "
                "carried over, not run again (rerun: failed)",
                error_group_ids=(),
            )
        )
    return tuple(carried)
