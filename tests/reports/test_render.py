"""The job summary and the PR comment, rendered by GitHub's own Markdown engine (cmark-gfm).

Hostile names from Checkly must stay text; tables must keep their shape; only http(s) links
become links; the size limits hold with 10,000 check runs; custom templates extend "base" in a
sandbox; the comment keeps its marker.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from gate.errors import TemplateMissingMarker, TemplateProblem
from gate.model import CheckRun, Outcome, Session, SessionKind
from gate.reports.context import build_context
from gate.reports.fitting import Plan
from gate.reports.md_filters import (
    duration,
    md_cell,
    md_code,
    md_link,
    md_text,
    md_url,
    outcome_icon,
    percent,
    plural,
    timestamp,
)
from gate.reports.report import Report, RunInfo
from gate.reports.templating import (
    COMMENT_LIMIT_CHARS,
    SUMMARY_LIMIT_BYTES,
    Templates,
    load_templates,
    render_comment,
    render_summary,
    sample_report,
    template_context,
)
from gate.runner.comment_history import HistoryEntry
from gate.verdict import Thresholds, decide
from tests.support.paths import ROOT

MARKER = "<!-- checkly-gate:e2e / checks -->"
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "| a | b |",
    "`code` and ``more``",
    "[x](javascript:alert(1))",
    "![img](https://evil.example/x.png)",
    "::error::pwned",
    "line one\nline two\r\n| c |",
    "**bold** _it_ ~~del~~ <b>b</b> &amp; &lt;",
    "ping @octocat and #1 and see https://evil.example and www.evil.example",
    "1. not a list",
    "<!-- checkly-gate:other -->",
    "$x^2$ \\| back\\slash",
]


class Html(HTMLParser):
    """What cmark-gfm produced: tags, link targets, table rows (cell texts), and the text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def gfm(markdown: str) -> Html:
    """Render like GitHub (GFM extensions), raw HTML let through so injections would show."""
    return Html(cmarkgfm.github_flavored_markdown_to_html(markdown, Options.CMARK_OPT_UNSAFE))


def make_report(sessions: list[Session], thresholds: Thresholds | None = None, **kw: Any) -> Report:
    now = datetime(2025, 8, 28, 18, 30, tzinfo=UTC)
    run = RunInfo(
        started_at=now,
        finished_at=now,
        repository="octo/shop",
        sha="a1b2c3d4e5f6" * 3,
        run_url="https://github.com/octo/shop/actions/runs/42",
        server_url="https://github.com",
    )
    thresholds = thresholds or Thresholds()
    return Report(tuple(sessions), decide(sessions, thresholds), run, **kw)


def check_run(i: int, outcome: Outcome = Outcome.PASSED, **kw: Any) -> CheckRun:
    defaults: dict[str, Any] = {
        "result_id": f"r{i}",
        "name": f"Check {i}",
        "outcome": outcome,
        "check_type": "API",
        "location": "eu-west-1",
        "link": f"https://app.checklyhq.com/results/r{i}",
        "response_time_ms": 100.0 + i,
    }
    return CheckRun(**(defaults | kw))


BENIGN = [f"plain name {i}" for i in range(len(HOSTILE))]


def hostile_report(names: list[str] = HOSTILE, extra: str = "<b>PR</b> | #7 `x`") -> Report:
    """Names, locations, reasons, group messages, a session name and a warning from `names`."""
    runs = [
        check_run(
            i,
            Outcome.FAILED if i % 2 else Outcome.PASSED,
            name=name,
            location=name,
            reason=f"reason: {name}" if i % 2 else None,
            error_group=name if i % 4 == 1 else None,
        )
        for i, name in enumerate(names)
    ]
    runs.append(check_run(99, Outcome.FAILED, link="javascript:alert(1)", name="bad link"))
    sessions = [
        Session(
            SessionKind.TEST,
            "s1",
            Outcome.FAILED,
            name=extra,
            link="https://app.checklyhq.com/sessions/s1",
            runs=tuple(runs),
        ),
        Session(SessionKind.CHECK, "s2", Outcome.PASSED, name=None, runs=(check_run(100),)),
    ]
    return make_report(sessions, warnings=(f"{extra} warning",), interrupted="SIGTERM")


def benign_report() -> Report:
    return hostile_report(BENIGN, "plain session")


@pytest.fixture(scope="module")
def builtin() -> Templates:
    return load_templates(None, None)


def expected_hrefs(report: Report) -> set[str]:
    links = {s.link for s in report.sessions} | {r.link for _, r in report.runs}
    links.add("https://github.com/octo/shop/actions/runs/41")  # the history entry's run
    links.add("https://github.com/octo/shop/commit/" + "f00ba12" * 2)  # and its commit
    links |= {report.run.run_url, "https://github.com/octo/shop/commit/" + (report.run.sha or "")}
    return {link for link in links if link and link.startswith("https://")}


