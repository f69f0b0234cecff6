"""The retry and trigger options of SPEC §2/§8 through the whole gate: what each POST carries
(valid against Checkly's request schemas) and what the simulator makes of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate.simulator import Simulator
from gate.simulator.catalogue import DeployedCheck
from tests.conftest import SimulatorFactory
from tests.simulator.test_trigger_routes import validate_request
from tests.support.gate_run import GateRun, run_gate

CATALOGUE = [
    DeployedCheck("Homepage", "API", ("production",), ("eu-west-1",)),
    DeployedCheck("Nightly export", "API", ("production",), ("eu-west-1",), activated=False),
]


def _gate(sim: Simulator, tmp_path: Path, *args: str) -> GateRun:
    return run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        args=["--timeout", "20s", *args],
    )


def _posts(sim: Simulator, path: str) -> list[Any]:
    found = [r for r in sim.requests if r.method == "POST" and r.path == path]
    for request in found:
        validate_request("POST", path, request.request_body)
    return [json.loads(r.request_body) for r in found]


@pytest.mark.parametrize(
    ("args", "strategy"),
    [
        (["--retries", "10", "--retry-strategy", "exponential", "--retry-on", "network"],
         {"type": "EXPONENTIAL", "maxRetries": 10, "baseBackoffSeconds": 0, "sameRegion": True,
          "onlyOn": ["NETWORK_ERROR"]}),
        (["--retry-strategy", "single"],
         {"type": "SINGLE_RETRY", "baseBackoffSeconds": 0, "sameRegion": True}),
        (["--retries", "0"], None),
    ],
)  # fmt: skip
def test_retry_options_shape_the_retry_strategy(
    simulator: SimulatorFactory, tmp_path: Path, args: list[str], strategy: object
) -> None:
    sim = simulator(catalogue=CATALOGUE)
    run = _gate(sim, tmp_path, "--tags", "production", *args)
    assert run.code == 0, run.stdout
    (body,) = _posts(sim, "/v1/test-sessions/trigger")
    assert body["retryStrategy"] == strategy


def test_allow_deactivated_and_refresh_cache(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=CATALOGUE)
    run = _gate(sim, tmp_path, "--tags", "production")
    assert run.report["verdict"]["total"] == 1  # the deactivated check does not match
    sim = simulator(catalogue=CATALOGUE)
    flags = ("--allow-deactivated", "true", "--refresh-cache", "true")
    run = _gate(sim, tmp_path / "2", "--tags", "production", *flags)
    assert run.code == 0, run.stdout
    (body,) = _posts(sim, "/v1/test-sessions/trigger")
    assert body["target"] == {"matchTags": [["production"]], "allowDeactivated": True}
    assert body["refreshCache"] is True
    assert run.report["verdict"]["total"] == 2


def test_refresh_cache_on_check_sessions(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=CATALOGUE)
    run = _gate(sim, tmp_path, "--trigger", "check-sessions", "--refresh-cache", "yes")
    assert run.code == 0, run.stdout
    assert _posts(sim, "/v2/check-sessions/trigger") == [{"refreshCache": True}]
