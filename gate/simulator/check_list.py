"""The simulator's `GET /v1/checks`: the deployed checks of its catalogue, filtered by one
`tag`, `limit` (1-100) checks a `page`. Each check carries what a check list entry needs here:
ID, name, type, tags, whether it is activated, its locations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gate.simulator.catalogue import DeployedCheck
from gate.simulator.wire import Reply, error_reply, json_reply


def checks_reply(checks: Sequence[DeployedCheck], query: Mapping[str, str]) -> Reply:
    try:
        limit, page = int(query.get("limit") or 10), int(query.get("page") or 1)
    except ValueError:
        return error_reply(400, '"limit" and "page" must be integers')
    if not 1 <= limit <= 100 or page < 1:
        return error_reply(400, '"limit" must be between 1 and 100, "page" at least 1')
    tag = query.get("tag", query.get("tag[]"))
    kept = [c for c in checks if tag is None or tag in c.tags]
    return json_reply(
        200,
        [
            {"id": c.id, "name": c.name, "checkType": c.check_type, "tags": list(c.tags)}
            | {"activated": c.activated, "locations": list(c.locations)}
            for c in kept[(page - 1) * limit : page * limit]
        ],
    )
