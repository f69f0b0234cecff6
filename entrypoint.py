#!/usr/bin/env python3
"""Container entrypoint: the GitHub runner starts this with INPUT_* variables set."""

from gate.launch import main

if __name__ == "__main__":
    raise SystemExit(main())
