"""Shared fixtures: a factory for the Checkly API simulator (real HTTP on 127.0.0.1), and
`start_gate` (the gate in a subprocess, from tests/support/gate_process.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest

from gate.simulator import ScriptedSession, Simulator
from tests.support.gate_process import start_gate

__all__ = ["SimulatorFactory", "simulator", "start_gate"]

SimulatorFactory = Callable[..., Simulator]


@pytest.fixture
def simulator() -> Iterator[SimulatorFactory]:
    """`simulator(sessions=(), **options)`: a started `Simulator` on 127.0.0.1, stopped after.

    Options are those of `Simulator` (`max_wait_cap`, `rate_limit`, `api_key`, ...).
    """
    started: list[Simulator] = []

    def start(sessions: Iterable[ScriptedSession] = (), **options: Any) -> Simulator:
        options.setdefault("host", "127.0.0.1")
        sim = Simulator(sessions, **options).start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()
