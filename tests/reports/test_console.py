"""Unit tests: the console report, annotations (at most 10 per kind) and the step outputs."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import UTC, datetime

from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.verdict import DEFAULT_FAIL_ON, Thresholds, decide
from gate.reports.console import annotate, outputs, print_report
from gate.reports.report import Report, RunInfo
from gate.runner.workflow import MAX_OUTPUT_BYTES, Runner

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def make_report(sessions: list[Session], thresholds: Thresholds | None = None) -> Report:
    thresholds = thresholds or Thresholds()
    return Report(
        sessions=tuple(sessions),
        verdict=decide(sessions, thresholds),
        run=RunInfo(started_at=NOW, finished_at=NOW),
    )


def runs(outcome: Outcome, count: int, prefix: str = "check") -> tuple[CheckRun, ...]:
    return tuple(
        CheckRun(
            result_id=f"{prefix}-{i}",
            name=f"{prefix} {i}",
            outcome=outcome,
            check_type="API",
            location="eu-west-1",
            link=f"https://app.checklyhq.com/r/{prefix}-{i}",
            reason="status code equals 200, got 500" if outcome is Outcome.FAILED else None,
        )
        for i in range(count)
    )


def session(sid: str, outcome: Outcome, *run_groups: tuple[CheckRun, ...]) -> Session:
    return Session(
        kind=SessionKind.TEST,
        id=sid,
        outcome=outcome,
        name=f"Session {sid}",
        link=f"https://app.checklyhq.com/test-sessions/{sid}",
        runs=tuple(r for group in run_groups for r in group),
    )


def github() -> tuple[Runner, io.StringIO]:
    out = io.StringIO()
    return Runner({"GITHUB_ACTIONS": "true"}, out), out


def test_console_has_a_line_per_session_and_failing_run_then_the_verdict() -> None:
    report = make_report(
        [
            session("s1", Outcome.PASSED, runs(Outcome.PASSED, 3)),
            session("s2", Outcome.FAILED, runs(Outcome.FAILED, 2, "bad"), runs(Outcome.PASSED, 1)),
        ]
    )
    out = io.StringIO()
    print_report(report, Runner({}, out))
    lines = out.getvalue().splitlines()
    assert lines[0] == "checkly-gate 0.1.0: 2 sessions, 6 check runs"
    assert lines[1].startswith('PASSED     test session "Session s1" s1: 3 check runs')
    assert lines[2].startswith('FAILED     test session "Session s2" s2: 3 check runs, 2 failing')
    assert lines[3] == (
        '    FAILED     "bad 0" [API, eu-west-1]: status code equals 200, got 500 '
        "https://app.checklyhq.com/r/bad-0"
    )
    assert lines[5] == ("Gate failed: 2 failing check runs, at most 0 allowed (max-failures).")
    assert len(lines) == 6


def test_annotations_are_capped_at_ten_per_kind_with_a_count() -> None:
    report = make_report(
        [session("s1", Outcome.FAILED, runs(Outcome.FAILED, 14, "bad"), runs(Outcome.DEGRADED, 3))]
    )
    runner, out = github()
    annotate(report, runner)
    lines = out.getvalue().splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == 9  # the 10th is the exit's own (the verdict)
    assert errors[-1] == (
        "::error title=6 more failing check runs::... and 6 more failing check runs: "
        "see the job summary."
    )
    assert errors[0].startswith("::error title=bad 0 (failed)::status code equals 200, got 500")
    assert "%0AWhere: API, eu-west-1%0Ahttps://app.checklyhq.com/r/bad-0" in errors[0]
    assert len(warnings) == 3


def test_degraded_is_an_error_annotation_when_it_fails_the_gate() -> None:
    strict = Thresholds(fail_on=DEFAULT_FAIL_ON | {Outcome.DEGRADED})
    report = make_report([session("s1", Outcome.DEGRADED, runs(Outcome.DEGRADED, 2))], strict)
    runner, out = github()
    annotate(report, runner)
    text = out.getvalue()
    assert text.count("::error ") == 2
    assert "::warning" not in text


def test_annotation_titles_escape_hostile_names() -> None:
    hostile = CheckRun(
        result_id="r", name="a::b,c\n::error::x", outcome=Outcome.FAILED, reason="50% down"
    )
    report = make_report([session("s1", Outcome.FAILED, (hostile,))])
    runner, out = github()
    annotate(report, runner)
    [line] = out.getvalue().splitlines()
    assert line.startswith("::error title=a%3A%3Ab%2Cc%0A%3A%3Aerror%3A%3Ax (failed)::50%25 down")


def test_no_annotations_outside_github() -> None:
    report = make_report([session("s1", Outcome.FAILED, runs(Outcome.FAILED, 2))])
    out = io.StringIO()
    annotate(report, Runner({}, out))
    assert out.getvalue() == ""


def test_outputs_count_and_list_sessions() -> None:
    hidden_red = session("red", Outcome.FAILED, runs(Outcome.PASSED, 2, "ok"))
    degraded = session("deg", Outcome.DEGRADED, runs(Outcome.DEGRADED, 1, "slow"))
    report = make_report([hidden_red, degraded])
    values = outputs(report, "https://github.com/o/r/pull/1#issuecomment-9", "out/report.json")
    assert values["result"] == "failed"
    assert values["total-count"] == "3"
    assert values["passed-count"] == "2"
    assert values["failed-count"] == "1"  # the red session counts
    assert values["degraded-count"] == "1"
    assert values["comment-url"].endswith("issuecomment-9")
    assert values["json-file"] == "out/report.json"
    listed = json.loads(values["sessions"])
    assert [(s["id"], s["outcome"]) for s in listed] == [("red", "failed"), ("deg", "degraded")]


def test_sessions_output_is_cut_under_64_kib_and_says_so() -> None:
    many = [
        session(f"{i:036d}", Outcome.PASSED, runs(Outcome.PASSED, 1, f"c{i}")) for i in range(2000)
    ]
    values = outputs(make_report(many), None, None)
    assert len(values["sessions"].encode()) <= MAX_OUTPUT_BYTES
    listed = json.loads(values["sessions"])
    assert listed[-1]["truncated"] is True
    assert listed[-1]["omitted"] == 2000 - (len(listed) - 1)
    assert listed[-1]["omitted"] > 0
    assert all(len(v.encode()) <= MAX_OUTPUT_BYTES for v in values.values())


def test_console_says_no_verdict_instead_of_a_failure() -> None:
    report = make_report([session("s1", Outcome.ERROR, runs(Outcome.ERROR, 1))])
    report = dataclasses.replace(
        report, no_verdict="Checkly refused the API key (HTTP 401): Unauthorized"
    )
    out = io.StringIO()
    print_report(report, Runner({}, out))
    last = out.getvalue().splitlines()[-1]
    assert last == (
        "No verdict: Checkly refused the API key (HTTP 401): Unauthorized. The gate fails."
    )


def test_the_runner_writes_no_eleventh_annotation_of_a_kind() -> None:
    runner, out = github()
    for n in range(12):
        runner.command("error", f"problem {n}\nsecond line", title=f"t{n}")
        runner.command("warning", f"careful {n}")
    commands = [line for line in out.getvalue().splitlines() if line.startswith("::")]
    assert len([c for c in commands if c.startswith("::error ")]) == 10
    assert len([c for c in commands if c.startswith("::warning")]) == 10
    assert "error: problem 11" in out.getvalue().splitlines()  # still in the log, plainly
    assert "  second line" in out.getvalue().splitlines()
