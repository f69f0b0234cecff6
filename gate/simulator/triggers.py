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
Routes: `test-trigger`, `check-trigger`, `test-cancel`, `check-cancel`, `list`, `locations`
(the deployed checks themselves: `gate.simulator.check_routes`).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from gate.simulator.bodies import api_error, check_session_body, test_session_body
from gate.simulator.catalogue import PRIVATE_LOCATIONS, PUBLIC_LOCATIONS, DeployedCheck, select
from gate.simulator.play import Play
from gate.simulator.private_routes import PrivateLocations
from gate.simulator.request_checks import BodyError, cancel_body, check_trigger, test_trigger
from gate.simulator.scenarios import Fault, ScriptedSession, Timeline
from gate.simulator.session_list import list_entry, mentions, number
from gate.simulator.wire import Reply, error_reply, fault_answer, json_reply


class Simulator(Protocol):
    """What the routes need of the `gate.simulator.server.Simulator` they belong to."""

    account_id: str
    _stopping: threading.Event
    _cond: threading.Condition
    _plays: dict[str, Play]
    _results: dict[str, tuple[Play, int]]

    def finish(self, session_id: str) -> None: ...

    def add(self, session: ScriptedSession) -> ScriptedSession: ...


_UUID = r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
ROUTES = (
    ("POST", "test-trigger", re.compile(r"/v1/test-sessions/trigger")),
    ("POST", "check-trigger", re.compile(r"/v2/check-sessions/trigger")),
    ("POST", "test-cancel", re.compile(r"/v1/test-sessions/([^/]+)/cancel")),
    ("POST", "check-cancel", re.compile(r"/v1/check-sessions/([^/]+)/cancel")),
    ("GET", "list", re.compile(r"/v1/test-sessions")),
    ("GET", "locations", re.compile(r"/v1/locations")),
)
NO_MATCH = "No matching checks were found."
Handler = Callable[[list[str], Mapping[str, str], Any], Reply]
_FINAL = {"passed": "PASSED", "failed": "FAILED", "degraded": "DEGRADED"}


class TriggerRoutes:
    """Trigger-mode state of one simulator (see the module docstring). Thread-safe."""

    def __init__(self, sim: Simulator, catalogue: Iterable[DeployedCheck] = ()) -> None:
        self.sim = sim
        self.private = PrivateLocations(sim)  # SPEC §12: the slugs a test session may run in
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
        private = location in self.private.slugs()  # the agents run it (SPEC §12)
        if location not in PUBLIC_LOCATIONS and location not in PRIVATE_LOCATIONS and not private:
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
        results = (
            [] if private else [r for c in checks for r in c.run(location, variables, retries)]
        )
        finals = {r.status for r in results}
        status = "FAILED" if "failed" in finals else "PASSED"
        session = ScriptedSession(
            "test",
            status,
            request["name"],
            duration_s=max((c.duration_s for c in checks), default=0.0),
            results=results,
            metadata=request.get("metadata") or {},
            never_finishes=private,
        )
        self.sim.add(session)
        if private:
            self.private.queue(location, session, checks, variables)
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
        self.private.cancelled.add(session_id.lower())  # its agent jobs are dropped
        return Reply(204, b"")

    # -- lists ---------------------------------------------------------------------------------
    def _list(self, args: list[str], query: Mapping[str, str], body: Any) -> Reply:
        """`GET /v1/test-sessions`: newest first, filtered by `from`, `to`, `textSearch` and
        `branches` (one branch name, `branches=main` or `branches[]=main`)."""
        try:
            since, until = number(query, "from"), number(query, "to")
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
            entries = [(p.wall, list_entry(p, p.timeline(now), self.sim.account_id)) for p in plays]
        kept = [
            entry
            for wall, entry in sorted(entries, key=lambda e: -e[0])
            if (since is None or wall >= since)
            and (until is None or wall < until)
            and (text is None or mentions(entry, text))
            and (branch is None or entry["branchName"] == branch)
        ][:limit]
        return json_reply(200, {"length": len(kept), "entries": kept, "nextId": None})

    def _locations(self, args: list[str], query: Mapping[str, str], body: Any) -> Reply:
        return json_reply(200, [{"region": r, "name": n} for r, n in PUBLIC_LOCATIONS.items()])


def _worst(statuses: Iterable[str]) -> str:
    found = set(statuses)
    return next((s for s in ("failed", "degraded") if s in found), "passed")
