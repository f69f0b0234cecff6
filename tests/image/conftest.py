"""The image test's fixtures: the engine and the stand-in base (tests/support/container_engine.py),
the image built from this Dockerfile, and the figures the run prints at its end.

These tests run under `make image-test` (CHECKLY_GATE_IMAGE_TEST=1), which `.ci/run` runs after
`make test`; a plain `pytest` skips them with that reason, and so does a machine where no
engine can run (not root, nothing installable), with its own reason.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.container_engine import (
    BASE_BUILT,
    WORK,
    engine,
    engine_api,
    skip_folder_unless,
    standin_base,
)
from tests.support.paths import ROOT

__all__ = ["engine", "engine_api", "figures", "image", "standin_base"]

IMAGE = "localhost/checkly-gate:image-test"
FIGURES: list[str] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    skip_folder_unless(
        items,
        Path(__file__).parent,
        os.environ.get("CHECKLY_GATE_IMAGE_TEST") == "1",
        "the image test builds and runs the container image (minutes, as root): "
        "`make image-test` runs it, and .ci/run runs that",
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("image figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
        WORK.mkdir(parents=True, exist_ok=True)
        (WORK / "figures.txt").write_text("\n".join(FIGURES) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def figures() -> list[str]:
    """Lines printed under "image figures" at the end of the run (and kept in figures.txt)."""
    return FIGURES


def _history(engine: ModuleType, image: str) -> list[dict[str, object]]:
    history: list[dict[str, object]] = json.loads(
        engine.podman("history", "--format", "json", image)
    )
    return history


def _image_id(engine: ModuleType, image: str) -> str | None:
    proc = subprocess.run(
        ["podman", "image", "inspect", "--format", "{{.Id}}", image],
        env=engine.podman_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() if proc.returncode == 0 else None


@pytest.fixture(scope="session")
def image(engine: ModuleType, standin_base: str, figures: list[str]) -> Iterator[str]:
    """This Dockerfile built on the stand-in base, the lock's wheels from a local index; or
    the image CHECKLY_GATE_IMAGE_UNDER_TEST names, as it is (to check that these tests fail on
    an image without this work: an older Dockerfile built by hand)."""
    given = os.environ.get("CHECKLY_GATE_IMAGE_UNDER_TEST")
    if given:
        figures.append(f"image under test: {given} (not built here)")
        yield given
        return
    from tools.image import wheels

    locks = [ROOT / "requirements.lock", ROOT / "requirements-build.lock"]
    started = time.monotonic()
    folder = wheels.download(locks, WORK / "wheels")
    downloaded = time.monotonic() - started
    index = wheels.Index(folder).start()
    WORK.mkdir(parents=True, exist_ok=True)
    conf = index.pip_conf(WORK / "pip.conf")
    before = _image_id(engine, IMAGE)
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [
                # --no-cache: buildah 1.28's layer cache reuses `COPY gate/` after a file is
                # added there, and a `RUN --mount=...,from=builder` whatever the builder made.
                "podman", "build", "--no-cache", "--network", "host",
                "--volume", f"{conf}:/etc/pip.conf:ro",
                "--build-arg", f"BASE={standin_base}",
                "--tag", IMAGE, "--file", str(ROOT / "Dockerfile"), str(ROOT),
            ],
            env=engine.podman_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )  # fmt: skip
    finally:
        index.stop()
    built = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    after = _image_id(engine, IMAGE)
    # What this build leaves untagged: the last run's image, and the builder stage's (kept
    # for a layer cache this build does not use): its ID is the last `--> ID` before stage 2.
    builder = re.findall(r"^--> ([0-9a-f]{6,})$", proc.stdout.split("\n[2/2] ", 1)[0], re.M)
    for stale in [*builder[-1:], *([before] if before and before != after else [])]:
        subprocess.run(
            ["podman", "rmi", stale], env=engine.podman_env(), capture_output=True, check=False
        )
    history, base = _history(engine, IMAGE), _history(engine, standin_base)
    own = history[: len(history) - len(base)]
    total = sum(int(str(layer["size"])) for layer in history)
    mine = sum(int(str(layer["size"])) for layer in own)
    figures.extend(f"stand-in base {line}" for line in BASE_BUILT)
    figures.append(f"wheels: {downloaded:.1f} s to download or find ({folder})")
    figures.append(f"build: {built:.1f} s (no layer cache; the stand-in base and the wheels kept)")
    figures.append(
        f"image size: {total / 1e6:.1f} MB; the project's own layers: {mine / 1e6:.1f} MB"
    )
    for layer in own:
        if int(str(layer["size"])):
            created_by = " ".join(str(layer.get("CreatedBy", layer.get("created_by", ""))).split())
            figures.append(f"  {int(str(layer['size'])) / 1e6:6.1f} MB  {created_by[:90]}")
    yield IMAGE
