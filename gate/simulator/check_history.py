"""The simulator's check history: `GET /v2/check-results/{checkId}` and `GET /v1/check-statuses`.

Each check's earlier FINAL results come from its scripted `ScriptedResult.history` (newest
first, one letter a run: `P` passed, `F` failed, `D` degraded), one run every 10 minutes
before the check's first session was added. The list honours `to` (exclusive), `from`,
`limit` (1-100), `resultType`, `hasFailures`, `fields` (a comma-separated projection) and the
`nextId` cursor, and has its own rate limit (60 requests per 60 s, then 429), as Checkly's
route does.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from gate.simulator.bodies import iso
from gate.simulator.scenarios import Json, ScriptedResult, stable_uuid
from gate.simulator.wire import Reply, error_reply, json_reply

INTERVAL_S = 600.0  # a scripted check runs every 10 minutes
FIELDS = frozenset(
    [
        "id",
        "name",
        "checkId",
        "hasFailures",
        "hasErrors",
        "isDegraded",
        "isCancelled",
        "overMaxResponseTime",
        "runLocation",
        "startedAt",
        "stoppedAt",
        "created_at",
        "createdAt",
        "responseTime",
        "apiCheckResult",
        "browserCheckResult",
        "multiStepCheckResult",
        "agenticCheckResult",
        "playwrightCheckResult",
        "tracerouteCheckResult",
        "grpcCheckResult",
        "sslCheckResult",
        "checkRunId",
        "attempts",
        "resultType",
        "sequenceId",
        "traceId",
        "errorGroupIds",
    ]
)
# What an entry carries without `fields` (a CheckResult needs only resultType and traceId).
_PLAIN = "id name checkId hasFailures hasErrors isDegraded isCancelled runLocation startedAt"
_PLAIN += " stoppedAt created_at responseTime attempts resultType sequenceId traceId errorGroupIds"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


@dataclass
class _Check:
    name: str
    history: str
    locations: list[str]
    ends: float  # wall clock: the newest scripted run started INTERVAL_S before this
    hostile: str = ""  # ScriptedResult.history_hostile


class History:
    """Every scripted check's earlier runs, and the route's own rate limit."""

    def __init__(self, rate_limit: int = 60) -> None:
        self.rate_limit = rate_limit
        self._checks: dict[str, _Check] = {}
        self._hits: deque[float] = deque()
        self._lock = threading.Lock()

    def add(self, results: Iterable[ScriptedResult], wall: float) -> None:
        with self._lock:
            for r in results:
                check = self._checks.setdefault(r.cid.lower(), _Check(r.name, "", [], wall))
                check.history = check.history or r.history
                check.hostile = check.hostile or r.history_hostile
                if r.location not in check.locations:
                    check.locations.append(r.location)

    def check_ids(self) -> list[str]:
        with self._lock:
            return list(self._checks)

    def _limited(self) -> Reply | None:
        with self._lock:
            now = time.monotonic()
            while self._hits and self._hits[0] <= now - 60:
                self._hits.popleft()
            if len(self._hits) >= self.rate_limit:
                return error_reply(429, f"Over this route's {self.rate_limit} requests per 60 s")
            self._hits.append(now)
        return None

    def entries(self, check_id: str) -> list[Json]:
        """The check's earlier FINAL results, newest first (every field)."""
        with self._lock:
            check = self._checks.get(check_id.lower())
        if check is None:
            return []
        out = []
        for i, letter in enumerate(check.history.upper()):
            started = check.ends - (i + 1) * INTERVAL_S
            rid = stable_uuid("history", check_id.lower(), str(i))
            location = check.locations[i % len(check.locations)]
            out.append(
                {"id": rid, "name": check.name, "checkId": check_id.lower()}
                | {"hasFailures": letter == "F", "hasErrors": False, "isDegraded": letter == "D"}
                | {"isCancelled": False, "runLocation": location, "startedAt": iso(started)}
                | {"stoppedAt": iso(started + 1), "created_at": iso(started + 1)}
                | {"responseTime": 120.0, "attempts": 1, "resultType": "FINAL"}
                | {"sequenceId": stable_uuid("sequence", rid), "traceId": None}
                | {"errorGroupIds": []}
            )
        return out

    def answer(self, what: str, args: list[str], query: Mapping[str, str]) -> Reply:
        """The reply of route `what` ("history" or "statuses") to a request the server let in."""
        if what == "history":
            return self.results(args[0], query)
        return self.statuses(args[0] if args else None)

    def results(self, check_id: str, query: Mapping[str, str]) -> Reply:
        """`GET /v2/check-results/{checkId}`: CheckResultListV2."""
        limited = self._limited()
        if limited is not None:
            return limited
        problem = _bad_query(check_id, query)
        if problem:
            return error_reply(400, problem)
        entries = self.entries(check_id)
        if query.get("resultType", "FINAL") == "ATTEMPT":
            entries = []
        low, high = float(query.get("from", "-inf")), float(query.get("to", "inf"))
        entries = [e for e in entries if low <= _epoch(e["startedAt"]) < high]
        if "hasFailures" in query:
            entries = [e for e in entries if e["hasFailures"] == (query["hasFailures"] == "true")]
        entries = [*self._hostile(check_id), *entries]
        start = int(query["nextId"].removeprefix("after-")) if "nextId" in query else 0
        limit = int(query.get("limit", "10"))
        page = entries[start : start + limit]
        more = start + limit < len(entries)
        names = query["fields"].split(",") if query.get("fields") else _PLAIN.split()
        page = [{k: e[k] for k in names if k in e} for e in page]
        body = {"length": len(page), "entries": page}
        return json_reply(200, body | {"nextId": f"after-{start + limit}" if more else None})

    def _hostile(self, check_id: str) -> list[Json]:
        """ScriptedResult.history_hostile: failing entries no query should have let through."""
        with self._lock:
            check = self._checks.get(check_id.lower())
        out: list[Json] = []
        for i, kind in enumerate(check.hostile if check else ""):
            rid = stable_uuid("hostile", check_id.lower(), str(i))
            entry: Json = {"id": rid, "checkId": check_id.lower(), "hasFailures": True}
            entry |= {"hasErrors": False, "isCancelled": False, "resultType": "FINAL"}
            if kind == "o":
                entry |= {"checkId": stable_uuid("other check", check_id.lower())}
            if kind == "l":
                entry |= {"startedAt": iso(time.time() + 60)}
            elif kind != "u":
                entry |= {"startedAt": iso(check.ends - 1)}  # type: ignore[union-attr]
            out.append(entry)
        return out

    def statuses(self, check_id: str | None) -> Reply:
        """`GET /v1/check-statuses` (every check) or `/v1/check-statuses/{checkId}`."""
        with self._lock:
            known = dict(self._checks)
        if check_id is not None and check_id.lower() not in known:
            return error_reply(404, f"Check {check_id} not found")
        bodies = [
            {"name": c.name, "checkId": cid, "hasFailures": c.history[:1].upper() == "F"}
            | {"hasErrors": False, "isDegraded": c.history[:1].upper() == "D"}
            | {"longestRun": 180.0, "shortestRun": 90.0, "lastRunLocation": c.locations[0]}
            | {"lastCheckRunId": stable_uuid("history", cid, "0"), "sslDaysRemaining": None}
            | {"created_at": iso(c.ends - 30 * 86400)[:10], "updated_at": iso(c.ends)}
            for cid, c in known.items()
            if check_id is None or cid == check_id.lower()
        ]
        return json_reply(200, bodies[0] if check_id is not None else bodies)


def _bad_query(check_id: str, query: Mapping[str, str]) -> str | None:
    if not _UUID.fullmatch(check_id):
        return '"checkId" must be a valid GUID'
    limit = query.get("limit", "10")
    if not (limit.isdigit() and 1 <= int(limit) <= 100):
        return '"limit" must be an integer from 1 to 100'
    if query.get("resultType", "FINAL") not in ("FINAL", "ATTEMPT", "ALL"):
        return '"resultType" must be one of FINAL, ATTEMPT, ALL'
    for name in ("from", "to"):
        try:
            float(query.get(name, "0"))
        except ValueError:
            return f'"{name}" must be a number (UNIX seconds)'
    unknown = [f for f in query.get("fields", "").split(",") if f and f not in FIELDS]
    if unknown:
        return f'"fields" does not allow {", ".join(unknown)}'
    cursor = query.get("nextId", "after-0").removeprefix("after-")
    if not cursor.isdigit():
        return '"nextId" is not a cursor this API returned'
    return None


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
