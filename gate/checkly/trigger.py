"""Trigger mode (SPEC §8): start the runs, read the answer, and never start them twice.

`start` sends one trigger and returns what it started (`Started`), or why nothing was
(`no_match`). Errors are the CLI's exit codes: 400 → `TriggerRefused` (2); 401/403 →
`CredentialsRejected`, 402 → `PlanLimit`, a lost answer that cannot be settled →
`TriggerUncertain` (3).

A trigger has no idempotency key, so it is sent again only when it cannot have started
anything: a 429 (after `Retry-After`) or a connection that failed before the request went out.
After an answer that is lost or ambiguous (a read timeout, a reset, a 5xx), a test session is
looked up by its name (`GET /v1/test-sessions?from=…&textSearch=<token>`): one found is
adopted, none is triggered once more, several stop the run. A check-session trigger cannot be
looked up (check sessions have no list): it stops the run, saying where the runs may be.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from gate.checkly.client import Answer, ChecklyClient
from gate.checkly.transport import AnswerLost, ApiError, NotSent, Unreachable, backoff
from gate.checkly.trigger_request import (
    RunContext,
    SessionName,
    check_sessions_body,
    session_name,
    test_session_body,
    variables,
)
from gate.core.errors import (
    ApiUnreachable,
    CredentialsRejected,
    PlanLimit,
    TriggerRefused,
    TriggerUncertain,
)
from gate.core.model import SessionKind
from gate.options.session_ids import is_uuid
from gate.options.trigger_options import TriggerConfig, TriggerKind

TEST_TRIGGER = "/v1/test-sessions/trigger"
CHECK_TRIGGER = "/v2/check-sessions/trigger"
NO_MATCH_CODE = "ERR_NO_MATCHING_CHECKS"
LOOKUP_SKEW_S = 5  # `from` this much before the POST: clocks differ a little
LOOKUP_SETTLE_S = 1.0  # a session just created may take a moment to be listed
AMBIGUOUS = frozenset({408, 500, 502, 503, 504})


@dataclasses.dataclass(frozen=True)
class StartedSession:
    kind: SessionKind
    id: str
    link: str | None = None
    name: str | None = None


@dataclasses.dataclass(frozen=True)
class Started:
    """What one trigger started, in the API's order; `no_match` says why nothing was."""

    kind: TriggerKind
    sessions: tuple[StartedSession, ...] = ()
    no_match: str | None = None
    filters: str = "all eligible checks"


def start(
    client: ChecklyClient,
    trigger: TriggerConfig,
    context: RunContext,
    deadline: float,
    say: Callable[[str], None],
) -> Started:
    """Send the trigger and read its answer (see the module docstring)."""
    filters = trigger.describe_filters()
    if trigger.kind is TriggerKind.CHECK_SESSIONS:
        say(f"Triggering check sessions: one run per matched check ({filters})")
        if context.environment_url:
            say("ENVIRONMENT_URL is not passed: check sessions take no variables")
        return _check_sessions(client, trigger, deadline, say, filters)
    name = session_name(trigger, context)
    say(f'Triggering a test session in {trigger.location} ({filters}): "{name.name}"')
    url = next((v.value for v in variables(trigger, context) if v.key == "ENVIRONMENT_URL"), None)
    if url and context.environment_url == url and not _given_env_url(trigger):
        say(f"ENVIRONMENT_URL={url} ({context.environment_url_from})")
    body = test_session_body(trigger, context, name.name)
    retried = False
    while True:
        since = time.time()
        try:
            answer: Answer | None = _send(client, TEST_TRIGGER, body, deadline)
            why = f"HTTP {answer.status}" if answer else ""
        except AnswerLost as exc:
            answer, why = None, str(exc)
        if answer is not None and answer.status not in AMBIGUOUS:
            started = _read_test_answer(client, answer, trigger, filters, deadline)
            if started is not None:
                _announce(started, say)
                return started
            why = "HTTP 201 without a readable test session"
        found = _look_up(client, name, since, deadline, why)
        if len(found) == 1:
            say(f"The trigger's answer was lost ({why}); its test session was found by name")
            adopted = _adopt(client, found[0], deadline)
            started = Started(trigger.kind, (adopted,), filters=filters)
            _announce(started, say)
            return started
        if found or retried:
            raise TriggerUncertain(_uncertain(client, name, why, len(found)))
        retried = True
        say(f"The trigger's answer was lost ({why}) and no test session has its name: once more")


