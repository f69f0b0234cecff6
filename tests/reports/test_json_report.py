"""The JSON report: the report model with schemaVersion 1, valid against its JSON Schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gate import __version__
from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.verdict import Thresholds, decide
from gate.reports.json_report import SCHEMA_VERSION, report_dict, schema, write_json
from gate.reports.report import Report, RunInfo
from tests.support.json_schema import VALIDATOR
from tests.support.paths import ROOT

NOW = datetime(2025, 8, 28, 18, 30, tzinfo=UTC)


def report_of(sessions: list[Session], thresholds: Thresholds | None = None, **kw: Any) -> Report:
    environ = {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "octo/shop",
        "GITHUB_RUN_ID": "42",
        "GITHUB_SHA": "a1b2c3d",
        "GITHUB_EVENT_NAME": "pull_request",
    }
    run = RunInfo.from_environ(environ, NOW, NOW + timedelta(seconds=75))
    return Report(tuple(sessions), decide(sessions, thresholds or Thresholds()), run, **kw)


def sample_sessions() -> list[Session]:
    body = {
        "testSessionId": "8166fa86-c9b4-4162-8541-d380c6c212d8",
        "testSessionLink": "https://app.checklyhq.com/test-sessions/8166fa86",
        "name": "Webshop checks: PR #42",
        "status": "FAILED",
        "errorGroupIds": ["0b6a3c0e-2d7e-4f7a-9a0e-5d9b1c7e8f10"],
        "startedAt": "2025-08-28T18:23:40.262Z",
        "stoppedAt": "2025-08-28T18:28:40.993Z",
        "timeElapsed": 300731,
        "results": [
            {
                "testSessionResultId": "r1",
                "testSessionResultLink": "https://app.checklyhq.com/r1",
                "checkId": "c1",
                "checkType": "API",
                "name": "Orders API",
                "runLocation": "eu-west-1",
                "errorGroupIds": ["0b6a3c0e-2d7e-4f7a-9a0e-5d9b1c7e8f10"],
                "resultType": "FINAL",
                "status": "FAILED",
                "hasErrors": False,
                "hasFailures": True,
                "isDegraded": False,
                "aborted": False,
                "responseTime": 1830,
                "startedAt": "2025-08-28T18:23:40.262Z",
                "stoppedAt": "2025-08-28T18:23:42.101Z",
            },
            {
                "testSessionResultId": "r0",
                "checkId": "c1",
                "name": "Orders API",
                "runLocation": "eu-west-1",
                "resultType": "ATTEMPT",
                "status": "FAILED",
            },
            {
                "testSessionResultId": "r2",
                "checkId": "c2",
                "checkType": "BROWSER",
                "name": "Checkout ✓ “flow” größe",
                "runLocation": "us-east-1",
                "resultType": "FINAL",
                "status": "PASSED",
                "isDegraded": True,
                "responseTime": 3400,
            },
        ],
    }
    test = Session.from_api(
        SessionKind.TEST, "8166fa86-c9b4-4162-8541-d380c6c212d8", body, finished=True
    )
    runs = (
        test.runs[0].with_reason("status code equals 200, got 500", "Expected 200"),
        test.runs[1],
    )
    return [
        test.with_runs(runs),
        Session.unreadable(SessionKind.CHECK, "cs-404", "HTTP 404: check session not found"),
        Session(
            SessionKind.CHECK,
            "cs-1",
            Outcome.PASSED,
            name="Prod",
            runs=(CheckRun("x", "Prod API", Outcome.PASSED),),
        ),
    ]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(schema())
    text = (ROOT / "gate" / "reports" / "schema" / "report.schema.json").read_text(encoding="utf-8")
    assert json.loads(text)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_real_report_validates_and_carries_the_model() -> None:
    report = report_of(
        sample_sessions(), warnings=("could not fetch 1 error group",), interrupted="SIGTERM"
    )
    data = report_dict(report)
    VALIDATOR.validate(data)
    assert data["schemaVersion"] == SCHEMA_VERSION == 1
    assert data["gateVersion"] == __version__
    verdict = data["verdict"]
    assert (verdict["result"], verdict["total"], verdict["failing"]) == ("failed", 4, 2)
    assert verdict["counts"] == {
        "passed": 1,
        "degraded": 1,
        "failed": 1,
        "timed-out": 0,
        "cancelled": 0,
        "incomplete": 0,
        "error": 1,
        "missing": 0,
    }
    assert verdict["thresholds"] == {
        "failOn": ["failed", "timed-out", "cancelled", "incomplete", "error", "missing"],
        "maxFailures": 0,
        "minPassRate": 0.0,
        "preexistingFailures": "fail",
        "flakyFailures": "fail",
        "nonBlockingTags": [],
        "nonBlockingCheckIds": [],
    }
    assert verdict["passRate"] == 50.0
    first = data["sessions"][0]
    assert (first["kind"], first["outcome"], first["attempts"], first["elapsedMs"]) == (
        "test",
        "failed",
        1,
        300731,
    )
    run_fields = schema()["$defs"]["checkRun"]["required"]
    assert sorted(first["runs"][0]) == sorted(run_fields)
    assert first["runs"][0]["reason"] == "status code equals 200, got 500"
    assert first["runs"][0]["errorGroup"] == "Expected 200"
    assert first["runs"][0]["retries"] == 1
    assert first["runs"][1]["outcome"] == "degraded" and not first["runs"][1]["failing"]
    assert data["sessions"][1]["runs"][0]["standsForSession"] is True
    assert data["run"]["runUrl"] == "https://github.com/octo/shop/actions/runs/42"
    assert data["warnings"] == ["could not fetch 1 error group"]
    assert data["interrupted"] == "SIGTERM"


def test_write_json_round_trips_utf8_and_creates_directories(tmp_path: Path) -> None:
    target = tmp_path / "out" / "checkly.json"
    report = report_of(sample_sessions())
    write_json(report, target)
    text = target.read_text(encoding="utf-8")
    assert "Checkout ✓ “flow” größe" in text  # not \u-escaped
    loaded = json.loads(text)
    VALIDATOR.validate(loaded)
    assert loaded == json.loads(json.dumps(report_dict(report)))


def test_the_schema_rejects_drift() -> None:
    data = report_dict(report_of(sample_sessions()))
    for broken in (
        data | {"schemaVersion": 2},
        data | {"unexpected": True},
        data | {"verdict": data["verdict"] | {"result": "maybe"}},
        data | {"sessions": [data["sessions"][0] | {"outcome": "green"}]},
    ):
        assert list(VALIDATOR.iter_errors(broken))


outcomes = st.sampled_from(list(Outcome))
texts = st.text(max_size=30)
runs = st.builds(
    CheckRun,
    result_id=texts,
    name=texts,
    outcome=outcomes,
    check_type=st.none() | texts,
    location=st.none() | texts,
    link=st.none() | texts,
    response_time_ms=st.none() | st.floats(0, 1e7),
    duration_s=st.none() | st.floats(0, 1e5),
    retries=st.integers(0, 10),
    reason=st.none() | texts,
    error_group=st.none() | texts,
    error_group_ids=st.lists(texts, max_size=2).map(tuple),
    stands_for_session=st.booleans(),
)
sessions = st.builds(
    Session,
    kind=st.sampled_from(list(SessionKind)),
    id=texts.filter(bool),
    outcome=outcomes,
    name=st.none() | texts,
    link=st.none() | texts,
    status=st.none() | texts,
    runs=st.lists(runs, min_size=1, max_size=4).map(tuple),
    attempts=st.integers(0, 5),
    note=st.none() | texts,
    elapsed_ms=st.none() | st.floats(0, 1e8),
)


@settings(max_examples=150, deadline=None)
@given(
    found=st.lists(sessions, max_size=4),
    fail_on=st.sets(outcomes),
    max_failures=st.integers(0, 5),
    min_pass_rate=st.floats(0, 100),
)
def test_any_report_validates(
    found: list[Session], fail_on: set[Outcome], max_failures: int, min_pass_rate: float
) -> None:
    thresholds = Thresholds(frozenset(fail_on), max_failures, min_pass_rate)
    data = report_dict(report_of(found, thresholds))
    VALIDATOR.validate(json.loads(json.dumps(data)))
