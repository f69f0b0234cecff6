"""Triage in the template context (SPEC §9): each run's label and evidence, each error group's
age, and the "Why" section's runs grouped by label, new failures first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from gate.core.model import CheckRun
from gate.core.triage import LABEL_ORDER, LABEL_TITLES, GroupAge, Label
from gate.core.verdict import Thresholds, not_counted, not_counted_text


@dataclasses.dataclass(frozen=True, slots=True)
class TriageView:
    """Where a failing (or degraded) run stands: `run.triage`."""

    label: str  # "new", "flaky", "already failing", "no history"
    evidence: str  # "failed 2 of its last 10 runs", "no history fetched", ...
    text: str  # "flaky: failed 2 of its last 10 runs"
    earlier_runs: int
    earlier_failures: int
    not_counted: bool  # left out of the thresholds (gate.core.policy)
    not_counted_why: str | None  # why, in plain words ("non-blocking (non-blocking-tags: q)")
    not_counted_text: str | None  # "not counted", or "non-blocking, not counted"
    also_failing_on: str | None  # "also failing on main" (SPEC §11)
    also_failing_link: str | None  # the base branch's session


@dataclasses.dataclass(frozen=True, slots=True)
class AgeView:
    """An error group's age: `run.group_age`, `group.age`."""

    new: bool
    text: str  # "new error" or "known since 2026-11-28 (last seen 2026-12-01)"
    first_seen: str | None  # ISO 8601 (a date or a date-time, as Checkly gave it)
    last_seen: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class TriageSection:
    """One part of the "Why" section: the shown runs with one label."""

    label: str
    title: str  # "New in this run", "Flaky", "Already failing before this run", "No history"
    runs: tuple[Any, ...]  # RunView
    count: int
    error_groups: tuple[Any, ...]  # GroupView, of these runs only
    ungrouped_runs: tuple[Any, ...]
    next_step: str = ""  # what to do about these runs, in plain words


SESSIONS = "sessions"  # the section of sessions with no check run to judge (not a label)
NEXT_STEPS = {
    "new": "Next: open each run above; these checks passed before this session, so the change "
    "under test is the first suspect.",
    "flaky": "Next: open the check's recent runs in Checkly (its page lists them) to see the "
    "pattern; a re-run may pass.",
    "already failing": "Next: these checks were failing before this session too; fix them where "
    "they broke, or set `preexisting-failures: allow` to leave them out of the thresholds.",
    "no history": "Next: open each run above; there are no earlier runs to compare with.",
    SESSIONS: "Next: open the session in Checkly; the reason is in its row below.",
}


def triage_view(run: CheckRun, thresholds: Thresholds) -> TriageView | None:
    if run.triage is None:
        return None
    t = run.triage
    return TriageView(
        label=t.label.value,
        evidence=t.evidence,
        text=t.text,
        earlier_runs=t.earlier_runs,
        earlier_failures=t.earlier_failures,
        not_counted=not_counted(run, thresholds),
        not_counted_why=(why := not_counted_text(run, thresholds)),
        not_counted_text=None
        if why is None
        else "non-blocking, not counted"
        if why.startswith("non-blocking")
        else "not counted",
        also_failing_on=run.base_failure.text if run.base_failure else None,
        also_failing_link=run.base_failure.link if run.base_failure else None,
    )


def age_view(age: GroupAge | None, session_start: datetime | None) -> AgeView | None:
    text = age.text(session_start) if age is not None else None
    if age is None or text is None:
        return None
    return AgeView(
        new=bool(age.is_new(session_start)),
        text=text,
        first_seen=_iso(age.first_seen),
        last_seen=_iso(age.last_seen),
    )


def sections(
    runs: Sequence[Any], make_groups: Callable[[Sequence[Any]], tuple[Any, ...]]
) -> tuple[TriageSection, ...]:
    """The shown runs by label (new first; runs without a label count as no history), then the
    sessions that had no check run to judge (an unreadable or unfinished session)."""
    out = []
    titles = [(label.value, LABEL_TITLES[label]) for label in LABEL_ORDER]
    for label, title in [*titles, (SESSIONS, "Sessions with no check run to judge")]:
        mine = tuple(r for r in runs if _label(r) == label)
        if not mine:
            continue
        out.append(
            TriageSection(
                label=label,
                title=title,
                runs=mine,
                count=len(mine),
                error_groups=make_groups(mine),
                ungrouped_runs=tuple(r for r in mine if not r.error_group),
                next_step=NEXT_STEPS.get(label, ""),
            )
        )
    return tuple(out)


def label_counts(runs: Sequence[CheckRun]) -> dict[str, int]:
    """Label → how many runs have it (every label present)."""
    counts = {label.value: 0 for label in LABEL_ORDER}
    for run in runs:
        if run.triage is not None:
            counts[run.triage.label.value] += 1
    return counts


def _label(run: Any) -> str:
    if getattr(run, "stands_for_session", False):
        return SESSIONS
    return run.triage.label if run.triage is not None else Label.NO_HISTORY.value


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None
