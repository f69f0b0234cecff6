"""`trigger: status` (SPEC §11): a check's outcome from its current status, starting no run.

`GET /v1/check-statuses` says per check `hasFailures`, `hasErrors` and `isDegraded`:
failures or errors → failed, degraded → degraded, else passed. A selected check without a
status has never run: incomplete (it cannot vouch for anything), with that reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.core.model import Outcome


def status_outcome(status: Mapping[str, Any] | None) -> tuple[Outcome, str | None]:
    """The outcome and, when it is not passed, the reason in plain words."""
    if status is None:
        return Outcome.INCOMPLETE, "no current status: the check has not run yet"
    where = status.get("lastRunLocation")
    last = f" (last run in {where})" if isinstance(where, str) and where else ""
    if status.get("hasErrors") is True:
        return Outcome.FAILED, f"has errors now{last}"
    if status.get("hasFailures") is True:
        return Outcome.FAILED, f"failing now{last}"
    if status.get("isDegraded") is True:
        return Outcome.DEGRADED, f"degraded now{last}"
    return Outcome.PASSED, None
