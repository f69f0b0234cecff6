"""The commit status (SPEC §11): `POST /repos/{owner}/{repo}/statuses/{sha}` through PyGithub.

`set_status` never raises for GitHub problems: it returns a notice saying what to change (no
token, a 403 without `statuses: write`, any other refusal or a GitHub that cannot be reached).
GitHub cuts a description at 140 characters; the gate cuts it first, on a word where it can.
PyGithub is imported only when a status is set.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import requests

from gate import USER_AGENT
from gate.core.masking import MIN_SECRET_LENGTH

DEFAULT_API_URL = "https://api.github.com"
MAX_DESCRIPTION = 140
_TIMEOUT_SECONDS = 15
PERMISSION_HINT = (
    "give the job `permissions: statuses: write`; pull requests from forks only get a "
    "read-only token"
)


@dataclasses.dataclass(frozen=True)
class StatusTarget:
    """Where a status goes: the repository, the commit and the context."""

    repo: str
    sha: str
    context: str


def describe(text: str) -> str:
    """At most 140 characters, cut on a word with `…` when it is longer."""
    text = " ".join(text.split())
    if len(text) <= MAX_DESCRIPTION:
        return text
    cut = text[: MAX_DESCRIPTION - 1]
    if " " in cut[MAX_DESCRIPTION // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut + "…"


def set_status(
    target: StatusTarget,
    state: str,
    description: str,
    *,
    token: str | None,
    environ: Mapping[str, str],
    target_url: str | None,
) -> str | None:
    """Set one status; None when it was set, else a notice saying why not."""
    if not token:
        return (
            "No commit status: no GitHub token. The action passes `${{ github.token }}` by "
            "default; elsewhere set `github-token` or GITHUB_TOKEN."
        )
    from github import Auth, Github  # noqa: PLC0415 - PyGithub is imported only when needed
    from github.GithubException import GithubException  # noqa: PLC0415 - the same
    from github.GithubObject import NotSet  # noqa: PLC0415 - the same

    base_url = (environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    gh = Github(
        auth=Auth.Token(token),
        base_url=base_url,
        timeout=_TIMEOUT_SECONDS,
        retry=None,
        user_agent=USER_AGENT,
        lazy=True,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    where = f"{target.repo}@{target.sha[:12]}"
    try:
        commit = gh.get_repo(target.repo).get_commit(target.sha)
        commit.create_status(
            state,
            target_url=target_url or NotSet,
            description=describe(description),
            context=target.context,
        )
    except GithubException as exc:
        said = f"HTTP {exc.status}"
        if exc.status == 403:
            return f"No commit status on {where} ({said}): {PERMISSION_HINT}."
        if exc.status == 401:
            return f"No commit status on {where} ({said}): check `github-token`."
        return _redact(f"No commit status on {where} ({said}): GitHub refused it.", token)
    except requests.RequestException as exc:
        return (
            f"No commit status on {where}: the GitHub API at {base_url} could not be reached "
            f"({type(exc).__name__})."
        )
    return None


def _redact(text: str, token: str) -> str:
    return text.replace(token, "***") if len(token.strip()) >= MIN_SECRET_LENGTH else text
