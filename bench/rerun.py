"""The re-run measurement (SPEC §11): what "Re-run failed jobs" saves with `rerun: failed`.

One job triggers a test session of 50 deployed checks tagged `bench` (attempt 1): 49 pass, one
fails, and the suite lasts T. Then the failing check is fixed and the job is re-run
(`GITHUB_RUN_ATTEMPT=2`): the gate finds attempt 1's session by its name and triggers only the
failed check, which lasts `check_s`. The verdict of attempt 2 should arrive in that check's time,
not the suite's; the 49 passes are carried over and counted.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

from bench.measure import BenchError, child_env, gate_argv, launch
from gate.simulator import Simulator
from gate.simulator.catalogue import DeployedCheck

GITHUB = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_REPOSITORY": "acme/shop",
    "GITHUB_WORKFLOW": "checkly",
    "GITHUB_JOB": "gate",
    "GITHUB_RUN_NUMBER": "7",
    "GITHUB_EVENT_NAME": "push",
}


@dataclasses.dataclass(frozen=True)
class RerunRow:
    attempt: int
    checks_run: int  # checks the attempt's trigger ran
    carried: int  # runs carried over from earlier attempts
    total: int  # check runs in the verdict
    wall: float  # from the gate's launch to its exit
    result: str


@dataclasses.dataclass(frozen=True)
class RerunResult:
    checks: int
    suite_s: float  # T: the longest check of the suite
    check_s: float  # the failing check's own time
    rows: tuple[RerunRow, ...]

    @property
    def saving(self) -> float:
        """How much sooner attempt 2's verdict comes than attempt 1's, as a share."""
        first, second = self.rows
        return 1 - second.wall / first.wall


def rerun(checks: int = 50, suite_s: float = 30.0, check_s: float = 3.0) -> RerunResult:
    """Attempt 1 (everything; one check fails) and attempt 2 (only the failed one)."""
    failing = checks // 3
    catalogue = [
        DeployedCheck(
            f"Bench check {i:03d}",
            tags=("bench",),
            status="failed" if i == failing else "passed",
            duration_s=check_s if i == failing else suite_s - (suite_s / 2) * i / checks,
        )
        for i in range(checks)
    ]
    rows = []
    with Simulator(catalogue=catalogue) as sim, tempfile.TemporaryDirectory() as out:
        for attempt in (1, 2):
            argv = gate_argv(sim, [], Path(out))
            argv[argv.index("--test-session-ids") : argv.index("--test-session-ids") + 2] = []
            env = {**child_env(), **GITHUB, "GITHUB_RUN_ATTEMPT": str(attempt)}
            run = launch([*argv, "--tags", "bench"], env=env)
            report = json.loads((Path(out) / "report.json").read_text(encoding="utf-8"))
            sessions = report["sessions"]
            triggered = set(report["trigger"]["sessionIds"])
            ran = sum(len(s["runs"]) for s in sessions if s["id"] in triggered)
            rows.append(
                RerunRow(
                    attempt=attempt,
                    checks_run=ran,
                    carried=report["verdict"]["total"] - ran,
                    total=report["verdict"]["total"],
                    wall=run.exited - run.launched,
                    result=report["verdict"]["result"],
                )
            )
            sim.triggers.checks = [
                dataclasses.replace(c, status="passed") for c in sim.triggers.checks
            ]
    if rows[0].result != "failed" or rows[1].result != "passed":
        raise BenchError(f"the re-run did not go as scripted: {rows}")
    return RerunResult(checks, suite_s, check_s, tuple(rows))
