"""The simulator as a server: recorded requests, keep-alive connections cut on stop, sessions
added later, the demo's sessions, and the CLI serving a scenario until signalled.
"""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests

from gate.simulator import (
    RecordedRequest,
    ScriptedSession,
    demo_sessions,
)
from tests.conftest import SimulatorFactory
from tests.support.paths import ROOT
from tests.support.simulator_http import TEST, auth, completion, session_path

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
