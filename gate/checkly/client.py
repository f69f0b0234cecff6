"""The Checkly Public API client: one `requests` session per thread, retries, HTTP status → errors.

Every request carries `Authorization: Bearer <key>`, `X-Checkly-Account` and the gate's
User-Agent. Status codes are turned into exceptions in one place (`_check`):

    401/403          → gate.errors.CredentialsRejected (stops the run, exit 3)
    400/404/other 4xx → ApiError (that session's outcome becomes `error`)
    408              → "still running" (completion endpoints only; `completion()` returns None)
    429, 5xx, resets, read timeouts → retried with back-off until the deadline, then Unreachable

The client never sleeps past the deadline it is given, and every sleep ends early when the
run is cancelled; `abort()` also ends the requests in flight (their sockets are shut down), so
a cancelled run exits at once even while a server holds its answer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import json
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

from gate import USER_AGENT
from gate.errors import CredentialsRejected
from gate.masking import secret_forms
from gate.model import CheckRun, Session, SessionKind

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
        with self._lock:
            now = self._clock()
            slot = now
            if len(self._slots) == self.limit:  # the limit-th latest must leave the window
                slot = max(now, self._slots[0] + self.window)
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
    """The API's error message from an ApiError body, else the reason phrase."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping):
        message = body.get("message") or body.get("error")
        if isinstance(message, str) and message:
            return message[:500]
    return response.reason or f"HTTP {response.status_code}"


