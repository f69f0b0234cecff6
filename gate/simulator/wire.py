"""The simulator's HTTP plumbing: requests as recorded, replies, the threaded server.

`Handler` hands every request to its `Responder` (the `Simulator`) and writes the reply; a
reply of None resets the connection (a fault the tests inject).
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Protocol
from urllib.parse import parse_qsl, urlsplit

from gate.simulator.bodies import api_error
from gate.simulator.scenarios import Fault


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the simulator saw it and what it answered (status None: reset)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    time: float  # time.monotonic() on arrival
    status: int | None
    body: bytes
    request_body: bytes = b""  # what the client sent (the POST bodies of triggers and cancels)

    def header(self, name: str) -> str | None:
        """A request header, case-insensitively."""
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json; charset=utf-8"


def json_reply(status: int, payload: Any) -> Reply:
    return Reply(status, json.dumps(payload, separators=(",", ":")).encode())


def error_reply(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, json_reply(status, api_error(status, message)).body, headers)


_TRICKLE = threading.local()  # the handler thread's answer goes out one byte at a time


def fault_answer(fault: Fault, stopping: threading.Event) -> tuple[bool, Reply | None]:
    """(whether `fault` answers the request, its answer: None resets the connection); a hang
    holds the request for its seconds (or until the simulator stops), then answers normally;
    a trickle answers normally, one byte every its seconds."""
    if fault.kind == "trickle":
        _TRICKLE.every = fault.seconds
        return False, None
    if fault.kind == "hang":
        stopping.wait(fault.seconds)
        return False, None
    if fault.kind == "reset":
        return True, None
    retry = (("Retry-After", fault.retry_after),) if fault.retry_after else ()
    if fault.body is not None:
        return True, Reply(fault.code, fault.body, retry)
    return True, error_reply(fault.code, "Simulated failure", retry)


class Responder(Protocol):
    """What the handler needs of the simulator."""

    def _respond(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Reply | None: ...

    def _record(self, request: RecordedRequest) -> None: ...

    def _track(self, conn: socket.socket, *, add: bool) -> None: ...

    def _stopping_now(self) -> bool: ...


class HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() cuts keep-alive connections itself
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a bug in the simulator: show it
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients reuse connections
    disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms delayed-ACK stall
    server_version = "checkly-simulator"
    timeout = 120  # idle keep-alive connections are closed after this
    sim: ClassVar[Responder]

    def setup(self) -> None:
        super().setup()
        self.sim._track(self.connection, add=True)

    def finish(self) -> None:
        self.sim._track(self.connection, add=False)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        _TRICKLE.every = 0.0
        arrived, url = time.monotonic(), urlsplit(self.path)
        sent = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        headers = dict(self.headers.items())
        lower = {k.lower(): v for k, v in headers.items()}
        reply = self.sim._respond(self.command, url.path, query, lower, sent)
        status, body = (None, b"") if reply is None else (reply.status, reply.body)
        record = RecordedRequest(
            self.command, url.path, query, headers, arrived, status, body, sent
        )
        self.sim._record(record)
        if reply is None:  # RST instead of FIN: the client sees "connection reset by peer"
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if _TRICKLE.every:
            self._trickle(reply, _TRICKLE.every)
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:
            self.close_connection = True

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _trickle(self, reply: Reply, every: float) -> None:
        head = [f"HTTP/1.1 {reply.status} Simulated\r\n", "Content-Type: application/json\r\n"]
        head += [f"{k}: {v}\r\n" for k, v in reply.headers]
        head += [f"Content-Length: {len(reply.body)}\r\n", "Connection: close\r\n\r\n"]
        data = "".join(head).encode() + reply.body
        self.close_connection = True
        for index in range(len(data)):
            if self.sim._stopping_now():
                return
            try:
                self.connection.sendall(data[index : index + 1])
            except OSError:
                return
            time.sleep(every)
