"""The measurements: the real gate (`python -m gate`, a subprocess) against the simulator.

Times are `time.monotonic()` in this process, which also runs the simulator: "launched" is
taken just before `Popen`, "exited" just after `wait()` returns, and the simulator stamps each
request on arrival and knows when each session completed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench.workloads import lag_sessions, passing_session, triage_session
from gate.simulator import RecordedRequest, ScriptedSession, Simulator
from gate.simulator.catalogue import DeployedCheck

ROOT = Path(__file__).resolve().parent.parent
# Modules the gate must not load before its first request (PyGithub, jinja2, the reports).
LAZY = (
    "github",
    "jinja2",
    "gate.reports.templating",
    "gate.checkly.details",
    "gate.checkly.history",
    "gate.reports.junit",
    "gate.reports.json_report",
)


class BenchError(Exception):
    """A measurement could not be taken (the gate exited 2 or 3, a session never finished)."""


@dataclasses.dataclass(frozen=True)
class Launch:
    launched: float
    exited: float
    code: int
    output: str


def child_env() -> dict[str, str]:
    """This environment without anything a CI runner or a user's Checkly setup would add."""
    prefixes = ("GITHUB_", "INPUT_", "CHECKLY_", "RUNNER_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.pop("HTTPS_PROXY", None)
    env.pop("https_proxy", None)
    return env


def gate_argv(sim: Simulator, ids: Sequence[str], out: Path) -> list[str]:
    """`python -m gate ...` as a CI job would run it, every file report on."""
    return [
        sys.executable, "-m", "gate",
        "--api-url", sim.url,
        "--api-key", sim.api_key,
        "--account-id", sim.account_id,
        "--test-session-ids", ",".join(ids),
        "--timeout", "10m",
        "--pr-comment", "never",
        "--summary-file", str(out / "summary.md"),
        "--junit-file", str(out / "junit.xml"),
        "--json-file", str(out / "report.json"),
    ]  # fmt: skip


def launch(
    argv: Sequence[str], *, expect: Sequence[int] = (0, 1), env: dict[str, str] | None = None
) -> Launch:
    """Run `argv` from the repository root; the times around `Popen` and `wait`."""
    with tempfile.TemporaryFile("w+") as log:
        launched = time.monotonic()
        env = child_env() if env is None else env
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=log)
        code = process.wait()
        exited = time.monotonic()
        log.seek(0)
        output = log.read()
    if code not in expect:
        raise BenchError(f"{' '.join(argv[:3])} exited {code}:\n{output[-3000:]}")
    return Launch(launched, exited, code, output)


def last_completion(sim: Simulator, sessions: Sequence[ScriptedSession]) -> float:
    times = [sim.completed_at(s.id) for s in sessions]
    if any(t is None for t in times):
        raise BenchError("the process exited before every session had finished")
    return max(t for t in times if t is not None)


# -- verdict lag ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class LagResult:
    """Seconds from the last session's completion to the process's exit, per repetition."""

    gate: list[float]
    baseline: list[float]
    gate_requests: list[int]
    baseline_requests: list[int]
    interval: float

    @property
    def gate_median(self) -> float:
        return statistics.median(self.gate)

    @property
    def baseline_median(self) -> float:
        return statistics.median(self.baseline)

    @property
    def ratio(self) -> float:
        return self.gate_median / self.baseline_median if self.baseline_median > 0 else 0.0


