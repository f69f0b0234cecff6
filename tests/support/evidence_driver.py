"""Drives the simulator's evidence routes (SPEC §10) through every status their OpenAPI entries
document: asset manifests, root-cause requests and polls. Used by the schema tests of
`tests/simulator/`; the downloads (`/v1/assets/…`, `/signed/…`) are files, not JSON.
"""

from __future__ import annotations

import requests

from gate.simulator import ScriptedResult, ScriptedSession, Simulator
from gate.simulator.bodies import pending_analysis_id
from tests.support.simulator_http import auth, get

MISSING = "0b8f3c52-7d1e-4c4a-9f55-3e2a1d6c8b90"
FILE_PREFIXES = ("/v1/assets/", "/signed/")  # answered with files, never validated as JSON


def post(sim: Simulator, path: str, body: object, headers: dict[str, str] | None = None) -> int:
    answer = requests.post(
        sim.url + path, json=body, headers=auth(sim) if headers is None else headers, timeout=10
    )
    return answer.status_code


def drive_evidence(sim: Simulator, limited: Simulator) -> None:
    """Every documented status of every evidence route, on `sim` (and 429s on `limited`)."""
    failing = ScriptedResult("Login", "failed", "PLAYWRIGHT", error_group="boom", root_cause=True)
    cut = ScriptedResult("Cart", "failed", "BROWSER", error_group="cart", assets_truncated=True)
    api = ScriptedResult("Orders", "failed", "API", error_group="500")
    running = ScriptedResult("Search", "failed", "API", error_group="409", root_cause="pending")
    test = sim.add(ScriptedSession("test", "FAILED", results=[failing, cut, running]))
    check = sim.add(ScriptedSession("check", "FAILED", results=[api]))
    sim.finish(test.id)
    sim.finish(check.id)
    manifests = [
        f"/v1/test-sessions/{test.id}/results/{failing.rid}/assets",
        f"/v1/test-sessions/{test.id}/results/{cut.rid}/assets",
        f"/v1/check-results/{api.cid}/{api.rid}/assets",
    ]
    for path in manifests:
        get(sim, path)  # 200
    for path in (
        f"/v1/test-sessions/{test.id}/results/{MISSING}/assets",
        f"/v1/check-results/{MISSING}/{MISSING}/assets",
    ):
        get(sim, path)  # 404
        get(sim, path.replace(MISSING, "not-a-uuid"))  # 400
        get(sim, path, headers={})  # 401
        get(sim, path, headers={"Authorization": f"Bearer {sim.api_key}"})  # 403
        get(limited, path)  # 429
    groups = [
        ("test-session-error-groups", g)
        for g in sorted({g for r in (failing, cut) for g in _group_ids(sim, "test", r)})
    ] + [("error-groups", g) for g in _group_ids(sim, "check", api)]
    ids: list[str] = []
    for family, group in groups:
        path = f"/v1/root-cause-analyses/{family}/{group}"
        answer = requests.post(sim.url + path, json={"userContext": "PR #42"}, headers=auth(sim))
        ids.append(answer.json()["id"])  # 202
        post(sim, path, {}, headers={})  # 401
        post(sim, path, {}, headers={"Authorization": f"Bearer {sim.api_key}"})  # 403
        post(limited, path, {})  # 429
        post(sim, f"/v1/root-cause-analyses/{family}/{MISSING}", {})  # 404
    sim.evidence.rca_status = 402
    for family, group in (groups[0], groups[-1]):
        post(sim, f"/v1/root-cause-analyses/{family}/{group}", {})
    sim.evidence.rca_status = None
    for analysis in ids:
        path = f"/v1/root-cause-analyses/{analysis}"
        get(sim, path)  # 202 (pending)
        get(sim, path)  # 200
        get(sim, path, headers={})  # 401
        get(sim, path, headers={"Authorization": f"Bearer {sim.api_key}"})  # 403
        get(limited, path)  # 429
    get(sim, f"/v1/root-cause-analyses/{MISSING}")  # 404
    (group,) = _group_ids(sim, "test", running)  # an analysis under way: its entry, then polls
    get(sim, f"/v1/test-session-error-groups/{group}")
    for _ in range(2):
        get(sim, f"/v1/root-cause-analyses/{pending_analysis_id(group)}")
    get(sim, f"/v1/test-session-error-groups/{_group_ids(sim, 'test', failing)[0]}")
    get(sim, f"/v1/error-groups/{_group_ids(sim, 'check', api)[0]}")


def _group_ids(sim: Simulator, kind: str, result: ScriptedResult) -> list[str]:
    from gate.simulator.scenarios import group_id

    return [group_id(kind, result.cid, result.error_group)] if result.error_group else []
