"""A Docker Engine API on a unix socket, enough for the `docker` library's calls the gate makes
(ping, create, start, inspect, logs, remove, list, pull), whose "containers" are processes.

For the whole-gate tests of SPEC §12's paths without a container engine: the image decides
what the container runs (`IMAGES`), with the container's environment, and its stdout and
stderr are the container's logs. `DOCKER_HOST=unix://<socket>` points the gate at it. Every
request is recorded; `containers` is what exists now (nothing left behind: empty).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.paths import ROOT

# image → the command its container runs (the process gets the container's environment)
IMAGES: dict[str, list[str]] = {
    "sim-agent": [sys.executable, "-m", "gate.simulator", "agent"],
    "silent-agent": [
        sys.executable,
        "-c",
        "import time; print('starting', flush=True); time.sleep(600)",
    ],
    "crashing-agent": [
        sys.executable,
        "-c",
        "import os, sys; print('agent 1.0 starting', flush=True); "
        "print('ERROR invalid key ' + os.environ['API_KEY'], flush=True); sys.exit(1)",
    ],
}


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class FakeDocker:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="fake-docker-"))
        self.socket = self.dir / "docker.sock"
        self.containers: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, Any]] = []
        self.removed: list[str] = []
        self._lock = threading.Lock()
        handler = type("H", (_Handler,), {"fake": self})
        self._server = _Server(str(self.socket), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def host(self) -> str:
        return f"unix://{self.socket}"

    def close(self) -> None:
        for container in list(self.containers.values()):
            self._kill(container)
        self._server.shutdown()
        self._server.server_close()

    def add_stale(self, *, labels: dict[str, str], age_s: float, name: str) -> str:
        """A container some earlier run left (`age_s` seconds old), stopped."""
        cid = uuid.uuid4().hex
        created = (
            datetime.fromtimestamp(time.time() - age_s, UTC).isoformat().replace("+00:00", "Z")
        )
        self.containers[cid] = {
            "id": cid, "name": name, "image": "sim-agent", "env": {}, "labels": labels,
            "network": "host", "created": created, "proc": None, "log": None,
        }  # fmt: skip
        return cid

    # -- the engine ------------------------------------------------------------------------
    def _inspect(self, c: dict[str, Any]) -> dict[str, Any]:
        proc = c["proc"]
        running = proc is not None and proc.poll() is None
        status = "running" if running else ("exited" if proc is not None else "created")
        return {
            "Id": c["id"], "Name": "/" + c["name"], "Created": c["created"],
            "Config": {"Image": c["image"], "Labels": c["labels"], "Tty": False,
                       "Env": [f"{k}={v}" for k, v in c["env"].items()]},
            "HostConfig": {"NetworkMode": c["network"]},
            "State": {"Status": status, "Running": running,
                      "ExitCode": proc.returncode if proc is not None and not running else 0},
        }  # fmt: skip

    def _start(self, c: dict[str, Any]) -> None:
        log = open(self.dir / f"{c['id']}.log", "wb")  # noqa: SIM115 - the container's whole life
        env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), **c["env"]}
        c["log"] = log
        c["proc"] = subprocess.Popen(
            IMAGES[c["image"]], env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, cwd=ROOT,
        )  # fmt: skip

    def _kill(self, c: dict[str, Any]) -> None:
        proc = c["proc"]
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(5)
        if c["log"] is not None:
            c["log"].close()

    def logs(self, cid: str) -> list[str]:
        path = self.dir / f"{cid}.log"
        return path.read_text("utf-8", "replace").splitlines() if path.exists() else []

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        path = re.sub(r"^/v[0-9.]+", "", path)
        with self._lock:
            self.requests.append((method, path, body))
            if path == "/_ping":
                return 200, "OK"
            if method == "POST" and path == "/containers/create":
                image = body["Image"]
                if image not in IMAGES:
                    return 404, {"message": f"No such image: {image}"}
                cid = uuid.uuid4().hex
                env = dict(e.split("=", 1) for e in body.get("Env") or [])
                self.containers[cid] = {
                    "id": cid, "name": query.get("name", [cid[:12]])[0], "image": image,
                    "env": env, "labels": body.get("Labels") or {},
                    "network": (body.get("HostConfig") or {}).get("NetworkMode"),
                    "created": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                    "proc": None, "log": None,
                }  # fmt: skip
                return 201, {"Id": cid, "Warnings": []}
            if method == "POST" and path == "/images/create":
                return 404, {"message": "pull access denied: no registry here"}
            if method == "GET" and path == "/containers/json":
                wanted = json.loads(query.get("filters", ["{}"])[0]).get("label", [])
                found = [
                    {"Id": c["id"], "Names": ["/" + c["name"]], "Labels": c["labels"]}
                    for c in self.containers.values()
                    if all(w.split("=")[0] in c["labels"] for w in wanted)
                ]
                return 200, found
            m = re.fullmatch(r"/containers/([^/]+)(/json|/start|/logs)?", path)
            c = self.containers.get(m.group(1)) if m else None
            if c is None:
                return 404, {"message": f"No such container: {path}"}
            what = m.group(2) if m else None
            if method == "GET" and what == "/json":
                return 200, self._inspect(c)
            if method == "POST" and what == "/start":
                self._start(c)
                return 204, None
            if method == "GET" and what == "/logs":
                tail = (
                    int(query.get("tail", ["all"])[0])
                    if query.get("tail", ["all"])[0] != "all"
                    else None
                )
                lines = self.logs(c["id"])[-tail:] if tail else self.logs(c["id"])
                frames = b"".join(
                    struct.pack(">BxxxL", 1, len(data)) + data
                    for data in (line.encode() + b"\n" for line in lines)
                )
                return 200, frames
            if method == "DELETE" and what is None:
                self._kill(c)
                del self.containers[c["id"]]
                self.removed.append(c["name"])
                return 204, None
        return 404, {"message": f"page not found: {method} {path}"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeDocker

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def address_string(self) -> str:
        return "fake-docker"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw) if raw else None
        status, answer = self.fake.handle(self.command, url.path, parse_qs(url.query), body)
        if isinstance(answer, bytes):
            data, kind = answer, "application/vnd.docker.raw-stream"
        elif isinstance(answer, str):
            data, kind = answer.encode(), "text/plain"
        else:
            data, kind = (
                (json.dumps(answer).encode() if answer is not None else b""),
                "application/json",
            )
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(data)

    do_POST = do_DELETE = do_GET
