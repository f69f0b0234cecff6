"""Unit tests: Retry-After parsing, the rate limiter, the client's repr."""

from __future__ import annotations

import email.utils

import pytest

from gate.checkly.client import ChecklyClient
from gate.checkly.transport import RateLimiter, retry_after_seconds


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("0.5", None),
        ("-3", None),
        ("nan", None),
        ("inf", None),
        ("1e3", None),
        ("", None),
        (None, None),
        ("soon", None),
    ],
)
def test_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value) == expected


def test_retry_after_http_date() -> None:
    now = 1_800_000_000.0
    header = email.utils.formatdate(now + 7, usegmt=True)
    assert retry_after_seconds(header, now=now) == pytest.approx(7.0)
    past = email.utils.formatdate(now - 60, usegmt=True)
    assert retry_after_seconds(past, now=now) == 0.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_allows_a_burst_then_waits_for_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limit=3, window=10.0, clock=clock)
    assert [limiter.delay() for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now = 4.0
    assert limiter.delay() == pytest.approx(6.0)  # when the first leaves the window
    assert limiter.delay() == pytest.approx(6.0)
    assert limiter.delay() == pytest.approx(6.0)
    assert limiter.delay() == pytest.approx(16.0)
    clock.now = 40.0
    assert limiter.delay() == 0.0


def test_rate_limiter_lets_200_sessions_long_poll_without_waiting() -> None:
    """200 long-polls every 30 s (400 a minute) never wait, however long the sessions last:
    a 300 + 5/s token bucket ran dry after 90 s (bench: 200 sessions of 92 s ended 8 s late)."""
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    for cycle in range(20):
        clock.now = cycle * 30.0
        assert max(limiter.delay() for _ in range(200)) == 0.0


def test_rate_limiter_never_exceeds_600_in_any_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    sent: list[float] = []
    # 2,000 requests asked for at once: each goes out after its delay.
    for _ in range(2000):
        sent.append(clock.now + limiter.delay())
    sent.sort()
    window_start = 0
    for index, when in enumerate(sent):
        while sent[window_start] <= when - 60:
            window_start += 1
        assert index - window_start + 1 <= 600


def test_client_repr_hides_the_key() -> None:
    client = ChecklyClient("https://api.example/", "super-secret-key", "acc")
    assert "super-secret-key" not in repr(client)
    assert client.api_url == "https://api.example"
