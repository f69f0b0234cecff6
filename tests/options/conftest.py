"""Fixtures of the option tests: `clean_env` (no INPUT_, GITHUB_ or CHECKLY_ variables; a test
module opts in with `pytestmark = pytest.mark.usefixtures("clean_env")`) and `workdir`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("INPUT_", "GITHUB_", "CHECKLY_")):
            monkeypatch.delenv(name)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "templates").mkdir()
    (tmp_path / "empty.log").write_text("Running 2 checks in eu-west-1.\n2 passed, 2 total\n")
    return tmp_path
