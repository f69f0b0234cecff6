"""Trigger mode (SPEC §8), the whole gate against the simulator (and the fake GitHub).

What a trigger sends (bodies, metadata, the preview URL), what the gate makes of each answer
(201, the three forms of "no matching checks", 400, 401, 402, 429), the never-a-duplicate rule
(a session created but its answer lost: reset, 502, read timeout → exactly one session, judged),
cancel on exit at the deadline, and a `deployment_status` run up to the posted PR comment.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from gate.checkly.transport import Timing
from gate.reports.json_report import SCHEMA_VERSION
from gate.simulator import Fault, ScriptedResult, ScriptedSession, Simulator
from gate.simulator.catalogue import DeployedCheck
from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub, running
from tests.support.gate_run import PR_REPO, GateRun, assert_nothing_lost, run_gate
from tests.support.json_schema import VALIDATOR
from tests.support.paths import EVENTS
from tests.support.trigger_driver import CATALOGUE

FAST = Timing(
    connect=1.0, read_slack=0.5, deadline_slack=0.5, plain_read=1.0, backoff_base=0.05,
    backoff_cap=0.2,
)  # fmt: skip
SECRET = "s3cr3t-preview-token-value"
HEAD = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
GITHUB = {
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_SHA": HEAD,
    "GITHUB_REF": "refs/heads/checkout-retry",
    "GITHUB_REF_NAME": "checkout-retry",
    "GITHUB_RUN_ID": "4242",
    "GITHUB_RUN_NUMBER": "17",
    "GITHUB_RUN_ATTEMPT": "1",
}


def gate(sim: Simulator, tmp_path: Path, *args: str, **kw: Any) -> GateRun:
    kw.setdefault("timing", FAST)
    environ = {**GITHUB, **kw.pop("environ", {})}
    return run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        args=["--timeout", "20s", *args],
        environ=environ,
        **kw,
    )


def posts(sim: Simulator, path: str = "/v1/test-sessions/trigger") -> list[Any]:
    return [
        json.loads(r.request_body) for r in sim.requests if r.method == "POST" and r.path == path
    ]


def test_a_test_session_by_tag_joins_the_sessions_given_by_id(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    given = ScriptedSession("test", "PASSED", "Given by ID", results=[ScriptedResult("Home")])
    sim = simulator([given], catalogue=CATALOGUE)
    run = gate(sim, tmp_path, "--test-session-ids", given.id, "--tags", "production,webapp")
    assert run.code == 1, run.stdout  # Checkout fails
    (body,) = posts(sim)
    assert body["target"] == {"matchTags": [["production", "webapp"]]}
    assert body["runLocation"] == "eu-central-1"
    assert "environmentVariables" not in body and "retryStrategy" not in body
    name = body["name"]
    assert name.startswith("octo-org/shop · checks #17.1 · ")
    assert re.fullmatch(r"[0-9a-f]{8}", name.rsplit(" · ", 1)[1])  # the random token
    metadata = body["metadata"]
    assert metadata["repoUrl"] == "https://github.com/octo-org/shop"
    assert (metadata["commitId"], metadata["branchName"]) == (HEAD, "checkout-retry")
    assert "environment" not in metadata  # unknown: left out, never null
    assert metadata["github"]["reporting"] is False
    assert metadata["github"]["runId"] == "4242"
    assert None not in metadata.values() and None not in metadata["github"].values()
    triggered = run.report["trigger"]["sessionIds"]
    assert [s["id"] for s in run.sessions] == [given.id, *triggered]  # after the given ones
    assert run.outputs["test-session-id"] == triggered[0]
    assert run.outputs["test-session-url"].endswith(f"/test-sessions/{triggered[0]}")
    assert f'Triggered test session "{name}" {triggered[0]}: https://' in run.stdout
    assert run.stdout.index("Triggered test session") < run.stdout.index("Waiting for")
    assert_nothing_lost([given.id, *triggered], run.out_dir, run.stdout)


def test_no_filter_runs_every_eligible_check(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=CATALOGUE)
    run = gate(sim, tmp_path, "--trigger", "test-session", "--test-session-name", "Everything")
    (body,) = posts(sim)
    assert "target" not in body and re.fullmatch(r"Everything · [0-9a-f]{8}", body["name"])
    assert "(all eligible checks)" in run.stdout
    assert run.report["verdict"]["total"] == len(CATALOGUE)


def test_variables_retries_and_secrets(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=CATALOGUE)
    run = gate(
        sim, tmp_path, "--check-ids", CATALOGUE[3].id, "--retries", "2", "--location", "us-west-2",
        "--env", "ENVIRONMENT_URL=https://preview-7.example\nLOCALE='en-GB'",
        "--secret-env", f"PREVIEW_TOKEN={SECRET}",
    )  # fmt: skip
    assert run.code == 0, run.stdout
    (body,) = posts(sim)
    assert body["target"] == {"checkId": [CATALOGUE[3].id]}
    assert body["environmentVariables"] == [
        {"key": "ENVIRONMENT_URL", "value": "https://preview-7.example", "secret": False},
        {"key": "LOCALE", "value": "en-GB", "secret": False},
        {"key": "PREVIEW_TOKEN", "value": SECRET, "secret": True},
    ]
    assert body["retryStrategy"]["maxRetries"] == 2 and body["runLocation"] == "us-west-2"
    assert f"::add-mask::{SECRET}" in run.stdout
    for name, data in run.files().items():
        assert SECRET.encode() not in data, name
    assert run.stdout.count(SECRET) == 1  # its own add-mask line


def test_check_sessions_one_per_check(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=CATALOGUE)
    run = gate(sim, tmp_path, "--trigger", "check-sessions", "--tags", "production")
    assert posts(sim, "/v2/check-sessions/trigger") == [{"target": {"matchTags": [["production"]]}}]
    kinds = [(s["kind"], s["name"]) for s in run.sessions]
    assert kinds == [("check", "Homepage"), ("check", "Checkout"), ("check", "Orders API")]
    assert "Triggered 3 check sessions:" in run.stdout
    assert run.outputs["test-session-id"] == ""
    assert run.code == 1


# -- answers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["404", "403", "empty"])
@pytest.mark.parametrize("kind", ["test-session", "check-sessions"])
def test_no_matching_checks_fails_and_every_report_says_so(
    simulator: SimulatorFactory, tmp_path: Path, variant: str, kind: str
) -> None:
    sim = simulator(catalogue=CATALOGUE)
    sim.triggers.no_match = variant
    run = gate(sim, tmp_path, "--trigger", kind, "--tags", "nothing")
    assert run.code == 1, run.stdout
    words = "tags nothing matched no check"
    assert words in run.report["trigger"]["noMatchingChecks"]
    assert any(words in r for r in run.report["verdict"]["reasons"])
    assert words in run.summary and words in run.stdout
    VALIDATOR.validate(run.report)
    assert run.report["schemaVersion"] == SCHEMA_VERSION == 1
    suite = run.junit.find("testsuite[@id='trigger']")
    assert suite is not None and suite.get("failures") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None and words in (failure.get("message") or "")
    assert any(c.name == "error" and words in c.data for c in run.gate_errors())


def test_no_matching_checks_is_a_notice_when_allowed(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    given = ScriptedSession("check", "PASSED", "Given", results=[ScriptedResult("Status")])
    sim = simulator([given], catalogue=CATALOGUE)
    args = ("--check-session-ids", given.id, "--tags", "nothing", "--fail-on-no-matching", "false")
    run = gate(sim, tmp_path, *args)
    assert run.code == 0, run.stdout
    assert [s["id"] for s in run.sessions] == [given.id]
    notices = [c for c in run.commands if c.name == "notice"]
    assert any("matched no check" in c.data for c in notices)
    assert run.junit.find("testsuite[@id='trigger']/testcase/skipped") is not None
    assert run.report["verdict"]["result"] == "passed"


@pytest.mark.parametrize(
    ("code", "exit_code", "words"),
    [(400, 2, "Checkly refused the trigger (HTTP 400)"), (402, 3, "plan"), (401, 3, "api-key")],
)
def test_refusals_exit_with_the_apis_message(
    simulator: SimulatorFactory, tmp_path: Path, code: int, exit_code: int, words: str
) -> None:
    sim = simulator(catalogue=CATALOGUE)
    sim.triggers.fail("test-trigger", Fault.status(code, body=json.dumps(
        {"statusCode": code, "error": "Refused", "message": f"the API says {code}"}
    ).encode()))  # fmt: skip
    run = gate(sim, tmp_path, "--tags", "production")
    assert run.code == exit_code, run.stdout
    (error,) = run.gate_errors()
    assert f"the API says {code}" in error.data and words in error.data
    assert len(posts(sim)) == 1


def test_an_unknown_location_is_named_with_the_public_regions(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CATALOGUE)
    run = gate(sim, tmp_path, "--tags", "production", "--location", "eu-centrl-1")
    assert run.code == 2
    (error,) = run.gate_errors()
    assert "eu-centrl-1" in error.data and "eu-central-1, eu-north-1" in error.data
    assert any(r.path == "/v1/locations" for r in sim.requests)


def test_429_is_waited_for_and_sent_again(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=CATALOGUE)
    sim.triggers.fail("test-trigger", Fault.status(429, retry_after="1"))
    run = gate(sim, tmp_path, "--tags", "backend")
    assert run.code == 0 and len(posts(sim)) == 2
    first, second = [r.time for r in sim.requests if r.method == "POST"]
    assert second - first >= 0.9
    assert len(run.report["trigger"]["sessionIds"]) == 1


# -- never a duplicate ---------------------------------------------------------------------------


def settle(fault: Fault) -> None:
    """A held answer is recorded once the simulator lets it go."""
    time.sleep(fault.seconds + 0.2 if fault.kind == "hang" else 0)


def created(sim: Simulator) -> list[Any]:
    body = sim.triggers
    return [sid for sid in body.variables]  # every test session a trigger created


LOST = {
    "reset": Fault.reset(),
    "408": Fault.status(408),
    "500": Fault.status(500),
    "501": Fault.status(501),
    "502": Fault.status(502),
    "520": Fault.status(520),
    "524": Fault.status(524),
    "timeout": Fault.hang(2.0),
    "trickle": Fault.trickle(0.5),
    "unreadable-201": Fault.raw(201, b'{"testSessionId": "9c1'),
}


def token_of(sim: Simulator) -> str:
    return str(posts(sim)[0]["name"].rsplit(" · ", 1)[1])


@pytest.mark.parametrize("fault", LOST.values(), ids=LOST.keys())
def test_a_lost_answer_is_looked_up_never_sent_twice(
    simulator: SimulatorFactory, tmp_path: Path, fault: Fault
) -> None:
    """The session is created, its answer lost, and it is listed only 2 s later: the gate asks
    the list again (after 1, 2, 4 s) and adopts it; the trigger is never sent twice."""
    sim = simulator(catalogue=CATALOGUE)
    sim.triggers.list_lag = 3.0
    sim.triggers.lose_answer("test-trigger", fault)
    run = gate(sim, tmp_path, "--tags", "backend")
    settle(fault)
    assert len(posts(sim)) == 1  # never sent twice
    (session_id,) = created(sim)  # exactly one session
    lookups = [r for r in sim.requests if r.path == "/v1/test-sessions"]
    token = token_of(sim)
    assert {r.query["textSearch"] for r in lookups} == {token}
    if fault.kind not in ("hang", "trickle"):  # answered at once: listed after a second ask
        assert len(lookups) >= 2
    posted = next(r.time for r in sim.requests if r.method == "POST")
    assert lookups[0].time - posted >= 0.9  # the first look-up after 1 s
    assert 55 < time.time() - int(lookups[0].query["from"]) < 90  # POST time - 60 s
    assert run.report["trigger"]["sessionIds"] == [session_id]
    assert [s["id"] for s in run.sessions] == [session_id]
    assert f"Found the triggered test session by its token {token}" in run.stdout
    assert run.code == 0, run.stdout  # Orders API degrades; degraded does not fail


@pytest.mark.parametrize("code", [503, 501, 524])
def test_none_found_is_exit_3_and_never_sent_again(
    simulator: SimulatorFactory, tmp_path: Path, code: int
) -> None:
    """A 5xx answered before anything started looks the same as one after: never re-sent."""
    given = ScriptedSession("test", "PASSED", "Given by ID", results=[ScriptedResult("Home")])
    sim = simulator([given], catalogue=CATALOGUE)
    sim.triggers.fail("test-trigger", Fault.status(code))
    run = gate(
        sim, tmp_path, "--tags", "backend", "--timeout", "4s", "--test-session-ids", given.id
    )
    assert run.code == 3, run.stdout
    assert len(posts(sim)) == 1 and created(sim) == []
    token = token_of(sim)
    (error,) = run.gate_errors()
    for words in ("answer was lost", f"HTTP {code}", "not sent again", "no run starts twice"):
        assert words in error.data, error.data
    assert f"search for {token}" in error.data
    assert "https://app.checklyhq.com/test-sessions" in error.data
    assert run.elapsed < 4 + 2  # the look-up ends with the time left
    # The session given by ID is still awaited and in every report.
    assert_nothing_lost([given.id], run.out_dir, run.stdout)
    assert run.session(given.id)["outcome"] == "passed"
    assert run.outputs["result"] != "passed" and run.report["verdict"]["passed"] is False


def test_several_with_the_token_is_exit_3_naming_them(
    simulator: SimulatorFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gate.checkly.trigger_request.new_token", lambda: "3f9a1c07")
    sim = simulator(catalogue=CATALOGUE)
    sim.triggers.fail("test-trigger", Fault.status(502))
    twins = [sim.add(ScriptedSession("test", "PASSED", "Nightly · 3f9a1c07")) for _ in range(2)]
    run = gate(sim, tmp_path, "--tags", "backend", "--test-session-name", "Nightly")
    assert run.code == 3, run.stdout
    (error,) = run.gate_errors()
    assert "2 test sessions end with this run's token 3f9a1c07" in error.data
    assert all(t.id in error.data for t in twins)
    assert len(posts(sim)) == 1


def test_a_foreign_session_with_the_same_name_is_never_adopted(
    simulator: SimulatorFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another job's session of the same user-given name (even one that mentions the token)
    is not ours: only a name ending with this run's token is adopted."""
    monkeypatch.setattr("gate.checkly.trigger_request.new_token", lambda: "5e6d7c8b")
    sim = simulator(catalogue=CATALOGUE)
    for name in ("Nightly checks", "Nightly checks · 5e6d7c8b (copy)", "Nightly checks · 5e6d7c8"):
        sim.add(ScriptedSession("test", "PASSED", name))
    sim.triggers.lose_answer("test-trigger", Fault.status(502))
    run = gate(sim, tmp_path, "--tags", "backend", "--test-session-name", "Nightly checks")
    assert posts(sim)[0]["name"] == "Nightly checks · 5e6d7c8b"
    (mine,) = created(sim)
    assert [s["id"] for s in run.sessions] == [mine]
    assert run.code == 0, run.stdout