def verdict_lag(reps: int = 5, interval: float = 5.0, base_s: float = 2.5) -> LagResult:
    """The gate and the every-`interval` poller on the same sessions, alternately.

    The last session ends after `base_s` + a fraction of `interval` that differs per
    repetition (spread evenly over one interval), so the baseline is not lucky or unlucky
    with its phase: its expected lag is interval / 2.
    """
    gate: list[float] = []
    baseline: list[float] = []
    gate_requests: list[int] = []
    baseline_requests: list[int] = []
    for rep in range(reps):
        duration = base_s + interval * (rep + 0.5) / reps
        for who in ("gate", "baseline"):
            sessions = lag_sessions(duration)
            ids = [s.id for s in sessions]
            with Simulator(sessions) as sim, tempfile.TemporaryDirectory() as out:
                if who == "gate":
                    run = launch(gate_argv(sim, ids, Path(out)))
                else:
                    argv = [sys.executable, "-m", "bench.poller", "--api-url", sim.url]
                    argv += ["--api-key", sim.api_key, "--account-id", sim.account_id]
                    run = launch([*argv, "--interval", f"{interval:g}", *ids], expect=(0,))
                lag = run.exited - last_completion(sim, sessions)
                (gate if who == "gate" else baseline).append(lag)
                count = len(sim.requests)
                (gate_requests if who == "gate" else baseline_requests).append(count)
    return LagResult(gate, baseline, gate_requests, baseline_requests, interval)


# -- scale ---------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ScaleRow:
    """N sessions that all end after T seconds, awaited by one gate."""

    sessions: int
    t: float
    wall: float  # from the sessions' start to the gate's exit
    requests: int
    per_session_max: int
    peak_60s: int  # the most requests in any 60 s window (the whole run when shorter)
    span: float  # first to last request
    answered_429: int

    @property
    def over_t(self) -> float:
        return self.wall - self.t

    @property
    def per_session(self) -> float:
        return self.requests / self.sessions


def scale(count: int, t: float, rate_limit: int = 600) -> ScaleRow:
    """`count` passing test sessions of 3 runs each, all ending `t` s after they start; the
    simulator enforces Checkly's `rate_limit` per 60 s (429s are counted, never expected)."""
    sessions = [passing_session(t, 3, name=f"Suite {i}") for i in range(count)]
    with Simulator(rate_limit=rate_limit) as sim, tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        for session in sessions:
            sim.add(session)
        run = launch(gate_argv(sim, [s.id for s in sessions], Path(out)))
        last_completion(sim, sessions)
        requests = sim.requests
    per = per_session_counts(requests, [s.id for s in sessions])
    times = [r.time for r in requests]
    return ScaleRow(
        sessions=count,
        t=t,
        wall=run.exited - started,
        requests=len(requests),
        per_session_max=max(per.values(), default=0),
        peak_60s=peak_in_window(times, 60.0),
        span=(times[-1] - times[0]) if times else 0.0,
        answered_429=sum(r.status == 429 for r in requests),
    )


