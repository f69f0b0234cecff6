"""Absolute deadlines for requests (SPEC §3, "Every deadline is absolute").

`requests` bounds each read, not a request: an answer that trickles one byte at a time never
trips a read timeout. `Watchdog.until(when, action)` runs `action` (shutting the request's
sockets down) if the block is still running at `when`, so the request ends with an error then,
however its answer arrives. One daemon thread serves every guard; it never keeps the process
alive.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import threading
import time
from collections.abc import Callable, Iterator


class Watchdog:
    """Runs an action at an absolute (monotonic) time unless its guard ended first."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._live: set[int] = set()
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def until(self, seconds: float, action: Callable[[], None]) -> Iterator[None]:
        """Run `action` if the block still runs `seconds` from now."""
        when = time.monotonic() + max(seconds, 0.0)
        with self._cond:
            ident = next(self._ids)
            heapq.heappush(self._heap, (when, ident, action))
            self._live.add(ident)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="deadlines", daemon=True)
                self._thread.start()
            self._cond.notify()
        try:
            yield
        finally:
            with self._cond:
                self._live.discard(ident)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][1] not in self._live:
                    heapq.heappop(self._heap)  # ended in time
                if not self._heap:
                    self._cond.wait()
                    continue
                when, ident, action = self._heap[0]
                now = time.monotonic()
                if now < when:
                    self._cond.wait(when - now)
                    continue
                heapq.heappop(self._heap)
                self._live.discard(ident)
            with contextlib.suppress(Exception):
                action()


@contextlib.contextmanager
def cut_off(
    watchdog: Watchdog, shut_down: Callable[[int], None], seconds: float
) -> Iterator[list[bool]]:
    """The block's requests end within `seconds`, however their answer arrives: the calling
    thread's sockets are shut down then (`shut_down(thread id)`). Yields [fired]."""
    fired = [False]
    owner = threading.get_ident()

    def cut() -> None:
        fired[0] = True
        shut_down(owner)

    with watchdog.until(seconds, cut):
        yield fired
