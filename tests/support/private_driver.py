"""Driving the simulator's private-location routes through every status their OpenAPI entries
document (SPEC §12), for the schema tests: `drive_private_locations(sim, limited)` is called by
`tests/support/trigger_driver.py`'s `drive_trigger_mode`, so `test_simulator_schema.py` (GETs)
and `test_trigger_routes.py` (POSTs and DELETEs) see each one. Only the Public API routes: the
agents' own routes are the simulator's, outside the API subset.
"""

from __future__ import annotations

from typing import Any

from gate.simulator import Simulator
from gate.simulator.catalogue import DeployedCheck

MISSING = "0b8f3c52-7d1e-4c4a-9f55-3e2a1d6c8b90"
ROUTE = "/v1/private-locations"


def drive_private_locations(sim: Simulator, limited: Simulator, check: DeployedCheck) -> None:
    from tests.support.trigger_driver import call

    body = {"name": "checkly-gate driver · 0a1b2c3d", "slugName": "checkly-gate-0a1b2c3d"}
    no_account = {"Authorization": f"Bearer {sim.api_key}"}
    created = call(sim, "POST", ROUTE, body)
    assert created.status_code == 201, created.text
    location: dict[str, Any] = created.json()
    one, keys = f"{ROUTE}/{location['id']}", f"{ROUTE}/{location['id']}/keys"
    assert call(sim, "POST", keys, {}).status_code == 201
    assert call(sim, "GET", ROUTE).status_code == 200
    for method, path, sent in (("POST", ROUTE, body), ("POST", keys, {}), ("GET", ROUTE, None)):
        call(sim, method, path, sent, headers={})  # 401
        call(sim, method, path, sent, headers=no_account)  # 403
        call(limited, method, path, sent)  # 429
    for method in ("GET", "DELETE"):
        call(sim, method, one, headers={})  # 401
        call(sim, method, one, headers=no_account)  # 403
        call(limited, method, one)  # 429
        call(sim, method, f"{ROUTE}/{MISSING}")  # 404
    assert call(sim, "GET", one).json()["agentCount"] == 0
    sim.triggers.private.limit, sim.triggers.private.key_limit = 1, 1
    assert call(sim, "POST", ROUTE, body | {"slugName": "checkly-gate-ffffffff"}).status_code == 402
    assert call(sim, "POST", keys, {}).status_code == 402
    sim.triggers.private.limit = sim.triggers.private.key_limit = None
    trigger = {"name": "driver", "runLocation": location["slugName"]}
    started = call(
        sim, "POST", "/v1/test-sessions/trigger", trigger | {"target": {"checkId": [check.id]}}
    )
    assert started.status_code == 201, started.text
    assert call(sim, "DELETE", one).status_code == 409  # its run has not been taken yet
    cancel = f"/v1/test-sessions/{started.json()['testSessionId']}/cancel"
    assert call(sim, "POST", cancel, {}).status_code == 204
    assert call(sim, "DELETE", one).status_code == 204
    assert call(sim, "DELETE", one).status_code == 404
