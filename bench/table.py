"""The benchmark's Markdown: one table per measurement, then the targets with ✅/❌."""

from __future__ import annotations

import dataclasses
import math
import os
import platform
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime

from bench.evidence_bench import EvidenceResult
from bench.evidence_bench import table as evidence_table
from bench.evidence_bench import targets as evidence_targets
from bench.measure import (
    LagResult,
    RenderResult,
    ScaleRow,
    StartupResult,
    TriageResult,
    TriggerRow,
)
from gate.core.triage import MAX_CHECKS

LONG_POLL_S = 30  # the gate's default max-wait-seconds, used by the scale runs
RATE_LIMIT = 600  # Checkly's requests per 60 s
LAG_TARGET_S = 0.3
LAG_RATIO_TARGET = 0.15
WALL_SLACK_S = 2.0
STARTUP_TARGET_S = 0.25
RENDER_TARGET_S = 1.0
RSS_TARGET_MB = 100.0


@dataclasses.dataclass(frozen=True)
class Target:
    what: str
    measured: str
    ok: bool

    @property
    def mark(self) -> str:
        return "✅" if self.ok else "❌"


@dataclasses.dataclass(frozen=True)
class Results:
    lag: LagResult
    scale: Sequence[ScaleRow]
    startup: StartupResult
    render: RenderResult
    triage: TriageResult
    trigger: Sequence[TriggerRow] = ()
    evidence: EvidenceResult | None = None


def allowed_requests(t: float) -> int:
    """The per-session budget of a session that lasts `t` s: ⌈T/30⌉ + 2."""
    return math.ceil(t / LONG_POLL_S) + 2


def targets(results: Results) -> list[Target]:
    lag, render = results.lag, results.render
    out = [
        Target(
            f"verdict lag, median ≤ {LAG_TARGET_S:g} s",
            f"{lag.gate_median:.3f} s",
            lag.gate_median <= LAG_TARGET_S,
        ),
        Target(
            f"verdict lag ≤ {LAG_RATIO_TARGET:g} x the {lag.interval:g} s poller's",
            f"{lag.ratio:.3f} x ({lag.gate_median:.3f} s vs {lag.baseline_median:.3f} s)",
            lag.ratio <= LAG_RATIO_TARGET,
        ),
    ]
    if results.scale:
        big = max(results.scale, key=lambda row: row.sessions)
        out.append(
            Target(
                f"{big.sessions} sessions: wall ≤ T + {WALL_SLACK_S:g} s (T = {big.t:g} s)",
                f"T + {big.over_t:.2f} s",
                big.over_t <= WALL_SLACK_S,
            )
        )
        peak = max(results.scale, key=lambda row: row.peak_60s)
        answered_429 = sum(r.answered_429 for r in results.scale)
        out.append(
            Target(
                f"never more than {RATE_LIMIT} requests in any 60 s",
                f"{peak.peak_60s} ({_sessions(peak.sessions)}), {answered_429} answered 429",
                peak.peak_60s <= RATE_LIMIT and not answered_429,
            )
        )
        worst = max(results.scale, key=lambda row: row.per_session_max - allowed_requests(row.t))
        out.append(
            Target(
                f"≤ ⌈T/{LONG_POLL_S}⌉ + 2 = {allowed_requests(worst.t)} requests per session",
                f"at most {worst.per_session_max} ({_sessions(worst.sessions)})",
                worst.per_session_max <= allowed_requests(worst.t),
            )
        )
    if results.trigger:
        out += _trigger_targets(results.trigger)
    out += [
        Target(
            f"start to first request ≤ {STARTUP_TARGET_S:g} s (median)",
            f"{results.startup.median:.3f} s",
            results.startup.median <= STARTUP_TARGET_S,
        ),
        Target(
            f"{render.runs:,} runs rendered (every report) in ≤ {RENDER_TARGET_S:g} s",
            f"{render.times['total']:.3f} s",
            render.times["total"] <= RENDER_TARGET_S,
        ),
        Target(
            f"… within {RSS_TARGET_MB:g} MB peak RSS",
            f"{render.peak_rss_mb:.1f} MB",
            render.peak_rss_mb <= RSS_TARGET_MB,
        ),
        Target(
            f"{results.triage.failing_checks} failing checks: ≤ {MAX_CHECKS} history requests",
            f"{results.triage.history_requests}",
            results.triage.history_requests <= MAX_CHECKS,
        ),
    ]
    if results.evidence is not None:
        out += [Target(*t) for t in evidence_targets(results.evidence)]
    return out


