"""The JUnit XML report: a `testsuite` per session, a `testcase` per check run.

Valid against the Jenkins xunit plugin's `junit-10.xsd` (tested), read by GitLab, Jenkins and
CircleCI. The mapping of outcomes (also in the docs):

    passed                      pass (no child element)
    degraded                    <failure type="degraded"> when degraded is in fail-on, else pass
    failed, timed-out           <failure type="failed|timed-out">
    error                       <error type="error">
    cancelled, incomplete,      <failure type="..."> when in fail-on (the default), else <skipped>
    missing

A session whose own outcome is failing while none of its runs is (SPEC §4: the gate never hides
a red session) gets one extra `testcase` named "(session outcome)" carrying that failure, so
the failure and error counts add up to the gate's failing count whenever fail-on includes
failed and timed-out. The reason is the `message`; the body repeats it with the links. The
result link is in the testcase's `url` attribute and in the suite's `<properties>`
(`checkly.result-link:<testcase name>`), next to the session's ID, kind, link and outcome.
Characters XML cannot carry (control characters, ANSI colour codes) are removed. Evidence
(SPEC §10: attachments, a `testcase` per Playwright test) is added by `junit_evidence`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from gate.core.model import CheckRun, Outcome, Session
from gate.core.verdict import Thresholds, hides_red_session, is_failing, not_counted_text
from gate.reports.junit_evidence import attach, playwright_cases
from gate.reports.report import Report

_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
SESSION_OUTCOME_CASE = "(session outcome)"


def xml_text(value: object) -> str:
    """Text XML 1.0 can carry: ANSI colour codes and invalid characters removed."""
    return _INVALID_XML.sub("", _ANSI.sub("", str(value)))


def junit_xml(report: Report) -> bytes:
    """The JUnit XML document (UTF-8, with an XML declaration)."""
    thresholds = report.verdict.thresholds
    root = ET.Element("testsuites", name="checkly-gate")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    time_total = 0.0
    for index, session in enumerate(report.sessions):
        suite, counts, seconds = _suite(session, thresholds)
        if index == 0 and report.verdict.not_counted_note:  # how many and why, once
            _prop(_props(suite), "checkly.not-counted", report.verdict.not_counted_note)
        root.append(suite)
        for key in totals:
            totals[key] += counts[key]
        time_total += seconds
    if report.trigger is not None and report.trigger.no_match:
        root.append(_no_match_suite(report.trigger.no_match, report.trigger.no_match_fails))
        totals["tests"] += 1
        totals["failures"] += report.trigger.no_match_fails
    for key, count in totals.items():
        root.set(key, str(count))
    root.set("time", _seconds(time_total))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def write_junit(report: Report, path: Path) -> None:
    """Write the JUnit XML report to `path`, creating its parent directories."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(junit_xml(report))


def _suite(session: Session, thresholds: Thresholds) -> tuple[ET.Element, dict[str, int], float]:
    suite = ET.Element("testsuite", name=xml_text(session.title), id=xml_text(session.id))
    if session.started_at:
        suite.set("timestamp", session.started_at.isoformat())
    props = ET.SubElement(suite, "properties")
    _prop(props, "checkly.session.id", session.id)
    _prop(props, "checkly.session.kind", session.kind.value)
    _prop(props, "checkly.session.outcome", session.outcome.value)
    if session.status:
        _prop(props, "checkly.session.status", session.status)
    if session.link:
        _prop(props, "checkly.session.link", session.link)
    if session.note:
        _prop(props, "checkly.session.note", session.note)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    classname = f"checkly.{session.kind.value}-session.{session.title.replace('.', '_')}"
    cases: list[ET.Element] = []
    run_seconds = 0.0
    for run in session.runs:
        case, kind = _case(run, classname, thresholds)
        extra = list(playwright_cases(run, case.get("name") or "", classname, xml_text))
        cases += [case, *(c for c, _ in extra)]
        _tally(counts, [kind, *(k for _, k in extra)])
        run_seconds += _run_seconds(run) or 0.0
        _run_props(props, run, str(case.get("name")), thresholds)
    if hides_red_session(session, thresholds):
        cases.append(_session_case(session, classname))
        counts["tests"] += 1
        counts["errors" if session.outcome is Outcome.ERROR else "failures"] += 1
    suite.extend(cases)
    seconds = session.elapsed_ms / 1000 if session.elapsed_ms is not None else run_seconds
    for key, count in counts.items():
        suite.set(key, str(count))
    suite.set("time", _seconds(seconds))
    return suite, counts, seconds


def _props(suite: ET.Element) -> ET.Element:
    found = suite.find("properties")
    return found if found is not None else ET.SubElement(suite, "properties")


def _run_props(props: ET.Element, run: CheckRun, name: str, thresholds: Thresholds) -> None:
    """The run's link, label, base-branch failure, why it is not counted, retry pass."""
    if run.link:
        _prop(props, f"checkly.result-link:{name}", run.link)
    if run.triage is not None:
        _prop(props, f"checkly.triage:{name}", run.triage.text)
    if run.base_failure is not None:
        also = run.base_failure
        _prop(props, f"checkly.base-branch:{name}", f"{also.text} {also.link or ''}".rstrip())
    if why := not_counted_text(run, thresholds):
        _prop(props, f"checkly.not-counted:{name}", why)
    if run.passed_on_retry:
        _prop(props, f"checkly.passed-on-retry:{name}", str(run.passed_on_retry))


