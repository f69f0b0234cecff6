"""gate.runner.pr_comment against a local fake GitHub: retries and rate limits, and problems
becoming notices (expected on some PRs) or warnings (should not happen).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence

import pytest

from gate.runner import pr_comment
from gate.runner.comment_history import (
    HistoryEntry,
)
from gate.runner.pr_comment import upsert_comment
from tests.support.fake_github import FakeGitHub
from tests.support.pr_comment import (
    COMMENT,
    COMMENTS,
    FORBIDDEN,
    TOKEN,
    Renderer,
    entry,
    event_env,
    upsert,
)

pytestmark = pytest.mark.usefixtures("quiet_network")


# -- retries -----------------------------------------------------------------------------------
def test_get_is_retried_on_5xx(fake: FakeGitHub) -> None:
    fake.fail("GET", COMMENTS, 500)
    fake.fail("GET", COMMENTS, 502)
    assert upsert(fake).action == "created"
    assert len(fake.calls("GET", COMMENTS)) == 3


def test_patch_is_retried_and_retry_after_is_bounded(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pr_comment, "_MAX_RETRY_AFTER_SECONDS", 0.2)
    upsert(fake)
    fake.fail("PATCH", COMMENT, 429, headers={"Retry-After": "3600"})
    started = time.monotonic()
    assert upsert(fake).action == "updated"
    assert time.monotonic() - started < 5
    assert len(fake.calls("PATCH")) == 2


def test_a_long_rate_limit_is_not_waited_for(fake: FakeGitHub) -> None:
    reset = str(int(time.time()) + 3600)
    fake.fail(
        "GET",
        COMMENTS,
        403,
        body={"message": "API rate limit exceeded for installation ID 1."},
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
    )
    started = time.monotonic()
    result = upsert(fake)
    assert time.monotonic() - started < 5
    assert result.action == "skipped"
    assert result.level == "warning"  # a 403, but not a permission problem
    assert result.notice is not None
    assert "rate limit" in result.notice


@pytest.mark.parametrize("headers", [{}, {"Retry-After": "1"}])
def test_a_secondary_rate_limit_is_a_warning(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, headers: dict[str, str]
) -> None:
    monkeypatch.setattr(pr_comment, "_MAX_RETRY_AFTER_SECONDS", 0.05)
    limited = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."}
    fake.fail("GET", COMMENTS, 403, times=10, body=limited, headers=headers)
    result = upsert(fake)
    assert (result.action, result.level) == ("skipped", "warning")
    assert result.notice is not None
    assert "rate limit" in result.notice
    assert "pull-requests: write" not in result.notice
    assert len(fake.calls("GET", COMMENTS)) == 4  # retried, then given up: not a permission


def test_without_a_base_url_the_default_is_used(fake: FakeGitHub) -> None:
    result = upsert(fake, api_url=None)  # the autouse fixture points the default at a closed port
    assert result.action == "skipped"
    assert result.notice is not None
    assert "http://127.0.0.1:9" in result.notice
    assert fake.requests == []


# -- problems become notices (expected on some PRs) or warnings (should not happen) -------------
def test_forbidden_write_is_a_notice(fake: FakeGitHub) -> None:
    fake.fail("POST", COMMENTS, 403, body=FORBIDDEN)
    result = upsert(fake)
    assert result.action == "skipped"
    assert result.url is None
    assert result.level == "notice"
    assert result.notice is not None
    assert "Resource not accessible by integration" in result.notice
    assert "pull-requests: write" in result.notice
    assert "workflow_run" in result.notice
    assert len(fake.calls("POST")) == 1


def test_forbidden_edit_is_a_notice(fake: FakeGitHub) -> None:
    upsert(fake)
    fake.fail("PATCH", COMMENT, 403, body=FORBIDDEN)
    result = upsert(fake)
    assert result.action == "skipped"
    assert result.level == "notice"
    assert result.notice is not None
    assert "pull-requests: write" in result.notice


def test_no_token_is_a_notice(fake: FakeGitHub) -> None:
    for token in (None, ""):
        result = upsert(fake, token=token)
        assert result.action == "skipped"
        assert result.level == "notice"
        assert result.notice is not None
        assert "github-token" in result.notice
    assert fake.requests == []


def test_non_pr_event_is_a_notice(fake: FakeGitHub) -> None:
    result = upsert(fake, environ=event_env("schedule", "schedule"))
    assert result.action == "skipped"
    assert result.level == "notice"
    assert result.notice is not None
    assert "`schedule`" in result.notice
    assert fake.requests == []


def test_unknown_pr_is_a_warning(fake: FakeGitHub) -> None:
    result = upsert(fake, pr_override=999)
    assert result.action == "skipped"
    assert result.level == "warning"
    assert result.notice is not None
    assert "HTTP 404" in result.notice
    assert "pr-number" in result.notice


def test_too_long_is_a_warning(fake: FakeGitHub) -> None:
    body = {
        "message": "Validation Failed",
        "errors": [
            {
                "resource": "IssueComment",
                "code": "custom",
                "field": "body",
                "message": "body is too long (maximum is 65536 characters)",
            }
        ],
    }
    fake.fail("POST", COMMENTS, 422, body=body)
    result = upsert(fake)
    assert result.action == "skipped"
    assert result.level == "warning"
    assert result.notice is not None
    assert "body is too long" in result.notice


def test_unreachable_api_is_a_warning() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once closed
    result = upsert_comment(
        token=TOKEN,
        mode="always",
        key="k",
        gate_failed=True,
        environ=event_env(),
        render=Renderer("k"),
        entry=entry(),
        api_url=f"http://127.0.0.1:{port}",
    )
    assert result.action == "skipped"
    assert result.level == "warning"
    assert result.notice is not None
    assert "could not be reached" in result.notice


@pytest.mark.parametrize("status", [401, 403])
def test_the_token_never_appears_in_a_notice(fake: FakeGitHub, status: int) -> None:
    echo = {"message": f"token {TOKEN} is not allowed; also ghp_{'x' * 36} leaked"}
    fake.fail("GET", COMMENTS, status, body=echo)
    result = upsert(fake)
    assert result.action == "skipped"
    assert result.notice is not None
    assert TOKEN not in result.notice
    assert TOKEN not in repr(result)
    assert "ghp_" not in result.notice


def test_a_wrong_token_is_a_warning(fake: FakeGitHub) -> None:
    result = upsert(fake, token="ghs_wrongwrongwrongwrong")
    assert result.action == "skipped"
    assert result.level == "warning"
    assert result.notice is not None
    assert "HTTP 401" in result.notice
    assert "github-token" in result.notice
    assert "wrongwrong" not in result.notice


def test_a_template_error_is_not_swallowed(fake: FakeGitHub) -> None:
    from gate.core.errors import TemplateMissingMarker

    def render(history: Sequence[HistoryEntry]) -> str:
        raise TemplateMissingMarker("the comment template lost the marker")

    with pytest.raises(TemplateMissingMarker):
        upsert(fake, render=render)
