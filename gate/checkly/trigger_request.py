"""The trigger requests of SPEC §8, as pure data: the test session's name and both POST bodies.

`RunContext` is what the CI run says about itself (built from the runner's environment and
event by `gate.runner.ci_context`); the bodies take it and the `TriggerConfig`. Rules: an empty
list is left out, never sent as `[]` (`checkId: []` would match nothing at all); a field whose
value is unknown is left out, never sent as `null`; `metadata.github.reporting` is `false`,
because the gate reports and Checkly must not post a second report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gate.core.run_token import new_token, with_token
from gate.options.trigger_options import TriggerConfig, TriggerKind, Variable


@dataclasses.dataclass(frozen=True)
class RunContext:
    """The CI run, as far as a trigger needs it."""

    default_name: str  # the default test-session name, before its random token
    metadata: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # no None values
    environment_url: str | None = None  # the deployment's URL on `deployment_status`
    environment_url_from: str | None = None  # where it came from, for the console


@dataclasses.dataclass(frozen=True)
class SessionName:
    """A test session's name and the run's token it ends with (what a look-up searches for)."""

    name: str
    token: str


def default_name(now: datetime) -> str:
    """The name outside GitHub, before its token: `checkly-gate <UTC time>`."""
    return f"checkly-gate {now:%Y-%m-%d %H:%M:%S} UTC"


def session_name(
    trigger: TriggerConfig, context: RunContext, token: str | None = None
) -> SessionName:
    """`test-session-name`, or the default name, followed by the run's random token (SPEC §8):
    no two gate runs share a name, and the token finds the session again."""
    token = token or new_token()
    base = trigger.name if trigger.name is not None else context.default_name
    return SessionName(with_token(base, token), token)


def variables(trigger: TriggerConfig, context: RunContext) -> tuple[Variable, ...]:
    """`env` and `secret-env`, with `ENVIRONMENT_URL` from the deployment unless one sets it."""
    given = trigger.variables
    if context.environment_url and not any(v.key == "ENVIRONMENT_URL" for v in given):
        return (*given, Variable("ENVIRONMENT_URL", context.environment_url))
    return given


def target(trigger: TriggerConfig) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if trigger.tags:
        found["matchTags"] = [list(group) for group in trigger.tags]
    if trigger.check_ids:
        found["checkId"] = list(trigger.check_ids)
    if trigger.allow_deactivated:  # test sessions only (the v2 target has no such field)
        found["allowDeactivated"] = True
    return found


def test_session_body(trigger: TriggerConfig, context: RunContext, name: str) -> dict[str, Any]:
    """`POST /v1/test-sessions/trigger` (`TriggerTestSessionRequest`)."""
    assert trigger.kind is TriggerKind.TEST_SESSION and trigger.location is not None
    body: dict[str, Any] = {"name": name, "runLocation": trigger.location}
    if found := target(trigger):
        body["target"] = found
    if sent := variables(trigger, context):
        body["environmentVariables"] = [
            {"key": v.key, "value": v.value, "secret": v.secret} for v in sent
        ]
    if trigger.retries == 0:
        body["retryStrategy"] = None
    elif trigger.retries is not None:
        body["retryStrategy"] = retry_strategy(trigger)
    if trigger.refresh_cache:
        body["refreshCache"] = True
    if context.metadata:
        body["metadata"] = dict(context.metadata)
    return body


def retry_strategy(trigger: TriggerConfig) -> dict[str, Any]:
    """`retryStrategy` for `retries` N >= 1 (SPEC §8); `SINGLE_RETRY` takes no `maxRetries`."""
    strategy: dict[str, Any] = {"type": trigger.retry_strategy}
    if trigger.retry_strategy != "SINGLE_RETRY":
        strategy["maxRetries"] = trigger.retries
    strategy |= {"baseBackoffSeconds": 0, "sameRegion": True}
    if trigger.retry_network_only:
        strategy["onlyOn"] = ["NETWORK_ERROR"]
    return strategy


def check_sessions_body(trigger: TriggerConfig) -> dict[str, Any]:
    """`POST /v2/check-sessions/trigger` (`CheckSessionsV2TriggerRequest`): `target` and
    `refreshCache`."""
    found = target(trigger)
    body: dict[str, Any] = {"target": found} if found else {}
    if trigger.refresh_cache:
        body["refreshCache"] = True
    return body


def known(fields: Mapping[str, str | None]) -> dict[str, str]:
    """The fields whose value is known (not None, not empty): the rest is left out."""
    return {k: v for k, v in fields.items() if v}
