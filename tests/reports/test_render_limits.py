"""The size limits of the job summary and the PR comment hold with 10,000 check runs, many
sessions and bloated templates, and every cut is visible and fair.
"""

from __future__ import annotations

import time
from pathlib import Path

from gate.core.model import Outcome, Session, SessionKind
from gate.reports.context import build_context
from gate.reports.fitting import Plan
from gate.reports.report import Report
from gate.reports.templating import (
    COMMENT_LIMIT_CHARS,
    SUMMARY_LIMIT_BYTES,
    Templates,
    load_templates,
    render_comment,
    render_summary,
)
from tests.support.reports import MARKER, check_run, gfm, make_report


def big_report(sessions: int = 20, runs: int = 500, fail_every: int = 3) -> Report:
    made = []
    for s in range(sessions):
        rs = tuple(
            check_run(
                s * runs + i,
                Outcome.FAILED if i % fail_every == 0 else Outcome.PASSED,
                name=f"Check {i} of session {s} | <b>tricky</b>",
                link=f"https://app.checklyhq.com/accounts/1397c172-1938-4973-a225-5862298e571a/"
                f"test-sessions/{s:08d}-0000-4000-8000-000000000000/results/{i:012d}",
                reason="status code equals 200, got 500" if i % fail_every == 0 else None,
                error_group="Expected 200, got <NUMBER>" if i % (2 * fail_every) == 0 else None,
            )
            for i in range(runs)
        )
        made.append(
            Session(
                SessionKind.TEST,
                f"session-{s}",
                Outcome.FAILED,
                name=f"Session number {s}",
                link=f"https://app.checklyhq.com/s/{s}",
                runs=rs,
            )
        )
    return make_report(made)


def test_ten_thousand_check_runs_fit_with_a_visible_cut_note(builtin: Templates) -> None:
    report = big_report()
    assert report.verdict.total == 10_000
    started = time.perf_counter()
    summary = render_summary(report, builtin)
    middle = time.perf_counter()
    comment = render_comment(report, builtin, marker=MARKER)
    ended = time.perf_counter()
    assert len(summary.encode("utf-8")) <= SUMMARY_LIMIT_BYTES
    assert len(comment) <= COMMENT_LIMIT_CHARS
    assert len(summary.encode("utf-8")) > SUMMARY_LIMIT_BYTES * 0.6  # cut, not gutted
    failing = report.verdict.failing
    shown_in_comment = comment.count("\n- ❌ ")
    assert (
        f"… and {failing - shown_in_comment} more failing runs: see the job summary / Checkly"
        in comment
    )
    assert "more failing runs: see Checkly" in summary
    for s in range(20):
        assert f"[Session number {s}](https://app.checklyhq.com/s/{s})" in summary
        assert f"[Session number {s}](https://app.checklyhq.com/s/{s})" in comment
    assert "passed check runs not listed" in summary
    html = gfm(summary)
    assert all(len(row) == 7 for table in html.tables[2:] for row in table)  # after the overview
    assert not {"script", "b"} & set(html.tags)
    assert middle - started < 2.0 and ended - middle < 2.0  # a later benchmark measures it


def test_passed_runs_collapse_before_any_failing_run_is_cut(builtin: Templates) -> None:
    report = big_report(fail_every=20)  # 500 failing of 10,000: they all fit once passed collapse
    summary = render_summary(report, builtin)
    assert len(summary.encode("utf-8")) <= SUMMARY_LIMIT_BYTES
    assert "more failing run" not in summary
    assert summary.count("| ❌ failed | [") == report.verdict.failing  # run rows, not overview
    assert summary.count("| ✅ passed | [") == 0
    assert "475 passed check runs not listed" in summary


def test_many_sessions_shrink_to_one_line_each_and_are_all_present(builtin: Templates) -> None:
    report = big_report(sessions=3000, runs=2, fail_every=1)
    summary = render_summary(report, builtin)
    comment = render_comment(report, builtin, marker=MARKER)
    assert len(summary.encode("utf-8")) <= SUMMARY_LIMIT_BYTES
    assert len(comment) <= COMMENT_LIMIT_CHARS and MARKER in comment
    assert all(f"[Session number {s}](" in summary for s in range(3000))
    assert "more sessions" in comment


def test_a_cut_is_shared_fairly_between_sessions() -> None:
    sessions = [
        Session(
            SessionKind.TEST,
            f"s{n}",
            Outcome.FAILED,
            name=f"S{n}",
            runs=tuple(check_run(n * 1000 + i, Outcome.FAILED) for i in range(count)),
        )
        for n, count in enumerate((1, 100, 100, 3))
    ]
    context = build_context(make_report(sessions), Plan(True, "passed", 41))
    assert [len(s.failing_runs) for s in context["sessions"]] == [1, 19, 18, 3]
    assert [s.cut_count for s in context["sessions"]] == [0, 81, 82, 0]
    assert (context["failing_total"], context["failing_cut"]) == (204, 163)
    assert context["cut_note"] == "… and 163 more failing runs: see Checkly"
    assert [r.name for r in context["failing_runs"][:2]] == ["Check 0", "Check 1000"]


def test_the_size_limit_holds_even_for_a_bloated_custom_template(tmp_path: Path) -> None:
    bloated = tmp_path / "comment.md.j2"
    bloated.write_text(
        '{% extends "base" %}{% block failures %}{% for run in failing_runs %}'
        "{{ (run.name | md_text) * 40 }}\n{% endfor %}{% endblock %}"
        "{% block footer %}{{ super() }}{{ marker }}{% endblock %}",
        encoding="utf-8",
    )
    templates = load_templates(None, bloated)
    report = big_report(sessions=2, runs=1000, fail_every=1)
    comment = render_comment(report, templates, marker=MARKER, limit=20_000)
    assert len(comment) <= 20_000
    assert MARKER in comment
