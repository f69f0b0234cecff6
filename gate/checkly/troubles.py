"""Saying why requests fail, at once (SPEC §3, "A request that fails says why").

The first failure of each cause is said as it happens (`Checkly unreachable at <url>:
connection refused; retrying, 9m30s left`), not 30 s later in a progress line, and the last
cause is kept for the final message and its hint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from gate.options.durations import format_duration


class Troubles:
    """The causes of failed requests seen so far (thread-safe)."""

    def __init__(self, api_url: str, clock: Callable[[], float]) -> None:
        self.api_url = api_url
        self.clock = clock
        self.say: Callable[[str], None] | None = None
        self.last: str | None = None  # the latest cause
        self._said: set[str] = set()
        self._lock = threading.Lock()

    def seen(self, what: str, deadline: float, *, quiet: bool = False) -> None:
        """A request failed for `what` and will be retried until `deadline`."""
        with self._lock:
            self.last = what
            if quiet or self.say is None or what in self._said:
                return
            self._said.add(what)
        left = format_duration(float(round(max(deadline - self.clock(), 0.0))))
        if what.startswith("HTTP "):
            self.say(f"Checkly answered {what}; retrying, {left} left")
        else:
            self.say(f"Checkly unreachable at {self.api_url}: {what}; retrying, {left} left")
