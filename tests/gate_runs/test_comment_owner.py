"""A PR comment is the gate's own only when its author is the token's own identity (SPEC §5),
not any bot: the whole gate against the fake GitHub, which refuses (403) to edit another
author's comment as GitHub does."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.runner import pr_comment
from gate.runner.comment_history import marker_for
from gate.simulator import ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub
from tests.support.gate_run import PR_NUMBER, PR_REPO, GateRun, pull_request_environ, run_gate

KEY = "checks/gate"  # the comment-key of run_gate's environment


def comment_run(simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub) -> GateRun:
    session = ScriptedSession("test", "PASSED", "Smoke", results=[ScriptedResult("Home")])
    sim = simulator([session])
    return run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[session.id],
        args=["--pr-comment", "always"],
        environ=pull_request_environ(github),
    )


@pytest.mark.parametrize(
    "token", ["ghp_machine_user_token_0123456789", "ghs_installation_0123456789"]
)
def test_another_apps_comment_with_the_marker_is_left_alone(
    simulator: SimulatorFactory,
    tmp_path: Path,
    github: FakeGitHub,
    token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pr_comment, "_SECONDS_BETWEEN_WRITES", None)
    github.token = token
    github.add_pull(PR_REPO, PR_NUMBER, head="octo-org:feature", sha="4f1c2d3e" + "0" * 32)
    copied = f"{marker_for(KEY)}\n### Checkly gate passed (copied by another app)"
    github.add_comment(PR_REPO, PR_NUMBER, copied, user="other-app[bot]")
    run = comment_run(simulator, tmp_path, github)
    assert run.code == 0, run.stdout
    bodies = github.bodies(PR_REPO, PR_NUMBER)
    assert bodies[0] == copied  # untouched
    assert len(bodies) == 2 and bodies[1].startswith(marker_for(KEY)), bodies
    assert "Checkly gate passed" in bodies[1]
    assert not github.calls("PATCH") and not github.calls("DELETE")
    own = github.comments[(PR_REPO, PR_NUMBER)][1]["id"]
    assert run.outputs["comment-url"].endswith(f"#issuecomment-{own}")
    assert "permission" not in run.stdout.lower(), run.stdout

    second = comment_run(simulator, tmp_path / "again", github)  # its own is found and edited
    assert second.code == 0, second.stdout
    assert len(github.bodies(PR_REPO, PR_NUMBER)) == 2
    assert len(github.calls("PATCH")) == 1
