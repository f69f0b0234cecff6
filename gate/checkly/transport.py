"""How the client talks: timeouts, the shared rate budget, `Retry-After`, errors, and the
connections a client opened (so `abort()` can end the requests in flight).

No Checkly routes here: `gate.checkly.client` says what to ask, this module how.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import math
import random
import socket
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import PoolManager, ProxyManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError, NewConnectionError

from gate.core.errors import WRONG_ADDRESS

RETRYABLE = frozenset({429, 500, 502, 503, 504})


@dataclasses.dataclass(frozen=True)
class Timing:
    """The client's timeouts and back-off, in seconds (tests pass shorter ones)."""

    connect: float = 5.0
    read_slack: float = 5.0  # how much longer than maxWaitSeconds a long-poll may take to answer
    deadline_slack: float = 2.0  # a request in flight at the deadline may take this much longer
    plain_read: float = 20.0  # read timeout of a request that is not a long-poll
    backoff_base: float = 0.5  # first back-off (jittered to 50-100 %), doubled per retry
    backoff_cap: float = 10.0


DEFAULT_TIMING = Timing()


def backoff(timing: Timing, attempt: int) -> float:
    """The exponential back-off before retry `attempt` (1, 2, …), jittered to 50-100 %."""
    delay: float = min(timing.backoff_cap, timing.backoff_base * 2.0 ** (attempt - 1))
    return delay * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not crypto


@dataclasses.dataclass(frozen=True)
class Answer:
    """One POST's answer: the status, the JSON body (None: none or not JSON), the API's
    message (the key scrubbed) and `Retry-After` in seconds."""

    status: int
    body: Any
    message: str
    retry_after: float | None = None


class ApiError(Exception):
    """Checkly answered with a client error for this request (400, 404, ...)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"HTTP {status}: {message}")


class Unreachable(Exception):
    """No usable answer before the deadline (5xx, 429, resets, timeouts); `last` says the last."""

    def __init__(self, last: str) -> None:
        self.last = last
        super().__init__(f"no answer from Checkly before the deadline (last: {last})")


class RateLimiter:
    """Checkly's rate limit the way the API counts it, shared by all threads: at most `limit`
    requests in any `window` seconds.

    Each request takes the earliest slot that keeps every window within the limit, so a burst
    of `limit` goes out at once and a steady stream gets `limit / window` per second. The
    defaults (600 per 62 s: 2 s to spare for a request that reaches Checkly later than it was
    sent) stay under Checkly's 600 per 60 s and sustain 290 sessions long-polling for 30 s;
    a token bucket of 300 + 5/s, as safe, ran dry at 150 and made long-polls wait for tokens.
    """

    def __init__(
        self,
        limit: int = 600,
        window: float = 62.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._slots: deque[float] = deque(maxlen=limit)  # the latest `limit` slots, in order
        self._lock = threading.Lock()

    def delay(self) -> float:
        """Take the next slot; return how long to wait before using it (0: at once)."""
        return self.delay_within(math.inf) or 0.0

    def delay_within(self, within: float | None) -> float | None:
        """`delay()`, but a slot later than `within` seconds from now is not taken (None)."""
        with self._lock:
            now = self._clock()
            slot = now
            if len(self._slots) == self.limit:  # the limit-th latest must leave the window
                slot = max(now, self._slots[0] + self.window)
            if within is not None and slot - now > max(within, 0.0):
                return None
            self._slots.append(slot)
            return slot - now


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """`Retry-After` as seconds from now: delta-seconds or an HTTP date (RFC 9110).

    Anything else (`nan`, `inf`, `-3`, `1.5`) is not a Retry-After: None, so the caller backs off.
    """
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    if not any(c.isalpha() for c in value):
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(when.timestamp() - current, 0.0)


def api_message(response: requests.Response) -> str:
    """The API's error message from an ApiError body, else the reason phrase. Whole: the
    client scrubs the secrets from it before `cut_message` cuts it."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping):
        message = body.get("message") or body.get("error")
        if isinstance(message, str) and message:
            return message
    return response.reason or f"HTTP {response.status_code}"


MAX_MESSAGE = 500


def cut_message(message: str, limit: int = MAX_MESSAGE) -> str:
    """An API message cut to `limit` characters (after its secrets were scrubbed)."""
    return message if len(message) <= limit else message[: limit - 1] + "…"


