"""Checkly's root-cause analyses of error groups (SPEC §10): read, and asked for.

An error group body carries `rootCauseAnalyses`; the latest finished one is shown. With
`root-cause: request`, each `new error` group without one is analysed: `POST
/v1/root-cause-analyses/test-session-error-groups/{id}` (or `/error-groups/{id}`) answers 202
with an ID, and `GET /v1/root-cause-analyses/{id}` answers 202 `PENDING` until 200 with the
analysis. Polling stops at the deadline: the analysis is then "pending".
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from gate.checkly.reasons import clean_line
from gate.checkly.transport import Answer, ApiError, Unreachable
from gate.core.errors import CredentialsRejected
from gate.core.evidence import RCA_DONE, RCA_PENDING, RootCause
from gate.core.model import SessionKind

MAX_REQUESTS = 3  # analyses asked for per gate run (SPEC §10)
MAX_USER_CONTEXT = 256
POLL_EVERY_S = 1.0
POLL_WINDOW_S = 15.0  # the details budget: polling never lasts longer
MAX_TEXT = 4_000  # characters kept of each text of an analysis (the reports cut further)


class RcaClient(Protocol):
    """What is needed of `gate.checkly.client.ChecklyClient`."""

    clock: Callable[[], float]
    cancel: threading.Event  # set when the run stops: every wait here ends at once

    def get(self, path: str, deadline: float) -> dict[str, Any] | None: ...

    def post(self, path: str, body: Mapping[str, Any], deadline: float) -> Answer: ...


class PlanRefused(Exception):
    """402 or 403: the account's plan does not include root-cause analyses."""


def latest(group: Mapping[str, Any], group_id: str, link: str | None) -> RootCause | None:
    """The latest finished analysis an error group body carries, or None."""
    found = group.get("rootCauseAnalyses")
    entries = [e for e in found if isinstance(e, Mapping)] if isinstance(found, list) else []
    done = [e for e in entries if isinstance(e.get("analysis"), Mapping)]
    if not done:
        return None
    entry = max(done, key=lambda e: str(e.get("created_at") or ""))
    return from_body(entry, group_id, link)


def in_progress(group: Mapping[str, Any]) -> str | None:
    """The ID of an analysis of the group that Checkly has started and not finished (one
    without `analysis`, newer than any finished one), or None. Asking again would use quota
    for an analysis already under way: it is polled instead."""
    found = group.get("rootCauseAnalyses")
    entries = [e for e in found if isinstance(e, Mapping)] if isinstance(found, list) else []
    if not entries:
        return None
    entry = max(entries, key=lambda e: str(e.get("created_at") or ""))
    if isinstance(entry.get("analysis"), Mapping):
        return None
    return _str(entry.get("id"))


def from_body(body: Mapping[str, Any], group_id: str, link: str | None) -> RootCause | None:
    """A finished analysis (`GetRca`, or an entry of `rootCauseAnalyses`) as a RootCause."""
    analysis = body.get("analysis")
    if not isinstance(analysis, Mapping):
        return None

    def text(key: str) -> str | None:
        value = analysis.get(key)
        return clean_line(value, MAX_TEXT) or None if isinstance(value, str) else None

    return RootCause(
        state=RCA_DONE,
        group_id=group_id,
        id=_str(body.get("id")),
        classification=text("classification"),
        root_cause=text("rootCause"),
        user_impact=text("userImpact"),
        code_fix=_clean_block(analysis.get("codeFix")),
        created_at=_str(body.get("created_at")),
        link=link,
        analysis=_cleaned(analysis, 0),
    )


def request(
    client: RcaClient, kind: SessionKind, group_id: str, context: str, deadline: float
) -> str:
    """Ask for an analysis; returns its ID. Raises PlanRefused (402/403) or another error."""
    family = "test-session-error-groups" if kind is SessionKind.TEST else "error-groups"
    path = f"/v1/root-cause-analyses/{family}/{group_id}"
    body = {"userContext": context[:MAX_USER_CONTEXT]} if context else {}
    for _ in range(3):  # a 429 started nothing: asked again after its Retry-After
        answer = client.post(path, body, deadline)
        if answer.status == 202 and isinstance(answer.body, Mapping) and answer.body.get("id"):
            return str(answer.body["id"])
        if answer.status in (402, 403):
            raise PlanRefused(answer.message or f"HTTP {answer.status}")
        wait = answer.retry_after if answer.retry_after is not None else 1.0
        if answer.status != 429 or client.clock() + wait >= deadline:
            raise ApiError(answer.status, answer.message)
        if client.cancel.wait(wait):
            break
    raise ApiError(429, "still over the rate limit")


def poll(
    client: RcaClient, analysis_id: str, group_id: str, link: str | None, deadline: float
) -> RootCause:
    """Poll until the analysis is done or the deadline comes (then: pending)."""
    pending = RootCause(RCA_PENDING, group_id, id=analysis_id, requested=True, link=link)
    while client.clock() < deadline:
        try:
            body = client.get(f"/v1/root-cause-analyses/{analysis_id}", deadline)
        except CredentialsRejected as exc:
            raise PlanRefused(str(exc)) from exc
        except Unreachable:
            return pending
        found = from_body(body or {}, group_id, link)
        if found is not None:
            return RootCause(**{**found.__dict__, "requested": True})
        nap = min(POLL_EVERY_S, deadline - client.clock())
        if nap > 0 and client.cancel.wait(nap):
            break
    return pending


def user_context(pr_number: int | None, pr_title: str | None) -> str:
    """`PR #42: Speed up checkout`, at most 256 characters ("" without a PR)."""
    if pr_number is None:
        return ""
    title = clean_line(pr_title or "", MAX_USER_CONTEXT)
    return clean_line(f"PR #{pr_number}: {title}" if title else f"PR #{pr_number}", 256)


def _clean_block(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    lines = [clean_line(line, 300) for line in value.splitlines()[:40]]
    return "\n".join(lines).strip() or None


def _cleaned(value: Any, depth: int) -> Any:
    """The analysis, whole, its strings cleaned and bounded (hostile text made inert)."""
    if isinstance(value, str):
        return _clean_block(value) or ""
    if depth > 6:
        return None
    if isinstance(value, Mapping):
        return {str(k): _cleaned(v, depth + 1) for k, v in list(value.items())[:50]}
    if isinstance(value, list):
        return [_cleaned(v, depth + 1) for v in value[:50]]
    return value if isinstance(value, int | float | bool) or value is None else str(value)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
