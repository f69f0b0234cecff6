"""The template context: the report as plain, frozen view objects (a documented public API).

`build_context()` turns a `Report` into the values a template sees (see docs, "Template
context"). A `Plan` says how much of it to show: every run, or passed runs collapsed into counts,
passed sessions collapsed, and the non-passed runs cut to a number shared fairly between the
sessions. `gate.reports.templating` picks the plan that fits the size limit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from gate.model import CheckRun, Outcome, Session
from gate.reports.fitting import Plan, share_quotas
from gate.reports.md_filters import OUTCOME_ICONS
from gate.reports.report import Report, RunInfo
from gate.runner.comment_history import HistoryEntry
from gate.verdict import Thresholds, Verdict, hides_red_session

OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome)
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
    fail_on = {o.value for o in report.verdict.thresholds.fail_on}
    all_runs = [[_run_view(s, r, fail_on) for r in s.runs] for s in report.sessions]
    problems = [[r for r in runs if r.outcome != "passed"] for runs in all_runs]
    quotas = share_quotas([len(p) for p in problems], plan.keep_failing)
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
        for s, runs, probs, quota in zip(report.sessions, all_runs, problems, quotas, strict=True)
    )
    shown = [r for s in sessions for r in s.failing_runs]
    total_problems = sum(len(p) for p in problems)
    cut = total_problems - len(shown)
    groups: dict[tuple[str, str | None, str], list[RunView]] = {}
    for run in shown:
        if run.error_group:
            groups.setdefault(_group_key(run), []).append(run)
    return {
        "report_kind": report_kind,
        "marker": marker,
        "comment_key": report.comment_key,
        "verdict": verdict_view(report),
        "thresholds": _thresholds_view(report.verdict),
        "sessions": sessions,
        "ordered_sessions": _failing_first(sessions) if len(sessions) > HANDFUL else sessions,
        "detail_limit": HANDFUL,
        "failing_runs": tuple(shown),
        "failing_total": total_problems,
        "failing_cut": cut,
        "error_groups": tuple(
            GroupView(message=rs[0].error_group or "", runs=tuple(rs), count=len(rs), kind=k, id=i)
            for (k, i, _), rs in groups.items()
        ),
        "ungrouped_failing_runs": tuple(r for r in shown if not r.error_group),
        "red_sessions": tuple(s for s in sessions if s.red_without_failing_run),
        "collapsed": plan.collapse_passed_runs or plan.compact_sessions != "none",
        "cut_note": _cut_note(cut, report_kind),
        "warnings": tuple(report.warnings),
        "interrupted": report.interrupted,
        "meta": meta_view(report),
        "history": tuple(history_view(h, report.run) for h in history),
        "outcomes": OUTCOMES,
        "outcome_icons": dict(OUTCOME_ICONS),
    }


def _failing_first(sessions: Sequence[SessionView]) -> tuple[SessionView, ...]:
    """Sessions with failing runs (or failing themselves) first, then the other non-passed ones,
    then the passed; each group in the order given."""

    def concern(session: SessionView) -> int:
        if session.failing or session.failing_count:
            return 0
        return 1 if session.outcome != "passed" else 2

    return tuple(sorted(sessions, key=concern))


def verdict_view(report: Report) -> dict[str, Any]:
    verdict = report.verdict
    return {
        "result": verdict.result,
        "passed": verdict.passed,
        "judged": report.judged,
        "no_verdict_reason": report.no_verdict_reason,
        "icon": "✅" if verdict.passed else "❌",
        "summary": verdict.summary,
        "reasons": tuple(verdict.reasons),
        "total": verdict.total,
        "failing": verdict.failing,
        "passed_count": verdict.passed_count,
        "degraded_count": verdict.degraded_count,
        "counts": {o: verdict.counts.get(o, 0) for o in OUTCOMES},
        "pass_rate": verdict.pass_rate,
        "hidden_red_sessions": verdict.hidden_red_sessions,
    }


def _thresholds_view(verdict: Verdict) -> dict[str, Any]:
    t = verdict.thresholds
    return {
        "fail_on": tuple(o for o in OUTCOMES if Outcome(o) in t.fail_on),
        "max_failures": t.max_failures,
        "min_pass_rate": t.min_pass_rate,
    }


def meta_view(report: Report) -> dict[str, Any]:
    run = report.run
    commit_url = run.commit_url or (
        f"{run.server_url}/{run.repository}/commit/{run.sha}"
        if run.server_url and run.repository and run.sha
        else None
    )
    return {
        "gate_version": run.gate_version,
        "repository": run.repository,
        "commit": run.sha,
        "short_commit": run.sha[:7] if run.sha else None,
        "commit_url": commit_url,
        "ref": run.ref,
        "workflow": run.workflow,
        "job": run.job,
        "event": run.event,
        "run_id": run.run_id,
        "run_url": run.run_url,
        "server_url": run.server_url,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat(),
        "elapsed_s": max((run.finished_at - run.started_at).total_seconds(), 0.0),
    }


def history_view(entry: HistoryEntry, run: RunInfo | None = None) -> dict[str, Any]:
    """One earlier run of the PR comment's history: its commit linked as a commit (on the
    server of this run), its time and result linked to its workflow run."""
    server, repo = (run.server_url, run.repository) if run else (None, None)
    return {
        "time": entry.time,
        "result": entry.result,
        "icon": "✅" if entry.result == "passed" else "❌",
        "total": entry.total,
        "failing": entry.failing,
        "commit": entry.commit,
        "short_commit": entry.commit[:7] if entry.commit else None,
        "commit_url": f"{server}/{repo}/commit/{entry.commit}"
        if server and repo and entry.commit
        else None,
        "run_url": entry.run_url,
    }


def _group_key(run: RunView) -> tuple[str, str | None, str]:
    """One error group: the family (session kind) and the first group ID, whose message
    `gate.checkly.details` fetched; groups that clean to one message stay apart."""
    group_id = run.error_group_ids[0] if run.error_group_ids else None
    return (run.session_kind, group_id, "" if group_id else run.error_group or "")


def _run_view(session: Session, run: CheckRun, fail_on: set[str]) -> RunView:
    # 0 is no measurement (a request that never got an answer): shown as a dash, not `0 ms`
    time_s = run.response_time_ms / 1000 if run.response_time_ms else (run.duration_s or None)
    return RunView(
        result_id=run.result_id,
        name=run.name,
        outcome=run.outcome.value,
        failing=run.outcome.value in fail_on,
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
        stands_for_session=run.stands_for_session,
        session_id=session.id,
        session_name=session.title,
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
        name=session.title,
        link=session.link,
        outcome=session.outcome.value,
        failing=session.outcome.value in fail_on,
        status=session.status,
        note=session.note,
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


def _cut_note(cut: int, report_kind: str) -> str | None:
    if cut <= 0:
        return None
    where = "the job summary / Checkly" if report_kind == "comment" else "Checkly"
    return f"… and {cut} more failing run{'s' if cut != 1 else ''}: see {where}"
