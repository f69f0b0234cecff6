"""The machine-readable report (`json-file`): the report model as JSON, `schemaVersion` 1.

Described by `gate/reports/schema/report.schema.json` (JSON Schema draft 2020-12, package
data). Keys are camelCase like Checkly's API. Within a schema version, fields are only ever added; a
removal or a change of meaning would bump `schemaVersion`, which SPEC §5 fixes at 1. A run without
a verdict says `verdict.result: "no-verdict"` with `passed` and `judged` false: SPEC's rule that
no report says "passed" without a verdict, read as a fix within version 1, not a new version.
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from gate import __version__
from gate.core.model import CheckRun, Outcome, Session
from gate.core.verdict import Thresholds, is_failing, not_counted_text
from gate.reports.evidence_view import evidence_json
from gate.reports.report import Report, RunInfo, TriggerInfo
from gate.reports.triage_view import age_view, label_counts, triage_view

SCHEMA_VERSION = 1


def report_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    thresholds = report.verdict.thresholds
    return {
        "schemaVersion": SCHEMA_VERSION,
        "gateVersion": __version__,
        "verdict": _verdict(report),
        "sessions": [_session(s, thresholds) for s in report.sessions],
        "run": _run_info(report.run),
        "commentKey": report.comment_key,
        "warnings": list(report.warnings),
        "interrupted": report.interrupted,
        "trigger": _trigger(report.trigger),
        "assetsDir": report.assets_dir,
    }


def write_json(report: Report, path: Path) -> None:
    """Write the JSON report to `path` (UTF-8), creating its parent directories."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report_dict(report), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def schema() -> dict[str, Any]:
    """The JSON Schema of the report."""
    text = (
        resources.files("gate.reports").joinpath("schema", "report.schema.json").read_text("utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _verdict(report: Report) -> dict[str, Any]:
    verdict = report.verdict
    return {
        "result": report.result,
        "passed": report.passed,
        "judged": report.judged,
        "noVerdictReason": report.no_verdict_reason,
        "summary": report.summary,
        "reasons": list(verdict.reasons),
        "total": verdict.total,
        "failing": verdict.failing,
        "passRate": round(verdict.pass_rate, 4),
        "counts": {o.value: verdict.counts.get(o.value, 0) for o in Outcome},
        "hiddenRedSessions": verdict.hidden_red_sessions,
        "thresholds": _thresholds(verdict.thresholds),
        "notCounted": verdict.not_counted,
        "notCountedBy": dict(verdict.not_counted_by),
        "notCountedNote": verdict.not_counted_note,
        "passedOnRetry": sum(s.passed_on_retry for s in report.sessions),
        "labels": label_counts([r for s in report.sessions for r in s.runs]),
    }


def _thresholds(thresholds: Thresholds) -> dict[str, Any]:
    return {
        "failOn": [o.value for o in Outcome if o in thresholds.fail_on],
        "maxFailures": thresholds.max_failures,
        "minPassRate": thresholds.min_pass_rate,
        "preexistingFailures": "allow" if thresholds.allow_preexisting else "fail",
        "flakyFailures": "allow" if thresholds.allow_flaky else "fail",
        "nonBlockingTags": list(thresholds.non_blocking_tags),
        "nonBlockingCheckIds": sorted(thresholds.non_blocking_check_ids),
    }


def _session(session: Session, thresholds: Thresholds) -> dict[str, Any]:
    return {
        "id": session.id,
        "kind": session.kind.value,
        "name": session.name,
        "title": session.title,
        "link": session.link,
        "outcome": session.outcome.value,
        "failing": is_failing(session.outcome, thresholds),
        "status": session.status,
        "note": session.note,
        "attempts": session.attempts,
        "startedAt": _time(session.started_at),
        "stoppedAt": _time(session.stopped_at),
        "elapsedMs": session.elapsed_ms,
        "errorGroupIds": list(session.error_group_ids),
        "runs": [_run(r, thresholds, session.started_at) for r in session.runs],
    }


def _run(run: CheckRun, thresholds: Thresholds, start: datetime | None) -> dict[str, Any]:
    triage = triage_view(run, thresholds)
    age = age_view(run.group_age, start)
    return {
        "resultId": run.result_id,
        "name": run.name,
        "outcome": run.outcome.value,
        "failing": is_failing(run.outcome, thresholds),
        "checkType": run.check_type,
        "checkId": run.check_id,
        "location": run.location,
        "link": run.link,
        "responseTimeMs": run.response_time_ms,
        "durationS": run.duration_s,
        "retries": run.retries,
        "reason": run.reason,
        "errorGroup": run.error_group,
        "errorGroupIds": list(run.error_group_ids),
        "standsForSession": run.stands_for_session,
        "passedOnRetry": run.passed_on_retry,
        "triage": None
        if triage is None
        else {
            "label": triage.label,
            "evidence": triage.evidence,
            "earlierRuns": triage.earlier_runs,
            "earlierFailures": triage.earlier_failures,
            "notCounted": triage.not_counted,
        },
        "errorGroupAge": None
        if age is None
        else {
            "new": age.new,
            "text": age.text,
            "firstSeen": age.first_seen,
            "lastSeen": age.last_seen,
        },
        "newError": run.new_error,
        "nonBlocking": run.non_blocking,
        "alsoFailingOn": None
        if run.base_failure is None
        else {
            "branch": run.base_failure.branch,
            "sessionId": run.base_failure.session_id,
            "link": run.base_failure.link,
            "text": run.base_failure.text,
        },
        "notCounted": not_counted_text(run, thresholds),
        "evidence": evidence_json(run),
    }


def _trigger(trigger: TriggerInfo | None) -> dict[str, Any] | None:
    if trigger is None:
        return None
    return {
        "kind": trigger.kind,
        "filters": trigger.filters,
        "sessionIds": list(trigger.session_ids),
        "noMatchingChecks": trigger.no_match,
        "cancelled": [{"id": c.id, "kind": c.kind, "result": c.result} for c in trigger.cancelled],
    }


def _run_info(run: RunInfo) -> dict[str, Any]:
    return {
        "startedAt": _time(run.started_at),
        "finishedAt": _time(run.finished_at),
        "repository": run.repository,
        "sha": run.sha,
        "ref": run.ref,
        "workflow": run.workflow,
        "job": run.job,
        "runId": run.run_id,
        "runUrl": run.run_url,
        "serverUrl": run.server_url,
        "event": run.event,
        "ci": run.ci,
        "commitUrl": run.commit_url,
        "gateVersion": run.gate_version,
    }


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
