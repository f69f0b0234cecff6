"""Integration: the gate talks to Checkly through HTTP(S)_PROXY, and NO_PROXY bypasses it.

A small forwarding proxy on 127.0.0.1 relays absolute-URI requests to the simulator, so the
whole gate runs through it for real.
"""

from __future__ import annotations

import http.client
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gate.cli import main
from gate.simulator import ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory


class Proxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        self.seen: list[str] = []


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Proxy

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.seen.append(self.path)
        target = urlsplit(self.path)  # a proxy gets the absolute URI
        upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=40)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "proxy-connection"}
        path = target.path + (f"?{target.query}" if target.query else "")
        upstream.request("GET", path, headers=headers)
        response = upstream.getresponse()
        body = response.read()
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        upstream.close()


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    server = Proxy()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def run_gate(sim_url: str, sim: object, session_id: str, env: dict[str, str], tmp: Path) -> int:
    argv = [
        "--api-key", sim.api_key,  # type: ignore[attr-defined]
        "--account-id", sim.account_id,  # type: ignore[attr-defined]
        "--api-url", sim_url,
        "--test-session-ids", session_id,
        "--pr-comment", "never",
        "--json-file", str(tmp / "report.json"),
    ]  # fmt: skip
    return main(argv, env, out=io.StringIO())


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_requests_go_through_the_proxy(
    simulator: SimulatorFactory, proxy: Proxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = ScriptedSession("test", "PASSED", duration_s=0.3, results=[ScriptedResult("a")])
    sim = simulator([session])
    proxy_url = f"http://127.0.0.1:{proxy.server_address[1]}"
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    monkeypatch.setenv("HTTPS_PROXY", proxy_url)
    code = run_gate(sim.url, sim, session.id, {}, tmp_path)
    assert code == 0
    assert proxy.seen, "no request went through the proxy"
    assert all(p.startswith(sim.url) for p in proxy.seen)
    assert len(proxy.seen) == len(sim.requests)


def test_no_proxy_bypasses_it(
    simulator: SimulatorFactory, proxy: Proxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = ScriptedSession("test", "PASSED", results=[ScriptedResult("a")])
    sim = simulator([session])
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    assert run_gate(sim.url, sim, session.id, {}, tmp_path) == 0
    assert proxy.seen == []
    assert sim.requests