def _given_env_url(trigger: TriggerConfig) -> bool:
    return any(v.key == "ENVIRONMENT_URL" for v in trigger.variables)


def _check_sessions(
    client: ChecklyClient,
    trigger: TriggerConfig,
    deadline: float,
    say: Callable[[str], None],
    filters: str,
) -> Started:
    try:
        answer = _send(client, CHECK_TRIGGER, check_sessions_body(trigger), deadline)
    except AnswerLost as exc:
        raise TriggerUncertain(_check_uncertain(client, str(exc))) from exc
    if answer.status in AMBIGUOUS:
        raise TriggerUncertain(_check_uncertain(client, f"HTTP {answer.status}"))
    no_match = _refusal(client, answer, trigger, filters)
    if no_match is not None:
        return Started(trigger.kind, no_match=no_match, filters=filters)
    listed = answer.body.get("sessions") if isinstance(answer.body, Mapping) else None
    if not isinstance(listed, list):
        raise TriggerUncertain(_check_uncertain(client, "HTTP 201 without a list of sessions"))
    sessions = tuple(
        StartedSession(
            SessionKind.CHECK,
            s["checkSessionId"].lower(),
            _text(s, "checkSessionLink"),
            _text(s, "name"),
        )
        for s in listed
        if isinstance(s, Mapping) and is_uuid(str(s.get("checkSessionId", "")))
    )
    if not sessions:
        no_match = f"{filters} matched no check (the trigger started no check session)"
        return Started(trigger.kind, no_match=no_match, filters=filters)
    started = Started(trigger.kind, sessions, filters=filters)
    _announce(started, say)
    return started


def _send(client: ChecklyClient, path: str, body: Mapping[str, Any], deadline: float) -> Answer:
    """POST, sent again only when it cannot have started anything: a 429, or a connection
    that failed before the request went out. Raises AnswerLost for everything else."""
    attempt = 0
    while True:
        try:
            answer = client.post(path, body, deadline)
        except NotSent as exc:
            answer, last = None, str(exc)
        except Unreachable as exc:  # the run was stopped
            raise AnswerLost(exc.last) from exc
        if answer is not None and answer.status != 429:
            return answer
        last = f"HTTP 429: {answer.message}" if answer is not None else last
        attempt += 1
        delay = answer.retry_after if answer is not None else None
        if delay is None:
            delay = backoff(client.timing, attempt)
        if client.clock() + delay >= deadline:
            raise ApiUnreachable(f"the trigger was not accepted before the deadline ({last})")
        client.cancel.wait(delay)
        if client.cancel.is_set():
            raise AnswerLost("the run was stopped")


def _refusal(
    client: ChecklyClient, answer: Answer, trigger: TriggerConfig, filters: str
) -> str | None:
    """None for a 2xx; the no-match text for the three forms of "no matching checks";
    raises for every other refusal."""
    status, message = answer.status, answer.message
    code = answer.body.get("errorCode") if isinstance(answer.body, Mapping) else None
    if 200 <= status < 300:
        return None
    if status == 404 or (status == 403 and code == NO_MATCH_CODE):
        return f"{filters} matched no check (HTTP {status}: {message})"
    if status in (401, 403):
        raise CredentialsRejected(status, message, client.account_id)
    if status == 402:
        raise PlanLimit(
            f"Checkly refused the trigger: a limit of the account's plan (HTTP 402): {message}"
        )
    hint = _location_hint(client, trigger) if status == 400 else ""
    raise TriggerRefused(f"Checkly refused the trigger (HTTP {status}): {message}{hint}")


