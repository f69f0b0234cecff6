"""The private-location routes of an ephemeral location (SPEC §12): create it and its key, read
its agents, delete it, and find the gate's own locations a killed run left behind.

Answers become the CLI's exit codes: 401/403 → `CredentialsRejected`, 402 → `PlanLimit` (the
plan has no room for another private location), anything else unexpected → `NoVerdict`. A POST
is sent again only after a 429 or a connection that failed before the request went out (as a
trigger is): a location created twice would outlive the run. The key's `rawKey` is a secret:
it is returned to the caller, which masks it at once, and never appears in a message here.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import requests

from gate.checkly.client import CUT_AFTER, CUT_OFF, ChecklyClient
from gate.checkly.transport import (
    Answer,
    AnswerLost,
    NotSent,
    backoff,
    retry_after_seconds,
    sent_or_not,
)
from gate.core.errors import CredentialsRejected, NoVerdict, PlanLimit

ROUTE = "/v1/private-locations"
SLUG_PREFIX = "checkly-gate-"
NAME_PREFIX = "checkly-gate "
STALE_AFTER_S = 6 * 3600.0  # a location of the gate's older than this was left by a killed run
_OWN_SLUG = re.compile(rf"{re.escape(SLUG_PREFIX)}[0-9a-f]{{8}}")


class LocationPlanLimit(PlanLimit):
    """402 on creating the location or its key: the plan lacks (room for) private locations."""

    hint = (
        "private-location: ephemeral creates one private location for the length of the run; "
        "the account's plan does not include private locations or has no room for one more "
        "(Checkly > Account settings > Plans & billing, or Private locations to remove unused "
        "ones). Without it, leave private-location out and test a deployed URL."
    )


@dataclasses.dataclass(frozen=True)
class Location:
    id: str
    slug: str
    name: str


def create(client: ChecklyClient, name: str, slug: str, deadline: float) -> Location:
    """`POST /v1/private-locations`: the run's own location."""
    answer = _post(client, ROUTE, {"name": name, "slugName": slug, "icon": "location"}, deadline)
    _refused(client, answer, "create a private location")
    body = answer.body if isinstance(answer.body, Mapping) else {}
    found = body.get("id")
    if not isinstance(found, str) or not found:
        raise NoVerdict(f"Checkly created a private location but its answer has no id: {slug}")
    return Location(found, str(body.get("slugName") or slug), str(body.get("name") or name))


def create_key(client: ChecklyClient, location: Location, deadline: float) -> str:
    """`POST /v1/private-locations/{id}/keys`: the agent's key (`rawKey`, a secret)."""
    answer = _post(client, f"{ROUTE}/{location.id}/keys", {}, deadline)
    _refused(client, answer, f"create a key for the private location {location.slug}")
    body = answer.body if isinstance(answer.body, Mapping) else {}
    raw = body.get("rawKey")
    if not isinstance(raw, str) or not raw:
        raise NoVerdict(f"Checkly's answer has no key for the private location {location.slug}")
    return raw


def agent_count(client: ChecklyClient, location: Location, deadline: float) -> int:
    """How many agents the location reports now (`agentCount`; 0 when unknown)."""
    answer = call(client, "GET", f"{ROUTE}/{location.id}", deadline)
    if answer.status in (401, 403):
        raise CredentialsRejected(answer.status, answer.message, client.account_id)
    body = answer.body if answer.status == 200 and isinstance(answer.body, Mapping) else {}
    count = body.get("agentCount")
    return int(count) if isinstance(count, int | float) else 0


def delete(client: ChecklyClient, location_id: str, deadline: float) -> str | None:
    """`DELETE /v1/private-locations/{id}`: None when it is gone (204, or 404: already gone),
    else why not, in words. A 409 (runs still in it) is asked once more a second later."""
    for attempt in (1, 2):
        try:
            answer = call(client, "DELETE", f"{ROUTE}/{location_id}", deadline)
        except (NotSent, AnswerLost) as exc:
            return str(exc)
        if answer.status == 404 or 200 <= answer.status < 300:
            return None
        if answer.status != 409 or attempt == 2 or deadline - client.clock() < 1.5:
            break
        time.sleep(1.0)  # 409: a run just cancelled may still hold it for a moment
    return f"HTTP {answer.status}: {answer.message}"


