"""gate/runner/agent_container.py: where the engine is, what no engine means (exit 2, naming
the option and the fix), the engine's dates, and that only a private-location run imports the
`docker` library."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from gate.core.errors import InvalidOptions
from gate.runner.agent_container import _created, connect, engine_url
from tests.support.fake_docker import FakeDocker
from tests.support.paths import ROOT


def test_docker_host_else_the_runners_socket() -> None:
    assert engine_url({}) == "unix:///var/run/docker.sock"
    assert engine_url({"DOCKER_HOST": " unix:///run/podman.sock "}) == "unix:///run/podman.sock"


def test_no_socket_names_the_option_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(InvalidOptions) as caught:
        connect({"DOCKER_HOST": f"unix://{tmp_path}/none.sock"})
    (problem,) = caught.value.problems
    assert problem.startswith(f"private-location: no Docker socket at {tmp_path}/none.sock")
    assert "-v /var/run/docker.sock:/var/run/docker.sock" in problem
    assert "DOCKER_HOST" in problem


def test_a_socket_where_no_engine_answers_is_exit_2_too(tmp_path: Path) -> None:
    path = tmp_path / "quiet.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))  # bound, never listening: connections are refused
        with pytest.raises(InvalidOptions) as caught:
            connect({"DOCKER_HOST": f"unix://{path}"}, timeout=2)
    assert "no Docker engine answers at unix://" in caught.value.problems[0]
    assert caught.value.exit_code == 2


def test_an_engine_answers() -> None:
    fake = FakeDocker()
    try:
        assert connect({"DOCKER_HOST": fake.host}).ping()
    finally:
        fake.close()


def test_the_engines_dates() -> None:
    assert _created("2026-12-07T10:00:00.123456789Z") == pytest.approx(1796637600.123456)
    assert _created("2026-12-07T10:00:00Z") == 1796637600.0
    assert _created(1796637600) == 1796637600.0
    assert _created("yesterday") is None and _created(None) is None


def test_docker_is_imported_only_by_a_private_location_run() -> None:
    code = (
        "import sys, gate.cli, gate.run.pipeline, gate.run.private_run; "
        "print(sorted(m for m in sys.modules if m == 'docker' or m.startswith('docker.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
