"""The image the container action is built from, checked without a Docker engine: the Dockerfile,
`.dockerignore` and `requirements.lock` fit together (hadolint, run by `make lint`, checks the
Dockerfile's form).
"""

from __future__ import annotations

import json
import os
import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.paths import ROOT

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
    """Every stage starts from the BASE build argument, whose default is the pinned image (the
    image test passes its stand-in; releases take the default)."""
    (arg,) = [a for a in instructions("ARG") if a.startswith("BASE=")]
    assert re.fullmatch(r"BASE=python:3\.\d+\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", arg), arg
    assert instructions("FROM") == ["${BASE} AS builder", "${BASE}"]


def final_stage() -> str:
    return dockerfile().replace("\\\n", " ").split("\nFROM ${BASE}\n", 1)[1]


def test_entrypoint_is_tini_then_the_installed_gate() -> None:
    """tini (Debian's package) as PID 1, forwarding signals to the console script."""
    (entry,) = instructions("ENTRYPOINT")
    # coreutils' env starts the gate with SIGINT/SIGTERM blocked until its handlers are in
    # place (gate/launch.py unblocks them; test_hostile_console.py shows why).
    assert json.loads(entry) == [
        "/usr/bin/tini", "--", "/usr/bin/env", "--block-signal=INT,TERM",
        "/usr/local/bin/checkly-gate",
    ]  # fmt: skip
    assert "apt-get install -y --no-install-recommends tini " in final_stage()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["checkly-gate"] == "gate.launch:main"


def test_environment_and_user() -> None:
    env = " ".join(instructions("ENV"))
    assert "PYTHONUNBUFFERED=1" in env
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    # The runner's /github/* mounts need root: the image must not switch user.
    assert instructions("USER") == []


def test_runtime_stage_installs_the_lock_then_the_builders_wheel() -> None:
    """The final stage: the hash-checked lock, then only the wheel with --no-deps; no source
    copied into it (so no second `gate`), no build backend."""
    final = final_stage()
    lock_install = final.index("--require-hashes")
    wheel_install = final.index("from=builder,source=/dist")
    assert lock_install < wheel_install
    assert "-r /tmp/requirements.lock" in final
    assert "--no-deps --no-index /tmp/dist/*.whl" in final
    assert "COPY" not in final, "the runtime stage copies files: only mounts are needed"
    assert "requirements-build.lock" not in final
    # Everything the gate imports is byte-compiled at build time: the standard library, the
    # dependencies and the gate.
    assert final.count("python -m compileall") == 3


def test_dockerignore_lets_in_what_the_dockerfile_copies() -> None:
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert "*" in ignore  # everything else stays out of the build context
    sources = [src.rstrip("/") for c in instructions("COPY") for src in c.split()[:-1]]
    sources += re.findall(r"--mount=type=bind,source=([^,\s]+)", dockerfile())
    assert sources and set(sources) <= allowed, (sources, allowed)
    for source in sources:
        assert (ROOT / source).exists(), source


def locked(name: str = "requirements.lock") -> dict[str, tuple[str, list[str]]]:
    """requirements.lock (or requirements-build.lock) → {name: (version, hashes)}."""
    text = (ROOT / name).read_text(encoding="utf-8").replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)\s*(.*)", line)
        if match:
            hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", match.group(3))
            pins[str(canonicalize_name(match.group(1)))] = (match.group(2), hashes)
    return pins


def test_lock_has_hashes_for_every_pin() -> None:
    for lock in ("requirements.lock", "requirements-build.lock"):
        pins = locked(lock)
        assert pins
        for name, (_, hashes) in pins.items():
            assert hashes, f"{name} has no hash in {lock}"


def test_lock_covers_pyproject_dependencies() -> None:
    """`make lock` is due whenever pyproject's runtime dependencies change."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    runtime, backend = locked(), locked("requirements-build.lock")
    # The runtime image gets no build backend: setuptools is only in the builder's lock.
    assert "setuptools" not in runtime
    assert set(backend) == {"setuptools"}
    specs = [(s, runtime) for s in project["dependencies"]] + [
        (s, backend) for s in build["requires"]
    ]
    for spec, pins in specs:
        requirement = Requirement(spec)
        name = str(canonicalize_name(requirement.name))
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        version = pins[name][0]
        assert requirement.specifier.contains(version), (
            f"requirements.lock pins {name}=={version}, pyproject wants {requirement}: "
            "run `make lock`"
        )


# --- where the image test cannot run (tests/support/container_engine.py) -------------------------


def test_the_image_test_says_why_it_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not root: the engine check names the reason; the image test skips with it, or fails with
    it under .ci/run (CHECKLY_GATE_IMAGE_TEST_REQUIRED=1)."""
    from tests.support.container_engine import unavailable
    from tools.image import engine

    monkeypatch.setattr(os, "geteuid", lambda: 1001)
    with pytest.raises(engine.EngineUnavailable, match="this is not root"):
        engine.check()
    monkeypatch.delenv("CHECKLY_GATE_IMAGE_TEST_REQUIRED", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no engine here"):
        unavailable("no engine here")
    monkeypatch.setenv("CHECKLY_GATE_IMAGE_TEST_REQUIRED", "1")
    with pytest.raises(pytest.fail.Exception, match="must run here, but: no engine here"):
        unavailable("no engine here")
