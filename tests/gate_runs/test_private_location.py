"""SPEC §12, the whole gate: an ephemeral private location and its agent, against the simulator
and a fake Docker Engine API whose containers are processes (tests/support/fake_docker.py):
`sim-agent` runs the simulator's own agent (`python -m gate.simulator agent`).

The real container engine runs the same path in tests/gate_runs/test_private_location_engine.py.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gate.checkly.private_locations import SLUG_PREFIX
from gate.runner.agent_container import LABEL
from gate.simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.support.fake_docker import FakeDocker
from tests.support.gate_process import Gate, wait_until
from tests.support.gate_run import GateRun, run_gate
from tests.support.private_app import PREVIEW_CHECK, SLOW_CHECK, App, running_app
from tests.support.trigger_driver import call


@pytest.fixture
def docker() -> Iterator[FakeDocker]:
    fake = FakeDocker()
    yield fake
    fake.close()


@pytest.fixture
def app() -> Iterator[App]:
    with running_app() as running:
        yield running


def gate(
    sim: Simulator,
    tmp_path: Path,
    docker: FakeDocker | None,
    app: App,
    *extra: str,
    image: str = "sim-agent",
    environ: dict[str, str] | None = None,
) -> GateRun:
    args = [
        "--private-location", "ephemeral", "--agent-image", image, "--tags", "preview",
        "--env", f"ENVIRONMENT_URL={app.url}", "--timeout", "60s", *extra,
    ]  # fmt: skip
    env = {"GITHUB_RUN_NUMBER": "7", "GITHUB_RUN_ATTEMPT": "2"}
    env["DOCKER_HOST"] = docker.host if docker else "unix:///nonexistent/docker.sock"
    return run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        args=args,
        environ=env | (environ or {}),
    )


def assert_nothing_left(sim: Simulator, docker: FakeDocker) -> None:
    assert docker.containers == {}
    assert sim.triggers.private.locations == {}


def test_the_check_runs_on_the_agent_against_the_app(
    simulator: SimulatorFactory, docker: FakeDocker, app: App, tmp_path: Path
) -> None:
    sim = simulator(catalogue=[PREVIEW_CHECK])
    run = gate(sim, tmp_path, docker, app)
    assert run.code == 0, run.stdout
    assert app.hits == 1  # the agent requested the app, at the URL the env gave
    (session,) = run.sessions
    assert session["outcome"] == "passed"
    body = next(b for m, r, b in docker.requests if r == "/containers/create")
    token = body["Labels"][LABEL]
    assert body["HostConfig"]["NetworkMode"] == "host"
    env = dict(e.split("=", 1) for e in body["Env"])
    assert env["API_KEY"].startswith("pl_")
    masked = f"::add-mask::{env['API_KEY']}\n"
    assert masked in run.stdout  # the key is a secret: masked first, never printed
    assert env["API_KEY"] not in run.stdout.replace(masked, "") + run.summary
    trigger = next(r for r in sim.requests if r.path == "/v1/test-sessions/trigger")
    sent = json.loads(trigger.request_body)
    assert sent["runLocation"] == f"{SLUG_PREFIX}{token}"
    assert sent["name"].endswith(f" · {token}")  # one run token: the session's and the location's
    create = next(
        r for r in sim.requests if r.method == "POST" and r.path == "/v1/private-locations"
    )
    assert json.loads(create.request_body)["name"] == f"checkly-gate octo-org/shop #7.2 · {token}"
    assert_nothing_left(sim, docker)
    assert f"Removed the agent and the private location ({SLUG_PREFIX}{token})" in run.stdout


def test_a_broken_app_fails_the_gate_with_the_agents_log(
    simulator: SimulatorFactory, docker: FakeDocker, app: App, tmp_path: Path
) -> None:
    sim = simulator(catalogue=[PREVIEW_CHECK])
    app.broken = True
    run = gate(sim, tmp_path, docker, app)
    assert run.code == 1, run.stdout
    (session,) = run.sessions
    assert session["outcome"] == "failed"
    assert "503" in run.summary
    assert "The Checkly agent's last log lines" in run.summary
    (tail,) = [w for w in run.report["warnings"] if "agent's last log lines" in w]
    assert "Preview health: GET " + app.url + "/health -> 503 (failed)" in tail
    assert_nothing_left(sim, docker)


def test_no_docker_socket_is_an_invalid_option(
    simulator: SimulatorFactory, app: App, tmp_path: Path
) -> None:
    sim = simulator(catalogue=[PREVIEW_CHECK])
    run = gate(sim, tmp_path, None, app)
    assert run.code == 2, run.stdout
    assert "private-location: no Docker socket at /nonexistent/docker.sock" in run.stdout
    assert "/var/run/docker.sock" in run.stdout  # the fix
    assert sim.requests == []  # nothing created, nothing triggered


def test_a_plan_without_private_locations_is_exit_3_naming_the_limit(
    simulator: SimulatorFactory, docker: FakeDocker, app: App, tmp_path: Path
) -> None:
    sim = simulator(catalogue=[PREVIEW_CHECK])
    sim.triggers.private.limit = 0
    run = gate(sim, tmp_path, docker, app)
    assert run.code == 3, run.stdout
    assert "HTTP 402" in run.stdout and "plan" in run.stdout
    assert "private location" in run.stdout
    assert not any(r.path == "/v1/test-sessions/trigger" for r in sim.requests)
    assert docker.requests and docker.containers == {}


@pytest.mark.parametrize("image", ["silent-agent", "crashing-agent"])
def test_no_agent_in_time_is_exit_3_with_its_log_scrubbed(
    simulator: SimulatorFactory, docker: FakeDocker, app: App, tmp_path: Path, image: str
) -> None:
    sim = simulator(catalogue=[PREVIEW_CHECK])
    run = gate(sim, tmp_path, docker, app, "--agent-timeout", "5s", image=image)
    assert run.code == 3, run.stdout
    assert "No Checkly agent connected to the private location" in run.stdout
    assert "last log lines" in run.stdout
    assert "starting" in run.stdout  # the agent's own line
    if image == "crashing-agent":
        assert "the agent container stopped (exited)" in run.stdout
        assert "ERROR invalid key ***" in run.stdout  # the key it printed, scrubbed
        assert run.elapsed < 5  # a stopped agent is not waited for
    key = next(b for m, r, b in docker.requests if r == "/containers/create")["Env"]
    raw = next(e for e in key if e.startswith("API_KEY="))[len("API_KEY=") :]
    assert f"::add-mask::{raw}\n" in run.stdout
    assert raw not in run.stdout.replace(f"::add-mask::{raw}\n", "")
    assert not any(r.path == "/v1/test-sessions/trigger" for r in sim.requests)
    assert_nothing_left(sim, docker)


def test_a_missing_image_is_exit_3_saying_so(
    simulator: SimulatorFactory, docker: FakeDocker, app: App, tmp_path: Path
) -> None:
    sim = simulator(catalogue=[PREVIEW_CHECK])
    run = gate(sim, tmp_path, docker, app, image="checkly/agent:0.0.0")
    assert run.code == 3, run.stdout
    assert "Could not start the Checkly agent (checkly/agent:0.0.0)" in run.stdout
    assert "pull access denied" in run.stdout
    assert_nothing_left(sim, docker)


def test_the_deadline_cancels_the_session_and_cleans_up(
    simulator: SimulatorFactory, docker: FakeDocker, app: App, tmp_path: Path
) -> None:
    sim = simulator(catalogue=[SLOW_CHECK])
    run = gate(sim, tmp_path, docker, app, "--timeout", "8s")
    assert run.code == 1, run.stdout
    (session,) = run.sessions
    assert session["outcome"] == "incomplete"
    assert sim.triggers.cancelled  # cancelled at the deadline, then the location deleted
    assert_nothing_left(sim, docker)
    assert run.elapsed < 8 + 15 + 2


def test_sigterm_cleans_up_within_5_s(
    simulator: SimulatorFactory, docker: FakeDocker, app: App, start_gate: Any
) -> None:
    sim = simulator(catalogue=[SLOW_CHECK])
    proc: Gate = start_gate(
        sim, [], private_location="ephemeral", agent_image="sim-agent", tags="preview",
        env=f"ENVIRONMENT_URL={app.url}", timeout="2m", extra_env={"DOCKER_HOST": docker.host},
    )  # fmt: skip
    wait_until(lambda: app.hits > 0, "the agent's request", 30)
    sent = time.monotonic()
    proc.proc.send_signal(signal.SIGTERM)
    code = proc.finish(10)
    assert code == 143, proc.stdout + proc.stderr
    assert time.monotonic() - sent < 5
    assert sim.triggers.cancelled
    assert_nothing_left(sim, docker)


def _triggered(sim: Simulator) -> bool:
    return any(r.path == "/v1/test-sessions/trigger" for r in sim.requests)


def test_a_later_run_removes_only_the_gates_own_leftovers_older_than_6_hours(
    simulator: SimulatorFactory, docker: FakeDocker, app: App, tmp_path: Path
) -> None:
    sim = simulator(catalogue=[PREVIEW_CHECK])
    hours = 3600.0  # the API dates a location's creation (no time): 31 h old is surely > 6 h
    left = {
        "old": ("checkly-gate-aaaaaaaa", "checkly-gate octo-org/shop #1.1 · aaaaaaaa", 31 * hours),
        "fresh": ("checkly-gate-bbbbbbbb", "checkly-gate octo-org/shop #2.1 · bbbbbbbb", 5 * hours),
        "foreign": ("office-dc", "Office data centre", 30 * hours),
        "lookalike": ("checkly-gate-cccccccc", "Someone's location", 30 * hours),
    }
    ids = {}
    for what, (slug, name, age) in left.items():
        created = call(sim, "POST", "/v1/private-locations", {"name": name, "slugName": slug})
        ids[what] = created.json()["id"]
        sim.triggers.private.locations[ids[what]]["created"] -= age
    old = docker.add_stale(labels={LABEL: "aaaaaaaa"}, age_s=7 * hours, name="old-agent")
    fresh = docker.add_stale(labels={LABEL: "bbbbbbbb"}, age_s=5 * hours, name="fresh-agent")
    other = docker.add_stale(labels={"app": "db"}, age_s=30 * hours, name="their-database")
    run = gate(sim, tmp_path, docker, app)
    assert run.code == 0, run.stdout
    assert set(sim.triggers.private.locations) == {ids["fresh"], ids["foreign"], ids["lookalike"]}
    assert set(docker.containers) == {fresh, other}
    assert old not in docker.containers
    assert "Removed the private location checkly-gate-aaaaaaaa a stopped run left" in run.stdout
    assert "Removed the agent container old-agent a stopped run left" in run.stdout


def test_sigterm_while_waiting_for_the_agent_triggers_nothing_and_cleans_up(
    simulator: SimulatorFactory, docker: FakeDocker, app: App, start_gate: Any
) -> None:
    sim = simulator(catalogue=[PREVIEW_CHECK])
    proc: Gate = start_gate(
        sim, [], private_location="ephemeral", agent_image="silent-agent", tags="preview",
        env=f"ENVIRONMENT_URL={app.url}", timeout="2m", extra_env={"DOCKER_HOST": docker.host},
    )  # fmt: skip
    wait_until(lambda: bool(docker.containers), "the agent container", 30)
    time.sleep(0.3)
    sent = time.monotonic()
    proc.proc.send_signal(signal.SIGTERM)
    code = proc.finish(10)
    assert code == 143, proc.stdout + proc.stderr
    assert time.monotonic() - sent < 5
    assert not _triggered(sim)
    assert_nothing_left(sim, docker)