def assert_safe(html: Html, report: Report, benign: Html, names: list[str] = HOSTILE) -> None:
    """Hostile text added no element: the same tags, in the same order, as with plain names;
    and it reads as the text it is."""
    assert html.tags == benign.tags
    assert not {"script", "img", "b", "em", "del"} & set(html.tags)
    assert set(html.hrefs) <= expected_hrefs(report)
    text = "".join(html.text).replace("\u200b", "")
    for name in names:
        assert " ".join(name.split()) in text


def test_summary_keeps_hostile_names_as_text_and_tables_in_shape(builtin: Templates) -> None:
    report = hostile_report()
    markdown = render_summary(report, builtin)
    html = gfm(markdown)
    assert_safe(html, report, gfm(render_summary(benign_report(), builtin)))
    counts, overview, *sessions = html.tables  # then the overview: a row per session
    assert len(overview) == 1 + 2
    assert counts == [
        ["Check runs", "✅ Passed", "⚠️ Degraded", "❌ Failing", "Pass rate"],
        ["15", "8", "0", "7", "53.3%"],
    ]
    assert [len(t) for t in sessions] == [1 + 14, 1 + 1]  # header + every check run
    assert all(len(row) == 7 for table in sessions for row in table)
    first = sessions[0]
    assert [row[1].replace("\u200b", "") for row in first[1 : len(HOSTILE) + 1]] == [
        " ".join(n.split()) for n in HOSTILE
    ]
    assert first[2][6] == "reason: <img src=x onerror=alert(1)>"
    assert "javascript:alert(1)" not in html.hrefs
    assert "bad link" in first[-1][1]


def test_summary_mentions_and_autolinks_are_defused(builtin: Templates) -> None:
    html = gfm(render_summary(hostile_report(), builtin))
    text = "".join(html.text)
    assert "ping @octocat and #1" in text  # a job summary notifies no one: as written (item 14)
    assert "https://evil.example" in text
    assert not any("evil" in href for href in html.hrefs)


def test_summary_order_verdict_first_then_why_sessions_warnings_metadata(
    builtin: Templates,
) -> None:
    markdown = render_summary(hostile_report(), builtin)
    positions = [
        markdown.index(part)
        for part in (
            "Checkly gate failed",
            "Gate failed: 7 failing check runs",
            "Fails on: failed",
            "### Why",
            "### ❌ Test session",
            "### ✅ Check session check session s2",
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
    assert why.index("Check 2") < why.index("Other runs") < why.index("Check 3")
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


def test_the_examples_extend_base_and_render(builtin: Templates) -> None:
    templates = load_templates(
        ROOT / "examples" / "custom-summary.md.j2",
        ROOT / "examples" / "custom-comment.md.j2",
        marker=MARKER,
    )
    report = hostile_report()
    summary = render_summary(report, templates)
    assert summary.startswith("## ❌ Synthetic checks for octo/shop: FAILED")
    assert "**Runbook:**" in summary
    assert "### Why" in summary and "checkly-gate 0.1.0" in summary  # base blocks kept
    assert_safe(gfm(summary), report, gfm(render_summary(benign_report(), templates)))
    comment = render_comment(report, templates, marker=MARKER)
    assert comment.startswith(MARKER)
    assert "### ❌ Checkly: 8/15 check runs passed" in comment
    assert "Earlier runs" not in render_comment(
        report, templates, marker=MARKER, history=[HistoryEntry("t", "passed", 1, 0)]
    )
    benign = render_comment(benign_report(), templates, marker=MARKER)
    assert_safe(gfm(comment), report, gfm(benign), HOSTILE[1::2])


def test_a_custom_template_overrides_one_block(tmp_path: Path) -> None:
    custom = tmp_path / "summary.md.j2"
    custom.write_text(
        '{% extends "base" %}{% block warnings %}NO WARNINGS HERE\n{% endblock %}', encoding="utf-8"
    )
    summary = render_summary(hostile_report(), load_templates(custom, None))
    assert "NO WARNINGS HERE" in summary
    assert "### Warnings" not in summary
    assert "## ❌ Checkly gate failed" in summary


def test_a_comment_template_without_the_marker_is_refused(tmp_path: Path) -> None:
    custom = tmp_path / "comment.md.j2"
    custom.write_text("Checkly says {{ verdict.result }}\n", encoding="utf-8")
    with pytest.raises(TemplateMissingMarker) as caught:
        load_templates(None, custom)
    assert str(custom) in str(caught.value)
    assert caught.value.exit_code == 2
    hardcoded = tmp_path / "hardcoded.md.j2"
    hardcoded.write_text("<!-- checkly-gate:mine -->\n{{ verdict.result }}\n", encoding="utf-8")
    templates = load_templates(None, hardcoded, marker="<!-- checkly-gate:mine -->")
    with pytest.raises(TemplateMissingMarker):
        render_comment(sample_report(), templates, marker=MARKER)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ verdict.__class__ }}",
        "{{ sessions[0].__init__.__globals__ }}",
        "{{ sessions.append(1) }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ 'x' * 10 ** 10 }}",
        "{{ [1] * 100000000 }}",
        "{{ 9 ** 999999 }}",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    ],
)
def test_the_sandbox_refuses_python_internals(tmp_path: Path, source: str) -> None:
    custom = tmp_path / "summary.md.j2"
    custom.write_text("line one\n" + source + "\n", encoding="utf-8")
    with pytest.raises(TemplateProblem) as caught:
        load_templates(custom, None)
    assert f"summary-template {custom}" in str(caught.value)
    assert "line 2" in str(caught.value)


