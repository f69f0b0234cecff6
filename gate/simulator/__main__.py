"""`python -m gate.simulator`: run the Checkly API simulator in the foreground."""

from __future__ import annotations

import sys

if sys.argv[1:2] == ["agent"]:  # the stand-in for the Checkly agent (SPEC §12)
    from gate.simulator.agent import main as agent

    raise SystemExit(agent(sys.argv[2:]))

from gate.simulator.standalone import main

raise SystemExit(main())
