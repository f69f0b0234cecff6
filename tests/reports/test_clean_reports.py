"""Issue 12, items 14-17 and 20: reports that read cleanly, raw and as GitHub renders them."""

from __future__ import annotations

import io

import pytest

from gate.core.model import Outcome, Session, SessionKind
from gate.reports.console import print_report
from gate.reports.templating import load_templates, render_comment, render_summary
from gate.run.pipeline import waiting_line
from gate.runner.workflow import Runner
from tests.support.reports import check_run, gfm, make_report

MARKER = "<!-- checkly-gate:k -->"
TEMPLATES = load_templates(None, None)


def summary_and_comment(sessions: list[Session]) -> tuple[str, str]:
    report = make_report(sessions)
    return render_summary(report, TEMPLATES), render_comment(report, TEMPLATES, marker=MARKER)


def session(
    name: str, *runs: object, kind: SessionKind = SessionKind.TEST, **kw: object
) -> Session:
    outcome = kw.pop("outcome", Outcome.FAILED)
    return Session(
        kind, f"s-{name}", outcome, name=name, link="https://app.checklyhq.com/s/" + str(len(name)),
        runs=tuple(runs), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


# -- item 14 -------------------------------------------------------------------------------
def test_the_summary_shows_pr_42_raw_and_rendered() -> None:
    failing = check_run(1, Outcome.FAILED, reason="broke in PR #42 for @octocat")
    summary, comment = summary_and_comment([session("Webshop checks: PR #42", failing)])
    assert "&#8203;" not in summary and "\u200b" not in summary
    assert "Webshop checks: PR #42" in summary  # the raw file reads as it should
    assert "broke in PR #42 for @octocat" in summary
    assert "Webshop checks: PR #42" in gfm(summary).plain
    # the PR comment still pings no one and links no issue
    assert "@octocat" not in comment.replace("@&#8203;", "")
    assert "#42" not in comment.replace("#&#8203;", "")


def test_a_hash_that_markdown_would_read_is_still_escaped() -> None:
    name = "# not a heading #"
    summary, _ = summary_and_comment([session(name, check_run(1, Outcome.FAILED, name=name))])
    html = gfm(summary)
    assert name in html.plain
    assert html.tags.count("h1") == 0


# -- item 15 -------------------------------------------------------------------------------
def test_a_run_with_no_measured_time_shows_a_dash() -> None:
    refused = check_run(
        1, Outcome.FAILED, response_time_ms=None, duration_s=0.0, reason="request error: refused"
    )
    summary, _ = summary_and_comment([session("Shop", refused, check_run(2))])
    table = gfm(summary).tables[-1]
    header = table[0]
    rows = {row[header.index("Check")]: row for row in table[1:]}
    assert rows["Check 1"][header.index("Time")] == "\u2013"
    assert "0 ms" not in summary


# -- item 16 -------------------------------------------------------------------------------
def test_check_session_runs_do_not_repeat_their_name_in_why() -> None:
    group = "Expected 200, got 503"
    runs = [
        check_run(i, Outcome.FAILED, name="Checkout API", error_group=group, error_group_ids=("g",))
        for i in (1, 2)
    ]
    summary, _ = summary_and_comment([session("Checkout API", *runs, kind=SessionKind.CHECK)])
    why = summary[summary.index("### Why") :].split("\n### ")[0]
    shown = gfm(why).plain
    assert shown.count("Checkout API · eu-west-1") == 2
    assert "Checkout API · eu-west-1 · Checkout API" not in shown


# -- item 17 -------------------------------------------------------------------------------
def test_the_red_session_rules_extra_failing_run_has_its_own_line() -> None:
    red = session("Smoke", check_run(1), check_run(2), status="FAILED")
    other = session("Shop", check_run(3, Outcome.FAILED, reason="boom"))
    report = make_report([red, other])
    assert (report.verdict.total, report.verdict.passed_count, report.verdict.failing) == (3, 2, 2)
    summary = render_summary(report, TEMPLATES)
    comment = render_comment(report, TEMPLATES, marker=MARKER)
    for text in (summary, comment):
        line = next(x for x in text.splitlines() if "session reported FAILED" in x)
        assert "Smoke" in line and "no run failed" in line
    out = io.StringIO()
    print_report(report, Runner({}, out))
    assert "session reported FAILED, no run failed" in out.getvalue()


# -- item 20 -------------------------------------------------------------------------------
@pytest.mark.parametrize(("seconds", "shown"), [(185.0, "3m5s"), (3725.0, "1h2m")])
def test_durations_read_as_people_write_them(seconds: float, shown: str) -> None:
    slow = check_run(1, Outcome.FAILED, response_time_ms=None, duration_s=seconds, reason="x")
    summary, _ = summary_and_comment([session("Shop", slow)])
    assert f"| {shown} |" in summary


def test_the_console_says_the_timeout_as_it_is_written() -> None:
    config = type("C", (), {"timeout_s": 21600.0, "api_url": "https://api", "sessions": (1,)})
    line = waiting_line(1, config)  # type: ignore[arg-type]
    assert "timeout 6h" in line and "21600" not in line
