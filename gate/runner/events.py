"""Which pull request does this run belong to? A pure function of the runner's env and payload.

`find_pr` reads `GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH` (the JSON payload) and
`GITHUB_REPOSITORY`. It never touches the network: when the PR can only be found through the
API (a `workflow_run` from a fork, a `push`, a `deployment_status` and the other events about a
commit), it returns a lookup hint that `gate.runner.pr_comment` resolves.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# Events whose payload carries the pull request itself.
PULL_REQUEST_EVENTS = frozenset(
    {
        "pull_request",
        "pull_request_target",
        "pull_request_review",
        "pull_request_review_comment",
    }
)
_ZERO_SHA = "0" * 40
_PAYLOAD_EVENTS = frozenset({"issue_comment", "workflow_run"})  # found from the payload only
# Events about a commit and no pull request: the PR is the open one whose head is that commit
# (`GET /repos/{owner}/{repo}/commits/{sha}/pulls`), the payload's field naming the commit.
COMMIT_EVENTS = {
    "deployment_status": ("deployment", "sha"),
    "deployment": ("deployment", "sha"),
    "check_suite": ("check_suite", "head_sha"),
    "check_run": ("check_run", "head_sha"),
    "status": (None, "sha"),
}


@dataclasses.dataclass(frozen=True)
class PrTarget:
    """The PR to comment on, or why there is none.

    `number` is set when the PR is known. When it is not, either `reason` says why (for the
    notice), or one of the lookup hints is set and the PR is found through the API:
    `head_label` (`owner:branch`, open PRs with that head) or `commit_sha` (PRs of a commit).
    `head_sha` is the PR's head commit when the payload tells it (for the history).
    """

    number: int | None
    repo: str | None
    reason: str | None = None
    event: str | None = None
    head_label: str | None = None
    commit_sha: str | None = None
    head_sha: str | None = None

    @property
    def needs_lookup(self) -> bool:
        return self.number is None and self.reason is None


def find_pr(environ: Mapping[str, str], override: int | None) -> PrTarget:
    """Find the PR of this run from the GitHub event; `override` (`pr-number`) wins."""
    event = environ.get("GITHUB_EVENT_NAME") or None
    repo = environ.get("GITHUB_REPOSITORY") or None
    path = environ.get("GITHUB_EVENT_PATH") or None
    payload, unreadable = _load_payload(path)
    if repo is None and isinstance(payload.get("repository"), dict):
        repo = _str(payload["repository"].get("full_name"))
    if override is not None:
        if repo is None:
            return PrTarget(
                None,
                None,
                f"`pr-number` is {override}, but the repository is unknown: "
                "set GITHUB_REPOSITORY (owner/name)",
                event,
            )
        return PrTarget(override, repo, None, event)
    if event is None:
        return PrTarget(
            None,
            repo,
            "not running in a GitHub Actions workflow (GITHUB_EVENT_NAME is not set); "
            "set `pr-number` and GITHUB_REPOSITORY to comment anyway",
        )
    if repo is None:
        return PrTarget(
            None, None, "the repository is unknown (GITHUB_REPOSITORY is not set)", event
        )
    if unreadable and (event in PULL_REQUEST_EVENTS or event in _PAYLOAD_EVENTS):
        return PrTarget(None, repo, unreadable, event)  # a push is found from GITHUB_SHA alone
    if event in PULL_REQUEST_EVENTS:
        return _from_pull_request(event, repo, payload)
    if event == "issue_comment":
        return _from_issue_comment(repo, payload)
    if event == "workflow_run":
        return _from_workflow_run(repo, payload)
    if event == "push":
        return _from_push(repo, payload, environ)
    if event in COMMIT_EVENTS:
        return _from_commit(event, repo, payload, environ)
    return PrTarget(None, repo, _no_pr_reason(event), event)


def _from_pull_request(event: str, repo: str, payload: Mapping[str, Any]) -> PrTarget:
    pr = _dict(payload.get("pull_request"))
    number = _int(pr.get("number")) or _int(payload.get("number"))
    if number is None:
        return PrTarget(
            None,
            repo,
            f"the `{event}` event payload (GITHUB_EVENT_PATH) names no pull request",
            event,
        )
    return PrTarget(number, repo, None, event, head_sha=_str(_dict(pr.get("head")).get("sha")))


def _from_issue_comment(repo: str, payload: Mapping[str, Any]) -> PrTarget:
    issue = _dict(payload.get("issue"))
    number = _int(issue.get("number"))
    if number is None:
        return PrTarget(
            None, repo, "the `issue_comment` event payload has no issue", "issue_comment"
        )
    if not issue.get("pull_request"):
        return PrTarget(
            None,
            repo,
            f"the comment is on issue #{number}, which is not a pull request",
            "issue_comment",
        )
    return PrTarget(number, repo, None, "issue_comment")


def _from_workflow_run(repo: str, payload: Mapping[str, Any]) -> PrTarget:
    run = _dict(payload.get("workflow_run"))
    head_sha = _str(run.get("head_sha"))
    repo_id = _dict(payload.get("repository")).get("id")
    candidates = [_dict(p) for p in run.get("pull_requests") or [] if isinstance(p, dict)]
    # The list may name PRs of other repositories (whose base is a fork): keep ours.
    ours = [
        p
        for p in candidates
        if repo_id is None or _dict(_dict(p.get("base")).get("repo")).get("id") in (None, repo_id)
    ]
    ours.sort(key=lambda p: _dict(p.get("head")).get("sha") != head_sha)
    for pr in ours:
        number = _int(pr.get("number"))
        if number is not None:
            return PrTarget(number, repo, None, "workflow_run", head_sha=head_sha)
    trigger = _str(run.get("event")) or "unknown"
    owner = _str(_dict(_dict(run.get("head_repository")).get("owner")).get("login"))
    branch = _str(run.get("head_branch"))
    if trigger in PULL_REQUEST_EVENTS and owner and branch:
        # Runs of fork PRs carry no pull_requests: find the open PR by its head.
        return PrTarget(
            None, repo, None, "workflow_run", head_label=f"{owner}:{branch}", head_sha=head_sha
        )
    if trigger == "push" and head_sha:
        return PrTarget(None, repo, None, "workflow_run", commit_sha=head_sha, head_sha=head_sha)
    return PrTarget(
        None,
        repo,
        f"the workflow run that triggered this one came from a `{trigger}` event "
        "and names no pull request",
        "workflow_run",
    )


def _from_push(repo: str, payload: Mapping[str, Any], environ: Mapping[str, str]) -> PrTarget:
    sha = _str(payload.get("after")) or environ.get("GITHUB_SHA") or None
    if payload.get("deleted") or sha is None or sha == _ZERO_SHA:
        return PrTarget(None, repo, "the push deleted a branch; there is no commit to find", "push")
    return PrTarget(None, repo, None, "push", commit_sha=sha, head_sha=sha)


def _from_commit(
    event: str, repo: str, payload: Mapping[str, Any], environ: Mapping[str, str]
) -> PrTarget:
    """`deployment_status` and the like: the commit deployed or checked, found by its PRs."""
    holder, field = COMMIT_EVENTS[event]
    sha = _str((_dict(payload.get(holder)) if holder else payload).get(field))
    sha = sha or environ.get("GITHUB_SHA") or None
    if sha is None:
        return PrTarget(None, repo, f"the `{event}` event names no commit", event)
    return PrTarget(None, repo, None, event, commit_sha=sha, head_sha=sha)


def _no_pr_reason(event: str) -> str:
    if event == "merge_group":
        return (
            "`merge_group` runs belong to the merge queue, not to one pull request "
            "(the PR's own run keeps the comment)"
        )
    if event in ("schedule", "workflow_dispatch", "repository_dispatch"):
        return f"the `{event}` event is not about a pull request; set `pr-number` to comment anyway"
    return f"the `{event}` event has no pull request; set `pr-number` to comment anyway"


def load_payload(path: str | None) -> dict[str, Any]:
    """The event payload, or {} when it is missing or unreadable (`find_pr` says why)."""
    return _load_payload(path)[0]


def _load_payload(path: str | None) -> tuple[dict[str, Any], str | None]:
    """The event payload, and why it could not be read (None when it could)."""
    if path is None:
        return {}, "the event file is unknown (GITHUB_EVENT_PATH is not set)"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        return {}, f"the event file {path} (GITHUB_EVENT_PATH) is unreadable: {exc.strerror or exc}"
    except (ValueError, RecursionError) as exc:
        why = f"not JSON ({exc})" if isinstance(exc, ValueError) else "nested too deeply"
        return {}, f"the event file {path} (GITHUB_EVENT_PATH) is unreadable: {why}"
    if not isinstance(data, dict):
        return {}, f"the event file {path} (GITHUB_EVENT_PATH) is unreadable: not a JSON object"
    return data, None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return int(value)
    return None