def test_no_trigger_after_the_deadline(simulator: SimulatorFactory, tmp_path: Path) -> None:
    """A 429 whose Retry-After is past the deadline: not sent again, and the sessions given
    by ID are still reported."""
    given = ScriptedSession("test", "PASSED", "Given by ID", results=[ScriptedResult("Home")])
    sim = simulator([given], catalogue=CATALOGUE)
    sim.triggers.fail("test-trigger", Fault.status(429, retry_after="5"))
    run = gate(
        sim, tmp_path, "--tags", "backend", "--timeout", "2s", "--test-session-ids", given.id
    )
    assert len(posts(sim)) == 1 and run.code == 3, run.stdout
    assert_nothing_lost([given.id], run.out_dir, run.stdout)
    assert run.report["sessions"][0]["id"] == given.id


CHECK_LOST = {k: LOST[k] for k in ("reset", "408", "501", "502", "520", "timeout", "trickle")}


@pytest.mark.parametrize("fault", CHECK_LOST.values(), ids=CHECK_LOST.keys())
def test_a_check_session_trigger_is_never_sent_twice(
    simulator: SimulatorFactory, tmp_path: Path, fault: Fault
) -> None:
    given = ScriptedSession("check", "PASSED", "Given by ID")
    sim = simulator([given], catalogue=CATALOGUE)
    sim.triggers.lose_answer("check-trigger", fault)
    args = ("--trigger", "check-sessions", "--tags", "production", "--check-session-ids", given.id)
    run = gate(sim, tmp_path, *args)
    settle(fault)
    assert run.code == 3
    assert len(posts(sim, "/v2/check-sessions/trigger")) == 1
    (error,) = run.gate_errors()
    assert "check runs may have started" in error.data
    assert "https://app.checklyhq.com/checks" in error.data
    assert_nothing_lost([given.id], run.out_dir, run.stdout)


