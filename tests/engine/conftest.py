"""SPEC §12 end to end on a real container engine (tests/support/private_engine.py): podman's
Docker-compatible API, the small agent image, the gate run as the runner runs it.

These tests run under `make private-location-test` (CHECKLY_GATE_ENGINE_TEST=1), which
`make test` (and so `.ci/run`) runs; a plain `pytest` skips them saying so. Where no engine can
run (not root, nothing installable) they are skipped with the reason, except as root under
CI=true (.ci/run on these machines), where that is a failure: CI here must run them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import private_engine
from tests.support.container_engine import skip_folder_unless

ENABLED = os.environ.get("CHECKLY_GATE_ENGINE_TEST") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    skip_folder_unless(
        items,
        Path(__file__).parent,
        ENABLED,
        "the private-location end-to-end test runs a container engine (as root): "
        "`make private-location-test` runs it, and `make test` runs that",
    )


@pytest.fixture(scope="session")
def engine_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`DOCKER_HOST` of a running engine API with the agent image built."""
    try:
        private_engine.ensure()
        private_engine.build_agent_image()
        service = private_engine.service(tmp_path_factory.mktemp("engine") / "podman.sock")
    except (private_engine.EngineUnavailable, RuntimeError) as exc:
        if os.environ.get("CI") == "true" and os.geteuid() == 0:  # .ci/run here, as root
            pytest.fail(f"CI must run the private-location engine test, but: {exc}")
        pytest.skip(f"no container engine: {exc}")
    yield service.url
    service.stop()
