"""The template context: the report as plain, frozen view objects (a documented public API).

`build_context()` turns a `Report` into the values a template sees (see docs, "Template
context"). A `Plan` says how much of it to show: every run, or passed runs collapsed into counts,
passed sessions collapsed, and the non-passed runs cut to a number shared fairly between the
sessions. `gate.reports.templating` picks the plan that fits the size limit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from gate.core.model import CheckRun, Outcome, Session
from gate.core.verdict import Thresholds, hides_red_session
from gate.reports.evidence_view import (
    EvidenceView,
    RootCauseView,
    assets_context,
    evidence_view,
)
from gate.reports.fitting import Plan, share_quotas
from gate.reports.header_view import (
    OUTCOMES,
    history_view,
    meta_view,
    thresholds_view,
    verdict_view,
)
from gate.reports.md_filters import OUTCOME_ICONS
from gate.reports.report import Report
from gate.reports.triage_view import (
    AgeView,
    TriageView,
    age_view,
    label_counts,
    sections,
    triage_view,
)
from gate.runner.comment_history import HistoryEntry

HANDFUL = 5  # more sessions than this: failing first, the per-session tables beyond it collapsed


@dataclasses.dataclass(frozen=True, slots=True)
class RunView:
    """One check run as a template sees it."""

    result_id: str
    name: str
    outcome: str
    failing: bool
    check_type: str | None
    check_id: str | None
    location: str | None
    link: str | None
    response_time_ms: float | None
    duration_s: float | None
    time_s: float | None
    retries: int
    reason: str | None
    error_group: str | None
    error_group_ids: tuple[str, ...]
    explanation: str | None
    triage: TriageView | None  # SPEC §9: label and evidence (failing and degraded runs)
    group_age: AgeView | None  # its error group's age
    passed_on_retry: int | None  # N: passed on its Nth retry
    evidence: EvidenceView | None  # SPEC §10: assets, saved files, Playwright tests, root cause
    stands_for_session: bool
    session_id: str
    session_name: str
    session_kind: str
    session_link: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class SessionView:
    """One session; `shown_runs` is what fits, `runs` is everything."""

    id: str
    kind: str
    kind_label: str
    name: str
    link: str | None
    outcome: str
    failing: bool
    status: str | None
    note: str | None
    attempts: int
    started_at: str | None
    elapsed_s: float | None
    total: int
    counts: Mapping[str, int]
    failing_count: int
    runs: tuple[RunView, ...]
    shown_runs: tuple[RunView, ...]
    failing_runs: tuple[RunView, ...]
    collapsed_count: int
    cut_count: int
    compact: bool
    red_without_failing_run: bool  # counts as one failing run (SPEC §4: never hide a red session)


@dataclasses.dataclass(frozen=True, slots=True)
class GroupView:
    """Shown non-passed runs that share an error group, under the group's cleaned message."""

    message: str
    runs: tuple[RunView, ...]
    count: int
    kind: str  # the family: "test" (test-session groups) or "check" (check-result groups)
    id: str | None  # the group's ID (none when Checkly gave a message without one)
    age: AgeView | None  # "new error" / "known since …", from its first run
    root_cause: RootCauseView | None = None  # SPEC §10: the first analysis among its runs


def build_context(
    report: Report,
    plan: Plan | None = None,
    *,
    report_kind: str = "summary",
    marker: str = "",
    history: Sequence[HistoryEntry] = (),
) -> dict[str, Any]:
    """The template context of `report` under `plan` (default: show everything)."""
    plan = plan or Plan()
    thresholds = report.verdict.thresholds
    fail_on = {o.value for o in thresholds.fail_on}
    start = report.run.started_at
    all_runs = [[_run_view(s, r, thresholds, start) for r in s.runs] for s in report.sessions]
    problems = [[r for r in runs if r.outcome != "passed"] for runs in all_runs]
    shares = share_quotas([len(p) for p in problems], plan.keep_failing)
    sessions = tuple(
        _session_view(
            s,
            runs=runs,
            kept=probs[:quota],
            cut=len(probs) - quota,
            plan=plan,
            fail_on=fail_on,
            thresholds=report.verdict.thresholds,
        )
        for s, runs, probs, quota in zip(report.sessions, all_runs, problems, shares, strict=True)
    )
    shown = [r for s in sessions for r in s.failing_runs]
    total_problems = sum(len(p) for p in problems)
    cut = total_problems - len(shown)
    return {
        "report_kind": report_kind,
        "marker": marker,
        "comment_key": report.comment_key,
        "verdict": verdict_view(report),
        "thresholds": thresholds_view(report.verdict),
        "sessions": sessions,
        "ordered_sessions": _failing_first(sessions) if len(sessions) > HANDFUL else sessions,
        "detail_limit": HANDFUL,
        "failing_runs": tuple(shown),
        "failing_total": total_problems,
        "failing_cut": cut,
        "error_groups": _groups(shown),
        "ungrouped_failing_runs": tuple(r for r in shown if not r.error_group),
        "triage": sections([r for r in shown if not _said_above(r, report)], _groups),
        "label_counts": label_counts([r for s in report.sessions for r in s.runs]),
        "red_sessions": tuple(s for s in sessions if s.red_without_failing_run),
        "collapsed": plan.collapse_passed_runs or plan.compact_sessions != "none",
        "cut_note": _cut_note(cut, report_kind),
        "warnings": tuple(report.warnings),
        "interrupted": report.interrupted,
        "meta": meta_view(report),
        "history": tuple(history_view(h, report.run) for h in history),
        "outcomes": OUTCOMES,
        "outcome_icons": dict(OUTCOME_ICONS),
        "assets": assets_context(report),
    }


