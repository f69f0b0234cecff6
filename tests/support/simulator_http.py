"""Requests to a running Checkly API simulator, for the simulator's own tests: the right
credentials, a completion long-poll, a session's path, scripted results.
"""

from __future__ import annotations

from typing import Any

import requests

from gate.simulator import (
    ScriptedResult,
    ScriptedSession,
    Simulator,
)

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
