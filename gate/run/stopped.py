"""A run that ends without a verdict (any exit but 0 and 1) says so to the runner (SPEC §5, §6).

The pipeline's reports already say "no verdict" when it got that far; this is for what it
leaves behind: invalid options (exit 2) and errors before the wait write no report, and a
report that could not be written (exit 3) came after the outputs. So `result=no-verdict` is
set unless it already is, and a job summary naming each problem is written unless the run
wrote one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from gate.core.errors import EXIT_FAILED, EXIT_INVALID, EXIT_PASSED
from gate.reports.md_filters import md_text
from gate.reports.report import NO_VERDICT
from gate.runner.workflow import Runner

_JOB_SUMMARY_OFF = ("INPUT_JOB-SUMMARY", "INPUT_JOB_SUMMARY")


def leave_no_verdict(
    runner: Runner,
    environ: Mapping[str, str],
    code: int,
    problems: Sequence[str],
    args: Sequence[str] = (),
) -> None:
    """After exit `code` (not 0 or 1): `result=no-verdict` and, when nothing was written to the
    step summary, a summary naming each problem. A file that cannot be written is left be:
    the exit's `::error::` already says why."""
    if code in (EXIT_PASSED, EXIT_FAILED):
        return
    if runner.result != NO_VERDICT:
        with contextlib.suppress(OSError):
            runner.set_outputs({"result": NO_VERDICT})
    path = environ.get("GITHUB_STEP_SUMMARY")
    if not path or _summary_off(args, environ) or runner.summary_written or not runner.github:
        return
    with contextlib.suppress(OSError):
        runner.write_summary_to(summary(code, problems, runner))(Path(path))


def _summary_off(args: Sequence[str], environ: Mapping[str, str]) -> bool:
    """`job-summary: false` as given, read without the options (which may be what failed):
    the flag wins over the environment, as in the options."""
    value = next((environ[name] for name in _JOB_SUMMARY_OFF if environ.get(name)), "")
    for index, arg in enumerate(args):
        if arg.startswith("--job-summary="):
            value = arg.split("=", 1)[1]
        elif arg == "--job-summary" and index + 1 < len(args):
            value = args[index + 1]
    return value.strip().lower() == "false"


def summary(code: int, problems: Sequence[str], runner: Runner) -> str:
    """The job summary of a run that stopped before its reports: each problem a bullet."""
    head = "invalid options" if code == EXIT_INVALID else "the gate stopped"
    lines = [
        f"## ⛔ No verdict: {head} (exit {code})",
        "",
        "**The gate did not judge any check run, so it fails.**",
        "",
    ]
    for problem in problems or ("see the step's log",):
        lines.append(f"- {md_text(runner.scrub_everywhere(problem))}")
    return "\n".join(lines) + "\n"