def _trigger_targets(rows: Sequence[TriggerRow]) -> list[Target]:
    worst = max(rows, key=lambda row: row.per_session_max - allowed_requests(row.t))
    peak = max(rows, key=lambda row: row.peak_60s)
    late = max(rows, key=lambda row: row.lag)
    answered_429 = sum(r.answered_429 for r in rows)
    return [
        Target(
            f"trigger mode: ≤ ⌈T/{LONG_POLL_S}⌉ + 2 = {allowed_requests(worst.t)} requests "
            "per session",
            f"at most {worst.per_session_max} ({worst.what})",
            worst.per_session_max <= allowed_requests(worst.t),
        ),
        Target(
            f"trigger mode: never more than {RATE_LIMIT} requests in any 60 s",
            f"{peak.peak_60s} ({peak.what}), {answered_429} answered 429",
            peak.peak_60s <= RATE_LIMIT and not answered_429,
        ),
        Target(
            f"trigger mode: verdict ≤ {LAG_TARGET_S:g} s after the last completion",
            f"{late.lag:.3f} s ({late.what})",
            late.lag <= LAG_TARGET_S,
        ),
    ]


def _sessions(count: int) -> str:
    return f"{count} session{'s' if count != 1 else ''}"


def markdown(results: Results, *, when: datetime | None = None) -> str:
    when = when or datetime.now(UTC)
    lines = [
        "## checkly-gate benchmark",
        "",
        f"{when:%Y-%m-%d %H:%M} UTC · Python {platform.python_version()} · "
        f"{os.cpu_count()} cores · the real gate (`python -m gate`, a subprocess) against the "
        "Checkly API simulator on 127.0.0.1",
        "",
    ]
    lines += _lag(results.lag)
    if results.scale:
        lines += _scale(results.scale)
    if results.trigger:
        lines += _trigger(results.trigger)
    lines += _startup(results.startup)
    lines += _render(results.render)
    lines += _triage(results.triage)
    if results.evidence is not None:
        lines += evidence_table(results.evidence)
    lines += ["### Targets", "", "| target | measured | |", "|---|---|---|"]
    lines += [f"| {t.what} | {t.measured} | {t.mark} |" for t in targets(results)]
    return "\n".join(lines) + "\n"


def _lag(lag: LagResult) -> list[str]:
    def row(name: str, values: Sequence[float], requests: Sequence[int]) -> str:
        runs = ", ".join(f"{v:.3f}" for v in sorted(values))
        median = statistics.median(values)
        return f"| {name} | **{median:.3f} s** | {runs} | {statistics.mean(requests):.1f} |"

    return [
        "### Verdict lag: the last session's completion → the process's exit",
        "",
        "Two test sessions (one passing, one failing with 2 failing runs in one error group); "
        "the last one ends at a different point of the poller's interval each time. The gate "
        "also fetches the failure details and writes every report before it exits.",
        "",
        "| waiter | median | each run (s, sorted) | requests per run |",
        "|---|---:|---|---:|",
        row("checkly-gate (long-poll)", lag.gate, lag.gate_requests),
        row(f"baseline: GET every {lag.interval:g} s", lag.baseline, lag.baseline_requests),
        "",
        f"Ratio (gate / baseline, medians): **{lag.ratio:.3f}**",
        "",
    ]


