"""What the benchmark plays: scripted sessions for the simulator, and a big report to render."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime

from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.triage import GroupAge, label_from_failures, no_history
from gate.core.verdict import Thresholds, decide
from gate.reports.report import Report, RunInfo
from gate.simulator import ScriptedResult, ScriptedSession, bodies
from gate.simulator import scenarios as data

# Triage data on the big report's failing and degraded runs, one of each label in turn.
TRIAGES = (
    label_from_failures([False] * 10),
    label_from_failures([False, True, False, False, True, False, False, False, False, False]),
    label_from_failures([True] * 10),
    no_history("no earlier runs"),
)

LOCATIONS = ("eu-west-1", "us-east-1", "ap-southeast-2", "eu-central-1")
TYPES = ("API", "BROWSER", "PLAYWRIGHT", "MULTI_STEP")


def passing_session(duration_s: float, results: int = 3, name: str = "Passing") -> ScriptedSession:
    """A test session of `results` passing API runs that ends PASSED after `duration_s`."""
    runs = [
        ScriptedResult(f"{name} check {i}", "passed", "API", LOCATIONS[i % len(LOCATIONS)])
        for i in range(results)
    ]
    return ScriptedSession("test", "PASSED", name, duration_s=duration_s, results=runs)


def failing_session(duration_s: float) -> ScriptedSession:
    """A test session of 6 runs, 2 failing with one shared error group (the gate fetches their
    details and the group after the completion, as it would for a real red build)."""
    group = "status code equals 200, got 503"
    runs = [
        ScriptedResult(f"Orders API {i}", "failed", "API", LOCATIONS[i], error_group=group)
        for i in range(2)
    ]
    runs += [
        ScriptedResult(f"Catalog check {i}", "passed", TYPES[i % 2], LOCATIONS[i % 4])
        for i in range(4)
    ]
    return ScriptedSession("test", "FAILED", "Failing", duration_s=duration_s, results=runs)


def lag_sessions(duration_s: float) -> list[ScriptedSession]:
    """The verdict-lag workload: a passing session ending 1 s before a failing one."""
    return [passing_session(max(duration_s - 1.0, 0.1), 6), failing_session(duration_s)]


def big_report(runs: int, per_session: int = 250) -> Report:
    """A finished report of `runs` check runs: test sessions of `per_session` runs parsed from the
    simulator's completion bodies (the real path), 1% failing with a reason (a third of them in
    an error group), 2% degraded, the rest passed."""
    sessions: list[Session] = []
    now = time.time()
    made = 0
    while made < runs:
        count = min(per_session, runs - made)
        scripted = _scripted(len(sessions), made, count)
        timeline = data.Timeline(now - 600, 600.0, True, count, 600.0)
        body = bodies.test_session_body(scripted, timeline)
        parsed = Session.from_api(SessionKind.TEST, scripted.id, body, finished=True)
        sessions.append(parsed.with_runs(_with_reasons(parsed)))
        made += count
    started = datetime.fromtimestamp(now - 600, UTC)
    info = RunInfo(started, datetime.fromtimestamp(now, UTC), repository="acme/webshop")
    return Report(tuple(sessions), decide(sessions, Thresholds()), info)


def _scripted(index: int, first: int, count: int) -> ScriptedSession:
    results = []
    for i in range(first, first + count):
        status = "failed" if i % 100 == 7 else "degraded" if i % 50 == 3 else "passed"
        name = f"Check {i % 400:03d}: {('checkout', 'search', 'login', 'cart')[i % 4]} flow"
        results.append(
            ScriptedResult(
                name, status, TYPES[i % 4], LOCATIONS[i % 4], response_time_ms=80 + i % 900
            )
        )
    failed = any(r.status == "failed" for r in results)
    status = "FAILED" if failed else "PASSED"
    return ScriptedSession("test", status, f"Suite {index}", duration_s=600, results=results)


def _with_reasons(session: Session) -> list[CheckRun]:
    """Reasons, error groups with their age, triage labels, and a pass on retry now and then."""
    runs: list[CheckRun] = []
    start = session.started_at or datetime.now(UTC)
    age = GroupAge(start.replace(day=1), start)
    for i, run in enumerate(session.runs):
        triage = TRIAGES[i % len(TRIAGES)]
        if run.outcome is Outcome.FAILED:
            group = "Expected status code 200, received 500" if i % 3 == 0 else None
            reason = f'status code equals 200, got 500; body: {{"error": "timeout #{i}"}}'
            runs.append(
                dataclasses.replace(
                    run,
                    reason=reason,
                    error_group=group,
                    group_age=age if group else None,
                    triage=triage,
                )
            )
        elif run.outcome is Outcome.DEGRADED:
            why = "response time over the degradation limit"
            runs.append(dataclasses.replace(run, reason=why, triage=triage))
        elif i % 97 == 5:
            runs.append(dataclasses.replace(run, failed_attempts=1, retries=1))
        else:
            runs.append(run)
    return runs


def triage_session(checks: int) -> ScriptedSession:
    """A finished test session of `checks` failing checks, each already failing before."""
    runs = [
        ScriptedResult(f"Failing check {i:02}", "failed", "API", LOCATIONS[i % 4], history="FFP")
        for i in range(checks)
    ]
    return ScriptedSession("test", "FAILED", "Triage", duration_s=0.0, results=runs)
