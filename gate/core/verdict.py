"""The verdict (SPEC §4): a pure function of the sessions and the user's thresholds."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence

from gate.core.model import CheckRun, Outcome, Session
from gate.core.policy import Why, note, why_not_counted, why_text

DEFAULT_FAIL_ON: frozenset[Outcome] = frozenset(
    {
        Outcome.FAILED,
        Outcome.TIMED_OUT,
        Outcome.CANCELLED,
        Outcome.INCOMPLETE,
        Outcome.ERROR,
        Outcome.MISSING,
    }
)


NOT_COUNTED = "already failing before this session (preexisting-failures: allow)"


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """What makes the gate fail: `fail-on`, `max-failures`, `min-pass-rate`."""

    fail_on: frozenset[Outcome] = DEFAULT_FAIL_ON
    max_failures: int = 0
    min_pass_rate: float = 0.0
    allow_preexisting: bool = False  # preexisting-failures: allow (SPEC §9)
    allow_flaky: bool = False  # flaky-failures: allow (SPEC §11)
    non_blocking_check_ids: frozenset[str] = frozenset()  # lower-case (SPEC §11)
    non_blocking_tags: tuple[str, ...] = ()  # SPEC §11: resolved to runs by gate.run


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
    not_counted: int = 0  # failing runs left out of the thresholds (gate.core.policy)
    not_counted_by: dict[str, int] = dataclasses.field(default_factory=dict)  # Why → runs
    not_counted_note: str | None = None  # how many and why, in plain words

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
    def ignored_note(self) -> str | None:
        """Runs whose outcome fails by default but is left out of `fail-on`, in plain words:
        `5 failed, not counted (fail-on: none)` (None: there are none)."""
        parts = [
            f"{self.counts[o.value]} {o.value}"
            for o in Outcome
            if o in DEFAULT_FAIL_ON
            and o not in self.thresholds.fail_on
            and self.counts.get(o.value)
        ]
        why = "fail-on: none" if not self.thresholds.fail_on else "not in fail-on"
        return f"{', '.join(parts)}, not counted ({why})" if parts else None

    @property
    def summary(self) -> str:
        """The verdict and why, in plain words."""
        note = (
            f" {self.not_counted_note[0].upper()}{self.not_counted_note[1:]}."
            if self.not_counted_note
            else ""
        )
        if self.passed:
            head = "Gate passed"
            runs = "check run" if self.failing == 1 else "check runs"
            why = (
                f"{self.failing} failing {runs}, {self.thresholds.max_failures} allowed"
                if self.failing
                else "no failing check runs"
            )
            total = f"{self.total} check run{'s' if self.total != 1 else ''}"
            note += f" {self.ignored_note}." if self.ignored_note else ""
            return f"{head}: {why} ({total}, pass rate {self.pass_rate:.1f}%).{note}"
        return "Gate failed: " + "; ".join(self.reasons) + "." + note


def is_failing(outcome: Outcome, thresholds: Thresholds) -> bool:
    return outcome in thresholds.fail_on


ALWAYS_EXPLAINED = frozenset({Outcome.FAILED, Outcome.TIMED_OUT, Outcome.ERROR, Outcome.DEGRADED})


def needs_explaining(run: CheckRun, thresholds: Thresholds) -> bool:
    """Failing runs (by fail-on), and failed, timed-out, errored and degraded ones whatever
    fail-on says (`fail-on: none` reports without failing, it still says why), get a reason;
    passed runs never do."""
    return run.outcome in thresholds.fail_on or run.outcome in ALWAYS_EXPLAINED


def hides_red_session(session: Session, thresholds: Thresholds) -> bool:
    """The session itself is failing but none of its runs is: it counts as one more failing
    run (never hide a red session, SPEC §4)."""
    return is_failing(session.outcome, thresholds) and not any(
        is_failing(run.outcome, thresholds) for run in session.runs
    )


def not_counted(run: CheckRun, thresholds: Thresholds) -> bool:
    """A failing run left out of the thresholds (gate.core.policy); still shown as failing."""
    return why_not_counted(run, thresholds) is not None


def not_counted_text(run: CheckRun, thresholds: Thresholds) -> str | None:
    """Why this run is not counted, in plain words (None: it counts)."""
    why = why_not_counted(run, thresholds)
    return why_text(why, run) if why is not None else None


def decide(
    sessions: Sequence[Session], thresholds: Thresholds, *, also_failing: Sequence[str] = ()
) -> Verdict:
    """Count check runs and apply the thresholds of SPEC §4 (and the allowances of §9, §11).
    `also_failing`: reasons the gate fails whatever the runs did (a trigger that matched no
    check, SPEC §8).

    A run not counted is out of the thresholds altogether: neither failing nor in the pass
    rate's total. It still makes its session's failing runs non-empty, so the red-session
    rule does not count that session again.
    """
    counts: Counter[str] = Counter()
    failing = 0
    hidden = 0
    total = 0
    left_out = 0
    counted: Counter[str] = Counter()  # the failing runs that count, by outcome
    left: dict[Why, int] = {}
    sources: dict[Why, set[str]] = {}
    for session in sessions:
        session_failing = 0
        for run in session.runs:
            total += 1
            counts[run.outcome.value] += 1
            why = why_not_counted(run, thresholds)
            if why is not None:
                left_out += 1
                left[why] = left.get(why, 0) + 1
                sources.setdefault(why, set()).add(why_text(why, run))
            elif is_failing(run.outcome, thresholds):
                session_failing += 1
                counted[run.outcome.value] += 1
        if hides_red_session(session, thresholds):
            hidden += 1
            session_failing = 1
        failing += session_failing
    judged = total - left_out
    non_failing = max(judged - failing, 0)
    pass_rate = 100.0 * non_failing / judged if judged else 100.0
    reasons: list[str] = []
    if failing > thresholds.max_failures:
        which = _outcome_list(counted, thresholds, hidden)
        which = "" if which == f"{failing} failed" else f" ({which})"  # not "7 (7 failed)"
        reasons.append(
            f"{failing} failing check run{'s' if failing != 1 else ''}{which}, "
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
        not_counted=left_out,
        not_counted_by={why.value: count for why, count in left.items()},
        not_counted_note=note(left, {w: _example(w, sources[w]) for w in left}),
    )


def _example(why: Why, texts: set[str]) -> str:
    """One reason's words for the note: the run's own when all runs share it."""
    if len(texts) == 1:
        return next(iter(texts))
    if why is Why.NON_BLOCKING:
        options = sorted({t.split("(", 1)[1].split(":")[0].rstrip(")") for t in texts})
        return f"non-blocking ({', '.join(options)})"
    return why_text(why)


def _outcome_list(counts: Counter[str], thresholds: Thresholds, hidden: int) -> str:
    parts = [
        f"{counts[o.value]} {o.value}"
        for o in Outcome
        if o in thresholds.fail_on and counts.get(o.value)
    ]
    if hidden:
        parts.append(f"{hidden} red session{'s' if hidden != 1 else ''} without a failing run")
    return ", ".join(parts)