def _read_test_answer(
    client: ChecklyClient, answer: Answer, trigger: TriggerConfig, filters: str, deadline: float
) -> Started | None:
    """The started test session, a no-match, or None: a 201 that cannot be read."""
    no_match = _refusal(client, answer, trigger, filters)
    if no_match is not None:
        return Started(trigger.kind, no_match=no_match, filters=filters)
    body = answer.body if isinstance(answer.body, Mapping) else {}
    session_id = str(body.get("testSessionId", ""))
    if not is_uuid(session_id):
        return None
    found = StartedSession(
        SessionKind.TEST, session_id.lower(), _text(body, "testSessionLink"), _text(body, "name")
    )
    return Started(trigger.kind, (found,), filters=filters)


def _look_up(
    client: ChecklyClient, name: SessionName, since: float, deadline: float, why: str
) -> list[Mapping[str, Any]]:
    """The test sessions created since the POST whose name is exactly `name`."""
    if name.search is None:
        raise TriggerUncertain(
            f"the trigger's answer was lost ({why}), and the test-session name "
            f'"{name.name}" is too short to look the session up (3 characters at least): a '
            "test session may have started; see it in Checkly > Test sessions"
        )
    params = {"from": str(math.floor(since) - LOOKUP_SKEW_S), "textSearch": name.search}
    client.cancel.wait(LOOKUP_SETTLE_S)
    try:
        body = client.get("/v1/test-sessions", deadline, params=params | {"limit": "100"}) or {}
    except (ApiError, Unreachable) as exc:
        raise TriggerUncertain(
            f"the trigger's answer was lost ({why}) and the test session could not be looked "
            f"up ({exc}): it may have started; see Checkly > Test sessions"
        ) from exc
    entries = body.get("entries")
    listed = entries if isinstance(entries, list) else []
    return [e for e in listed if isinstance(e, Mapping) and e.get("name") == name.name]


def _adopt(client: ChecklyClient, entry: Mapping[str, Any], deadline: float) -> StartedSession:
    session_id = str(entry.get("id", "")).lower()
    try:
        body = client.session(SessionKind.TEST, session_id, deadline)
    except (ApiError, Unreachable):
        body = {}
    return StartedSession(
        SessionKind.TEST, session_id, _text(body, "testSessionLink"), _text(entry, "name")
    )


def _announce(started: Started, say: Callable[[str], None]) -> None:
    """Each started session with its link, at once."""
    if started.kind is TriggerKind.CHECK_SESSIONS:
        count = len(started.sessions)
        say(f"Triggered {count} check session{'s' if count != 1 else ''}:")
    for s in started.sessions:
        label = f'"{s.name}" ' if s.name else ""
        prefix = "Triggered " if s.kind is SessionKind.TEST else "  "
        say(f"{prefix}{s.kind.value} session {label}{s.id}: {s.link or '(no link yet)'}")


def _uncertain(client: ChecklyClient, name: SessionName, why: str, count: int) -> str:
    where = f"{_app_url(client)}/test-sessions"
    if count > 1:
        return (
            f"the trigger's answer was lost ({why}) and {count} test sessions named "
            f'"{name.name}" exist: the gate cannot tell which one is its own; see {where}'
        )
    return (
        f"the trigger's answer was lost ({why}) twice, and no test session named "
        f'"{name.name}" could be found: one may still appear; see {where}'
    )


def _check_uncertain(client: ChecklyClient, why: str) -> str:
    return (
        f"the check-session trigger's answer was lost ({why}): check runs may have started "
        "(and may alert as scheduled runs do), and the gate does not trigger again; see each "
        f"check's recent runs at {_app_url(client)}/checks"
    )


def _location_hint(client: ChecklyClient, trigger: TriggerConfig) -> str:
    """After a 400: whether `location` is a public region (`GET /v1/locations`), best effort."""
    if trigger.location is None:
        return ""
    regions = client.locations(timeout=3.0)
    if not regions or trigger.location in regions:
        return ""
    return (
        f"; location {trigger.location!r} is not a public region ({', '.join(regions)}), so it "
        "must be a private location's slug name"
    )


def _app_url(client: ChecklyClient) -> str:
    host = urlsplit(client.api_url).hostname or ""
    if host.startswith("api."):
        return f"https://app.{host[4:]}"
    return "https://app.checklyhq.com"


def _text(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) and value else None


def started_refs(started: Started | None) -> Sequence[StartedSession]:
    return started.sessions if started is not None else ()
