"""The Checkly agent container of an ephemeral private location (SPEC §12), through the Docker
Engine API at `DOCKER_HOST` or `/var/run/docker.sock` (which the GitHub runner mounts into
every container action), with the `docker` library (imported only here, only when needed).

The container runs with host networking (so `http://localhost:<port>` is the app the job
started), `API_KEY` set to the location's key, and a label carrying the run's token, so a later
run can find and remove what a killed one left: only containers with the gate's label, and only
when older than 6 hours.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gate.core.errors import InvalidOptions, NoVerdict

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.containers import Container

DEFAULT_SOCKET = "/var/run/docker.sock"
LABEL = "io.github.checkly-gate.token"  # value: the run's token
API_VERSION = "1.41"  # Docker Engine 20.10+, podman 4's compatible API
STALE_AFTER_S = 6 * 3600.0
PASSED_ON = ("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy")
FIX = (
    "private-location: ephemeral starts the Checkly agent through the Docker Engine API: on "
    "GitHub, run the gate as the container action (the runner mounts /var/run/docker.sock "
    "into it); with `docker run`, add `-v /var/run/docker.sock:/var/run/docker.sock`; "
    "elsewhere set DOCKER_HOST to the engine's socket (podman: `podman system service`). "
    "Or leave private-location out."
)


def engine_url(environ: Mapping[str, str]) -> str:
    return environ.get("DOCKER_HOST", "").strip() or f"unix://{DEFAULT_SOCKET}"


def connect(environ: Mapping[str, str], timeout: int = 10) -> DockerClient:
    """A client of the engine, checked with a ping; exit 2 naming the option when none answers."""
    url = engine_url(environ)
    if url.startswith("unix://") and not os.path.exists(url[len("unix://") :]):
        raise InvalidOptions([f"private-location: no Docker socket at {url[7:]}. {FIX}"])
    import docker  # noqa: PLC0415 - only a run with an ephemeral private location pays for it

    try:
        client = docker.DockerClient(base_url=url, version=API_VERSION, timeout=timeout)
        client.ping()
    except Exception as exc:  # the library raises several kinds for one cause: no engine
        raise InvalidOptions(
            [f"private-location: no Docker engine answers at {url} ({_short(exc)}). {FIX}"]
        ) from exc
    return client


@dataclasses.dataclass
class Agent:
    """One started agent container."""

    container: Container
    name: str

    def status(self) -> str:
        """`running`, `exited`, … (`gone` when the engine no longer knows it)."""
        try:
            self.container.reload()
        except Exception:
            return "gone"
        return str(self.container.status)

    def log_tail(self, lines: int = 20) -> list[str]:
        """The agent's last log lines (stdout and stderr), raw: the caller scrubs them."""
        try:
            raw = self.container.logs(stdout=True, stderr=True, tail=lines)
        except Exception:
            return []
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        return [line for line in text.splitlines() if line.strip()][-lines:]

    def remove(self) -> str | None:
        """Stop and remove it at once (a forced remove kills it); None when it is gone."""
        try:
            self.container.remove(force=True)
        except Exception as exc:
            if "404" in str(exc) or "No such container" in str(exc):
                return None
            return _short(exc)
        return None


def start(
    client: DockerClient,
    image: str,
    key: str,
    token: str,
    *,
    extra_env: Mapping[str, str],
    environ: Mapping[str, str],
) -> Agent:
    """Create and start the agent (pulling `image` first when the engine lacks it)."""
    import docker.errors  # noqa: PLC0415 - see connect

    env = {name: environ[name] for name in PASSED_ON if environ.get(name)}
    env |= {**extra_env, "API_KEY": key}
    name = f"checkly-gate-agent-{token}"
    options: dict[str, Any] = {
        "environment": env,
        "network_mode": "host",
        "labels": {LABEL: token},
        "name": name,
        "detach": True,
    }
    try:
        try:
            container = client.containers.create(image, **options)
        except docker.errors.ImageNotFound:
            repository, _, tag = image.rpartition(":") if _tagged(image) else (image, "", "")
            client.images.pull(repository, tag=tag or "latest")
            container = client.containers.create(image, **options)
    except docker.errors.DockerException as exc:
        raise NoVerdict(f"Could not start the Checkly agent ({image}): {_short(exc)}") from exc
    agent = Agent(container, name)
    try:
        container.start()
    except docker.errors.DockerException as exc:
        agent.remove()
        raise NoVerdict(f"Could not start the Checkly agent ({image}): {_short(exc)}") from exc
    return agent


def remove_stale(client: DockerClient, now: float | None = None) -> list[str]:
    """Remove agent containers with the gate's label created more than 6 hours ago (what a
    killed run left); returns their names. Never a container without the label."""
    now = time.time() if now is None else now
    removed: list[str] = []
    with contextlib.suppress(Exception):
        for container in client.containers.list(all=True, filters={"label": LABEL}):
            labels = container.labels or {}
            created = _created(container.attrs.get("Created"))
            if LABEL in labels and created is not None and created < now - STALE_AFTER_S:
                with contextlib.suppress(Exception):
                    container.remove(force=True)
                    removed.append(str(container.name))
    return removed


def _created(value: object) -> float | None:
    from datetime import datetime  # noqa: PLC0415 - only for a sweep

    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return None
    text = value.replace("Z", "+00:00")
    if "." in text:  # nanoseconds: fromisoformat takes at most 6 digits
        head, _, rest = text.partition(".")
        digits = "".join(c for c in rest if c.isdigit())
        text = f"{head}.{digits[:6]}{rest[len(digits) :]}"
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def _tagged(image: str) -> bool:
    return ":" in image.rsplit("/", maxsplit=1)[-1]


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
