"""`python -m gate.simulator`: run the Checkly API simulator in the foreground."""

from __future__ import annotations

from gate.simulator.standalone import main

raise SystemExit(main())
