"""What an ephemeral private location needs (SPEC §12): the agent's image and how long to wait
for it, with their defaults. Its own module so that `TriggerConfig` can carry it without an
import cycle (gate.options.private_options reads the options)."""

from __future__ import annotations

import dataclasses

# The `checkly/agent` release Checkly's agent changelog names last (v8.7.0, August 2026),
# pinned: the docs advise a version tag over `latest` for anything that must not change.
DEFAULT_AGENT_IMAGE = "checkly/agent:8.7.0"
AGENT_TIMEOUT_DEFAULT_S = 120.0


@dataclasses.dataclass(frozen=True)
class PrivateLocationConfig:
    """An ephemeral private location for one run: the agent's image and how long to wait."""

    image: str = DEFAULT_AGENT_IMAGE
    agent_timeout_s: float = AGENT_TIMEOUT_DEFAULT_S
