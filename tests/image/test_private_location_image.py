"""SPEC §12 as a user meets it on GitHub: the gate's own image, started with the runner's flags
and the runner's Docker socket mounted (here podman's API socket at /var/run/docker.sock),
creates the run's private location in the simulator, starts the agent image through that
socket with host networking, and the agent tests an app on the host's 127.0.0.1. Nothing is
left behind: no agent container, no location. `make image-test` runs it (it needs the image)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from gate.runner.agent_container import LABEL
from tests.conftest import SimulatorFactory
from tests.support import private_engine
from tests.support.private_app import PREVIEW_CHECK, App, running_app
from tests.support.runner_container import start_container


@pytest.fixture
def app() -> Iterator[App]:
    with running_app() as running:
        yield running


@dataclass
class Engine:
    """The engine, the gate's image and the API socket the runner would mount."""

    engine: ModuleType
    image: str
    socket: Path


@pytest.fixture
def runner_engine(engine: ModuleType, image: str, engine_api: Any) -> Engine:
    return Engine(engine, image, engine_api.path)


@pytest.mark.parametrize("broken", [False, True], ids=["healthy", "broken"])
def test_the_action_starts_the_agent_through_the_runners_socket(
    runner_engine: Engine, simulator: SimulatorFactory, app: App, tmp_path: Path, broken: bool
) -> None:
    engine, image = runner_engine.engine, runner_engine.image
    agent_image = private_engine.build_agent_image()
    sim = simulator(catalogue=[PREVIEW_CHECK])
    app.broken = broken
    inputs = {
        "INPUT_API-KEY": sim.api_key, "INPUT_ACCOUNT-ID": sim.account_id,
        "INPUT_API-URL": sim.url, "INPUT_TAGS": "preview",
        "INPUT_PRIVATE-LOCATION": "ephemeral", "INPUT_AGENT-IMAGE": agent_image,
        "INPUT_ENV": f"ENVIRONMENT_URL={app.url}", "INPUT_TIMEOUT": "3m",
        "INPUT_PR-COMMENT": "never",
    }  # fmt: skip
    container = start_container(
        engine.podman_env(), image, tmp_path, inputs,
        volumes=[f"{runner_engine.socket}:/var/run/docker.sock"],
    )  # fmt: skip
    code = container.finish(240)
    assert code == (1 if broken else 0), container.log
    assert container.outputs["result"] == ("failed" if broken else "passed")
    assert app.hits == 1
    assert "The agent is connected to checkly-gate-" in container.stdout
    left = engine.podman("ps", "--all", "--filter", f"label={LABEL}", "--format", "json")
    assert json.loads(left or "[]") == []
    assert sim.triggers.private.locations == {} and sim.triggers.private.deleted
