"""The simulator speaks the API as documented: `test_every_body_matches_the_openapi_schema`
drives every endpoint through every state and status, and validates every JSON body the
simulator sent against the schema of its path and status code in
`../shared/checkly-api/checkly-openapi-subset.json` (with undocumented fields forbidden).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from gate.simulator import (
    Fault,
    ScriptedResult,
    ScriptedSession,
    Simulator,
    demo_sessions,
)
from tests.conftest import SimulatorFactory
from tests.support.evidence_driver import FILE_PREFIXES, drive_evidence
from tests.support.openapi import NOT_SERVED_YET, OPENAPI, validate_body
from tests.support.simulator_http import CHECK, TEST, completion, get, results, session_path
from tests.support.trigger_driver import drive_trigger_mode

# -- schema proof ---------------------------------------------------------------------------------


KINDS = ["API", "BROWSER", "MULTI_STEP", "PLAYWRIGHT", "AGENTIC", "TCP", "URL", "DNS"]
ENDINGS = {"passed": "eu-west-1", "failed": "us-east-1", "degraded": "sa-east-1", "cancelled": "me"}


def every_shape() -> Iterator[ScriptedSession]:
    """Sessions in every final status, with every kind of result in every ending."""

    def run(name: str, end: str, kind: str, **kw: Any) -> ScriptedResult:
        group = f"{name} broke" if end == "failed" else None
        kw.setdefault("response_time_ms", None if end == "cancelled" else 99.5)
        return ScriptedResult(name, end, kind, ENDINGS[end], error_group=group, **kw)

    for status in ("PASSED", "FAILED", "CANCELLED"):
        mixed = [run(f"{kind} check", end, kind) for kind in KINDS for end in ENDINGS]
        mixed.insert(0, run("API check", "failed", "API", result_type="ATTEMPT"))
        yield ScriptedSession("test", status, f"tests {status}", results=mixed)
    for status in ("PASSED", "FAILED", "DEGRADED", "TIMED_OUT", "CANCELLED"):
        for kind in KINDS:
            runs = [run(f"{kind} {status}", end, kind) for end in ENDINGS]
            runs.insert(0, run(f"{kind} {status}", "failed", kind, result_type="ATTEMPT"))
            yield ScriptedSession("check", status, f"{kind} {status}", results=runs)
    yield ScriptedSession("check", "PASSED", "no results yet")


def drive(sim: Simulator, sessions: list[ScriptedSession]) -> None:
    """Every endpoint of every session: GET, completion, each result detail, each error group."""
    for session in sessions:
        get(sim, session_path(session))
        for result in session.results:
            if session.kind == "test":
                get(sim, f"{session_path(session)}/results/{result.rid}")
            else:
                get(sim, f"/v1/check-results/{result.cid}/{result.rid}")
    for session in sessions:
        if sim.completed_at(session.id) is None:
            assert completion(sim, session, wait=1).status_code == 408
            sim.finish(session.id)
        body = completion(sim, session).json()
        get(sim, session_path(session))
        for group in body.get("errorGroupIds", []):
            get(sim, f"/v1/test-session-error-groups/{group}")
        for result in session.results:
            if session.kind == "test":
                get(sim, f"{session_path(session)}/results/{result.rid}")
            else:
                detail = get(sim, f"/v1/check-results/{result.cid}/{result.rid}").json()
                for group in detail["errorGroupIds"]:
                    get(sim, f"/v1/error-groups/{group}")


def drive_errors(sim: Simulator, limited: Simulator) -> None:
    """Every documented error status of every endpoint."""
    test, check = ScriptedSession("test", "PASSED"), ScriptedSession("check", "PASSED")
    sim.add(test)
    sim.add(check)
    missing = "0b8f3c52-7d1e-4c4a-9f55-3e2a1d6c8b90"
    paths = [
        (f"{TEST}{{}}", True),
        (f"{TEST}{{}}/completion", True),
        (f"{TEST}{{}}/results/{missing}", True),
        (f"{CHECK}{{}}", True),
        (f"{CHECK}{{}}/completion", True),
        (f"/v1/check-results/{missing}/{{}}", True),
        ("/v1/test-session-error-groups/{}", True),
        ("/v1/error-groups/{}", False),
    ]
    for path, has_400 in paths:
        for target in (sim, limited):
            get(target, path.format(missing))  # 404 (429 on the rate-limited one)
        get(sim, path.format(missing), headers={})  # 401
        get(sim, path.format(missing), headers={"Authorization": f"Bearer {sim.api_key}"})  # 403
        if has_400:
            get(sim, path.format("not-a-uuid"))
    for session in (test, check):
        get(sim, f"{session_path(session)}/completion", params={"maxWaitSeconds": 0})
    for code in (404, 400):
        gone = sim.add(ScriptedSession("test", "PASSED", http_status=code))
        get(sim, session_path(gone))
        get(sim, f"{session_path(gone)}/completion")
    get(sim, "/v1/unknown")
    drive_history(sim, limited, missing)


def drive_history(sim: Simulator, limited: Simulator, missing: str) -> None:
    """The check-history and check-status routes: every body and documented status."""
    for check in sim.history.check_ids()[:5]:  # the route allows 60 requests per 60 s
        get(sim, f"/v2/check-results/{check}", params={"limit": 3, "fields": "id,hasFailures"})
        get(sim, f"/v2/check-results/{check}")
        get(sim, f"/v1/check-statuses/{check}")
    statuses = ("/v1/check-statuses", f"/v1/check-statuses/{missing}")
    for path in (*statuses, f"/v2/check-results/{missing}", "/v2/check-results/x"):
        for target, headers in ((sim, None), (limited, None), (sim, {})):
            get(target, path, headers=headers)
        get(sim, path, headers={"Authorization": f"Bearer {sim.api_key}"})  # 403
    for target, headers in ((sim, None), (limited, None), (sim, {})):  # 200, 429, 401
        get(target, "/v1/checks", params={"tag": "preview"}, headers=headers)
    get(sim, "/v1/checks", headers={"Authorization": f"Bearer {sim.api_key}"})  # 403
    get(sim, "/v1/checks", params={"limit": 0})  # 400
    for code, path in ((402, f"/v2/check-results/{missing}"), (404, "/v1/check-statuses")):
        sim.fail_all(Fault.status(code))
        get(sim, path)
        sim.fail_all(None)


def test_every_body_matches_the_openapi_schema(simulator: SimulatorFactory) -> None:
    sessions = [*every_shape(), *demo_sessions()]
    running = [
        ScriptedSession(
            "test", "FAILED", never_finishes=True, results=results("failed", "passed", "passed")
        ),
        *(
            ScriptedSession("check", "FAILED", never_finishes=True, results=results(*s))
            for s in (["passed"], ["passed"] * 2, ["failed"] * 2, ["degraded"] * 2)
        ),
    ]
    for session in sessions:
        session.duration_s, session.never_finishes = 0.0, False
    sim = simulator([*sessions, *running], max_wait_cap=0.05)
    limited = simulator(rate_limit=0)
    drive(sim, running + sessions)
    drive_errors(sim, limited)
    drive_trigger_mode(sim, limited)
    drive_evidence(sim, limited)

    seen: set[tuple[str, int]] = set()
    bodies = 0
    for recorded in sim.requests + limited.requests:
        assert recorded.status is not None
        if recorded.method != "GET":  # the POSTs: tests/simulator/test_trigger_routes.py
            continue
        if recorded.path.startswith(FILE_PREFIXES):  # files: tests/gate_runs/test_evidence*.py
            continue
        seen.add(validate_body(recorded.method, recorded.path, recorded.status, recorded.body))
        bodies += 1
    documented = {
        (template, int(status))
        for template, item in OPENAPI["paths"].items()
        if "get" in item and template not in NOT_SERVED_YET
        for status in item["get"]["responses"]
    }
    assert documented - seen == set()  # every documented status of every endpoint was sent
    assert bodies > 500
    bodies_200 = [json.loads(r.body) for r in sim.requests if r.status == 200]
    statuses = {b.get("status") for b in bodies_200 if isinstance(b, dict)}
    assert {"RUNNING", "STARTED", "PROGRESS", "PROGRESS_FAILED", "PROGRESS_DEGRADED"} <= statuses
    assert {"PASSED", "FAILED", "DEGRADED", "TIMED_OUT", "CANCELLED"} <= statuses


def test_the_schema_check_rejects_bodies_that_drift(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED", results=results("passed"))
    sim = simulator([session])
    response = completion(sim, session)
    path, good = f"{TEST}{session.id}/completion", response.json()
    assert validate_body("GET", path, 200, response.content) == (
        "/v1/test-sessions/{testSessionId}/completion",
        200,
    )
    drifts: list[dict[str, Any]] = [
        {k: v for k, v in good.items() if k != "testSessionLink"},  # a required field missing
        good | {"stoppedAt": None},  # null where the schema says nullable: false
        good | {"status": "RUNNING"},  # not in the completion enum
        good | {"testSessionId": "not-a-uuid"},  # format: uuid
        good | {"startedAt": "yesterday"},  # format: date-time
        good | {"timeElapsed": "2s"},  # type
        good | {"results": [good["results"][0] | {"checkType": "SELENIUM"}]},  # nested, via $ref
        good | {"surprise": True},  # a field the API does not document
    ]
    for body in drifts:
        with pytest.raises(jsonschema.ValidationError):
            validate_body("GET", path, 200, json.dumps(body).encode())
    with pytest.raises(AssertionError, match="does not document 500"):
        validate_body("GET", path, 500, b"{}")
    error = {"statusCode": 401, "error": "Unauthorised", "message": "no"}  # enum on this path
    with pytest.raises(jsonschema.ValidationError):
        validate_body("GET", "/v1/error-groups/x", 401, json.dumps(error).encode())
