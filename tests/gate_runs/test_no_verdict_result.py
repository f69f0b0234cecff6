"""No verdict is never "passed" (SPEC §5, §6): every exit but 0 and 1 writes `result=no-verdict`.

The whole gate, as the runner starts it, for each way it can end without judging the check
runs: interrupted while triggering (143), Checkly unreachable when nothing counts as failing
(3), invalid options (2), an internal error (3). Each reads what a later step reads: the
`result` output, the JSON report, the job summary and the PR comment.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.run import pipeline
from gate.simulator import Fault, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub
from tests.support.gate_process import Gate, start_gate, wait_until
from tests.support.gate_run import GateRun, run_gate
from tests.support.json_schema import VALIDATOR
from tests.support.runner_rules import runner_outputs
from tests.support.trigger_driver import CATALOGUE

__all__ = ["start_gate"]  # the fixture, imported for pytest

KEY = "cu_0123456789abcdef0123"
ACCOUNT = "1f2e3d4c-0000-4000-8000-000000000000"


def assert_no_verdict(report: dict[str, object], outputs: dict[str, str], *texts: str) -> None:
    """`result=no-verdict` in the outputs and the JSON report, which validates; no text says
    the gate passed."""
    assert outputs["result"] == "no-verdict"
    VALIDATOR.validate(report)
    verdict = report["verdict"]
    assert isinstance(verdict, dict)
    assert (verdict["result"], verdict["passed"], verdict["judged"]) == ("no-verdict", False, False)
    assert verdict["summary"].startswith("No verdict: ")
    for text in texts:
        assert "Gate passed" not in text and "gate passed" not in text
        assert "✅ Checkly gate" not in text


def test_interrupted_while_triggering_is_no_verdict(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate]
) -> None:
    sim = simulator(catalogue=CATALOGUE)
    sim.triggers.fail("test-trigger", Fault.hang(20))
    gate = start_gate(sim, [], tags="webapp", **{"pr-comment": "never"})
    hung = sim.triggers._before["test-trigger"]  # emptied when the trigger's POST arrives
    wait_until(lambda: not hung, "the trigger's POST")
    time.sleep(0.2)
    gate.proc.send_signal(signal.SIGTERM)
    assert gate.finish(timeout=10) == 143, gate.stdout + gate.stderr
    report = json.loads((gate.workspace / "report.json").read_text("utf-8"))
    outputs = runner_outputs((gate.workspace / "github_output").read_text("utf-8"))
    step_summary = (gate.workspace / "step_summary.md").read_text("utf-8")
    assert_no_verdict(report, outputs, step_summary, gate.stdout)
    assert step_summary.startswith("## ⛔ No verdict: interrupted by SIGTERM")
    assert report["verdict"]["noVerdictReason"] == "interrupted by SIGTERM"
    assert "No verdict: interrupted by SIGTERM. The gate fails." in gate.stdout


def test_an_unreachable_checkly_with_nothing_failing_is_no_verdict_in_every_report(
    tmp_path: Path, closed_port: int, github: FakeGitHub
) -> None:
    run = run_gate(
        tmp_path / "out",
        api_url=f"http://127.0.0.1:{closed_port}",
        api_key=KEY,
        account_id=ACCOUNT,
        test_ids=[ScriptedSession("test", "PASSED", "Smoke").id],
        args=["--timeout", "1s", "--fail-on", "failed"],  # incomplete does not count
        github=github,
    )
    assert run.code == 3, run.stdout
    assert run.comment is not None
    assert_no_verdict(run.report, run.outputs, run.summary, run.step_summary, run.comment)
    assert "### ⛔ No verdict: Checkly could not be reached" in run.comment
    assert run.step_summary.startswith("## ⛔ No verdict: Checkly could not be reached")


def invalid_run(tmp_path: Path, *args: str) -> GateRun:
    return run_gate(
        tmp_path / "out",
        api_url="http://127.0.0.1:9",
        api_key=KEY,
        account_id=ACCOUNT,
        test_ids=["nope"],
        args=args,
    )


def test_invalid_options_under_github_write_no_verdict_and_a_summary_naming_each_problem(
    tmp_path: Path,
) -> None:
    run = invalid_run(tmp_path, "--timeout", "soon", "--max-failures", "-1")
    assert run.code == 2, run.stdout
    assert run.outputs == {"result": "no-verdict"}
    summary = run.step_summary
    assert summary.startswith("## ⛔ No verdict: invalid options (exit 2)\n")
    bullets = [line for line in summary.splitlines() if line.startswith("- ")]
    assert len(bullets) == 3, summary  # each problem, as the `::error::` lists them
    for option in ("timeout", "max-failures", "test-session-ids"):
        assert any(option in line for line in bullets), (option, summary)
    assert "soon" in summary
    assert not (run.out_dir / "report.json").exists()  # no report claims anything


def test_invalid_options_keep_the_summary_off_when_job_summary_is_false(tmp_path: Path) -> None:
    run = invalid_run(tmp_path, "--timeout", "soon", "--job-summary", "false")
    assert run.code == 2
    assert run.outputs == {"result": "no-verdict"}
    assert run.step_summary == ""


def test_an_internal_error_is_no_verdict(
    simulator: SimulatorFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = ScriptedSession("test", "PASSED", "Smoke")
    sim = simulator([session])

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("the verdict broke")

    monkeypatch.setattr(pipeline, "decide", broken)
    run = run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[session.id],
    )
    assert run.code == 3, run.stdout
    assert run.outputs["result"] == "no-verdict"
    assert run.step_summary.startswith("## ⛔ No verdict: the gate stopped (exit 3)\n")
    assert "internal error: RuntimeError: the verdict broke" in run.step_summary
