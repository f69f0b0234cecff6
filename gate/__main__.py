"""`python -m gate` runs the command-line gate."""

from __future__ import annotations

from gate.launch import main

raise SystemExit(main())
