"""The render measurement, in a fresh process: `python -m bench.render_child --runs 10000`.

Builds a finished report of N check runs (not timed), then times every report the gate writes
after waiting (templates loaded and dry-run, summary, comment, JUnit, JSON, console and
annotations, as under GitHub), and prints one JSON line: seconds per report, sizes, and the
process's peak RSS (which includes the interpreter, the imports and the report model).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.render_child")
    parser.add_argument("--runs", type=int, default=10_000)
    options = parser.parse_args(argv)

    from bench.workloads import big_report
    from gate.reports.console import annotate, print_report
    from gate.reports.json_report import write_json
    from gate.reports.junit import write_junit
    from gate.reports.templating import load_templates, render_comment, render_summary
    from gate.runner.comment_history import marker_for
    from gate.runner.workflow import Runner

    report = big_report(options.runs)
    times: dict[str, float] = {}
    sizes: dict[str, int] = {}
    console = io.StringIO()
    runner = Runner({"GITHUB_ACTIONS": "true"}, console)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        templates = load_templates(None, None)
        times["templates"] = time.perf_counter() - start

        mark = time.perf_counter()
        summary = render_summary(report, templates)
        times["summary"] = time.perf_counter() - mark
        sizes["summary_bytes"] = len(summary.encode("utf-8"))

        mark = time.perf_counter()
        comment = render_comment(report, templates, marker=marker_for("bench"))
        times["comment"] = time.perf_counter() - mark
        sizes["comment_chars"] = len(comment)

        mark = time.perf_counter()
        junit = Path(folder, "junit.xml")
        write_junit(report, junit)
        times["junit"] = time.perf_counter() - mark
        sizes["junit_bytes"] = junit.stat().st_size

        mark = time.perf_counter()
        json_file = Path(folder, "report.json")
        write_json(report, json_file)
        times["json"] = time.perf_counter() - mark
        sizes["json_bytes"] = json_file.stat().st_size

        mark = time.perf_counter()
        print_report(report, runner)
        annotate(report, runner)
        times["console"] = time.perf_counter() - mark
        sizes["console_bytes"] = len(console.getvalue().encode("utf-8"))
        times["total"] = time.perf_counter() - start

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    result = {
        "runs": report.verdict.total,
        "sessions": len(report.sessions),
        "times": times,
        "sizes": sizes,
        "peak_rss_mb": peak_kb / 1024,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
