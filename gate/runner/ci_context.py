"""What a CI run says about itself, for a trigger: the default name, `metadata`, the preview URL.

A pure function of the environment and the event payload (SPEC §8):
- GitHub (`GITHUB_ACTIONS=true`): `<repository> · <workflow> #<run number>.<attempt>`, plus
  `· PR #<n>` on pull-request events; `metadata` with `repoUrl`, `commitId` (the PR's head on
  pull-request events, else `GITHUB_SHA`), `branchName` (`GITHUB_HEAD_REF`, else
  `GITHUB_REF_NAME`), `environment` (the deployment's, on `deployment_status`) and `github`
  (`reporting: false` and the run's variables; on pull-request events `repository` and `sha`
  are the PR's head repository and head SHA, as checkly-action sends them);
- GitLab CI (`GITLAB_CI=true`): `repoUrl`, `commitId`, `branchName` and `environment` from
  `CI_PROJECT_URL`, `CI_COMMIT_SHA`, `CI_COMMIT_REF_NAME`, `CI_ENVIRONMENT_NAME`;
- elsewhere: `checkly-gate <UTC time>` and no metadata.
On `deployment_status` the deployment's `environment_url` (else `target_url`) becomes
`ENVIRONMENT_URL`. Unknown values are left out, never sent as null.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from gate.checkly.trigger_request import RunContext, default_name, known
from gate.runner.events import PULL_REQUEST_EVENTS, load_payload

GITHUB_FIELDS = {  # metadata.github field → the runner's variable
    "repository": "GITHUB_REPOSITORY",
    "sha": "GITHUB_SHA",
    "runId": "GITHUB_RUN_ID",
    "runAttempt": "GITHUB_RUN_ATTEMPT",
    "workflow": "GITHUB_WORKFLOW",
    "job": "GITHUB_JOB",
    "eventName": "GITHUB_EVENT_NAME",
    "ref": "GITHUB_REF",
    "headRef": "GITHUB_HEAD_REF",
    "baseRef": "GITHUB_BASE_REF",
    "serverUrl": "GITHUB_SERVER_URL",
}


def run_context(environ: Mapping[str, str], now: datetime | None = None) -> RunContext:
    """The `RunContext` of this run (see the module docstring)."""
    now = now or datetime.now(UTC)
    if environ.get("GITHUB_ACTIONS") == "true":
        return _github(environ, now)
    if environ.get("GITLAB_CI") == "true":
        metadata = known(
            {
                "repoUrl": environ.get("CI_PROJECT_URL"),
                "commitId": environ.get("CI_COMMIT_SHA"),
                "branchName": environ.get("CI_COMMIT_REF_NAME"),
                "environment": environ.get("CI_ENVIRONMENT_NAME"),
            }
        )
        project = environ.get("CI_PROJECT_PATH")
        pipeline = environ.get("CI_PIPELINE_IID") or environ.get("CI_PIPELINE_ID")
        name = f"{project} · pipeline #{pipeline}" if project and pipeline else None
        return RunContext(name or default_name(now), metadata)
    return RunContext(default_name(now))


def _github(environ: Mapping[str, str], now: datetime) -> RunContext:
    event = environ.get("GITHUB_EVENT_NAME") or ""
    payload = load_payload(environ.get("GITHUB_EVENT_PATH") or None)
    pr = _dict(payload.get("pull_request")) if event in PULL_REQUEST_EVENTS else {}
    head_sha = _str(_dict(pr.get("head")).get("sha"))
    repo = environ.get("GITHUB_REPOSITORY")
    server = environ.get("GITHUB_SERVER_URL")
    deployment = _dict(payload.get("deployment_status")) if event == "deployment_status" else {}
    environment = _str(deployment.get("environment")) or _str(
        _dict(payload.get("deployment")).get("environment") if deployment else None
    )
    metadata: dict[str, Any] = known(
        {
            "repoUrl": f"{server}/{repo}" if server and repo else None,
            "commitId": head_sha or environ.get("GITHUB_SHA"),
            "branchName": environ.get("GITHUB_HEAD_REF") or environ.get("GITHUB_REF_NAME"),
            "environment": environment,
        }
    )
    github = {k: environ.get(v) for k, v in GITHUB_FIELDS.items()}
    if pr:  # the PR's head, as checkly-action sends it: not the merge commit and base repository
        head = _dict(pr.get("head"))
        github["repository"] = _str(_dict(head.get("repo")).get("full_name")) or repo
        github["sha"] = head_sha or github["sha"]
    metadata["github"] = {"reporting": False, **known(github)}
    workflow, run = environ.get("GITHUB_WORKFLOW"), environ.get("GITHUB_RUN_NUMBER")
    name = " · ".join(p for p in (repo, workflow) if p) or "checkly-gate"
    if run:
        name += f" #{run}.{environ.get('GITHUB_RUN_ATTEMPT') or '1'}"
    number = pr.get("number") or payload.get("number") if pr else None
    if isinstance(number, int) and not isinstance(number, bool):
        name += f" · PR #{number}"
    url, source = None, None
    for field in ("environment_url", "target_url"):
        if _str(deployment.get(field)):
            url, source = _str(deployment.get(field)), f"the deployment's {field}"
            break
    return RunContext(name, metadata, url, source)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
