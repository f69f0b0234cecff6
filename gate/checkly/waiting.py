"""Waiting for sessions (SPEC §3): a plain deadline-driven loop per session, run concurrently.

`wait_for_session` is the whole algorithm for one session; `wait_all` runs one daemon thread
per session (so a cancelled run can exit at once, without joining long-polls), returns the
sessions in the order given, prints progress, and stops early on a signal or on credentials
being refused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from gate.checkly.client import ChecklyClient
from gate.checkly.transport import ApiError, TooLate, Unreachable
from gate.core.errors import CredentialsRejected
from gate.core.model import SESSION_STATUS, Outcome, Session, SessionKind
from gate.options.durations import format_duration

MEANWHILE_AFTER = 1.0  # the main thread's chore waits at most this long for first answers
FINAL_READ_GRACE = 2.0  # the one last read after the deadline may take this long


class Ref(Protocol):
    @property
    def kind(self) -> SessionKind: ...

    @property
    def id(self) -> str: ...


@dataclasses.dataclass
class Progress:
    """What the waiter reports while it waits."""

    say: Callable[[str], None]
    interval: float = 30.0


@dataclasses.dataclass
class WaitResult:
    """Sessions in input order; `reached` tells whether Checkly answered at all."""

    sessions: list[Session]
    reached: bool
    credentials: CredentialsRejected | None = None
    interrupted: bool = False


class _Tracker:
    def __init__(self) -> None:
        self.reached = False
        self.latest: Session | None = None  # the last read, shown if the run is interrupted


def wait_for_session(
    client: ChecklyClient,
    ref: Ref,
    deadline: float,
    max_wait: int,
    *,
    on_link: Callable[[Session], None] | None = None,
    tracker: _Tracker | None = None,
    read_first: bool = True,
) -> Session:
    """Long-poll one session until it completes or the deadline; never raises but for 401/403.

    `read_first`: one GET of the session before the long-polls (its link at once, and a
    finished session read without a long-poll); without, the first long-poll does both.
    """
    tracker = tracker or _Tracker()
    clock = client.clock
    try:
        if read_first:
            first = Session.from_api(
                ref.kind, ref.id, client.session(ref.kind, ref.id, deadline), finished=False
            )
            tracker.reached = True
            tracker.latest = first
            if on_link:
                on_link(first)
            if first.status in SESSION_STATUS:
                return first  # already finished: no need to wait
            # Running, or a status this version does not know (a new one may mean "queued"):
            # the completion endpoint decides.
        while not client.cancel.is_set():
            left = deadline - clock()
            if left <= 0:
                break
            # min(max-wait-seconds, time left); completion() floors it at 1 (whole for checks)
            body = client.completion(ref.kind, ref.id, min(float(max_wait), left), deadline)
            tracker.reached = True
            if body is not None:
                done = Session.from_api(ref.kind, ref.id, body, finished=True)
                if on_link and not read_first:
                    on_link(done)
                return done
    except ApiError as exc:
        tracker.reached = True
        return Session.unreadable(ref.kind, ref.id, answered(ref.kind, exc))
    except Unreachable as exc:
        if client.cancel.is_set():
            return _interrupted(client, ref, tracker.latest)
        if isinstance(exc, TooLate) and not tracker.reached:  # never asked: no request now
            why = f"not read: the gate's timeout came before it could ask Checkly ({exc.last})"
            return Session.unreadable(ref.kind, ref.id, why, outcome=Outcome.INCOMPLETE)
        return _last_read(client, ref, deadline, f"Checkly gave no answer: {exc.last}", tracker)
    if client.cancel.is_set():
        return _interrupted(client, ref, tracker.latest)
    return _last_read(client, ref, deadline, "the gate's timeout came first", tracker)


def _interrupted(client: ChecklyClient, ref: Ref, latest: Session | None = None) -> Session:
    """Incomplete: stopped before it finished; what the last read showed is kept."""
    why = client.cancel_reason or "the run was stopped before this session finished"
    if latest is not None:
        return latest.as_incomplete(f"{why}; partial results shown")
    return Session.unreadable(ref.kind, ref.id, why, outcome=Outcome.INCOMPLETE)


def _last_read(
    client: ChecklyClient, ref: Ref, deadline: float, why: str, tracker: _Tracker
) -> Session:
    """At the deadline: read once more without waiting; finished, or incomplete with partials."""
    try:
        body = client.session(
            ref.kind, ref.id, max(deadline, client.clock()) + FINAL_READ_GRACE, once=True
        )
    except ApiError as exc:
        tracker.reached = True
        return Session.unreadable(ref.kind, ref.id, answered(ref.kind, exc))
    except Unreachable as exc:
        return Session.unreadable(
            ref.kind, ref.id, f"{why}; last read failed: {exc.last}", outcome=Outcome.INCOMPLETE
        )
    tracker.reached = True
    partial = Session.from_api(ref.kind, ref.id, body, finished=False)
    if partial.outcome is not Outcome.INCOMPLETE:
        return partial  # it had just finished
    return partial.as_incomplete(f"still running when {why}; partial results shown")


def wait_all(
    client: ChecklyClient,
    refs: Sequence[Ref],
    timeout_s: float,
    max_wait: int,
    *,
    progress: Progress,
    on_link: Callable[[Session], None] | None = None,
    interrupted: Callable[[], bool] = lambda: False,
    meanwhile: Callable[[], None] | None = None,
) -> WaitResult:
    """Await every session at once; results in input order, whatever happened to each.

    `meanwhile`: work for the otherwise idle main thread (the reports' templates), done once
    every session has had a first answer or after `MEANWHILE_AFTER` seconds, so it never
    holds up a first request; its errors are ignored (the caller does it again if needed).
    """
    clock = client.clock
    start = clock()
    deadline = start + timeout_s
    results: list[Session | None] = [None] * len(refs)
    trackers = [_Tracker() for _ in refs]
    wake = threading.Event()
    lock = threading.Lock()
    credentials: list[CredentialsRejected] = []
    # The first GETs cost a request per session on top of the long-polls: only while the
    # first GETs, two rounds of long-polls and a detail read per session fit in one
    # rate-limit window (150 sessions by default), so no long-poll waits for a slot.
    read_first = 4 * len(refs) <= client.limiter.limit

    def work(index: int, ref: Ref) -> None:
        try:
            session = wait_for_session(
                client,
                ref,
                deadline,
                max_wait,
                on_link=on_link,
                tracker=trackers[index],
                read_first=read_first,
            )
        except CredentialsRejected as exc:
            with lock:
                credentials.append(exc)
            client.cancel_reason = "not awaited: Checkly refused the credentials"
            client.cancel.set()
            session = Session.unreadable(ref.kind, ref.id, str(exc))
        except Exception as exc:  # a bug must not lose the session
            session = Session.unreadable(ref.kind, ref.id, f"internal error: {exc!r}")
        with lock:
            results[index] = session
        wake.set()

    for index, ref in enumerate(refs):
        threading.Thread(
            target=work, args=(index, ref), name=f"wait-{ref.id[:8]}", daemon=True
        ).start()

    next_progress = start + progress.interval
    was_interrupted = False
    while True:
        with lock:
            done = sum(r is not None for r in results)
        if done == len(refs) or credentials:
            break
        if interrupted():
            was_interrupted = True
            client.cancel_reason = "the run was interrupted before this session finished"
            client.cancel.set()
            break
        if meanwhile is not None and (
            clock() - start >= MEANWHILE_AFTER or all(t.reached for t in trackers)
        ):
            _quietly(meanwhile)  # a session that finished meanwhile has set `wake`
            meanwhile = None
        now = clock()
        if now >= next_progress:
            progress.say(_progress_line(done, len(refs), now - start, deadline - now))
            next_progress = now + progress.interval
        wake.wait(min(0.1, max(next_progress - now, 0.01)))
        wake.clear()

    with lock:
        final = [
            r if r is not None else _interrupted(client, ref, t.latest)
            for r, ref, t in zip(results, refs, trackers, strict=True)
        ]
    return WaitResult(
        sessions=final,
        reached=any(t.reached for t in trackers),
        credentials=credentials[0] if credentials else None,
        interrupted=was_interrupted,
    )


def _quietly(work: Callable[[], None]) -> None:
    with contextlib.suppress(Exception):
        work()


def _progress_line(done: int, total: int, elapsed: float, left: float) -> str:
    return (
        f"Waiting: {done}/{total} sessions done, {format_seconds(elapsed)} elapsed, "
        f"{format_seconds(max(left, 0.0))} left"
    )


def format_seconds(seconds: float) -> str:
    """Whole seconds in units: 90.4 → '1m30s'; 3725 → '1h2m5s'; 4.2 → '4s'."""
    return format_duration(float(round(seconds)))


def answered(kind: SessionKind, exc: ApiError) -> str:
    """A session's client error in plain words; a 404 says the ID may be of the other kind (a
    check session ID given as a test session's is the common mix-up)."""
    said = f"Checkly answered {exc}"
    if exc.status != 404:
        return said
    if kind is SessionKind.TEST:
        other = "a check session ID, as `checkly checks run` prints, goes in check-session-ids"
    else:
        other = "a test session ID, as `checkly test` prints, goes in test-session-ids"
    return f"{said} ({other})"
