"""Running the whole gate in-process and reading back everything it produced.

Shared by the fault, hostile-text and secrets tests: `run_gate` calls `gate.cli.main` the way
the container runs it (GitHub env, every report written into one folder), `GateRun` reads the
reports back, and `assert_nothing_lost` checks that every session given is in every report
(the log and `GITHUB_OUTPUT` read by the runner's rules, tests/support/runner_rules.py).
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Collection, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from gate.checkly.transport import DEFAULT_TIMING, Timing
from gate.cli import main
from gate.reports.md_filters import md_text
from tests.support.fake_github import FakeGitHub
from tests.support.paths import FIXTURES
from tests.support.runner_rules import Command, runner_commands, runner_outputs

# Report files inside a run's folder.
JSON_FILE = "report.json"
JUNIT_FILE = "junit.xml"
SUMMARY_FILE = "summary.md"
GITHUB_OUTPUT = "github_output"
STEP_SUMMARY = "step_summary.md"
# The pull request `run_gate(..., github=...)` comments on (fixtures/events/pull_request.json).
PR_REPO = "octo-org/shop"
PR_NUMBER = 42
PR_EVENT = FIXTURES / "events" / "pull_request.json"
PR_TOKEN = "ghp_helpers_reports_token_0123456789"

LABELS = ("PASSED", "DEGRADED", "FAILED", "TIMED OUT", "CANCELLED", "INCOMPLETE", "ERROR")


# -- running the gate ---------------------------------------------------------------------------
@dataclasses.dataclass
class GateRun:
    """One run of the whole gate: exit code, log, wall time and the folder of its reports."""

    code: int
    stdout: str
    elapsed: float
    out_dir: Path
    comment: str | None = None  # the PR comment posted, when run with a fake GitHub

    @cached_property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.out_dir / JSON_FILE).read_text("utf-8"))
        return data

    @property
    def sessions(self) -> list[dict[str, Any]]:
        return list(self.report["sessions"])

    def session(self, session_id: str) -> dict[str, Any]:
        return next(s for s in self.sessions if s["id"] == session_id)

    def outcomes(self) -> dict[str, str]:
        return {s["id"]: s["outcome"] for s in self.sessions}

    @property
    def summary(self) -> str:
        return (self.out_dir / SUMMARY_FILE).read_text("utf-8")

    @property
    def step_summary(self) -> str:
        return (self.out_dir / STEP_SUMMARY).read_text("utf-8")

    @property
    def junit(self) -> ET.Element:
        return ET.parse(self.out_dir / JUNIT_FILE).getroot()

    @property
    def outputs(self) -> dict[str, str]:
        return runner_outputs((self.out_dir / GITHUB_OUTPUT).read_text("utf-8"))

    @property
    def commands(self) -> list[Command]:
        return runner_commands(self.stdout)

    def gate_errors(self) -> list[Command]:
        """The gate's own `::error` lines saying why it exited (not the annotations)."""
        return [c for c in self.commands if c.name == "error" and _is_gate_title(c)]

    def files(self) -> dict[str, bytes]:
        """Every file the run wrote, by name."""
        return {p.name: p.read_bytes() for p in sorted(self.out_dir.iterdir()) if p.is_file()}


def _is_gate_title(command: Command) -> bool:
    return command.properties.get("title", "").startswith("checkly-gate")


