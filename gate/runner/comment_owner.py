"""Which PR comments are the gate's own, so that it never edits or deletes a person's comment.

A comment is the gate's when both hold:

- its body **starts with** the marker: `compose_body` always puts the marker on the first line,
  whatever the template does, so a quote (`> <!-- checkly-gate:… -->`), a code block or a
  marker further down in someone's reply never counts;
- its **author** is the token's own identity: the account `GET /user` names (a personal access
  token, a machine user), or `github-actions[bot]` for an installation token (`ghs_…`,
  `GITHUB_TOKEN` included), which may not read `/user`, or when `/user` is refused. Not any
  bot: another app's comment that starts with the marker is not the gate's (GitHub would
  refuse to edit it, and the gate would post nothing). The identity is asked of GitHub at most
  once a run, and only when a marked comment is found.

So someone who pastes the gate's comment into their own, or another app that copies it, is left
alone, even when the gate's comment is gone, and the gate creates a new one instead. The limit:
a GitHub App's own installation token writes as `<app>[bot]`, which it cannot learn; its
earlier comments are not recognised, and each run creates a new one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from github.IssueComment import IssueComment
    from github.MainClass import Github

GITHUB_ACTIONS_BOT = "github-actions[bot]"  # who GITHUB_TOKEN writes as
_INSTALLATION_TOKEN_PREFIX = "ghs_"  # noqa: S105 - a prefix GitHub documents, not a secret


def starts_with_marker(body: str | None, marker: str) -> bool:
    """The marker opens the body: not quoted, not fenced, not somewhere in a reply."""
    return (body or "").lstrip().startswith(marker)


def author(comment: IssueComment) -> str | None:
    return comment.user.login if comment.user else None


class CommentOwner:
    """Tells the gate's comments from other people's; asks GitHub who the token is at most once."""

    def __init__(self, gh: Github, token: str) -> None:
        self._gh = gh
        self._token = token
        self._asked = False
        self._login: str | None = None

    def owns(self, comment: IssueComment) -> bool:
        if comment.user is None:  # a deleted account ("ghost")
            return False
        return comment.user.login.lower() == self.login().lower()

    def login(self) -> str:
        """The token's own identity: its account, or `github-actions[bot]` for a token that may
        not say (an installation token: `GITHUB_TOKEN` writes as that bot)."""
        if self._asked:
            return self._login or GITHUB_ACTIONS_BOT
        self._asked = True
        if self._token.startswith(_INSTALLATION_TOKEN_PREFIX):
            return GITHUB_ACTIONS_BOT
        from github.GithubException import GithubException  # noqa: PLC0415 - PyGithub is imported only when a comment is written

        try:
            self._login = self._gh.get_user().login
        except GithubException as exc:
            if exc.status not in (401, 403, 404):  # other problems end the upsert with a warning
                raise
        return self._login or GITHUB_ACTIONS_BOT
