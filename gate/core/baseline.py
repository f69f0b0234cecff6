"""The base branch as a baseline (SPEC §11): pure rules over the test-session list and one
session's results. `gate.checkly.base_branch` asks Checkly; `gate.run.baseline` puts the answer on
the failing runs.

On a pull request, a failing run whose check also failed in the latest *finished* test session
on the base branch says `also failing on <base>`: the failure is not this change's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from gate.core.outcomes import as_str, parse_time, test_result_outcome

FINISHED = frozenset({"PASSED", "FAILED", "DEGRADED", "TIMED_OUT", "CANCELLED"})


@dataclasses.dataclass(frozen=True)
class BaseFailure:
    """The run's check also failed in the base branch's latest finished test session."""

    branch: str
    session_id: str
    link: str | None = None  # that session's link

    @property
    def text(self) -> str:
        return f"also failing on {self.branch}"


def candidates(entries: Iterable[Any], branch: str, exclude: Iterable[str]) -> list[str]:
    """The IDs of the finished test sessions of `branch` in a `GET /v1/test-sessions` page,
    newest first by start (the API's order is not documented). Sessions of this gate run
    (`exclude`), running ones and entries of another branch are never taken."""
    skip = {s.lower() for s in exclude}
    found: list[tuple[float, str]] = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        sid, status = as_str(entry.get("id")), entry.get("status")
        if sid is None or sid.lower() in skip or status not in FINISHED:
            continue
        if entry.get("branchName") not in (None, branch):
            continue
        started = parse_time(entry.get("startedAt")) or parse_time(entry.get("created_at"))
        found.append((started.timestamp() if started else float("-inf"), sid))
    found.sort(key=lambda item: item[0], reverse=True)
    return [sid for _, sid in found]


def failing_checks(body: Mapping[str, Any]) -> set[str]:
    """The check IDs (lower-case) with a failing FINAL result in a `GET /v1/test-sessions/{id}`
    body: failed, or an error."""
    results = body.get("results")
    out: set[str] = set()
    for result in results if isinstance(results, list) else []:
        if not isinstance(result, Mapping) or result.get("resultType", "FINAL") != "FINAL":
            continue
        check_id = as_str(result.get("checkId"))
        outcome, _ = test_result_outcome(result)
        if check_id and outcome.value in ("failed", "error"):
            out.add(check_id.lower())
    return out