# -- cancel on exit ------------------------------------------------------------------------------

SLOW = DeployedCheck("Slow suite", "PLAYWRIGHT", ("slow",), duration_s=60)


def test_the_deadline_cancels_triggered_sessions_only(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    given = ScriptedSession("test", "PASSED", "Given, slow", never_finishes=True)
    sim = simulator([given], catalogue=[SLOW], max_wait_cap=0.3)
    run = gate(sim, tmp_path, "--test-session-ids", given.id, "--tags", "slow", "--timeout", "2s")
    (triggered,) = run.report["trigger"]["sessionIds"]
    cancels = [r for r in sim.requests if r.path.endswith("/cancel")]
    assert [(r.path, r.request_body) for r in cancels] == [
        (f"/v1/test-sessions/{triggered}/cancel", b"{}")
    ]
    assert sim.triggers.cancelled == [triggered]
    assert run.report["trigger"]["cancelled"] == [
        {"id": triggered, "kind": "test", "result": "accepted"}
    ]
    assert run.session(given.id)["outcome"] == "incomplete"
    assert "cancel requested" in run.session(triggered)["note"]
    VALIDATOR.validate(run.report)  # `trigger` is in the schema, version 1 still
    assert "cancel requested" in run.summary and "Cancel requested" in run.stdout
    assert run.code == 1


def test_cancel_on_exit_false_cancels_nothing(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(catalogue=[SLOW], max_wait_cap=0.3)
    run = gate(sim, tmp_path, "--tags", "slow", "--timeout", "2s", "--cancel-on-exit", "false")
    assert not [r for r in sim.requests if r.path.endswith("/cancel")]
    assert run.report["trigger"]["cancelled"] == []


def test_a_refused_or_hung_cancel_is_noted_never_an_error(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=[SLOW], max_wait_cap=0.3)
    sim.triggers.fail("check-cancel", Fault.hang(5))
    run = gate(sim, tmp_path, "--trigger", "check-sessions", "--tags", "slow", "--timeout", "2s")
    assert run.code == 1 and run.elapsed < 2 + 0.5 + 2 + 1.5  # deadline, last read, the cancel
    (note,) = run.report["trigger"]["cancelled"]
    assert note["result"].startswith("no answer")


@pytest.mark.parametrize("status", [403, 404])
def test_a_403_or_404_cancel_is_noted_never_an_error(
    simulator: SimulatorFactory, tmp_path: Path, status: int
) -> None:
    sim = simulator(catalogue=[SLOW], max_wait_cap=0.3)
    sim.triggers.fail("test-cancel", Fault.status(status))
    run = gate(sim, tmp_path, "--tags", "slow", "--timeout", "2s")
    assert run.code == 1, run.stdout  # incomplete fails by default; no exit 3 for the cancel
    (note,) = run.report["trigger"]["cancelled"]
    assert note["result"].startswith(("refused (HTTP 403", "not found (HTTP 404)"))
    assert "cancel requested" in run.session(note["id"])["note"]


# -- the PR of a deployment ----------------------------------------------------------------------


def test_a_deployment_status_run_tests_the_preview_and_comments_on_its_pr(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CATALOGUE)
    environ = {
        "GITHUB_EVENT_NAME": "deployment_status",
        "GITHUB_EVENT_PATH": str(EVENTS / "deployment_status.json"),
        "GITHUB_REF_NAME": "",
        "GITHUB_REF": "",
    }
    with running() as github:
        github.add_pull(PR_REPO, 40, head="octo-org:old", sha="3" * 40, commits=(HEAD,))
        github.add_pull(PR_REPO, 41, head="octo-org:checkout-retry", sha=HEAD, updated_minutes=5)
        github.add_pull(PR_REPO, 43, head="octo-org:copy", sha=HEAD, updated_minutes=90)
        environ |= {"GITHUB_API_URL": github.url, "INPUT_GITHUB-TOKEN": "ghs_deploy_token_0123"}
        run = gate(sim, tmp_path, "--tags", "preview", "--pr-comment", "always", environ=environ)
        comments = {n: github.bodies(PR_REPO, n) for n in (40, 41, 43)}
        lookups = github.calls("GET", rf"/repos/{PR_REPO}/commits/{HEAD}/pulls")
    (body,) = posts(sim)
    url = "https://shop-git-checkout-retry-octo.vercel.app"
    assert {"key": "ENVIRONMENT_URL", "value": url, "secret": False} in body["environmentVariables"]
    assert body["metadata"]["environment"] == "Preview"
    assert f"ENVIRONMENT_URL={url} (the deployment's environment_url)" in run.stdout
    assert lookups  # the commits API, through PyGithub
    assert (len(comments[40]), len(comments[41]), len(comments[43])) == (0, 0, 1)  # most recent
    assert run.report["trigger"]["sessionIds"][0] in comments[43][0]
    assert run.code == 0, run.stdout


def test_target_url_when_the_deployment_has_no_environment_url(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(catalogue=CATALOGUE)
    environ = {
        "GITHUB_EVENT_NAME": "deployment_status",
        "GITHUB_EVENT_PATH": str(EVENTS / "deployment_status_target_url.json"),
    }
    run = gate(sim, tmp_path, "--tags", "preview", "--env", "LOCALE=de", environ=environ)
    (body,) = posts(sim)
    assert body["environmentVariables"][-1]["value"] == "https://staging-7.shop.example"
    assert "the deployment's target_url" in run.stdout
    given = gate(
        sim, tmp_path / "2", "--tags", "preview", "--env", "ENVIRONMENT_URL=https://mine.example",
        environ=environ,
    )  # fmt: skip
    assert posts(sim)[-1]["environmentVariables"] == [
        {"key": "ENVIRONMENT_URL", "value": "https://mine.example", "secret": False}
    ]
    assert given.code == 0


def test_a_fake_github_pull_without_a_matching_head_is_a_notice(tmp_path: Path) -> None:
    """The commit is in a PR, but no open PR has it as its head: no comment, a notice."""
    from gate.runner.pr_comment import upsert_comment

    github = FakeGitHub().start()
    try:
        github.add_pull(PR_REPO, 40, head="octo-org:old", sha="3" * 40, commits=(HEAD,))
        result = upsert_comment(
            token="ghs_token_0123456789",
            mode="always",
            key="k",
            gate_failed=False,
            environ={
                "GITHUB_EVENT_NAME": "deployment_status",
                "GITHUB_EVENT_PATH": str(EVENTS / "deployment_status.json"),
                "GITHUB_REPOSITORY": PR_REPO,
            },
            render=lambda history: "<!-- checkly-gate:k -->\nbody",
            entry=None,
            api_url=github.url,
        )
    finally:
        github.stop()
    assert result.action == "skipped" and "no open pull request" in (result.notice or "")
