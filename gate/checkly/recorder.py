"""Keeps the answers of the failure details (SPEC §5) for the evidence (SPEC §10).

`gate.checkly.details` fetches each failing run's result detail and error group; wrapped in a
`Recorder`, its client keeps those bodies, so the evidence reads the Playwright report's URL
and the group's analyses without asking Checkly twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.checkly.client import ChecklyClient
from gate.core.model import CheckRun, Session, SessionKind

Key = tuple[str, str]  # (session ID, result ID)
_REPORT_KEYS = ("playwrightCheckResult", "browserCheckResult", "multiStepCheckResult")


class Recorder:
    """Wraps the details client of `gate.checkly.details`, keeping every answer it gets."""

    def __init__(self, client: ChecklyClient) -> None:
        self.client = client
        self.details: dict[Key, dict[str, Any]] = {}
        self.groups: dict[tuple[SessionKind, str], dict[str, Any]] = {}

    def get_result_detail(self, session: Session, run: CheckRun, deadline: float) -> dict[str, Any]:
        body = self.client.get_result_detail(session, run, deadline)
        self.details[(session.id, run.result_id)] = body
        return body

    def get_error_group(self, kind: SessionKind, group_id: str, deadline: float) -> dict[str, Any]:
        body = self.client.get_error_group(kind, group_id, deadline)
        self.groups[(kind, group_id)] = body
        return body


def report_url(detail: Mapping[str, Any] | None) -> str | None:
    """The signed URL of the run's Playwright JSON report, if its detail has one."""
    if not isinstance(detail, Mapping):
        return None
    places = [detail, *(detail.get(k) for k in _REPORT_KEYS)]
    for place in places:
        if isinstance(place, Mapping):
            url = place.get("playwrightTestJsonReportFile")
            if isinstance(url, str) and url.startswith(("https://", "http://")):
                return url
    return None
