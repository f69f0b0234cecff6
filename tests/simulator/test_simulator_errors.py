"""The simulator's errors, over real HTTP on 127.0.0.1: credentials, unknown sessions,
scripted statuses, injected faults (resets, hangs, fail-all) and the rate limit.
"""

from __future__ import annotations

import time

import pytest
import requests

from gate.simulator import (
    Fault,
    ScriptedResult,
    ScriptedSession,
)
from gate.simulator.scenarios import DEFAULT_ACCOUNT_ID
from tests.conftest import SimulatorFactory
from tests.support.simulator_http import CHECK, TEST, completion, get, results, session_path

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
