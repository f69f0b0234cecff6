"""The job summary and the PR comment, rendered by cmark-gfm: hostile names from Checkly stay
text, tables keep their shape, only http(s) links become links, mentions are defused.
"""

from __future__ import annotations

from gate.reports.templating import (
    Templates,
    render_summary,
)
from tests.support.reports import HOSTILE, assert_safe, benign_report, gfm, hostile_report


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