def test_a_broken_template_names_file_and_line(tmp_path: Path) -> None:
    custom = tmp_path / "summary.md.j2"
    custom.write_text("ok\n{% if verdict.passed %}\nunclosed\n", encoding="utf-8")
    with pytest.raises(TemplateProblem) as caught:
        load_templates(custom, None)
    message = str(caught.value)
    assert message.startswith(f"summary-template {custom}, line 3: Unexpected end of template")
    typo = tmp_path / "typo.md.j2"
    typo.write_text("a\nb\n{{ verdict.resutl }}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem, match=r"line 3.*resutl"):
        load_templates(typo, None)
    with pytest.raises(TemplateProblem, match="cannot be read"):
        load_templates(tmp_path / "missing.md.j2", None)
    unknown_filter = tmp_path / "filter.md.j2"
    unknown_filter.write_text("{{ verdict.result | no_such_filter }}", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="no_such_filter"):
        load_templates(unknown_filter, None)


def test_the_context_is_the_documented_one() -> None:
    context = template_context(sample_report(), marker=MARKER)
    docs = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    for key in context:
        assert f"`{key}`" in docs, key
    session = context["sessions"][0]
    for field in dataclasses.fields(session):
        assert f"`{field.name}`" in docs, field.name
    for field in dataclasses.fields(session.runs[0]):
        assert f"`{field.name}`" in docs, field.name
    for group in ("verdict", "thresholds", "meta"):
        for key in context[group]:
            assert f"`{key}`" in docs, f"{group}.{key}"
    assert context["marker"] == MARKER
    assert [r.name for r in context["failing_runs"]] == ["Sample API check"]


# -- the filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Homepage API", "Homepage API"),
        (None, ""),
        (42, "42"),
        ("a|b", "a\\|b"),
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
        ("[t](u)", "\\[t\\](u)"),
        ("a\nb\r\nc\td", "a b c d"),
        ("- item", "\\- item"),
        ("3) x", "3\\) x"),
        ("@team", "@&#8203;team"),
        ("http://x.example", "http\\://x.example"),
        ("\x1b[31mred\x1b[0m", "red"),
    ],
)
def test_md_text(value: Any, expected: str) -> None:
    assert md_text(value) == expected


def test_md_cell_code_link_and_url() -> None:
    assert md_cell(None) == md_cell("") == "\u2013"
    assert md_code("a `b` c") == "``a `b` c``"
    assert md_code("`x`") == "`` `x` ``"
    assert md_code("a|b", cell=True) == "`a\\|b`"
    assert md_code("<!-- checkly-gate:k -->").count("<!--") == 0
    assert md_link("Run", "https://app.checklyhq.com/a(b)|c") == (
        "[Run](https://app.checklyhq.com/a%28b%29%7Cc)"
    )
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "/relative",
        "https://a b.example",
        "https://x.example/\x00",
        "ftp://x.example",
        "https://",
        None,
        7,
    ):
        assert md_url(bad) is None, bad
        assert md_link("label", bad) == "label"
    assert md_link("", "https://x.example/") == "[https\\://x.example/](https://x.example/)"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.2304, "230 ms"),
        (4.25, "4.2 s"),
        (12.6, "13 s"),
        (185, "3m5s"),
        (3720, "1h2m"),
        (None, ""),
        (-1, ""),
        (True, ""),
    ],
)
def test_duration(seconds: Any, expected: str) -> None:
    assert duration(seconds) == expected


def test_small_filters() -> None:
    assert percent(87.5) == "87.5%" and percent(100.0) == "100%" and percent(None) == ""
    assert plural(1, "run") == "1 run" and plural(3, "retry", "retries") == "3 retries"
    assert outcome_icon("failed") == "❌" and outcome_icon("??") == "❔"
    assert timestamp("2025-08-28T20:30:00+02:00") == "2025-08-28 18:30 UTC"
    assert timestamp("nonsense") == "" and timestamp(None) == ""
