"""gate.runner.pr_comment through the real PyGithub against a local fake GitHub (127.0.0.1):
create, edit and find the comment, never a duplicate, and the `pr-comment` modes.
"""

from __future__ import annotations

import pytest

from gate import USER_AGENT
from gate.runner.comment_history import (
    marker_for,
    parse_history,
)
from gate.runner.pr_comment import CommentResult
from tests.support.fake_github import FakeGitHub
from tests.support.pr_comment import COMMENT, COMMENTS, REPO, TOKEN, Renderer, entry, upsert

pytestmark = pytest.mark.usefixtures("quiet_network")


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