def scale_rows(counts: Sequence[int], t: float, stagger: float = 3.0) -> list[ScaleRow]:
    """`scale()` for each count at once (the waits overlap), the biggest first and each next
    one `stagger` s later, so no two gates start or finish at the same moment."""
    order = sorted(range(len(counts)), key=lambda i: -counts[i])
    rows: dict[int, ScaleRow] = {}
    errors: list[BaseException] = []

    def one(index: int, delay: float) -> None:
        time.sleep(delay)
        try:
            rows[index] = scale(counts[index], t)
        except BaseException as exc:  # handed to the caller below
            errors.append(exc)

    threads = [
        threading.Thread(target=one, args=(index, position * stagger), daemon=True)
        for position, index in enumerate(order)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [rows[i] for i in range(len(counts))]


def per_session_counts(requests: Sequence[RecordedRequest], ids: Sequence[str]) -> Counter[str]:
    """Requests per session ID (detail and error-group reads of no session are left out)."""
    known = {i.lower() for i in ids}
    counts: Counter[str] = Counter({i: 0 for i in known})
    for request in requests:
        hit = next((p for p in request.path.lower().split("/") if p in known), None)
        if hit is not None:
            counts[hit] += 1
    return counts


def peak_in_window(times: Sequence[float], window: float) -> int:
    """The most of `times` (sorted) that fall in any half-open window of `window` seconds."""
    peak = first = 0
    for last, now in enumerate(times):
        while times[first] <= now - window:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


# -- trigger mode --------------------------------------------------------------------------
SPREAD_S = 3.0  # a trigger's runs end within this long of each other


@dataclasses.dataclass(frozen=True)
class TriggerRow:
    """One gate that triggers its sessions (ending over the last 3 s of T) and waits."""

    what: str
    checks: int
    sessions: int
    t: float
    wall: float  # from the gate's launch to its exit
    lag: float  # from the last session's completion to the gate's exit
    requests: int
    per_session_max: int
    peak_60s: int
    answered_429: int


SPREAD_S = 3.0  # trigger mode: the runs end over the last 3 s of T


def trigger_row(kind: str, checks: int, t: float, rate_limit: int = 600) -> TriggerRow:
    """`checks` deployed checks tagged `bench`, each run lasting `t` s; one gate triggers them
    (`kind`: `check-sessions`, one session per check, or `test-session`, one of all) and waits."""
    # The runs end spread over the last SPREAD_S seconds, as different checks do (300 answers
    # to the very millisecond would measure the simulator answering them, not the gate).
    catalogue = [
        DeployedCheck(
            f"Bench check {i:03d}", tags=("bench",), duration_s=t - SPREAD_S * i / max(checks, 1)
        )
        for i in range(checks)
    ]
    with (
        Simulator(rate_limit=rate_limit, catalogue=catalogue) as sim,
        tempfile.TemporaryDirectory() as out,
    ):
        argv = gate_argv(sim, [], Path(out))
        argv[argv.index("--test-session-ids") : argv.index("--test-session-ids") + 2] = []
        run = launch([*argv, "--trigger", kind, "--tags", "bench"])
        report = json.loads((Path(out) / "report.json").read_text(encoding="utf-8"))
        ids = report["trigger"]["sessionIds"]
        requests = sim.requests
        done = [sim.completed_at(i) for i in ids]
    if not ids or any(d is None for d in done):
        raise BenchError(f"the {kind} trigger's sessions did not all finish")
    per = per_session_counts(requests, ids)
    times = [r.time for r in requests]
    return TriggerRow(
        what=f"{kind}: {checks} checks",
        checks=checks,
        sessions=len(ids),
        t=t,
        wall=run.exited - run.launched,
        lag=run.exited - max(d for d in done if d is not None),
        requests=len(requests),
        per_session_max=max(per.values(), default=0),
        peak_60s=peak_in_window(times, 60.0),
        answered_429=sum(r.status == 429 for r in requests),
    )


def trigger_rows(check_sessions: int, test_checks: int, t: float) -> list[TriggerRow]:
    """A trigger of `check_sessions` check sessions, then a test session of `test_checks`."""
    return [
        trigger_row("check-sessions", check_sessions, t),
        trigger_row("test-session", test_checks, t),
    ]


# -- start-up ------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ImportProfile:
    """`python -X importtime` of one real gate run, split at its first request."""

    modules_before: int
    total_before_ms: float  # the top-level imports' cumulative times, before the first request
    heaviest: list[tuple[str, float]]  # what gate modules import, by cumulative ms
    gate_self_ms: float  # the gate's own modules, self time
    lazy: dict[str, str]  # module → "before" | "after" | "never" (relative to the first request)


@dataclasses.dataclass(frozen=True)
class StartupResult:
    first_request: list[float]
    imports: ImportProfile

    @property
    def median(self) -> float:
        return statistics.median(self.first_request)


def startup(reps: int = 5) -> StartupResult:
    """Launch → the simulator receives the gate's first request, `reps` times (after one
    untimed run, so bytecode caches are warm as in an image), then one `-X importtime` run."""
    firsts: list[float] = []
    for rep in range(reps + 1):
        session = passing_session(0.3, 1)
        with Simulator([session]) as sim, tempfile.TemporaryDirectory() as out:
            run = launch(gate_argv(sim, [session.id], Path(out)))
            first = sim.requests[0].time - run.launched
        if rep:
            firsts.append(first)
    return StartupResult(firsts, import_profile())


def import_profile() -> ImportProfile:
    session = passing_session(0.3, 1)
    lines: list[tuple[float, str]] = []
    with Simulator([session]) as sim, tempfile.TemporaryDirectory() as out:
        argv = gate_argv(sim, [session.id], Path(out))
        argv[1:1] = ["-X", "importtime"]
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        stream = process.stderr

        def read() -> None:  # stamp each line as it arrives (C stderr is unbuffered)
            for line in stream:
                lines.append((time.monotonic(), line.rstrip("\n")))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        process.wait()
        reader.join(timeout=10)
        first = sim.requests[0].time
    return parse_importtime(lines, first)


def parse_importtime(lines: Sequence[tuple[float, str]], first_request: float) -> ImportProfile:
    """Split `-X importtime` lines (with arrival times) at the first request and sum them up."""
    entries: list[tuple[float, int, int, int, str]] = []  # time, depth, self, cumulative, name
    for stamp, line in lines:
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        head, total, module = line.split("|", 2)
        depth = (len(module) - len(module.lstrip(" ")) - 1) // 2
        self_us = head.split(":", 1)[1]
        entries.append((stamp, depth, int(self_us), int(total), module.strip()))
    before = [e for e in entries if e[0] <= first_request]
    heaviest: dict[str, float] = {}
    # importtime prints a module after the modules it imported (post-order): walk backwards.
    stack: list[tuple[int, str]] = []
    for _, depth, _, cumulative, name in reversed(before):
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        if parent.startswith("gate") and not name.startswith("gate"):
            heaviest[name] = max(heaviest.get(name, 0.0), cumulative / 1000)
        stack.append((depth, name))
    seen_after = {e[4] for e in entries if e[0] > first_request}
    seen_before = {e[4] for e in before}
    lazy = {
        m: "before" if m in seen_before else "after" if m in seen_after else "never" for m in LAZY
    }
    top = sorted(heaviest.items(), key=lambda item: -item[1])[:6]
    return ImportProfile(
        modules_before=len(before),
        total_before_ms=sum(e[3] for e in before if e[1] == 0) / 1000,
        heaviest=top,
        gate_self_ms=sum(e[2] for e in before if e[4].startswith("gate")) / 1000,
        lazy=lazy,
    )


# -- render --------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class RenderResult:
    runs: int
    sessions: int
    times: dict[str, float]
    sizes: dict[str, int]
    peak_rss_mb: float


def render(runs: int = 10_000) -> RenderResult:
    """`bench.render_child` in a fresh process (so its peak RSS is the render's alone)."""
    argv = [sys.executable, "-m", "bench.render_child", "--runs", str(runs)]
    done = subprocess.run(
        argv, cwd=ROOT, env=child_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"bench.render_child exited {done.returncode}:\n{done.stderr[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return RenderResult(
        data["runs"], data["sessions"], data["times"], data["sizes"], data["peak_rss_mb"]
    )


# -- triage --------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class TriageResult:
    failing_checks: int
    history_requests: int  # GET /v2/check-results/{checkId} the gate sent
    labelled: int  # failing runs the JSON report labels from history
    not_fetched: int  # failing runs it says "no history fetched" for


def triage(checks: int = 15) -> TriageResult:
    """One gate run on a session of `checks` failing checks: how many history requests."""
    session = triage_session(checks)
    with Simulator([session]) as sim, tempfile.TemporaryDirectory() as tmp:
        launch(gate_argv(sim, [session.id], Path(tmp)), expect=(1,))
        sent = [r for r in sim.requests if r.path.startswith("/v2/check-results/")]
        report = json.loads((Path(tmp) / "report.json").read_text("utf-8"))
    triages = [r["triage"] or {} for s in report["sessions"] for r in s["runs"]]
    labelled = sum(1 for t in triages if t.get("label") not in (None, "no history"))
    not_fetched = sum(1 for t in triages if t.get("evidence") == "no history fetched")
    return TriageResult(checks, len(sent), labelled, not_fetched)
