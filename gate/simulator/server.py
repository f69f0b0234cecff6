"""A Checkly Public API simulator: a real HTTP server for the demo, the tests and the benchmark.

Long-polls (real 408s), partial results, details, error groups, check history (`check_history`),
evidence (`evidence_routes`), auth, rate limits, scripted statuses, `Fault`s; every request is
recorded. Bodies: `scenarios`."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import unquote

from gate.simulator.bodies import (
    check_result_detail,
    check_session_body,
    error_group,
    test_result_detail,
    test_session_body,
)
from gate.simulator.catalogue import DeployedCheck
from gate.simulator.check_history import History
from gate.simulator.evidence_routes import EvidenceRoutes
from gate.simulator.play import Play
from gate.simulator.scenarios import (
    DEFAULT_ACCOUNT_ID,
    Fault,
    ScriptedResult,
    ScriptedSession,
    Timeline,
    group_id,
)
from gate.simulator.triggers import TriggerRoutes
from gate.simulator.wire import (
    Handler,
    HttpServer,
    RecordedRequest,
    Reply,
    error_reply,
    fault_answer,
    json_reply,
)

_ROUTES = [
    (what, kind, re.compile(pattern))
    for what, kind, pattern in (
        ("completion", "test", r"/v1/test-sessions/([^/]+)/completion"),
        ("result", "test", r"/v1/test-sessions/([^/]+)/results/([^/]+)"),
        ("session", "test", r"/v1/test-sessions/([^/]+)"),
        ("completion", "check", r"/v2/check-sessions/([^/]+)/completion"),
        ("session", "check", r"/v2/check-sessions/([^/]+)"),
        ("result", "check", r"/v1/check-results/([^/]+)/([^/]+)"),
        ("group", "test", r"/v1/test-session-error-groups/([^/]+)"),
        ("group", "check", r"/v1/error-groups/([^/]+)"),
        ("history", "", r"/v2/check-results/([^/]+)"),
        ("statuses", "", r"/v1/check-statuses(?:/([^/]+))?"),
    )
]
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_LABEL = {"test": "Test session", "check": "Check session"}
_PER_SESSION = ("session", "completion", "result")


class Simulator:
    """The Checkly API on 127.0.0.1 (see the module docstring). Thread-safe."""

    def __init__(
        self,
        sessions: Iterable[ScriptedSession] = (),
        *,
        api_key: str = "sim-api-key",
        account_id: str = DEFAULT_ACCOUNT_ID,
        host: str = "127.0.0.1",
        port: int = 0,
        max_wait_cap: float | None = None,
        rate_limit: int | None = None,  # requests per 60 s, then 429
        history_rate_limit: int = 60,  # GET /v2/check-results/{checkId}'s own limit per 60 s
        catalogue: Iterable[DeployedCheck] = (),  # the deployed checks triggers run
    ) -> None:
        self.api_key, self.account_id, self.host, self.port = api_key, account_id, host, port
        self.max_wait_cap, self.rate_limit = max_wait_cap, rate_limit
        self._cond = threading.Condition(threading.RLock())  # guards all state below
        self._plays: dict[str, Play] = {}
        self._results: dict[str, tuple[Play, int]] = {}
        self._groups: dict[str, tuple[str, str, list[ScriptedResult]]] = {}
        self._fail_all: Fault | None = None
        self.history = History(history_rate_limit)
        self._recorded: list[RecordedRequest] = []
        self._hits: deque[float] = deque()
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: HttpServer | None = None
        self._thread: threading.Thread | None = None
        self.triggers, self.evidence = TriggerRoutes(self, catalogue), EvidenceRoutes(self)
        for session in sessions:
            self.add(session)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the simulator is not started")
        # S104: compared with the any-address to print a URL a client can use; nothing binds here
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host  # noqa: S104
        return f"http://{host}:{self._server.server_address[1]}"

    def start(self) -> Simulator:
        self._server = HttpServer((self.host, self.port), type("H", (Handler,), {"sim": self}))
        serve = self._server.serve_forever
        self._thread = threading.Thread(target=serve, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and cut every open connection (waiting long-polls return at once)."""
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
            connections = list(self._connections)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Simulator:
        return self.start() if self._server is None else self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def add(self, session: ScriptedSession) -> ScriptedSession:
        """Serve `session` from now on; its `duration_s` starts now."""
        with self._cond:
            if session.id.lower() in self._plays:
                raise ValueError(f"session {session.id} is already in the simulator")
            play = self._plays[session.id.lower()] = Play(session)
            self.history.add([r for r in session.results if r.result_type == "FINAL"], play.wall)
            for index, r in enumerate(session.results):
                self._results[r.rid.lower()] = (play, index)
                if r.error_group:
                    gid = group_id(session.kind, r.cid, r.error_group)
                    self._groups.setdefault(gid, (session.kind, r.error_group, []))[2].append(r)
        return session

    def finish(self, session_id: str) -> None:
        """Finish the session now (if it has not finished yet); wakes waiting long-polls."""
        with self._cond:
            play, now = self._plays[session_id.lower()], time.monotonic()
            if play.finished_at(now) is None:
                play.forced = now
            self._cond.notify_all()

    def finish_after_408(self, session_id: str, nth: int = 1) -> None:
        """Finish the session right after its `nth` next completion 408 (a deadline race)."""
        if nth < 1:
            raise ValueError(f"nth must be at least 1, not {nth}")
        with self._cond:
            self._plays[session_id.lower()].finish_after_408 = nth

    def fail_all(self, fault: Fault | None) -> None:
        """Apply `fault` to every request until `fail_all(None)`."""
        with self._cond:
            self._fail_all = fault

    def completed_at(self, session_id: str) -> float | None:
        """The monotonic time the session finished, or None while it runs."""
        with self._cond:
            return self._plays[session_id.lower()].finished_at(time.monotonic())

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request so far, in arrival order."""
        with self._cond:
            return sorted(self._recorded, key=lambda r: r.time)

    def clear_requests(self) -> None:
        with self._cond:
            self._recorded.clear()

    def _record(self, request: RecordedRequest) -> None:
        with self._cond:
            self._recorded.append(request)

    def _stopping_now(self) -> bool:
        return self._stopping.is_set()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._cond:
            (self._connections.add if add else self._connections.discard)(conn)

    def _respond(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        sent: bytes,
    ) -> Reply | None:
        """The answer to one request (None: reset the connection). `headers`: lower-case names."""
        route = next(((w, k, m) for w, k, p in _ROUTES if (m := p.fullmatch(path))), None)
        what, kind = (route[0], route[1]) if route else ("", "")
        args = [unquote(a) for a in route[2].groups() if a is not None] if route else []
        with self._cond:
            play = self._play_for(what, kind, args)
            fault = self._fail_all or (play.faults.popleft() if play and play.faults else None)
        if fault is not None and (answered := fault_answer(fault, self._stopping))[0]:
            return answered[1]
        if (ours := self.evidence.answer(method, path, query, headers, sent))[0]:
            return ours[1]  # evidence_routes: signed URLs without the key, the rest with it
        if (refused := self._refuse(headers)) is not None:
            return refused
        if (mine := self.triggers.route(method, path)) is not None:
            return self.triggers.serve(mine, query, sent)
        if method != "GET" or route is None:
            return error_reply(404, f"Route {method}:{path} not found")
        if play is not None and play.session.http_status is not None:
            code, label = play.session.http_status, _LABEL[play.session.kind]
            text = "not found" if code == 404 else "cannot be read"
            return error_reply(code, f"{label} {play.session.id} {text}")
        if what in ("history", "statuses"):
            return self.history.answer(what, args, query)
        handler: Callable[[str, list[str], Mapping[str, str]], Reply] = getattr(self, f"_{what}")
        return handler(kind, args, query)

    def _play_for(self, what: str, kind: str, args: list[str]) -> Play | None:
        if what == "result" and kind == "check":
            found = self._results.get(args[1].lower())
            return found[0] if found else None
        play = self._plays.get(args[0].lower()) if what in _PER_SESSION else None
        return play if play is not None and play.session.kind == kind else None

    def _refuse(self, headers: Mapping[str, str]) -> Reply | None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or token.strip() != self.api_key:
            return error_reply(401, "Bad Token: send `Authorization: Bearer <api key>`")
        account = headers.get("x-checkly-account", "").strip()
        if account.lower() != self.account_id.lower():
            return error_reply(403, f"No access to account {account or '(no X-Checkly-Account)'}")
        with self._cond:
            now = time.monotonic()
            while self._hits and self._hits[0] <= now - 60:
                self._hits.popleft()
            if self.rate_limit is not None and len(self._hits) >= self.rate_limit:
                return error_reply(429, f"Over the limit of {self.rate_limit} requests per 60 s")
            self._hits.append(now)
        return None

    def _find(self, kind: str, session_id: str) -> tuple[Play, Timeline] | Reply:
        with self._cond:
            play = self._plays.get(session_id.lower())
            if play is not None and play.session.kind == kind:
                return play, play.timeline(time.monotonic())
        if not _UUID.fullmatch(session_id):
            return error_reply(400, f'"{kind}SessionId" must be a valid GUID')
        return error_reply(404, f"{_LABEL[kind]} {session_id} not found")

    def _session(self, kind: str, args: list[str], query: Mapping[str, str]) -> Reply:
        found = self._find(kind, args[0])
        return found if isinstance(found, Reply) else self._session_body(*found)

    def _session_body(self, play: Play, t: Timeline) -> Reply:
        if play.session.kind == "test":
            return json_reply(200, test_session_body(play.session, t))
        return json_reply(200, check_session_body(play.session, t, self.account_id))

    def _completion(self, kind: str, args: list[str], query: Mapping[str, str]) -> Reply:
        raw = query.get("maxWaitSeconds", "30")
        try:
            wait = float(int(raw) if kind == "check" else float(raw))
        except ValueError:
            number = "an integer" if kind == "check" else "a number"
            return error_reply(400, f'"maxWaitSeconds" must be {number}')
        if not 1 <= wait <= 30:
            return error_reply(400, '"maxWaitSeconds" must be between 1 and 30')
        found = self._find(kind, args[0])
        if isinstance(found, Reply):
            return found
        play = found[0]
        deadline = time.monotonic() + min(wait, self.max_wait_cap or wait)
        with self._cond:  # woken by finish() and stop(); else sleeps until due or the deadline
            while (now := time.monotonic()) < deadline and not self._stopping.is_set():
                if play.finished_at(now) is not None:
                    break
                due = play.due()
                until = deadline if due is None or due <= now else min(deadline, due)
                self._cond.wait(until - now + 0.001)
            timeline = play.timeline(time.monotonic())
            if not timeline.finished and play.finish_after_408 is not None:
                play.finish_after_408 -= 1
                if play.finish_after_408 == 0:  # this 408 is the last: finished from now on
                    play.finish_after_408, play.forced = None, time.monotonic()
                    self._cond.notify_all()
        if not timeline.finished:
            message = f"{_LABEL[kind]} {args[0]} has not finished after {wait:g} s, ask again"
            return error_reply(408, message)
        return self._session_body(play, timeline)

    def _result(self, kind: str, args: list[str], query: Mapping[str, str]) -> Reply:
        with self._cond:
            hit = self._results.get(args[1].lower())
        found = self._find("test", args[0]) if kind == "test" else None
        if isinstance(found, Reply):
            return found
        if hit is not None and hit[0].session.kind == kind:
            (play, index), timeline = hit, hit[0].timeline(time.monotonic())
            r = play.session.results[index]
            if found is not None and found[0] is play:
                return self.evidence.reply(test_result_detail(play.session, index, r, timeline), r)
            if kind == "check" and r.cid.lower() == args[0].lower() and index < timeline.done:
                return self.evidence.reply(check_result_detail(play.session, index, r, timeline), r)
        if not all(_UUID.fullmatch(a) for a in args):
            return error_reply(400, "result IDs must be valid GUIDs")
        return error_reply(404, f"Result {args[1]} not found")

    def _group(self, kind: str, args: list[str], query: Mapping[str, str]) -> Reply:
        with self._cond:
            found = self._groups.get(args[0].lower())
        if (found is None or found[0] != kind) and kind == "test" and not _UUID.fullmatch(args[0]):
            return error_reply(400, '"id" must be a valid GUID')
        if found is None or found[0] != kind:
            return error_reply(404, f"Error group {args[0]} not found")
        body = error_group(kind, args[0].lower(), found[1], list(found[2]), time.time())
        return json_reply(200, body)
