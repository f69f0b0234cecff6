"""Evidence (SPEC §10) in the benchmark: the verdict of 30 failing runs that each have assets
and a Playwright report, and the memory of reading a 20 MB Playwright report.

- `evidence(runs)`: one gate run (a subprocess) on a session of `runs` failing Playwright
  runs, each with a trace, a video, two screenshots and a Playwright JSON report, with
  `assets-dir` and `root-cause: request` (3 analyses, pending once, then done); against the same
  session with evidence at its lightest (`root-cause: off`, no downloads). The requests the
  evidence added, by route, and the verdict's lag after the session completed.
- `report_memory(size)`: `parse_report` of a realistic Playwright JSON report of about `size`
  bytes under `tracemalloc`: its peak, against `json.loads` of the same bytes.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.measure import gate_argv, last_completion, launch
from gate.checkly.playwright_report import MAX_REPORT_BYTES, parse_report
from gate.simulator import ScriptedResult, ScriptedSession, Simulator
from gate.simulator.scenarios import demo_playwright_report

DETAILS_BUDGET_S = 15.0
MEMORY_FACTOR = 3.0  # a report's read may cost at most this many times its size


@dataclasses.dataclass(frozen=True)
class EvidenceRow:
    mode: str
    runs: int
    lag_s: float  # the session's completion → the gate's exit
    requests: Counter[str]  # evidence requests by route
    span_s: float  # first evidence request → last
    files: int
    megabytes: float


@dataclasses.dataclass(frozen=True)
class MemoryResult:
    size_mb: float
    tests: int
    seconds: float
    peak_mb: float
    plain_peak_mb: float  # json.loads of the same bytes


@dataclasses.dataclass(frozen=True)
class EvidenceResult:
    rows: Sequence[EvidenceRow]
    memory: MemoryResult


def failing_session(runs: int) -> ScriptedSession:
    """`runs` failing Playwright runs with assets, a report and one of 3 new error groups."""
    errors = [
        f"TimeoutError: locator.click: Timeout 30000ms exceeded (button {n})" for n in range(3)
    ]
    results = [
        ScriptedResult(
            f"Journey {i:02}", "failed", "PLAYWRIGHT", ("eu-west-1", "us-east-1")[i % 2],
            error_group=errors[i % 3], group_age_days=0,
            playwright_report=demo_playwright_report(errors[i % 3]),
        )
        for i in range(runs)
    ]  # fmt: skip
    return ScriptedSession("test", "FAILED", "Evidence", duration_s=0.0, results=results)


def _route(path: str, method: str) -> str | None:
    if path.endswith("/assets"):
        return "asset lists"
    if path.startswith("/v1/assets/"):
        return "files"
    if path.startswith("/signed/"):
        return "Playwright reports"
    if path.startswith("/v1/root-cause-analyses/"):
        return "analysis requests" if method == "POST" else "analysis polls"
    return None


def evidence_row(runs: int, *, full: bool) -> EvidenceRow:
    session = failing_session(runs)
    with Simulator([session]) as sim, tempfile.TemporaryDirectory() as tmp:
        argv = gate_argv(sim, [session.id], Path(tmp))
        if full:
            argv += ["--assets-dir", str(Path(tmp) / "evidence"), "--root-cause", "request"]
        else:
            argv += ["--root-cause", "off"]
        done = launch(argv, expect=(1,))
        lag = done.exited - last_completion(sim, [session])
        routed = [(r, _route(r.path, r.method)) for r in sim.requests]
        ours = [(r, route) for r, route in routed if route is not None]
        saved = [p for p in (Path(tmp) / "evidence").rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in saved)
    times = [r.time for r, _ in ours]
    return EvidenceRow(
        "downloads + 3 analyses" if full else "read only",
        runs,
        lag,
        Counter(route for _, route in ours),
        max(times) - min(times) if times else 0.0,
        len(saved),
        size / 1_000_000,
    )


def big_report(size: int) -> bytes:
    """A Playwright JSON report of about `size` bytes, its weight where real ones have it:
    stdout lines, error stacks, inline attachment bodies; one test in 20 fails, one in 50 is
    flaky."""
    specs: list[dict[str, Any]] = []
    body = "QUJD" * 2_500  # 10 kB of base64, an inline attachment
    total = 0
    n = 0
    while total < size - 20_000:
        status = "unexpected" if n % 20 == 0 else "flaky" if n % 50 == 1 else "expected"
        error = {"message": f"Error: expect(received).toBe(expected) #{n}\n" + "  at x\n" * 40}
        result: dict[str, Any] = {
            "retry": 0, "status": "failed" if status != "expected" else "passed", "duration": 812,
            "stdout": [{"text": f"step {k} of test {n}: ok\n"} for k in range(30)],
            "attachments": [{"name": "log", "contentType": "text/plain", "body": body}],
        }  # fmt: skip
        if status != "expected":
            result |= {"error": error, "errors": [error]}
        results = [result] + (
            [{"retry": 1, "status": "passed", "duration": 700}] if status == "flaky" else []
        )
        test = {"projectName": "chromium", "status": status, "results": results}
        spec = {"title": f"test {n}", "ok": status != "unexpected", "line": n, "tests": [test]}
        total += len(json.dumps(spec))
        specs.append(spec)
        n += 1
    suite = {"title": "big.spec.ts", "file": "tests/big.spec.ts", "specs": specs, "suites": []}
    return json.dumps({"config": {}, "suites": [suite], "errors": []}).encode()


def report_memory(size: int = MAX_REPORT_BYTES - 100_000) -> MemoryResult:
    raw = big_report(size)
    tracemalloc.start()
    started = time.perf_counter()
    parsed = parse_report(raw)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    tracemalloc.start()
    json.loads(raw)
    plain = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return MemoryResult(len(raw) / 1e6, len(parsed.tests), seconds, peak / 1e6, plain / 1e6)


def measure(runs: int = 30, report_bytes: int = MAX_REPORT_BYTES - 100_000) -> EvidenceResult:
    rows = [evidence_row(runs, full=False), evidence_row(runs, full=True)]
    return EvidenceResult(rows, report_memory(report_bytes))


ROUTES = ("asset lists", "files", "Playwright reports", "analysis requests", "analysis polls")


def table(result: EvidenceResult) -> list[str]:
    runs = result.rows[0].runs if result.rows else 0
    lines = [
        f"### Evidence: {runs} failing runs, each with assets and a Playwright report",
        "",
        "| mode | verdict after completion | evidence requests "
        + "".join(f"| {r} " for r in ROUTES)
        + "| span of those requests | files saved |",
        "|---|---:|---:" + "|---:" * len(ROUTES) + "|---:|---:|",
    ]
    for row in result.rows:
        counts = "".join(f"| {row.requests.get(r, 0)} " for r in ROUTES)
        lines.append(
            f"| {row.mode} | **{row.lag_s:.2f} s** | {sum(row.requests.values())} {counts}"
            f"| {row.span_s:.2f} s | {row.files} ({row.megabytes:.1f} MB) |"
        )
    m = result.memory
    lines += [
        "",
        f"Reading a {m.size_mb:.1f} MB Playwright JSON report ({m.tests:,} tests): "
        f"{m.seconds:.2f} s; at its peak the read holds {m.peak_mb:.1f} MB of Python memory "
        f"besides the report's own bytes ({m.peak_mb / m.size_mb:.2f}x the file, "
        f"{1 + m.peak_mb / m.size_mb:.2f}x with them); `json.loads` of the same bytes holds "
        f"{m.plain_peak_mb:.1f} MB ({m.plain_peak_mb / m.size_mb:.2f}x).",
        "",
    ]
    return lines


def targets(result: EvidenceResult) -> list[tuple[str, str, bool]]:
    """(what, measured, met) for `bench.table`."""
    worst = max(r.lag_s for r in result.rows)
    m = result.memory
    return [
        (
            f"{result.rows[0].runs} failing runs with evidence: verdict ≤ {DETAILS_BUDGET_S:g} s "
            "after completion (the details budget)",
            f"{worst:.2f} s",
            worst <= DETAILS_BUDGET_S,
        ),
        (
            f"a {m.size_mb:.0f} MB Playwright report read in ≤ {MEMORY_FACTOR:g}x its size "
            "(its bytes included)",
            f"{1 + m.peak_mb / m.size_mb:.2f}x",
            m.size_mb + m.peak_mb <= MEMORY_FACTOR * m.size_mb,
        ),
    ]
