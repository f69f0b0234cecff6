"""The run's ephemeral private location and agent once they exist (SPEC §12): `Ephemeral`
holds what was created so far and removes it (`close()`: idempotent and bounded, a forced
container remove and one DELETE side by side within 3 s, so an interrupted gate still exits
within 5 s); the agent's log tail for the reports of a failed gate. `gate.run.private_run`
creates them; `gate.run.pipeline` closes them after the wait and in its `finally`.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import TYPE_CHECKING

from gate.checkly import private_locations as api
from gate.checkly.client import ChecklyClient
from gate.runner.workflow import Runner, neutralize

if TYPE_CHECKING:
    from gate.runner.agent_container import Agent

CLOSE_BUDGET_S = 3.0  # container remove and DELETE, side by side
LOG_LINES = 20


@dataclasses.dataclass
class Ephemeral:
    """The run's location and agent, as far as they exist; `close()` removes both."""

    client: ChecklyClient
    runner: Runner
    token: str
    location: api.Location | None = None
    agent: Agent | None = None
    log_tail: list[str] = dataclasses.field(default_factory=list)
    closing: bool = False
    closed: bool = False
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    @property
    def slug(self) -> str:
        return self.location.slug if self.location else f"{api.SLUG_PREFIX}{self.token}"

    def logs(self) -> list[str]:
        """The agent's last log lines, scrubbed and safe to print (read for at most 1 s: a
        stopping gate does not wait on a slow engine)."""
        agent = self.agent
        if agent is not None and not self.closed:
            read: list[list[str]] = []
            reader = threading.Thread(target=lambda: read.append(agent.log_tail(LOG_LINES)))
            reader.daemon = True
            reader.start()
            reader.join(1.0)
            self.log_tail = read[0] if read else self.log_tail
        return [neutralize(self.runner.scrub_everywhere(line)) for line in self.log_tail]

    def close(self) -> list[str]:
        """Remove the container and delete the location, side by side, within the budget;
        says (and returns) what could not be removed."""
        with self.lock:
            if self.closed:
                return []
            self.closing = True
            self.logs()  # read before the container goes
            self.closed = True
        agent, location = self.agent, self.location
        problems: list[str] = []

        def remove() -> None:
            if agent is not None and (why := agent.remove()) is not None:
                problems.append(f"the agent container {agent.name}: {why}")

        def delete() -> None:
            deadline = self.client.clock() + CLOSE_BUDGET_S - 0.2
            if location is not None and (why := api.delete(self.client, location.id, deadline)):
                problems.append(f"the private location {location.slug}: {why}")

        workers = [threading.Thread(target=w, daemon=True) for w in (remove, delete)]
        for worker in workers:
            worker.start()
        end = time.monotonic() + CLOSE_BUDGET_S
        for worker in workers:
            worker.join(max(end - time.monotonic(), 0.0))
        if any(w.is_alive() for w in workers):
            problems.append("clean-up did not finish in time")
        said = [
            self.runner.scrub(
                f"Could not remove {problem}; a later run with private-location: ephemeral "
                "removes it after 6 hours"
            )
            for problem in problems
        ]
        for line in said:
            self.runner.notice(neutralize(line), "warning")
        removed = [
            what for what, it in (("the agent", agent), ("the private location", location)) if it
        ]
        if removed and not problems:
            self.runner.say(f"Removed {' and '.join(removed)} ({self.slug})")
        return said


def close_all(ephemeral: list[Ephemeral]) -> list[str]:
    """Close each; the report's warnings for what could not be removed."""
    return [problem for eph in ephemeral for problem in eph.close()]


def log_warning(ephemeral: list[Ephemeral], runner: Runner, *, failed: bool) -> list[str]:
    """The agent's log tail as one report warning and on the console (for a failed gate)."""
    if not failed:
        return []
    found = []
    for eph in ephemeral:
        lines = eph.logs()
        if lines:
            runner.say(f"The Checkly agent's last log lines ({eph.slug}):")
            for line in lines:
                runner.say(f"  {line}")
            found.append(f"The Checkly agent's last log lines ({eph.slug}): " + " | ".join(lines))
    return found
