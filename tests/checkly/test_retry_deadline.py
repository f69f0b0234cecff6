"""Item 7 of issue 12: transient failures are retried until the deadline, not given up early."""

from __future__ import annotations

import socket
import time

import pytest

from gate.checkly.client import ChecklyClient
from gate.checkly.transport import Timing, Unreachable


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_back_off_past_the_deadline_is_cut_to_a_last_try_at_the_deadline() -> None:
    # every back-off is 1.5-3 s: the second one would pass the 2 s deadline
    timing = Timing(connect=0.5, backoff_base=3.0, backoff_cap=3.0, deadline_slack=0.5)
    client = ChecklyClient(
        f"http://127.0.0.1:{closed_port()}", "cu_key12345678", None, timing=timing
    )
    start = time.monotonic()
    with pytest.raises(Unreachable):
        client.get("/v1/test-sessions/x", start + 2.0)
    elapsed = time.monotonic() - start
    assert elapsed >= 1.95  # the last try came at the deadline, not before
    assert elapsed < 5.0
