"""A scripted session in play: the script, the clock it started on, its unused faults."""

from __future__ import annotations

import time
from collections import deque

from gate.simulator.scenarios import Fault, ScriptedSession, Timeline


class Play:
    """A scripted session in play: the script, its clock and its unused faults."""

    def __init__(self, session: ScriptedSession) -> None:
        self.session, self.added, self.wall = session, time.monotonic(), time.time()
        self.forced: float | None = None
        self.faults: deque[Fault] = deque(session.faults)
        self.finish_after_408: int | None = None  # 408s to answer before finishing

    def due(self) -> float | None:
        """When the script says it finishes (None: never, unless `finish()`ed)."""
        return None if self.session.never_finishes else self.added + self.session.duration_s

    def finished_at(self, now: float) -> float | None:
        times = [t for t in (self.due(), self.forced) if t is not None]
        return min(times) if times and min(times) <= now else None

    def timeline(self, now: float) -> Timeline:
        end = self.finished_at(now)
        elapsed = (now if end is None else end) - self.added
        count, duration = len(self.session.results), self.session.duration_s
        if end is not None:
            done = count
        elif self.session.never_finishes or duration <= 0:
            done = count // 2
        else:
            done = min(int(count * elapsed / duration), count - 1)
        told = self.session.reported_s
        if end is not None and told is not None:  # it started `told` seconds before it ended
            return Timeline(self.wall + elapsed - told, told, True, done, told)
        return Timeline(self.wall, elapsed, end is not None, done, duration)
