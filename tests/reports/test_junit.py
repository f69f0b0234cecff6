"""The JUnit XML report: valid against the Jenkins xunit junit-10.xsd, read back by junitparser
(the kind of parser GitLab and CircleCI use), outcomes mapped as documented."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite

from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.verdict import Thresholds, decide
from gate.reports.junit import SESSION_OUTCOME_CASE, junit_xml, write_junit, xml_text
from gate.reports.report import Report, RunInfo
from tests.support.paths import DATA

SCHEMA = xmlschema.XMLSchema(DATA / "junit-10.xsd")
NOW = datetime(2025, 8, 28, 18, 30, tzinfo=UTC)


def run(rid: str, outcome: Outcome, **kw: Any) -> CheckRun:
    defaults: dict[str, Any] = {
        "result_id": rid,
        "name": f"Check {rid}",
        "outcome": outcome,
        "location": "eu-west-1",
        "check_type": "API",
        "link": f"https://app.checklyhq.com/results/{rid}",
        "duration_s": 1.5,
    }
    return CheckRun(**(defaults | kw))


def report_of(sessions: list[Session], thresholds: Thresholds | None = None) -> Report:
    return Report(
        tuple(sessions),
        decide(sessions, thresholds or Thresholds()),
        RunInfo(started_at=NOW, finished_at=NOW),
    )


def every_outcome() -> list[Session]:
    runs = [
        run(o.value, o, reason=f"why {o.value}" if o is not Outcome.PASSED else None)
        for o in Outcome
    ]
    return [
        Session(
            SessionKind.TEST,
            "ts-1",
            Outcome.FAILED,
            name="Deploy preview",
            link="https://app.checklyhq.com/test-sessions/ts-1",
            status="FAILED",
            runs=tuple(runs),
            started_at=NOW,
            elapsed_ms=12_345.0,
        ),
        Session(
            SessionKind.CHECK,
            "cs-1",
            Outcome.PASSED,
            name="Prod v1.2",
            runs=(run("ok", Outcome.PASSED, duration_s=None, response_time_ms=230.0),),
        ),
    ]


def parse(xml: bytes) -> JUnitXml:
    parsed = JUnitXml.fromstring(xml.decode("utf-8"))
    assert isinstance(parsed, JUnitXml)
    return parsed


def result_kinds(suite: TestSuite) -> dict[str, str]:
    kinds = {}
    for case in suite:
        results = case.result
        kinds[case.name] = type(results[0]).__name__ if results else "passed"
    return kinds


def test_valid_against_junit_10_xsd() -> None:
    xml = junit_xml(report_of(every_outcome()))
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    SCHEMA.validate(xml.decode("utf-8"))


def test_default_mapping_and_counts_read_back_by_junitparser() -> None:
    report = report_of(every_outcome())
    xml = parse(junit_xml(report))
    suites = list(xml)
    assert [s.name for s in suites] == ["Deploy preview", "Prod v1.2"]
    first = suites[0]
    assert result_kinds(first) == {
        "Check passed (eu-west-1)": "passed",
        "Check degraded (eu-west-1)": "passed",
        "Check failed (eu-west-1)": "Failure",
        "Check timed-out (eu-west-1)": "Failure",
        "Check cancelled (eu-west-1)": "Failure",
        "Check incomplete (eu-west-1)": "Failure",
        "Check error (eu-west-1)": "Error",
        "Check missing (eu-west-1)": "Failure",
    }
    assert (first.tests, first.failures, first.errors, first.skipped) == (8, 5, 1, 0)
    assert first.time == pytest.approx(12.345)
    assert first.failures + first.errors + suites[1].failures == report.verdict.failing
    root = junit_xml(report).decode()
    assert '<testsuites name="checkly-gate" tests="9" failures="5" errors="1"' in root


def test_fail_on_changes_degraded_cancelled_and_incomplete() -> None:
    thresholds = Thresholds(fail_on=frozenset({Outcome.FAILED, Outcome.DEGRADED}))
    first = next(iter(parse(junit_xml(report_of(every_outcome(), thresholds)))))
    kinds = result_kinds(first)
    assert kinds["Check degraded (eu-west-1)"] == "Failure"
    assert kinds["Check cancelled (eu-west-1)"] == "Skipped"
    assert kinds["Check incomplete (eu-west-1)"] == "Skipped"
    assert kinds["Check missing (eu-west-1)"] == "Skipped"
    assert kinds["Check timed-out (eu-west-1)"] == "Failure"  # a timed-out check did fail
    assert (first.failures, first.errors, first.skipped) == (3, 1, 3)


def test_reason_is_the_message_and_links_are_in_properties_and_url() -> None:
    xml = junit_xml(report_of(every_outcome()))
    SCHEMA.validate(xml.decode())
    first = next(iter(parse(xml)))
    failed = next(c for c in first if c.name == "Check failed (eu-west-1)")
    assert failed.classname == "checkly.test-session.Deploy preview"
    assert failed.time == pytest.approx(1.5)
    result = failed.result[0]
    assert isinstance(result, Failure)
    assert (result.message, result.type) == ("why failed", "failed")
    assert "Result: https://app.checklyhq.com/results/failed" in (result.text or "")
    properties = {p.name: p.value for p in first.properties()}
    assert properties["checkly.session.link"] == "https://app.checklyhq.com/test-sessions/ts-1"
    assert properties["checkly.session.kind"] == "test"
    assert properties["checkly.result-link:Check failed (eu-west-1)"] == (
        "https://app.checklyhq.com/results/failed"
    )
    assert 'url="https://app.checklyhq.com/results/failed"' in xml.decode()
    second = list(parse(xml))[1]
    case = next(iter(second))
    assert case.classname == "checkly.check-session.Prod v1_2"  # dots would split the class
    assert case.time == pytest.approx(0.23)


def test_a_red_session_without_a_failing_run_gets_one_failing_case() -> None:
    sessions = [
        Session(
            SessionKind.CHECK,
            "cs",
            Outcome.TIMED_OUT,
            name="Slow",
            runs=(run("a", Outcome.PASSED),),
            note="TIMED_OUT at Checkly",
        )
    ]
    report = report_of(sessions)
    xml = junit_xml(report)
    SCHEMA.validate(xml.decode())
    suite = next(iter(parse(xml)))
    assert (suite.tests, suite.failures) == (2, 1)
    case = next(c for c in suite if c.name == SESSION_OUTCOME_CASE)
    assert isinstance(case.result[0], Failure)
    assert case.result[0].message == "TIMED_OUT at Checkly"
    assert suite.failures == report.verdict.failing


def test_an_unreadable_session_is_an_error() -> None:
    sessions = [Session.unreadable(SessionKind.TEST, "ts-404", "HTTP 404: not found")]
    suite = next(iter(parse(junit_xml(report_of(sessions)))))
    case = next(iter(suite))
    assert isinstance(case.result[0], Error)
    assert case.result[0].message == "HTTP 404: not found"
    assert (suite.tests, suite.errors) == (1, 1)


def test_hostile_and_invalid_characters_are_stripped() -> None:
    nasty = '\x1b[31mred\x1b[0m \x00nul \x0bvt \ud800lone \ufffe <tag> & "q" ]]>'
    sessions = [
        Session(
            SessionKind.TEST,
            "ts",
            Outcome.FAILED,
            name=nasty,
            runs=(
                run(
                    "r",
                    Outcome.FAILED,
                    name=nasty,
                    reason=nasty,
                    location=nasty,
                    link="https://x.example/?a=1&b=<2>",
                ),
            ),
            note=nasty,
        )
    ]
    xml = junit_xml(report_of(sessions))
    SCHEMA.validate(xml.decode("utf-8"))
    suite = next(iter(parse(xml)))
    assert suite.name == 'red nul vt lone  <tag> & "q" ]]>'
    case = next(iter(suite))
    assert isinstance(case.result[0], Failure)
    assert case.result[0].message == 'red nul vt lone  <tag> & "q" ]]>'
    assert xml_text("a\x07b\U0001f600") == "ab\U0001f600"


def test_skipped_runs_read_back_as_skipped() -> None:
    thresholds = Thresholds(fail_on=frozenset({Outcome.FAILED}))
    sessions = [
        Session(
            SessionKind.TEST, "ts", Outcome.CANCELLED, name="x", runs=(run("c", Outcome.CANCELLED),)
        )
    ]
    suite = next(iter(parse(junit_xml(report_of(sessions, thresholds)))))
    assert isinstance(next(iter(suite)).result[0], Skipped)
    assert suite.skipped == 1


def test_write_junit_creates_parent_directories(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "deep" / "checkly.xml"
    write_junit(report_of(every_outcome()), target)
    parsed = JUnitXml.fromfile(str(target))
    assert sum(s.tests for s in parsed) == 9
    SCHEMA.validate(str(target))


@pytest.mark.parametrize("fails", [True, False])
def test_a_trigger_that_matched_nothing_is_a_case_of_its_own(fails: bool) -> None:
    import dataclasses

    from gate.reports.report import TriggerInfo

    no_match = "tags nothing matched no check (HTTP 404: No matching checks were found.)"
    trigger = TriggerInfo("test-session", "tags nothing", no_match=no_match, no_match_fails=fails)
    report = dataclasses.replace(report_of(every_outcome()), trigger=trigger)
    xml = junit_xml(report)
    SCHEMA.validate(xml.decode("utf-8"))
    suites = list(parse(xml))
    assert suites[-1].name == "checkly-gate trigger"
    assert result_kinds(suites[-1]) == {"no matching checks": "Failure" if fails else "Skipped"}
