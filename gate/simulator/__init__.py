"""The Checkly API simulator: a real HTTP server on 127.0.0.1 and its scripted data.

Used by `checkly-gate demo`, the tests and the benchmark; standalone as
`python -m gate.simulator --scenario demo`. `scenarios` holds the scripted sessions and faults,
`bodies` the API bodies built from them, `server` the `Simulator` (routes, auth, rate limit,
faults), `wire` its HTTP plumbing, `standalone` the command line.

May import: the core only (it plays Checkly, so it must not share the gate's client code).
"""

from __future__ import annotations

from gate.simulator.scenarios import Fault, ScriptedResult, ScriptedSession, demo_sessions
from gate.simulator.server import Simulator
from gate.simulator.wire import RecordedRequest

__all__ = [
    "Fault",
    "RecordedRequest",
    "ScriptedResult",
    "ScriptedSession",
    "Simulator",
    "demo_sessions",
]
