"""Explain failing check runs: fetch their result details and error groups, concurrently.

The network is injected (`DetailClient`; the real one is `gate.checkly.client.ChecklyClient`),
so this module only decides *what* to fetch, bounds it (the first `limit` failing runs, one
fetch per error group, never past the deadline) and folds the answers back into the sessions.
A fetch that fails leaves its run linked without a reason; the report says so once.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Protocol

from gate.checkly.reasons import clean_group_message, clean_line, reason_from_detail
from gate.core.model import CheckRun, Session, SessionKind, ids_of
from gate.core.triage import GroupAge
from gate.core.verdict import Thresholds, needs_explaining


class DetailClient(Protocol):
    """The two Checkly reads this module needs; both raise an Exception on failure."""

    def get_result_detail(
        self, session: Session, run: CheckRun, deadline: float
    ) -> dict[str, Any]: ...

    def get_error_group(
        self, kind: SessionKind, group_id: str, deadline: float
    ) -> dict[str, Any]: ...


GroupKey = tuple[SessionKind, str]  # error-group IDs of the two families never mix


@dataclasses.dataclass
class _Tally:
    """What went wrong, counted, so each kind of problem is said once."""

    detail_failed: int = 0
    detail_error: str | None = None
    detail_late: int = 0
    beyond_limit: int = 0
    group_failed: int = 0
    group_late: int = 0

    def warnings(self, limit: int) -> tuple[str, ...]:
        out: list[str] = []
        if self.detail_failed:
            why = f" ({self.detail_error})" if self.detail_error else ""
            out.append(
                f"could not fetch the details of {_runs(self.detail_failed)}{why}; "
                f"{_they(self.detail_failed)} linked without a reason"
            )
        if self.detail_late:
            out.append(
                f"the deadline came before the details of {_runs(self.detail_late)} "
                f"could be fetched; {_they(self.detail_late)} linked without a reason"
            )
        if self.beyond_limit:
            out.append(
                f"only the first {limit} failing check runs are explained; "
                f"{_runs(self.beyond_limit, 'more ')} {_are(self.beyond_limit)} linked "
                "without a reason"
            )
        lost_groups = self.group_failed + self.group_late
        if lost_groups:
            out.append(
                f"could not fetch {lost_groups} error group{'s' if lost_groups != 1 else ''}; "
                "their runs are shown without the group's message"
            )
        return tuple(out)


def explain_failures(
    sessions: Sequence[Session],
    client: DetailClient,
    thresholds: Thresholds,
    *,
    deadline: float,
    limit: int = 50,
    workers: int = 8,
) -> tuple[tuple[Session, ...], tuple[str, ...]]:
    """Sessions (same order) whose failing runs carry `.reason` and `.error_group`, and warnings.

    Runs that stand for a whole session and runs that already have a reason are not fetched.
    """
    fetcher = _Fetcher(client, limit)
    todo: list[tuple[Session, CheckRun]] = []
    for session in sessions:
        for run in session.runs:
            if not needs_explaining(run, thresholds) or run.stands_for_session:
                continue
            if run.reason is None:
                if len(todo) < limit:
                    todo.append((session, run))
                else:
                    fetcher.tally.beyond_limit += 1
            if run.error_group is None:
                fetcher.want_group(session.kind, run.error_group_ids)
    if todo or fetcher.groups:
        with _Pool(workers, deadline) as pool:
            fetcher.run(pool, todo)
    explained = tuple(_explain_session(s, fetcher, thresholds) for s in sessions)
    return explained, fetcher.tally.warnings(limit)


class _Fetcher:
    """Fetches details and error groups through a pool and remembers the answers."""

    def __init__(self, client: DetailClient, limit: int) -> None:
        self.client = client
        self.limit = limit
        self.tally = _Tally()
        self.details: dict[tuple[str, str], dict[str, Any]] = {}
        self.groups: dict[GroupKey, str | None] = {}
        self.ages: dict[GroupKey, GroupAge] = {}
        self._queued: list[GroupKey] = []

    def want_group(self, kind: SessionKind, group_ids: Sequence[str]) -> None:
        """Remember a run's (first) error group, at most `limit` groups, each once."""
        for group_id in group_ids[:1]:
            key = (kind, group_id)
            if key not in self.groups and len(self.groups) < self.limit:
                self.groups[key] = None
                self._queued.append(key)

    def run(self, pool: _Pool, todo: Sequence[tuple[Session, CheckRun]]) -> None:
        for session, run in todo:
            if not run.result_id or (session.kind is SessionKind.CHECK and not run.check_id):
                self._failed("Checkly gave no result ID")
                continue
            task = ("detail", session.kind, session.id, run.result_id)
            pool.submit(task, self.client.get_result_detail, session, run, pool.deadline)
        self._submit_groups(pool)
        for task, answer in pool.results():
            if task[0] == "detail":
                self._on_detail(pool, task, answer)
            elif isinstance(answer, dict):
                self.groups[(task[1], task[2])] = clean_group_message(answer)
                self.ages[(task[1], task[2])] = GroupAge.from_api(answer)
            elif answer is None:
                self.tally.group_late += 1
            else:
                self.tally.group_failed += 1

    def _on_detail(
        self, pool: _Pool, task: Task, answer: dict[str, Any] | BaseException | None
    ) -> None:
        if isinstance(answer, dict):
            self.details[(task[2], task[3])] = answer
            # A detail may name an error group the session listing did not.
            self.want_group(task[1], ids_of(answer.get("errorGroupIds")))
            self._submit_groups(pool)
        elif answer is None:
            self.tally.detail_late += 1
        else:
            self._failed(_describe(answer))

    def _submit_groups(self, pool: _Pool) -> None:
        for kind, group_id in self._queued:
            task = ("group", kind, group_id)
            pool.submit(task, self.client.get_error_group, kind, group_id, pool.deadline)
        self._queued.clear()

    def _failed(self, why: str) -> None:
        self.tally.detail_failed += 1
        self.tally.detail_error = self.tally.detail_error or why


