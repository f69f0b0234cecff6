"""The simulator's private locations (SPEC §12): the API routes, keys, and agents that connect
by polling with a key and run the checks of test sessions triggered in the location.

`PrivateLocations` belongs to a simulator's trigger routes (`sim.triggers.private`). API
routes (authenticated like any other): `GET`/`POST /v1/private-locations`, `GET`/`DELETE
/v1/private-locations/{id}`, `POST /v1/private-locations/{id}/keys`. A test session
triggered with `runLocation` = one of its slugs gets no scripted results: each matched check
becomes a job for the location's agents, and the session finishes when every job is reported
back.

The agent side is the simulator's own (Checkly's agent protocol is not public), authenticated
with the location's key (`Authorization: Bearer <rawKey>`), outside the Public API:
`GET /agent/v1/jobs?agent=<id>` (polled: it makes the agent connected, `agentCount` counts
agents seen in the last `AGENT_WINDOW_S`, and takes the next job, if any) and
`POST /agent/v1/results` (`{"jobId", "status": <HTTP status or null>, "error", "responseTimeMs"}`).
`gate.simulator.agent` is such an agent.

What can be set: `limit` (locations the plan allows; a create past it is 402), `key_limit`
(keys per location; past it 402). DELETE is 409 while a session in the location still has jobs
that are neither done nor cancelled.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from gate.simulator.agent_jobs import check_url, result_of, wire_job
from gate.simulator.catalogue import PUBLIC_LOCATIONS, DeployedCheck
from gate.simulator.play import Play
from gate.simulator.scenarios import ScriptedSession
from gate.simulator.wire import Reply, error_reply, json_reply

AGENT_WINDOW_S = 10.0  # an agent that polled this recently is connected
_ID = r"([^/]+)"
ROUTES = (
    ("GET", "list", re.compile(r"/v1/private-locations")),
    ("POST", "create", re.compile(r"/v1/private-locations")),
    ("GET", "read", re.compile(rf"/v1/private-locations/{_ID}")),
    ("DELETE", "delete", re.compile(rf"/v1/private-locations/{_ID}")),
    ("POST", "key", re.compile(rf"/v1/private-locations/{_ID}/keys")),
    ("GET", "agent-jobs", re.compile(r"/agent/v1/jobs")),
    ("POST", "agent-report", re.compile(r"/agent/v1/results")),
)
AGENT_ROUTES = ("agent-jobs", "agent-report")
_SLUG = re.compile(
    r"(?!(?:us(?:-gov)?|ap|ca|cn|eu|sa|af|me)-(?:central|(?:north|south)?(?:east|west)?)-\d+)"
    r"[a-zA-Z0-9-]{1,30}"
)
_CREATE_FIELDS = {"name", "slugName", "icon", "proxyUrl"}


class Simulator(Protocol):
    _cond: threading.Condition
    _plays: dict[str, Play]
    _results: dict[str, tuple[Play, int]]

    def finish(self, session_id: str) -> None: ...


class PrivateLocations:
    """Private locations, keys, agents and their jobs (see the module docstring)."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.limit: int | None = None
        self.key_limit: int | None = None
        self.locations: dict[str, dict[str, Any]] = {}  # id → the stored location
        self.deleted: list[str] = []  # IDs, in the order they were deleted
        self.cancelled: set[str] = set()  # session IDs whose jobs are dropped
        self._keys: dict[str, str] = {}  # raw key → location id
        self._seen: dict[str, dict[str, float]] = {}  # location id → agent id → last poll
        self._jobs: dict[str, dict[str, Any]] = {}  # job id → the job
        self._lock = threading.Lock()

    # -- what the tests and the triggers ask -----------------------------------------------
    def slugs(self) -> set[str]:
        with self._lock:
            return {str(loc["slugName"]) for loc in self.locations.values()}

    def agent_count(self, location_id: str) -> int:
        with self._lock:
            return self._count(location_id)

    def _count(self, location_id: str) -> int:
        now = time.monotonic()
        seen = self._seen.get(location_id, {})
        return sum(1 for at in seen.values() if at > now - AGENT_WINDOW_S)

    def queue(
        self,
        slug: str,
        session: ScriptedSession,
        checks: Iterable[DeployedCheck],
        variables: Mapping[str, str],
    ) -> None:
        """Make each check of a session triggered in `slug` a job for its agents."""
        with self._lock:
            found = [i for i, loc in self.locations.items() if loc["slugName"] == slug]
            for check in checks:
                job_id = str(uuid.uuid4())
                self._jobs[job_id] = {
                    "jobId": job_id,
                    "location": found[0] if found else "",
                    "slug": slug,
                    "session": session.id,
                    "check": check,
                    "url": check_url(check),
                    "variables": dict(variables),
                    "state": "queued",
                }

    # -- dispatch ------------------------------------------------------------------------------
    def answer(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        sent: bytes,
        refuse: Callable[[Mapping[str, str]], Reply | None],
    ) -> Reply | None:
        """The answer to one of these routes (the agents' without, the API's after `refuse`);
        for any other route `refuse`'s answer: None when the request may go on."""
        route = next(
            (
                (name, list(m.groups()))
                for v, name, p in ROUTES
                if v == method and (m := p.fullmatch(path))
            ),
            None,
        )
        if route is None:
            return refuse(headers)
        name, args = route
        if name not in AGENT_ROUTES and (refused := refuse(headers)) is not None:
            return refused
        try:
            body = json.loads(sent) if sent else None
        except ValueError:
            return error_reply(400, "Invalid request payload JSON format")
        handler: Callable[[list[str], Mapping[str, str], Any], Reply] = getattr(
            self, "_" + name.replace("-", "_")
        )
        return handler(args, headers, body)

    # -- the Public API routes -----------------------------------------------------------------
    def _list(self, args: list[str], headers: Mapping[str, str], body: Any) -> Reply:
        with self._lock:
            listed = [self._body(loc, full=True) for loc in self.locations.values()]
        return json_reply(200, listed)

    def _create(self, args: list[str], headers: Mapping[str, str], body: Any) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            return error_reply(400, '"name" is required')
        slug = body.get("slugName")
        if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
            return error_reply(400, '"slugName" must be a valid slug name (at most 30 characters)')
        if unknown := sorted(set(body) - _CREATE_FIELDS):
            return error_reply(400, f'"{unknown[0]}" is not allowed')
        with self._lock:
            if self.limit is not None and len(self.locations) >= self.limit:
                message = f"Your plan allows {self.limit} private locations; remove one first"
                return error_reply(402, message)
            if slug in PUBLIC_LOCATIONS or slug in {
                loc["slugName"] for loc in self.locations.values()
            }:
                return error_reply(400, f'"slugName" "{slug}" is already in use')
            location = {
                "id": str(uuid.uuid4()),
                "name": body["name"],
                "slugName": slug,
                "icon": str(body.get("icon") or "location"),
                "created": time.time(),
                "keys": [],
            }
            self.locations[location["id"]] = location
        return json_reply(201, self._body(location, full=False))

    def _read(self, args: list[str], headers: Mapping[str, str], body: Any) -> Reply:
        with self._lock:
            location = self.locations.get(args[0].lower())
            return (
                json_reply(200, self._body(location, full=True))
                if location
                else error_reply(404, f"Private location {args[0]} not found")
            )

    def _delete(self, args: list[str], headers: Mapping[str, str], body: Any) -> Reply:
        with self._lock:
            location = self.locations.get(args[0].lower())
            if location is None:
                return error_reply(404, f"Private location {args[0]} not found")
            busy = [
                j
                for j in self._jobs.values()
                if j["location"] == location["id"]
                and j["state"] != "done"
                and j["session"] not in self.cancelled
            ]
            if busy:
                return error_reply(409, "The private location still has check runs in progress")
            del self.locations[location["id"]]
            self.deleted.append(location["id"])
            for key in location["keys"]:
                self._keys.pop(key["rawKey"], None)
        return Reply(204, b"")

    def _key(self, args: list[str], headers: Mapping[str, str], body: Any) -> Reply:
        with self._lock:
            location = self.locations.get(args[0].lower())
            if location is None:
                return error_reply(404, f"Private location {args[0]} not found")
            if self.key_limit is not None and len(location["keys"]) >= self.key_limit:
                return error_reply(402, f"Your plan allows {self.key_limit} keys per location")
            raw = "pl_" + secrets.token_hex(16)
            key = {
                "id": str(uuid.uuid4()),
                "rawKey": raw,
                "maskedKey": "..." + raw[-4:],
                "created_at": _day(time.time()),
            }
            location["keys"].append(key)
            self._keys[raw] = location["id"]
        return json_reply(201, key)

    def _body(self, location: Mapping[str, Any], *, full: bool) -> dict[str, Any]:
        body = {k: location[k] for k in ("id", "name", "slugName", "icon")}
        body |= {"created_at": _day(location["created"]), "proxyUrl": None}
        if full:
            seen = self._seen.get(location["id"], {})
            body["agentCount"] = self._count(location["id"])
            body["lastSeen"] = (
                _day(time.time() - (time.monotonic() - max(seen.values()))) if seen else None
            )
        return body

    # -- the agents' routes --------------------------------------------------------------------
    def _agent(self, headers: Mapping[str, str]) -> str | None:
        scheme, _, key = headers.get("authorization", "").partition(" ")
        return self._keys.get(key.strip()) if scheme.lower() == "bearer" else None

    def _agent_jobs(self, args: list[str], headers: Mapping[str, str], body: Any) -> Reply:
        with self._lock:
            location = self._agent(headers)
            if location is None:
                return error_reply(401, "Unknown private-location key")
            agent = headers.get("x-agent-id", "") or "agent"
            self._seen.setdefault(location, {})[agent] = time.monotonic()
            for job in self._jobs.values():
                if job["session"] in self.cancelled:
                    job["state"] = "done"
                if job["location"] == location and job["state"] == "queued":
                    job["state"] = "running"
                    return json_reply(200, {"jobs": [wire_job(job)]})
        return json_reply(200, {"jobs": []})

    def _agent_report(self, args: list[str], headers: Mapping[str, str], body: Any) -> Reply:
        with self._lock:
            location = self._agent(headers)
            if location is None:
                return error_reply(401, "Unknown private-location key")
            job = self._jobs.get(str(body.get("jobId"))) if isinstance(body, dict) else None
            if job is None or job["location"] != location or job["state"] != "running":
                return error_reply(404, "No such job running in this private location")
            job["state"], job["answer"] = "done", body
            session_id = job["session"]
            mine = [j for j in self._jobs.values() if j["session"] == session_id]
            complete = all(j["state"] == "done" for j in mine)
        if complete:
            self._finish(session_id, mine)
        return Reply(204, b"")

    def _finish(self, session_id: str, jobs: list[dict[str, Any]]) -> None:
        with self.sim._cond:
            play = self.sim._plays[session_id.lower()]
            for job in jobs:
                result = result_of(job)
                play.session.results.append(result)
                self.sim._results[result.rid.lower()] = (play, len(play.session.results) - 1)
            failed = any(r.status == "failed" for r in play.session.results)
            play.session.status = "FAILED" if failed else "PASSED"
        self.sim.finish(session_id)


def _day(epoch: float) -> str:
    """A date as the API types these fields (`format: date`): `2026-12-07`."""
    return datetime.fromtimestamp(epoch, UTC).date().isoformat()
