"""Trigger mode through `entrypoint.py`, as the runner starts the container.

On a `pull_request` and on a `deployment_status` event, with every action.yml default filled
in (`fail-on-no-matching: true`, `cancel-on-exit: true` arrive as INPUT_*); and signalled while
a triggered session runs: the gate cancels it and still exits within 2 s with every report,
even when the cancel itself hangs.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.simulator import Fault
from gate.simulator.catalogue import DeployedCheck
from tests.conftest import SimulatorFactory
from tests.support.entrypoint import run_entrypoint
from tests.support.gate_process import (
    STOP_WITHIN,
    Gate,
    wait_until,
)
from tests.support.paths import EVENTS
from tests.support.trigger_driver import CATALOGUE

PREVIEW = "https://shop-git-checkout-retry-octo.vercel.app"


def trigger_inputs(sim: object, **more: str) -> dict[str, str]:
    return {
        "INPUT_API-URL": sim.url,  # type: ignore[attr-defined]
        "INPUT_API-KEY": sim.api_key,  # type: ignore[attr-defined]
        "INPUT_ACCOUNT-ID": sim.account_id,  # type: ignore[attr-defined]
        "INPUT_PR-COMMENT": "never",
        "INPUT_JSON-FILE": "checkly.json",
        **more,
    }


def test_pull_request_event(tmp_path: Path, simulator: SimulatorFactory) -> None:
    sim = simulator(catalogue=CATALOGUE)
    runner = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(EVENTS / "pull_request.json"),
        "GITHUB_HEAD_REF": "checkout-retry",
        "GITHUB_RUN_NUMBER": "8",
    }
    run = run_entrypoint(
        tmp_path, trigger_inputs(sim, **{"INPUT_TAGS": "webapp"}), runner_env=runner
    )
    assert run.code == 1, run.stdout + run.stderr  # Checkout fails
    (post,) = [r for r in sim.requests if r.method == "POST"]
    body = json.loads(post.request_body)
    assert body["name"].startswith("acme/webshop · checks #8.1 · PR #42 · ")
    assert body["metadata"]["commitId"] == "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"  # PR head
    assert body["metadata"]["branchName"] == "checkout-retry"
    assert body["metadata"]["github"]["eventName"] == "pull_request"
    assert "environmentVariables" not in body and "location" not in body
    assert body["runLocation"] == "eu-central-1"  # the code's default: action.yml has none
    report = json.loads((tmp_path / "workspace" / "checkly.json").read_text())
    assert run.outputs["test-session-id"] == report["trigger"]["sessionIds"][0]
    assert run.outputs["test-session-url"].startswith("https://app.checklyhq.com/test-sessions/")
    assert run.errors()[-1].endswith("(max-failures).")


def test_deployment_status_event(tmp_path: Path, simulator: SimulatorFactory) -> None:
    sim = simulator(catalogue=CATALOGUE)
    runner = {
        "GITHUB_EVENT_NAME": "deployment_status",
        "GITHUB_EVENT_PATH": str(EVENTS / "deployment_status.json"),
    }
    run = run_entrypoint(
        tmp_path, trigger_inputs(sim, **{"INPUT_TAGS": "preview"}), runner_env=runner
    )
    assert run.code == 0, run.stdout + run.stderr
    body = json.loads(next(r.request_body for r in sim.requests if r.method == "POST"))
    assert body["environmentVariables"] == [
        {"key": "ENVIRONMENT_URL", "value": PREVIEW, "secret": False}
    ]
    assert body["metadata"]["environment"] == "Preview"
    assert f"ENVIRONMENT_URL={PREVIEW}" in run.stdout
    (session_id,) = sim.triggers.variables
    assert sim.triggers.variables[session_id]["ENVIRONMENT_URL"] == PREVIEW
    assert run.outputs["test-session-id"] == session_id


def test_a_broken_preview_fails_the_gate(tmp_path: Path, simulator: SimulatorFactory) -> None:
    sim = simulator(catalogue=CATALOGUE)
    payload = json.loads((EVENTS / "deployment_status.json").read_text())
    payload["deployment_status"]["environment_url"] = "https://broken-preview.example"
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload))
    runner = {"GITHUB_EVENT_NAME": "deployment_status", "GITHUB_EVENT_PATH": str(event)}
    run = run_entrypoint(
        tmp_path, trigger_inputs(sim, **{"INPUT_TAGS": "preview"}), runner_env=runner
    )
    assert run.code == 1
    assert "broken-preview.example" in run.summary


# -- signalled while a triggered session runs ----------------------------------------------------

SLOW = DeployedCheck("Slow suite", "PLAYWRIGHT", ("slow",), duration_s=120)


@pytest.mark.parametrize("hang", [False, True], ids=["cancel-answers", "cancel-hangs"])
def test_a_signal_cancels_the_triggered_session_and_still_stops_in_time(
    simulator: SimulatorFactory,
    start_gate: Callable[..., Gate],
    hang: bool,
) -> None:
    sim = simulator(catalogue=[SLOW], max_wait_cap=0.3)
    if hang:
        sim.triggers.fail("test-cancel", Fault.hang(10))
    gate = start_gate(sim, [], tags="slow")
    wait_until(lambda: any(r.path.endswith("/completion") for r in sim.requests), "a long-poll")
    signalled_at = time.monotonic()
    gate.proc.send_signal(signal.SIGTERM)
    assert gate.finish(timeout=10) == 143, gate.stdout + gate.stderr
    assert time.monotonic() - signalled_at < STOP_WITHIN
    report = json.loads((gate.workspace / "report.json").read_text())
    (session_id,) = report["trigger"]["sessionIds"]
    (note,) = report["trigger"]["cancelled"]
    assert note["id"] == session_id
    if hang:
        assert note["result"].startswith("no answer")
    else:
        assert note["result"] == "accepted" and sim.triggers.cancelled == [session_id]
    assert report["sessions"][0]["outcome"] == "incomplete"
    summary = (gate.workspace / "summary.md").read_text()
    assert "cancel requested" in summary
