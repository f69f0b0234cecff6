"""gate.runner.pr_comment through the real PyGithub against a local fake GitHub (127.0.0.1)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from gate import USER_AGENT
from gate.runner import pr_comment
from gate.runner.comment_history import (
    MAX_COMMENT_CHARS,
    HistoryEntry,
    compose_body,
    data_block,
    marker_for,
    parse_history,
)
from gate.runner.pr_comment import CommentResult, upsert_comment
from tests.support.fake_github import FakeGitHub
from tests.support.paths import EVENTS, ROOT

TOKEN = "ghs_" + "S3cr3tT0k3n" * 3  # an installation token, like GITHUB_TOKEN
PAT = "ghp_" + "P3rs0nalT0k3n" * 3
REPO = "octo-org/shop"
FIXTURES = EVENTS  # GitHub event payloads
COMMENTS = r"/repos/octo-org/shop/issues/\d+/comments"
COMMENT = r"/repos/octo-org/shop/issues/comments/\d+"
WHOAMI = r"/user"
FORBIDDEN = {
    "message": "Resource not accessible by integration",
    "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
    "status": "403",
}


@pytest.fixture(autouse=True)
def _quiet_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setattr(pr_comment, "_SECONDS_BETWEEN_WRITES", None)
    # Never api.github.com from a test: a forgotten base URL fails fast on a closed local port.
    monkeypatch.setattr(pr_comment, "DEFAULT_API_URL", "http://127.0.0.1:9")


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(token=TOKEN).start()
    server.add_pull(REPO, 42, head="octo-org:checkout-retry", sha="4f1c2d3e" + "0" * 32)
    yield server
    server.stop()


def event_env(name: str = "pull_request", fixture: str | None = "pull_request") -> dict[str, str]:
    environ = {"GITHUB_EVENT_NAME": name, "GITHUB_REPOSITORY": REPO}
    if fixture:
        environ["GITHUB_EVENT_PATH"] = str(FIXTURES / f"{fixture}.json")
    return environ


def entry(n: int = 1, result: str = "passed", failing: int = 0) -> HistoryEntry:
    return HistoryEntry(
        time=f"2024-05-01T12:{n:02d}:00Z",
        result=result,
        total=5,
        failing=failing,
        commit=f"{n:040x}",
        run_url=f"https://github.com/{REPO}/actions/runs/{n}",
    )


class Renderer:
    """A render callback recording the history it was given."""

    def __init__(self, key: str = "ci/checkly") -> None:
        self.key = key
        self.seen: list[list[HistoryEntry]] = []

    def __call__(self, history: Sequence[HistoryEntry]) -> str:
        self.seen.append(list(history))
        rows = "\n".join(f"- {h.time} {h.result}" for h in history)
        return f"{marker_for(self.key)}\n## Checkly gate\n\n{rows}\n"


def upsert(fake: FakeGitHub, **kw: Any) -> CommentResult:
    key = kw.pop("key", "ci/checkly")
    args: dict[str, Any] = {
        "token": TOKEN,
        "mode": "always",
        "key": key,
        "gate_failed": False,
        "environ": event_env(),
        "render": Renderer(key),
        "entry": entry(),
        "api_url": fake.url,
    }
    args.update(kw)
    return upsert_comment(**args)


# -- create, edit, find ------------------------------------------------------------------------
def test_first_run_creates_the_comment(fake: FakeGitHub) -> None:
    result = upsert(fake)
    assert result.action == "created"
    assert result.notice is None
    assert result.pr == 42
    (body,) = fake.bodies(REPO, 42)
    assert marker_for("ci/checkly") in body
    assert result.url is not None
    assert result.url.startswith(f"https://github.com/{REPO}/pull/42#issuecomment-")
    assert len(fake.calls("POST")) == 1
    assert {r.authorization for r in fake.requests} == {f"token {TOKEN}"}
    assert {r.user_agent for r in fake.requests} == {USER_AGENT}


def test_second_run_edits_the_same_comment(fake: FakeGitHub) -> None:
    first = upsert(fake, entry=entry(1))
    second = upsert(fake, entry=entry(2, "failed", 2), gate_failed=True)
    assert (first.action, second.action) == ("created", "updated")
    assert first.url == second.url
    assert len(fake.bodies(REPO, 42)) == 1
    assert len(fake.calls("PATCH", COMMENT)) == 1
    assert [h.result for h in parse_history(fake.bodies(REPO, 42)[0], "ci/checkly")] == [
        "failed",
        "passed",
    ]


def test_marker_found_past_the_first_hundred_comments(fake: FakeGitHub) -> None:
    for i in range(230):
        fake.add_comment(REPO, 42, f"LGTM {i}", user="mona")
    mine = fake.add_comment(REPO, 42, f"{marker_for('ci/checkly')}\nold report")
    fake.add_comment(REPO, 42, "thanks!", user="mona")
    result = upsert(fake)
    assert result.action == "updated"
    assert result.url is not None
    assert result.url.endswith(f"#issuecomment-{mine}")
    assert len(fake.bodies(REPO, 42)) == 232
    pages = [r.query.get("page", "1") for r in fake.calls("GET", COMMENTS)]
    assert pages == ["1", "2", "3"]
    assert not fake.calls("POST")


def test_two_keys_make_two_comments(fake: FakeGitHub) -> None:
    for _ in range(2):
        assert upsert(fake, key="checkly / e2e").action in ("created", "updated")
        assert upsert(fake, key="checkly / api").action in ("created", "updated")
    bodies = fake.bodies(REPO, 42)
    assert len(bodies) == 2
    assert marker_for("checkly / e2e") in bodies[0]
    assert marker_for("checkly / api") in bodies[1]
    assert len(fake.calls("PATCH")) == 2


def test_history_accumulates_newest_first_capped_at_ten(fake: FakeGitHub) -> None:
    render = Renderer()
    for n in range(1, 13):  # pr-number given: no head commit from the event replaces ours
        upsert(fake, entry=entry(n), render=render, pr_override=42)
    assert render.seen[0] == []
    assert render.seen[1] == [entry(1)]
    assert [h.time for h in render.seen[2]] == [entry(2).time, entry(1).time]
    assert render.seen[-1] == [entry(n) for n in range(11, 1, -1)]  # run 1 fell off
    stored = parse_history(fake.bodies(REPO, 42)[0], "ci/checkly")
    assert [h.time for h in stored] == [entry(n).time for n in range(12, 2, -1)]


def test_pr_head_commit_is_recorded_in_the_history(fake: FakeGitHub) -> None:
    upsert(fake, entry=entry(1))
    (stored,) = parse_history(fake.bodies(REPO, 42)[0], "ci/checkly")
    assert (
        stored.commit == "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
    )  # head.sha, not the merge sha


def test_a_broken_data_block_reads_as_empty_history(fake: FakeGitHub) -> None:
    fake.add_comment(
        REPO, 42, f"{marker_for('ci/checkly')}\n<!-- checkly-gate-data:ci/checkly %%% -->"
    )
    render = Renderer()
    assert upsert(fake, render=render).action == "updated"
    assert render.seen == [[]]


# -- never duplicated --------------------------------------------------------------------------
def test_lost_post_response_does_not_duplicate(fake: FakeGitHub) -> None:
    fake.fail("POST", COMMENTS, 502, after=True)  # stored, but the answer is a 502
    result = upsert(fake)
    assert result.action == "created"
    assert result.url is not None
    assert len(fake.bodies(REPO, 42)) == 1
    assert len(fake.calls("POST")) == 1  # not resent by urllib3, nor by us: it had landed


def test_dropped_connection_after_storing_does_not_duplicate(fake: FakeGitHub) -> None:
    fake.fail("POST", COMMENTS, 0, after=True)
    assert upsert(fake).action == "created"
    assert len(fake.bodies(REPO, 42)) == 1
    assert len(fake.calls("POST")) == 1


def test_post_that_did_not_land_is_sent_once_more(fake: FakeGitHub) -> None:
    fake.fail("POST", COMMENTS, 503)
    assert upsert(fake).action == "created"
    assert len(fake.bodies(REPO, 42)) == 1
    assert len(fake.calls("POST")) == 2


def test_post_is_never_retried_blindly(fake: FakeGitHub) -> None:
    fake.fail("POST", COMMENTS, 500, times=10)
    result = upsert(fake)
    assert result.action == "skipped"
    assert result.level == "warning"
    assert result.notice is not None
    assert "HTTP 500" in result.notice
    assert len(fake.calls("POST")) == 2  # ours, then one more after checking it had not landed
    assert fake.bodies(REPO, 42) == []


def test_extra_marked_comments_are_deleted(fake: FakeGitHub) -> None:
    marker = marker_for("ci/checkly")
    oldest = fake.add_comment(REPO, 42, f"{marker}\nfirst")
    fake.add_comment(REPO, 42, "unrelated", user="mona")
    fake.add_comment(REPO, 42, f"{marker}\nduplicate")
    fake.add_comment(REPO, 42, f"> quoting\n{marker}", user="mona")  # a person's: left alone
    result = upsert(fake)
    assert result.action == "updated"
    assert result.url is not None
    assert result.url.endswith(f"#issuecomment-{oldest}")
    bodies = fake.bodies(REPO, 42)
    assert len(bodies) == 3
    assert "## Checkly gate" in bodies[0]
    assert bodies[1:] == ["unrelated", f"> quoting\n{marker}"]
    assert len(fake.calls("DELETE")) == 1


# -- only the gate's own comments --------------------------------------------------------------
def persons_copies(marker: str) -> list[str]:
    """What people write when they quote or paste the gate's comment."""
    return [
        f"> {marker}\n> ### Checkly gate failed\n\nWhy did this fail?",
        f"```\n{marker}\n### Checkly gate failed\n```",
        f"Copied from the bot:\n{marker}\n### Checkly gate failed",
        f"{marker}\n### Checkly gate failed\n\n(pasted, the bot's comment was deleted)",
    ]


