"""End to end: `entrypoint.py` started as the GitHub runner starts the container, against the
simulator on 127.0.0.1 — INPUT_* names with hyphens, GITHUB_OUTPUT read by the runner's rules,
GITHUB_STEP_SUMMARY, relative report paths in the workspace, no TTY.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from gate.simulator import ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.support.entrypoint import run_entrypoint


def sim_inputs(sim: object, **inputs: str) -> dict[str, str]:
    return {
        "INPUT_API-KEY": sim.api_key,  # type: ignore[attr-defined]
        "INPUT_ACCOUNT-ID": sim.account_id,  # type: ignore[attr-defined]
        "INPUT_API-URL": sim.url,  # type: ignore[attr-defined]
        "INPUT_PR-COMMENT": "never",
        **{f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()},
    }


def test_passing_sessions_pass_with_outputs_and_summary(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    ok_test = ScriptedSession(
        "test", "PASSED", "Prod smoke", duration_s=0.5, results=[ScriptedResult("Home")]
    )
    ok_check = ScriptedSession("check", "PASSED", "Status API", results=[ScriptedResult("Status")])
    sim = simulator([ok_test, ok_check])
    run = run_entrypoint(
        tmp_path,
        sim_inputs(
            sim,
            test_session_ids=ok_test.id.upper(),
            check_session_ids=f"https://app.checklyhq.com/accounts/a/checks/b/check-sessions/{ok_check.id}",
            json_file="reports/checkly.json",
            junit_file="reports/junit.xml",
        ),
    )
    assert run.code == 0, run.stdout + run.stderr
    assert run.outputs["result"] == "passed"
    assert run.outputs["total-count"] == "2"
    assert run.outputs["passed-count"] == "2"
    assert run.outputs["failed-count"] == "0"
    assert run.outputs["json-file"] == "reports/checkly.json"
    sessions = json.loads(run.outputs["sessions"])
    assert [(s["id"], s["kind"], s["outcome"]) for s in sessions] == [
        (ok_test.id, "test", "passed"),
        (ok_check.id, "check", "passed"),
    ]
    # relative paths land in the workspace, where later steps find them
    report = json.loads((tmp_path / "workspace/reports/checkly.json").read_text())
    assert report["schemaVersion"] == 1
    ET.parse(tmp_path / "workspace/reports/junit.xml")
    assert "Prod smoke" in run.summary and "Status API" in run.summary
    assert run.summary.lstrip().startswith("#")  # verdict first
    assert not run.errors()


def test_failing_session_fails_with_annotations_and_one_error_line(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    bad = ScriptedSession(
        "test",
        "FAILED",
        "PR checks",
        results=[ScriptedResult("Orders API", "failed"), ScriptedResult("Home", "passed")],
    )
    sim = simulator([bad])
    run = run_entrypoint(tmp_path, sim_inputs(sim, test_session_ids=bad.id))
    assert run.code == 1
    assert run.outputs["result"] == "failed"
    assert run.outputs["failed-count"] == "1"
    annotations = [c for c in run.commands if c.startswith("::error title=")]
    assert any("Orders API" in a for a in annotations), run.commands
    gate_errors = [c for c in run.errors() if c.startswith("::error title=checkly-gate::")]
    assert len(gate_errors) == 1
    assert "Gate failed: 1 failing check run" in gate_errors[0]


def test_max_failures_and_fail_on_none_from_inputs(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    bad = ScriptedSession("check", "FAILED", "Checkout", results=[ScriptedResult("x", "failed")])
    sim = simulator([bad])
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    tolerant = run_entrypoint(
        tmp_path / "a", sim_inputs(sim, check_session_ids=bad.id, max_failures="1")
    )
    assert tolerant.code == 0, tolerant.stdout
    report_only = run_entrypoint(
        tmp_path / "b", sim_inputs(sim, check_session_ids=bad.id, fail_on="none")
    )
    assert report_only.code == 0
    assert report_only.outputs["result"] == "passed"


def test_credentials_refused_exit_3_with_hint(simulator: SimulatorFactory, tmp_path: Path) -> None:
    session = ScriptedSession("test", "PASSED", never_finishes=True)
    sim = simulator([session])
    inputs = sim_inputs(sim, test_session_ids=session.id)
    inputs["INPUT_API-KEY"] = "cu_wrong_key_123456"
    run = run_entrypoint(tmp_path, inputs)
    assert run.code == 3
    errors = run.errors()
    assert len(errors) == 1
    assert "401" in errors[0] and "api-key" in errors[0]
    assert run.outputs["result"] == "no-verdict"
    assert "cu_wrong_key_123456" not in run.summary
    for line in run.stdout.splitlines():
        assert "cu_wrong_key_123456" not in line or line == "::add-mask::cu_wrong_key_123456"


def test_timeout_marks_running_sessions_incomplete(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    slow = ScriptedSession("test", "PASSED", "Slow", never_finishes=True)
    done = ScriptedSession("test", "PASSED", "Done", results=[ScriptedResult("a")])
    sim = simulator([slow, done], max_wait_cap=0.5)
    run = run_entrypoint(
        tmp_path, sim_inputs(sim, test_session_ids=f"{slow.id}\n{done.id}", timeout="2s")
    )
    assert run.code == 1
    sessions = json.loads(run.outputs["sessions"])
    assert [s["outcome"] for s in sessions] == ["incomplete", "passed"]
    assert re.search(r"INCOMPLETE\s+test session \"Slow\"", run.stdout)
