"""`python -m gate.simulator agent`: the simulator's stand-in for the Checkly agent (SPEC §12).

Started like the real one (`API_KEY` = a private location's key; `CHECKLY_API_URL` = the
simulator), it polls the simulator's agent routes with the key, which makes the location report
an agent (`agentCount` 1), and runs each job it is given: it requests the check's URL with the
test session's variables substituted (`{{ENVIRONMENT_URL}}/health` → `http://localhost:8080/
health`) and reports the HTTP status back; 2xx and 3xx pass. Standard library only, so a small
image with Python and this package runs it. Its log lines go to stdout; the key never does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
REQUEST_TIMEOUT_S = 30.0  # as an API check's longest response time


def log(level: str, message: str) -> None:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    print(f"{stamp} {level:<5} {message}", flush=True)


def substitute(url: str, variables: Mapping[str, str]) -> str:
    """`{{NAME}}` → the variable's value (an unknown one stays as written)."""
    return _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(0)), url)


class Agent:
    def __init__(self, api_url: str, key: str, poll_s: float, stop: threading.Event) -> None:
        self.api_url, self._key, self.poll_s, self.stop = api_url.rstrip("/"), key, poll_s, stop
        self.id = str(uuid.uuid4())

    def _call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the simulator's URL, http on purpose
            self.api_url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self._key}",
                "X-Agent-Id": self.id,
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as answer:  # noqa: S310
                raw = answer.read()
                return answer.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            return exc.code, None

    def run(self) -> None:
        log("INFO", f"checkly-gate simulator agent {self.id[:8]} starting; API {self.api_url}")
        connected, last_problem = False, ""
        while not self.stop.is_set():
            try:
                status, body = self._call("GET", "/agent/v1/jobs")
            except (OSError, ValueError) as exc:
                status, body = 0, None
                problem = f"cannot reach {self.api_url}: {getattr(exc, 'reason', exc)}"
            else:
                problem = "" if status == 200 else f"the API answered HTTP {status}"
                if status == 401:
                    problem = "the key was refused (HTTP 401): is the private location gone?"
            if problem:
                if problem != last_problem:
                    log("WARN", problem)
                connected, last_problem = False, problem
                self.stop.wait(1.0)
                continue
            if not connected:
                log("INFO", "connected: polling for check runs")
                connected, last_problem = True, ""
            jobs = body.get("jobs", []) if isinstance(body, dict) else []
            for job in jobs:
                self._run_job(job)
            if not jobs:
                self.stop.wait(self.poll_s)
        log("INFO", "stopping")

    def _run_job(self, job: Mapping[str, Any]) -> None:
        variables = job.get("environmentVariables") or {}
        url = substitute(str(job.get("url", "")), variables)
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            request = urllib.request.Request(url, method="GET")  # noqa: S310 - the check's URL
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as answer:  # noqa: S310
                answer.read()
                status = answer.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (OSError, ValueError) as exc:
            error = f"request failed: {getattr(exc, 'reason', exc)} ({url})"
        took = round((time.monotonic() - started) * 1000, 1)
        verdict = "passed" if status is not None and 200 <= status < 400 else "failed"
        log("INFO", f"{job.get('checkName')}: GET {url} -> {status or error} ({verdict})")
        answer_body = {
            "jobId": job.get("jobId"),
            "status": status,
            "error": error,
            "url": url,
            "responseTimeMs": took,
        }
        try:
            self._call("POST", "/agent/v1/results", answer_body)
        except (OSError, ValueError) as exc:
            log("WARN", f"could not report {job.get('checkName')}: {exc}")


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(prog="python -m gate.simulator agent", description=__doc__)
    parser.add_argument("--api-url", default=env.get("CHECKLY_API_URL", ""))
    parser.add_argument("--poll", type=float, default=0.3, help="seconds between polls")
    args = parser.parse_args(argv)
    key = env.get("API_KEY", "").strip()
    if not key or not args.api_url:
        log("ERROR", "API_KEY and CHECKLY_API_URL (or --api-url) must be set")
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    Agent(args.api_url, key, args.poll, stop).run()
    return 0
