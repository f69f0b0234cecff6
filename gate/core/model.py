"""The report model: sessions and check runs as frozen dataclasses built from Checkly's JSON.

Raw JSON stops here: `Session.from_api()` takes a completion / GET body and returns typed data
with every outcome decided (SPEC §4). Unknown fields are ignored, missing ones get safe
defaults, and statuses this version does not know become the `error` outcome with a note,
never a crash.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from gate.core.baseline import BaseFailure
from gate.core.evidence import Evidence
from gate.core.outcomes import (
    RUNNING_STATUSES,
    SESSION_STATUS,
    SEVERITY,
    Outcome,
    SessionKind,
    as_number,
    as_str,
    attempt_failed,
    check_result_outcome,
    ids_of,
    parse_time,
    session_status_outcome,
    test_result_outcome,
    worst,
)
from gate.core.triage import GroupAge, Triage

# The names other modules import from here, besides the dataclasses.
__all__ = [
    "RUNNING_STATUSES",
    "SESSION_STATUS",
    "SEVERITY",
    "CheckRun",
    "Outcome",
    "Session",
    "SessionKind",
    "ids_of",
    "parse_time",
    "worst",
]


@dataclasses.dataclass(frozen=True)
class CheckRun:
    """One check run: a FINAL result of a session (or the session itself when it has none)."""

    result_id: str
    name: str
    outcome: Outcome
    check_type: str | None = None
    check_id: str | None = None
    location: str | None = None
    link: str | None = None
    response_time_ms: float | None = None
    duration_s: float | None = None
    retries: int = 0
    error_group_ids: tuple[str, ...] = ()
    reason: str | None = None
    error_group: str | None = None
    stands_for_session: bool = False
    failed_attempts: int = 0  # ATTEMPT results of this check and location that failed
    triage: Triage | None = None  # SPEC §9, for failing and degraded runs
    group_age: GroupAge | None = None  # of `error_group`
    new_error: bool = False  # one of its error groups first seen at or after its session's start
    non_blocking: str | None = None  # why its check is non-blocking ("non-blocking-tags: …")
    base_failure: BaseFailure | None = None  # SPEC §11: its check also fails on the base branch
    evidence: Evidence | None = None  # SPEC §10, for failing and degraded runs

    @property
    def passed_on_retry(self) -> int | None:
        """N when this run passed (or was only degraded) on its Nth retry; None otherwise."""
        if self.outcome in (Outcome.PASSED, Outcome.DEGRADED) and self.failed_attempts:
            return self.failed_attempts
        return None

    def with_reason(self, reason: str | None, error_group: str | None = None) -> CheckRun:
        return dataclasses.replace(self, reason=reason, error_group=error_group)


@dataclasses.dataclass(frozen=True)
class Session:
    """One awaited session and everything known about it."""

    kind: SessionKind
    id: str
    outcome: Outcome
    name: str | None = None
    link: str | None = None
    status: str | None = None
    runs: tuple[CheckRun, ...] = ()
    attempts: int = 0
    note: str | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    elapsed_ms: float | None = None
    error_group_ids: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.name or f"{self.kind.value} session {self.id}"

    @classmethod
    def from_api(
        cls, kind: SessionKind, session_id: str, body: Mapping[str, Any], *, finished: bool
    ) -> Session:
        """Build from a completion (finished=True) or GET (partial) body."""
        status = body.get("status")
        outcome, note = session_status_outcome(status)
        if finished and outcome is Outcome.INCOMPLETE:
            outcome, note = Outcome.ERROR, f"completion returned running status {status!r}"
        raw_results = body.get("results")
        results = (
            [r for r in raw_results if isinstance(r, Mapping)]
            if isinstance(raw_results, list)
            else []
        )
        runs: list[CheckRun] = []
        attempts = 0
        notes = [note] if note else []
        retries: dict[tuple[str | None, str | None], int] = {}
        failed: dict[tuple[str | None, str | None], int] = {}
        for result in results:
            if result.get("resultType") == "ATTEMPT":
                attempts += 1
                key = (
                    as_str(result.get("checkId")) or as_str(result.get("name")),
                    as_str(result.get("runLocation")),
                )
                retries[key] = retries.get(key, 0) + 1
                failed[key] = failed.get(key, 0) + attempt_failed(kind.value, result)
        for result in results:
            rtype = result.get("resultType")
            if kind is SessionKind.TEST:
                if rtype not in ("FINAL", "PENDING", None):
                    continue
                run_outcome, run_note = test_result_outcome(result)
                if rtype == "PENDING" and run_outcome is not Outcome.INCOMPLETE:
                    run_outcome = Outcome.INCOMPLETE
                if run_note:
                    notes.append(run_note)
            else:
                if rtype not in ("FINAL", None):
                    continue
                run_outcome = check_result_outcome(result)
            runs.append(_run_from_api(kind, result, run_outcome, retries, failed))
        name = as_str(body.get("name"))
        link = as_str(
            body.get("testSessionLink" if kind is SessionKind.TEST else "checkSessionLink")
        )
        if (
            kind is SessionKind.TEST
            and outcome is Outcome.PASSED
            and any(r.outcome is Outcome.DEGRADED for r in runs)
        ):
            outcome = Outcome.DEGRADED
        if not runs:
            runs.append(
                CheckRun(
                    result_id=session_id,
                    name=name or f"{kind.value} session {session_id}",
                    outcome=outcome,
                    check_type=as_str(body.get("checkType")),
                    check_id=as_str(body.get("checkId")),
                    location=", ".join(_strs(body.get("runLocations"))) or None,
                    link=link,
                    duration_s=_elapsed_s(body),
                    stands_for_session=True,
                )
            )
        return cls(
            kind=kind,
            id=session_id,
            outcome=outcome,
            name=name,
            link=link,
            status=status if isinstance(status, str) else None,
            runs=tuple(runs),
            attempts=attempts,
            note="; ".join(dict.fromkeys(notes)) or None,
            started_at=parse_time(body.get("startedAt")),
            stopped_at=parse_time(body.get("stoppedAt")),
            elapsed_ms=as_number(body.get("timeElapsed")),
            error_group_ids=ids_of(body.get("errorGroupIds")),
        )

    @classmethod
    def unreadable(
        cls, kind: SessionKind, session_id: str, message: str, *, outcome: Outcome = Outcome.ERROR
    ) -> Session:
        """A session the gate could not read (error) or that never finished (incomplete)."""
        return cls(
            kind=kind,
            id=session_id,
            outcome=outcome,
            note=message,
            runs=(
                CheckRun(
                    result_id=session_id,
                    name=f"{kind.value} session {session_id}",
                    outcome=outcome,
                    reason=message,
                    stands_for_session=True,
                ),
            ),
        )

    def as_incomplete(self, note: str) -> Session:
        """This (partial) session marked incomplete at the deadline: unfinished runs too."""
        runs = tuple(
            dataclasses.replace(r, outcome=Outcome.INCOMPLETE) if r.stands_for_session else r
            for r in self.runs
        )
        return dataclasses.replace(self, outcome=Outcome.INCOMPLETE, runs=runs, note=note)

    @property
    def passed_on_retry(self) -> int:
        """How many of its runs passed on a retry."""
        return sum(1 for run in self.runs if run.passed_on_retry)

    def with_runs(self, runs: Iterable[CheckRun]) -> Session:
        return dataclasses.replace(self, runs=tuple(runs))


def _strs(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _elapsed_s(body: Mapping[str, Any]) -> float | None:
    started, stopped = parse_time(body.get("startedAt")), parse_time(body.get("stoppedAt"))
    if started and stopped:
        return max((stopped - started).total_seconds(), 0.0)
    elapsed = as_number(body.get("timeElapsed"))
    return elapsed / 1000 if elapsed is not None else None


def _run_from_api(
    kind: SessionKind,
    result: Mapping[str, Any],
    outcome: Outcome,
    retries: Mapping[tuple[str | None, str | None], int],
    failed: Mapping[tuple[str | None, str | None], int],
) -> CheckRun:
    id_field = "testSessionResultId" if kind is SessionKind.TEST else "checkResultId"
    link_field = "testSessionResultLink" if kind is SessionKind.TEST else "checkResultLink"
    name = as_str(result.get("name")) or as_str(result.get("checkId")) or "(unnamed check)"
    location = as_str(result.get("runLocation"))
    key = (as_str(result.get("checkId")) or as_str(result.get("name")), location)
    attempts = result.get("attempts")
    retry_count = retries.get(key, 0)
    if isinstance(attempts, int) and not isinstance(attempts, bool) and attempts > 1:
        retry_count = max(retry_count, attempts - 1)
    return CheckRun(
        result_id=as_str(result.get(id_field)) or as_str(result.get("id")) or "",
        name=name,
        outcome=outcome,
        check_type=as_str(result.get("checkType")),
        check_id=as_str(result.get("checkId")),
        location=location,
        link=as_str(result.get(link_field)),
        response_time_ms=as_number(result.get("responseTime")),
        duration_s=_elapsed_s(result) if result.get("startedAt") else None,
        retries=retry_count,
        error_group_ids=ids_of(result.get("errorGroupIds")),
        failed_attempts=failed.get(key, 0),
    )
