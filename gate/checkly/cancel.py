"""Cancel on exit (SPEC §8): ask Checkly to cancel the triggered sessions still running.

When the gate stops early (SIGINT/SIGTERM, or its deadline) it sends
`POST /v1/test-sessions/{id}/cancel` or `POST /v1/check-sessions/{id}/cancel` with `{}` (cancel
everything still running) for each session it triggered, all at once, each bounded so an
interrupted gate still exits within 2 s. Sessions given by ID are never passed here. A 404 or
a refusal is noted, never an error.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence

from gate.checkly.client import ChecklyClient
from gate.checkly.transport import AnswerLost, NotSent, Unreachable
from gate.core.model import SessionKind

CANCEL_WITHIN_S = 1.0  # every cancel has answered or been given up after this long


@dataclasses.dataclass(frozen=True)
class CancelNote:
    """What Checkly said to one cancel: `accepted`, `not found`, `refused (HTTP n)`, ..."""

    kind: SessionKind
    id: str
    result: str

    @property
    def accepted(self) -> bool:
        return self.result == "accepted"

    @property
    def sentence(self) -> str:
        """ "cancel requested", never "cancelled": Checkly cancels only Playwright-based runs,
        the others finish normally (SPEC §8)."""
        what = f"{self.kind.value} session {self.id}"
        if self.accepted:
            return (
                f"cancel requested for {what}, which was still running: accepted (Checkly "
                "cancels only Playwright-based runs; the others finish normally)"
            )
        return f"cancel requested for {what}, which was still running: {self.result} (noted)"


def cancel_sessions(
    client: ChecklyClient,
    sessions: Sequence[tuple[SessionKind, str]],
    within: float = CANCEL_WITHIN_S,
) -> list[CancelNote]:
    """Cancel every session at once; their notes, in the order given, after `within` at most."""
    deadline = client.clock() + within
    results: dict[int, str] = {}
    lock = threading.Lock()

    def cancel(index: int, kind: SessionKind, session_id: str) -> None:
        family = "test-sessions" if kind is SessionKind.TEST else "check-sessions"
        try:
            answer = client.post(f"/v1/{family}/{session_id}/cancel", {}, deadline, force=True)
            status = answer.status
            result = (
                "accepted"
                if 200 <= status < 300
                else "not found (HTTP 404)"
                if status == 404
                else f"refused (HTTP {status}: {answer.message})"
            )
        except (NotSent, AnswerLost, Unreachable) as exc:
            result = f"no answer ({exc})"
        with lock:
            results[index] = result

    threads = [
        threading.Thread(target=cancel, args=(i, kind, sid), name=f"cancel-{sid[:8]}", daemon=True)
        for i, (kind, sid) in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(deadline - client.clock(), 0.0) + 0.05)
    with lock:
        return [
            CancelNote(kind, sid, results.get(i, f"no answer within {within:g} s"))
            for i, (kind, sid) in enumerate(sessions)
        ]
