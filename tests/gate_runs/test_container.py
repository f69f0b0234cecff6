"""The container action as the GitHub runner starts it, and the image it is built from.

End-to-end: `python entrypoint.py` in a scratch workspace with the environment the runner gives
a container action: every action.yml input as `INPUT_<NAME>` with the hyphens kept (defaults
filled in, the rest empty), `GITHUB_ACTIONS=true`, `GITHUB_OUTPUT` / `GITHUB_STEP_SUMMARY`
files under a `file_commands` directory, `GITHUB_WORKSPACE` as the working directory, no TTY,
and nothing else from this machine's environment.

Static: no Docker engine is needed to check that the Dockerfile, `.dockerignore` and
`requirements.lock` fit together (hadolint, run by `make lint`, checks the Dockerfile's form).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from ruamel.yaml import YAML

from gate import __version__
from gate.simulator import ScriptedSession
from gate.simulator.standalone import SCENARIOS
from tests.support.paths import ROOT

ENTRYPOINT = ROOT / "entrypoint.py"
FAKE_KEY = "cu_fake_key_0123456789abcdef"  # not a real key: the API is never reached here
FAKE_ACCOUNT = "5f1c7a52-9a0e-4c8b-8d3e-2b7f6c1e9a40"
FAKE_TOKEN = "ghs_fake_token_for_tests_only"
SESSION_ID = "0b8f3c52-7d1e-4c4a-9f55-3e2a1d6c8b90"


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


def runner_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT read by the runner's rules (written here, not borrowed from the gate).

    `name=value` when `=` comes before any `<<`; else `name<<DELIMITER`, the value's lines, and
    a line that is exactly DELIMITER. Anything else fails the step on GitHub, so fails here.
    """
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line == "":
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals > 0 and (heredoc < 0 or equals < heredoc):
            outputs[line[:equals]] = line[equals + 1 :]
            continue
        assert heredoc > 0, f"invalid GITHUB_OUTPUT line {line!r}"
        name, delimiter = line[:heredoc], line[heredoc + 2 :]
        assert delimiter, f"empty heredoc delimiter in {line!r}"
        end = lines.index(delimiter, index)  # ValueError: the runner's "matching delimiter"
        outputs[name] = "\n".join(lines[index:end])
        index = end + 1
    return outputs


def test_runner_outputs_parser() -> None:
    text = "result=passed\nsessions<<ghadelimiter_1\n[\n  1\n]\nghadelimiter_1\nempty=\n"
    assert runner_outputs(text) == {"result": "passed", "sessions": "[\n  1\n]", "empty": ""}
    with pytest.raises(ValueError):
        runner_outputs("x<<EOF\nno end\n")


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
    assert "result" not in run.outputs


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


# --- the image, without building it --------------------------------------------------------------


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instructions(name: str) -> list[str]:
    text = dockerfile().replace("\\\n", " ")
    return [
        line.split(None, 1)[1].strip()
        for line in text.splitlines()
        if line.split(None, 1)[:1] == [name]
    ]


def test_base_image_is_pinned_by_tag_and_digest() -> None:
    (base,) = instructions("FROM")
    assert re.fullmatch(r"python:3\.\d+\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", base), base


def test_entrypoint_is_exec_form_with_absolute_paths() -> None:
    (entry,) = instructions("ENTRYPOINT")
    argv = json.loads(entry)
    assert argv[0] == "/usr/local/bin/python"  # where the python image installs it
    assert argv[1].startswith("/")
    copied = [c.split() for c in instructions("COPY")]
    assert any(
        "entrypoint.py" in parts[:-1] and argv[1].startswith(parts[-1].rstrip("/"))
        for parts in copied
    ), "the ENTRYPOINT script is not where COPY puts entrypoint.py"


def test_environment_and_user() -> None:
    env = " ".join(instructions("ENV"))
    assert "PYTHONUNBUFFERED=1" in env
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    # The runner's /github/* mounts need root: the image must not switch user.
    assert instructions("USER") == []


def test_dependencies_are_installed_before_the_code_is_copied() -> None:
    lines = [line for line in dockerfile().splitlines() if line.startswith(("COPY", "RUN"))]
    lock_install = next(i for i, line in enumerate(lines) if "--require-hashes" in line)
    code_copy = next(i for i, line in enumerate(lines) if "gate/" in line and "COPY" in line)
    assert lines[0].startswith("COPY requirements.lock")
    assert lock_install < code_copy
    assert "--no-deps" in dockerfile()


def test_dockerignore_lets_in_what_the_dockerfile_copies() -> None:
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert "*" in ignore  # everything else stays out of the build context
    sources = [src.rstrip("/") for c in instructions("COPY") for src in c.split()[:-1]]
    assert sources and set(sources) <= allowed, (sources, allowed)
    for source in sources:
        assert (ROOT / source).exists(), source


def locked() -> dict[str, tuple[str, list[str]]]:
    """requirements.lock → {name: (version, hashes)}."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8").replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)\s*(.*)", line)
        if match:
            hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", match.group(3))
            pins[str(canonicalize_name(match.group(1)))] = (match.group(2), hashes)
    return pins


def test_lock_has_hashes_for_every_pin() -> None:
    pins = locked()
    assert pins
    for name, (_, hashes) in pins.items():
        assert hashes, f"{name} has no hash in requirements.lock"


def test_lock_covers_pyproject_dependencies() -> None:
    """`make lock` is due whenever pyproject's runtime dependencies change."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    pins = locked()
    for spec in [*project["dependencies"], *build["requires"]]:
        requirement = Requirement(spec)
        name = str(canonicalize_name(requirement.name))
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        version = pins[name][0]
        assert requirement.specifier.contains(version), (
            f"requirements.lock pins {name}=={version}, pyproject wants {requirement}: "
            "run `make lock`"
        )
