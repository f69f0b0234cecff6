"""Fixtures of the project checks: `action` (action.yml, parsed) and `readme` (README.md's text)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.docs import load_yaml
from tests.support.paths import ROOT


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(ROOT / "action.yml")
    return data


@pytest.fixture(scope="module")
def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")