def _failing_first(sessions: Sequence[SessionView]) -> tuple[SessionView, ...]:
    """Sessions with failing runs (or failing themselves) first, then the other non-passed ones,
    then the passed; each group in the order given."""

    def concern(session: SessionView) -> int:
        if session.failing or session.failing_count:
            return 0
        return 1 if session.outcome != "passed" else 2

    return tuple(sorted(sessions, key=concern))


def _group_key(run: RunView) -> tuple[str, str | None, str]:
    """One error group: the family (session kind) and the first group ID, whose message
    `gate.checkly.details` fetched; groups that clean to one message stay apart."""
    group_id = run.error_group_ids[0] if run.error_group_ids else None
    return (run.session_kind, group_id, "" if group_id else run.error_group or "")


def _groups(runs: Sequence[RunView]) -> tuple[GroupView, ...]:
    """The runs that share an error group, one entry per group, in the order first seen."""
    groups: dict[tuple[str, str | None, str], list[RunView]] = {}
    for run in runs:
        if run.error_group:
            groups.setdefault(_group_key(run), []).append(run)
    return tuple(
        GroupView(rs[0].error_group or "", tuple(rs), len(rs), k, i, rs[0].group_age, _cause(rs))
        for (k, i, _), rs in groups.items()
    )


def _cause(runs: Sequence[RunView]) -> RootCauseView | None:
    found = [r.evidence.root_cause for r in runs if r.evidence and r.evidence.root_cause]
    return next((c for c in found if c.state == "done"), found[0] if found else None)


def _run_view(session: Session, run: CheckRun, thresholds: Thresholds, start: datetime) -> RunView:
    # 0 is no measurement (a request that never got an answer): shown as a dash, not `0 ms`
    time_s = run.response_time_ms / 1000 if run.response_time_ms else (run.duration_s or None)
    return RunView(
        result_id=run.result_id,
        name=run.name,
        outcome=run.outcome.value,
        failing=run.outcome in thresholds.fail_on,
        check_type=run.check_type,
        check_id=run.check_id,
        location=run.location,
        link=run.link,
        response_time_ms=run.response_time_ms,
        duration_s=run.duration_s,
        time_s=time_s,
        retries=run.retries,
        reason=run.reason,
        error_group=run.error_group,
        error_group_ids=run.error_group_ids,
        explanation=run.reason or run.error_group,
        triage=None if run.stands_for_session else triage_view(run, thresholds),
        group_age=age_view(run.group_age, session.started_at or start),
        passed_on_retry=run.passed_on_retry,
        evidence=evidence_view(run),
        stands_for_session=run.stands_for_session,
        session_id=session.id,
        session_name=session.name or session.id,  # never "test session test session <id>"
        session_kind=session.kind.value,
        session_link=session.link,
    )


def _session_view(
    session: Session,
    *,
    runs: list[RunView],
    kept: list[RunView],
    cut: int,
    plan: Plan,
    fail_on: set[str],
    thresholds: Thresholds,
) -> SessionView:
    counts = {o: 0 for o in OUTCOMES}
    for run in runs:
        counts[run.outcome] += 1
    if plan.collapse_passed_runs or plan.keep_failing is not None:
        kept_ids = {id(r) for r in kept}
        shown = tuple(r for r in runs if id(r) in kept_ids)
    else:
        shown = tuple(runs)
    compact = plan.compact_sessions == "all" or (
        plan.compact_sessions == "passed" and not kept and session.outcome is Outcome.PASSED
    )
    return SessionView(
        id=session.id,
        kind=session.kind.value,
        kind_label=f"{session.kind.value} session",
        name=session.name or session.id,
        link=session.link,
        outcome=session.outcome.value,
        failing=session.outcome.value in fail_on,
        status=session.status,
        note=None if _note_is_the_row(session) else session.note,
        attempts=session.attempts,
        started_at=session.started_at.isoformat() if session.started_at else None,
        elapsed_s=session.elapsed_ms / 1000 if session.elapsed_ms is not None else None,
        total=len(runs),
        counts=counts,
        failing_count=sum(1 for r in runs if r.failing),
        runs=tuple(runs),
        shown_runs=() if compact else shown,
        failing_runs=tuple(kept),
        collapsed_count=len(runs) - (0 if compact else len(shown)) - cut,
        cut_count=cut,
        compact=compact,
        red_without_failing_run=hides_red_session(session, thresholds),
    )


def _note_is_the_row(session: Session) -> bool:
    """The session's note only repeats its one row's reason (an unreadable session)."""
    runs = session.runs
    return len(runs) == 1 and runs[0].stands_for_session and runs[0].reason == session.note


def _said_above(run: RunView, report: Report) -> bool:
    """A run whose reason is the no-verdict reason the header already gives."""
    return bool(report.no_verdict_reason) and run.explanation == report.no_verdict_reason


def _cut_note(cut: int, report_kind: str) -> str | None:
    if cut <= 0:
        return None
    where = "the job summary / Checkly" if report_kind == "comment" else "Checkly"
    return f"… and {cut} more failing run{'s' if cut != 1 else ''}: see {where}"
