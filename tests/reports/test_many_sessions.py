"""Issue 12, item 19: 500 sessions read cleanly: an overview table first, per-session tables
collapsed beyond a handful (failing first), a console that groups the passing sessions."""

from __future__ import annotations

import io
import re

from gate.core.model import Outcome, Session, SessionKind
from gate.reports.console import print_report
from gate.reports.templating import load_templates, render_comment, render_summary
from gate.runner.workflow import Runner
from tests.support.reports import check_run, gfm, make_report

TEMPLATES = load_templates(None, None)
FAILING = {100, 250, 499}


def sessions(count: int) -> list[Session]:
    made = []
    for i in range(count):
        bad = i in FAILING
        runs = (
            check_run(
                2 * i, Outcome.FAILED if bad else Outcome.PASSED, reason="boom" if bad else None
            ),
            check_run(2 * i + 1),
        )
        made.append(
            Session(
                SessionKind.TEST,
                f"00000000-0000-4000-8000-{i:012d}",
                Outcome.FAILED if bad else Outcome.PASSED,
                name=f"Session {i}",
                link=f"https://app.checklyhq.com/test-sessions/{i}",
                runs=runs,
            )
        )
    return made


def test_500_sessions_overview_first_then_collapsed_tables_failing_first() -> None:
    report = make_report(sessions(500))
    summary = render_summary(report, TEMPLATES)
    html = gfm(summary)
    overview = next(t for t in html.tables if t[0][:2] == ["Outcome", "Session"])
    assert overview[0] == ["Outcome", "Session", "Check runs", "Failing"]
    assert html.tables.index(overview) == 1  # right after the verdict's counts
    rows = overview[1:]
    assert len(rows) == 500
    names = [re.sub(r"^Test session ", "", row[1]) for row in rows]
    assert names[:3] == ["Session 100", "Session 250", "Session 499"]  # failing first
    assert rows[0][3] == "1" and rows[3][3] == "0"
    headings = [line for line in summary.splitlines() if line.startswith("### ")]
    assert len(headings) <= 10, headings  # a handful, not 500
    assert summary.count("<details>") >= 490
    first = [h for h in headings if "Session " in h][:3]
    assert all(any(f"Session {i}" in h for h in first) for i in FAILING)
    visible = re.sub(r"<details>.*?</details>", "", summary, flags=re.DOTALL)
    assert len(visible.encode()) < 100_000  # it was 221 KB of headings and tables, all open
    # every run is still linked (SPEC §5)
    for s in report.sessions:
        for r in s.runs:
            assert r.link in html.hrefs


def test_a_handful_of_passing_sessions_keep_their_tables_collapsed() -> None:
    report = make_report(sessions(3))
    summary = render_summary(report, TEMPLATES)
    assert summary.count("<details><summary>✅ Test session") == 3  # not a 3,000 px page
    assert "### ✅ Test session" not in summary
    for session in report.sessions:  # every run still linked
        assert all(run.link and run.link in summary for run in session.runs)


def test_the_console_groups_passing_sessions_when_there_are_many() -> None:
    out = io.StringIO()
    print_report(make_report(sessions(500)), Runner({}, out))
    lines = out.getvalue().splitlines()
    assert len(lines) < 20, len(lines)
    for i in FAILING:
        assert any(f'"Session {i}"' in line for line in lines)
    assert sum('"Check ' in line for line in lines) == 3  # one line per failing run
    assert any("497 passed sessions" in line for line in lines)


def test_the_console_keeps_one_line_per_session_when_there_are_few() -> None:
    out = io.StringIO()
    print_report(make_report(sessions(5)), Runner({}, out))
    assert sum(line.startswith("PASSED ") for line in out.getvalue().splitlines()) == 5


def test_the_comment_lists_failing_sessions_first() -> None:
    comment = render_comment(make_report(sessions(500)), TEMPLATES, marker="<!-- m -->")
    rows = gfm(comment).tables[0][1:]
    assert [r[0].split(" (")[0] for r in rows[:3]] == ["Session 100", "Session 250", "Session 499"]
    assert len(comment) < 65_536


def test_a_passed_session_with_a_missing_check_keeps_its_table_open() -> None:
    # The demo's triggered session: Checkly says passed, but a requested check did not run
    # (SPEC §11), a failing run the gate counts: its table is not folded away with the passed.
    made = sessions(3)
    made[1] = Session(
        SessionKind.TEST,
        made[1].id,
        Outcome.PASSED,
        name="Session 1",
        link=made[1].link,
        runs=(*made[1].runs, check_run(90, Outcome.MISSING, reason="requested but not run")),
    )
    summary = render_summary(make_report(made), TEMPLATES)
    assert "### ✅ Test session [Session 1]" in summary
    assert "<details><summary>✅ Test session Session 1" not in summary
    assert summary.count("<details><summary>✅ Test session") == 2  # the all-passed stay folded
