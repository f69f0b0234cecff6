"""`trigger: status` (SPEC §11): a check's outcome from its current status."""

from __future__ import annotations

from gate.core.current_status import status_outcome
from gate.core.model import Outcome


def test_failures_and_errors_fail_degraded_degrades() -> None:
    base = {"name": "x", "hasFailures": False, "hasErrors": False, "isDegraded": False}
    assert status_outcome(base) == (Outcome.PASSED, None)
    where = base | {"lastRunLocation": "us-east-1"}
    assert status_outcome(where | {"hasFailures": True}) == (
        Outcome.FAILED,
        "failing now (last run in us-east-1)",
    )
    assert status_outcome(base | {"hasErrors": True})[0] is Outcome.FAILED
    assert status_outcome(base | {"hasErrors": True, "isDegraded": True})[0] is Outcome.FAILED
    assert status_outcome(base | {"isDegraded": True}) == (Outcome.DEGRADED, "degraded now")
    assert status_outcome(None) == (
        Outcome.INCOMPLETE,
        "no current status: the check has not run yet",
    )
