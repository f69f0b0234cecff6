"""The simulator's check history and check statuses: every query parameter the gate (or a
user) may send, the route's own rate limit, and bodies that validate against the OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import requests

from gate.simulator import ScriptedResult, ScriptedSession, Simulator, demo_sessions
from gate.simulator.check_history import INTERVAL_S
from tests.conftest import SimulatorFactory
from tests.support.openapi import validate_body
from tests.support.simulator_http import auth


def history(sim: Simulator, check: str, **params: Any) -> requests.Response:
    response = requests.get(
        f"{sim.url}/v2/check-results/{check}", params=params, headers=auth(sim), timeout=10
    )
    validate_body("GET", f"/v2/check-results/{check}", response.status_code, response.content)
    return response


def epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def scripted(letters: str = "FPPFDPPPPPPP") -> tuple[ScriptedSession, str]:
    result = ScriptedResult("Orders API", "failed", history=letters)
    result2 = ScriptedResult("Orders API", "failed", location="us-east-1")
    return ScriptedSession("test", "FAILED", results=[result, result2]), result.cid


def test_history_is_the_scripted_runs_newest_first(simulator: SimulatorFactory) -> None:
    session, check = scripted()
    sim = simulator([session])
    body = history(sim, check, limit=100).json()
    assert body["length"] == 12 and body["nextId"] is None
    flags = [(e["hasFailures"], e["isDegraded"]) for e in body["entries"]]
    assert flags[:5] == [
        (True, False),
        (False, False),
        (False, False),
        (True, False),
        (False, True),
    ]
    starts = [e["startedAt"] for e in body["entries"]]
    assert starts == sorted(starts, reverse=True)
    assert {e["runLocation"] for e in body["entries"]} == {"eu-west-1", "us-east-1"}
    assert {e["resultType"] for e in body["entries"]} == {"FINAL"}


def test_limit_and_next_id_page_through(simulator: SimulatorFactory) -> None:
    session, check = scripted()
    sim = simulator([session])
    first = history(sim, check).json()  # the default limit is 10
    assert first["length"] == 10 and first["nextId"]
    rest = history(sim, check, nextId=first["nextId"]).json()
    assert rest["length"] == 2 and rest["nextId"] is None
    ids = [e["id"] for e in first["entries"] + rest["entries"]]
    assert len(set(ids)) == 12
    assert history(sim, check, limit=0).status_code == 400
    assert history(sim, check, limit=101).status_code == 400
    assert history(sim, check, nextId="bogus").status_code == 400


def test_to_from_result_type_and_has_failures_filter(simulator: SimulatorFactory) -> None:
    session, check = scripted()
    sim = simulator([session])
    entries = history(sim, check, limit=100).json()["entries"]
    second = epoch(entries[1]["startedAt"])
    before = history(sim, check, to=second, limit=100).json()["entries"]  # `to` is exclusive
    assert [e["id"] for e in before] == [e["id"] for e in entries[2:]]
    since = history(sim, check, **{"from": second}, limit=100).json()["entries"]
    assert [e["id"] for e in since] == [e["id"] for e in entries[:2]]
    assert history(sim, check, resultType="ATTEMPT").json()["length"] == 0
    assert history(sim, check, resultType="ALL", limit=100).json()["length"] == 12
    assert history(sim, check, resultType="SOME").status_code == 400
    failed = history(sim, check, hasFailures="true", limit=100).json()["entries"]
    assert len(failed) == 2 and all(e["hasFailures"] for e in failed)
    assert second - epoch(entries[2]["startedAt"]) == INTERVAL_S


def test_fields_project_each_entry(simulator: SimulatorFactory) -> None:
    session, check = scripted()
    sim = simulator([session])
    body = history(sim, check, fields="id,hasFailures,startedAt").json()
    assert all(set(e) == {"id", "hasFailures", "startedAt"} for e in body["entries"])
    bad = history(sim, check, fields="id,password")
    assert bad.status_code == 400 and "password" in bad.json()["message"]


def test_an_unknown_check_has_no_history_and_a_bad_id_is_400(simulator: SimulatorFactory) -> None:
    sim = simulator([])
    assert history(sim, "0b8f3c52-7d1e-4c4a-9f55-3e2a1d6c8b90").json() == {
        "length": 0,
        "entries": [],
        "nextId": None,
    }
    assert history(sim, "not-a-uuid").status_code == 400


def test_the_route_has_its_own_rate_limit(simulator: SimulatorFactory) -> None:
    session, check = scripted()
    sim = simulator([session], history_rate_limit=3)
    codes = [history(sim, check).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    other = requests.get(f"{sim.url}/v1/test-sessions/{session.id}", headers=auth(sim), timeout=10)
    assert other.status_code == 200  # the other routes are not limited by it


def test_check_statuses_say_whether_each_check_is_failing(simulator: SimulatorFactory) -> None:
    sim = simulator(demo_sessions())
    response = requests.get(f"{sim.url}/v1/check-statuses", headers=auth(sim), timeout=10)
    validate_body("GET", "/v1/check-statuses", 200, response.content)
    statuses = {s["name"]: s for s in response.json()}
    assert statuses["Orders API"]["hasFailures"] is True  # its latest earlier run failed
    assert statuses["Payments API"]["hasFailures"] is False
    one = statuses["Orders API"]["checkId"]
    single = requests.get(f"{sim.url}/v1/check-statuses/{one}", headers=auth(sim), timeout=10)
    validate_body("GET", f"/v1/check-statuses/{one}", 200, single.content)
    assert single.json() == statuses["Orders API"]


def test_the_demo_scripts_every_label_and_a_new_and_a_known_error_group() -> None:
    results: dict[str, ScriptedResult] = {}
    for session in demo_sessions():
        for r in session.results:
            if r.result_type == "FINAL":
                results.setdefault(r.name, r)  # the first one scripts the check's history
    assert results["Orders API"].history.startswith("F")  # already failing
    assert results["Payments API"].history and "F" not in results["Payments API"].history  # new
    login = results["Login"]
    assert login.history.startswith("P") and "F" in login.history  # flaky
    assert login.group_age_days == 0  # a new error
    assert results["Refund assistant"].history == ""  # no history
    assert results["Checkout API"].group_age_days > 0  # a known error
    cart = [r for s in demo_sessions() for r in s.results if r.name == "Cart page"]
    assert [(r.result_type, r.status) for r in cart] == [("ATTEMPT", "failed"), ("FINAL", "passed")]
