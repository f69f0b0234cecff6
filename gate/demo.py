"""`checkly-gate demo`: the real gate (threads, HTTP, templates) against the embedded simulator."""

from __future__ import annotations

import argparse
import dataclasses
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from gate.core.errors import EXIT_FAILED, EXIT_PASSED, GateError
from gate.core.model import SessionKind
from gate.options.config import load_config
from gate.reports.report import Report
from gate.reports.templating import load_templates, render_comment
from gate.run.pipeline import run
from gate.runner.comment_history import marker_for
from gate.runner.workflow import Runner
from gate.simulator import Simulator, demo_sessions
from gate.simulator.catalogue import demo_catalogue
from gate.simulator.scenarios import demo_base_session, stable_uuid

# The trigger the demo adds to the sample sessions: a test session of the deployed checks
# tagged `preview`, pointed at a preview deployment (SPEC §7, §8). It names its checks too, so
# the deactivated one shows as `missing` (SPEC §11).
_PREVIEW = {c.name: c.id for c in demo_catalogue()}
DEMO_TRIGGER = (
    "--tags", "preview",
    "--env", "ENVIRONMENT_URL=https://pr-42.shop.acme.example",
    "--check-ids", ",".join(
        _PREVIEW[n] for n in ("Preview homepage", "Preview login", "Preview checkout")
    ),
)  # fmt: skip
# The policy the demo adds (SPEC §11): the refund assistant is quarantined, and the run is a
# pull request onto `main`, so a failure that also fails on main says so.
DEMO_POLICY = ("--non-blocking-check-ids", stable_uuid("check", "Refund assistant"))
DEMO_PR = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main"}
# "Re-run failed jobs" (SPEC §11): attempt 1 of a job runs the checks tagged `production`, one
# fails; once it is fixed, attempt 2 runs only that check and carries the passes over.
RERUN_TRIGGER = ("--tags", "production", "--pr-comment", "never")
RERUN_JOB = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_REPOSITORY": "acme/shop",
    "GITHUB_WORKFLOW": "checkly",
    "GITHUB_JOB": "gate",
    "GITHUB_RUN_NUMBER": "17",
}


def run_demo(args: Sequence[str], out: TextIO) -> int:
    """Serve sample sessions on 127.0.0.1, run the gate on them, say where the reports went.

    Exits 0 when the gate ran as it should (whatever its verdict), else the gate's exit code.
    """
    parser = argparse.ArgumentParser(prog="checkly-gate demo", description=run_demo.__doc__)
    parser.add_argument("--output-dir", default="demo-output", type=Path)
    parser.add_argument("--timeout", default="2m")
    options = parser.parse_args(list(args))
    folder: Path = options.output_dir
    folder.mkdir(parents=True, exist_ok=True)
    sessions = demo_sessions()
    with Simulator([*sessions, demo_base_session()], catalogue=demo_catalogue()) as sim:
        ids = {
            kind: ",".join(s.id for s in sessions if s.kind == kind.value) for kind in SessionKind
        }
        argv = [
            "--api-key", sim.api_key,
            "--account-id", sim.account_id,
            "--api-url", sim.url,
            "--test-session-ids", ids[SessionKind.TEST],
            "--check-session-ids", ids[SessionKind.CHECK],
            "--timeout", options.timeout,
            "--summary-file", str(folder / "summary.md"),
            "--junit-file", str(folder / "junit.xml"),
            "--json-file", str(folder / "report.json"),
            "--pr-comment", "never",
            "--assets-dir", str(folder / "checkly-evidence"),
            "--root-cause", "request",
            *DEMO_TRIGGER,
            *DEMO_POLICY,
        ]  # fmt: skip
        environ: dict[str, str] = {}
        runner = Runner(environ, out)
        runner.say(
            f"checkly-gate demo: a Checkly API simulator is serving {len(sessions)} "
            f"sample sessions at {sim.url}"
        )
        runner.say(
            "It also triggers a test session of the checks tagged `preview`, as you would "
            "(with CHECKLY_API_KEY and CHECKLY_ACCOUNT_ID set):"
        )
        runner.say(f"  $ checkly-gate {' '.join(DEMO_TRIGGER)}")
        runner.say(
            "It runs as a pull request onto main (GITHUB_BASE_REF=main) with the refund "
            f"assistant quarantined: {' '.join(DEMO_POLICY)}"
        )
        try:
            config = load_config(argv, environ)
            runner.mask(config.secrets())
            templates = load_templates(None, None)

            def preview(report: Report) -> None:
                body = render_comment(report, templates, marker=marker_for("demo"))
                (folder / "comment.md").write_text(body, encoding="utf-8")

            code = run(config, templates, runner, DEMO_PR, progress_interval=2.0, on_report=preview)
        except GateError as exc:
            runner.error(exc.diagnostics())
            return exc.exit_code
    runner.say("")
    if code not in (EXIT_PASSED, EXIT_FAILED):
        runner.say(f"The gate could not decide (exit {code}): that is a bug in the demo.")
        return code
    runner.say(
        f"The gate's verdict: exit {code} ({'passed' if code == EXIT_PASSED else 'failed'}). "
        "The sample holds failing sessions, so a real pipeline would stop here; the demo "
        "itself exits 0."
    )
    runner.say("Reports written:")
    for name in ("summary.md", "comment.md", "junit.xml", "report.json"):
        runner.say(f"  {folder / name}")
    runner.say(
        f"Evidence of the failing runs (traces, videos, screenshots): {folder / 'checkly-evidence'}"
    )
    return _rerun(runner, folder, options.timeout)


def _rerun(runner: Runner, folder: Path, timeout: str) -> int:
    """Attempt 1 and attempt 2 of a job, the second running only what failed in the first."""
    runner.say("")
    runner.say(
        "Re-run failed jobs: attempt 1 of a job runs the checks tagged `production`; one "
        "fails. Once it is fixed, GitHub's re-run (attempt 2) runs only that check:"
    )
    with Simulator(catalogue=demo_catalogue()) as sim:
        base = ["--api-key", sim.api_key, "--account-id", sim.account_id, "--api-url", sim.url]
        base += ["--timeout", timeout, *RERUN_TRIGGER]
        templates = load_templates(None, None)
        for attempt in (1, 2):
            environ = {**RERUN_JOB, "GITHUB_RUN_ATTEMPT": str(attempt)}
            argv = [*base, "--json-file", str(folder / f"rerun-attempt-{attempt}.json")]
            shown = Runner({}, io.StringIO() if attempt == 1 else runner.out)
            try:
                config = load_config(argv, environ)
                shown.mask(config.secrets())
                code = run(config, templates, shown, environ, progress_interval=2.0)
            except GateError as exc:
                runner.error(exc.diagnostics())
                return exc.exit_code
            after = "; the fix is deployed, and attempt 2 says:" if attempt == 1 else ""
            runner.say(f"  attempt {attempt}: exit {code}{after}")
            sim.triggers.checks = [
                dataclasses.replace(c, status="passed") for c in sim.triggers.checks
            ]
    runner.say(f"  {folder / 'rerun-attempt-2.json'}: the re-run's report")
    return EXIT_PASSED
