"""SIGINT/SIGTERM as a flag the main thread polls, and steps abandoned when one comes."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

SIGNAL_POLL = 0.05  # how often the main thread looks for a signal while others work
T = TypeVar("T")


class Signals:
    """Turns SIGINT/SIGTERM into a flag the main thread polls (handlers must not block).

    The first signal decides the exit code; later ones (the runner sends SIGINT, then SIGTERM
    7.5 s later) are ignored, so they cannot cut the reports short. While installed, Python's
    KeyboardInterrupt never happens.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, object] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            # typeshed allows None back from signal.signal; for SIGINT/SIGTERM it never is
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._previous.clear()

    def release(self) -> None:
        """Done: restore the previous handlers; but once cancelled, ignore further signals,
        so one that arrives while the process exits cannot kill it (and change its code)."""
        if self.signum is None:
            self.restore()
            return
        for signum in self._previous:
            signal.signal(signum, signal.SIG_IGN)
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum

    def __call__(self) -> bool:
        """Whether a signal has arrived."""
        return self.signum is not None

    def run(self, work: Callable[[], T]) -> tuple[bool, T | None]:
        """`work()` in a daemon thread, abandoned when a signal comes: (finished, its result).

        For the steps after the wait that talk to the network (failure details, the PR
        comment): the main thread stays free to notice a signal within `SIGNAL_POLL` seconds.
        """
        results: list[T] = []
        errors: list[BaseException] = []

        def target() -> None:
            try:
                results.append(work())
            except BaseException as exc:  # handed to the main thread below
                errors.append(exc)

        thread = threading.Thread(target=target, name="gate-step", daemon=True)
        thread.start()
        while thread.is_alive() and not self():
            thread.join(SIGNAL_POLL)
        if thread.is_alive():
            return False, None
        if errors:
            raise errors[0]
        return True, results[0] if results else None
