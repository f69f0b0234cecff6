"""The template context's header parts: the verdict, the thresholds, where the run came from
(`meta`) and the PR comment's history rows. Pure views of the report model."""

from __future__ import annotations

from typing import Any

from gate.core.model import Outcome
from gate.core.verdict import Verdict
from gate.reports.report import Report, RunInfo
from gate.runner.comment_history import HistoryEntry

OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome)


def verdict_view(report: Report) -> dict[str, Any]:
    verdict = report.verdict
    return {
        "result": report.result,
        "passed": report.passed,
        "judged": report.judged,
        "no_verdict_reason": report.no_verdict_reason,
        "no_verdict_hint": report.no_verdict_hint,
        "icon": ("✅" if verdict.passed else "❌") if report.judged else "⛔",
        "summary": report.summary,
        "reasons": tuple(verdict.reasons),
        "total": verdict.total,
        "failing": verdict.failing,
        "passed_count": verdict.passed_count,
        "degraded_count": verdict.degraded_count,
        "counts": {o: verdict.counts.get(o, 0) for o in OUTCOMES},
        "pass_rate": verdict.pass_rate,
        "hidden_red_sessions": verdict.hidden_red_sessions,
        "not_counted": verdict.not_counted,
        "not_counted_note": verdict.not_counted_note,
        "not_counted_by": dict(verdict.not_counted_by),
        "passed_on_retry": sum(s.passed_on_retry for s in report.sessions),
    }


def thresholds_view(verdict: Verdict) -> dict[str, Any]:
    t = verdict.thresholds
    return {
        "fail_on": tuple(o for o in OUTCOMES if Outcome(o) in t.fail_on),
        "max_failures": t.max_failures,
        "min_pass_rate": t.min_pass_rate,
        "preexisting_failures": "allow" if t.allow_preexisting else "fail",
        "flaky_failures": "allow" if t.allow_flaky else "fail",
        "non_blocking_tags": t.non_blocking_tags,
        "non_blocking_check_ids": tuple(sorted(t.non_blocking_check_ids)),
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
