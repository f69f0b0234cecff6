"""The image the container action is built from, checked without a Docker engine: the Dockerfile,
`.dockerignore` and `requirements.lock` fit together (hadolint, run by `make lint`, checks the
Dockerfile's form).
"""

from __future__ import annotations

import json
import re
import tomllib

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
