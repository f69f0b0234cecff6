"""Which PR comments are the gate's own, so that it never edits or deletes a person's comment.

A comment is the gate's when both hold:

- its body **starts with** the marker: `compose_body` always puts the marker on the first line,
  whatever the template does, so a quote (`> <!-- checkly-gate:… -->`), a code block or a
  marker further down in someone's reply never counts;
- its **author** is a bot (`github-actions[bot]` for `GITHUB_TOKEN`, `<app>[bot]` for a GitHub
  App token) or the account the token belongs to (a personal access token). That account is
  asked of GitHub (`GET /user`, once) only when a marked comment was written by a person, and
  never for an installation token (`ghs_…`, `GITHUB_TOKEN` included): those may not read
  `/user`, and they write as a bot anyway.

So someone who pastes the gate's comment into their own is left alone, even when the gate's
comment is gone, and the gate creates a new one instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from github.IssueComment import IssueComment
    from github.MainClass import Github

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
        if comment.user.type == "Bot":
            return True
        login = self.login()
        return login is not None and comment.user.login == login

    def login(self) -> str | None:
        """The token's account, or None when the token may not say (it then writes as a bot)."""
        if self._asked:
            return self._login
        self._asked = True
        if self._token.startswith(_INSTALLATION_TOKEN_PREFIX):
            return None
        from github.GithubException import GithubException  # noqa: PLC0415 - PyGithub is imported only when a comment is written

        try:
            self._login = self._gh.get_user().login
        except GithubException as exc:
            if exc.status not in (403, 404):  # other problems end the upsert with a warning
                raise
        return self._login