def test_a_persons_comment_carrying_the_marker_is_left_alone(fake: FakeGitHub) -> None:
    copies = persons_copies(marker_for("ci/checkly"))
    for body in copies:  # the gate's own comment was deleted; these remain
        fake.add_comment(REPO, 42, body, user="mona")
    result = upsert(fake)
    assert result.action == "created"
    bodies = fake.bodies(REPO, 42)
    assert bodies[:4] == copies
    assert bodies[4].startswith(marker_for("ci/checkly"))
    assert not fake.calls("PATCH") and not fake.calls("DELETE")
    assert not fake.calls("GET", WHOAMI)  # an installation token writes as a bot: no need to ask


def test_the_gates_comment_is_found_on_page_two_past_peoples_copies(fake: FakeGitHub) -> None:
    marker = marker_for("ci/checkly")
    copies = persons_copies(marker)
    for body in copies:
        fake.add_comment(REPO, 42, body, user="mona")
    for i in range(120):
        fake.add_comment(REPO, 42, f"LGTM {i}", user="hubot")
    mine = fake.add_comment(REPO, 42, f"{marker}\nold report")  # github-actions[bot]
    fake.add_comment(REPO, 42, f"> {marker}\n> old report\n\nstill red?", user="mona")
    result = upsert(fake)
    assert result.action == "updated"
    assert result.url is not None
    assert result.url.endswith(f"#issuecomment-{mine}")
    bodies = fake.bodies(REPO, 42)
    assert bodies[:4] == copies
    assert "## Checkly gate" in bodies[124]
    assert [r.query.get("page", "1") for r in fake.calls("GET", COMMENTS)] == ["1", "2"]
    assert len(fake.calls("PATCH")) == 1
    assert not fake.calls("POST") and not fake.calls("DELETE")


