"""An ephemeral private location for one run (SPEC §12): before the trigger, the location, its
key and the Checkly agent on the runner; after the wait (and on every way out), both removed.

`open_location` returns an `Ephemeral` as soon as there is anything to clean up, so the
pipeline's `finally` can always call `close()`; `close()` is idempotent and bounded (a forced
container remove and one DELETE, side by side, within ~3 s), so an interrupted gate still exits
within SPEC §8's 5 s. The agent's key is masked the moment it exists. A later run removes what
a killed one left: only the gate's own locations and containers, only when older than 6 hours.
"""

from __future__ import annotations

import contextlib
import dataclasses
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from gate.checkly import private_locations as api
from gate.checkly.client import ChecklyClient
from gate.core.errors import NoVerdict
from gate.core.signals import Signals
from gate.options.config import Config
from gate.options.durations import format_duration
from gate.options.values import DEFAULT_API_URL
from gate.runner.workflow import Runner, neutralize

if TYPE_CHECKING:
    from docker import DockerClient

    from gate.runner.agent_container import Agent

CLOSE_BUDGET_S = 3.0  # container remove and DELETE, side by side
POLL_S = 1.0  # how often the location's agentCount is read while waiting
LOG_LINES = 20


class AgentNotConnected(NoVerdict):
    """No agent connected to the run's private location within `agent-timeout`."""

    hint = (
        "The agent must reach Checkly (agent.checklyhq.com, outbound HTTPS; HTTPS_PROXY is "
        "passed to it) and its image must be pullable from the runner; see its log lines above. "
        "A slow image pull needs a longer agent-timeout."
    )


def run_token() -> str:
    """The run's token: 8 random hex characters, in the location's name, slug and label."""
    return secrets.token_hex(4)


def location_name(environ: Mapping[str, str], token: str) -> str:
    """`checkly-gate <repository> #<run>.<attempt> · <token>` (elsewhere: the UTC time)."""
    repository = environ.get("GITHUB_REPOSITORY", "").strip()
    if repository:
        run = environ.get("GITHUB_RUN_NUMBER", "").strip() or "0"
        attempt = environ.get("GITHUB_RUN_ATTEMPT", "").strip() or "1"
        return f"checkly-gate {repository} #{run}.{attempt} · {token}"
    return f"checkly-gate {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC · {token}"


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

    def close(self) -> None:
        """Remove the container and delete the location, side by side, within the budget."""
        with self.lock:
            if self.closed:
                return
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
        for problem in problems:
            self.runner.notice(
                neutralize(
                    self.runner.scrub(
                        f"Could not remove {problem}; a later run with "
                        f"private-location: ephemeral removes it after 6 hours"
                    )
                ),
                "warning",
            )
        removed = [
            what for what, it in (("the agent", agent), ("the private location", location)) if it
        ]
        if removed and not problems:
            self.runner.say(f"Removed {' and '.join(removed)} ({self.slug})")


def open_location(
    config: Config,
    client: ChecklyClient,
    runner: Runner,
    *,
    environ: Mapping[str, str],
    deadline: float,
    signals: Signals,
    keep: Callable[[Ephemeral], None],
) -> Ephemeral | None:
    """Create the location, its key and the agent, and wait for it (see the module docstring).

    `keep` receives the `Ephemeral` before anything is created, so the caller can close it
    whatever happens next. Returns None when a signal came first (what exists is in `keep`'s).
    """
    settings = config.private_location
    if settings is None:
        return None
    from gate.runner import agent_container as docker  # noqa: PLC0415 - only with this option

    engine = docker.connect(environ)  # no engine: exit 2 before anything is created
    eph = Ephemeral(client, runner, run_token())
    keep(eph)
    _sweep(client, engine, runner, min(deadline, client.clock() + 5.0))
    name = location_name(environ, eph.token)

    def setup() -> None:
        location = api.create(client, name, f"{api.SLUG_PREFIX}{eph.token}", deadline)
        with eph.lock:
            late = eph.closed  # a signal came while it was being created: remove it here
            eph.location = None if late else location
        if late:
            api.delete(client, location.id, client.clock() + CLOSE_BUDGET_S)
            return
        runner.say(f"Created the private location {eph.slug} for this run")
        key = api.create_key(client, location, deadline)
        runner.mask([key])
        extra = {"CHECKLY_API_URL": config.api_url} if config.api_url != DEFAULT_API_URL else {}
        if eph.closing:
            return
        agent = docker.start(
            engine, settings.image, key, eph.token, extra_env=extra, environ=environ
        )
        with eph.lock:
            late = eph.closed
            eph.agent = None if late else agent
        if late:
            agent.remove()
            return
        runner.say(f"Started the Checkly agent ({settings.image}) as {agent.name}")

    finished, _ = signals.run(setup)
    if not finished:
        return None
    if not _wait_for_agent(eph, client, runner, settings.agent_timeout_s, deadline, signals):
        return None
    return eph


