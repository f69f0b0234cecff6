"""SPEC §12 end to end: the gate, started from entrypoint.py as the runner starts it, creates a
private location in the simulator, starts the agent image on a real container engine (podman's
Docker-compatible API) with host networking, and the agent runs the check against an app on
127.0.0.1 that the test starts and breaks. Nothing is left behind: no container, no location,
after a pass, a failure, SIGTERM and the deadline."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from gate.runner.agent_container import LABEL
from tests.conftest import SimulatorFactory
from tests.support.gate_process import Gate, wait_until
from tests.support.private_app import PREVIEW_CHECK, SLOW_CHECK, App, running_app
from tests.support.private_engine import AGENT_IMAGE, podman


@pytest.fixture
def app() -> Iterator[App]:
    with running_app() as running:
        yield running


def containers() -> list[dict[str, Any]]:
    """Every container with the gate's label, running or not."""
    listed = podman("ps", "--all", "--filter", f"label={LABEL}", "--format", "json")
    return json.loads(listed or "[]")


def start(start_gate: Callable[..., Gate], sim: Any, app: App, host: str, timeout: str) -> Gate:
    return start_gate(
        sim, [], private_location="ephemeral", agent_image=AGENT_IMAGE, tags="preview",
        env=f"ENVIRONMENT_URL={app.url}", timeout=timeout, agent_timeout="1m",
        extra_env={"DOCKER_HOST": host, "GITHUB_REPOSITORY": "octo-org/shop",
                   "GITHUB_RUN_NUMBER": "12", "GITHUB_RUN_ATTEMPT": "1"},
    )  # fmt: skip


def report(gate: Gate) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((gate.workspace / "report.json").read_text("utf-8"))
    return data


def assert_nothing_left(sim: Any) -> None:
    assert containers() == []
    assert sim.triggers.private.locations == {}
    assert sim.triggers.private.deleted  # it was created, and deleted


@pytest.mark.parametrize("broken", [False, True], ids=["healthy", "broken"])
def test_the_agent_on_the_engine_tests_the_app(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate], engine_host: str, app: App,
    broken: bool,
) -> None:  # fmt: skip
    sim = simulator(catalogue=[PREVIEW_CHECK])
    app.broken = broken
    gate = start(start_gate, sim, app, engine_host, "3m")
    code = gate.finish(240)
    assert code == (1 if broken else 0), gate.stdout + gate.stderr
    assert app.hits == 1  # from inside the container, through the host's network
    (session,) = report(gate)["sessions"]
    assert session["outcome"] == ("failed" if broken else "passed")
    assert "The agent is connected to checkly-gate-" in gate.stdout
    if broken:
        (tail,) = [w for w in report(gate)["warnings"] if "agent's last log lines" in w]
        assert f"{app.url}/health -> 503 (failed)" in tail
    assert_nothing_left(sim)


def test_sigterm_removes_the_agent_and_the_location(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate], engine_host: str, app: App
) -> None:
    sim = simulator(catalogue=[SLOW_CHECK])
    gate = start(start_gate, sim, app, engine_host, "3m")
    wait_until(lambda: app.hits > 0, "the agent's request to the app", 120)
    assert len(containers()) == 1
    sent = time.monotonic()
    gate.proc.send_signal(signal.SIGTERM)
    code = gate.finish(15)
    assert code == 143, gate.stdout + gate.stderr
    assert time.monotonic() - sent < 5
    assert sim.triggers.cancelled
    assert_nothing_left(sim)


def test_the_deadline_removes_the_agent_and_the_location(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate], engine_host: str, app: App
) -> None:
    sim = simulator(catalogue=[SLOW_CHECK])
    gate = start(start_gate, sim, app, engine_host, "15s")  # the check hangs for 30 s
    code = gate.finish(15 + 15 + 10)
    assert code == 1, gate.stdout + gate.stderr
    (session,) = report(gate)["sessions"]
    assert session["outcome"] == "incomplete"
    assert sim.triggers.cancelled
    assert_nothing_left(sim)
