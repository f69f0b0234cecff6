"""`python -m gate.simulator`: serve a scenario in the foreground, for trying the gate by hand."""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable, Sequence

from gate.simulator.catalogue import demo_catalogue
from gate.simulator.scenarios import DEFAULT_ACCOUNT_ID, ScriptedSession, demo_sessions
from gate.simulator.server import Simulator

SCENARIOS: dict[str, Callable[[], list[ScriptedSession]]] = {
    "demo": demo_sessions,
    "passing": lambda: [s for s in demo_sessions() if s.status == "PASSED"],
    "failing": lambda: [s for s in demo_sessions() if s.status == "FAILED"],
    "empty": list,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Serve a scenario until SIGINT/SIGTERM; print what a gate (or a script) needs to use it."""
    parser = argparse.ArgumentParser(prog="python -m gate.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="demo")
    parser.add_argument("--api-key", default="sim-api-key")
    parser.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID)
    parser.add_argument("--max-wait-cap", type=float, help="cap long-polls (seconds)")
    parser.add_argument("--rate-limit", type=int, help="requests per 60 s before 429")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    options = dict(vars(args))
    sessions = SCENARIOS[options.pop("scenario")]()
    sim = Simulator(sessions, catalogue=demo_catalogue(), **options).start()
    print(f"# Checkly API simulator: scenario {args.scenario}, listening on {args.host}")
    print(f"CHECKLY_API_URL={sim.url}\nCHECKLY_API_KEY={sim.api_key}")
    print(f"CHECKLY_ACCOUNT_ID={sim.account_id}")
    for s in sessions:
        when = "never" if s.never_finishes else f"after {s.duration_s:g} s"
        print(f"# {s.kind} session {s.name!r} ends {s.status} {when}")
        print(f"{s.kind.upper()}_SESSION_ID={s.id}", flush=True)
    for check in demo_catalogue():
        tags = ",".join(check.tags) or "(no tags)"
        print(f"# deployed check {check.name!r} ({check.check_type}), tags {tags}: {check.id}")
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sim.stop()
    print("# stopped", flush=True)
    return 0
