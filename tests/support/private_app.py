"""What the tests of SPEC §12 need besides the simulator: an app on 127.0.0.1 that a test can
break (the build a CI job started), and the deployed check written against it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from gate.simulator.catalogue import DeployedCheck

PREVIEW_CHECK = DeployedCheck(
    "Preview health", "API", ("preview",), url="{{ENVIRONMENT_URL}}/health", duration_s=0.1
)
SLOW_CHECK = DeployedCheck("Slow page", "API", ("preview",), url="{{ENVIRONMENT_URL}}/slow")


class App:
    """`GET /health`: 200 while healthy, 503 once `broken` is set; `GET /slow` answers only
    once `release` is set (a check that outlasts the gate); every request counted."""

    def __init__(self) -> None:
        self.broken = False
        self.release = threading.Event()
        self.hits = 0
        app = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                app.hits += 1
                if self.path == "/slow":
                    app.release.wait(60)
                code = 503 if app.broken or self.path not in ("/health", "/slow") else 200
                body = b"down" if code != 200 else b"ok"
                with contextlib.suppress(OSError):  # the agent gave up, or was removed
                    self.send_response(code)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@contextmanager
def running_app() -> Iterator[App]:
    app = App()
    app.thread.start()
    try:
        yield app
    finally:
        app.release.set()
        app.server.shutdown()
        app.server.server_close()
