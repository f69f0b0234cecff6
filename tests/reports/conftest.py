"""Fixtures of the report tests: `builtin`, the built-in templates."""

from __future__ import annotations

import pytest

from gate.reports.templating import (
    Templates,
    load_templates,
)


@pytest.fixture(scope="module")
def builtin() -> Templates:
    return load_templates(None, None)
