"""Driving the simulator's trigger-mode routes through every documented status.

`drive_trigger_mode(sim, limited)` sends both triggers, both cancels, the test-session list,
the locations list and the deployed checks (`drive_checks`) through each status their OpenAPI
entries document (201/204/200, 400, 401, 402, 403, 404, 429), so the schema tests
(`tests/simulator/test_simulator.py`, which validates every recorded GET, and
`test_trigger_routes.py`, which validates the POSTs too) see each one.
`limited` is a simulator with `rate_limit=0` (every authenticated request is 429).
"""

from __future__ import annotations

import time
from typing import Any

import requests

from gate.simulator import Fault, Simulator
from gate.simulator.catalogue import DeployedCheck, demo_catalogue
from tests.support.private_driver import drive_private_locations

CATALOGUE = [
    DeployedCheck("Homepage", "API", ("production", "webapp"), ("eu-west-1", "us-east-1")),
    DeployedCheck("Checkout", "BROWSER", ("production", "webapp"), ("eu-west-1",), "failed"),
    DeployedCheck("Orders API", "API", ("production", "backend"), ("eu-west-1",), "degraded"),
    DeployedCheck("Preview", "API", ("preview",), ("eu-west-1",), reads_environment_url=True),
]
MISSING = "0b8f3c52-7d1e-4c4a-9f55-3e2a1d6c8b90"


def auth(sim: Simulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {sim.api_key}", "X-Checkly-Account": sim.account_id}


def call(
    sim: Simulator,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    **kw: Any,
) -> requests.Response:
    """One request with the right credentials (or `headers`), a fresh connection each time."""
    kw.setdefault("timeout", 10)
    sent = headers if headers is not None else auth(sim)
    return requests.request(method, sim.url + path, json=body, headers=sent, **kw)


def drive_trigger_mode(sim: Simulator, limited: Simulator) -> None:
    """Every documented status of the trigger-mode routes (see the module docstring)."""
    sim.triggers.checks = list(CATALOGUE)
    name = {"name": "driver", "runLocation": "eu-west-1"}
    posts = [
        ("/v1/test-sessions/trigger", name | {"target": {"matchTags": [["production"]]}}),
        ("/v2/check-sessions/trigger", {"target": {"matchTags": [["production"]]}}),
    ]
    answers = []
    for path, body in posts:
        created = call(sim, "POST", path, body)
        assert created.status_code == 201, created.text
        answers.append(created.json())
        call(sim, "POST", path, body, headers={})  # 401
        call(sim, "POST", path, body, headers={"Authorization": f"Bearer {sim.api_key}"})  # 403
        call(limited, "POST", path, body)  # 429
        call(sim, "POST", path, body | {"surprise": True})  # 400
        call(sim, "POST", path, body | {"target": {"matchTags": [["no-such-tag"]]}})  # 404
    test_id, check_id = answers[0]["testSessionId"], answers[1]["sessions"][0]["checkSessionId"]
    sim.triggers.limit = sim.triggers.started  # the plan is used up: 402 from now on
    for path, body in posts:
        call(sim, "POST", path, body)
    sim.triggers.limit = None
    for path, session_id in (
        ("/v1/test-sessions/{}/cancel", test_id),
        ("/v1/check-sessions/{}/cancel", check_id),
    ):
        assert call(sim, "POST", path.format(session_id), {}).status_code == 204
        call(sim, "POST", path.format(MISSING), {})  # 404
        call(sim, "POST", path.format("not-a-uuid"), {})  # 400
        call(sim, "POST", path.format(session_id), {}, headers={})  # 401
        no_account = {"Authorization": f"Bearer {sim.api_key}"}
        call(sim, "POST", path.format(session_id), {}, headers=no_account)  # 403
        call(limited, "POST", path.format(session_id), {})  # 429
    since = int(time.time()) - 60
    call(sim, "GET", "/v1/test-sessions", params={"from": since, "textSearch": "driver"})
    call(sim, "GET", "/v1/test-sessions")
    call(sim, "GET", "/v1/test-sessions", params={"textSearch": "ab"})  # 400
    call(sim, "GET", "/v1/test-sessions", headers={})  # 401
    call(sim, "GET", "/v1/test-sessions", headers={"Authorization": f"Bearer {sim.api_key}"})
    sim.triggers.fail("list", Fault.status(402))
    call(sim, "GET", "/v1/test-sessions")  # 402
    call(limited, "GET", "/v1/test-sessions")  # 429
    call(sim, "GET", "/v1/locations")
    call(limited, "GET", "/v1/locations")  # 429
    drive_private_locations(sim, limited, CATALOGUE[0])
    drive_checks(sim, limited)


def drive_checks(sim: Simulator, limited: Simulator) -> None:
    """`GET /v1/checks` and `/v1/checks/{id}`: every check type's body, every documented status."""
    sim.triggers.checks = [*CATALOGUE, *demo_catalogue()]
    one = f"/v1/checks/{CATALOGUE[0].id}"
    call(sim, "GET", "/v1/checks", params={"limit": 100})
    call(sim, "GET", "/v1/checks", params={"tag": ["preview", "webapp"], "page": 1})
    for check in sim.triggers.checks:
        call(sim, "GET", f"/v1/checks/{check.id}")
    call(sim, "GET", "/v1/checks", params={"limit": 0})  # 400
    call(sim, "GET", "/v1/checks/not-a-uuid")  # 400
    call(sim, "GET", f"/v1/checks/{MISSING}")  # 404
    for path in ("/v1/checks", one):
        call(sim, "GET", path, headers={})  # 401
        call(sim, "GET", path, headers={"Authorization": f"Bearer {sim.api_key}"})  # 403
        call(limited, "GET", path)  # 429
    call(sim, "GET", "/v1/check-statuses")  # the catalogue's statuses too
