"""The test sessions of this job's earlier attempts (SPEC §11), found by their names.

The default name carries the run and the attempt (`<repository> · <workflow> / <job>
#<run>.<attempt>`, maybe `· PR #<n>`, then the run's random token): the earlier attempts'
sessions are those whose name is this one with a smaller attempt number, whatever their token;
for each attempt the newest one. A `test-session-name` given by the user carries no attempt:
then the newest sessions of exactly that name (with or without a token), one per earlier
attempt; a session read whose `metadata.github.runId` names another workflow run is passed
over (a name the user gave is shared by every run of the workflow). Each is read whole
(`GET /v1/test-sessions/{id}`) so its runs can be judged.
`GET /v1/test-sessions?textSearch=` takes 3-200 characters and lists newest first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gate.checkly.client import ChecklyClient
from gate.checkly.transport import ApiError, Unreachable
from gate.core.model import SESSION_STATUS, Session, SessionKind
from gate.core.rerun import Attempt
from gate.options.session_ids import is_uuid

SEARCH_MAX = 200
READS_MAX = 5  # rounds of reads, passing over other runs' sessions: bounded
_ATTEMPT = re.compile(r"^(?P<prefix>.*#\d+\.)(?P<attempt>\d+)(?P<rest>(?: · PR #\d+)?)$")
_SUFFIX = r"(?: · [0-9a-f]{6,8})?"  # the run's random token


class NotFound(Exception):
    """The earlier sessions could not be listed or read; the message says why."""


def attempt_of(default_name: str) -> tuple[str, int] | None:
    """`(prefix up to "#<run>.", attempt)` of a default name, or None when it carries none."""
    m = _ATTEMPT.match(default_name)
    return (m.group("prefix"), int(m.group("attempt"))) if m else None


def find_earlier(
    client: ChecklyClient,
    deadline: float,
    *,
    default_name: str,
    attempt: int,
    user_name: str | None,
    run_id: str | None = None,
) -> list[Attempt]:
    """The earlier attempts' sessions, oldest first (see the module docstring)."""
    if user_name is not None:
        search, pattern = user_name, re.compile(re.escape(user_name) + _SUFFIX)
    else:
        split = _ATTEMPT.match(default_name)
        if split is None:
            raise NotFound(f'the test-session name "{default_name}" carries no run attempt')
        search = split.group("prefix")
        pattern = re.compile(
            re.escape(search) + r"(?P<attempt>\d+)" + re.escape(split.group("rest")) + _SUFFIX
        )
    search = search[-SEARCH_MAX:]
    if len(search.strip()) < 3:
        raise NotFound(f'the test-session name "{search}" is too short to search for')
    listed = _list(client, search, deadline)
    for _ in range(READS_MAX):  # a session of another workflow run (same name) is passed over
        chosen = _choose(listed, pattern, attempt, by_name=user_name is not None)
        read = {n: _read(client, n, chosen[n], deadline) for n in sorted(chosen)}
        foreign = [chosen[n] for n, (_, run) in read.items() if run_id and run and run != run_id]
        if not foreign:
            return [read[n][0] for n in sorted(read)]
        listed = [e for e in listed if all(e is not f for f in foreign)]
    raise NotFound("the newest test sessions of that name belong to other workflow runs")


def _list(client: ChecklyClient, search: str, deadline: float) -> list[Mapping[str, Any]]:
    """The test sessions whose name holds `search`, newest first."""
    try:
        body = client.get(
            "/v1/test-sessions", deadline, params={"textSearch": search, "limit": "100"}
        )
    except (ApiError, Unreachable) as exc:
        raise NotFound(f"the test sessions could not be listed ({exc})") from exc
    entries = (body or {}).get("entries")
    listed = entries if isinstance(entries, list) else []
    return [e for e in listed if isinstance(e, Mapping) and is_uuid(str(e.get("id", "")))]


def _choose(
    newest_first: list[Mapping[str, Any]], pattern: re.Pattern[str], attempt: int, *, by_name: bool
) -> dict[int, Mapping[str, Any]]:
    """Attempt number → the newest session of it. A name without an attempt: the newest
    session of that name was the attempt just before this one, the one before it the one
    before that."""
    chosen: dict[int, Mapping[str, Any]] = {}
    for entry in newest_first:
        m = pattern.fullmatch(str(entry.get("name") or ""))
        if m is None:
            continue
        number = attempt - 1 - len(chosen) if by_name else int(m.group("attempt"))
        if 0 < number < attempt and number not in chosen:
            chosen[number] = entry
    return chosen


def _read(
    client: ChecklyClient, number: int, entry: Mapping[str, Any], deadline: float
) -> tuple[Attempt, str | None]:
    """The attempt's session and the workflow run it was triggered by (metadata.github.runId)."""
    session_id = str(entry["id"]).lower()
    try:
        raw = client.session(SessionKind.TEST, session_id, deadline)
    except (ApiError, Unreachable) as exc:
        raise NotFound(
            f"test session {session_id} of attempt {number} could not be read ({exc})"
        ) from exc
    finished = raw.get("status") in SESSION_STATUS
    github = (raw.get("metadata") or {}).get("github")
    run = github.get("runId") if isinstance(github, Mapping) else None
    session = Session.from_api(SessionKind.TEST, session_id, raw, finished=finished)
    return Attempt(number, session), (str(run) if run is not None else None)
