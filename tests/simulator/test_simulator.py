"""The Checkly API simulator, over real HTTP on 127.0.0.1.

Besides behaviour (long-poll, auth, faults, partial results, recording, the CLI), this file
proves the simulator speaks the API as documented: `test_every_body_matches_the_openapi_schema`
drives every endpoint through every state and status, and validates every JSON body the
simulator sent against the schema of its path and status code in
`../shared/checkly-api/checkly-openapi-subset.json` (with undocumented fields forbidden).
"""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import requests
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from gate.simulator import (
    Fault,
    RecordedRequest,
    ScriptedResult,
    ScriptedSession,
    Simulator,
    demo_sessions,
)
from gate.simulator.scenarios import DEFAULT_ACCOUNT_ID, group_id
from tests.support.paths import DATA, ROOT
from tests.support.trigger_driver import drive_trigger_mode

SimulatorFactory = Callable[..., Simulator]  # the `simulator` fixture of conftest.py

SHARED = DATA / "checkly-api"  # a copy of shared/checkly-api
TEST, CHECK = "/v1/test-sessions/", "/v2/check-sessions/"

# -- helpers --------------------------------------------------------------------------------------


def auth(sim: Simulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {sim.api_key}", "X-Checkly-Account": sim.account_id}


def get(sim: Simulator, path: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
    """GET with the right credentials (or `headers`), a fresh connection each time."""
    kw.setdefault("timeout", 10)
    return requests.get(sim.url + path, headers=auth(sim) if headers is None else headers, **kw)


def completion(sim: Simulator, session: ScriptedSession, wait: object = 1, **kw: Any) -> Any:
    base = TEST if session.kind == "test" else CHECK
    return get(sim, f"{base}{session.id}/completion", params={"maxWaitSeconds": wait}, **kw)


def session_path(session: ScriptedSession) -> str:
    return f"{TEST if session.kind == 'test' else CHECK}{session.id}"


def results(*statuses: str, check_type: str = "API") -> list[ScriptedResult]:
    """One result per status, each in its own location of one check."""
    where = ["eu-west-1", "us-east-1", "ap-southeast-2", "eu-central-1", "us-west-2"]
    return [ScriptedResult("Orders API", s, check_type, where[i]) for i, s in enumerate(statuses)]


# -- the OpenAPI schemas --------------------------------------------------------------------------

OPENAPI: dict[str, Any] = json.loads(
    (SHARED / "checkly-openapi-subset.json").read_text(encoding="utf-8")
)
URN = "urn:checkly-openapi-subset"


def closed(node: Any) -> Any:
    """The schema with every documented object closed: an undocumented field is drift too."""
    if isinstance(node, list):
        return [closed(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: closed(v) for k, v in node.items()}
    if isinstance(out.get("properties"), dict) and out["properties"]:
        out.setdefault("additionalProperties", False)
    return out


REGISTRY: Registry[Any] = Registry().with_resource(
    URN, Resource.from_contents(closed(OPENAPI), default_specification=DRAFT4)
)
FORMATS = FormatChecker()
FORMATS.checkers.update(oas30_format_checker.checkers)


@FORMATS.checks("uri")
def is_uri(value: object) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return parts is None or (parts.scheme in ("http", "https") and bool(parts.netloc))


def template_of(method: str, path: str) -> str | None:
    for template, item in OPENAPI["paths"].items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        if method.lower() in item and re.fullmatch(pattern, path):
            return str(template)
    return None


@cache
def validator_for(pointer: str) -> OAS30Validator:
    return OAS30Validator({"$ref": f"{URN}#{pointer}"}, registry=REGISTRY, format_checker=FORMATS)


def validate_body(method: str, path: str, status: int, body: bytes) -> tuple[str, int]:
    """Validate `body` against the schema of `path` + `status`; AssertionError if undocumented.

    Paths the API does not have (a 404 for an unknown route) must still send an ApiError.
    """
    template = template_of(method, path)
    if template is None:
        pointer = "/components/schemas/ApiError"
    else:
        responses = OPENAPI["paths"][template][method.lower()]["responses"]
        assert str(status) in responses, f"{method} {template} does not document {status}"
        escaped = template.replace("~", "~0").replace("/", "~1")
        pointer = (
            f"/paths/{escaped}/{method.lower()}/responses/{status}/content/application~1json/schema"
        )
    validator_for(pointer).validate(json.loads(body))
    return template or "(no such route)", status


# -- long-poll ------------------------------------------------------------------------------------


def test_completion_answers_as_soon_as_the_session_finishes(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED", duration_s=0.5, results=results("passed"))
    sim = simulator([session])
    response = completion(sim, session, wait=5)
    answered = time.monotonic()
    assert response.status_code == 200
    assert response.json()["status"] == "PASSED"
    finished = sim.completed_at(session.id)
    assert finished is not None
    assert 0 <= answered - finished < 0.2  # woken when it finished, not after maxWaitSeconds


def test_finish_wakes_a_waiting_long_poll(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("check", "FAILED", never_finishes=True, results=results("failed"))
    sim = simulator([session])
    assert sim.completed_at(session.id) is None
    timer = threading.Timer(0.3, sim.finish, [session.id])
    timer.start()
    response = completion(sim, session, wait=10)
    answered = time.monotonic()
    timer.join()
    assert response.status_code == 200
    assert response.json()["status"] == "FAILED"
    assert 0 <= answered - (sim.completed_at(session.id) or 0) < 0.2


def test_finish_after_408_finishes_right_after_the_nth_408(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("check", "PASSED", never_finishes=True, results=results("passed"))
    other = ScriptedSession("check", "PASSED", never_finishes=True)
    sim = simulator([session, other], max_wait_cap=0.1)
    sim.finish_after_408(session.id, nth=2)
    assert completion(sim, session, wait=1).status_code == 408
    assert sim.completed_at(session.id) is None
    assert completion(sim, session, wait=1).status_code == 408  # the 2nd: finished right after
    assert sim.completed_at(session.id) is not None
    assert get(sim, f"/v2/check-sessions/{session.id}").json()["status"] == "PASSED"
    assert completion(sim, other, wait=1).status_code == 408  # only that session
    assert sim.completed_at(other.id) is None
    with pytest.raises(ValueError, match="at least 1"):
        sim.finish_after_408(other.id, nth=0)


def test_an_unfinished_session_answers_408_after_max_wait_seconds(
    simulator: SimulatorFactory,
) -> None:
    session = ScriptedSession("test", "PASSED", never_finishes=True)
    sim = simulator([session])
    started = time.monotonic()
    response = completion(sim, session, wait=1)
    took = time.monotonic() - started
    assert response.status_code == 408
    assert 0.95 <= took < 1.5
    body = response.json()
    assert body["statusCode"] == 408
    assert body["error"] == "Request Timeout"
    assert session.id in body["message"]


def test_max_wait_cap_shortens_the_long_poll(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("check", "PASSED", never_finishes=True)
    sim = simulator([session], max_wait_cap=0.1)
    started = time.monotonic()
    assert completion(sim, session, wait=30).status_code == 408
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize(
    ("kind", "wait"),
    [("test", "0"), ("test", "31"), ("test", "soon"), ("check", "1.5"), ("check", "0")],
)
def test_max_wait_seconds_out_of_range_is_400(
    simulator: SimulatorFactory, kind: str, wait: str
) -> None:
    session = ScriptedSession(kind, "PASSED")
    response = completion(simulator([session]), session, wait=wait)
    assert response.status_code == 400
    assert "maxWaitSeconds" in response.json()["message"]


def test_max_wait_seconds_may_be_fractional_for_test_sessions(
    simulator: SimulatorFactory,
) -> None:
    session = ScriptedSession("test", "PASSED")
    assert completion(simulator([session]), session, wait="1.5").status_code == 200


# -- auth, unknown sessions, scripted statuses ----------------------------------------------------


def test_credentials_are_checked(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED")
    sim = simulator([session], api_key="right-key")
    path = session_path(session)
    account = {"X-Checkly-Account": sim.account_id}
    assert get(sim, path, headers=account).status_code == 401
    wrong = get(sim, path, headers={"Authorization": "Bearer wrong-key", **account})
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "Unauthorized"
    key = {"Authorization": "Bearer right-key"}
    assert get(sim, path, headers=key).status_code == 403
    other = get(sim, path, headers={**key, "X-Checkly-Account": DEFAULT_ACCOUNT_ID[::-1]})
    assert other.status_code == 403
    assert other.json()["error"] == "Forbidden"
    lower = {"authorization": "bearer right-key", "x-checkly-account": sim.account_id.upper()}
    assert get(sim, path, headers=lower).status_code == 200


def test_unknown_sessions_are_404_and_malformed_ids_400(simulator: SimulatorFactory) -> None:
    test = ScriptedSession("test", "PASSED")
    sim = simulator([test])
    missing = "0b8f3c52-7d1e-4c4a-9f55-3e2a1d6c8b90"
    response = get(sim, TEST + missing)
    assert response.status_code == 404
    assert missing in response.json()["message"]
    assert get(sim, f"{CHECK}{test.id}/completion").status_code == 404  # a test session
    assert get(sim, TEST + "not-a-uuid").status_code == 400
    assert get(sim, TEST + test.id.upper()).status_code == 200  # IDs are case-insensitive
    assert get(sim, "/v1/no-such-route").status_code == 404


@pytest.mark.parametrize("code", [404, 400])
def test_a_scripted_http_status_answers_every_request_of_the_session(
    simulator: SimulatorFactory, code: int
) -> None:
    broken = ScriptedSession("test", "PASSED", http_status=code, results=results("passed"))
    fine = ScriptedSession("test", "PASSED")
    sim = simulator([broken, fine])
    base = session_path(broken)
    for path in (base, f"{base}/completion", f"{base}/results/{broken.results[0].rid}"):
        response = get(sim, path)
        assert response.status_code == code
        assert response.json()["statusCode"] == code
        assert broken.id in response.json()["message"]
    assert get(sim, session_path(fine)).status_code == 200


def test_unknown_statuses_are_sent_as_scripted(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("check", "EXPLODED", results=[ScriptedResult("A", "weird")])
    body = completion(simulator([session]), session).json()
    assert body["status"] == "EXPLODED"


# -- faults ---------------------------------------------------------------------------------------


def test_faults_apply_in_order_one_per_request_to_their_session_only(
    simulator: SimulatorFactory,
) -> None:
    date = "Wed, 21 Oct 2037 07:28:00 GMT"
    faults = [
        Fault.status(429, retry_after="2"),
        Fault.status(429, retry_after=date),
        Fault.status(503),
        Fault.status(502, body=b"<html>Bad Gateway</html>"),
        Fault.raw(200, b'{"testSessionId": "abc", "na'),
    ]
    flaky = ScriptedSession("test", "PASSED", faults=faults)
    fine = ScriptedSession("test", "PASSED")
    sim = simulator([flaky, fine])
    first = get(sim, session_path(flaky))
    assert (first.status_code, first.headers["Retry-After"]) == (429, "2")
    assert first.json()["error"] == "Too Many Requests"
    assert get(sim, session_path(fine)).status_code == 200  # other sessions are not affected
    assert get(sim, f"{session_path(flaky)}/completion").headers["Retry-After"] == date
    unavailable = get(sim, session_path(flaky))
    assert unavailable.status_code == 503
    assert "Retry-After" not in unavailable.headers
    assert get(sim, session_path(flaky)).content == b"<html>Bad Gateway</html>"
    truncated = get(sim, session_path(flaky))
    assert (truncated.status_code, truncated.content) == (200, b'{"testSessionId": "abc", "na')
    assert get(sim, session_path(flaky)).json()["testSessionId"] == flaky.id  # faults used up


def test_reset_closes_the_connection_without_an_answer(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED", faults=[Fault.reset()])
    sim = simulator([session])
    with pytest.raises(requests.ConnectionError) as caught:
        get(sim, session_path(session))
    assert "reset" in str(caught.value).lower()
    assert sim.requests[-1].status is None
    assert get(sim, session_path(session)).status_code == 200


def test_hang_trips_the_client_read_timeout_then_answers(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED", faults=[Fault.hang(0.5), Fault.hang(0.2)])
    sim = simulator([session])
    with pytest.raises(requests.ReadTimeout):
        get(sim, session_path(session), timeout=0.15)
    started = time.monotonic()
    assert get(sim, session_path(session)).status_code == 200  # held 0.2 s, then normal
    assert time.monotonic() - started >= 0.2


def test_fail_all_fails_every_request_until_cleared(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("check", "PASSED", faults=[Fault.status(429)])
    sim = simulator([session])
    sim.fail_all(Fault.status(503))
    for path in (session_path(session), f"{session_path(session)}/completion", "/nope"):
        assert get(sim, path).status_code == 503
    assert get(sim, path, headers={}).status_code == 503  # before auth, like a load balancer
    sim.fail_all(Fault.reset())
    with pytest.raises(requests.ConnectionError):
        get(sim, session_path(session))
    sim.fail_all(None)
    assert get(sim, session_path(session)).status_code == 429  # the session's own fault is left
    assert get(sim, session_path(session)).status_code == 200


def test_rate_limit_answers_429_past_the_limit(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED")
    sim = simulator([session], rate_limit=3)
    codes = [get(sim, session_path(session)).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert "3 requests per 60 s" in get(sim, session_path(session)).json()["message"]


# -- sessions while running -----------------------------------------------------------------------


def test_a_running_test_session_shows_partial_results(simulator: SimulatorFactory) -> None:
    session = ScriptedSession(
        "test",
        "FAILED",
        never_finishes=True,
        results=results("failed", "passed", "passed", "passed"),
    )
    sim = simulator([session])
    body = get(sim, session_path(session)).json()
    assert (body["status"], body["stoppedAt"]) == ("RUNNING", None)
    states = [(r["resultType"], r["status"]) for r in body["results"]]
    assert states == [("FINAL", "FAILED"), ("FINAL", "PASSED")] + [("PENDING", "RUNNING")] * 2
    pending = get(sim, f"{session_path(session)}/results/{session.results[3].rid}").json()
    assert (pending["status"], pending["stoppedAt"], pending["attempts"]) == ("RUNNING", None, 0)
    assert "apiCheckResult" not in pending
    sim.finish(session.id)
    done = get(sim, session_path(session)).json()
    assert done["status"] == "FAILED"
    assert done["stoppedAt"] is not None
    assert {r["resultType"] for r in done["results"]} == {"FINAL"}


def test_results_finish_one_by_one_over_the_duration(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED", duration_s=0.9, results=results(*["passed"] * 3))
    sim = simulator([session])
    time.sleep(0.35)  # the first result ends at 0.3 s, the second at 0.6 s
    body = get(sim, session_path(session)).json()
    assert [r["resultType"] for r in body["results"]] == ["FINAL", "PENDING", "PENDING"]
    assert completion(sim, session).json()["timeElapsed"] == 900


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["passed"], "STARTED"),
        (["passed", "passed"], "PROGRESS"),
        (["failed", "passed"], "PROGRESS_FAILED"),
        (["degraded", "passed"], "PROGRESS_DEGRADED"),
    ],
)
def test_a_running_check_session_lists_only_finished_results(
    simulator: SimulatorFactory, statuses: list[str], expected: str
) -> None:
    session = ScriptedSession("check", "PASSED", never_finishes=True, results=results(*statuses))
    sim = simulator([session])
    body = get(sim, session_path(session)).json()
    assert (body["status"], body["stoppedAt"]) == (expected, None)
    assert len(body["results"]) == len(statuses) // 2
    assert body["runLocations"] == [r.location for r in session.results]
    unfinished = session.results[-1]
    assert get(sim, f"/v1/check-results/{unfinished.cid}/{unfinished.rid}").status_code == 404


def test_check_result_flags_follow_the_scripted_status(simulator: SimulatorFactory) -> None:
    session = ScriptedSession(
        "check", "FAILED", results=results("passed", "failed", "degraded", "cancelled")
    )
    body = completion(simulator([session]), session).json()
    flags = [
        (r["hasFailures"], r["isDegraded"], r["isCancelled"], r["resultType"])
        for r in body["results"]
    ]
    assert flags == [
        (False, False, False, "FINAL"),
        (True, False, False, "FINAL"),
        (False, True, False, "FINAL"),
        (False, False, True, "FINAL"),
    ]


# -- details, links, error groups -----------------------------------------------------------------


def test_links_and_result_details(simulator: SimulatorFactory) -> None:
    test = ScriptedSession("test", "FAILED", results=[ScriptedResult("Homepage", "failed")])
    check = ScriptedSession("check", "FAILED", results=results("failed", "passed"))
    sim = simulator([test, check])
    body = completion(sim, test).json()
    assert body["testSessionLink"] == f"https://app.checklyhq.com/test-sessions/{test.id}"
    result = body["results"][0]
    assert (
        result["testSessionResultLink"]
        == f"{body['testSessionLink']}/results/{result['testSessionResultId']}"
    )
    detail = get(sim, f"{TEST}{test.id}/results/{result['testSessionResultId']}").json()
    assert detail["id"] == result["testSessionResultId"]
    assertion = detail["apiCheckResult"]["assertions"][0]
    assert (assertion["source"], assertion["target"], assertion["actual"]) == (
        "STATUS_CODE",
        "200",
        500,
    )
    assert detail["apiCheckResult"]["response"]["status"] == 500

    body = completion(sim, check).json()
    link = f"https://app.checklyhq.com/accounts/{sim.account_id}/checks/{body['checkId']}/check-sessions/{check.id}"
    assert body["checkSessionLink"] == link
    first = body["results"][0]
    assert first["checkResultLink"] == f"{link}/results/{first['checkResultId']}"
    detail = get(sim, f"/v1/check-results/{first['checkId']}/{first['checkResultId']}").json()
    assert (detail["id"], detail["hasFailures"]) == (first["checkResultId"], True)
    assert (
        get(sim, f"/v1/check-results/{test.results[0].cid}/{first['checkResultId']}").status_code
        == 404
    )
    assert (
        get(sim, f"/v1/check-results/{test.results[0].cid}/{test.results[0].rid}").status_code
        == 404
    )
    other = f"{TEST}{test.id}/results/{check.results[0].rid}"
    assert get(sim, other).status_code == 404


def test_error_groups_are_shared_by_equal_messages_and_families_stay_apart(
    simulator: SimulatorFactory,
) -> None:
    text = "TimeoutError: locator.click: Timeout 30000ms exceeded"
    test = ScriptedSession(
        "test",
        "FAILED",
        results=[
            ScriptedResult("Login", "failed", "PLAYWRIGHT", "eu-west-1", error_group=text),
            ScriptedResult("Login", "failed", "PLAYWRIGHT", "us-east-1", error_group=text),
        ],
    )
    check = ScriptedSession(
        "check", "FAILED", results=[ScriptedResult("Login", "failed", error_group=text)]
    )
    sim = simulator([test, check])
    body = completion(sim, test).json()
    (test_group,) = body["errorGroupIds"]
    assert [r["errorGroupIds"] for r in body["results"]] == [[test_group], [test_group]]
    group = get(sim, f"/v1/test-session-error-groups/{test_group}").json()
    assert group["cleanedErrorMessage"] == text
    assert group["pwtMetadata"][0]["testTitle"] == "Login"
    result = check.results[0]
    (check_group,) = get(sim, f"/v1/check-results/{result.cid}/{result.rid}").json()[
        "errorGroupIds"
    ]
    assert check_group == group_id("check", result.cid, text) != test_group
    assert get(sim, f"/v1/error-groups/{check_group}").json()["checkId"] == result.cid
    assert get(sim, f"/v1/error-groups/{test_group}").status_code == 404
    assert get(sim, f"/v1/test-session-error-groups/{check_group}").status_code == 404


def test_attempts_are_listed_and_counted(simulator: SimulatorFactory) -> None:
    retried = [
        ScriptedResult("Cart", "failed", "BROWSER", result_type="ATTEMPT"),
        ScriptedResult("Cart", "passed", "BROWSER"),
    ]
    session = ScriptedSession("test", "PASSED", results=retried)
    sim = simulator([session])
    body = completion(sim, session).json()
    assert [(r["resultType"], r["status"]) for r in body["results"]] == [
        ("ATTEMPT", "FAILED"),
        ("FINAL", "PASSED"),
    ]
    final = get(sim, f"{TEST}{session.id}/results/{retried[1].rid}").json()
    assert final["attempts"] == 2
    attempt = get(sim, f"{TEST}{session.id}/results/{retried[0].rid}").json()
    assert attempt["browserCheckResult"]["errors"][0]["message"] == "Check failed"


def test_scripted_detail_is_merged_into_the_result_detail(simulator: SimulatorFactory) -> None:
    refused = {
        "apiCheckResult": {"requestError": "connect ECONNREFUSED 10.0.0.7:443", "assertions": []}
    }
    result = ScriptedResult("Payments", "failed", detail=refused | {"scheduleError": "no agents"})
    session = ScriptedSession("test", "FAILED", results=[result])
    sim = simulator([session])
    detail = get(sim, f"{TEST}{session.id}/results/{result.rid}").json()
    assert detail["apiCheckResult"]["requestError"] == "connect ECONNREFUSED 10.0.0.7:443"
    assert detail["apiCheckResult"]["assertions"] == []
    assert detail["apiCheckResult"]["request"]["method"] == "GET"  # the rest is kept
    assert detail["scheduleError"] == "no agents"


# -- server mechanics -----------------------------------------------------------------------------


def test_requests_are_recorded(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED")
    sim = simulator([session])
    before = time.monotonic()
    response = completion(
        sim, session, wait=2, headers={**auth(sim), "User-Agent": "checkly-gate/test"}
    )
    after = time.monotonic()
    (seen,) = sim.requests
    assert isinstance(seen, RecordedRequest)
    assert (seen.method, seen.path) == ("GET", f"{TEST}{session.id}/completion")
    assert seen.query == {"maxWaitSeconds": "2"}
    assert seen.header("user-agent") == "checkly-gate/test"
    assert seen.header("AUTHORIZATION") == f"Bearer {sim.api_key}"
    assert (seen.status, seen.body) == (200, response.content)
    assert before <= seen.time <= after
    sim.clear_requests()
    assert sim.requests == []


def test_connections_are_kept_alive_and_cut_on_stop(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED")
    sim = simulator([session])
    host, port = urlsplit(sim.url).hostname or "", urlsplit(sim.url).port
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        sockets = []
        for _ in range(2):
            conn.request("GET", session_path(session), headers=auth(sim))
            response = conn.getresponse()
            assert response.status == 200
            assert json.loads(response.read())["testSessionId"] == session.id
            assert not response.will_close
            sockets.append(conn.sock)
        assert sockets[0] is sockets[1]  # one connection for both requests
        started = time.monotonic()
        sim.stop()
        assert time.monotonic() - started < 1
        with pytest.raises((http.client.HTTPException, OSError)):
            conn.request("GET", session_path(session), headers=auth(sim))
            conn.getresponse()
    finally:
        conn.close()


def test_stop_ends_a_waiting_long_poll_at_once(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED", never_finishes=True)
    sim = simulator([session])
    outcome: list[object] = []

    def wait() -> None:
        try:
            outcome.append(completion(sim, session, wait=30).status_code)
        except requests.RequestException as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.2)
    started = time.monotonic()
    sim.stop()
    waiter.join(timeout=2)
    assert not waiter.is_alive()
    assert time.monotonic() - started < 1.5
    assert outcome and outcome[0] != 200


def test_sessions_can_be_added_later_and_not_twice(simulator: SimulatorFactory) -> None:
    sim = simulator()
    session = sim.add(ScriptedSession("check", "DEGRADED"))
    assert completion(sim, session).json()["status"] == "DEGRADED"
    with pytest.raises(ValueError, match="already"):
        sim.add(session)
    with pytest.raises(ValueError, match="kind"):
        ScriptedSession("suite", "PASSED")


def test_demo_sessions_cover_what_the_demo_shows() -> None:
    sessions = demo_sessions()
    assert [(s.kind, s.status) for s in sessions] == [
        ("test", "PASSED"),
        ("test", "FAILED"),
        ("check", "DEGRADED"),
        ("test", "PASSED"),
        ("check", "FAILED"),
    ]
    assert max(s.duration_s for s in sessions) == pytest.approx(5.0)
    passing = sessions[0].results
    assert {r.check_type for r in passing} == {"API", "BROWSER"}
    assert len({r.location for r in passing}) == 3
    failing = sessions[1].results
    assert any(r.result_type == "ATTEMPT" for r in failing)
    groups = [r.error_group for r in failing if r.error_group]
    assert len(groups) == 2 and len(set(groups)) == 1  # one browser error group, two results
    details = json.dumps([r.detail for r in failing])
    assert (
        "requestError" in details and '"actual": 500' in details and "agenticCheckResult" in details
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_cli_serves_a_scenario_until_signalled(signum: int) -> None:
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "gate.simulator", "--port", "0", "--scenario", "demo"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while sum("_SESSION_ID=" in line for line in lines) < len(demo_sessions()):
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line.strip())
        values = dict(line.split("=", 1) for line in lines if not line.startswith("#"))
        test_id = next(
            line.split("=", 1)[1] for line in lines if line.startswith("TEST_SESSION_ID=")
        )
        headers = {"Authorization": f"Bearer {values['CHECKLY_API_KEY']}"}
        headers["X-Checkly-Account"] = values["CHECKLY_ACCOUNT_ID"]
        response = requests.get(
            f"{values['CHECKLY_API_URL']}{TEST}{test_id}", headers=headers, timeout=5
        )
        assert response.json()["testSessionId"] == test_id
        process.send_signal(signum)
        assert process.wait(timeout=5) == 0
        assert "# stopped" in process.stdout.read()
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


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

    seen: set[tuple[str, int]] = set()
    bodies = 0
    for recorded in sim.requests + limited.requests:
        assert recorded.status is not None
        if recorded.method != "GET":  # the POSTs: tests/simulator/test_trigger_routes.py
            continue
        seen.add(validate_body(recorded.method, recorded.path, recorded.status, recorded.body))
        bodies += 1
    documented = {
        (template, int(status))
        for template, item in OPENAPI["paths"].items()
        if "get" in item
        for status in item["get"]["responses"]
    }
    assert documented - seen == set()  # every documented status of every endpoint was sent
    assert bodies > 500
    statuses = {json.loads(r.body).get("status") for r in sim.requests if r.status == 200}
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
