"""The sticky PR comment: one per PR and `comment-key`, edited in place, never duplicated.

`upsert_comment` never raises for GitHub problems: it returns `action="skipped"` and a notice
saying what to change, at level `notice` when that is expected on some PRs (no PR, no token, a 403
as on fork PRs), else `warning` (401, 404, 422, rate limits, 5xx, network). The comment's first
line is its marker; which marked comments are the gate's own: `gate.runner.comment_owner`;
the marker and the hidden history block: `gate.runner.comment_history`.
PyGithub is imported only when a comment is written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import requests

from gate import USER_AGENT
from gate.core.errors import GateError
from gate.core.masking import MIN_SECRET_LENGTH
from gate.runner.comment_history import HistoryEntry, compose_body, marker_for, parse_history
from gate.runner.comment_owner import CommentOwner, author, starts_with_marker
from gate.runner.events import PrTarget, find_pr
from gate.runner.fork_prs import open_pull_with_head

if TYPE_CHECKING:
    from github.GithubException import GithubException
    from github.Issue import Issue
    from github.IssueComment import IssueComment
    from github.MainClass import Github
    from github.Repository import Repository

DEFAULT_API_URL = "https://api.github.com"
_TIMEOUT_SECONDS = 15
_MAX_RETRY_AFTER_SECONDS = 10.0  # bounds every wait: 3 retries x at most 10 s
_SECONDS_BETWEEN_WRITES: float | None = 1.0  # GitHub's advice for content-creating requests
_TOKEN_PATTERN = re.compile(r"\b(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{10,}")
_PERMISSIONS_HINT = (
    "give the job `permissions: pull-requests: write` (or `issues: write`); pull requests "
    "from forks only get a read-only token, so comment from a `workflow_run` workflow instead "
    "(docs/github-actions.md, 'Pull requests from forks')"
)


@dataclasses.dataclass(frozen=True)
class CommentResult:
    """What happened to the comment, and a notice for the caller to print (never raised)."""

    url: str | None
    action: str  # "created" | "updated" | "skipped"
    notice: str | None = None
    level: str = "notice"  # "notice" | "warning"
    pr: int | None = None


def upsert_comment(
    *,
    token: str | None,
    mode: str,
    key: str,
    gate_failed: bool,
    environ: Mapping[str, str],
    render: Callable[[Sequence[HistoryEntry]], str],
    entry: HistoryEntry | None,
    pr_override: int | None = None,
    api_url: str | None = None,
) -> CommentResult:
    """Create or edit the PR comment of `key`; see the module docstring. Never raises for GitHub.

    `entry` is this run's line in the comment's history; None adds none (a run without a verdict).
    """
    if mode == "never":
        return CommentResult(None, "skipped")
    target = find_pr(environ, pr_override)
    if target.reason is not None or target.repo is None:
        return _skip(f"No PR comment: {target.reason}.", "notice")
    if not token:
        return _skip(
            "No PR comment: no GitHub token. The action passes `${{ github.token }}` by default; "
            "elsewhere set `github-token` or GITHUB_TOKEN.",
            "notice",
        )
    base_url = (api_url or environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    try:
        gh = _client(token, base_url)
        owner = CommentOwner(gh, token)
        return _upsert(
            gh, owner, target, mode=mode, key=key, failed=gate_failed, render=render, entry=entry
        )
    except GateError:
        raise  # a user's template problem is not a GitHub problem
    except Exception as exc:
        text, level = _explain(exc, target, base_url)
        return _skip(_redact(text, token), level, target.number)


def _upsert(
    gh: Github,
    owner: CommentOwner,
    target: PrTarget,
    *,
    mode: str,
    key: str,
    failed: bool,
    render: Callable[[Sequence[HistoryEntry]], str],
    entry: HistoryEntry | None,
) -> CommentResult:
    from github.GithubException import GithubException  # noqa: PLC0415 - PyGithub is imported only when a comment is written

    assert target.repo is not None
    repo = gh.get_repo(target.repo)
    number = target.number if target.number is not None else _lookup_pr(repo, target)
    if number is None:
        where = target.head_label or (target.commit_sha or "")[:12]
        return _skip(f"No PR comment: no open pull request found for {where} in {target.repo}.")
    target = dataclasses.replace(target, number=number)
    issue = repo.get_issue(number)
    marker = marker_for(key)
    found = _marked(issue, marker, owner)
    if not found and mode == "on-failure" and not failed:
        return CommentResult(None, "skipped", pr=number)
    history = parse_history(found[0].body or "", key) if found else []
    if entry is not None and target.head_sha and re.fullmatch(r"[0-9a-f]{40}", target.head_sha):
        entry = dataclasses.replace(entry, commit=target.head_sha)
    entries = history if entry is None else [entry, *history]
    body = compose_body(render(history), key, entries)
    if not found:
        return _create(issue, body, marker, number, owner)
    keep, extras = found[0], [c for c in found[1:] if author(c) == author(found[0])]
    keep.edit(body)
    for extra in extras:  # left by a lost answer or a race: the oldest one stays
        with contextlib.suppress(GithubException):  # best effort: the next run tries again
            extra.delete()
    return CommentResult(keep.html_url, "updated", pr=number)


def _create(
    issue: Issue, body: str, marker: str, number: int, owner: CommentOwner
) -> CommentResult:
    from github.GithubException import GithubException  # noqa: PLC0415 - PyGithub is imported only when a comment is written

    for attempt in range(2):
        try:
            return CommentResult(issue.create_comment(body).html_url, "created", pr=number)
        except (GithubException, requests.ConnectionError, requests.Timeout) as exc:
            lost = not isinstance(exc, GithubException) or exc.status >= 500
            if attempt or not lost:
                raise
            # The POST may have landed though its answer was lost: look before posting again.
            landed = _marked(issue, marker, owner)
            if landed:
                if landed[0].body != body:
                    landed[0].edit(body)
                return CommentResult(landed[0].html_url, "created", pr=number)
    raise AssertionError("unreachable")  # pragma: no cover


def _marked(issue: Issue, marker: str, owner: CommentOwner) -> list[IssueComment]:
    """The gate's comments of this marker, all pages, oldest first (`gate.runner.comment_owner`)."""
    marked = [c for c in issue.get_comments() if starts_with_marker(c.body, marker)]
    return sorted(filter(owner.owns, marked), key=lambda c: (c.created_at, c.id))


