#!/usr/bin/env python3
"""The gate from a source checkout (`python entrypoint.py`), as the image's `checkly-gate` runs
it: the same launcher, reading the INPUT_* variables the GitHub runner sets. The tests start the
container action's program this way (tests/support/entrypoint.py)."""

from gate.launch import main

if __name__ == "__main__":
    raise SystemExit(main())