def test_a_personal_access_token_finds_the_comments_of_its_account() -> None:
    server = FakeGitHub(token=PAT, actor="checkly-ci").start()  # a machine user, not a bot
    try:
        server.add_pull(REPO, 42)
        copies = persons_copies(marker_for("ci/checkly"))
        for body in copies:
            server.add_comment(REPO, 42, body, user="mona")
        for i in range(110):
            server.add_comment(REPO, 42, f"LGTM {i}", user="hubot")
        first = upsert(server, token=PAT, pr_override=42)
        assert first.action == "created"
        second = upsert(server, token=PAT, pr_override=42, entry=entry(2))
        assert (second.action, second.url) == ("updated", first.url)
        assert server.bodies(REPO, 42)[:4] == copies
        assert len(server.bodies(REPO, 42)) == 115
        # asked once a run, and only because a person's copy starts with the marker
        assert len(server.calls("GET", WHOAMI)) == 2
    finally:
        server.stop()


def test_a_token_that_cannot_say_who_it_is_trusts_only_bots() -> None:
    server = FakeGitHub(token=PAT).start()
    try:
        server.add_pull(REPO, 42)
        marker = marker_for("ci/checkly")
        server.add_comment(REPO, 42, f"{marker}\npasted", user="mona")
        mine = server.add_comment(REPO, 42, f"{marker}\nold report")  # github-actions[bot]
        server.fail("GET", WHOAMI, 403, body=FORBIDDEN)
        result = upsert(server, token=PAT, pr_override=42)
        assert result.action == "updated"
        assert result.url is not None
        assert result.url.endswith(f"#issuecomment-{mine}")
        assert server.bodies(REPO, 42)[0] == f"{marker}\npasted"
    finally:
        server.stop()


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


