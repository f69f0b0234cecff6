"""The simulator's sessions and results, over real HTTP on 127.0.0.1: partial results while
running, result flags, links and details, error groups, attempts, scripted details.
"""

from __future__ import annotations

import time

import pytest

from gate.simulator import (
    ScriptedResult,
    ScriptedSession,
)
from gate.simulator.scenarios import group_id
from tests.conftest import SimulatorFactory
from tests.support.simulator_http import TEST, completion, get, results, session_path

# -- sessions while running -----------------------------------------------------------------------


def test_a_running_test_session_shows_partial_results(simulator: SimulatorFactory) -> None:
    session = ScriptedSession(
        "test",
        "FAILED",
        never_finishes=True,
        results=results("failed", "passed", "passed", "passed"),
    )
    sim = simulator([session])
    body = get(sim, session_path(session)).json()
    assert (body["status"], body["stoppedAt"]) == ("RUNNING", None)
    states = [(r["resultType"], r["status"]) for r in body["results"]]
    assert states == [("FINAL", "FAILED"), ("FINAL", "PASSED")] + [("PENDING", "RUNNING")] * 2
    pending = get(sim, f"{session_path(session)}/results/{session.results[3].rid}").json()
    assert (pending["status"], pending["stoppedAt"], pending["attempts"]) == ("RUNNING", None, 0)
    assert "apiCheckResult" not in pending
    sim.finish(session.id)
    done = get(sim, session_path(session)).json()
    assert done["status"] == "FAILED"
    assert done["stoppedAt"] is not None
    assert {r["resultType"] for r in done["results"]} == {"FINAL"}


def test_results_finish_one_by_one_over_the_duration(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("test", "PASSED", duration_s=0.9, results=results(*["passed"] * 3))
    sim = simulator([session])
    time.sleep(0.35)  # the first result ends at 0.3 s, the second at 0.6 s
    body = get(sim, session_path(session)).json()
    assert [r["resultType"] for r in body["results"]] == ["FINAL", "PENDING", "PENDING"]
    assert completion(sim, session).json()["timeElapsed"] == 900


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["passed"], "STARTED"),
        (["passed", "passed"], "PROGRESS"),
        (["failed", "passed"], "PROGRESS_FAILED"),
        (["degraded", "passed"], "PROGRESS_DEGRADED"),
    ],
)
def test_a_running_check_session_lists_only_finished_results(
    simulator: SimulatorFactory, statuses: list[str], expected: str
) -> None:
    session = ScriptedSession("check", "PASSED", never_finishes=True, results=results(*statuses))
    sim = simulator([session])
    body = get(sim, session_path(session)).json()
    assert (body["status"], body["stoppedAt"]) == (expected, None)
    assert len(body["results"]) == len(statuses) // 2
    assert body["runLocations"] == [r.location for r in session.results]
    unfinished = session.results[-1]
    assert get(sim, f"/v1/check-results/{unfinished.cid}/{unfinished.rid}").status_code == 404


def test_check_result_flags_follow_the_scripted_status(simulator: SimulatorFactory) -> None:
    session = ScriptedSession(
        "check", "FAILED", results=results("passed", "failed", "degraded", "cancelled")
    )
    body = completion(simulator([session]), session).json()
    flags = [
        (r["hasFailures"], r["isDegraded"], r["isCancelled"], r["resultType"])
        for r in body["results"]
    ]
    assert flags == [
        (False, False, False, "FINAL"),
        (True, False, False, "FINAL"),
        (False, True, False, "FINAL"),
        (False, False, True, "FINAL"),
    ]


# -- details, links, error groups -----------------------------------------------------------------


