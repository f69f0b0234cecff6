"""A request that fails says why at once (SPEC §3): the first line after a failure names the
cause, and the final hint fits it (a refused connection or an unknown host points at `api-url`
and the proxy, not at raising `timeout`). Whole-gate runs, as a new user meets them.
"""

from __future__ import annotations

from pathlib import Path

import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError

from gate.checkly.transport import describe
from gate.core.errors import ApiUnreachable
from gate.simulator import Fault
from tests.conftest import SimulatorFactory
from tests.support.faults import FAST, exited_with_gate_error, gate, passing


def test_a_refused_connection_is_named_at_once_and_the_hint_is_api_url(
    simulator: SimulatorFactory, tmp_path: Path, closed_port: int
) -> None:
    """Before: 19 progress lines over 10 minutes, none saying the connection was refused, and
    a final hint to raise `timeout`."""
    sessions = [passing(), passing("check")]
    sim = simulator(sessions)
    url = f"http://127.0.0.1:{closed_port}"
    run = gate(sim, tmp_path, sessions, "--timeout", "3s", api_url=url, timing=FAST)
    lines = run.stdout.splitlines()
    waiting = next(i for i, line in enumerate(lines) if line.startswith("Waiting for"))
    said = f"Checkly unreachable at {url}: connection refused; retrying, 3s left"
    assert lines[waiting + 1] == said, run.stdout  # the first line after the failure
    assert run.stdout.count("connection refused; retrying") == 1  # once, not per retry
    exited_with_gate_error(run, 3, "could not be reached", url, "connection refused")
    (error,) = run.gate_errors()
    assert "`api-url`" in error.data and "HTTPS_PROXY" in error.data
    assert "raise `timeout`" not in error.data
    assert "will not help" in error.data


def test_a_5xx_is_named_at_once_and_the_hint_keeps_timeout(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sessions = [passing()]
    sim = simulator(sessions)
    sim.fail_all(Fault.status(503))
    run = gate(sim, tmp_path, sessions, "--timeout", "2s", timing=FAST)
    lines = run.stdout.splitlines()
    waiting = next(i for i, line in enumerate(lines) if line.startswith("Waiting for"))
    assert lines[waiting + 1].startswith("Checkly answered HTTP 503: Simulated failure; retrying")
    (error,) = run.gate_errors()
    assert "HTTP 503" in error.data and "raise `timeout`" in error.data


def test_an_unknown_host_is_worded_so_and_points_at_api_url() -> None:
    cause = NameResolutionError("api.checklyhq.invalid", None, OSError("Name or service unknown"))  # type: ignore[arg-type]
    wrapped = MaxRetryError(None, "/v1/test-sessions", cause)  # type: ignore[arg-type]
    assert describe(requests.exceptions.ConnectionError(wrapped)) == "unknown host"
    error = ApiUnreachable.at("https://api.checklyhq.invalid", "unknown host")
    assert "`api-url`" in error.hint and "raise `timeout`" not in error.hint
    assert ApiUnreachable.at("https://api.checklyhq.com", "read timed out").hint.endswith(
        "raise `timeout`."
    )


def test_a_trigger_to_a_closed_port_says_why_and_points_at_api_url(
    simulator: SimulatorFactory, tmp_path: Path, closed_port: int
) -> None:
    sim = simulator()
    url = f"http://127.0.0.1:{closed_port}"
    run = gate(sim, tmp_path, [], "--tags", "backend", "--timeout", "2s", api_url=url, timing=FAST)
    assert f"Checkly unreachable at {url}: connection refused; retrying" in run.stdout
    (error,) = run.gate_errors()
    assert "the trigger was not" in error.data and "connection refused" in error.data
    assert "`api-url`" in error.data and "raise `timeout`" not in error.data
    assert run.code == 3
