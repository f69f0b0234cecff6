"""The ephemeral private location's options (SPEC §12): `private-location`, `agent-image`,
`agent-timeout`.

`private-location: ephemeral` works only with a triggered test session: with `trigger:
check-sessions`, without a trigger, or with `location` (the run's location is the one the gate
creates) it is an invalid option, as `agent-image` and `agent-timeout` are without it. The
defaults live here, not in action.yml (the runner passes every declared default).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Protocol

from gate.options.private_config import (
    AGENT_TIMEOUT_DEFAULT_S,
    DEFAULT_AGENT_IMAGE,
    PrivateLocationConfig,
)
from gate.options.trigger_options import TriggerConfig, TriggerKind

__all__ = [
    "DEFAULT_AGENT_IMAGE",
    "PRIVATE_OPTIONS",
    "PrivateLocationConfig",
    "read_private_location",
    "with_private_location",
]

AGENT_TIMEOUT_MIN_S, AGENT_TIMEOUT_MAX_S = 5.0, 3600.0
AGENT_ONLY = ("agent-image", "agent-timeout")
PRIVATE_OPTIONS = (  # (name, help, metavar): rows of gate.options.config.OPTIONS
    ("private-location", "ephemeral: test in a private location made for this run.", "MODE"),
    ("agent-image", "Agent image for private-location (default checkly/agent:8.7.0).", "IMAGE"),
    ("agent-timeout", "How long to wait for the agent to connect (default 2m).", "DURATION"),
)
_IMAGE = re.compile(r"[a-z0-9][a-z0-9._/:@-]{0,254}", re.IGNORECASE)


class ValueReader(Protocol):
    """What is needed of `gate.options.values.ValueReader`."""

    values: Mapping[str, str]

    def problem(self, name: str, message: str) -> None: ...

    def bad(self, name: str, value: str, allowed: str) -> None: ...

    def duration(self, name: str, default: float, low: float, high: float, eg: str) -> float: ...


def with_private_location(r: ValueReader, trigger: TriggerConfig | None) -> TriggerConfig | None:
    """The trigger with its ephemeral private location (`TriggerConfig.private_location`)."""
    found = read_private_location(r, trigger)
    if trigger is None or found is None:
        return trigger
    return dataclasses.replace(trigger, private_location=found)


def read_private_location(
    r: ValueReader, trigger: TriggerConfig | None
) -> PrivateLocationConfig | None:
    """The options of SPEC §12 from the picked values, or None (off); problems go to `r`."""
    values = r.values
    value = values.get("private-location")
    mode = (value or "off").lower()
    if mode not in ("off", "ephemeral"):
        r.bad("private-location", value or "", "is not allowed; use ephemeral, or off (default)")
        return None
    if mode == "off":
        for name in AGENT_ONLY:
            if name in values:
                r.problem(
                    name,
                    f"{name} applies only with private-location: ephemeral; set that, or leave "
                    f"{name} out",
                )
        return None
    if trigger is None:
        r.problem(
            "private-location",
            "private-location: ephemeral needs trigger: test-session (or tags / check-ids): the "
            "gate creates the location to run a test session in it",
        )
    elif trigger.kind is TriggerKind.CHECK_SESSIONS:
        r.problem(
            "private-location",
            "private-location: ephemeral does not apply with trigger: check-sessions (check "
            "sessions run in each check's own locations); use trigger: test-session",
        )
    elif trigger.kind is TriggerKind.STATUS:
        r.problem(
            "private-location",
            "private-location: ephemeral does not apply with trigger: status (it starts no run); "
            "use trigger: test-session, or leave private-location out",
        )
    elif "location" in values:
        r.problem(
            "location",
            "location cannot be given with private-location: ephemeral: the test session runs "
            "in the private location the gate creates for the run; leave location out",
        )
    return PrivateLocationConfig(_image(r), _agent_timeout(r))


def _image(r: ValueReader) -> str:
    value = r.values.get("agent-image")
    if value is None:
        return DEFAULT_AGENT_IMAGE
    if not _IMAGE.fullmatch(value):
        r.bad("agent-image", value, "is not an image reference (such as checkly/agent:8.7.0)")
        return DEFAULT_AGENT_IMAGE
    return value


def _agent_timeout(r: ValueReader) -> float:
    low, high = AGENT_TIMEOUT_MIN_S, AGENT_TIMEOUT_MAX_S
    return r.duration("agent-timeout", AGENT_TIMEOUT_DEFAULT_S, low, high, "2m, 5m30s")
