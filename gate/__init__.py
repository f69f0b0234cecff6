"""checkly-gate: wait for Checkly test and check sessions, explain the result, gate the build."""

from __future__ import annotations

__version__ = "0.1.0"
USER_AGENT = f"checkly-gate/{__version__}"
