"""Triage in every report (SPEC §9): the Why section by label, new first, with evidence and
error-group age; passed on retry; the not-counted note; console, annotations, JUnit, JSON."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import jsonschema

from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.triage import GroupAge, Triage, label_from_failures, no_history
from gate.core.verdict import Thresholds, decide
from gate.reports.console import annotate, print_report
from gate.reports.json_report import report_dict, schema
from gate.reports.junit import junit_xml
from gate.reports.report import Report, RunInfo
from gate.reports.templating import load_templates, render_comment, render_summary, template_context
from gate.runner.workflow import Runner

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
MARKER = "<!-- checkly-gate:test -->"
NEW = label_from_failures([False] * 10)
FLAKY = label_from_failures([False, False, True, False, False, False, False, True, False, False])
ALREADY = label_from_failures([True] * 10)
NONE = no_history("no earlier runs")


def run(
    name: str, triage: Triage | None, outcome: Outcome = Outcome.FAILED, **kw: object
) -> CheckRun:
    return CheckRun(
        result_id=f"r-{name}",
        name=name,
        outcome=outcome,
        check_id=f"c-{name}",
        location="eu-west-1",
        link=f"https://app.checklyhq.com/r/{name}",
        reason=f"{name} broke",
        triage=triage,
        **kw,  # type: ignore[arg-type]
    )


def report(thresholds: Thresholds | None = None) -> Report:
    grouped = {
        "error_group": "connect ECONNREFUSED",
        "error_group_ids": ("g1",),
        "group_age": GroupAge(START - timedelta(days=3), START - timedelta(minutes=5)),
    }
    runs = (
        run("Orders", ALREADY, **grouped),  # listed first, shown third
        run("Refunds", NONE),
        run("Login", FLAKY),
        run(
            "Payments",
            NEW,
            group_age=GroupAge(START, START),
            error_group="boom",
            error_group_ids=("g2",),
        ),
        run("Cart", None, Outcome.PASSED, failed_attempts=2, retries=2),
        run("Home", None, Outcome.PASSED),
    )
    session = Session(
        SessionKind.TEST, "s1", Outcome.FAILED, name="PR 42", runs=runs, started_at=START
    )
    thresholds = thresholds or Thresholds()
    return Report(
        sessions=(session,),
        verdict=decide([session], thresholds),
        run=RunInfo(started_at=START, finished_at=START + timedelta(minutes=1)),
    )


def test_the_why_section_is_grouped_by_label_new_first() -> None:
    text = render_summary(report(), load_templates(None, None))
    why = text[text.index("### Why") : text.index("### ❌ Test session")]
    titles = [
        "New in this run (1)",
        "Flaky (1)",
        "Already failing before this run (1)",
        "No history (1)",
    ]
    positions = [why.index(f"#### {t}") for t in titles]
    assert positions == sorted(positions)
    assert why.index("Payments") < why.index("Login") < why.index("Orders") < why.index("Refunds")
    assert "_new: passed its last 10 runs_" in why
    assert "_flaky: failed 2 of its last 10 runs_" in why
    assert "_already failing: failed 10 of its last 10 runs_" in why
    assert "_no history: no earlier runs_" in why
    assert "`boom` · new error" in why
    assert "`connect ECONNREFUSED` · known since 2026-11-28 (last seen 2026-12-01)" in why


def test_passed_on_retry_is_in_its_row_and_counted_in_the_header() -> None:
    text = render_summary(report(), load_templates(None, None))
    assert "🔁 1 passed on retry" in text
    (row,) = [line for line in text.splitlines() if "[Cart]" in line]
    assert "passed on retry 2" in row
    (home,) = [line for line in text.splitlines() if "[Home]" in line]
    assert "retry" not in home.split("|")[-2]
    comment = render_comment(report(), load_templates(None, None), marker=MARKER)
    assert "🔁 1 passed on retry" in comment


def test_the_comment_is_grouped_by_label_too() -> None:
    comment = render_comment(report(), load_templates(None, None), marker=MARKER)
    titles = ["**New in this run (1)**", "**Flaky (1)**", "**Already failing before this run (1)**"]
    positions = [comment.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "_flaky: failed 2 of its last 10 runs_" in comment


def test_allow_says_what_was_not_counted_in_every_report() -> None:
    allowed = report(Thresholds(allow_preexisting=True))
    note = "1 failing check run not counted: already failing before this session"
    assert allowed.verdict.not_counted == 1
    templates = load_templates(None, None)
    summary = render_summary(allowed, templates)
    assert (
        note in summary
        and "already failing: failed 10 of its last 10 runs, not counted_" in summary
    )
    assert note in render_comment(allowed, templates, marker=MARKER)
    data = report_dict(allowed)
    jsonschema.validate(data, schema())
    assert (
        data["verdict"]["notCounted"],
        data["verdict"]["thresholds"]["preexistingFailures"],
    ) == (
        1,
        "allow",
    )
    assert note in data["verdict"]["notCountedNote"]
    out = io.StringIO()
    print_report(allowed, Runner({}, out))
    assert note in out.getvalue()
    suite = ET.fromstring(junit_xml(allowed)).find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["checkly.not-counted:Orders (eu-west-1)"].startswith("already failing before")
    default = report()
    assert default.verdict.not_counted == 0 and note not in render_summary(default, templates)


def test_console_and_annotations_carry_the_label() -> None:
    out = io.StringIO()
    print_report(report(), Runner({}, out))
    lines = out.getvalue().splitlines()
    (login,) = [line for line in lines if '"Login"' in line]
    assert "(flaky: failed 2 of its last 10 runs)" in login
    (cart,) = [line for line in lines if '"Cart"' in line]
    assert "passed on retry 2" in cart
    assert "1 passed on retry" in lines[0]
    out = io.StringIO()
    annotate(report(), Runner({"GITHUB_ACTIONS": "true"}, out))
    (orders,) = [line for line in out.getvalue().splitlines() if "Orders" in line]
    assert "title=Orders (failed%2C already failing)" in orders  # the runner escapes the comma
    assert "Triage: already failing: failed 10 of its last 10 runs" in orders.replace("%0A", "\n")


def test_junit_carries_the_label_as_a_property() -> None:
    root = ET.fromstring(junit_xml(report()))
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["checkly.triage:Login (eu-west-1)"] == "flaky: failed 2 of its last 10 runs"
    assert props["checkly.triage:Refunds (eu-west-1)"] == "no history: no earlier runs"
    assert props["checkly.passed-on-retry:Cart (eu-west-1)"] == "2"
    assert "checkly.triage:Home (eu-west-1)" not in props
    failure = next(c for c in root.iter("testcase") if c.get("name") == "Login (eu-west-1)")
    assert "Triage: flaky: failed 2 of its last 10 runs" in (failure.findtext("failure") or "")


def test_json_and_the_context_carry_labels_counts_and_group_ages() -> None:
    data = report_dict(report())
    jsonschema.validate(data, schema())
    runs = {r["name"]: r for r in data["sessions"][0]["runs"]}
    assert runs["Login"]["triage"] == {
        "label": "flaky",
        "evidence": "failed 2 of its last 10 runs",
        "earlierRuns": 10,
        "earlierFailures": 2,
        "notCounted": False,
    }
    assert runs["Orders"]["errorGroupAge"]["firstSeen"] == "2026-11-28T12:00:00+00:00"
    assert runs["Payments"]["errorGroupAge"]["new"] is True
    assert runs["Home"]["triage"] is None and runs["Cart"]["passedOnRetry"] == 2
    assert data["verdict"]["labels"] == {
        "new": 1,
        "flaky": 1,
        "already failing": 1,
        "no history": 1,
    }
    assert data["verdict"]["passedOnRetry"] == 1
    json.dumps(data)
    context = template_context(report())
    assert [s.label for s in context["triage"]] == ["new", "flaky", "already failing", "no history"]
    assert context["label_counts"]["flaky"] == 1
    orders = next(r for r in context["failing_runs"] if r.name == "Orders")
    assert orders.triage.earlier_failures == 10 and orders.group_age.last_seen.startswith(
        "2026-12-01"
    )
    assert context["verdict"]["passed_on_retry"] == 1
    assert context["thresholds"]["preexisting_failures"] == "fail"
