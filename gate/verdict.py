"""The verdict (SPEC §4): a pure function of the sessions and the user's thresholds."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence

from gate.model import CheckRun, Outcome, Session

DEFAULT_FAIL_ON: frozenset[Outcome] = frozenset(
    {Outcome.FAILED, Outcome.TIMED_OUT, Outcome.CANCELLED, Outcome.INCOMPLETE, Outcome.ERROR}
)


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """What makes the gate fail: `fail-on`, `max-failures`, `min-pass-rate`."""

    fail_on: frozenset[Outcome] = DEFAULT_FAIL_ON
    max_failures: int = 0
    min_pass_rate: float = 0.0


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The decision and the counts behind it."""

    passed: bool
    total: int
    failing: int
    hidden_red_sessions: int
    counts: dict[str, int]
    pass_rate: float
    reasons: tuple[str, ...]
    thresholds: Thresholds

    @property
    def result(self) -> str:
        return "passed" if self.passed else "failed"

    @property
    def passed_count(self) -> int:
        return self.counts.get(Outcome.PASSED.value, 0)

    @property
    def degraded_count(self) -> int:
        return self.counts.get(Outcome.DEGRADED.value, 0)

    @property
    def summary(self) -> str:
        """The verdict and why, in plain words."""
        if self.passed:
            head = "Gate passed"
            why = (
                f"{self.failing} failing check run(s), {self.thresholds.max_failures} allowed"
                if self.failing
                else "no failing check runs"
            )
            return f"{head}: {why} ({self.total} check runs, pass rate {self.pass_rate:.1f}%)."
        return "Gate failed: " + "; ".join(self.reasons) + "."


def is_failing(outcome: Outcome, thresholds: Thresholds) -> bool:
    return outcome in thresholds.fail_on


def needs_explaining(run: CheckRun, thresholds: Thresholds) -> bool:
    """Failing runs (by fail-on) and degraded ones get a reason; passed runs never do."""
    return run.outcome in thresholds.fail_on or run.outcome is Outcome.DEGRADED


def hides_red_session(session: Session, thresholds: Thresholds) -> bool:
    """The session itself is failing but none of its runs is: it counts as one more failing
    run (never hide a red session, SPEC §4)."""
    return is_failing(session.outcome, thresholds) and not any(
        is_failing(run.outcome, thresholds) for run in session.runs
    )


def decide(
    sessions: Sequence[Session], thresholds: Thresholds, *, also_failing: Sequence[str] = ()
) -> Verdict:
    """Count check runs and apply the thresholds of SPEC §4. `also_failing`: reasons the gate
    fails whatever the runs did (a trigger that matched no check, SPEC §8)."""
    counts: Counter[str] = Counter()
    failing = 0
    hidden = 0
    total = 0
    for session in sessions:
        session_failing = 0
        for run in session.runs:
            total += 1
            counts[run.outcome.value] += 1
            if is_failing(run.outcome, thresholds):
                session_failing += 1
        if hides_red_session(session, thresholds):
            hidden += 1
            session_failing = 1
        failing += session_failing
    non_failing = max(total - failing, 0)
    pass_rate = 100.0 * non_failing / total if total else 100.0
    reasons: list[str] = []
    if failing > thresholds.max_failures:
        reasons.append(
            f"{failing} failing check run{'s' if failing != 1 else ''} "
            f"({_outcome_list(counts, thresholds, hidden)}), "
            f"at most {thresholds.max_failures} allowed (max-failures)"
        )
    if pass_rate < thresholds.min_pass_rate:
        reasons.append(
            f"pass rate {pass_rate:.1f}% is below the required "
            f"{thresholds.min_pass_rate:g}% (min-pass-rate)"
        )
    reasons += also_failing
    return Verdict(
        passed=not reasons,
        total=total,
        failing=failing,
        hidden_red_sessions=hidden,
        counts=dict(counts),
        pass_rate=pass_rate,
        reasons=tuple(reasons),
        thresholds=thresholds,
    )


def _outcome_list(counts: Counter[str], thresholds: Thresholds, hidden: int) -> str:
    parts = [
        f"{counts[o.value]} {o.value}"
        for o in Outcome
        if o in thresholds.fail_on and counts.get(o.value)
    ]
    if hidden:
        parts.append(f"{hidden} red session{'s' if hidden != 1 else ''} without a failing run")
    return ", ".join(parts)