def gate_environ(out_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a run under GitHub Actions, its runner files inside `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in (GITHUB_OUTPUT, STEP_SUMMARY):
        (out_dir / name).touch()
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(out_dir / GITHUB_OUTPUT),
        "GITHUB_STEP_SUMMARY": str(out_dir / STEP_SUMMARY),
        "GITHUB_REPOSITORY": "octo-org/shop",
        "GITHUB_WORKFLOW": "checks",
        "GITHUB_JOB": "gate",
        "GITHUB_EVENT_NAME": "push",
        "NO_PROXY": "127.0.0.1",
        **extra,
    }


def report_args(out_dir: Path) -> list[str]:
    return [
        "--json-file",
        str(out_dir / JSON_FILE),
        "--junit-file",
        str(out_dir / JUNIT_FILE),
        "--summary-file",
        str(out_dir / SUMMARY_FILE),
    ]


def run_gate(
    out_dir: Path,
    *,
    api_url: str,
    api_key: str,
    account_id: str,
    test_ids: Sequence[str] = (),
    check_ids: Sequence[str] = (),
    args: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    timing: Timing = DEFAULT_TIMING,
    github: FakeGitHub | None = None,
) -> GateRun:
    """Run `gate.cli.main` in-process with every report into `out_dir`; time it.

    No PR comment, unless `github` is given: then the run is a `pull_request` event for PR
    `PR_NUMBER` of `PR_REPO` (added to the fake if it is not there) with `--pr-comment always`,
    and `GateRun.comment` is the one comment the fake holds afterwards (None: none).
    """
    argv = ["--api-url", api_url, "--account-id", account_id, *report_args(out_dir)]
    if test_ids:
        argv += ["--test-session-ids", ",".join(test_ids)]
    if check_ids:
        argv += ["--check-session-ids", ",".join(check_ids)]
    argv += ["--pr-comment", "never" if github is None else "always", *args]
    pr_env = {} if github is None else pull_request_environ(github)
    env = gate_environ(out_dir, **{"INPUT_API-KEY": api_key, **pr_env, **(environ or {})})
    out = io.StringIO()
    start = time.monotonic()
    code = main(argv, env, out=out, timing=timing)
    elapsed = time.monotonic() - start
    comment = None
    if github is not None:
        bodies = github.bodies(PR_REPO, PR_NUMBER)
        assert len(bodies) <= 1, f"{len(bodies)} PR comments"
        comment = bodies[0] if bodies else None
    return GateRun(code, out.getvalue(), elapsed, out_dir, comment)


def pull_request_environ(github: FakeGitHub) -> dict[str, str]:
    """A `pull_request` run commenting through `github` (its PR added if missing)."""
    if (PR_REPO, PR_NUMBER) not in github.pulls:
        github.add_pull(PR_REPO, PR_NUMBER, head="octo-org:feature", sha="4f1c2d3e" + "0" * 32)
    return {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(PR_EVENT),
        "GITHUB_REPOSITORY": PR_REPO,
        "GITHUB_API_URL": github.url,
        "INPUT_GITHUB-TOKEN": github.token or PR_TOKEN,
    }


# -- nothing lost -------------------------------------------------------------------------------
def assert_nothing_lost(
    ids: Sequence[str],
    out_dir: Path,
    stdout: str,
    *,
    comment: str | None = None,
    unwritten: Collection[str] = (),
) -> None:
    """Every session given is in every report and in the counts, whatever happened to it.

    Console (a session line each), the JSON report (each once, in the order given), JUnit (a
    testsuite each), the summary file and the job summary (each session by its ID, link or
    name), the `sessions` output; `total-count` and the JSON total count at least one check run
    per session, and the counts add up. `comment`: the PR comment posted, which must name every
    session (by its ID or name) and the total. `unwritten`: report files (`JUNIT_FILE`,
    `SUMMARY_FILE`) the run was not asked to write into `out_dir`, so not read.
    """
    ids = [i.lower() for i in ids]
    report = json.loads((out_dir / JSON_FILE).read_text("utf-8"))
    assert [s["id"] for s in report["sessions"]] == ids, "JSON report sessions"
    verdict = report["verdict"]
    assert verdict["total"] >= len(ids)
    assert sum(verdict["counts"].values()) == verdict["total"]
    assert verdict["total"] == sum(len(s["runs"]) for s in report["sessions"])
    for session in report["sessions"]:
        assert session["runs"], f"session {session['id']} has no check run"

    lines = stdout.splitlines()
    label = "|".join(re.escape(x) for x in LABELS)
    for session_id in ids:
        pattern = re.compile(rf"^({label})\s+(test|check) session (.* )?{re.escape(session_id)}:")
        assert any(pattern.match(line) for line in lines), f"no console line for {session_id}"

    if JUNIT_FILE not in unwritten:
        suites = ET.parse(out_dir / JUNIT_FILE).getroot().findall("testsuite")
        assert [s.get("id") for s in suites] == ids, "JUnit testsuites"
        assert sum(len(s.findall("testcase")) for s in suites) >= len(ids)

    step_summary = (out_dir / STEP_SUMMARY).read_text("utf-8")
    if SUMMARY_FILE not in unwritten:
        summary = (out_dir / SUMMARY_FILE).read_text("utf-8")
        assert summary.strip() and summary.strip() in step_summary, "job summary"
    for where, text in (("job summary", step_summary), ("PR comment", comment)):
        if text is None:
            continue
        for session in report["sessions"]:
            shown = session["id"] in text or md_text(session["title"]) in text
            assert shown, f"session {session['id']} not in the {where}"
    if comment is not None:
        total = verdict["total"]
        assert f"{total} check run{'s' if total != 1 else ''}" in comment, "PR comment total"

    outputs = runner_outputs((out_dir / GITHUB_OUTPUT).read_text("utf-8"))
    listed = json.loads(outputs["sessions"])
    assert [s["id"] for s in listed] == ids, "sessions output"
    assert int(outputs["total-count"]) >= len(ids)
    assert int(outputs["total-count"]) == verdict["total"]
    assert outputs["result"] in ("passed", "failed", "no-verdict")
