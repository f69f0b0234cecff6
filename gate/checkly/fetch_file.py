"""Streaming one file (an asset, a Playwright report) from Checkly or a signed URL, bounded.

The API key goes only to the API's own origin (`ChecklyClient.session_for`); a signed URL is
fetched without it, and its store's error text is never kept (it may echo the signature).
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from gate.checkly.client import ChecklyClient
from gate.checkly.transport import ApiError, Unreachable, describe


class TooBig(Exception):
    """A download passed its byte limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit / 1_000_000:g} MB")
        self.limit = limit


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
    try:
        with client.session_for(url, signed=signed).get(
            url, timeout=timeout, stream=True
        ) as response:
            if response.status_code != 200:
                own = not signed and client.owns(url) and client.owns(response.url or url)
                raise ApiError(response.status_code, client.message(response) if own else "")
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
        raise Unreachable(describe(exc)) from exc
    return read
