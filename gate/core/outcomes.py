"""Outcomes (SPEC §4) and how Checkly's statuses and result flags map to them.

Pure functions of the API's JSON values; unknown statuses become `error` with a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """What happened to a check run or a session (SPEC §4)."""

    PASSED = "passed"
    DEGRADED = "degraded"
    FAILED = "failed"
    TIMED_OUT = "timed-out"
    CANCELLED = "cancelled"
    INCOMPLETE = "incomplete"
    ERROR = "error"
    MISSING = "missing"  # a requested check with no run in the session (SPEC §11)


class SessionKind(StrEnum):
    """Checkly's two kinds of session."""

    TEST = "test"
    CHECK = "check"


# Worst first: a session made of several runs shows the worst of them.
SEVERITY: tuple[Outcome, ...] = (
    Outcome.ERROR,
    Outcome.MISSING,
    Outcome.FAILED,
    Outcome.TIMED_OUT,
    Outcome.CANCELLED,
    Outcome.INCOMPLETE,
    Outcome.DEGRADED,
    Outcome.PASSED,
)

# Session-level statuses (test sessions and v2 check sessions share the finished ones).
SESSION_STATUS: Mapping[str, Outcome] = {
    "PASSED": Outcome.PASSED,
    "FAILED": Outcome.FAILED,
    "DEGRADED": Outcome.DEGRADED,
    "TIMED_OUT": Outcome.TIMED_OUT,
    "CANCELLED": Outcome.CANCELLED,
}
RUNNING_STATUSES = frozenset(
    {"RUNNING", "PENDING", "STARTED", "PROGRESS", "PROGRESS_FAILED", "PROGRESS_DEGRADED"}
)


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def as_bool(value: Any) -> bool:
    return value is True


def as_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def ids_of(value: Any) -> tuple[str, ...]:
    """The non-empty strings of a JSON list of IDs (errorGroupIds); () for anything else."""
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str) and v)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp from the API, or None."""
    text = as_str(value)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def worst(outcomes: Iterable[Outcome]) -> Outcome:
    """The most severe outcome of several (passed when there are none)."""
    found = set(outcomes)
    for outcome in SEVERITY:
        if outcome in found:
            return outcome
    return Outcome.PASSED


def test_result_outcome(result: Mapping[str, Any]) -> tuple[Outcome, str | None]:
    """Outcome of one test-session result, with a note when the status is unknown."""
    status = result.get("status")
    if status == "CANCELLED":
        return Outcome.CANCELLED, None
    if status == "FAILED":
        return Outcome.FAILED, None
    if status == "PASSED":
        return (Outcome.DEGRADED if as_bool(result.get("isDegraded")) else Outcome.PASSED), None
    if status in RUNNING_STATUSES:
        return Outcome.INCOMPLETE, None
    if status is None:
        return Outcome.ERROR, "a result without a status from Checkly, treated as error"
    return Outcome.ERROR, f"unknown result status {status!r} from Checkly, treated as error"


def check_result_outcome(result: Mapping[str, Any]) -> Outcome:
    """Outcome of one v2 check-session result (flags only, SPEC §4)."""
    if as_bool(result.get("isCancelled")):
        return Outcome.CANCELLED
    if as_bool(result.get("hasFailures")) or as_bool(result.get("hasErrors")):
        return Outcome.FAILED
    if as_bool(result.get("isDegraded")):
        return Outcome.DEGRADED
    return Outcome.PASSED


def session_status_outcome(status: Any) -> tuple[Outcome, str | None]:
    """Outcome of a session's own status, with a note when the status is unknown."""
    if isinstance(status, str) and status in SESSION_STATUS:
        return SESSION_STATUS[status], None
    if isinstance(status, str) and status in RUNNING_STATUSES:
        return Outcome.INCOMPLETE, None
    if status is None:
        return Outcome.ERROR, "Checkly's answer has no session status, treated as error"
    return Outcome.ERROR, f"unknown session status {status!r} from Checkly, treated as error"


def attempt_failed(kind: str, result: Mapping[str, Any]) -> bool:
    """Whether one result (an ATTEMPT, say) of a test ("test") or check session failed."""
    if kind == "test":
        return test_result_outcome(result)[0] in (Outcome.FAILED, Outcome.ERROR)
    return check_result_outcome(result) is Outcome.FAILED
