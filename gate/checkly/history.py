"""Fetch the failing checks' earlier results (SPEC §9) and label their runs.

`HistoryFetch` starts the requests (`GET /v2/check-results/{checkId}`, FINAL results before the
session's start, a narrow `fields` projection) when it is built, so they run alongside the
failure details and share their deadline; `collect()` waits for them no longer than that, and
`apply()` puts a `Triage` on every failing and degraded run. At most `MAX_CHECKS` distinct
checks are asked about (the first failing ones in report order); a request that fails, is
refused or comes too late (past the deadline, or `HISTORY_BUDGET` after the start) leaves that
check's runs at `no history`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime
from typing import Any, Protocol

from gate.core.model import CheckRun, Outcome, Session
from gate.core.triage import (
    FETCH_FAILED,
    MAX_CHECKS,
    NO_CHECK_ID,
    NOT_FETCHED,
    Triage,
    earlier_failures,
    label_from_failures,
    no_history,
)
from gate.core.verdict import Thresholds, needs_explaining

# How long the history may take at most, within the details deadline: it labels failures but
# never explains them, so a slow or refusing route (429s without Retry-After) costs the verdict
# no more than this.
HISTORY_BUDGET = 5.0
# What a label needs of each earlier result; the backend then skips the wide payloads.
FIELDS = "id,checkId,hasFailures,hasErrors,isCancelled,resultType,startedAt"


class HistoryClient(Protocol):
    """The one Checkly read this module needs; it raises an Exception on failure."""

    def get_check_history(
        self, check_id: str, before: float, deadline: float, fields: str
    ) -> dict[str, Any]: ...


def triaged_runs(sessions: Sequence[Session], thresholds: Thresholds) -> list[CheckRun]:
    """The runs that get a label, in report order: failing and degraded ones."""
    return [r for s in sessions for r in s.runs if needs_explaining(r, thresholds)]


class HistoryFetch:
    """The history requests of one gate run, started at once (see the module docstring)."""

    def __init__(
        self,
        sessions: Sequence[Session],
        client: HistoryClient,
        thresholds: Thresholds,
        *,
        deadline: float,
        fallback_start: datetime,
        limit: int = MAX_CHECKS,
        workers: int = 4,
        budget: float = HISTORY_BUDGET,
    ) -> None:
        self.thresholds = thresholds
        self.deadline = deadline = min(deadline, time.monotonic() + budget)
        self.before: dict[str, datetime] = {}  # check ID → the earliest start of its sessions
        self.skipped: set[str] = set()
        for session in sessions:
            start = session.started_at or fallback_start
            for run in session.runs:
                if not run.check_id or not _labelled(run, thresholds):
                    continue
                if run.check_id in self.before:
                    self.before[run.check_id] = min(self.before[run.check_id], start)
                elif len(self.before) < limit:
                    self.before[run.check_id] = start
                else:
                    self.skipped.add(run.check_id)
        self._futures: dict[str, Future[dict[str, Any]]] = {}
        self._executor: ThreadPoolExecutor | None = None
        if self.before:
            self._executor = ThreadPoolExecutor(
                max_workers=max(min(workers, len(self.before)), 1),
                thread_name_prefix="gate-history",
            )
            for check_id, start in self.before.items():
                self._futures[check_id] = self._executor.submit(
                    client.get_check_history, check_id, start.timestamp(), deadline, FIELDS
                )
        self.labels: dict[str, Triage] = {}
        self.failed = 0

    def collect(self) -> dict[str, Triage]:
        """Each asked check's label; waits no later than the deadline."""
        if self._futures:
            wait(list(self._futures.values()), timeout=max(self.deadline - time.monotonic(), 0))
        for check_id, future in self._futures.items():
            body = _body(future)
            if body is None:
                self.failed += 1
                self.labels[check_id] = no_history(FETCH_FAILED)
                continue
            entries = body.get("entries")
            earlier = earlier_failures(
                entries if isinstance(entries, list) else [], self.before[check_id], check_id
            )
            self.labels[check_id] = label_from_failures(earlier)
        self.close()
        return self.labels

    def close(self) -> None:
        """Never wait for a request past the deadline: the client bounds its own."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def apply(self, sessions: Sequence[Session]) -> tuple[Session, ...]:
        """The sessions with a `Triage` on every failing and degraded run."""
        out = []
        for session in sessions:
            runs = [
                dataclasses.replace(run, triage=self._triage(run))
                if _labelled(run, self.thresholds)
                else run
                for run in session.runs
            ]
            out.append(session.with_runs(runs))
        return tuple(out)

    def _triage(self, run: CheckRun) -> Triage:
        if not run.check_id:
            return no_history(NO_CHECK_ID)
        return self.labels.get(run.check_id) or no_history(NOT_FETCHED)

    def warnings(self) -> tuple[str, ...]:
        out = []
        if self.failed:
            noun = "check" if self.failed == 1 else "checks"
            out.append(
                f"could not fetch the earlier runs of {self.failed} {noun}; "
                "their failing runs say 'no history'"
            )
        if self.skipped:
            count = len(self.skipped)
            out.append(
                f"earlier runs are fetched for at most {len(self.before)} checks "
                f"(Checkly allows 60 history requests a minute); {count} more "
                f"check{'s' if count != 1 else ''} say 'no history fetched'"
            )
        return tuple(out)


def _labelled(run: CheckRun, thresholds: Thresholds) -> bool:
    """Failing and degraded runs get a label; a `missing` one did not run, so has none."""
    return run.outcome is not Outcome.MISSING and needs_explaining(run, thresholds)


def _body(future: Future[dict[str, Any]]) -> dict[str, Any] | None:
    if not future.done() or future.cancelled() or future.exception() is not None:
        return None
    body = future.result()
    return body if isinstance(body, dict) else None
