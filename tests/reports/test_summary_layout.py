"""The job summary as a new user reads it (issue 20): every Why row names its session, each
label says what to do next, the thresholds are a plain line, "Other runs" is not a stray
paragraph, and a session with no name is not "Test session test session <id>"."""

from __future__ import annotations

import pytest

from gate.core.model import Outcome, Session, SessionKind
from gate.core.triage import Label, Triage
from gate.reports.templating import Templates, render_summary
from tests.support.reports import check_run, gfm, make_report

ALREADY = Triage(Label.ALREADY_FAILING, earlier_runs=10, earlier_failures=10)


@pytest.fixture
def summary(builtin: Templates) -> str:
    group = "TimeoutError: locator.click: Timeout <NUMBER>ms exceeded."
    runs = (
        check_run(1, Outcome.FAILED, error_group=group, reason=None, triage=ALREADY),
        check_run(2, Outcome.FAILED, reason="status code equals 200, got 500", triage=ALREADY),
    )
    sessions = [
        Session(SessionKind.TEST, "s1", Outcome.FAILED, name="Webshop", runs=runs),
        Session(SessionKind.CHECK, "0c4c64b3-79c5-44a6-ae07-b580ce73f328", Outcome.PASSED,
                runs=(check_run(3),)),
    ]  # fmt: skip
    return render_summary(make_report(sessions), builtin)


def test_every_why_row_names_its_session(summary: str) -> None:
    why = summary[summary.index("### Why") : summary.index("### Sessions")]
    rows = [line for line in why.splitlines() if line.startswith("- ❌")]
    assert len(rows) == 2 and all(" · Webshop" in row for row in rows), rows


def test_the_other_runs_are_introduced_like_a_group(summary: str) -> None:
    assert "\nOther runs\n" not in summary
    assert "1 run with other reasons:" in summary


def test_each_label_says_what_to_do_next(summary: str) -> None:
    why = summary[summary.index("### Why") : summary.index("### Sessions")]
    assert "`preexisting-failures: allow`" in why


def test_the_thresholds_are_a_plain_line(summary: str) -> None:
    line = next(x for x in summary.splitlines() if "max failures" in x)
    assert "<sub>" not in line and line.startswith("Thresholds: fails on failed")


def test_a_session_without_a_name_is_called_by_its_id(summary: str) -> None:
    assert "Check session check session" not in summary
    assert "Check session 0c4c64b3-79c5-44a6-ae07-b580ce73f328" in gfm(summary).plain
