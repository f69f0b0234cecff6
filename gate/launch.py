"""The process's first code: the console script, `python -m gate` and entrypoint.py start here.

Importing the gate takes a moment (~0.2 s: requests, jinja2). A SIGINT or SIGTERM in that
moment, before `gate.cli.main` installs its own handlers, ends the process with 130 / 143 and
one line saying why, never a KeyboardInterrupt traceback. Only the standard library is imported
before the handlers are in place; in the image, a signal during Python's own start waits,
blocked, until they are (`install_early_handlers`).
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


def _interrupted(signum: int, frame: FrameType | None) -> None:
    name = signal.Signals(signum).name
    message = f"interrupted by {name} while starting; nothing was checked or written"
    try:
        if os.environ.get("GITHUB_ACTIONS") == "true" and sys.stdout is not None:
            sys.stdout.write(f"::error title=checkly-gate::{message}\n")
            sys.stdout.flush()
        elif sys.stderr is not None:
            sys.stderr.write(f"checkly-gate: {message}\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(128 + signum)


def install_early_handlers() -> None:
    """Quiet exits for SIGINT/SIGTERM until the gate installs its own.

    Then both are unblocked. The image starts the gate with them blocked (`env
    --block-signal=INT,TERM`): one that comes while Python itself starts, before any of this
    module's code can run, waits instead of raising KeyboardInterrupt inside the standard
    library, and is delivered here, to the handler just installed. Elsewhere nothing is blocked
    and unblocking changes nothing.
    """
    signums = (signal.SIGINT, signal.SIGTERM)
    for signum in signums:
        signal.signal(signum, _interrupted)
    if hasattr(signal, "pthread_sigmask"):  # not on Windows
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signums)


def main() -> int:
    install_early_handlers()
    from gate.cli import main as run  # noqa: PLC0415 - imported once the handlers are in place

    return run()
