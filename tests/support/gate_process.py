"""The gate in a subprocess, started from `entrypoint.py` the way the runner starts it, for the
tests that signal it (`start_gate` is a fixture: import it into the test module)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from gate.simulator import ScriptedSession, Simulator
from tests.support.entrypoint import ENTRYPOINT, action_inputs

STOP_WITHIN = 2.0  # SPEC §3


@dataclass
class Gate:
    """The gate running in a subprocess, with its workspace."""

    proc: subprocess.Popen[str]
    workspace: Path
    ids: list[str]
    stdout: str = ""
    stderr: str = ""

    def finish(self, timeout: float) -> int:
        self.stdout, self.stderr = self.proc.communicate(timeout=timeout)
        return self.proc.returncode


@pytest.fixture
def start_gate(tmp_path: Path) -> Iterator[Callable[..., Gate]]:
    started: list[subprocess.Popen[str]] = []

    def start(
        sim: Simulator,
        sessions: Sequence[ScriptedSession],
        *,
        extra_env: Mapping[str, str] | None = None,
        **inputs: str,
    ) -> Gate:
        workspace = tmp_path / "workspace"
        workspace.mkdir()
        for name in ("github_output", "step_summary.md"):
            (workspace / name).touch()
        tests = [s.id for s in sessions if s.kind == "test"]
        checks = [s.id for s in sessions if s.kind == "check"]
        env = {
            **action_inputs(),
            "INPUT_API-KEY": sim.api_key,
            "INPUT_ACCOUNT-ID": sim.account_id,
            "INPUT_API-URL": sim.url,
            "INPUT_TEST-SESSION-IDS": "\n".join(tests),
            "INPUT_CHECK-SESSION-IDS": "\n".join(checks),
            "INPUT_TIMEOUT": "5m",
            "INPUT_PR-COMMENT": "never",
            "INPUT_JSON-FILE": "report.json",
            "INPUT_JUNIT-FILE": "junit.xml",
            "INPUT_SUMMARY-FILE": "summary.md",
            **{f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()},
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": str(workspace / "github_output"),
            "GITHUB_STEP_SUMMARY": str(workspace / "step_summary.md"),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_EVENT_NAME": "push",
            "NO_PROXY": "127.0.0.1",
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ENTRYPOINT.parent),
            **(extra_env or {}),
        }
        proc = subprocess.Popen(
            [sys.executable, str(ENTRYPOINT)],
            cwd=workspace,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        return Gate(proc, workspace, tests + checks)

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    until = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < until, f"timed out waiting for {what}"
        time.sleep(0.02)
