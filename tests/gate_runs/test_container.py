"""The container action as the GitHub runner starts it (tests/support/entrypoint.py):
`python entrypoint.py` in a scratch workspace with the environment the runner gives a container
action: every action.yml input as `INPUT_<NAME>` with the hyphens kept (defaults filled in, the
rest empty), `GITHUB_ACTIONS=true`, `GITHUB_OUTPUT` / `GITHUB_STEP_SUMMARY` files under a
`file_commands` directory, `GITHUB_WORKSPACE` as the working directory, no TTY, and nothing else
from this machine's environment.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from gate import __version__
from gate.simulator import ScriptedSession
from gate.simulator.standalone import SCENARIOS
from tests.support.entrypoint import FAKE_TOKEN, assert_secret_only_masked, run_entrypoint
from tests.support.runner_rules import runner_outputs

FAKE_KEY = "cu_fake_key_0123456789abcdef"  # not a real key: the API is never reached here
FAKE_ACCOUNT = "5f1c7a52-9a0e-4c8b-8d3e-2b7f6c1e9a40"
SESSION_ID = "0b8f3c52-7d1e-4c4a-9f55-3e2a1d6c8b90"


def test_runner_outputs_parser() -> None:
    text = "result=passed\nsessions<<ghadelimiter_1\n[\n  1\n]\nghadelimiter_1\nempty=\n"
    assert runner_outputs(text) == {"result": "passed", "sessions": "[\n  1\n]", "empty": ""}
    with pytest.raises(ValueError):
        runner_outputs("x<<EOF\nno end\n")
    # What the runner refuses: a line that is neither `name=value` nor `name<<DELIMITER`, and an
    # empty delimiter (these were assertions of this file's own parser, now the shared one's).
    with pytest.raises(ValueError) as neither:
        runner_outputs("just text\n")
    assert "invalid format" in str(neither.value)
    with pytest.raises(ValueError) as empty:
        runner_outputs("x<<\nvalue\n")
    assert "empty name or delimiter" in str(empty.value)


# --- end to end --------------------------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    run = run_entrypoint(tmp_path, args=("--version",))
    assert run.code == 0, run.stderr
    assert f"checkly-gate {__version__}" in run.stdout + run.stderr


def test_no_session_ids_is_an_invalid_option(tmp_path: Path) -> None:
    run = run_entrypoint(tmp_path, {"INPUT_API-KEY": FAKE_KEY, "INPUT_ACCOUNT-ID": FAKE_ACCOUNT})
    assert run.code == 2, run.stdout + run.stderr
    errors = run.errors()
    assert len(errors) == 1, run.stdout
    assert "session" in errors[0].lower()
    assert "Traceback" not in run.stderr
    assert_secret_only_masked(run, FAKE_KEY)
    assert_secret_only_masked(run, FAKE_TOKEN)
    assert run.outputs == {"result": "no-verdict"}  # never read as a pass (SPEC §5)


def test_every_bad_option_is_reported_at_once(tmp_path: Path) -> None:
    bad = {
        "INPUT_TIMEOUT": "soon",
        "INPUT_MAX-WAIT-SECONDS": "99",
        "INPUT_PR-COMMENT": "sometimes",
        "INPUT_MIN-PASS-RATE": "150",
    }
    run = run_entrypoint(
        tmp_path,
        {
            "INPUT_API-KEY": FAKE_KEY,
            "INPUT_ACCOUNT-ID": FAKE_ACCOUNT,
            "INPUT_TEST-SESSION-IDS": SESSION_ID,
            # Unreachable on purpose: invalid options must stop the run before any request.
            "INPUT_API-URL": "http://127.0.0.1:9",
            **bad,
        },
    )
    assert run.code == 2, run.stdout + run.stderr
    (error,) = run.errors()
    for name, value in bad.items():
        option = name.removeprefix("INPUT_").lower()
        assert option in error, f"{option} not named in {error}"
        assert value in error, f"{value!r} not shown in {error}"


def session_inputs(sim: Any, sessions: list[ScriptedSession]) -> dict[str, str]:
    """The inputs a workflow passes to use the simulator's sessions."""
    return {
        "INPUT_API-URL": sim.url,
        "INPUT_API-KEY": sim.api_key,
        "INPUT_ACCOUNT-ID": sim.account_id,
        "INPUT_TEST-SESSION-IDS": "\n".join(s.id for s in sessions if s.kind == "test"),
        "INPUT_CHECK-SESSION-IDS": ", ".join(s.id for s in sessions if s.kind == "check"),
        "INPUT_PR-COMMENT": "never",
    }


