"""Missing checks (SPEC §11): with `check-ids`, every requested check must run.

A requested check with no run in the triggered sessions (deleted, deactivated, or not matching
the tags as well) becomes a check run with outcome `missing`, failing by default (`missing` is
in `fail-on`'s default). Only sessions that finished are searched: a session cut off by the
deadline is `incomplete`, and the checks it had not run yet are not missing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from gate.core.model import CheckRun, Outcome, Session

APP_URL = "https://app.checklyhq.com"
WHY = (
    "requested by check-ids but not run: the check was deleted, deactivated "
    "(allow-deactivated) or does not match the tags"
)
UNFINISHED = frozenset({Outcome.INCOMPLETE, Outcome.ERROR})


def add_missing(
    sessions: Sequence[Session], triggered: Collection[str], check_ids: Sequence[str]
) -> list[Session]:
    """The sessions, the first finished triggered one with a `missing` run per requested check
    that no triggered session ran. Unchanged when a triggered session did not finish."""
    mine = [s for s in sessions if s.id in triggered]
    if not check_ids or not mine or any(s.outcome in UNFINISHED for s in mine):
        return list(sessions)
    ran = {r.check_id.lower() for s in mine for r in s.runs if r.check_id}
    absent = [c for c in dict.fromkeys(c.lower() for c in check_ids) if c not in ran]
    if not absent:
        return list(sessions)
    runs = [
        CheckRun(
            result_id=f"missing-{check_id}",
            name=f"check {check_id}",
            outcome=Outcome.MISSING,
            check_id=check_id,
            link=f"{APP_URL}/checks/{check_id}",
            reason=WHY,
        )
        for check_id in absent
    ]
    target = mine[0]
    # A session that stood for itself (no results) is replaced by the missing runs.
    kept = [r for r in target.runs if not r.stands_for_session]
    return [s.with_runs([*kept, *runs]) if s is target else s for s in sessions]
