"""`python entrypoint.py` run the way the GitHub runner starts the container action: a scratch
workspace, every action.yml input as `INPUT_<NAME>` (hyphens kept), `GITHUB_*` files, no TTY and
nothing else from this machine's environment; and the check that a secret is only ever masked.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from tests.support.paths import ROOT
from tests.support.runner_rules import runner_outputs

ENTRYPOINT = ROOT / "entrypoint.py"
FAKE_TOKEN = "ghs_fake_token_for_tests_only"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str

    @property
    def commands(self) -> list[str]:
        """The workflow-command lines (`::name ...::message`) of the log."""
        return [line for line in self.stdout.splitlines() if line.startswith("::")]

    def errors(self) -> list[str]:
        return [c for c in self.commands if re.match(r"::error( [^:]*)?::", c)]


def action_inputs() -> dict[str, str]:
    """INPUT_* as the runner sets them: every input, its default or empty."""
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
    env = {}
    for name, spec in action["inputs"].items():
        default = str(spec.get("default", ""))
        if default == "${{ github.token }}":
            default = FAKE_TOKEN
        env[f"INPUT_{name.upper()}"] = default
    return env


def run_entrypoint(
    tmp_path: Path,
    inputs: Mapping[str, str] = {},
    args: tuple[str, ...] = (),
    runner_env: Mapping[str, str] = {},
) -> Run:
    """`entrypoint.py` as the runner starts it; `runner_env` replaces the runner's variables
    (`GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH`, ...)."""
    workspace = tmp_path / "workspace"
    commands = tmp_path / "file_commands"
    home = tmp_path / "home"
    for path in (workspace, commands, home):
        path.mkdir(exist_ok=True)
    output_file, summary_file = commands / "set_output_1", commands / "step_summary_1"
    output_file.touch()
    summary_file.touch()
    env = {
        **action_inputs(),
        **inputs,
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "HOME": str(home),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(output_file),
        "GITHUB_STEP_SUMMARY": str(summary_file),
        "GITHUB_REPOSITORY": "acme/webshop",
        "GITHUB_WORKFLOW": "checks",
        "GITHUB_JOB": "gate",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "1",
        "GITHUB_SHA": "9f2c4e1a7b3d5f60182a4c6e8b0d2f4a6c8e0b1d",
        "GITHUB_REF": "refs/heads/main",
        "NO_PROXY": "127.0.0.1",
        **runner_env,
    }
    proc = subprocess.run(
        [sys.executable, str(ENTRYPOINT), *args],
        cwd=workspace,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Run(
        proc.returncode,
        proc.stdout,
        proc.stderr,
        runner_outputs(output_file.read_text(encoding="utf-8")),
        summary_file.read_text(encoding="utf-8"),
    )


def assert_secret_only_masked(run: Run, secret: str) -> None:
    """The secret may appear only in its own `::add-mask::` line."""
    for line in (run.stdout + run.stderr).splitlines():
        if secret in line:
            assert line == f"::add-mask::{secret}", line
