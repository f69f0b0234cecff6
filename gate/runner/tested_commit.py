"""Which commit does this run test? A pure function of the runner's env and payload (SPEC §11).

The PR's head on pull-request events, the deployment's `sha` on `deployment_status` (and
`deployment`), `merge_group.head_sha` on `merge_group`, the triggering run's `head_sha` on
`workflow_run` (and the suite's on `check_suite`/`check_run`), else `GITHUB_SHA`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.runner.events import PULL_REQUEST_EVENTS, load_payload

_FROM_PAYLOAD = {  # event → (the payload's object, its field naming the commit)
    "deployment_status": ("deployment", "sha"),
    "deployment": ("deployment", "sha"),
    "merge_group": ("merge_group", "head_sha"),
    "workflow_run": ("workflow_run", "head_sha"),
    "check_suite": ("check_suite", "head_sha"),
    "check_run": ("check_run", "head_sha"),
}


def tested_commit(environ: Mapping[str, str]) -> str | None:
    """The full SHA of the commit being tested, or None when the run names none."""
    event = environ.get("GITHUB_EVENT_NAME") or ""
    payload = load_payload(environ.get("GITHUB_EVENT_PATH") or None)
    sha: object = None
    if event in PULL_REQUEST_EVENTS:
        sha = _dict(_dict(payload.get("pull_request")).get("head")).get("sha")
    elif event in _FROM_PAYLOAD:
        holder, field = _FROM_PAYLOAD[event]
        sha = _dict(payload.get(holder)).get(field)
    if isinstance(sha, str) and sha:
        return sha
    return environ.get("GITHUB_SHA") or None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