def _explain_session(session: Session, fetcher: _Fetcher, thresholds: Thresholds) -> Session:
    runs: list[CheckRun] = []
    changed = False
    for run in session.runs:
        new = run
        if needs_explaining(run, thresholds) and not run.stands_for_session:
            detail = fetcher.details.get((session.id, run.result_id))
            new = _explain_run(session.kind, run, detail, fetcher.groups, fetcher.ages)
        changed = changed or new is not run
        runs.append(new)
    return session.with_runs(runs) if changed else session


def _explain_run(
    kind: SessionKind,
    run: CheckRun,
    detail: dict[str, Any] | None,
    groups: dict[GroupKey, str | None],
    ages: dict[GroupKey, GroupAge],
) -> CheckRun:
    reason, group_ids = run.reason, run.error_group_ids
    if detail is not None:
        reason = reason or reason_from_detail(kind, detail)
        group_ids = group_ids or ids_of(detail.get("errorGroupIds"))
    found = next(((g, m) for g in group_ids if (m := groups.get((kind, g)))), None)
    group = run.error_group or (found[1] if found else None)
    age = run.group_age or (ages.get((kind, found[0])) if found else None)
    if (reason, group, group_ids, age) == (
        run.reason,
        run.error_group,
        run.error_group_ids,
        run.group_age,
    ):
        return run
    return dataclasses.replace(
        run, reason=reason, error_group=group, error_group_ids=group_ids, group_age=age
    )


def _describe(error: BaseException) -> str:
    text = clean_line(str(error), 160)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _runs(count: int, more: str = "") -> str:
    return f"{count} {more}failing run{'s' if count != 1 else ''}"


def _they(count: int) -> str:
    return "they are" if count != 1 else "it is"


def _are(count: int) -> str:
    return "are" if count != 1 else "is"


Task = tuple[Any, ...]


class _Pool:
    """A thread pool whose results stop at the deadline: late tasks report None, failed ones
    their exception. Tasks may be added while results are being read."""

    def __init__(self, workers: int, deadline: float) -> None:
        self.deadline = deadline
        self._executor = ThreadPoolExecutor(
            max_workers=max(workers, 1), thread_name_prefix="gate-details"
        )
        self._pending: dict[Future[Any], Task] = {}

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        # Never wait for a task past the deadline: the client bounds its own requests.
        self._executor.shutdown(wait=False, cancel_futures=True)

    def submit(self, task: Task, fn: Callable[..., Any], *args: Any) -> None:
        self._pending[self._executor.submit(self._guarded, fn, *args)] = task

    def _guarded(self, fn: Callable[..., Any], *args: Any) -> Any:
        if time.monotonic() >= self.deadline:
            return None
        return fn(*args)

    def results(self) -> Iterator[tuple[Task, dict[str, Any] | BaseException | None]]:
        """Yield (task, answer | exception | None) as tasks finish; None means "too late"."""
        while self._pending:
            left = self.deadline - time.monotonic()
            if left <= 0:
                break
            done, _ = wait(list(self._pending), timeout=left, return_when=FIRST_COMPLETED)
            for future in done:
                yield self._pending.pop(future), _answer(future)
        for future in list(self._pending):
            future.cancel()
            yield self._pending.pop(future), None


def _answer(future: Future[Any]) -> dict[str, Any] | BaseException | None:
    error = future.exception()
    if error is not None:
        return error
    value = future.result()
    if value is None or isinstance(value, dict):
        return value
    return TypeError(f"unexpected answer of type {type(value).__name__}")