def stale(client: ChecklyClient, deadline: float, now: float | None = None) -> list[Location]:
    """The gate's own locations (slug `checkly-gate-<token>`, name `checkly-gate …`) created
    more than 6 hours ago with no agent connected: what a killed run left. Nothing else is
    ever listed here."""
    try:
        answer = call(client, "GET", ROUTE, deadline)
    except (NotSent, AnswerLost):
        return []
    listed = answer.body if answer.status == 200 and isinstance(answer.body, list) else []
    cutoff = (time.time() if now is None else now) - STALE_AFTER_S
    found = []
    for entry in listed:
        if not isinstance(entry, Mapping) or not is_own(entry):
            continue
        created = _created_by(entry.get("created_at"))
        agents = entry.get("agentCount")
        if created is not None and created < cutoff and not agents:
            found.append(Location(str(entry["id"]), str(entry["slugName"]), str(entry["name"])))
    return found


def is_own(entry: Mapping[str, Any]) -> bool:
    """Whether a listed location is one the gate created (its slug and its name say so)."""
    slug, name = entry.get("slugName"), entry.get("name")
    return (
        isinstance(slug, str)
        and bool(_OWN_SLUG.fullmatch(slug))
        and isinstance(name, str)
        and name.startswith(NAME_PREFIX)
        and name.endswith(slug[len(SLUG_PREFIX) :])
        and isinstance(entry.get("id"), str)
    )


def _created_by(value: object) -> float | None:
    """The latest moment a location can have been created, from its `created_at`: the time
    itself, or for a bare date (the API types it as one) the end of that day, so a location is
    never taken for older than it is."""
    if not isinstance(value, str) or not value:
        return None
    try:
        if len(value) == 10:  # YYYY-MM-DD
            day = datetime.fromisoformat(value).replace(tzinfo=UTC)
            return day.timestamp() + 86400.0
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _post(client: ChecklyClient, path: str, body: Mapping[str, Any], deadline: float) -> Answer:
    attempt = 0
    while True:
        try:
            answer: Answer | None = client.post(path, body, deadline)
            last = ""
        except NotSent as exc:
            answer, last = None, str(exc)
        except AnswerLost as exc:
            raise NoVerdict(f"Checkly's answer to POST {path} was lost ({exc})") from exc
        if answer is not None and answer.status != 429:
            return answer
        attempt += 1
        delay = answer.retry_after if answer is not None and answer.retry_after else None
        delay = delay if delay is not None else backoff(client.timing, attempt)
        if client.clock() + delay >= deadline or client.cancel.is_set():
            why = f"HTTP 429: {answer.message}" if answer is not None else last
            raise NoVerdict(f"POST {path} was not accepted before the deadline ({why})")
        client.cancel.wait(delay)


def _refused(client: ChecklyClient, answer: Answer, what: str) -> None:
    status, message = answer.status, answer.message
    if 200 <= status < 300:
        return
    if status in (401, 403):
        raise CredentialsRejected(status, message, client.account_id)
    if status == 402:
        raise LocationPlanLimit(
            f"Checkly refused to {what}: the account's plan limits private locations "
            f"(HTTP 402): {message}"
        )
    raise NoVerdict(f"Checkly refused to {what} (HTTP {status}): {message}")


def call(client: ChecklyClient, method: str, path: str, deadline: float) -> Answer:
    """One GET or DELETE sent as `ChecklyClient.post` sends a POST: never retried, bounded by
    `deadline` however the answer arrives, even after `abort()` (a stopping run's clean-up);
    the body may be any JSON, a list too. Raises `NotSent` / `AnswerLost` as `post` does.
    (Here rather than in the client, which is at the module size cap.)"""
    left = max(deadline - client.clock(), 0.05)
    timeout = (min(client.timing.connect, left), min(client.timing.plain_read, left))
    with client._bounded(min(left, sum(timeout)) + CUT_AFTER) as fired:
        try:
            response = client._session().request(
                method, client.api_url + path, timeout=timeout, allow_redirects=False
            )
            content = response.content  # read whole within the bound
        except requests.exceptions.RequestException as exc:
            if fired[0]:
                raise AnswerLost(CUT_OFF) from exc
            raise sent_or_not(exc) from exc
    response.close()
    if fired[0]:
        raise AnswerLost(CUT_OFF)
    try:
        parsed = response.json() if content else None
    except ValueError:
        parsed = None
    retry = retry_after_seconds(response.headers.get("Retry-After"))
    return Answer(response.status_code, parsed, client._message(response), retry)
