"""Which checks `non-blocking-tags` names (SPEC §11), read from Checkly.

A check run does not carry its check's tags, so the gate asks `GET /v1/checks?tag=<tag>` for
each tag (at most `MAX_TAGS` tags and `MAX_PAGES` pages of `PAGE` checks a tag), in a thread of
its own beside the failure details, each request one try bounded by the details deadline and
`TAGS_BUDGET`. Only when some run is failing: a quarantine changes nothing else. A look-up that
fails leaves those runs counted, and says so once.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

import requests

from gate.checkly.client import CUT_AFTER, CUT_OFF, ChecklyClient
from gate.checkly.transport import ApiError, Unreachable, describe
from gate.core.outcomes import as_str
from gate.options.policy_options import MAX_NON_BLOCKING_TAGS as MAX_TAGS

MAX_PAGES = 2
PAGE = 100
TAGS_BUDGET = 5.0


def get_array(
    client: ChecklyClient, path: str, params: Mapping[str, str], deadline: float
) -> list[Any]:
    """GET a route whose body is a JSON array (`GET /v1/checks`; `ChecklyClient.get` takes
    objects only): one try, sent only in the rate budget and before `deadline`, ended by it
    however the answer arrives. Raises Unreachable, or ApiError for anything but a 2xx array.
    """
    client._wait_to_send(deadline, None)
    left = max(deadline - client.clock(), 0.05)
    timeout = (min(client.timing.connect, left), min(client.timing.plain_read, left))
    with client._bounded(min(left, sum(timeout)) + CUT_AFTER) as fired:
        try:
            response = client._session().get(client.api_url + path, params=params, timeout=timeout)
        except requests.exceptions.RequestException as exc:
            raise Unreachable(CUT_OFF if fired[0] else describe(exc)) from exc
    try:
        if fired[0]:
            raise Unreachable(CUT_OFF)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not 200 <= response.status_code < 300:
            raise ApiError(response.status_code, client._message(response))
        if not isinstance(body, list):
            raise ApiError(response.status_code, "the answer is not a JSON list")
        return body
    finally:
        response.close()


class TagClient(Protocol):
    """What this module needs of `ChecklyClient` (a test may pass a fake)."""

    def get_array(self, path: str, params: Mapping[str, str], deadline: float) -> list[Any]: ...


class _Reader:
    """A `ChecklyClient` read through `get_array`."""

    def __init__(self, client: ChecklyClient) -> None:
        self.client = client

    def get_array(self, path: str, params: Mapping[str, str], deadline: float) -> list[Any]:
        return get_array(self.client, path, params, deadline)


def tagged_checks(client: TagClient, tags: Sequence[str], deadline: float) -> dict[str, str]:
    """Check ID (lower-case) → the first of `tags` it has. Raises what the client raises."""
    found: dict[str, str] = {}
    for tag in tags[:MAX_TAGS]:
        for page in range(1, MAX_PAGES + 1):
            params = {"tag": tag, "limit": str(PAGE), "page": str(page)}
            checks = client.get_array("/v1/checks", params, deadline)
            for check in checks:
                check_id = as_str(check.get("id")) if isinstance(check, Mapping) else None
                has = check.get("tags") if isinstance(check, Mapping) else None
                if check_id and isinstance(has, list) and tag in has:  # believe no other
                    found.setdefault(check_id.lower(), tag)
            if len(checks) < PAGE:
                break
    return found


class TagFetch:
    """The `non-blocking-tags` look-up of one gate run, started at once."""

    def __init__(
        self, client: ChecklyClient | TagClient, tags: Sequence[str], deadline: float
    ) -> None:
        reader = _Reader(client) if isinstance(client, ChecklyClient) else client
        self.tags = tuple(tags)
        self.deadline = min(deadline, time.monotonic() + TAGS_BUDGET)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gate-tags")
        self._future: Future[dict[str, str]] = self._executor.submit(
            tagged_checks, reader, self.tags, self.deadline
        )

    def collect(self) -> tuple[dict[str, str], str | None]:
        """Check ID → tag, and a warning when the look-up failed or came too late."""
        try:
            return self._future.result(timeout=max(self.deadline - time.monotonic(), 0)), None
        except Exception as exc:
            why = str(exc) or type(exc).__name__
            return {}, (
                f"could not read which checks have the non-blocking tags ({why}); "
                "their failing runs count"
            )
        finally:
            self.close()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
