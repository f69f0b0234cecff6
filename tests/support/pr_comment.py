"""Shared by the PR comment tests: the tokens and repository of the fake GitHub, the event
environment, a history entry, a recording renderer and `upsert` with the usual arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gate.runner.comment_history import (
    HistoryEntry,
    marker_for,
)
from gate.runner.pr_comment import CommentResult, upsert_comment
from tests.support.fake_github import FakeGitHub
from tests.support.paths import EVENTS

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
