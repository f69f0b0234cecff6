"""Reports as GitHub shows them: Markdown rendered by cmark-gfm, read back as text and tables."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import cmarkgfm
from cmarkgfm.cmark import Options

from gate.model import CheckRun, Outcome, Session
from gate.reports.report import Report, RunInfo
from gate.verdict import Thresholds, decide


class Rendered(HTMLParser):
    """Tags, link targets, table rows (cell texts), details blocks and the text of the HTML."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
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
        return "".join(self.text)


def gfm(markdown: str) -> Rendered:
    """Render like GitHub (GFM extensions), raw HTML let through so injections would show."""
    return Rendered(cmarkgfm.github_flavored_markdown_to_html(markdown, Options.CMARK_OPT_UNSAFE))


NOW = datetime(2025, 8, 28, 18, 30, tzinfo=UTC)


def make_report(sessions: list[Session], thresholds: Thresholds | None = None, **kw: Any) -> Report:
    run = RunInfo(
        started_at=NOW,
        finished_at=NOW,
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
