"""gate.runner.ci_context: the default test-session name, metadata and the preview URL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from gate.runner.ci_context import run_context
from tests.support.paths import EVENTS

NOW = datetime(2026, 5, 4, 12, 30, 5, tzinfo=UTC)
GITHUB = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_REPOSITORY": "octo-org/shop",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_WORKFLOW": "e2e",
    "GITHUB_RUN_NUMBER": "17",
    "GITHUB_RUN_ATTEMPT": "2",
    "GITHUB_SHA": "c" * 40,
    "GITHUB_REF_NAME": "main",
    "GITHUB_EVENT_NAME": "push",
}


def test_github_push() -> None:
    context = run_context(GITHUB, NOW)
    assert context.default_name == "octo-org/shop · e2e #17.2"
    assert context.metadata == {
        "repoUrl": "https://github.com/octo-org/shop",
        "commitId": "c" * 40,
        "branchName": "main",
        "github": {
            "reporting": False,
            "repository": "octo-org/shop",
            "sha": "c" * 40,
            "runAttempt": "2",
            "workflow": "e2e",
            "eventName": "push",
            "serverUrl": "https://github.com",
        },
    }
    assert context.environment_url is None


def test_github_pull_request_names_the_pr_and_its_head() -> None:
    environ = GITHUB | {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(EVENTS / "pull_request.json"),
        "GITHUB_HEAD_REF": "checkout-retry",
        "GITHUB_REF_NAME": "42/merge",
    }
    context = run_context(environ, NOW)
    assert context.default_name == "octo-org/shop · e2e #17.2 · PR #42"
    assert context.metadata["commitId"] == "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
    assert context.metadata["branchName"] == "checkout-retry"


def test_a_fork_pull_request_sends_the_head_repository_and_sha(tmp_path: Path) -> None:
    payload = json.loads((EVENTS / "pull_request.json").read_text("utf-8"))
    payload["pull_request"]["head"]["repo"]["full_name"] = "contributor/shop"
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), "utf-8")
    environ = GITHUB | {
        "GITHUB_EVENT_NAME": "pull_request_target",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_SHA": "d" * 40,  # the merge commit (or, on pull_request_target, the base's head)
    }
    github = run_context(environ, NOW).metadata["github"]
    assert github["repository"] == "contributor/shop"  # as checkly-action sends it
    assert github["sha"] == payload["pull_request"]["head"]["sha"]


def test_github_deployment_status() -> None:
    environ = GITHUB | {
        "GITHUB_EVENT_NAME": "deployment_status",
        "GITHUB_EVENT_PATH": str(EVENTS / "deployment_status.json"),
    }
    context = run_context(environ, NOW)
    assert context.environment_url == "https://shop-git-checkout-retry-octo.vercel.app"
    assert context.environment_url_from == "the deployment's environment_url"
    assert context.metadata["environment"] == "Preview"
    other = environ | {"GITHUB_EVENT_PATH": str(EVENTS / "deployment_status_target_url.json")}
    assert run_context(other, NOW).environment_url == "https://staging-7.shop.example"


def test_gitlab_and_elsewhere() -> None:
    gitlab = {
        "GITLAB_CI": "true",
        "CI_PROJECT_URL": "https://gitlab.com/acme/shop",
        "CI_PROJECT_PATH": "acme/shop",
        "CI_PIPELINE_IID": "88",
        "CI_COMMIT_SHA": "d" * 40,
        "CI_COMMIT_REF_NAME": "feature",
        "CI_ENVIRONMENT_NAME": "review/feature",
    }
    context = run_context(gitlab, NOW)
    assert context.default_name == "acme/shop · pipeline #88"
    assert context.metadata == {
        "repoUrl": "https://gitlab.com/acme/shop",
        "commitId": "d" * 40,
        "branchName": "feature",
        "environment": "review/feature",
    }
    plain = run_context({}, NOW)
    assert (plain.default_name, dict(plain.metadata)) == (
        "checkly-gate 2026-05-04 12:30:05 UTC",
        {},
    )
