"""Where things are, for every test: the project root and the tests' own data."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
DATA = TESTS / "data"  # copies of shared/ documents and recorded API bodies
FIXTURES = TESTS / "fixtures"  # event payloads and other inputs
EVENTS = FIXTURES / "events"  # GitHub event payloads