class Connections:
    """The connections a client opened, so that `abort()` can end the requests in flight."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: weakref.WeakSet[HTTPConnection] = weakref.WeakSet()

    def add(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._open.add(connection)

    def shut_down(self, owner: int | None = None) -> None:
        """Shut every socket down (only those of thread `owner`, when given): a thread
        blocked reading one gets an error at once."""
        with self._lock:
            connections = [
                c for c in self._open if owner is None or getattr(c, "gate_owner", None) == owner
            ]
        for connection in connections:
            sock = getattr(connection, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def adapter(self) -> HTTPAdapter:
        """A requests adapter whose (proxied or direct) connections are remembered here."""
        connections = self

        # Each thread has its own requests session, so a connection is only ever used by
        # the thread that opened it (`gate_owner`): a deadline ends that thread's requests.
        class Connection(HTTPConnection):
            def connect(self) -> None:
                self.gate_owner = threading.get_ident()
                super().connect()
                connections.add(self)

        class TlsConnection(HTTPSConnection):
            def connect(self) -> None:
                self.gate_owner = threading.get_ident()
                super().connect()
                connections.add(self)

        pools = {
            "http": type("Pool", (HTTPConnectionPool,), {"ConnectionCls": Connection}),
            "https": type("TlsPool", (HTTPSConnectionPool,), {"ConnectionCls": TlsConnection}),
        }

        class Adapter(HTTPAdapter):
            def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
                super().init_poolmanager(*args, **kwargs)
                self.poolmanager.pool_classes_by_scheme = pools

            def proxy_manager_for(self, proxy: str, **kwargs: Any) -> PoolManager:
                manager: PoolManager = super().proxy_manager_for(proxy, **kwargs)
                if isinstance(manager, ProxyManager):  # not SOCKS: it has its own pools
                    manager.pool_classes_by_scheme = pools
                return manager

        return Adapter()


class NotSent(Exception):
    """The connection failed before the request went out (refused, DNS, connect timeout):
    Checkly cannot have seen it, so a POST may be sent again."""


class AnswerLost(Exception):
    """The request went out but no answer came back (a reset, a read timeout): whatever it
    asked for may have happened."""


def sent_or_not(exc: requests.exceptions.RequestException) -> NotSent | AnswerLost:
    """Classify a failed POST: could the request have reached Checkly?"""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    if isinstance(exc, requests.exceptions.ConnectTimeout) or isinstance(
        reason, NewConnectionError
    ):
        return NotSent(describe(exc))
    return AnswerLost(describe(exc))


class Retryable(Exception):
    def __init__(self, what: str, delay: float | None = None) -> None:
        self.what = what
        self.delay = delay
        super().__init__(what)


class TooLate(Unreachable):
    """The request was not sent: the deadline came (or would come) before it could go out."""


# What a connection failure says, and which ones mean the address or the proxy is wrong (the
# hint is then `api-url` and the proxy, not a longer `timeout`).
REFUSED = "connection refused"
UNKNOWN_HOST = "unknown host"
NO_ROUTE = "could not connect"
PROXY = "the proxy failed"
TLS = "TLS handshake failed"
assert {REFUSED, UNKNOWN_HOST, NO_ROUTE, PROXY, TLS} == WRONG_ADDRESS  # gate.core.errors


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and what it wraps (urllib3's MaxRetryError, the socket error), outermost first."""
    found: list[BaseException] = []
    todo: list[object] = [exc]
    while todo and len(found) < 12:
        item = todo.pop(0)
        if not isinstance(item, BaseException) or item in found:
            continue
        found.append(item)
        todo += [getattr(item, "reason", None), item.__cause__, item.__context__]
        todo += [a for a in item.args if isinstance(a, BaseException)]
    return found


def describe(exc: requests.exceptions.RequestException) -> str:
    """Why a request failed, in a few words a user can act on."""
    causes = _causes(exc)
    text = " ".join(str(c) for c in causes).lower()
    if any(isinstance(c, NameResolutionError) for c in causes) or "name or service" in text:
        return UNKNOWN_HOST
    if isinstance(exc, requests.exceptions.ProxyError):
        return PROXY
    if isinstance(exc, requests.exceptions.SSLError):
        return TLS
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in text:
        return REFUSED
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connect timed out"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "read timed out"
    if any(isinstance(c, NewConnectionError) for c in causes):
        return NO_ROUTE
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "connection reset or cut off"
    return type(exc).__name__
