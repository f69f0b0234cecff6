"""After an ambiguous answer to a test-session trigger (SPEC §8): find the session by the run's
token, never by sending the trigger again.

`GET /v1/test-sessions?from=<POST time - 60 s>&textSearch=<token>`, asked after 1, 2 and 4 s and
then every 5 s, for up to 60 s or the time left, whichever is shorter (a session just created
may be listed late). Only a session whose name ends with this run's token is ever taken: a
session of another job with the same name, or one that merely mentions the token, is not ours.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gate.checkly.client import ChecklyClient
from gate.checkly.transport import ApiError, Unreachable
from gate.core.run_token import ends_with_token

LIST = "/v1/test-sessions"
FROM_BEFORE_S = 60  # `from` this much before the POST: clocks differ, a proxy may have held it
LOOKUP_FOR_S = 60.0
PAUSES = (1.0, 2.0, 4.0)  # then every 5 s
EVERY_S = 5.0
ONE_ASK_S = 5.0  # one list request may take this long


def pauses() -> Callable[[int], float]:
    return lambda index: PAUSES[index] if index < len(PAUSES) else EVERY_S


def look_up(
    client: ChecklyClient,
    token: str,
    posted_at: float,
    deadline: float,
    *,
    budget: float = LOOKUP_FOR_S,
    pause: Callable[[int], float] | None = None,
) -> tuple[list[Mapping[str, Any]], str | None]:
    """The sessions whose name ends with `token`, listed since `posted_at` (Unix time) - 60 s;
    asked until one appears or `budget` (at most the time to `deadline`) is spent. Returns them
    and the last failure of a list request (None: every ask was answered)."""
    pause = pause or pauses()
    end = min(client.clock() + budget, deadline)
    failure: str | None = None
    index = 0
    while True:
        wait = pause(index)
        index += 1
        if client.clock() + wait >= end:
            return [], failure
        client.cancel.wait(wait)
        if client.cancel.is_set():
            return [], failure or "the run was stopped"
        found, problem = ask_once(client, token, posted_at, min(client.clock() + ONE_ASK_S, end))
        failure = problem or failure
        if found:
            return found, failure


def ask_once(
    client: ChecklyClient, token: str, posted_at: float, deadline: float
) -> tuple[list[Mapping[str, Any]], str | None]:
    """One list request: the entries that are ours, and what went wrong (None: answered)."""
    params = {
        "from": str(math.floor(posted_at - FROM_BEFORE_S)),
        "textSearch": token,
        "limit": "100",
    }
    try:
        body = client.get(LIST, deadline, params=params, once=True) or {}
    except ApiError as exc:
        return [], str(exc)
    except Unreachable as exc:
        return [], exc.last
    return ours(body.get("entries"), token), None


def ours(entries: object, token: str) -> list[Mapping[str, Any]]:
    listed: Sequence[object] = entries if isinstance(entries, list) else []
    return [
        e
        for e in listed
        if isinstance(e, Mapping) and ends_with_token(e.get("name"), token) and e.get("id")
    ]
