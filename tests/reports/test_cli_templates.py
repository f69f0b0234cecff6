"""Custom comment templates through the whole gate: the marker they are checked against is the
run's own (`comment-key`), and a template that drops it only at run time still leaves every
other report and the outputs written (exit 2)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from gate.cli import main
from gate.runner import pr_comment
from gate.simulator import ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub, serving_pr
from tests.support.gate_run import gate_environ, run_gate
from tests.support.paths import ROOT
from tests.support.runner_rules import runner_commands

TOKEN = "ghs_" + "T3mpl4t3T0k3n" * 3
REPO = "octo-org/shop"  # as in the pull_request event fixture (PR 42)
KEY = ("--comment-key", "e2e")


def session() -> ScriptedSession:
    return ScriptedSession("test", "PASSED", "Smoke", results=[ScriptedResult("Home")])


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with serving_pr(TOKEN, REPO, head="octo-org:feature") as fake:
        yield fake


def test_a_template_without_the_marker_is_refused_naming_the_runs_marker(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    template = tmp_path / "comment.md.j2"
    template.write_text("Checkly says {{ verdict.result }}\n", encoding="utf-8")
    sim = simulator([])
    argv = ["--api-key", sim.api_key, "--account-id", sim.account_id, "--api-url", sim.url]
    argv += ["--test-session-ids", session().id, "--comment-template", str(template)]
    argv += ["--comment-key", "ci / e2e"]
    out = io.StringIO()
    code = main(argv, gate_environ(tmp_path / "runner"), out=out)
    assert code == 2, out.getvalue()
    (error,) = [c for c in runner_commands(out.getvalue()) if c.name == "error"]
    assert "<!-- checkly-gate:ci / e2e -->" in error.data
    assert "sample" not in error.data
    assert sim.requests == []  # refused before any request


def test_a_template_that_writes_the_runs_marker_itself_is_accepted(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    template = tmp_path / "comment.md.j2"
    template.write_text("<!-- checkly-gate:mine -->\n{{ verdict.result }}\n", encoding="utf-8")
    ok = session()
    sim = simulator([ok])
    run = run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[ok.id],
        args=["--comment-template", str(template), "--comment-key", "mine"],
    )
    assert run.code == 0, run.stdout


def test_a_marker_dropped_only_at_run_time_still_leaves_the_outputs(
    simulator: SimulatorFactory,
    tmp_path: Path,
    github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pr_comment, "_SECONDS_BETWEEN_WRITES", None)
    template = tmp_path / "comment.md.j2"  # the sample report has two sessions, this run one
    template.write_text(
        "{% if sessions | length == 2 %}{{ marker }}{% endif %}\n{{ verdict.result }}\n",
        encoding="utf-8",
    )
    ok = session()
    sim = simulator([ok])
    run = run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[ok.id],
        args=[*("--comment-template", str(template)), "--pr-comment", "always", *KEY],
        environ={
            "INPUT_GITHUB-TOKEN": TOKEN,
            "GITHUB_API_URL": github.url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(ROOT / "tests/fixtures/events/pull_request.json"),
        },
    )
    assert run.code == 2, run.stdout
    (error,) = run.gate_errors()
    assert "<!-- checkly-gate:e2e -->" in error.data
    assert github.bodies(REPO, 42) == []  # no comment it could not find again
    outputs = run.outputs
    assert (outputs["result"], outputs["total-count"], outputs["passed-count"]) == (
        "no-verdict",  # exit 2: the reports were written, the comment was not
        "1",
        "1",
    )
    assert outputs["comment-url"] == ""
    assert run.report["verdict"]["result"] == "passed"  # every other report was written
    assert "Smoke" in run.step_summary