def test_passing_sessions(tmp_path: Path, simulator: Any) -> None:
    sessions = SCENARIOS["passing"]()
    sim = simulator(sessions)
    reports = {
        "INPUT_JSON-FILE": "reports/checkly.json",
        "INPUT_JUNIT-FILE": "reports/checkly.xml",
        "INPUT_SUMMARY-FILE": "reports/checkly.md",
    }
    run = run_entrypoint(tmp_path, {**session_inputs(sim, sessions), **reports})
    assert run.code == 0, run.stdout + run.stderr
    assert run.errors() == []
    assert run.outputs["result"] == "passed"
    assert run.outputs["failed-count"] == "0"
    assert run.outputs["passed-count"] == run.outputs["total-count"] != "0"
    listed = json.loads(run.outputs["sessions"])
    assert [s["id"] for s in listed] == [s.id for s in sessions]
    assert {s["outcome"] for s in listed} == {"passed"}
    # Relative paths are relative to the workspace, and the output names the file as given.
    assert run.outputs["json-file"] == "reports/checkly.json"
    for path in reports.values():
        assert (tmp_path / "workspace" / path).stat().st_size > 0, path
    assert json.loads((tmp_path / "workspace" / "reports/checkly.json").read_text())
    assert run.summary.strip(), "no job summary written"
    assert_secret_only_masked(run, sim.api_key)


def test_failing_sessions(tmp_path: Path, simulator: Any) -> None:
    sessions = SCENARIOS["failing"]()
    sim = simulator(sessions)
    run = run_entrypoint(tmp_path, session_inputs(sim, sessions))
    assert run.code == 1, run.stdout + run.stderr
    assert run.outputs["result"] == "failed"
    assert int(run.outputs["failed-count"]) > 0
    errors = run.errors()
    # One annotation per failing check run (at most 10, then one counting the rest), and the
    # last `::error::` says why the step fails.
    assert 2 <= len(errors) <= 12
    assert "fail" in errors[-1].lower()
    assert run.summary.strip()
    assert_secret_only_masked(run, sim.api_key)


@pytest.mark.skipif(
    os.geteuid() != 0, reason="the container runs as root; a file's owner changes only as root"
)
def test_reports_belong_to_the_workspace_owner(tmp_path: Path, simulator: Any) -> None:
    """As root in a workspace the runner's user owns (uid 1001), every report file and folder
    the gate creates is that user's, so a later step can change or delete it."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    os.chown(workspace, 1001, 1001)
    sessions = SCENARIOS["passing"]()
    sim = simulator(sessions)
    reports = {
        "INPUT_JSON-FILE": "reports/json/checkly.json",
        "INPUT_JUNIT-FILE": "reports/checkly.xml",
        "INPUT_SUMMARY-FILE": "checkly.md",
    }
    run = run_entrypoint(tmp_path, {**session_inputs(sim, sessions), **reports})
    assert run.code == 0, run.stdout + run.stderr
    created = [workspace / "reports", workspace / "reports/json"]
    created += [workspace / path for path in reports.values()]
    for path in created:
        info = path.stat()
        assert (info.st_uid, info.st_gid) == (1001, 1001), path
    assert not [p for p in workspace.rglob("*") if p.stat().st_uid == 0]
