"""Shared by the report tests: a Report of given sessions, a check run, the HTML that
GitHub's own Markdown engine (cmark-gfm) makes of a summary or comment, and a report full of
hostile names with the check that they stayed text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import cmarkgfm
from cmarkgfm.cmark import Options

from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.verdict import Thresholds, decide
from gate.reports.report import Report, RunInfo

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

    @property
    def plain(self) -> str:
        """The text as a reader sees it, in one string."""
        return "".join(self.text)


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
