"""`make bench`: measure the gate against the simulator, print the table, exit 1 on a miss.

    python bench/run.py                     # the full benchmark (a few minutes)
    python bench/run.py --sessions 1,10 --t 5 --reps 3 --render-runs 1000   # a quick look

The table is also written to bench/results/latest.md (gitignored).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`: make `bench` and `gate` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import evidence_bench, measure
from bench.table import Results, markdown, targets

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results" / "latest.md"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", default="1,10,50,200", help="scale: session counts")
    parser.add_argument("--t", type=float, default=95.0, help="scale: session length T (s)")
    parser.add_argument("--reps", type=int, default=5, help="verdict lag: repetitions")
    parser.add_argument("--interval", type=float, default=5.0, help="the baseline's interval")
    parser.add_argument(
        "--lag-base", type=float, default=2.5, help="verdict lag: sessions last this + a phase"
    )
    parser.add_argument(
        "--trigger-checks", type=int, default=300, help="trigger mode: check sessions started"
    )
    parser.add_argument(
        "--trigger-test-checks",
        type=int,
        default=500,
        help="trigger mode: checks of a test session",
    )
    parser.add_argument("--startup-reps", type=int, default=5)
    parser.add_argument("--render-runs", type=int, default=10_000)
    parser.add_argument("--triage-checks", type=int, default=15, help="triage: failing checks")
    parser.add_argument(
        "--evidence-runs", type=int, default=30, help="evidence: failing runs with assets"
    )
    parser.add_argument(
        "--report-mb", type=float, default=19.9, help="evidence: Playwright report size (MB)"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    return parser.parse_args(argv)


def collect(options: argparse.Namespace) -> Results:
    """Every measurement, in one run."""
    say("start-up")
    startup = measure.startup(options.startup_reps)
    say(f"verdict lag: {options.reps} x (gate, {options.interval:g} s poller)")
    lag = measure.verdict_lag(options.reps, options.interval, options.lag_base)
    counts = [int(c) for c in options.sessions.split(",") if c.strip()]
    say(f"scale: {', '.join(map(str, counts))} sessions x {options.t:g} s, side by side")
    rows = measure.scale_rows(counts, options.t)
    say(
        f"trigger mode: {options.trigger_checks} check sessions, then a test session of "
        f"{options.trigger_test_checks} checks, x {options.t:g} s"
    )
    triggered = measure.trigger_rows(options.trigger_checks, options.trigger_test_checks, options.t)
    say(f"render: {options.render_runs:,} runs")
    render = measure.render(options.render_runs)
    say(f"triage: {options.triage_checks} failing checks")
    triage = measure.triage(options.triage_checks)
    say(f"evidence: {options.evidence_runs} failing runs; a {options.report_mb:g} MB report")
    evidence = evidence_bench.measure(options.evidence_runs, int(options.report_mb * 1_000_000))
    return Results(lag, rows, startup, render, triage, triggered, evidence)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    results = collect(options)
    text = markdown(results)
    sys.stdout.write(text)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text, encoding="utf-8")
    say(f"written to {options.output}")
    return 0 if all(t.ok for t in targets(results)) else 1


def say(line: str) -> None:
    print(f"bench: {line}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
