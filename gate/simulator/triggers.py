"""The simulator's trigger mode: both triggers, both cancels, the test-session list, locations.

`TriggerRoutes` belongs to a `Simulator` (`sim.triggers`) and runs its catalogue of deployed
checks (`gate.simulator.catalogue`): a trigger adds scripted sessions to the simulator, which
then serves them like any other. Request bodies are checked the way Checkly's backend does
(required fields, types, unknown fields refused with 400); `tests/simulator/` also validates
every body the gate sent against the request schemas.

What can be set on it (all optional):
- `no_match`: how "no matching checks" is answered, the three forms the gate must read:
  `"404"` (the default), `"403"` (`errorCode: ERR_NO_MATCHING_CHECKS`) or `"empty"` (a test
  session without results, `{"sessions": []}` from the v2 trigger);
- `limit`: sessions the plan allows in all; a trigger past it is answered 402;
- `list_lag`: seconds a new test session takes to appear in `GET /v1/test-sessions`;
- `fail(route, fault)`: answer the route's next request with `fault` before doing anything;
- `lose_answer(route, fault)`: do the work (the session is created), then lose the answer
  (`Fault.reset()`, `Fault.status(502)`, `Fault.hang(seconds)` past the client's read timeout,
  `Fault.trickle()`, `Fault.raw(201, b"{...")`).
Routes: `test-trigger`, `check-trigger`, `test-cancel`, `check-cancel`, `list`, `locations`,
`checks` (the catalogue, filtered by `tag`, paged by `limit` and `page`).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from gate.simulator.bodies import api_error, check_session_body, iso, test_session_body
from gate.simulator.catalogue import PRIVATE_LOCATIONS, PUBLIC_LOCATIONS, DeployedCheck, select
from gate.simulator.check_list import checks_reply
from gate.simulator.play import Play
from gate.simulator.request_checks import BodyError, cancel_body, check_trigger, test_trigger
from gate.simulator.scenarios import _METADATA, Fault, ScriptedSession, Timeline, stable_uuid
from gate.simulator.wire import Reply, error_reply, fault_answer, json_reply


class Simulator(Protocol):
    """What the routes need of the `gate.simulator.server.Simulator` they belong to."""

    account_id: str
    _stopping: threading.Event
    _cond: threading.Condition
    _plays: dict[str, Play]

    def add(self, session: ScriptedSession) -> ScriptedSession: ...


_UUID = r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
ROUTES = (
    ("POST", "test-trigger", re.compile(r"/v1/test-sessions/trigger")),
    ("POST", "check-trigger", re.compile(r"/v2/check-sessions/trigger")),
    ("POST", "test-cancel", re.compile(r"/v1/test-sessions/([^/]+)/cancel")),
    ("POST", "check-cancel", re.compile(r"/v1/check-sessions/([^/]+)/cancel")),
    ("GET", "list", re.compile(r"/v1/test-sessions")),
    ("GET", "locations", re.compile(r"/v1/locations")),
    ("GET", "checks", re.compile(r"/v1/checks")),
)
NO_MATCH = "No matching checks were found."
Handler = Callable[[list[str], Mapping[str, str], Any], Reply]
_FINAL = {"passed": "PASSED", "failed": "FAILED", "degraded": "DEGRADED"}


class TriggerRoutes:
    """Trigger-mode state of one simulator (see the module docstring). Thread-safe."""

    def __init__(self, sim: Simulator, catalogue: Iterable[DeployedCheck] = ()) -> None:
        self.sim = sim
        self.checks = list(catalogue)
        self.no_match = "404"
        self.limit: int | None = None
        self.list_lag = 0.0
        self.started = 0  # sessions started by triggers
        self.variables: dict[str, dict[str, str]] = {}  # test session ID → its variables
        self.cancelled: list[str] = []  # session IDs, in the order cancels came
        self._lock = threading.Lock()
        self._before: dict[str, deque[Fault]] = {}
        self._lost: dict[str, deque[Fault]] = {}

    def fail(self, route: str, fault: Fault) -> None:
        with self._lock:
            self._before.setdefault(route, deque()).append(fault)

    def lose_answer(self, route: str, fault: Fault) -> None:
        with self._lock:
            self._lost.setdefault(route, deque()).append(fault)

    @staticmethod
    def route(method: str, path: str) -> tuple[str, list[str]] | None:
        for verb, name, pattern in ROUTES:
            if verb == method and (m := pattern.fullmatch(path)):
                return name, list(m.groups())
        return None

    def serve(
        self, route: tuple[str, list[str]], query: Mapping[str, str], raw: bytes
    ) -> Reply | None:
        """The answer to an authenticated request of one of the routes (None: reset)."""
        name, args = route
        with self._lock:
            before = self._before.get(name)
            fault = before.popleft() if before else None
        if fault is not None and (early := fault_answer(fault, self.sim._stopping))[0]:
            return early[1]
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return error_reply(400, "Invalid request payload JSON format")
        handler: Handler = getattr(self, "_" + name.replace("-", "_"))
        reply = handler(args, query, body)
        with self._lock:
            lost = self._lost.get(name)
            fault = lost.popleft() if lost else None
        if fault is not None and (late := fault_answer(fault, self.sim._stopping))[0]:
            return late[1]
        return reply

    # -- triggers ------------------------------------------------------------------------------
    def _test_trigger(self, args: list[str], query: Mapping[str, str], body: Any) -> Reply:
        try:
            request = test_trigger(body)
        except BodyError as exc:
            return error_reply(400, str(exc))
        location = request["runLocation"]
        if location not in PUBLIC_LOCATIONS and location not in PRIVATE_LOCATIONS:
            message = f'"runLocation" "{location}" is not a public region or a private location'
            return error_reply(400, message)
        target = request.get("target") or {}
        checks = select(
            self.checks,
            target.get("matchTags", []),
            target.get("checkId", []),
            target.get("allowDeactivated", False),
        )
        if not checks and self.no_match != "empty":
            return self._no_match()
        if (refused := self._over_limit(1)) is not None:
            return refused
        variables = {v["key"]: str(v["value"]) for v in request.get("environmentVariables", [])}
        strategy = request.get("retryStrategy") or {}
        retries = int(strategy.get("maxRetries", 1 if strategy else 0))
        results = [r for c in checks for r in c.run(location, variables, retries)]
        finals = {r.status for r in results}
        status = "FAILED" if "failed" in finals else "PASSED"
        session = ScriptedSession(
            "test",
            status,
            request["name"],
            duration_s=max((c.duration_s for c in checks), default=0.0),
            results=results,
            metadata=request.get("metadata") or {},
        )
        self.sim.add(session)
        with self._lock:
            self.variables[session.id] = variables
        return json_reply(201, test_session_body(session, self._timeline(session)))

    def _check_trigger(self, args: list[str], query: Mapping[str, str], body: Any) -> Reply:
        try:
            request = check_trigger(body)
        except BodyError as exc:
            return error_reply(400, str(exc))
        target = request.get("target") or {}
        checks = select(self.checks, target.get("matchTags", []), target.get("checkId", []))
        if not checks and self.no_match != "empty":
            return self._no_match()
        if (refused := self._over_limit(len(checks))) is not None:
            return refused
        sessions = []
        for check in checks:
            runs = [r for where in check.locations for r in check.run(where, {})]
            status = _FINAL.get(_worst(r.status for r in runs), "PASSED")
            session = ScriptedSession(
                "check", status, check.name, duration_s=check.duration_s, results=runs
            )
            self.sim.add(session)
            body_ = check_session_body(session, self._timeline(session), self.sim.account_id)
            sessions.append({k: v for k, v in body_.items() if k != "results"})
        return json_reply(201, {"sessions": sessions})

    def _no_match(self) -> Reply:
        if self.no_match == "403":
            body = api_error(403, NO_MATCH) | {"errorCode": "ERR_NO_MATCHING_CHECKS"}
            return json_reply(403, body)
        return error_reply(404, NO_MATCH)

    def _over_limit(self, count: int) -> Reply | None:
        with self._lock:
            if self.limit is not None and self.started + count > self.limit:
                message = (
                    f"Your plan allows {self.limit} triggered sessions; {self.started} have "
                    f"run and this trigger would start {count} more"
                )
                return error_reply(402, message)
            self.started += count
        return None

    def _timeline(self, session: ScriptedSession) -> Timeline:
        return self.sim._plays[session.id.lower()].timeline(time.monotonic())

    # -- cancels -------------------------------------------------------------------------------
    def _test_cancel(self, args: list[str], query: Mapping[str, str], body: Any) -> Reply:
        return self._cancel("test", args[0], body)

    def _check_cancel(self, args: list[str], query: Mapping[str, str], body: Any) -> Reply:
        return self._cancel("check", args[0], body)

    def _cancel(self, kind: str, session_id: str, body: Any) -> Reply:
        """Every run still going ends cancelled, and so does the session (204)."""
        try:
            cancel_body(body)
        except BodyError as exc:
            return error_reply(400, str(exc))
        if not re.fullmatch(_UUID, session_id):
            return error_reply(400, f'"{kind}SessionId" must be a valid GUID')
        with self.sim._cond:
            play = self.sim._plays.get(session_id.lower())
            if play is None or play.session.kind != kind:
                label = "Test session" if kind == "test" else "Check session"
                return error_reply(404, f"{label} {session_id} not found")
            now = time.monotonic()
            timeline = play.timeline(now)
            if not timeline.finished:
                for result in play.session.results[timeline.done :]:
                    result.status = "cancelled"
                play.session.status = "CANCELLED"
                play.forced = now
                self.sim._cond.notify_all()
        with self._lock:
            self.cancelled.append(session_id.lower())
        return Reply(204, b"")

    # -- lists ---------------------------------------------------------------------------------
    def _list(self, args: list[str], query: Mapping[str, str], body: Any) -> Reply:
        """`GET /v1/test-sessions`: newest first, filtered by `from`, `to`, `textSearch` and
        `branches` (one branch name, `branches=main` or `branches[]=main`)."""
        try:
            since, until = _number(query, "from"), _number(query, "to")
            limit = int(query.get("limit") or 20)
        except ValueError as exc:
            return error_reply(400, str(exc) or '"limit" must be an integer')
        text = query.get("textSearch")
        branch = query.get("branches", query.get("branches[]"))
        if text is not None and not 3 <= len(text) <= 200:
            return error_reply(400, '"textSearch" length must be between 3 and 200 characters')
        if not 1 <= limit <= 100:
            return error_reply(400, '"limit" must be between 1 and 100')
        now = time.monotonic()
        with self.sim._cond:
            plays = [
                p
                for p in self.sim._plays.values()
                if p.session.kind == "test" and now - p.added >= self.list_lag
            ]
            entries = [(p.wall, _entry(p, p.timeline(now), self.sim.account_id)) for p in plays]
        kept = [
            entry
            for wall, entry in sorted(entries, key=lambda e: -e[0])
            if (since is None or wall >= since)
            and (until is None or wall < until)
            and (text is None or _mentions(entry, text))
            and (branch is None or entry["branchName"] == branch)
        ][:limit]
        return json_reply(200, {"length": len(kept), "entries": kept, "nextId": None})

    def _checks(self, args: list[str], query: Mapping[str, str], body: Any) -> Reply:
        return checks_reply(self.checks, query)

    def _locations(self, args: list[str], query: Mapping[str, str], body: Any) -> Reply:
        return json_reply(200, [{"region": r, "name": n} for r, n in PUBLIC_LOCATIONS.items()])


def _number(query: Mapping[str, str], name: str) -> float | None:
    value = query.get(name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f'"{name}" must be a number') from None


def _mentions(entry: Mapping[str, Any], text: str) -> bool:
    fields = ("name", "branchName", "commitMessage", "environment")
    return any(text.lower() in str(entry.get(f) or "").lower() for f in fields)


def _worst(statuses: Iterable[str]) -> str:
    found = set(statuses)
    return next((s for s in ("failed", "degraded") if s in found), "passed")


def _entry(play: Play, t: Timeline, account_id: str) -> dict[str, Any]:
    """One TestSessionListEntry (shorter than a GET: sequence IDs, no results)."""
    session: ScriptedSession = play.session
    metadata = session.metadata if session.metadata is not None else _METADATA
    buckets: dict[str, list[str]] = {"running": [], "passed": [], "failed": [], "cancelled": []}
    for index, r in enumerate(session.results):
        if r.result_type != "FINAL":
            continue
        state = r.status if index < t.done else "running"
        bucket = {"degraded": "passed"}.get(state, state)
        buckets[bucket].append(stable_uuid("sequence", r.cid, r.location))
    started = iso(t.started)
    return {
        "id": session.id,
        "accountId": account_id,
        "projectId": None,
        "name": session.name,
        "provider": "API",
        "errorGroupIds": [],
        **buckets,
        "status": session.status if t.finished else "RUNNING",
        "region": session.results[0].location if session.results else "eu-central-1",
        "privateLocationId": None,
        **{k: metadata.get(k) for k in ("repoUrl", "commitId", "branchName", "environment")},
        "startedAt": started,
        "stoppedAt": iso(t.started + t.elapsed) if t.finished else None,
        "created_at": started,
        "updated_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