def _case(run: CheckRun, classname: str, thresholds: Thresholds) -> tuple[ET.Element, str]:
    name = f"{run.name} ({run.location})" if run.location else run.name
    case = ET.Element("testcase", name=xml_text(name), classname=xml_text(classname))
    case.set("time", _seconds(_run_seconds(run) or 0.0))
    if run.link:
        case.set("url", xml_text(run.link))
    kind = _mapping(run.outcome, thresholds)
    if kind:
        tag = {"failures": "failure", "errors": "error", "skipped": "skipped"}[kind]
        message = run.reason or run.error_group or _default_message(run.outcome)
        child = ET.SubElement(case, tag, type=run.outcome.value, message=xml_text(message))
        child.text = xml_text(_body(run, message, thresholds))
    elif run.outcome is Outcome.DEGRADED:
        out = ET.SubElement(case, "system-out")
        out.text = xml_text(_body(run, run.reason or "degraded (tolerated by fail-on)", thresholds))
    attach(case, run, xml_text)
    return case, kind


def _tally(counts: dict[str, int], kinds: list[str]) -> None:
    """Count testcases: each one in "tests", and in its kind ("failures", ...) if it has one."""
    for kind in kinds:
        counts["tests"] += 1
        if kind:
            counts[kind] += 1


def _mapping(outcome: Outcome, thresholds: Thresholds) -> str:
    """ "failures", "errors", "skipped" or "" (passed) for an outcome."""
    if outcome is Outcome.ERROR:
        return "errors"
    if outcome in (Outcome.FAILED, Outcome.TIMED_OUT):
        return "failures"
    if outcome in (Outcome.CANCELLED, Outcome.INCOMPLETE, Outcome.MISSING):
        return "failures" if is_failing(outcome, thresholds) else "skipped"
    if outcome is Outcome.DEGRADED and is_failing(outcome, thresholds):
        return "failures"
    return ""


def _session_case(session: Session, classname: str) -> ET.Element:
    case = ET.Element("testcase", name=SESSION_OUTCOME_CASE, classname=xml_text(classname))
    case.set("time", "0.000")
    if session.link:
        case.set("url", xml_text(session.link))
    tag = "error" if session.outcome is Outcome.ERROR else "failure"
    message = session.note or f"the session's own outcome is {session.outcome.value}"
    child = ET.SubElement(case, tag, type=session.outcome.value, message=xml_text(message))
    child.text = xml_text(message + (f"\nSession: {session.link}" if session.link else ""))
    return case


def _no_match_suite(no_match: str, fails: bool) -> ET.Element:
    """A trigger that matched no check (SPEC §8): one failing case, so a CI system's test
    report says why the job failed although no check ran (skipped with fail-on-no-matching
    false)."""
    suite = ET.Element("testsuite", name="checkly-gate trigger", id="trigger")
    suite.set("tests", "1")
    suite.set("failures", "1" if fails else "0")
    suite.set("errors", "0")
    suite.set("skipped", "0" if fails else "1")
    suite.set("time", "0.000")
    case = ET.SubElement(suite, "testcase", name="no matching checks", classname="checkly.trigger")
    case.set("time", "0.000")
    child = ET.SubElement(case, "failure" if fails else "skipped", message=xml_text(no_match))
    child.text = xml_text(no_match)
    return suite


def _body(run: CheckRun, message: str, thresholds: Thresholds) -> str:
    lines = [message]
    if run.error_group and run.error_group != message:
        lines.append(f"Error group: {run.error_group}")
    if run.triage is not None:
        lines.append(f"Triage: {run.triage.text}")
    if run.base_failure is not None:
        lines.append(f"Base branch: {run.base_failure.text} {run.base_failure.link or ''}".rstrip())
    if why := not_counted_text(run, thresholds):
        lines.append(f"Not counted: {why}")
    lines.append(f"Outcome: {run.outcome.value}")
    if run.check_type:
        lines.append(f"Check type: {run.check_type}")
    if run.location:
        lines.append(f"Location: {run.location}")
    if run.retries:
        lines.append(f"Retries: {run.retries}")
    if run.link:
        lines.append(f"Result: {run.link}")
    return "\n".join(lines)


def _default_message(outcome: Outcome) -> str:
    return {
        Outcome.FAILED: "the check failed",
        Outcome.TIMED_OUT: "the check timed out",
        Outcome.ERROR: "the session could not be read",
        Outcome.CANCELLED: "the check run was cancelled",
        Outcome.INCOMPLETE: "the check run had not finished at the gate's deadline",
        Outcome.DEGRADED: "the check is degraded",
    }.get(outcome, outcome.value)


def _run_seconds(run: CheckRun) -> float | None:
    if run.duration_s is not None:
        return run.duration_s
    return run.response_time_ms / 1000 if run.response_time_ms is not None else None


def _prop(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, "property", name=xml_text(name), value=xml_text(value))


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"
