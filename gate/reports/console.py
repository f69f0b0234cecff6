"""The console report and the annotations: plain words, one line per session and failing run."""

from __future__ import annotations

import json
from collections.abc import Mapping

from gate.model import CheckRun, Outcome, Session
from gate.reports.report import Report
from gate.runner.workflow import MAX_ANNOTATIONS, MAX_OUTPUT_BYTES, Runner, neutralize
from gate.verdict import is_failing, needs_explaining

LABEL = {
    Outcome.PASSED: "PASSED",
    Outcome.DEGRADED: "DEGRADED",
    Outcome.FAILED: "FAILED",
    Outcome.TIMED_OUT: "TIMED OUT",
    Outcome.CANCELLED: "CANCELLED",
    Outcome.INCOMPLETE: "INCOMPLETE",
    Outcome.ERROR: "ERROR",
}
MAX_FAILING_LINES = 200


def _run_where(run: CheckRun) -> str:
    parts = [p for p in (run.check_type, run.location) if p]
    return f" [{', '.join(parts)}]" if parts else ""


def session_line(session: Session, report: Report) -> str:
    thresholds = report.verdict.thresholds
    failing = sum(is_failing(r.outcome, thresholds) for r in session.runs)
    runs = len(session.runs)
    counts = f"{runs} check run{'s' if runs != 1 else ''}"
    if failing:
        counts += f", {failing} failing"
    link = f" {session.link}" if session.link else ""
    note = f" ({session.note})" if session.note else ""
    return neutralize(
        f"{LABEL[session.outcome]:<10} {session.kind.value} session "
        f'"{session.title}" {session.id}: {counts}{note}{link}'
    )


def run_line(run: CheckRun) -> str:
    reason = f": {run.reason}" if run.reason else ""
    link = f" {run.link}" if run.link and not run.stands_for_session else ""
    return neutralize(f'    {LABEL[run.outcome]:<10} "{run.name}"{_run_where(run)}{reason}{link}')


def print_report(report: Report, runner: Runner) -> None:
    """Sessions in the order given, each followed by its failing (and degraded) runs."""
    verdict = report.verdict
    runner.say(
        f"checkly-gate {report.run.gate_version}: {len(report.sessions)} session(s), "
        f"{verdict.total} check run(s)"
    )
    shown = 0
    hidden = 0
    for session in report.sessions:
        runner.say(session_line(session, report))
        for run in session.runs:
            if run.outcome is Outcome.PASSED or (
                run.stands_for_session and len(session.runs) == 1 and not run.reason
            ):
                continue
            if not needs_explaining(run, verdict.thresholds):
                continue
            if shown < MAX_FAILING_LINES:
                runner.say(run_line(run))
                shown += 1
            else:
                hidden += 1
    if hidden:
        runner.say(f"    ... and {hidden} more failing runs: see the reports")
    for warning in report.warnings:
        runner.say(neutralize(f"note: {warning}"))
    if report.no_verdict_reason:
        runner.say(neutralize(f"No verdict: {report.no_verdict_reason}. The gate fails."))
    else:
        runner.say(neutralize(verdict.summary))


def annotate(report: Report, runner: Runner) -> None:
    """One `::error` per failing run (`::warning` per degraded), at most 10 of each kind."""
    if not runner.github:
        return
    thresholds = report.verdict.thresholds
    errors = [(s, r) for s, r in report.runs if is_failing(r.outcome, thresholds)]
    warnings = [
        (s, r)
        for s, r in report.runs
        if r.outcome is Outcome.DEGRADED and not is_failing(r.outcome, thresholds)
    ]
    for kind, items in (("error", errors), ("warning", warnings)):
        keep = items if len(items) <= MAX_ANNOTATIONS else items[: MAX_ANNOTATIONS - 1]
        for session, run in keep:
            title = f"{run.name} ({LABEL[run.outcome].lower()})"
            where = _run_where(run).strip(" []")
            text = f"{run.reason or LABEL[run.outcome].capitalize()}"
            text += f"\nSession: {session.title}" + (f"\nWhere: {where}" if where else "")
            if run.link:
                text += f"\n{run.link}"
            runner.command(kind, text, title=title)
        rest = len(items) - len(keep)
        if rest:
            noun = "failing" if kind == "error" else "degraded"
            runner.command(
                kind,
                f"... and {rest} more {noun} check runs: see the job summary.",
                title=f"{rest} more {noun} check runs",
            )


def outputs(report: Report, comment_url: str | None, json_file: str | None) -> dict[str, str]:
    """The step outputs of SPEC §5, each under 64 KiB."""
    verdict = report.verdict
    sessions: list[Mapping[str, str | None]] = [
        {
            "id": s.id,
            "kind": s.kind.value,
            "name": s.name,
            "outcome": s.outcome.value,
            "link": s.link,
        }
        for s in report.sessions
    ]
    text = json.dumps(sessions, separators=(",", ":"))
    if len(text.encode()) > MAX_OUTPUT_BYTES:
        kept: list[Mapping[str, str | None]] = []
        size = 200
        for item in sessions:
            size += len(json.dumps(item).encode()) + 1
            if size > MAX_OUTPUT_BYTES:
                break
            kept.append(item)
        cut: list[object] = [*kept]
        cut.append({"truncated": True, "omitted": len(sessions) - len(kept), "see": "json-file"})
        text = json.dumps(cut, separators=(",", ":"))
    triggered = report.triggered_test_session
    return {
        "result": verdict.result,
        "total-count": str(verdict.total),
        "passed-count": str(verdict.passed_count),
        "failed-count": str(verdict.failing),
        "degraded-count": str(verdict.degraded_count),
        "sessions": text,
        "comment-url": comment_url or "",
        "json-file": json_file or "",
        "test-session-id": triggered.id if triggered else "",
        "test-session-url": (triggered.link or "") if triggered else "",
    }
