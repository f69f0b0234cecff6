"""gate.runner.pr_comment against a local fake GitHub: only the gate's own comments are
edited, never a person's copy carrying the marker.
"""

from __future__ import annotations

import pytest

from gate.runner.comment_history import (
    marker_for,
)
from tests.support.fake_github import FakeGitHub
from tests.support.pr_comment import COMMENTS, FORBIDDEN, PAT, REPO, WHOAMI, entry, upsert

pytestmark = pytest.mark.usefixtures("quiet_network")


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