class _Connections:
    """The connections a client opened, so that `abort()` can end the requests in flight."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: weakref.WeakSet[HTTPConnection] = weakref.WeakSet()

    def add(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._open.add(connection)

    def shut_down(self) -> None:
        """Shut every socket down: a thread blocked reading one gets an error at once."""
        with self._lock:
            connections = list(self._open)
        for connection in connections:
            sock = getattr(connection, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def adapter(self) -> HTTPAdapter:
        """A requests adapter whose (proxied or direct) connections are remembered here."""
        connections = self

        class Connection(HTTPConnection):
            def connect(self) -> None:
                super().connect()
                connections.add(self)

        class TlsConnection(HTTPSConnection):
            def connect(self) -> None:
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


class ChecklyClient:
    """Talks to the Checkly Public API; safe to share between threads."""

    def __init__(
        self,
        api_url: str,
        api_key: str,
        account_id: str | None,
        *,
        limiter: RateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
        timing: Timing = DEFAULT_TIMING,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.timing = timing
        self._api_key = api_key
        self._key_forms = secret_forms(api_key)  # what to scrub from Checkly's messages
        self.account_id = account_id
        self.cancel = threading.Event()
        self.cancel_reason = ""
        self.limiter = limiter or RateLimiter()
        self.clock = clock
        self._local = threading.local()
        self._connections = _Connections()

    def __repr__(self) -> str:
        return f"ChecklyClient(api_url={self.api_url!r}, account_id={self.account_id!r})"

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = self._connections.adapter()
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept"] = "application/json"
            session.headers["Authorization"] = f"Bearer {self._api_key}"
            if self.account_id:
                session.headers["X-Checkly-Account"] = self.account_id
            self._local.session = session
        return session

    def abort(self, reason: str) -> None:
        """Stop: no more retries or sleeps, and every request in flight ends now."""
        self.cancel_reason = self.cancel_reason or reason
        self.cancel.set()
        self._connections.shut_down()

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.cancel.wait(seconds)

    # -- the one place where HTTP becomes Python ------------------------------------------
    def _check(self, response: requests.Response, *, long_poll: bool) -> dict[str, Any] | None:
        status = response.status_code
        if status in (401, 403):
            raise CredentialsRejected(status, self._message(response), self.account_id)
        if status == 408 and long_poll:
            return None
        if 200 <= status < 300:
            try:
                body = response.json()
            except (ValueError, json.JSONDecodeError) as exc:
                raise _Retryable(f"HTTP {status} with a body that is not JSON") from exc
            if not isinstance(body, dict):
                raise _Retryable(f"HTTP {status} with a JSON body that is not an object")
            return body
        if status in RETRYABLE or status == 408:
            delay = retry_after_seconds(response.headers.get("Retry-After"))
            raise _Retryable(f"HTTP {status}: {self._message(response)}", delay)
        raise ApiError(status, self._message(response))

    def _message(self, response: requests.Response) -> str:
        """The API's error message, without the key should Checkly (or a proxy) echo it."""
        message = api_message(response)
        for form in self._key_forms:
            message = message.replace(form, "***")
        return message

    def get(
        self,
        path: str,
        deadline: float,
        *,
        params: Mapping[str, str] | None = None,
        long_poll_s: float | None = None,
        once: bool = False,
    ) -> dict[str, Any] | None:
        """GET `path`, retrying transient failures until `deadline` (a single try if `once`).

        Returns the JSON body, or None for a long-poll 408 ("still running").
        """
        attempt = 0
        while True:
            if self.cancel.is_set():
                raise Unreachable("cancelled")
            self._sleep(min(self.limiter.delay(), max(deadline - self.clock(), 0.0)))
            timing, left = self.timing, deadline - self.clock()
            read = long_poll_s + timing.read_slack if long_poll_s is not None else timing.plain_read
            # Never much past the deadline (a single try: not past it), but give it a moment.
            slack = 0.0 if once else timing.deadline_slack
            latest = max(left + slack, min(timing.deadline_slack, 1.0))
            connect, read = min(timing.connect, latest), min(read, latest)
            try:
                response = self._session().get(
                    self.api_url + path, params=params, timeout=(connect, read)
                )
                try:
                    return self._check(response, long_poll=long_poll_s is not None)
                finally:
                    response.close()
            except _Retryable as exc:
                last, delay = exc.what, exc.delay
            except requests.exceptions.RequestException as exc:
                last, delay = _describe(exc), None
            attempt += 1
            if once:
                raise Unreachable(last)
            if delay is None:
                delay = min(timing.backoff_cap, timing.backoff_base * 2 ** (attempt - 1))
                delay *= 0.5 + random.random() / 2  # noqa: S311 - jitter, not crypto
            if self.clock() + delay >= deadline:
                raise Unreachable(last)
            self._sleep(delay)

    # -- endpoints -----------------------------------------------------------------------
    def completion(
        self, kind: SessionKind, session_id: str, max_wait: float, deadline: float
    ) -> dict[str, Any] | None:
        """One long-poll: the completed session, or None while it is still running."""
        if kind is SessionKind.TEST:
            path = f"/v1/test-sessions/{session_id}/completion"
            wait = f"{max(max_wait, 1.0):g}"
        else:
            path = f"/v2/check-sessions/{session_id}/completion"
            wait = str(max(int(max_wait), 1))
        return self.get(path, deadline, params={"maxWaitSeconds": wait}, long_poll_s=float(wait))

    def session(
        self, kind: SessionKind, session_id: str, deadline: float, *, once: bool = False
    ) -> dict[str, Any]:
        """The session as it is now (partial results while it runs)."""
        prefix = "/v1/test-sessions/" if kind is SessionKind.TEST else "/v2/check-sessions/"
        return self.get(prefix + session_id, deadline, once=once) or {}

    def get_result_detail(self, session: Session, run: CheckRun, deadline: float) -> dict[str, Any]:
        if session.kind is SessionKind.TEST:
            path = f"/v1/test-sessions/{session.id}/results/{run.result_id}"
        else:
            path = f"/v1/check-results/{run.check_id}/{run.result_id}"
        return self.get(path, deadline) or {}

    def get_error_group(self, kind: SessionKind, group_id: str, deadline: float) -> dict[str, Any]:
        prefix = (
            "/v1/test-session-error-groups/" if kind is SessionKind.TEST else "/v1/error-groups/"
        )
        return self.get(prefix + group_id, deadline) or {}


class _Retryable(Exception):
    def __init__(self, what: str, delay: float | None = None) -> None:
        self.what = what
        self.delay = delay
        super().__init__(what)


def _describe(exc: requests.exceptions.RequestException) -> str:
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "read timed out"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connect timed out"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "connection failed (refused or reset)"
    return type(exc).__name__
