"""A container engine for tests: podman set up as tools/image/engine.py says, the stand-in base
image, and the API service (for a Docker client such as docker-py: `DOCKER_HOST`).

Fixtures (session-scoped; import them into a conftest.py or test module to use them):
- `engine`: installs the engine from Debian's packages where it is missing (as root), checks
  that a container runs; skips the test with the reason where it cannot (not root, no apt, no
  podman), or fails with it where CHECKLY_GATE_IMAGE_TEST_REQUIRED=1 (.ci/run). Returns
  tools.image.engine, whose `podman(...)` runs podman with the right settings.
- `standin_base`: the tag of the stand-in python:3.12-slim-bookworm base (tools/image/base.py),
  built once and reused while it exists.
- `engine_api`: `podman system service` on a unix socket; its `.url` is a `DOCKER_HOST` value.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

from tests.support.paths import ROOT


def unavailable(reason: str) -> NoReturn:
    """Skip, saying why; but fail where the engine is required (.ci/run sets
    CHECKLY_GATE_IMAGE_TEST_REQUIRED=1: there, as root on Debian, it must run)."""
    if os.environ.get("CHECKLY_GATE_IMAGE_TEST_REQUIRED") == "1":
        pytest.fail(f"the image test must run here, but: {reason}", pytrace=False)
    pytest.skip(reason)


# Where the image test keeps what it downloads or builds between runs (git ignores it).
WORK = Path(os.environ.get("CHECKLY_GATE_IMAGE_WORK", ROOT / ".image-test"))


@pytest.fixture(scope="session")
def engine() -> ModuleType:
    from tools.image import engine as module

    try:
        module.ensure()
    except module.EngineUnavailable as exc:
        unavailable(f"no container engine: {exc}")
    return module


BASE_BUILT: list[str] = []  # how the stand-in base came to be, for the image test's figures


@pytest.fixture(scope="session")
def standin_base(engine: ModuleType) -> str:
    from tools.image import base

    existed = base.image_exists(base.BASE_TAG)
    started = time.monotonic()
    try:
        tag = base.ensure_base()
    except engine.EngineUnavailable as exc:
        unavailable(f"no stand-in base image: {exc}")
    took = time.monotonic() - started
    BASE_BUILT.append(f"{tag}: " + ("reused" if existed else f"built in {took:.1f} s"))
    return tag


@pytest.fixture(scope="session")
def engine_api(engine: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    service = engine.Service(tmp_path_factory.mktemp("engine") / "podman.sock").start()
    yield service
    service.stop()


def skip_folder_unless(items: list[pytest.Item], folder: Path, enabled: bool, reason: str) -> None:
    """Mark every collected test in `folder` skipped with `reason` unless `enabled`: the slow
    container tests run only from their make target, and a plain `pytest` says where."""
    if enabled:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if Path(str(item.fspath)).is_relative_to(folder):
            item.add_marker(skip)
