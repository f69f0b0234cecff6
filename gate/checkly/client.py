"""The Checkly Public API client: one `requests` session per thread, retries, HTTP status → errors.

Every request carries `Authorization: Bearer <key>`, `X-Checkly-Account` and the gate's
User-Agent. Status codes become exceptions in one place (`_check`): 401/403 →
`CredentialsRejected` (exit 3); 400/404/other 4xx → `ApiError` (that session is `error`); 408 on
a completion endpoint → None ("still running"); 429, 5xx, resets, timeouts → retried with
back-off until the deadline, then `Unreachable`. Every deadline is absolute: a request is not
sent after it (`TooLate`), and one in flight ends by it however its answer arrives (a watchdog
shuts its socket down). `abort()` ends every request in flight at once.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import requests

from gate import USER_AGENT
from gate.checkly.deadlines import Watchdog, cut_off
from gate.checkly.transport import (
    DEFAULT_TIMING,
    RETRYABLE,
    Answer,
    AnswerLost,
    ApiError,
    Connections,
    NotSent,
    RateLimiter,
    Retryable,
    Timing,
    TooLate,
    Unreachable,
    api_message,
    backoff,
    cut_message,
    describe,
    retry_after_seconds,
    sent_or_not,
)
from gate.checkly.troubles import Troubles
from gate.core.errors import CredentialsRejected
from gate.core.model import CheckRun, Session, SessionKind
from gate.core.untrusted import answer_scrubber, clean_body, clean_json, scrub_clean

LATE_TOLERANCE = 0.05  # a request due exactly at the deadline (its last try) still goes out
CUT_OFF = "no whole answer before the deadline (it came too slowly)"
CUT_AFTER = 0.2  # the cut comes just after the timeouts: a held answer is a read timeout
ARRAYS = ("/v1/checks", "/v1/check-statuses")  # routes that answer a JSON array (SPEC §11)


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
        secrets: Iterable[str] = (),  # the GitHub token, `secret-env` values: scrubbed too
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.timing = timing
        self._api_key = api_key
        self.scrub = answer_scrubber([api_key, *secrets])  # from every answer (SPEC §5)
        self.account_id = account_id
        self.cancel = threading.Event()
        self.cancel_reason = ""
        self.limiter = limiter or RateLimiter()
        self.history_limiter = RateLimiter(60, 62.0, clock)  # the route's own 60 per 60 s
        self.clock = clock
        self._local = threading.local()
        self._connections = Connections()
        self._watchdog = Watchdog()
        self.troubles = Troubles(self.api_url, clock)  # says why requests fail, at once

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

    def sibling(self) -> ChecklyClient:
        """A new client like this one, not aborted (the look-up after a signal)."""
        twin = ChecklyClient(self.api_url, self._api_key, self.account_id, timing=self.timing)
        twin.limiter = self.limiter
        return twin

    def abort(self, reason: str) -> None:
        """Stop: no more retries or sleeps, and every request in flight ends now."""
        self.cancel_reason = self.cancel_reason or reason
        self.cancel.set()
        self._connections.shut_down()

    def _sleep(self, seconds: float) -> None:
        self.cancel.wait(max(seconds, 0.0))  # returns at once for 0

    def _bounded(self, seconds: float) -> contextlib.AbstractContextManager[list[bool]]:
        """The block's requests end within `seconds` (SPEC §3); yields [whether cut off]."""
        return cut_off(self._watchdog, self._connections.shut_down, seconds)

    def trouble(self, what: str, deadline: float) -> None:
        """A request failed for `what` and will be retried: say why, the first time (not for
        a 429 or 408, Checkly's ordinary answers, nor at the deadline)."""
        ordinary = what.startswith(("HTTP 429", "HTTP 408")) or what == CUT_OFF
        self.troubles.seen(what, deadline, quiet=ordinary or self.cancel.is_set())

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
                raise Retryable(f"HTTP {status} with a body that is not JSON") from exc
            if isinstance(body, list) and response.url.split("?")[0].endswith(ARRAYS):
                body = {"items": body}  # an array route's answer, as an object
            if not isinstance(body, dict):
                raise Retryable(f"HTTP {status} with a JSON body that is not an object")
            return clean_body(body, self.scrub)  # hostile text inert, once (SPEC §5)
        if status in RETRYABLE or status == 408:
            delay = retry_after_seconds(response.headers.get("Retry-After"))
            raise Retryable(f"HTTP {status}: {self._message(response)}", delay)
        raise ApiError(status, self._message(response))

    def _message(self, response: requests.Response) -> str:
        """The API's error message, without the key should Checkly (or a proxy) echo it."""
        return cut_message(scrub_clean(api_message(response), self.scrub))

    def get(
        self,
        path: str,
        deadline: float,
        *,
        params: Mapping[str, str | Sequence[str]] | None = None,
        long_poll_s: float | None = None,
        once: bool = False,
        route_limiter: RateLimiter | None = None,
    ) -> dict[str, Any] | None:
        """GET `path`, retrying transient failures until `deadline` (a single try if `once`).

        Returns the JSON body, or None for a long-poll 408 ("still running").
        """
        attempt = 0
        last_try = False
        while True:
            self._wait_to_send(deadline, route_limiter)
            timing, left = self.timing, deadline - self.clock()
            read = long_poll_s + timing.read_slack if long_poll_s is not None else timing.plain_read
            # Never much past the deadline (a single try: not past it), but give it a moment.
            slack = 0.0 if once else timing.deadline_slack
            latest = max(left + slack, min(timing.deadline_slack, 1.0))
            connect, read = min(timing.connect, latest), min(read, latest)
            try:
                bound = min(latest, connect + read) + CUT_AFTER
                return self._get_once(path, params, (connect, read), bound, long_poll_s is not None)
            except Retryable as exc:
                last, delay = exc.what, exc.delay
            except requests.exceptions.RequestException as exc:
                last, delay = describe(exc), None
            attempt += 1
            self.trouble(last, deadline)
            if once:
                raise Unreachable(last)
            own_backoff = delay is None
            if delay is None:
                delay = backoff(timing, attempt)
            left = deadline - self.clock()
            if last_try or left <= 0 or (delay >= left and not own_backoff):
                raise Unreachable(last)  # a Retry-After past the deadline is not waited for
            if delay >= left:  # our back-off is cut to the time left: one last try at the deadline
                last_try, delay = True, left
            self._sleep(delay)

    def _wait_to_send(self, deadline: float, route_limiter: RateLimiter | None) -> None:
        """Wait for the request's slots in the rate budgets; raise rather than send it after
        the deadline (SPEC §3: a request that would start after it is not sent)."""
        if self.cancel.is_set():
            raise Unreachable("cancelled")
        left = deadline - self.clock()
        route_wait = route_limiter.delay_within(left) if route_limiter is not None else 0.0
        if route_wait is None:  # no slot before the deadline: not sent, no slot taken
            raise TooLate("over this route's rate budget before the deadline")
        self._sleep(route_wait)
        wait = self.limiter.delay_within(deadline - self.clock())
        if wait is None:
            raise TooLate("over the rate budget before the deadline: not sent")
        self._sleep(wait)
        if self.cancel.is_set():
            raise Unreachable("cancelled")
        if deadline - self.clock() < -LATE_TOLERANCE:
            raise TooLate("the deadline came before this request could be sent")

    def _get_once(
        self,
        path: str,
        params: Mapping[str, str | Sequence[str]] | None,
        timeout: tuple[float, float],
        bound: float,
        long_poll: bool,
    ) -> dict[str, Any] | None:
        """One GET, ended after `bound` seconds however its answer arrives."""
        with self._bounded(bound) as fired:
            try:
                response = self._session().get(self.api_url + path, params=params, timeout=timeout)
            except requests.exceptions.RequestException as exc:
                if fired[0]:
                    raise Retryable(CUT_OFF) from exc
                raise
        try:
            if fired[0]:  # what came before the cut is not the whole answer
                raise Retryable(CUT_OFF)
            return self._check(response, long_poll=long_poll)
        finally:
            response.close()

    def post(
        self, path: str, body: Mapping[str, Any], deadline: float, *, force: bool = False
    ) -> Answer:
        """POST `body` once; never retried here (a trigger must not start its runs twice).

        Raises `NotSent` when the request cannot have gone out, `AnswerLost` when it went out
        and no answer came. `force`: even after `abort()` (the cancels of a stopping run);
        its timeouts are then bounded by `deadline` alone.
        """
        if self.cancel.is_set() and not force:
            raise Unreachable("cancelled")
        if not force:
            wait = self.limiter.delay_within(max(deadline - self.clock(), 0.0))
            if wait is None:
                raise NotSent("over the rate budget before the deadline: not sent")
            self._sleep(wait)
        left = max(deadline - self.clock(), 0.05)
        timing = self.timing
        timeout = (min(timing.connect, left), min(timing.plain_read, left))
        with self._bounded(min(left, sum(timeout)) + CUT_AFTER) as fired:
            try:
                response = self._session().post(
                    self.api_url + path, json=body, timeout=timeout, allow_redirects=False
                )
                content = response.content  # read whole within the bound
            except requests.exceptions.RequestException as exc:
                if fired[0]:
                    raise AnswerLost(CUT_OFF) from exc
                raise sent_or_not(exc) from exc
        response.close()  # its content is read
        if fired[0]:
            raise AnswerLost(CUT_OFF)
        try:
            parsed = clean_json(response.json(), self.scrub) if content else None
        except ValueError:
            parsed = None
        retry = retry_after_seconds(response.headers.get("Retry-After"))
        return Answer(response.status_code, parsed, self._message(response), retry)

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

    def locations(self, timeout: float) -> list[str]:
        """The public region codes (`GET /v1/locations`), one try; [] when they cannot be read."""
        try:
            with self._bounded(timeout):
                response = self._session().get(self.api_url + "/v1/locations", timeout=timeout)
                listed = response.json() if response.status_code == 200 else []
        except (requests.exceptions.RequestException, ValueError):
            return []
        items = listed if isinstance(listed, list) else []
        return [str(x["region"]) for x in items if isinstance(x, dict) and x.get("region")]

    def get_error_group(self, kind: SessionKind, group_id: str, deadline: float) -> dict[str, Any]:
        groups = "test-session-error-groups" if kind is SessionKind.TEST else "error-groups"
        return self.get(f"/v1/{groups}/{group_id}", deadline) or {}

    def get_check_history(
        self, check_id: str, before: float, deadline: float, fields: str
    ) -> dict[str, Any]:
        """The check's last FINAL results before `before` (Unix seconds): CheckResultListV2."""
        params = {"to": str(int(before)), "limit": "10", "resultType": "FINAL", "fields": fields}
        path = f"/v2/check-results/{quote(check_id, safe='')}"
        return self.get(path, deadline, params=params, route_limiter=self.history_limiter) or {}