def _scale(rows: Sequence[ScaleRow]) -> list[str]:
    t = rows[0].t
    out = [
        f"### Scale: N sessions ending together after T = {t:g} s",
        "",
        f"One gate per row, `max-wait-seconds` {LONG_POLL_S} (the default), passing test "
        "sessions of 3 runs. Wall: from the sessions' start (just before the gate is launched) "
        f"to its exit. The simulator answers 429 past {RATE_LIMIT} requests in 60 s. The rows "
        "run side by side, started 3 s apart (biggest first) so no two gates start or finish "
        "together.",
        "",
        "| sessions | wall - T | requests | per session (mean / max) | peak in any 60 s | 429s |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    if max(row.span for row in rows) < 60:
        out[2] += " Runs shorter than 60 s: the peak is the whole run."
    for row in rows:
        out.append(
            f"| {row.sessions} | {row.over_t:+.2f} s | {row.requests} | "
            f"{row.per_session:.2f} / {row.per_session_max} | {row.peak_60s} | "
            f"{row.answered_429} |"
        )
    return [*out, ""]


def _trigger(rows: Sequence[TriggerRow]) -> list[str]:
    out = [
        f"### Trigger mode: the gate starts the runs, each lasting T = {rows[0].t:g} s",
        "",
        "One gate per row, `tags: bench` (`python -m gate --trigger … --tags bench`): a trigger "
        "of one check session per matched check, then one test session of every matched check. "
        "Requests per session count every request naming it (the trigger names none); lag: "
        f"from the last session's completion to the gate's exit. The simulator answers 429 past "
        f"{RATE_LIMIT} requests in 60 s.",
        "",
        "| trigger | sessions | wall | requests | per session (max) | peak in any 60 s | 429s "
        "| verdict lag |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        out.append(
            f"| {row.what} | {row.sessions} | {row.wall:.2f} s | {row.requests} | "
            f"{row.per_session_max} | {row.peak_60s} | {row.answered_429} | "
            f"**{row.lag:.3f} s** |"
        )
    return [*out, ""]


def _startup(startup: StartupResult) -> list[str]:
    imports = startup.imports
    heavy = ", ".join(f"`{name}` {ms:.0f} ms" for name, ms in imports.heaviest)
    lazy = ", ".join(f"`{name}` ({where})" for name, where in imports.lazy.items())
    runs = ", ".join(f"{v:.3f}" for v in sorted(startup.first_request))
    return [
        "### Start-up: process launch → the simulator receives the first request",
        "",
        "| measure | value |",
        "|---|---|",
        f"| launch → first request (median of {len(startup.first_request)}) | "
        f"**{startup.median:.3f} s** ({runs}) |",
        f"| modules imported before the first request | {imports.modules_before} "
        f"({imports.total_before_ms:.0f} ms under `-X importtime`) |",
        f"| heaviest imports of the gate's modules | {heavy} |",
        f"| the gate's own modules (self time) | {imports.gate_self_ms:.0f} ms |",
        f"| loaded only after the first request, or never | {lazy} |",
        "",
    ]


def _render(render: RenderResult) -> list[str]:
    t, s = render.times, render.sizes
    return [
        f"### Render: {render.runs:,} check runs ({render.sessions} sessions) through every report",
        "",
        "| report | time | size |",
        "|---|---:|---:|",
        f"| templates (compile + dry run) | {t['templates'] * 1000:.0f} ms | |",
        f"| job summary | {t['summary'] * 1000:.0f} ms | {s['summary_bytes']:,} bytes |",
        f"| PR comment | {t['comment'] * 1000:.0f} ms | {s['comment_chars']:,} chars |",
        f"| JUnit XML | {t['junit'] * 1000:.0f} ms | {s['junit_bytes']:,} bytes |",
        f"| JSON | {t['json'] * 1000:.0f} ms | {s['json_bytes']:,} bytes |",
        f"| console + annotations | {t['console'] * 1000:.0f} ms | {s['console_bytes']:,} bytes |",
        f"| **total** | **{t['total'] * 1000:.0f} ms** | "
        f"peak RSS **{render.peak_rss_mb:.1f} MB** |",
        "",
    ]


def _triage(triage: TriageResult) -> list[str]:
    return [
        f"### Triage: a session of {triage.failing_checks} failing checks",
        "",
        "| history requests | runs labelled from history | runs without (not fetched) |",
        "|---:|---:|---:|",
        f"| {triage.history_requests} | {triage.labelled} | {triage.not_fetched} |",
        "",
    ]
