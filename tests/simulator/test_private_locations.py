"""The simulator's private locations (SPEC §12): keys, agents that connect by polling with the
key, and test sessions in the location that the agent runs; the simulator's agent itself
(`gate.simulator.agent`) against an app on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from gate.simulator.agent import Agent, main, substitute
from tests.conftest import SimulatorFactory
from tests.support.private_app import PREVIEW_CHECK, running_app
from tests.support.trigger_driver import call

ROUTE = "/v1/private-locations"


def location(sim: Any, slug: str = "checkly-gate-12345678") -> tuple[dict[str, Any], str]:
    created = call(sim, "POST", ROUTE, {"name": f"checkly-gate t · {slug[-8:]}", "slugName": slug})
    assert created.status_code == 201, created.text
    key = call(sim, "POST", f"{ROUTE}/{created.json()['id']}/keys", {})
    assert key.status_code == 201
    return created.json(), key.json()["rawKey"]


def poll(sim: Any, key: str, agent: str = "a1") -> Any:
    headers = {"Authorization": f"Bearer {key}", "X-Agent-Id": agent}
    return call(sim, "GET", "/agent/v1/jobs", headers=headers)


def test_an_agent_polling_with_the_key_is_counted(simulator: SimulatorFactory) -> None:
    sim = simulator()
    found, key = location(sim)
    assert key.startswith("pl_")
    one = f"{ROUTE}/{found['id']}"
    assert call(sim, "GET", one).json()["agentCount"] == 0
    assert poll(sim, "pl_not-a-key").status_code == 401
    assert call(sim, "GET", one).json()["agentCount"] == 0
    assert poll(sim, key).json() == {"jobs": []}
    assert call(sim, "GET", one).json()["agentCount"] == 1
    poll(sim, key)  # the same agent again
    assert call(sim, "GET", one).json()["agentCount"] == 1
    poll(sim, key, agent="a2")
    assert call(sim, "GET", one).json()["agentCount"] == 2
    listed = call(sim, "GET", ROUTE).json()
    assert [entry["slugName"] for entry in listed] == ["checkly-gate-12345678"]
    assert "rawKey" not in str(listed)  # the key is shown once, when created


def test_a_key_stops_working_when_its_location_is_deleted(simulator: SimulatorFactory) -> None:
    sim = simulator()
    found, key = location(sim)
    assert call(sim, "DELETE", f"{ROUTE}/{found['id']}").status_code == 204
    assert poll(sim, key).status_code == 401
    assert sim.triggers.private.deleted == [found["id"]]


def test_a_slug_must_be_a_slug_and_not_a_public_region(simulator: SimulatorFactory) -> None:
    sim = simulator()
    for slug in ("eu-west-1", "has space", "x" * 31):
        answer = call(sim, "POST", ROUTE, {"name": "n", "slugName": slug})
        assert answer.status_code == 400, slug


@pytest.mark.parametrize("broken", [False, True])
def test_the_agent_runs_the_sessions_checks_against_the_app(
    simulator: SimulatorFactory, broken: bool
) -> None:
    sim = simulator(catalogue=[PREVIEW_CHECK])
    found, key = location(sim)
    stop = threading.Event()
    with running_app() as app:
        app.broken = broken
        agent = threading.Thread(target=Agent(sim.url, key, 0.05, stop).run, daemon=True)
        agent.start()
        body = {
            "name": "preview",
            "runLocation": found["slugName"],
            "target": {"matchTags": [["preview"]]},
            "environmentVariables": [{"key": "ENVIRONMENT_URL", "value": app.url}],
        }
        started = call(sim, "POST", "/v1/test-sessions/trigger", body).json()
        path = f"/v1/test-sessions/{started['testSessionId']}"
        until = time.monotonic() + 10
        while call(sim, "GET", path).json()["status"] not in ("PASSED", "FAILED"):
            assert time.monotonic() < until, "the agent never reported"
            time.sleep(0.05)
        stop.set()
        agent.join(5)
    session = call(sim, "GET", path).json()
    assert session["status"] == ("FAILED" if broken else "PASSED")
    (result,) = session["results"]
    assert result["runLocation"] == found["slugName"]
    assert app.hits == 1
    detail = call(sim, "GET", f"{path}/results/{result['testSessionResultId']}").json()
    assert f"{app.url}/health" in str(detail)
    assert ("503" in str(detail)) is broken


def test_substitution_and_a_missing_key(capsys: pytest.CaptureFixture[str]) -> None:
    url = "{{ENVIRONMENT_URL}}/a?b={{ B }}&c={{UNKNOWN}}"
    assert (
        substitute(url, {"ENVIRONMENT_URL": "http://x", "B": "1"}) == "http://x/a?b=1&c={{UNKNOWN}}"
    )
    assert main([], {"CHECKLY_API_URL": "http://127.0.0.1:1"}) == 2
    assert "API_KEY and CHECKLY_API_URL" in capsys.readouterr().out
