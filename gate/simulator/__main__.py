"""`python -m gate.simulator`: run the Checkly API simulator in the foreground."""

from __future__ import annotations

import sys

from gate.simulator.server import main

sys.exit(main())
