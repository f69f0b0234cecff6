"""What the job summary and the PR comment show and in which order: verdict first, error
groups, history rows, the compact comment with its marker, a passing report.
"""

from __future__ import annotations

from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.reports.context import build_context
from gate.reports.templating import (
    Templates,
    render_comment,
    render_summary,
    sample_report,
)
from gate.runner.comment_history import HistoryEntry
from tests.support.reports import (
    HOSTILE,
    MARKER,
    assert_safe,
    benign_report,
    check_run,
    gfm,
    hostile_report,
    make_report,
)


def test_summary_order_verdict_first_then_why_sessions_warnings_metadata(
    builtin: Templates,
) -> None:
    markdown = render_summary(hostile_report(), builtin)
    positions = [
        markdown.index(part)
        for part in (
            "Checkly gate failed",
            "Gate failed: 7 failing check runs",
            "Thresholds: fails on failed",
            "### Why",
            "### ❌ Test session",
            "<details><summary>✅ Check session s2",
            "### Warnings",
            "checkly-gate 0.1.0",
        )
    ]
    assert positions == sorted(positions)
    assert "The gate was interrupted (SIGTERM)" in markdown
    html = gfm(markdown)
    assert "https://github.com/octo/shop/actions/runs/42" in html.hrefs
    assert "https://github.com/octo/shop/commit/" + "a1b2c3d4e5f6" * 3 in html.hrefs


def test_runs_sharing_an_error_group_are_shown_together(builtin: Templates) -> None:
    group = "TimeoutError: locator.click: Timeout <NUMBER>ms exceeded."
    runs = [check_run(i, Outcome.FAILED, error_group=group, reason=None) for i in range(3)]
    runs.append(check_run(3, Outcome.FAILED, reason="status code equals 200, got 500"))
    report = make_report(
        [Session(SessionKind.TEST, "s", Outcome.FAILED, name="S", runs=tuple(runs))]
    )
    markdown = render_summary(report, builtin)
    why = markdown[markdown.index("### Why") : markdown.index("### ❌ Test session")]
    assert f"3 runs failed with `{group}`" in why
    assert why.count("- ❌ [Check ") == 4
    assert why.index("Check 2") < why.index("1 run with other reasons:") < why.index("Check 3")
    assert "status code equals 200, got 500" in why
    comment = render_comment(report, builtin, marker=MARKER)
    assert f"3 runs failed with `{group}`" in comment


def test_error_groups_are_told_apart_by_family_and_id_not_by_message(
    builtin: Templates,
) -> None:
    message = "Expected status code 200, received <NUMBER>"

    def failing(i: int, group_id: str) -> CheckRun:
        return check_run(i, Outcome.FAILED, error_group=message, error_group_ids=(group_id,))

    test_runs = (failing(0, "g-1"), failing(1, "g-1"), failing(2, "g-2"))
    sessions = [
        Session(SessionKind.TEST, "t", Outcome.FAILED, name="T", runs=test_runs),
        Session(SessionKind.CHECK, "c", Outcome.FAILED, name="C", runs=(failing(3, "g-1"),)),
    ]
    report = make_report(sessions)
    groups = build_context(report)["error_groups"]
    assert [(g.kind, g.id, g.count) for g in groups] == [
        ("test", "g-1", 2),
        ("test", "g-2", 1),
        ("check", "g-1", 1),  # same ID, other family: another group
    ]
    assert {g.message for g in groups} == {message}
    assert [[r.name for r in g.runs] for g in groups] == [
        ["Check 0", "Check 1"],
        ["Check 2"],
        ["Check 3"],
    ]
    summary = render_summary(report, builtin)
    assert summary.count(f"failed with `{message}`") == 3
    assert f"2 runs failed with `{message}`" in summary
    comment = render_comment(report, builtin, marker=MARKER)
    assert comment.count(f"failed with `{message}`") == 3


def test_every_history_row_links_its_run_even_without_a_commit(builtin: Templates) -> None:
    run_url = "https://github.com/octo/shop/actions/runs/40"
    history = [
        HistoryEntry("2025-08-27 09:00 UTC", "failed", 3, 1, None, run_url),
        HistoryEntry("2025-08-27 08:00 UTC", "passed", 3, 0, "ab12cd3" * 2, run_url + "0"),
        HistoryEntry("2025-08-27 07:00 UTC", "passed", 3, 0),
    ]
    comment = render_comment(sample_report(), builtin, marker=MARKER, history=history)
    html = gfm(comment)
    assert html.hrefs.count(run_url) == 1  # the row without a commit links through its time
    assert html.hrefs.count(run_url + "0") == 1  # the time; the commit links the commit
    assert f"https://github.com/octo/app/commit/{'ab12cd3' * 2}" in html.hrefs
    rows = html.tables[-1][1:]
    assert [row[0] for row in rows] == [h.time for h in history]
    assert rows[0][4] == "\u2013" and rows[1][4] == "ab12cd3"  # an en dash: no commit
    assert f"| [2025-08-27 09:00 UTC]({run_url}) |" in comment
    assert "| 2025-08-27 07:00 UTC |" in comment  # no run URL: plain text


def test_comment_is_compact_and_keeps_the_marker(builtin: Templates) -> None:
    report = hostile_report()
    history = [
        HistoryEntry(
            "2025-08-27 10:00 UTC",
            "passed",
            12,
            0,
            "f00ba12" * 2,
            "https://github.com/octo/shop/actions/runs/41",
        )
    ]
    markdown = render_comment(report, builtin, marker=MARKER, history=history)
    assert markdown.startswith(MARKER + "\n")
    html = gfm(markdown)
    benign = render_comment(benign_report(), builtin, marker=MARKER, history=history)
    assert_safe(html, report, gfm(benign), HOSTILE[1::2])  # the comment lists failing runs
    assert markdown.count("<!--") == 1  # a name that looks like a marker is escaped
    sessions_table, history_table = html.tables
    assert len(sessions_table) == 3 and all(len(row) == 4 for row in sessions_table)
    assert history_table[1] == ["2025-08-27 10:00 UTC", "✅ passed", "12", "0", "f00ba12"]
    assert "Check 0" not in markdown  # passed runs are only counted in the comment
    assert markdown.count(MARKER) == 1


def test_a_passing_report_says_so(builtin: Templates) -> None:
    report = make_report(
        [
            Session(
                SessionKind.CHECK,
                "s",
                Outcome.PASSED,
                name="Prod",
                runs=(check_run(1), check_run(2)),
            )
        ]
    )
    summary = render_summary(report, builtin)
    assert summary.startswith("## ✅ Checkly gate passed\n")
    assert "Gate passed: no failing check runs (2 check runs, pass rate 100.0%)." in summary
    assert "### Why" not in summary
    comment = render_comment(report, builtin, marker=MARKER)
    assert "### ✅ Checkly gate passed" in comment and "**Why**" not in comment
