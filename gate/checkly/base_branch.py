"""The base branch's latest finished test session (SPEC §11), read from Checkly.

On a pull request the gate asks `GET /v1/test-sessions?branches=<base>` (newest first; at most
`MAX_LISTS` list requests, following `nextId` once when the first page holds no finished
session) and reads the newest finished session (`GET /v1/test-sessions/{id}`; at most
`MAX_READS`, the next candidate only when a read fails or has no results). Each request is one
try, bounded by the details deadline and `BASE_BUDGET`; whatever fails leaves the runs as they
were and says so once. The rules are pure, in `gate.core.baseline`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol
from urllib.parse import quote

from gate.core.baseline import candidates, failing_checks
from gate.core.outcomes import as_str

MAX_LISTS = 2
MAX_READS = 2
BASE_BUDGET = 5.0  # seconds, within the details deadline: it labels, it never explains
PAGE = "20"


class BaseClient(Protocol):
    """The one Checkly read this module needs (`gate.checkly.client.ChecklyClient.get`)."""

    def get(
        self, path: str, deadline: float, *, params: Any = None, once: bool = False
    ) -> dict[str, Any] | None: ...


@dataclasses.dataclass(frozen=True)
class BaseSession:
    """What the base branch's latest finished test session says."""

    branch: str
    session_id: str
    link: str | None
    failing: frozenset[str]  # check IDs, lower-case


def latest_base_session(
    client: BaseClient, branch: str, exclude: Collection[str], deadline: float
) -> BaseSession | None:
    """The base branch's newest finished test session with results (None: none found).
    Raises what the client raises (the caller says so and leaves the runs unchanged)."""
    params: dict[str, str] = {"branches": branch, "limit": PAGE}
    found: list[str] = []
    for _ in range(MAX_LISTS):
        page = client.get("/v1/test-sessions", deadline, params=params, once=True) or {}
        entries = page.get("entries")
        found = candidates(entries if isinstance(entries, list) else [], branch, exclude)
        next_id = as_str(page.get("nextId"))
        if found or next_id is None:
            break
        params = params | {"nextId": next_id}
    for session_id in found[:MAX_READS]:
        path = f"/v1/test-sessions/{quote(session_id, safe='')}"
        body = client.get(path, deadline, once=True) or {}
        results = body.get("results")
        if isinstance(results, list) and results:
            link = as_str(body.get("testSessionLink"))
            return BaseSession(branch, session_id, link, frozenset(failing_checks(body)))
    return None


class BaseFetch:
    """The base-branch look-up of one gate run, started at once in a thread of its own so it
    runs alongside the failure details; `collect()` waits no later than its deadline."""

    def __init__(
        self, client: BaseClient, branch: str, exclude: Collection[str], deadline: float
    ) -> None:
        self.branch = branch
        self.deadline = min(deadline, time.monotonic() + BASE_BUDGET)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gate-base")
        self._future: Future[BaseSession | None] = self._executor.submit(
            latest_base_session, client, branch, tuple(exclude), self.deadline
        )

    def collect(self) -> tuple[BaseSession | None, str | None]:
        """The session (or None) and a warning when the look-up failed or came too late."""
        try:
            return self._future.result(timeout=max(self.deadline - time.monotonic(), 0)), None
        except Exception as exc:
            why = type(exc).__name__ if not str(exc) else str(exc)
            return None, (
                f"could not read the latest test session on {self.branch} ({why}); "
                "no run says whether it also fails there"
            )
        finally:
            self.close()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
