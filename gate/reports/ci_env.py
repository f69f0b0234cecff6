"""Where the gate ran, from the CI system's own variables: GitHub Actions, GitLab CI, CircleCI,
Jenkins, Bitbucket Pipelines. One function per system, each a mapping of `RunInfo` fields.

On GitHub the commit is the one the run tests: the PR head on pull-request events (the payload
says it; `GITHUB_SHA` is the merge commit there), else `GITHUB_SHA`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from gate.runner.events import find_pr

Fields = dict[str, str | None]
_GIT_URL = re.compile(r"(?:https?://(?:[^@/]+@)?|git@|ssh://git@)([^/:]+)[/:](.+?)(?:\.git)?/?$")


def ci_fields(environ: Mapping[str, str]) -> Fields:
    """The `RunInfo` fields this environment tells, with `ci` naming the system."""
    for detect, read in _SYSTEMS:
        if detect(environ):
            return read(_Env(environ))
    return {}


class _Env:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def __call__(self, *names: str) -> str | None:
        """The first of `names` that is set and not blank."""
        for name in names:
            value = (self.environ.get(name) or "").strip()
            if value:
                return value
        return None


def _github(get: _Env) -> Fields:
    server, repo, run_id = get("GITHUB_SERVER_URL"), get("GITHUB_REPOSITORY"), get("GITHUB_RUN_ID")
    head = find_pr(get.environ, None).head_sha if get("GITHUB_EVENT_NAME") else None
    sha = head if head and re.fullmatch(r"[0-9a-f]{40}", head) else get("GITHUB_SHA")
    return {
        "ci": "github",
        "repository": repo,
        "sha": sha,
        "ref": get("GITHUB_REF"),
        "workflow": get("GITHUB_WORKFLOW"),
        "job": get("GITHUB_JOB"),
        "run_id": run_id,
        "run_url": f"{server}/{repo}/actions/runs/{run_id}" if server and repo and run_id else None,
        "server_url": server,
        "event": get("GITHUB_EVENT_NAME"),
        "commit_url": f"{server}/{repo}/commit/{sha}" if server and repo and sha else None,
    }


def _gitlab(get: _Env) -> Fields:
    project, sha = get("CI_PROJECT_URL"), get("CI_COMMIT_SHA")
    return {
        "ci": "gitlab",
        "repository": get("CI_PROJECT_PATH"),
        "sha": sha,
        "ref": get("CI_COMMIT_REF_NAME"),
        "workflow": get("CI_PIPELINE_NAME"),
        "job": get("CI_JOB_NAME"),
        "run_id": get("CI_PIPELINE_ID"),
        "run_url": get("CI_PIPELINE_URL", "CI_JOB_URL"),
        "server_url": get("CI_SERVER_URL"),
        "event": get("CI_PIPELINE_SOURCE"),
        "commit_url": f"{project}/-/commit/{sha}" if project and sha else None,
    }


def _circleci(get: _Env) -> Fields:
    owner, name = get("CIRCLE_PROJECT_USERNAME"), get("CIRCLE_PROJECT_REPONAME")
    server, repo = _from_git_url(get("CIRCLE_REPOSITORY_URL"))
    repo = f"{owner}/{name}" if owner and name else repo
    sha = get("CIRCLE_SHA1")
    return {
        "ci": "circleci",
        "repository": repo,
        "sha": sha,
        "ref": get("CIRCLE_BRANCH", "CIRCLE_TAG"),
        "workflow": get("CIRCLE_WORKFLOW_ID"),
        "job": get("CIRCLE_JOB"),
        "run_id": get("CIRCLE_BUILD_NUM"),
        "run_url": get("CIRCLE_BUILD_URL"),
        "server_url": server,
        "event": "pull_request" if get("CIRCLE_PULL_REQUEST") else None,
        "commit_url": _commit_url(server, repo, sha),
    }


def _jenkins(get: _Env) -> Fields:
    server, repo = _from_git_url(get("GIT_URL"))
    sha = get("GIT_COMMIT")
    return {
        "ci": "jenkins",
        "repository": repo,
        "sha": sha,
        "ref": get("BRANCH_NAME", "GIT_BRANCH"),
        "workflow": None,
        "job": get("JOB_NAME"),
        "run_id": get("BUILD_NUMBER", "BUILD_ID"),
        "run_url": get("BUILD_URL"),
        "server_url": server,
        "event": "pull_request" if get("CHANGE_ID") else None,
        "commit_url": _commit_url(server, repo, sha),
    }


def _bitbucket(get: _Env) -> Fields:
    repo, sha, build = (
        get("BITBUCKET_REPO_FULL_NAME"),
        get("BITBUCKET_COMMIT"),
        get("BITBUCKET_BUILD_NUMBER"),
    )
    server = "https://bitbucket.org"
    return {
        "ci": "bitbucket",
        "repository": repo,
        "sha": sha,
        "ref": get("BITBUCKET_BRANCH", "BITBUCKET_TAG"),
        "workflow": get("BITBUCKET_PIPELINE_UUID"),
        "job": get("BITBUCKET_STEP_UUID"),
        "run_id": build,
        "run_url": f"{server}/{repo}/pipelines/results/{build}" if repo and build else None,
        "server_url": server,
        "event": "pull_request" if get("BITBUCKET_PR_ID") else None,
        "commit_url": _commit_url(server, repo, sha),
    }


def _from_git_url(url: str | None) -> tuple[str | None, str | None]:
    """(https://host, owner/name) of a clone URL (https or ssh), or (None, None)."""
    match = _GIT_URL.match(url or "")
    if not match:
        return None, None
    return f"https://{match.group(1)}", match.group(2)


def _commit_url(server: str | None, repo: str | None, sha: str | None) -> str | None:
    if not (server and repo and sha):
        return None
    if "bitbucket" in server:
        return f"{server}/{repo}/commits/{sha}"
    if "gitlab" in server:
        return f"{server}/{repo}/-/commit/{sha}"
    return f"{server}/{repo}/commit/{sha}"


_SYSTEMS: tuple[tuple[Callable[[Mapping[str, str]], bool], Callable[[_Env], Fields]], ...] = (
    (
        lambda env: any(env.get(n) for n in ("GITHUB_RUN_ID", "GITHUB_SHA", "GITHUB_REPOSITORY")),
        _github,
    ),
    (lambda env: env.get("GITLAB_CI") == "true" or bool(env.get("CI_PIPELINE_ID")), _gitlab),
    (lambda env: env.get("CIRCLECI") == "true" or bool(env.get("CIRCLE_BUILD_URL")), _circleci),
    (lambda env: bool(env.get("BITBUCKET_BUILD_NUMBER")), _bitbucket),
    (lambda env: bool(env.get("BUILD_URL") or env.get("JENKINS_URL")), _jenkins),
)