# -- modes -------------------------------------------------------------------------------------
def test_on_failure_does_not_create_when_passing(fake: FakeGitHub) -> None:
    render = Renderer()
    result = upsert(fake, mode="on-failure", gate_failed=False, render=render)
    assert result == CommentResult(None, "skipped", None, "notice", 42)
    assert fake.bodies(REPO, 42) == []
    assert render.seen == []


def test_on_failure_creates_when_failing_and_updates_when_fixed(fake: FakeGitHub) -> None:
    assert upsert(fake, mode="on-failure", gate_failed=True).action == "created"
    fixed = upsert(fake, mode="on-failure", gate_failed=False, entry=entry(2))
    assert fixed.action == "updated"
    assert len(fake.bodies(REPO, 42)) == 1


def test_never_makes_no_request(fake: FakeGitHub) -> None:
    assert upsert(fake, mode="never") == CommentResult(None, "skipped")
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
    from gate.errors import TemplateMissingMarker

    def render(history: Sequence[HistoryEntry]) -> str:
        raise TemplateMissingMarker("the comment template lost the marker")

    with pytest.raises(TemplateMissingMarker):
        upsert(fake, render=render)


# -- which PR, through the API -----------------------------------------------------------------
def test_fork_workflow_run_finds_the_pr_by_head(fake: FakeGitHub) -> None:
    fake.add_pull(REPO, 56, head="contributor:fix-typo", sha="1" * 40, state="closed")
    fake.add_pull(
        REPO, 57, head="contributor:fix-typo", sha="9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"
    )
    fake.add_pull(REPO, 58, head="someone:fix-typo", sha="2" * 40)
    result = upsert(fake, environ=event_env("workflow_run", "workflow_run_fork"))
    assert result.action == "created"
    assert result.pr == 57
    assert len(fake.bodies(REPO, 57)) == 1
    (lookup,) = fake.calls("GET", r"/repos/octo-org/shop/pulls")
    assert lookup.query["head"] == "contributor:fix-typo"
    assert lookup.query["state"] == "open"


def test_same_repo_workflow_run_needs_no_lookup(fake: FakeGitHub) -> None:
    result = upsert(fake, environ=event_env("workflow_run", "workflow_run_same_repo"))
    assert result.pr == 42
    assert not fake.calls("GET", r"/repos/.*/pulls.*")


def test_push_finds_the_open_pr_of_the_commit(fake: FakeGitHub) -> None:
    sha = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
    fake.add_pull(REPO, 40, head="octo-org:old", sha="3" * 40, state="closed", commits=(sha,))
    fake.add_pull(REPO, 41, head="octo-org:checkout-retry", sha=sha)
    result = upsert(fake, environ=event_env("push", "push"))
    assert (result.action, result.pr) == ("created", 41)
    assert fake.calls("GET", rf"/repos/octo-org/shop/commits/{sha}/pulls")


def test_push_without_an_open_pr_is_a_notice(fake: FakeGitHub) -> None:
    result = upsert(fake, environ=event_env("push", "push"))
    assert result.action == "skipped"
    assert result.notice is not None
    assert "no open pull request" in result.notice


