"""The open pull request whose head is a commit, when GitHub's commit route finds none.

`GET /repos/{owner}/{repo}/commits/{sha}/pulls` lists the PRs of commits in the repository
itself, so the head of a fork's PR is never found there (a preview deployment of a fork gets no
comment). SPEC §5: then the open pull requests are listed, most recently updated first, at most
3 pages, and the one whose `head.sha` is the commit is taken (several: the most recently
updated, which is the first found).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from github.Repository import Repository

MAX_PAGES = 3
PER_PAGE = 100  # the client's page size (`gate.runner.pr_comment`)


def open_pull_with_head(repo: Repository, sha: str) -> int | None:
    """The number of the most recently updated open PR whose head is `sha`, or None. PyGithub
    fetches the pages lazily: no page past the third is asked for."""
    pulls = repo.get_pulls(state="open", sort="updated", direction="desc")
    for pull in itertools.islice(pulls, MAX_PAGES * PER_PAGE):
        if (pull.head.sha or "").lower() == sha.lower():
            return int(pull.number)
    return None