def test_links_and_result_details(simulator: SimulatorFactory) -> None:
    test = ScriptedSession("test", "FAILED", results=[ScriptedResult("Homepage", "failed")])
    check = ScriptedSession("check", "FAILED", results=results("failed", "passed"))
    sim = simulator([test, check])
    body = completion(sim, test).json()
    assert body["testSessionLink"] == f"https://app.checklyhq.com/test-sessions/{test.id}"
    result = body["results"][0]
    assert (
        result["testSessionResultLink"]
        == f"{body['testSessionLink']}/results/{result['testSessionResultId']}"
    )
    detail = get(sim, f"{TEST}{test.id}/results/{result['testSessionResultId']}").json()
    assert detail["id"] == result["testSessionResultId"]
    assertion = detail["apiCheckResult"]["assertions"][0]
    assert (assertion["source"], assertion["target"], assertion["actual"]) == (
        "STATUS_CODE",
        "200",
        500,
    )
    assert detail["apiCheckResult"]["response"]["status"] == 500

    body = completion(sim, check).json()
    link = f"https://app.checklyhq.com/accounts/{sim.account_id}/checks/{body['checkId']}/check-sessions/{check.id}"
    assert body["checkSessionLink"] == link
    first = body["results"][0]
    assert first["checkResultLink"] == f"{link}/results/{first['checkResultId']}"
    detail = get(sim, f"/v1/check-results/{first['checkId']}/{first['checkResultId']}").json()
    assert (detail["id"], detail["hasFailures"]) == (first["checkResultId"], True)
    assert (
        get(sim, f"/v1/check-results/{test.results[0].cid}/{first['checkResultId']}").status_code
        == 404
    )
    assert (
        get(sim, f"/v1/check-results/{test.results[0].cid}/{test.results[0].rid}").status_code
        == 404
    )
    other = f"{TEST}{test.id}/results/{check.results[0].rid}"
    assert get(sim, other).status_code == 404


def test_error_groups_are_shared_by_equal_messages_and_families_stay_apart(
    simulator: SimulatorFactory,
) -> None:
    text = "TimeoutError: locator.click: Timeout 30000ms exceeded"
    test = ScriptedSession(
        "test",
        "FAILED",
        results=[
            ScriptedResult("Login", "failed", "PLAYWRIGHT", "eu-west-1", error_group=text),
            ScriptedResult("Login", "failed", "PLAYWRIGHT", "us-east-1", error_group=text),
        ],
    )
    check = ScriptedSession(
        "check", "FAILED", results=[ScriptedResult("Login", "failed", error_group=text)]
    )
    sim = simulator([test, check])
    body = completion(sim, test).json()
    (test_group,) = body["errorGroupIds"]
    assert [r["errorGroupIds"] for r in body["results"]] == [[test_group], [test_group]]
    group = get(sim, f"/v1/test-session-error-groups/{test_group}").json()
    assert group["cleanedErrorMessage"] == text
    assert group["pwtMetadata"][0]["testTitle"] == "Login"
    result = check.results[0]
    (check_group,) = get(sim, f"/v1/check-results/{result.cid}/{result.rid}").json()[
        "errorGroupIds"
    ]
    assert check_group == group_id("check", result.cid, text) != test_group
    assert get(sim, f"/v1/error-groups/{check_group}").json()["checkId"] == result.cid
    assert get(sim, f"/v1/error-groups/{test_group}").status_code == 404
    assert get(sim, f"/v1/test-session-error-groups/{check_group}").status_code == 404


def test_attempts_are_listed_and_counted(simulator: SimulatorFactory) -> None:
    retried = [
        ScriptedResult("Cart", "failed", "BROWSER", result_type="ATTEMPT"),
        ScriptedResult("Cart", "passed", "BROWSER"),
    ]
    session = ScriptedSession("test", "PASSED", results=retried)
    sim = simulator([session])
    body = completion(sim, session).json()
    assert [(r["resultType"], r["status"]) for r in body["results"]] == [
        ("ATTEMPT", "FAILED"),
        ("FINAL", "PASSED"),
    ]
    final = get(sim, f"{TEST}{session.id}/results/{retried[1].rid}").json()
    assert final["attempts"] == 2
    attempt = get(sim, f"{TEST}{session.id}/results/{retried[0].rid}").json()
    assert attempt["browserCheckResult"]["errors"][0]["message"] == "Check failed"


def test_scripted_detail_is_merged_into_the_result_detail(simulator: SimulatorFactory) -> None:
    refused = {
        "apiCheckResult": {"requestError": "connect ECONNREFUSED 10.0.0.7:443", "assertions": []}
    }
    result = ScriptedResult("Payments", "failed", detail=refused | {"scheduleError": "no agents"})
    session = ScriptedSession("test", "FAILED", results=[result])
    sim = simulator([session])
    detail = get(sim, f"{TEST}{session.id}/results/{result.rid}").json()
    assert detail["apiCheckResult"]["requestError"] == "connect ECONNREFUSED 10.0.0.7:443"
    assert detail["apiCheckResult"]["assertions"] == []
    assert detail["apiCheckResult"]["request"]["method"] == "GET"  # the rest is kept
    assert detail["scheduleError"] == "no agents"
