"""Trigger mode (SPEC §8): start the runs, read the answer, and never start them twice.

`start` sends one trigger and returns what it started (`Started`), or why nothing was
(`no_match`). Errors are the CLI's exit codes: 400 → `TriggerRefused` (2); 401/403 →
`CredentialsRejected`, 402 → `PlanLimit`, a lost answer that cannot be settled →
`TriggerUncertain` (3).

A trigger has no idempotency key, so it is sent again only when it provably started nothing:
a 429 (after `Retry-After`) or a connection that failed before any byte went out (refused,
unknown host). Every other answer (a timeout, a reset, a 408, any 5xx, a 2xx that cannot be
read) is ambiguous, and the trigger is never sent again: a test session is looked up by the
run's token (`gate.checkly.trigger_lookup`), one found is adopted, none or several stop the run
(exit 3). A check-session trigger cannot be looked up (check sessions have no list): it stops
the run, saying where the runs may be. No trigger is sent after the deadline.

`InFlight` says what a trigger in progress has done so far (the token, whether the POST went
out, what it started), so a signal that comes meanwhile can still cancel it.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gate.checkly.client import ChecklyClient
from gate.checkly.transport import Answer, AnswerLost, ApiError, NotSent, Unreachable, backoff
from gate.checkly.trigger_lookup import look_up
from gate.checkly.trigger_messages import check_uncertain, none_found, several
from gate.checkly.trigger_request import (
    RunContext,
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


def ambiguous(status: int) -> bool:
    """Whether an answer leaves open that the trigger started runs: a 408, any 5xx, anything
    that is neither a 2xx nor another 4xx (a redirect, a 1xx)."""
    return status == 408 or not (200 <= status < 300 or 400 <= status < 500)


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


@dataclasses.dataclass
class InFlight:
    """A trigger in progress, as far as it got (read by the main thread on a signal)."""

    kind: TriggerKind | None = None
    token: str | None = None  # the test session's token
    name: str | None = None  # the test session's name
    posted_at: float | None = None  # Unix time the (last) POST went out; None: not yet
    started: Started | None = None  # set as soon as the answer is read
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)


def start(
    client: ChecklyClient,
    trigger: TriggerConfig,
    context: RunContext,
    deadline: float,
    say: Callable[[str], None],
    *,
    state: InFlight | None = None,
) -> Started:
    """Send the trigger and read its answer (see the module docstring)."""
    state = state or InFlight()
    state.kind = trigger.kind
    filters = trigger.describe_filters()
    if trigger.kind is TriggerKind.CHECK_SESSIONS:
        say(f"Triggering check sessions: one run per matched check ({filters})")
        if context.environment_url:
            say("ENVIRONMENT_URL is not passed: check sessions take no variables")
        return _done(
            state, _check_sessions(client, trigger, deadline, say, filters=filters, state=state)
        )
    name = session_name(trigger, context)
    state.token, state.name = name.token, name.name
    say(f'Triggering a test session in {trigger.location} ({filters}): "{name.name}"')
    url = next((v.value for v in variables(trigger, context) if v.key == "ENVIRONMENT_URL"), None)
    if url and context.environment_url == url and not _given_env_url(trigger):
        say(f"ENVIRONMENT_URL={url} ({context.environment_url_from})")
    body = test_session_body(trigger, context, name.name)
    try:
        answer: Answer | None = _send(client, TEST_TRIGGER, body, deadline, state)
        why = f"HTTP {answer.status}: {answer.message}" if answer else ""
    except AnswerLost as exc:
        answer, why = None, str(exc)
    if answer is not None and not ambiguous(answer.status):
        started = _read_test_answer(client, answer, trigger, filters)
        if started is not None:
            _announce(started, say)
            return _done(state, started)
        why = f"HTTP {answer.status} without a readable test session"
    say(
        f"The trigger's answer was lost ({why}); the trigger is not sent again: looking the "
        f"test session up by this run's token {name.token}"
    )
    posted_at = state.posted_at if state.posted_at is not None else time.time()
    found, failure = look_up(client, name.token, posted_at, deadline)
    if len(found) == 1:
        say(f"Found the triggered test session by its token {name.token}")
        adopted = _adopt(client, found[0], deadline)
        started = Started(trigger.kind, (adopted,), filters=filters)
        _announce(started, say)
        return _done(state, started)
    if found:
        raise TriggerUncertain(several(client.api_url, name.token, why, found))
    raise TriggerUncertain(none_found(client.api_url, name.token, why, failure))


def _done(state: InFlight, started: Started) -> Started:
    with state.lock:
        state.started = started
    return started


def _given_env_url(trigger: TriggerConfig) -> bool:
    return any(v.key == "ENVIRONMENT_URL" for v in trigger.variables)


def _check_sessions(
    client: ChecklyClient,
    trigger: TriggerConfig,
    deadline: float,
    say: Callable[[str], None],
    *,
    filters: str,
    state: InFlight,
) -> Started:
    try:
        answer = _send(client, CHECK_TRIGGER, check_sessions_body(trigger), deadline, state)
    except AnswerLost as exc:
        raise TriggerUncertain(check_uncertain(client.api_url, str(exc))) from exc
    if ambiguous(answer.status):
        raise TriggerUncertain(
            check_uncertain(client.api_url, f"HTTP {answer.status}: {answer.message}")
        )
    no_match = _refusal(client, answer, trigger, filters)
    if no_match is not None:
        return Started(trigger.kind, no_match=no_match, filters=filters)
    listed = answer.body.get("sessions") if isinstance(answer.body, Mapping) else None
    if not isinstance(listed, list):
        raise TriggerUncertain(
            check_uncertain(client.api_url, "HTTP 201 without a list of sessions")
        )
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


def _send(
    client: ChecklyClient, path: str, body: Mapping[str, Any], deadline: float, state: InFlight
) -> Answer:
    """POST, sent again only when it provably started nothing: a 429, or a connection that
    failed before any byte went out. Never sent after the deadline. Raises AnswerLost when the
    request went out and no answer came."""
    attempt, last = 0, ""
    while True:
        if client.clock() >= deadline:
            raise ApiUnreachable.because(f"the trigger was not sent: {_late(attempt, last)}", last)
        try:
            state.posted_at = time.time()
            answer = client.post(path, body, deadline)
        except NotSent as exc:
            answer, last = None, str(exc)
            client.trouble(last, deadline)
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
            why = f"the trigger was not accepted before the deadline ({last})"
            raise ApiUnreachable.because(why, client.troubles.last)
        client.cancel.wait(delay)
        if client.cancel.is_set():
            raise AnswerLost("the run was stopped")


def _late(attempt: int, last: str) -> str:
    if attempt == 0:
        return "the deadline came before it could be sent"
    return f"the deadline came before it was accepted ({last})"


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
    client: ChecklyClient, answer: Answer, trigger: TriggerConfig, filters: str
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


def _text(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) and value else None


def started_refs(started: Started | None) -> Sequence[StartedSession]:
    return started.sessions if started is not None else ()
