"""The simulator's trigger mode: catalogue, tag matching, triggers, cancels, list, faults.

As `test_simulator.py` does for the GETs, `test_every_post_matches_the_openapi_schema` drives
both triggers and both cancels through every status their OpenAPI entries document, and
validates what the simulator answered (and what was sent) against the schemas, closed.
`test_the_gates_bodies_match_the_request_schemas` runs the real gate and validates the bodies
it sent.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
from jsonschema import ValidationError

from gate.cli import main
from gate.simulator import Fault, ScriptedSession
from gate.simulator.catalogue import DeployedCheck, demo_catalogue
from tests.conftest import SimulatorFactory
from tests.support.evidence_driver import drive_evidence
from tests.support.openapi import (
    NOT_SERVED_YET,
    OPENAPI,
    template_of,
    validate_body,
    validator_for,
)
from tests.support.paths import EVENTS
from tests.support.trigger_driver import CATALOGUE, call, drive_trigger_mode

TRIGGER = "/v1/test-sessions/trigger"
CHECK_TRIGGER = "/v2/check-sessions/trigger"
BASE = {"name": "tests", "runLocation": "eu-west-1"}


def request_pointer(method: str, template: str) -> str:
    escaped = template.replace("~", "~0").replace("/", "~1")
    return f"/paths/{escaped}/{method.lower()}/requestBody/content/application~1json/schema"


def validate_request(method: str, path: str, body: bytes) -> None:
    template = template_of(method, path)
    assert template is not None, path
    validator_for(request_pointer(method, template)).validate(json.loads(body))


def validate_answer(method: str, path: str, status: int, body: bytes) -> tuple[str, int]:
    """A POST's answer: 204 has no body; the 403 of "no matching checks" carries the
    undocumented `errorCode` of Checkly's internal trigger (an open ApiError)."""
    template = template_of(method, path)
    assert template is not None, path
    responses = OPENAPI["paths"][template][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {template} does not document {status}"
    if status == 204:
        assert body == b""
        return template, status
    payload = json.loads(body)
    if status == 403 and payload.get("errorCode") == "ERR_NO_MATCHING_CHECKS":
        rest = {k: v for k, v in payload.items() if k != "errorCode"}
        validator_for("/components/schemas/ApiError").validate(rest)
        return template, status
    return validate_body(method, path, status, body)


def test_every_post_and_delete_matches_the_openapi_schema(simulator: SimulatorFactory) -> None:
    sim, limited = simulator(), simulator(rate_limit=0)
    drive_trigger_mode(sim, limited)
    drive_evidence(sim, limited)
    sim.triggers.no_match = "403"
    call(sim, "POST", TRIGGER, BASE | {"target": {"checkId": [CATALOGUE[0].id[::-1]]}})
    seen = set()
    for recorded in sim.requests + limited.requests:
        if recorded.method not in ("POST", "DELETE"):
            continue
        assert recorded.status is not None
        seen.add(validate_answer(recorded.method, recorded.path, recorded.status, recorded.body))
    documented = {
        (template, int(status))
        for template, item in OPENAPI["paths"].items()
        for method in ("post", "delete")
        if method in item and template not in NOT_SERVED_YET
        for status in item[method]["responses"]
    }
    assert documented - seen == set()


def test_the_schema_check_rejects_request_bodies_that_drift() -> None:
    good = {"name": "n", "runLocation": "eu-west-1", "target": {"matchTags": [["a"]]}}
    validate_request("POST", TRIGGER, json.dumps(good).encode())
    for bad in (
        {"runLocation": "eu-west-1"},  # name is required
        good | {"target": {"checkId": []} | {"tags": ["a"]}},  # an undocumented field
        good | {"metadata": {"github": {"sha": "abc"}}},  # github.reporting is required
        good | {"environmentVariables": [{"key": "A", "value": ""}]},  # a plain value of ""
        good | {"metadata": {"environment": None}},  # environment is not nullable
    ):
        with pytest.raises(ValidationError):
            validate_request("POST", TRIGGER, json.dumps(bad).encode())


def test_the_gates_bodies_match_the_request_schemas(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    """The real gate, every option that shapes a body, under GitHub on a pull_request event."""
    sim = simulator(catalogue=demo_catalogue())
    environ = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": "octo-org/shop",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_SHA": "9f2c4e1a7b3d5f60182a4c6e8b0d2f4a6c8e0b1d",
        "GITHUB_REF": "refs/pull/42/merge",
        "GITHUB_HEAD_REF": "feature",
        "GITHUB_BASE_REF": "main",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(EVENTS / "pull_request.json"),
        "GITHUB_RUN_ID": "7",
        "GITHUB_RUN_NUMBER": "12",
        "GITHUB_RUN_ATTEMPT": "2",
        "GITHUB_WORKFLOW": "checks",
        "GITHUB_JOB": "gate",
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "NO_PROXY": "127.0.0.1",
    }
    base = ["--api-url", sim.url, "--api-key", sim.api_key, "--account-id", sim.account_id]
    base += ["--pr-comment", "never", "--timeout", "20s"]
    runs = [
        ["--tags", "production,webapp", "--tags", "production,!slow", "--retries", "2"],
        ["--check-ids", f"https://app.checklyhq.com/checks/{demo_catalogue()[0].id}"],
        [
            *("--tags", "preview", "--env", "ENVIRONMENT_URL=https://preview.example"),
            *("--secret-env", "TOKEN=s3cr3t-t0ken", "--retries", "0", "--location", "us-east-1"),
        ],
        ["--trigger", "check-sessions", "--tags", "production,backend"],
        ["--trigger", "check-sessions"],
        ["--trigger", "test-session", "--test-session-name", "PR 42 checks"],
    ]
    for argv in runs:
        assert main(base + argv, environ, out=io.StringIO()) in (0, 1), argv
    posts = [r for r in sim.requests if r.method == "POST"]
    assert len(posts) == len(runs)
    for recorded in posts:
        assert recorded.status == 201, recorded.body
        validate_request("POST", recorded.path, recorded.request_body)
    first = json.loads(posts[0].request_body)
    assert first["metadata"]["github"]["reporting"] is False
    assert first["retryStrategy"] == {
        "type": "FIXED",
        "maxRetries": 2,
        "baseBackoffSeconds": 0,
        "sameRegion": True,
    }
    assert json.loads(posts[2].request_body)["retryStrategy"] is None
    assert json.loads(posts[4].request_body) == {}


# -- the catalogue and tag matching ----------------------------------------------------------


@pytest.mark.parametrize(
    ("match_tags", "check_ids", "expected"),
    [
        ([], [], ["Homepage", "Checkout", "Orders API", "Preview"]),
        ([["production"]], [], ["Homepage", "Checkout", "Orders API"]),
        ([["production", "webapp"]], [], ["Homepage", "Checkout"]),  # AND within a group
        ([["webapp"], ["backend"]], [], ["Homepage", "Checkout", "Orders API"]),  # OR across
        ([["production", "!webapp"]], [], ["Orders API"]),  # !tag excludes
        ([["production"]], [CATALOGUE[1].id], ["Checkout"]),  # check IDs AND tags
        ([["preview"]], [CATALOGUE[1].id], []),
        ([["nothing"]], [], []),
    ],
)
def test_tag_matching_as_checkly_documents_it(
    match_tags: list[list[str]], check_ids: list[str], expected: list[str]
) -> None:
    assert [c.name for c in CATALOGUE if c.matches(match_tags, check_ids)] == expected


def test_deactivated_checks_match_only_with_allow_deactivated() -> None:
    check = DeployedCheck("Off", tags=("a",), activated=False)
    assert not check.matches([], []) and not check.matches([["a"]], [check.id])
    assert check.matches([["a"]], [check.id], deactivated=True)


# -- triggers ----------------------------------------------------------------------------------


def test_a_test_session_trigger_runs_the_matched_checks_where_asked(
    simulator: SimulatorFactory,
) -> None:
    sim = simulator(catalogue=CATALOGUE)
    body = BASE | {"runLocation": "us-east-1", "target": {"matchTags": [["webapp"]]}}
    created = call(sim, "POST", TRIGGER, body).json()
    assert created["status"] == "RUNNING" or created["results"]
    done = call(sim, "GET", f"/v1/test-sessions/{created['testSessionId']}/completion").json()
    assert sorted(r["name"] for r in done["results"]) == ["Checkout", "Homepage"]
    assert {r["runLocation"] for r in done["results"]} == {"us-east-1"}
    assert done["status"] == "FAILED"  # Checkout fails


def test_retries_add_attempts_before_a_failing_final(simulator: SimulatorFactory) -> None:
    sim = simulator(catalogue=CATALOGUE)
    strategy = {"type": "FIXED", "maxRetries": 2, "baseBackoffSeconds": 0, "sameRegion": True}
    body = BASE | {"target": {"checkId": [CATALOGUE[1].id]}, "retryStrategy": strategy}
    session_id = call(sim, "POST", TRIGGER, body).json()["testSessionId"]
    done = call(sim, "GET", f"/v1/test-sessions/{session_id}/completion").json()
    assert [r["resultType"] for r in done["results"]] == ["ATTEMPT", "ATTEMPT", "FINAL"]


def test_environment_url_reaches_the_check_that_reads_it(simulator: SimulatorFactory) -> None:
    sim = simulator(catalogue=CATALOGUE)
    outcomes = {}
    for url in ("https://preview-42.example", "https://broken-42.example"):
        variables = [{"key": "ENVIRONMENT_URL", "value": url, "secret": False}]
        body = BASE | {"target": {"matchTags": [["preview"]]}, "environmentVariables": variables}
        session_id = call(sim, "POST", TRIGGER, body).json()["testSessionId"]
        assert sim.triggers.variables[session_id]["ENVIRONMENT_URL"] == url
        done = call(sim, "GET", f"/v1/test-sessions/{session_id}/completion").json()
        (result,) = done["results"]
        path = f"/v1/test-sessions/{session_id}/results/{result['testSessionResultId']}"
        detail = call(sim, "GET", path).json()
        assert detail["apiCheckResult"]["request"]["url"] == url
        outcomes[url] = result["status"]
    assert outcomes == {
        "https://preview-42.example": "PASSED",
        "https://broken-42.example": "FAILED",
    }


def test_a_check_session_trigger_starts_one_session_per_check(simulator: SimulatorFactory) -> None:
    sim = simulator(catalogue=CATALOGUE)
    answer = call(sim, "POST", CHECK_TRIGGER, {"target": {"matchTags": [["production"]]}}).json()
    names = [s["name"] for s in answer["sessions"]]
    assert names == ["Homepage", "Checkout", "Orders API"]
    homepage = answer["sessions"][0]
    assert homepage["runLocations"] == ["eu-west-1", "us-east-1"]
    path = f"/v2/check-sessions/{homepage['checkSessionId']}/completion"
    assert call(sim, "GET", path).json()["status"] == "PASSED"
    assert call(sim, "POST", CHECK_TRIGGER, None).status_code == 201  # no body: every check


@pytest.mark.parametrize("variant", ["404", "403", "empty"])
def test_the_three_no_match_variants(simulator: SimulatorFactory, variant: str) -> None:
    sim = simulator(catalogue=CATALOGUE)
    sim.triggers.no_match = variant
    nothing = {"target": {"matchTags": [["nothing"]]}}
    test, check = (
        call(sim, "POST", TRIGGER, BASE | nothing),
        call(sim, "POST", CHECK_TRIGGER, nothing),
    )
    if variant == "empty":
        assert (test.status_code, check.status_code) == (201, 201)
        assert check.json() == {"sessions": []}
        done = call(sim, "GET", f"/v1/test-sessions/{test.json()['testSessionId']}/completion")
        assert done.json()["results"] == []
    else:
        assert {test.status_code, check.status_code} == {int(variant)}
        if variant == "403":
            assert test.json()["errorCode"] == "ERR_NO_MATCHING_CHECKS"


def test_bad_bodies_and_locations_are_400_with_the_apis_words(simulator: SimulatorFactory) -> None:
    sim = simulator(catalogue=CATALOGUE)
    cases = [
        ({"runLocation": "eu-west-1"}, '"name" is required'),
        (BASE | {"target": {"checkId": ["nope"]}}, "checkId"),
        (BASE | {"shouldRecord": True}, '"shouldRecord" is not allowed'),
        (BASE | {"runLocation": "mars-1"}, "mars-1"),
    ]
    for body, words in cases:
        answer = call(sim, "POST", TRIGGER, body)
        assert answer.status_code == 400 and words in answer.json()["message"], answer.text
    private = call(sim, "POST", TRIGGER, BASE | {"runLocation": "acme-private-dc"})
    assert private.status_code == 201


def test_the_plan_limit_is_402(simulator: SimulatorFactory) -> None:
    sim = simulator(catalogue=CATALOGUE)
    sim.triggers.limit = 3
    assert call(sim, "POST", CHECK_TRIGGER, {"target": {"matchTags": [["production"]]}}).ok
    refused = call(sim, "POST", TRIGGER, BASE)
    assert refused.status_code == 402 and "3 triggered sessions" in refused.json()["message"]


@pytest.mark.parametrize("fault", [Fault.reset(), Fault.status(502), Fault.hang(1.0)])
def test_a_lost_answer_still_creates_the_session(simulator: SimulatorFactory, fault: Fault) -> None:
    sim = simulator(catalogue=CATALOGUE)
    sim.triggers.lose_answer("test-trigger", fault)
    try:
        answer: Any = call(sim, "POST", TRIGGER, BASE | {"name": "lost one"}, timeout=0.5)
    except Exception as exc:  # reset, or the read timeout
        answer = exc
    else:
        assert answer.status_code == 502
    time.sleep(0.6 if fault.kind == "hang" else 0)
    listed = call(sim, "GET", "/v1/test-sessions", params={"textSearch": "lost one"}).json()
    assert [e["name"] for e in listed["entries"]] == ["lost one"]


def test_a_fault_before_the_work_creates_nothing(simulator: SimulatorFactory) -> None:
    sim = simulator(catalogue=CATALOGUE)
    sim.triggers.fail("test-trigger", Fault.status(429, retry_after="1"))
    first = call(sim, "POST", TRIGGER, BASE)
    assert (first.status_code, first.headers["Retry-After"]) == (429, "1")
    assert call(sim, "GET", "/v1/test-sessions").json()["length"] == 0
    assert call(sim, "POST", TRIGGER, BASE).status_code == 201


# -- the list, cancels -----------------------------------------------------------------------


def test_the_list_filters_by_time_and_text(simulator: SimulatorFactory) -> None:
    sim = simulator(catalogue=CATALOGUE)
    for name in ("alpha · 3f9a1c", "beta · 77aa00", "alpha again"):
        call(sim, "POST", TRIGGER, BASE | {"name": name})

    def names(**params: Any) -> list[str]:
        body = call(sim, "GET", "/v1/test-sessions", params=params).json()
        assert body["length"] == len(body["entries"])
        return [e["name"] for e in body["entries"]]

    assert names() == ["alpha again", "beta · 77aa00", "alpha · 3f9a1c"]  # newest first
    assert names(textSearch="3f9a1c") == ["alpha · 3f9a1c"]
    assert names(textSearch="ALPHA") == ["alpha again", "alpha · 3f9a1c"]
    assert names(**{"from": int(time.time()) + 60}) == []
    assert names(limit=1) == ["alpha again"]
    assert call(sim, "GET", "/v1/test-sessions", params={"from": "soon"}).status_code == 400


def test_the_list_filters_by_branch(simulator: SimulatorFactory) -> None:
    """SPEC §11's base-branch look-up: `branches=<base>` (or `branches[]=`) keeps that branch."""
    sim = simulator(catalogue=CATALOGUE)
    call(sim, "POST", TRIGGER, BASE | {"name": "on a feature"})
    for session in (
        ScriptedSession("test", "FAILED", "on main"),
        ScriptedSession("test", "PASSED", "on a fix", metadata={"branchName": "fix/cart"}),
    ):
        sim.add(session)

    def names(**params: Any) -> list[str]:
        body = call(sim, "GET", "/v1/test-sessions", params=params).json()
        return [e["name"] for e in body["entries"]]

    assert names(branches="main") == ["on main"]
    assert names(**{"branches[]": "fix/cart"}) == ["on a fix"]
    assert names(branches="nowhere") == []
    assert len(names()) == 3


def test_cancel_ends_what_still_runs_as_cancelled(simulator: SimulatorFactory) -> None:
    slow = DeployedCheck("Slow", "PLAYWRIGHT", ("slow",), duration_s=30)
    sim = simulator(catalogue=[slow])
    test_id = call(sim, "POST", TRIGGER, BASE | {"target": {"matchTags": [["slow"]]}}).json()
    check = call(sim, "POST", CHECK_TRIGGER, {"target": {"matchTags": [["slow"]]}}).json()
    check_id = check["sessions"][0]["checkSessionId"]
    assert (
        call(sim, "POST", f"/v1/test-sessions/{test_id['testSessionId']}/cancel", {}).status_code
        == 204
    )
    assert call(sim, "POST", f"/v1/check-sessions/{check_id}/cancel", {}).status_code == 204
    done = call(sim, "GET", f"/v1/test-sessions/{test_id['testSessionId']}/completion").json()
    assert done["status"] == "CANCELLED"
    assert {r["status"] for r in done["results"]} == {"CANCELLED"}
    assert (
        call(sim, "GET", f"/v2/check-sessions/{check_id}/completion").json()["status"]
        == "CANCELLED"
    )
    assert sim.triggers.cancelled == [test_id["testSessionId"], check_id]
    wrong = call(sim, "POST", f"/v1/check-sessions/{check_id}/cancel", {"everything": True})
    assert wrong.status_code == 400
