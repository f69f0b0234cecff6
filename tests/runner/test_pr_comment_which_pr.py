"""gate.runner.pr_comment against a local fake GitHub: which PR an event comments on, found
through the API, and the `/api/v3` prefix of GitHub Enterprise Server.
"""

from __future__ import annotations

import pytest

from tests.support.fake_github import FakeGitHub
from tests.support.pr_comment import COMMENTS, REPO, entry, event_env, upsert

pytestmark = pytest.mark.usefixtures("quiet_network")


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


def test_a_deployment_of_a_fork_pr_finds_it_by_listing_the_open_prs(fake: FakeGitHub) -> None:
    sha = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"  # the deployment's sha
    fake.add_pull(REPO, 70, head="contributor:old", sha=sha, state="closed", fork=True)
    fake.add_pull(REPO, 71, head="contributor:preview", sha=sha, fork=True, updated_minutes=5)
    fake.add_pull(REPO, 72, head="other:preview", sha=sha, fork=True, updated_minutes=9)
    for number in range(100, 180):  # more recently updated, other heads: the first page
        fake.add_pull(REPO, number, head=f"octo-org:b{number}", sha="5" * 40)
    result = upsert(fake, environ=event_env("deployment_status", "deployment_status"))
    assert (result.action, result.pr) == ("created", 72)  # the most recently updated
    assert fake.calls("GET", rf"/repos/octo-org/shop/commits/{sha}/pulls")  # asked first
    (listing, *_) = fake.calls("GET", r"/repos/octo-org/shop/pulls")
    assert (listing.query["sort"], listing.query["direction"]) == ("updated", "desc")


def test_the_open_prs_are_listed_at_most_three_pages(fake: FakeGitHub) -> None:
    sha = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
    fake.add_pull(REPO, 1, head="contributor:preview", sha=sha, fork=True, updated_minutes=0)
    for number in range(100, 420):  # 320 more recently updated PRs: the fork's is on page 4
        fake.add_pull(REPO, number, head=f"octo-org:b{number}", sha="5" * 40)
    result = upsert(fake, environ=event_env("deployment_status", "deployment_status"))
    assert result.action == "skipped" and result.notice is not None
    pages = [c.query.get("page", "1") for c in fake.calls("GET", r"/repos/octo-org/shop/pulls")]
    assert pages == ["1", "2", "3"]


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
