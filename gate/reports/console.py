"""The console report and the annotations: plain words, one line per session and failing run."""

from __future__ import annotations

import json
from collections.abc import Mapping

from gate.core.model import CheckRun, Outcome, Session
from gate.core.verdict import (
    Thresholds,
    hides_red_session,
    is_failing,
    needs_explaining,
    not_counted_text,
)
from gate.reports.console_evidence import evidence_line
from gate.reports.report import Report
from gate.runner.workflow import MAX_ANNOTATIONS, MAX_OUTPUT_BYTES, Runner, neutralize

LABEL = {
    Outcome.PASSED: "PASSED",
    Outcome.DEGRADED: "DEGRADED",
    Outcome.FAILED: "FAILED",
    Outcome.TIMED_OUT: "TIMED OUT",
    Outcome.CANCELLED: "CANCELLED",
    Outcome.INCOMPLETE: "INCOMPLETE",
    Outcome.ERROR: "ERROR",
    Outcome.MISSING: "MISSING",
}
MAX_FAILING_LINES = 200
MAX_OUTPUT_NAME = 500  # characters of a session name in the `sessions` output
GROUP_PASSED_AT = 20  # more sessions than this: the passed ones share one line


def _nothing_to_say(session: Session) -> bool:
    """A passed session whose every run passed, with no note: one of many, grouped."""
    return (
        session.outcome is Outcome.PASSED
        and not session.note
        and all(run.outcome is Outcome.PASSED for run in session.runs)
    )


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
    named = f'"{session.name}" ' if session.name else ""  # not "test session "test session …""
    return neutralize(
        f"{LABEL[session.outcome]:<10} {session.kind.value} session "
        f"{named}{session.id}: {counts}{note}{link}"
    )


def _triage(run: CheckRun, thresholds: Thresholds | None) -> str:
    """` (flaky: failed 2 of its last 10 runs; also failing on main; not counted: …)`, or ``
    for a run without a label."""
    parts = [run.triage.text] if run.triage is not None else []
    parts += [run.base_failure.text] if run.base_failure is not None else []
    why = not_counted_text(run, thresholds) if thresholds is not None else None
    parts += [f"not counted: {why}"] if why else []
    return f" ({'; '.join(parts)})" if parts else ""


def run_line(run: CheckRun, thresholds: Thresholds | None = None) -> str:
    retry = f"passed on retry {run.passed_on_retry}" if run.passed_on_retry else None
    parts = [p for p in (run.reason, retry) if p]
    reason = f": {'; '.join(parts)}" if parts else ""
    link = f" {run.link}" if run.link and not run.stands_for_session else ""
    where = f"{_run_where(run)}{_triage(run, thresholds)}"
    return neutralize(f'    {LABEL[run.outcome]:<10} "{run.name}"{where}{reason}{link}')


def _to_explain(session: Session, report: Report) -> list[CheckRun]:
    """The session's runs that get a line of their own: failing, degraded, or with a reason."""
    return [
        run
        for run in session.runs
        if run.outcome is not Outcome.PASSED
        and not (run.stands_for_session and len(session.runs) == 1 and not run.reason)
        and needs_explaining(run, report.verdict.thresholds)
    ]


def _say_evidence(run: CheckRun, runner: Runner) -> None:
    if (line := evidence_line(run)) is not None:
        runner.say(line)


def print_report(report: Report, runner: Runner) -> None:
    """Sessions in the order given, each followed by its failing (and degraded) runs."""
    verdict = report.verdict
    runner.say(
        f"checkly-gate {report.run.gate_version}: {_count(len(report.sessions), 'session')}, "
        f"{_count(verdict.total, 'check run')}"
        + (f", {retried} passed on retry" if (retried := _retried(report)) else "")
    )
    shown = 0
    hidden = 0
    quiet = [s for s in report.sessions if _nothing_to_say(s)]
    quiet_ids = {id(s) for s in quiet}
    grouped = len(report.sessions) > GROUP_PASSED_AT and len(quiet) > 1
    for session in report.sessions:
        if grouped and id(session) in quiet_ids:
            continue
        runner.say(session_line(session, report))
        if hides_red_session(session, verdict.thresholds):
            status = (session.status or session.outcome.value).upper()
            runner.say(
                neutralize(
                    f"    {LABEL[session.outcome]:<10} session reported {status}, no run failed"
                )
            )
        explain = {  # not a stand-in run whose reason the session's line just said
            id(r)
            for r in _to_explain(session, report)
            if not (r.stands_for_session and r.reason == session.note)
        }
        for run in session.runs:
            on_retry = bool(run.passed_on_retry) and run.outcome is Outcome.PASSED
            if not on_retry and id(run) not in explain:
                continue
            if shown < MAX_FAILING_LINES:
                runner.say(run_line(run, verdict.thresholds))
                _say_evidence(run, runner)
                shown += 1
            else:
                hidden += 1
    if hidden:
        runner.say(f"    ... and {hidden} more failing runs: see the reports")
    if grouped:
        runs = sum(len(s.runs) for s in quiet)
        runner.say(
            f"{LABEL[Outcome.PASSED]:<10} {len(quiet)} passed sessions ({runs} check runs, every "
            "one passed): listed in the reports"
        )
    for warning in report.warnings:
        runner.say(neutralize(f"note: {warning}"))
    runner.say(neutralize(report.summary))


def _retried(report: Report) -> int:
    return sum(s.passed_on_retry for s in report.sessions)


def annotate(report: Report, runner: Runner) -> None:
    """One `::error` per failing run (`::warning` per degraded), at most 10 of each kind in
    all, the exit's own `::error` and the "N more" one included."""
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
        # 10 of each kind in all (SPEC §5): those written already count, and one `::error` is
        # kept for the exit's own (the verdict, or why there is none)
        room = MAX_ANNOTATIONS - runner.annotations[kind] - (1 if kind == "error" else 0)
        if room <= 0:
            continue
        keep = items if len(items) <= room else items[: room - 1]
        for session, run in keep:
            label = f", {run.triage.label.value}" if run.triage is not None else ""
            title = f"{run.name} ({LABEL[run.outcome].lower()}{label})"
            where = _run_where(run).strip(" []")
            text = f"{run.reason or LABEL[run.outcome].capitalize()}"
            text += f"\nSession: {session.title}" + (f"\nWhere: {where}" if where else "")
            if run.triage is not None:
                text += f"\nTriage: {run.triage.text}"
                why = not_counted_text(run, thresholds)
                text += f"\nNot counted: {why}" if why else ""
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


def _cut(name: str) -> str:
    return name[: MAX_OUTPUT_NAME - 1] + "…"


def outputs(report: Report, comment_url: str | None, json_file: str | None) -> dict[str, str]:
    """The step outputs of SPEC §5, each under 64 KiB."""
    verdict = report.verdict
    sessions: list[Mapping[str, str | None]] = [
        {
            "id": s.id,
            "kind": s.kind.value,
            "name": s.name if s.name is None or len(s.name) <= MAX_OUTPUT_NAME else _cut(s.name),
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
        "result": report.result,
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


def _count(number: int, noun: str) -> str:
    """`1 session`, `2 sessions`."""
    return f"{number} {noun}{'s' if number != 1 else ''}"
