"""The simulator's test-session list entries (`GET /v1/test-sessions`): one entry per session,
and the list's query helpers (`from`/`to` numbers, `textSearch`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from gate.simulator.bodies import iso
from gate.simulator.play import Play
from gate.simulator.scenarios import _METADATA, ScriptedSession, Timeline, stable_uuid


def number(query: Mapping[str, str], name: str) -> float | None:
    value = query.get(name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f'"{name}" must be a number') from None


def mentions(entry: Mapping[str, Any], text: str) -> bool:
    fields = ("name", "branchName", "commitMessage", "environment")
    return any(text.lower() in str(entry.get(f) or "").lower() for f in fields)


def list_entry(play: Play, t: Timeline, account_id: str) -> dict[str, Any]:
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
