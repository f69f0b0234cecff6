"""Fixtures of the whole-gate runs: `github`, a started fake GitHub for the PR comment, and
`closed_port`, a local port nothing listens on.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.support.fake_github import FakeGitHub


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """A fake GitHub for the PR comment (`gate(..., github=github)`)."""
    fake = FakeGitHub().start()
    yield fake
    fake.stop()


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield port  # nothing listens here once the socket is closed
