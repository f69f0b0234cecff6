"""Issue 12, items 18 and 21: where the run came from, on GitHub and in other CI systems."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gate.reports.json_report import report_dict
from gate.reports.report import Report, RunInfo
from gate.reports.templating import load_templates, render_comment, sample_report
from gate.runner.comment_history import HistoryEntry
from tests.support.paths import FIXTURES

NOW = datetime(2025, 8, 28, 18, 31, tzinfo=UTC)
SHA = "9f2c4e1a7b3d5f60182a4c6e8b0d2f4a6c8e0b1d"
MERGE = "1111111111111111111111111111111111111111"
HEAD = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"  # the fixture PR's head


def info(environ: dict[str, str]) -> RunInfo:
    return RunInfo.from_environ(environ, NOW, NOW)


def test_gitlab() -> None:
    run = info(
        {
            "GITLAB_CI": "true",
            "CI_PROJECT_PATH": "acme/webshop",
            "CI_PROJECT_URL": "https://gitlab.example.com/acme/webshop",
            "CI_SERVER_URL": "https://gitlab.example.com",
            "CI_COMMIT_SHA": SHA,
            "CI_COMMIT_REF_NAME": "main",
            "CI_PIPELINE_ID": "4711",
            "CI_PIPELINE_URL": "https://gitlab.example.com/acme/webshop/-/pipelines/4711",
            "CI_JOB_NAME": "checkly",
            "CI_PIPELINE_SOURCE": "merge_request_event",
        }
    )
    assert (run.ci, run.repository, run.sha, run.ref) == ("gitlab", "acme/webshop", SHA, "main")
    assert (run.run_id, run.job, run.event) == ("4711", "checkly", "merge_request_event")
    assert run.run_url == "https://gitlab.example.com/acme/webshop/-/pipelines/4711"
    assert run.server_url == "https://gitlab.example.com"
    assert run.commit_url == f"https://gitlab.example.com/acme/webshop/-/commit/{SHA}"


def test_circleci() -> None:
    run = info(
        {
            "CIRCLECI": "true",
            "CIRCLE_PROJECT_USERNAME": "acme",
            "CIRCLE_PROJECT_REPONAME": "webshop",
            "CIRCLE_REPOSITORY_URL": "git@github.com:acme/webshop.git",
            "CIRCLE_SHA1": SHA,
            "CIRCLE_BRANCH": "feature/x",
            "CIRCLE_BUILD_NUM": "88",
            "CIRCLE_BUILD_URL": "https://circleci.com/gh/acme/webshop/88",
            "CIRCLE_JOB": "gate",
        }
    )
    assert (run.ci, run.repository, run.sha, run.ref, run.job) == (
        "circleci", "acme/webshop", SHA, "feature/x", "gate",
    )  # fmt: skip
    assert (run.run_id, run.run_url) == ("88", "https://circleci.com/gh/acme/webshop/88")
    assert run.commit_url == f"https://github.com/acme/webshop/commit/{SHA}"


def test_jenkins() -> None:
    run = info(
        {
            "JENKINS_URL": "https://ci.example.com/",
            "BUILD_URL": "https://ci.example.com/job/webshop/12/",
            "BUILD_NUMBER": "12",
            "JOB_NAME": "webshop",
            "GIT_COMMIT": SHA,
            "GIT_BRANCH": "origin/main",
            "GIT_URL": "https://github.com/acme/webshop.git",
        }
    )
    assert (run.ci, run.run_url, run.run_id, run.job) == (
        "jenkins", "https://ci.example.com/job/webshop/12/", "12", "webshop",
    )  # fmt: skip
    assert (run.sha, run.ref, run.repository) == (SHA, "origin/main", "acme/webshop")


def test_bitbucket() -> None:
    run = info(
        {
            "BITBUCKET_BUILD_NUMBER": "31",
            "BITBUCKET_REPO_FULL_NAME": "acme/webshop",
            "BITBUCKET_COMMIT": SHA,
            "BITBUCKET_BRANCH": "main",
            "BITBUCKET_PR_ID": "5",
        }
    )
    assert (run.ci, run.repository, run.sha, run.ref, run.event) == (
        "bitbucket", "acme/webshop", SHA, "main", "pull_request",
    )  # fmt: skip
    assert run.run_url == "https://bitbucket.org/acme/webshop/pipelines/results/31"
    assert run.commit_url == f"https://bitbucket.org/acme/webshop/commits/{SHA}"


def test_nowhere_everything_is_null() -> None:
    run = info({"PATH": "/usr/bin"})
    assert (run.ci, run.repository, run.sha, run.run_url, run.commit_url) == (None,) * 5


def test_the_json_run_block_carries_them() -> None:
    report = sample_report()
    run = info({"GITLAB_CI": "true", "CI_COMMIT_SHA": SHA, "CI_JOB_URL": "https://g/j/1"})
    data = report_dict(Report(report.sessions, report.verdict, run))
    assert data["run"]["ci"] == "gitlab"
    assert data["run"]["sha"] == SHA and data["run"]["runUrl"] == "https://g/j/1"


# -- item 18 ---------------------------------------------------------------------------------
GITHUB = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "octo-org/shop",
    "GITHUB_RUN_ID": "99",
    "GITHUB_SHA": MERGE,
    "GITHUB_EVENT_NAME": "pull_request",
    "GITHUB_EVENT_PATH": str(FIXTURES / "events" / "pull_request.json"),
}


def test_on_a_pull_request_the_commit_is_the_head() -> None:
    run = info(GITHUB)
    assert run.sha == HEAD
    assert run.commit_url == f"https://github.com/octo-org/shop/commit/{HEAD}"
    assert info(GITHUB | {"GITHUB_EVENT_NAME": "push"}).sha == MERGE


def test_the_comment_links_one_commit_as_a_commit_and_the_run_as_the_run(tmp_path: Path) -> None:
    report = sample_report()
    report = Report(report.sessions, report.verdict, info(GITHUB))
    run_url = "https://github.com/octo-org/shop/actions/runs/98"
    history = [HistoryEntry("2025-08-28 18:00 UTC", "failed", 3, 1, HEAD, run_url)]
    marker = "<!-- checkly-gate:k -->"
    text = render_comment(report, load_templates(None, None), marker=marker, history=history)
    commit_link = f"https://github.com/octo-org/shop/commit/{HEAD}"
    assert f"[{HEAD[:7]}]({commit_link})" in text  # history: the commit cell links the commit
    assert f"[{HEAD[:7]}]({run_url})" not in text
    assert f"[2025-08-28 18:00 UTC]({run_url})" in text
    footer = text.strip().splitlines()[-1]
    assert f"commit [{HEAD[:7]}]({commit_link})" in footer
    assert MERGE[:7] not in text
    assert "[workflow run](https://github.com/octo-org/shop/actions/runs/99)" in footer


@pytest.mark.parametrize("name", ["pull_request.json"])
def test_the_fixture_head_is_what_the_test_assumes(name: str) -> None:
    payload = json.loads((FIXTURES / "events" / name).read_text("utf-8"))
    assert payload["pull_request"]["head"]["sha"] == HEAD