def _lookup_pr(repo: Repository, target: PrTarget) -> int | None:
    """The open PR of a fork's `workflow_run` (by head), or the open PR whose head is the
    commit (a push, a deployment: SPEC §5); several: the most recently updated. The commit
    route finds no fork PRs: then the open PRs are listed (`gate.runner.fork_prs`)."""
    if target.head_label:
        pulls = list(repo.get_pulls(state="open", head=target.head_label))
        pulls.sort(key=lambda p: (p.head.sha != target.head_sha, p.number))
        return pulls[0].number if pulls else None
    if not target.commit_sha:
        return None
    sha = target.commit_sha.lower()
    pulls = [
        p
        for p in repo.get_commit(target.commit_sha).get_pulls()
        if p.state == "open" and (p.head.sha or "").lower() == sha
    ]
    pulls.sort(key=lambda p: p.updated_at.timestamp() if p.updated_at else 0.0, reverse=True)
    return pulls[0].number if pulls else open_pull_with_head(repo, sha)


def _client(token: str, base_url: str) -> Github:
    from github import Auth, Github, GithubRetry  # noqa: PLC0415 - PyGithub is imported only when a comment is written

    class CommentRetry(GithubRetry):
        """GithubRetry that never resends a POST and caps every `Retry-After`."""

        def get_retry_after(self, response: Any) -> float | None:
            wait = super().get_retry_after(response)
            return None if wait is None else min(wait, _MAX_RETRY_AFTER_SECONDS)

    retry = CommentRetry(
        secondary_rate_wait=_MAX_RETRY_AFTER_SECONDS,
        max_rate_limit_wait=_MAX_RETRY_AFTER_SECONDS,
        total=3,
        backoff_factor=0.5,
        backoff_max=_MAX_RETRY_AFTER_SECONDS,
        status_forcelist=[429, *range(500, 600)],
        allowed_methods=frozenset({"GET", "PATCH", "DELETE"}),  # not POST: it would duplicate
        raise_on_status=False,
    )
    return Github(
        auth=Auth.Token(token),
        base_url=base_url,
        per_page=100,
        timeout=_TIMEOUT_SECONDS,
        retry=retry,
        user_agent=USER_AGENT,
        lazy=True,
        seconds_between_requests=None,
        seconds_between_writes=_SECONDS_BETWEEN_WRITES,
    )


def _explain(exc: Exception, target: PrTarget, base_url: str) -> tuple[str, str]:
    """A sentence saying what went wrong with the comment and what to change."""
    from github.GithubException import GithubException  # noqa: PLC0415 - PyGithub is imported only when a comment is written

    where = f"{target.repo}#{target.number}" if target.number else f"{target.repo}"
    if isinstance(exc, requests.RequestException):
        return (
            f"No PR comment: the GitHub API at {base_url} could not be reached "
            f"({type(exc).__name__}); check GITHUB_API_URL and HTTPS_PROXY/NO_PROXY.",
            "warning",
        )
    if not isinstance(exc, GithubException):
        return (
            f"No PR comment: unexpected {type(exc).__name__} (a bug, please report it).",
            "warning",
        )
    data = exc.data if isinstance(exc.data, dict) else {}
    parts = [
        data.get("message"),
        *(e.get("message") for e in data.get("errors") or [] if isinstance(e, dict)),
    ]
    message = " ".join(" ".join(str(p).split()) for p in parts if p)[:300]
    said = f"HTTP {exc.status}{': ' + message if message else ''}"
    if exc.status == 401:
        hint = "check `github-token` (env GITHUB_TOKEN): it is expired or invalid"
    elif _rate_limited(exc, message):
        hint = "GitHub's rate limit was reached; the comment will be written on the next run"
    elif exc.status == 403:  # expected on fork PRs: a notice, not a warning
        return f"No PR comment on {where} ({said}): {_PERMISSIONS_HINT}.", "notice"
    elif exc.status == 404:
        hint = f"check `pr-number` and that the token can see {target.repo}"
    elif exc.status == 422:
        hint = "GitHub refused the body; shorten `comment-template` if it is a custom one"
    else:
        hint = "GitHub had a problem; the comment will be written on the next run"
    return f"No PR comment on {where} ({said}): {hint}.", "warning"


def _rate_limited(exc: GithubException, message: str) -> bool:
    # A 403 without a body is the last of a rate-limited series: GithubRetry read it to decide.
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    return (
        exc.status == 429
        or "rate limit" in message.lower()
        or str(headers.get("x-ratelimit-remaining")) == "0"
        or (exc.status == 403 and exc.data is None)
    )


def _redact(text: str, token: str) -> str:
    if len(token.strip()) >= MIN_SECRET_LENGTH:
        text = text.replace(token, "***")
    return _TOKEN_PATTERN.sub("***", text)


def _skip(notice: str, level: str = "notice", pr: int | None = None) -> CommentResult:
    return CommentResult(None, "skipped", notice, level, pr)