def _wait_for_agent(  # noqa: PLR0917 - the wait's six collaborators, each named at the call
    eph: Ephemeral,
    client: ChecklyClient,
    runner: Runner,
    timeout_s: float,
    deadline: float,
    signals: Signals,
) -> bool:
    """Until the location reports an agent; False on a signal; raises when none came."""
    assert eph.location is not None and eph.agent is not None
    until = min(client.clock() + timeout_s, deadline)
    said = client.clock()
    left = format_duration(max(round(until - client.clock()), 0))
    runner.say(f"Waiting up to {left} for the agent to connect")
    status = "running"
    while not signals():
        finished, count = signals.run(
            lambda: api.agent_count(client, eph.location, min(until, client.clock() + 5.0))  # type: ignore[arg-type]
        )
        if not finished:
            return False
        if count and count >= 1:
            runner.say(f"The agent is connected to {eph.slug}")
            return True
        status = eph.agent.status()
        now = client.clock()
        if status not in ("running", "created", "restarting") or now >= until:
            break
        if now - said >= 30:
            said = now
            runner.say(f"Still waiting for the agent ({format_duration(round(until - now))} left)")
        with contextlib.suppress(Exception):
            client.cancel.wait(min(POLL_S, max(until - now, 0.0)))
    if signals():
        return False
    lines = eph.logs()
    why = (
        f"the agent container stopped ({status})"
        if status not in ("running", "created", "restarting")
        else f"no agent connected within {format_duration(timeout_s)}"
    )
    tail = "\n".join(f"  {line}" for line in lines) or "  (the agent wrote no log lines)"
    raise AgentNotConnected(
        f"No Checkly agent connected to the private location {eph.slug}: {why}. "
        f"The agent's last log lines:\n{tail}"
    )


def _sweep(client: ChecklyClient, engine: DockerClient, runner: Runner, deadline: float) -> None:
    """Remove what killed runs left: the gate's own locations and containers, over 6 h old."""
    from gate.runner.agent_container import remove_stale  # noqa: PLC0415 - see open_location

    for name in remove_stale(engine):
        runner.say(f"Removed the agent container {name} a stopped run left (over 6 hours old)")
    for location in api.stale(client, deadline):
        if api.delete(client, location.id, deadline) is None:
            runner.say(
                f"Removed the private location {location.slug} a stopped run left "
                "(over 6 hours old)"
            )


def open_private(
    config: Config,
    client: ChecklyClient,
    runner: Runner,
    *,
    environ: Mapping[str, str],
    start: float,
    signals: Signals,
    keep: list[Ephemeral],
) -> Config:
    """The config to trigger with: the test session's location is the run's own private
    location once its agent is connected; no trigger at all when a signal came first."""
    if config.private_location is None or config.trigger is None:
        return config
    eph = open_location(
        config,
        client,
        runner,
        environ=environ,
        deadline=start + config.timeout_s,
        signals=signals,
        keep=keep.append,
    )
    if eph is None:
        return dataclasses.replace(config, trigger=None)
    return dataclasses.replace(
        config, trigger=dataclasses.replace(config.trigger, location=eph.slug)
    )


def log_warning(ephemeral: list[Ephemeral], runner: Runner) -> list[str]:
    """The agent's log tail as one report warning and on the console (for a failed gate)."""
    found = []
    for eph in ephemeral:
        lines = eph.logs()
        if lines:
            runner.say(f"The Checkly agent's last log lines ({eph.slug}):")
            for line in lines:
                runner.say(f"  {line}")
            found.append(f"The Checkly agent's last log lines ({eph.slug}): " + " | ".join(lines))
    return found
