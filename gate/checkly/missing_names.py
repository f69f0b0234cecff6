"""Missing checks named (SPEC §11): a `missing` run says which check it is, and why it did not run.

A `missing` run of a trigger (`gate.core.missing`) knows only its check's ID and names every
cause. `name_missing` reads `GET /v1/checks/{id}` for each
(at most `MAX_CHECKS`, one try each, within a few seconds of the details budget) and gives the run
the check's name and the reason that fits: deleted (404), deactivated (`allow-deactivated`), or
not selected by the tags as well. A request that fails leaves the run as it was.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from urllib.parse import quote

from gate.checkly.checks import DeployedCheck
from gate.checkly.client import ChecklyClient
from gate.checkly.transport import ApiError
from gate.core.missing import WHY
from gate.core.model import CheckRun, Session

MAX_CHECKS = 10
BUDGET_S = 5.0
DELETED = "requested by check-ids but not run: no such check (deleted, or a wrong ID)"
DEACTIVATED = (
    "requested by check-ids but not run: the check is deactivated "
    "(allow-deactivated: true runs it anyway)"
)
NOT_MATCHED = "requested by check-ids but not run: the check does not match the tags"


def name_missing(
    sessions: Sequence[Session], client: ChecklyClient, deadline: float
) -> list[Session]:
    """The sessions, their `missing` runs named and explained where Checkly says why."""
    wanted = [r for s in sessions for r in s.runs if r.reason == WHY and r.check_id]
    if not wanted:
        return list(sessions)
    until = min(deadline, client.clock() + BUDGET_S)
    found: dict[str, CheckRun] = {}
    for run in wanted[:MAX_CHECKS]:
        named = _named(run, client, until)
        if named is not None:
            found[run.result_id] = named
    return [s.with_runs(found.get(r.result_id, r) for r in s.runs) for s in sessions]


def _named(run: CheckRun, client: ChecklyClient, until: float) -> CheckRun | None:
    """The run with its check's name and reason; None when Checkly could not say (the run
    stays as it was: unreachable, refused, too late)."""
    assert run.check_id is not None
    try:
        body = client.get(f"/v1/checks/{quote(run.check_id, safe='')}", until, once=True)
    except ApiError as exc:
        return dataclasses.replace(run, reason=DELETED) if exc.status == 404 else None
    except Exception:  # any failure leaves the run unnamed, never an error
        return None
    check = DeployedCheck.from_api(body or {})
    why = NOT_MATCHED if check.activated else DEACTIVATED
    return dataclasses.replace(run, name=check.name, reason=why)
