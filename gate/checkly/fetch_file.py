"""Streaming one file (an asset, a Playwright report) from Checkly or a signed URL, bounded.

The API key goes only to the API's own origin: an asset URL there gets the client's session;
a signed URL, or any other host, a session of this thread without key or account. What a
storage host answers on an error is never kept (it may echo the signature). Like every request
of the client, a download ends by its deadline however its bytes arrive (the client's
watchdog shuts the socket down), and at once when the run is aborted.

This module uses the client's own sessions, connections and watchdog (`ChecklyClient` is at
its size cap, so the download lives here rather than as one more method there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit

import requests

from gate import USER_AGENT
from gate.checkly.client import ChecklyClient
from gate.checkly.transport import ApiError, Unreachable, describe

_PLAIN = threading.local()  # this thread's sessions without the API key, by client


class TooBig(Exception):
    """A download passed its byte limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit / 1_000_000:g} MB")
        self.limit = limit


def owns(client: ChecklyClient, url: str) -> bool:
    """Whether `url` is on the API's own origin (scheme and host:port)."""
    return _origin(url) == _origin(client.api_url)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def session_for(client: ChecklyClient, url: str, *, signed: bool) -> requests.Session:
    """The client's session (with the key) for its own origin; else one without key."""
    if not signed and owns(client, url):
        return client._session()
    sessions: dict[int, requests.Session] = _PLAIN.__dict__.setdefault("sessions", {})
    session = sessions.get(id(client))
    if session is None:
        session = sessions[id(client)] = requests.Session()
        adapter = client._connections.adapter()  # shut down with the client's on abort()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
    return session


def download(
    client: ChecklyClient,
    url: str,
    deadline: float,
    write: Callable[[bytes], None],
    *,
    max_bytes: int,
    signed: bool = False,
) -> int:
    """GET `url` once and hand its body to `write` in chunks; returns the bytes read.

    `signed`: a signed URL (the key is never sent with it, whatever its host).
    Raises `TooBig` past `max_bytes`, `Unreachable` on a failed request or past `deadline`,
    `ApiError` on any answer but 200.
    """
    if client.cancel.is_set():
        raise Unreachable("cancelled")
    client.cancel.wait(min(client.limiter.delay(), max(deadline - client.clock(), 0.0)))
    left = deadline - client.clock()
    if left <= 0:
        raise Unreachable("the deadline came first")
    timeout = (min(client.timing.connect, left), min(client.timing.plain_read, left))
    read = 0
    with client._bounded(left) as fired:
        try:
            with session_for(client, url, signed=signed).get(
                url, timeout=timeout, stream=True
            ) as response:
                if response.status_code != 200:
                    own = not signed and owns(client, url) and owns(client, response.url or url)
                    raise ApiError(response.status_code, client._message(response) if own else "")
                size = response.headers.get("Content-Length", "")
                if size.isdigit() and int(size) > max_bytes:
                    raise TooBig(max_bytes)  # said at once: nothing read, nothing written
                for chunk in response.iter_content(64 * 1024):
                    read += len(chunk)
                    if read > max_bytes:
                        raise TooBig(max_bytes)
                    if client.clock() > deadline or client.cancel.is_set():
                        raise Unreachable("the deadline came first")
                    write(chunk)
        except requests.exceptions.RequestException as exc:
            raise Unreachable("the deadline came first" if fired[0] else describe(exc)) from exc
    return read