def test_issue_comment_on_a_pr(fake: FakeGitHub) -> None:
    assert upsert(fake, environ=event_env("issue_comment", "issue_comment_pr")).pr == 42


# -- GitHub Enterprise Server ------------------------------------------------------------------
def test_ghes_api_prefix_from_github_api_url(fake: FakeGitHub) -> None:
    for i in range(150):
        fake.add_comment(REPO, 42, f"comment {i}", user="mona")
    environ = {**event_env(), "GITHUB_API_URL": fake.ghes_url}
    assert upsert(fake, environ=environ, api_url=None).action == "created"
    assert upsert(fake, environ=environ, api_url=None, entry=entry(2)).action == "updated"
    assert {r.prefix for r in fake.requests} == {"/api/v3"}
    assert len(fake.calls("GET", COMMENTS)) == 4  # two pages, twice
    assert len(fake.bodies(REPO, 42)) == 151


# -- the body ----------------------------------------------------------------------------------
def test_body_stays_under_the_limit_and_keeps_the_marker() -> None:
    history = [entry(n) for n in range(1, 11)]
    body = compose_body("x" * 70_000, "k", history)
    assert len(body) < MAX_COMMENT_CHARS
    assert marker_for("k") in body
    assert parse_history(body, "k") == history
    assert "cut" in body


@pytest.mark.parametrize("length", [100, 70_000])
def test_the_marker_opens_the_body_wherever_the_template_put_it(length: int) -> None:
    marker = marker_for("k")
    body = compose_body("x" * length + f"\n{marker}\n", "k", [entry(1)])
    assert body.startswith(f"{marker}\n")
    assert len(body) < MAX_COMMENT_CHARS
    assert compose_body(f"{marker}\nreport", "k", []).count(marker) == 1


def test_history_entries_give_way_before_the_report_is_cut() -> None:
    history = [entry(n) for n in range(1, 11)]
    room = MAX_COMMENT_CHARS - len(data_block("k", history[:3])) - 40
    body = compose_body(f"{marker_for('k')}\n" + "y" * room, "k", history)
    assert len(body) < MAX_COMMENT_CHARS
    assert "cut" not in body
    assert 0 < len(parse_history(body, "k")) < 10


def test_marker_and_data_never_close_the_html_comment_early() -> None:
    key = "weird --> key <!-- \n x"
    marker = marker_for(key)
    assert marker.count("-->") == 1
    assert marker.endswith(" -->")
    hostile = HistoryEntry("t-->", "passed", 1, 0)
    block = data_block(key, [hostile])
    assert block.count("-->") == 1
    assert parse_history(block, key) == [hostile]


@pytest.mark.parametrize(
    "payload",
    [
        [1, 2],
        {"history": "nope"},
        {"history": [{"time": "t", "result": "maybe", "total": 1, "failing": 0}]},
        {"history": [{"time": "t", "result": "passed", "total": True, "failing": 0}]},
        {
            "history": [
                {
                    "time": "t",
                    "result": "passed",
                    "total": 1,
                    "failing": 0,
                    "run_url": "javascript:alert(1)",
                }
            ]
        },
    ],
)
def test_garbage_history_is_dropped(payload: Any) -> None:
    import base64

    raw = base64.b64encode(json.dumps(payload).encode()).decode()
    assert parse_history(f"<!-- checkly-gate-data:k {raw} -->", "k") == []


def test_pygithub_is_imported_only_when_commenting() -> None:
    code = (
        "import gate.runner.pr_comment, gate.runner.events, sys; assert 'github' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_renderer_type(fake: FakeGitHub) -> None:
    render: Callable[[Sequence[HistoryEntry]], str] = lambda h: f"{marker_for('k')} {len(h)}"  # noqa: E731
    assert upsert(fake, key="k", render=render).action == "created"


def test_different_keys_never_share_a_marker() -> None:
    keys = ["deploy-e2e", "deploy--e2e", "a b", "a  b", "x", "x "]
    markers = [marker_for(k) for k in keys]
    assert len(set(markers)) == len(keys)
    assert marker_for("a-->b").count("-->") == 1  # only the marker's own end
