"""An ephemeral private location for one run (SPEC §12), before the trigger: the location, its
key and the Checkly agent on the runner, waited for; then the trigger runs in it.

`open_location` hands the pipeline an `Ephemeral` (gate.run.ephemeral) before anything is
created, so the pipeline's `finally` always closes what exists. The agent's key is masked the
moment it exists. A location or agent that fails is handed back like a trigger error (exit 3
after the reports, the sessions given by ID in them); no Docker engine is an invalid option.
A later run removes what a killed one left: only the gate's own locations and containers, only
when older than 6 hours.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from gate.checkly import private_locations as api
from gate.checkly.client import ChecklyClient
from gate.core.errors import GateError, NoVerdict
from gate.core.run_token import new_token
from gate.core.signals import Signals
from gate.options.config import Config
from gate.options.durations import format_duration
from gate.options.values import DEFAULT_API_URL
from gate.run.ephemeral import CLOSE_BUDGET_S, Ephemeral
from gate.run.trigger_run import start_trigger
from gate.runner.workflow import Runner

if TYPE_CHECKING:
    from docker import DockerClient

    from gate.checkly.trigger import Started

POLL_S = 1.0  # how often the location's agentCount is read while waiting


class AgentNotConnected(NoVerdict):
    """No agent connected to the run's private location within `agent-timeout`."""

    hint = (
        "The agent must reach Checkly (agent.checklyhq.com, outbound HTTPS; HTTPS_PROXY is "
        "passed to it) and its image must be pullable from the runner; see its log lines above. "
        "A slow image pull needs a longer agent-timeout."
    )


def location_name(environ: Mapping[str, str], token: str) -> str:
    """`checkly-gate <repository> #<run>.<attempt> · <token>` (elsewhere: the UTC time)."""
    repository = environ.get("GITHUB_REPOSITORY", "").strip()
    if repository:
        run = environ.get("GITHUB_RUN_NUMBER", "").strip() or "0"
        attempt = environ.get("GITHUB_RUN_ATTEMPT", "").strip() or "1"
        return f"checkly-gate {repository} #{run}.{attempt} · {token}"
    return f"checkly-gate {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC · {token}"


def engine_first(config: Config, environ: Mapping[str, str]) -> DockerClient | None:
    """The Docker engine of a run with an ephemeral private location, connected before any
    request (no engine is an invalid option: exit 2 with no request sent); None without one."""
    if config.trigger is None or config.trigger.private_location is None:
        return None
    from gate.runner import agent_container as docker  # noqa: PLC0415 - only with this option

    return docker.connect(environ)


def open_location(
    config: Config,
    client: ChecklyClient,
    runner: Runner,
    *,
    environ: Mapping[str, str],
    deadline: float,
    signals: Signals,
    keep: Callable[[Ephemeral], None],
    engine: DockerClient | None = None,
) -> Ephemeral | None:
    """Create the location, its key and the agent, and wait for it (see the module docstring).

    `keep` receives the `Ephemeral` before anything is created, so the caller can close it
    whatever happens next. Returns None when a signal came first (what exists is in `keep`'s).
    """
    settings = config.trigger.private_location if config.trigger else None
    if settings is None:
        return None
    from gate.runner import agent_container as docker  # noqa: PLC0415 - only with this option

    engine = engine or docker.connect(environ)  # no engine: exit 2 before anything is created
    eph = Ephemeral(client, runner, new_token())
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
    engine: DockerClient | None = None,
) -> tuple[Config, NoVerdict | None]:
    """The config to trigger with: the test session runs in the run's own private location
    (and its name ends with the location's token) once the agent is connected; no trigger at
    all when a signal came first, or when the location or its agent failed (the error is
    handed back, like a trigger's, so the sessions given by ID are still awaited and
    reported). No Docker engine is an invalid option: raised at once."""
    if config.trigger is None or config.trigger.private_location is None:
        return config, None
    try:
        eph = open_location(
            config,
            client,
            runner,
            environ=environ,
            deadline=start + config.timeout_s,
            signals=signals,
            keep=keep.append,
            engine=engine,
        )
    except NoVerdict as exc:  # like a trigger error: the sessions given by ID still count
        return dataclasses.replace(config, trigger=None), exc
    if eph is None:
        return dataclasses.replace(config, trigger=None), None
    chosen = dataclasses.replace(config.trigger, location=eph.slug, token=eph.token)
    return dataclasses.replace(config, trigger=chosen), None


def start_private_trigger(
    config: Config,
    client: ChecklyClient,
    runner: Runner,
    *,
    environ: Mapping[str, str],
    start: float,
    signals: Signals,
    keep: list[Ephemeral],
    engine: DockerClient | None = None,
) -> tuple[Started | None, list[str], GateError | None]:
    """`start_trigger`, in the run's private location first when the options ask for one."""
    run_config, private_error = open_private(
        config,
        client,
        runner,
        environ=environ,
        start=start,
        signals=signals,
        keep=keep,
        engine=engine,
    )
    started, notes, error = start_trigger(
        run_config, client, runner, environ=environ, start=start, signals=signals
    )
    return started, notes, error or private_error
