"""Fixtures of the runner tests: `quiet_network` (no proxy, no pause between writes, never
api.github.com; a module opts in with `pytestmark = pytest.mark.usefixtures("quiet_network")`)
and `fake`, a started fake GitHub with PR 42.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gate.runner import pr_comment
from tests.support.fake_github import FakeGitHub, serving_pr
from tests.support.pr_comment import REPO, TOKEN


@pytest.fixture
def quiet_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setattr(pr_comment, "_SECONDS_BETWEEN_WRITES", None)
    # Never api.github.com from a test: a forgotten base URL fails fast on a closed local port.
    monkeypatch.setattr(pr_comment, "DEFAULT_API_URL", "http://127.0.0.1:9")


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with serving_pr(TOKEN, REPO) as server:
        yield server
