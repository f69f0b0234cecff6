"""The simulator's deployed checks: `GET /v1/checks`, `GET /v1/checks/{id}`, and the
catalogue's entries in `GET /v1/check-statuses` (SPEC §11's `trigger: status` and dry run).

The checks are the trigger routes' catalogue (`gate.simulator.catalogue`). Bodies are the
documented `ChecksV1*Check` shapes: an API check's request URL uses `{{ENVIRONMENT_URL}}` when
the check reads it, a browser or multistep script reads `process.env.ENVIRONMENT_URL` then,
a Playwright check carries only its code bundle. `tag` (repeatable: "at least one of them"),
`limit` (1-100) and `page` (> 0) are honoured. A check's current status is how its runs end
(`DeployedCheck.status`).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

from gate.simulator.bodies import iso
from gate.simulator.catalogue import DEFAULT_URL, PUBLIC_LOCATIONS, DeployedCheck
from gate.simulator.check_history import History
from gate.simulator.scenarios import stable_uuid
from gate.simulator.triggers import TriggerRoutes
from gate.simulator.wire import Reply, error_reply, json_reply

_UUID = re.compile(r"[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}", re.IGNORECASE)
_CREATED = 1_700_000_000.0  # every catalogue check was created then
_SCRIPTED = ("BROWSER", "MULTI_STEP")


def route(method: str, path: str) -> tuple[str, str | None] | None:
    """("list" | "one" | "statuses", the ID) for the routes served here, else None."""
    if method != "GET":
        return None
    if path == "/v1/checks":
        return "list", None
    if m := re.fullmatch(r"/v1/checks/([^/]+)", path):
        return "one", m.group(1)
    if path == "/v1/check-statuses":
        return "statuses", None
    return None


def serve_checks(
    method: str,
    path: str,
    query: Mapping[str, str],
    checks: Sequence[DeployedCheck],
    history: History,
) -> Reply | None:
    """The answer to a request of these routes (None: not one of them)."""
    which = route(method, path)
    if which is None:
        return None
    name, check_id = which
    if name == "statuses":
        return _statuses(checks, history.answer("statuses", [], query))
    if name == "one":
        assert check_id is not None
        if not _UUID.fullmatch(check_id):
            return error_reply(400, '"id" must be a valid GUID')
        found = [c for c in checks if c.id.lower() == check_id.lower()]
        if not found:
            return error_reply(404, f"Check {check_id} not found")
        return json_reply(200, check_body(found[0]))
    return _list(query, checks)


def _list(query: Mapping[str, str], checks: Sequence[DeployedCheck]) -> Reply:
    limit, page = query.get("limit", "10"), query.get("page", "1")
    if not (limit.isdigit() and 1 <= int(limit) <= 100):
        return error_reply(400, '"limit" must be an integer from 1 to 100')
    try:
        number = float(page)
    except ValueError:
        number = 0.0
    if number <= 0 or number != int(number):
        return error_reply(400, '"page" must be a number larger than 0')
    tags = {t for t in query.get("tag", "").split("\n") if t}
    kept = [c for c in checks if not tags or tags & set(c.tags)]
    start = (int(number) - 1) * int(limit)
    return json_reply(200, [check_body(c) for c in kept[start : start + int(limit)]])


def check_body(check: DeployedCheck) -> dict[str, Any]:
    """One `ChecksV1Check` of the documented shape for the check's type."""
    public = [loc for loc in check.locations if loc in PUBLIC_LOCATIONS]
    private = [loc for loc in check.locations if loc not in PUBLIC_LOCATIONS]
    body: dict[str, Any] = {
        "id": check.id,
        "name": check.name,
        "checkType": check.check_type,
        "activated": check.activated,
        "muted": False,
        "locations": public,
        "privateLocations": private,
        "tags": list(check.tags),
        "frequency": 10,
        "created_at": iso(_CREATED),
        "updated_at": iso(_CREATED + 86400),
    }
    base = "{{ENVIRONMENT_URL}}" if check.reads_environment_url else DEFAULT_URL
    if check.check_type == "API":
        body["request"] = {"method": "GET", "url": f"{base}/api/health"}
        body["degradedResponseTime"] = 10000
        body["maxResponseTime"] = 20000
    elif check.check_type in _SCRIPTED:
        url = "process.env.ENVIRONMENT_URL" if check.reads_environment_url else f"'{DEFAULT_URL}'"
        body["script"] = f"await page.goto({url})"
    elif check.check_type == "PLAYWRIGHT":
        body["codeBundlePath"] = f"bundles/{check.id}.tgz"
    return body


def _statuses(checks: Sequence[DeployedCheck], history: Reply) -> Reply:
    """The history's statuses, then each catalogue check's that the history does not know."""
    if history.status != 200:
        return history
    listed: list[dict[str, Any]] = json.loads(history.body)
    known = {s["checkId"] for s in listed}
    now = time.time()
    for check in checks:
        if check.id in known or not check.activated:
            continue
        listed.append(
            {"name": check.name, "checkId": check.id, "hasFailures": check.status == "failed"}
            | {"hasErrors": False, "isDegraded": check.status == "degraded"}
            | {"longestRun": 900.0, "shortestRun": 100.0, "lastRunLocation": check.locations[0]}
            | {"lastCheckRunId": stable_uuid("status", check.id), "sslDaysRemaining": None}
            | {"created_at": iso(_CREATED)[:10], "updated_at": iso(now - 120)}
        )
    return json_reply(200, listed)


_CHECK_ROUTES = re.compile(r"/v1/(checks(?:/[^/]+)?|check-statuses)")


class Routes(TriggerRoutes):
    """The trigger routes, and the deployed checks and their statuses (SPEC §11)."""

    @staticmethod
    def route(method: str, path: str) -> tuple[str, list[str]] | None:
        if (found := TriggerRoutes.route(method, path)) is not None:
            return found
        m = _CHECK_ROUTES.fullmatch(path) if method == "GET" else None
        return ("checks", [m.group(1)]) if m else None

    def _checks(self, args: list[str], query: Mapping[str, str], body: Any) -> Reply:
        history: History = self.sim.history  # type: ignore[attr-defined]
        found = serve_checks("GET", f"/v1/{args[0]}", query, self.checks, history)
        return found or error_reply(404, f"Route GET:/v1/{args[0]} not found")
