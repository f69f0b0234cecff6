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


DESCRIPTION = """\
A strict Checkly API simulator on your machine: a real HTTP server serving sample test and check
sessions (and deployed checks for trigger mode) with the bodies of Checkly's published schemas.
It prints CHECKLY_API_URL, CHECKLY_API_KEY, CHECKLY_ACCOUNT_ID and the session IDs, and serves
until Ctrl-C (SIGINT) or SIGTERM."""

EPILOG = """\
Run it in one terminal; in another, set the three variables it printed and run the gate:
  python -m gate.simulator --port 8765
  export CHECKLY_API_URL=http://127.0.0.1:8765 CHECKLY_API_KEY=sim-api-key
  export CHECKLY_ACCOUNT_ID=5f1c7a52-9a0e-4c8b-8d3e-2b7f6c1e9a40
  checkly-gate --test-session-ids <a TEST_SESSION_ID it printed> --summary-file summary.md
  checkly-gate --tags production   # trigger mode, against its deployed checks

See docs/other-ci.md and docs/development.md."""


def main(argv: Sequence[str] | None = None) -> int:
    """Serve a scenario until SIGINT/SIGTERM; print what a gate (or a script) needs to use it."""
    parser = argparse.ArgumentParser(
        prog="python -m gate.simulator",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0: any free one")
    parser.add_argument(
        "--scenario",
        choices=sorted(SCENARIOS),
        default="demo",
        help="sessions to serve: demo (the demo's 5: passing, failing, degraded, slow), passing, "
        "failing, or empty (only trigger mode's deployed checks); default %(default)s",
    )
    parser.add_argument(
        "--api-key", default="sim-api-key", help="the key it accepts (%(default)s); others get 401"
    )
    parser.add_argument(
        "--account-id",
        default=DEFAULT_ACCOUNT_ID,
        help="the account it accepts (%(default)s); others get 403",
    )
    parser.add_argument(
        "--max-wait-cap",
        type=float,
        metavar="SECONDS",
        help="answer long-polls after at most this long (default: as the client asks, up to 30)",
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        metavar="N",
        help="answer 429 after N requests in 60 s (default: no limit)",
    )
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
