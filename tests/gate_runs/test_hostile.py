"""Hostile text through the whole pipeline (SPEC §5): names and messages from Checkly are data.

Check names, session names, locations, assertion errors, Playwright errors, error-group
messages and an API error body are full of workflow commands, Markdown and HTML. The whole
gate runs on them (console and annotations in the log, job summary, PR comment posted to a
fake GitHub, JUnit, JSON, outputs) and:

- the log holds no command but the gate's own (read by the runner's rules), each escaped so
  that the decoded title and message are exactly what the gate meant;
- the summary and the comment, rendered by cmark-gfm with raw HTML *allowed* (so an escaping
  slip would show), hold no script, no event handler, no `javascript:` link, no image, no
  spoofed comment marker, and their tables keep their shape;
- JUnit parses as XML; JSON parses and keeps every name verbatim (a carriage return arrives
  as a newline: gate.core.untrusted).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from gate.core.model import Outcome
from gate.reports.console import LABEL
from gate.reports.junit import xml_text
from gate.runner import pr_comment
from gate.runner.workflow import MAX_ANNOTATIONS
from gate.simulator import Fault, ScriptedResult, ScriptedSession, Simulator
from gate.simulator.scenarios import assertion
from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub, serving_pr
from tests.support.gate_run import GateRun, assert_nothing_lost, run_gate
from tests.support.paths import FIXTURES
from tests.support.runner_rules import assert_only_gate_commands

TOKEN = "ghs_hostile_test_token_0123456789"
REPO = "octo-org/shop"
EVENT = FIXTURES / "events" / "pull_request.json"
MARK = "PWNED"  # in every hostile string: whatever survives must be visibly inert text

COMMANDS = [
    f"::error::{MARK} error",
    f"::add-mask::{MARK}",
    f"ok\n::stop-commands::{MARK}",
    f"##[error]{MARK} legacy",
    f"a\r::warning file=/etc/passwd,line=1::{MARK}",
    f"  ::notice title=x::{MARK}",
    f"x\n\n::set-output name=result::{MARK}",
    f":::error:::{MARK}",
    f"%0A::error::{MARK} pre-escaped",
    f"t, title=y:: {MARK}",
]
MARKUP = [
    f"| {MARK} | cell |\n|---|---|",
    f"`{MARK}` ``` fence",
    f"[click {MARK}](javascript:alert(1))",
    f"<script>alert('{MARK}')</script>",
    f'<img src=x onerror="alert(1)"> {MARK}',
    f"<a href='javascript:alert(1)'>{MARK}</a>",
    f"<!-- checkly-gate:other --> {MARK}",
    f"@octocat #1 {MARK} ![i](https://evil.example/x.png)",
    f"<details open><summary>{MARK}</summary>",
    f"**{MARK}** _x_ ~~y~~ $math$ &amp; &#x3C;",
]
HOSTILE = COMMANDS + MARKUP


def hostile(i: int) -> str:
    return HOSTILE[i % len(HOSTILE)]


def api_failure(i: int) -> ScriptedResult:
    detail = {
        "apiCheckResult": {
            "assertions": [assertion("STATUS_CODE", "200", 500, hostile(i + 3))],
            "requestError": None,
        }
    }
    return ScriptedResult(hostile(i), "failed", "API", hostile(i + 1), detail=detail)


def playwright_failure(i: int) -> ScriptedResult:
    error = {"message": hostile(i + 2), "stack": hostile(i + 4)}
    return ScriptedResult(
        hostile(i),
        "failed",
        "PLAYWRIGHT",
        "eu-west-1",
        detail={"playwrightCheckResult": {"errors": [error]}},
        playwright_report=playwright_report(i),
    )


def playwright_report(i: int) -> dict[str, object]:
    """A Playwright JSON report whose files, titles and errors are hostile (SPEC §10)."""

    def test(title: str, status: str, message: str) -> dict[str, object]:
        failed = {"status": "failed", "error": {"message": message}}
        results = [failed] if status == "unexpected" else [failed, {"status": "passed"}]
        return {"title": title, "ok": status != "unexpected", "tests": [
            {"projectName": "chromium", "status": status, "results": results}]}  # fmt: skip

    specs = [test(hostile(i + 5), "unexpected", hostile(i + 6)), test(hostile(i + 7), "flaky", "x")]
    return {"suites": [{"title": "t", "file": hostile(i + 8), "specs": specs}]}


def grouped_failure(i: int, group: str) -> ScriptedResult:
    return ScriptedResult(hostile(i), "failed", "BROWSER", "us-east-1", error_group=group)


def hostile_sessions() -> list[ScriptedSession]:
    test = ScriptedSession(
        "test",
        "FAILED",
        hostile(5),
        results=[
            *(api_failure(i) for i in range(0, 6)),
            *(playwright_failure(i) for i in range(6, 12)),
            *(grouped_failure(i, hostile(13)) for i in range(12, 15)),
            ScriptedResult(hostile(15), "degraded", "API", hostile(16)),
            ScriptedResult(hostile(17), "passed", "API", hostile(18)),
        ],
    )
    check = ScriptedSession(
        "check",
        "FAILED",
        hostile(19),
        results=[grouped_failure(19, hostile(3)), grouped_failure(19, hostile(3))],
    )
    body = {"statusCode": 404, "error": "Not Found", "message": hostile(2) + " / " + hostile(13)}
    missing = ScriptedSession(
        "test",
        "PASSED",
        "never read",
        faults=[Fault.status(404, body=json.dumps(body).encode())],
    )
    return [test, check, missing]


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with serving_pr(TOKEN, REPO) as fake:
        yield fake


@pytest.fixture
def run(
    simulator: SimulatorFactory,
    github: FakeGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> GateRun:
    monkeypatch.setattr(pr_comment, "_SECONDS_BETWEEN_WRITES", None)
    sessions = hostile_sessions()
    sim: Simulator = simulator(sessions)
    environ = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(EVENT),
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": github.url,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "7",
        "GITHUB_SHA": "4f1c2d3e" + "0" * 32,
        "INPUT_GITHUB-TOKEN": TOKEN,
    }
    result = run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[s.id for s in sessions if s.kind == "test"],
        check_ids=[s.id for s in sessions if s.kind == "check"],
        args=["--timeout", "20s", "--pr-comment", "always"],
        environ=environ,
    )
    ids = [s.id for s in sessions if s.kind == "test"] + [
        s.id for s in sessions if s.kind == "check"
    ]
    assert_nothing_lost(ids, result.out_dir, result.stdout)
    (body,) = github.bodies(REPO, 42)
    (result.out_dir / "comment.md").write_text(body, encoding="utf-8")
    return result


def test_the_gate_ran_and_kept_every_hostile_text(run: GateRun) -> None:
    assert run.code == 1, run.stdout
    assert run.outputs["comment-url"].startswith("https://github.com/")
    outcomes = list(run.outcomes().values())
    assert outcomes == ["failed", "error", "failed"]
    # the hostile text is there, visible, in every report: nothing was silently dropped
    assert MARK in run.stdout
    assert MARK in run.summary
    assert MARK in (run.out_dir / "comment.md").read_text("utf-8")


# -- the log -----------------------------------------------------------------------------------
def expected_annotations(run: GateRun) -> list[tuple[str, str, str]]:
    """(command, title, message) of each annotation, rebuilt from the verbatim JSON report:
    one per failing (error) or degraded (warning) run, at most 10 of a kind, the rest counted."""
    wanted: dict[str, list[tuple[str, str, str]]] = {"error": [], "warning": []}
    for session in run.sessions:
        for r in session["runs"]:
            if r["failing"]:
                kind = "error"
            elif r["outcome"] == "degraded":
                kind = "warning"
            else:
                continue
            label = LABEL[Outcome(r["outcome"])]
            where = ", ".join(p for p in (r["checkType"], r["location"]) if p)
            text = r["reason"] or label.capitalize()
            text += f"\nSession: {session['title']}" + (f"\nWhere: {where}" if where else "")
            triage = r["triage"]  # SPEC §9: the label is in the title and the text
            if triage:
                text += f"\nTriage: {triage['label']}: {triage['evidence']}"
            if r["link"]:
                text += f"\n{r['link']}"
            labelled = f"{label.lower()}, {triage['label']}" if triage else label.lower()
            wanted[kind].append((kind, f"{r['name']} ({labelled})", text))
    shown: list[tuple[str, str, str]] = []
    for kind, items in wanted.items():
        room = MAX_ANNOTATIONS - (1 if kind == "error" else 0)  # the verdict's own `::error`
        if len(items) <= room:
            shown += items
            continue
        rest = len(items) - room + 1
        noun = "failing" if kind == "error" else "degraded"
        shown += items[: room - 1]
        title, text = f"{rest} more {noun} check runs", f"... and {rest} more {noun} check runs"
        shown.append((kind, title, f"{text}: see the job summary."))
    return shown


def test_no_log_line_acts_as_a_command_but_the_gates_own(run: GateRun) -> None:
    commands = assert_only_gate_commands(run.stdout)
    masks = [c.data for c in commands if c.name == "add-mask"]
    assert sorted(masks) == sorted(["sim-api-key", TOKEN])
    assert not [c for c in commands if c.name == "notice"]
    gate_errors = [c for c in commands if c.properties.get("title") == "checkly-gate"]
    assert [c.data for c in gate_errors] == [run.report["verdict"]["summary"]]
    annotations = [
        (c.name, c.properties["title"], c.data)
        for c in commands
        if c.name in ("error", "warning") and c not in gate_errors
    ]
    # every annotation decodes to exactly the title and message the gate meant
    assert sorted(annotations) == sorted(expected_annotations(run))
    # 10 errors in all: 8 runs, the one counting the rest, the verdict's; and 1 warning
    assert len(annotations) == MAX_ANNOTATIONS
    assert len([c for c in commands if c.name == "error"]) == MAX_ANNOTATIONS


def test_hostile_text_in_plain_lines_is_inert(run: GateRun) -> None:
    plain = [line for line in run.stdout.splitlines() if MARK in line and not line.startswith("::")]
    assert plain  # the console report shows the names and reasons
    for line in plain:
        assert "::" not in line and "##[" not in line, line


# -- Markdown: summary and PR comment ----------------------------------------------------------
ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "strong", "em", "sub", "code", "a", "ul", "li", "blockquote", "hr", "br",
    "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "del",
}  # fmt: skip


ALLOWED_ATTRIBUTES = {("th", "align"), ("td", "align")}


class Html(HTMLParser):
    """Tags, attributes, comments and table rows of rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []
        self.tables: list[list[int]] = []  # cells per row
        self._cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._cells = 0
        elif tag in ("td", "th"):
            self._cells += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self.tables[-1].append(self._cells)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def render(markdown: str) -> Html:
    """GitHub-flavoured Markdown to HTML with raw HTML kept (GitHub sanitizes later; the gate
    must not rely on that), parsed."""
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    parsed = Html()
    parsed.feed(html)
    parsed.close()
    return parsed


@pytest.mark.parametrize("which", ["summary", "comment"])
def test_markdown_reports_carry_no_html_or_links_from_checkly(run: GateRun, which: str) -> None:
    markdown = (run.out_dir / ("summary.md" if which == "summary" else "comment.md")).read_text(
        "utf-8"
    )
    html = render(markdown)
    for tag, attrs in html.tags:
        assert tag in ALLOWED_TAGS, (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src"):
                assert value and value.startswith("https://"), (tag, name, value)
            else:
                assert (tag, name) in ALLOWED_ATTRIBUTES, (tag, name, value)
    assert "javascript:" not in " ".join(str(v) for _, attrs in html.tags for _, v in attrs)
    # tables keep their shape: every row has the header's number of cells
    assert html.tables
    for rows in html.tables:
        assert rows and len(set(rows)) == 1, rows
    # no comment but the gate's own marker (and the comment's history data block)
    markers = [c for c in html.comments if "checkly-gate:" in c]
    assert len(markers) == (1 if which == "comment" else 0), html.comments
    if which == "comment":  # no pings from a check name; a job summary notifies no one
        assert "@octocat" not in markdown


def test_summary_tables_list_every_run(run: GateRun) -> None:
    html = render(run.summary)
    data_rows = sum(len(rows) - 1 for rows in html.tables[1:])  # after the counts table
    shown = sum(len(s["runs"]) for s in run.sessions if s["runs"][0]["standsForSession"] is False)
    assert data_rows >= shown - 1  # passed runs may be collapsed, never the failing ones


# -- JUnit and JSON ----------------------------------------------------------------------------
def test_junit_parses_and_names_every_run(run: GateRun) -> None:
    cases = [c.get("name", "") for c in run.junit.iter("testcase")]
    runs = [r for s in run.sessions for r in s["runs"]]
    names = [r["name"] for r in runs]
    assert any("\n" in n for n in names)  # the hard ones (a `\r` became `\n` on arrival)
    assert not any("\r" in n for n in names)
    for r in runs:
        # XML carries line breaks (as &#10; and &#13; in an attribute): only characters XML
        # cannot carry are dropped (`xml_text`), and these names have none
        assert xml_text(r["name"]) == r["name"]
        name = f"{r['name']} ({r['location']})" if r["location"] else r["name"]
        assert name in cases, name
    assert len(cases) >= len(names)


def test_json_keeps_the_text_verbatim(run: GateRun) -> None:
    sessions = hostile_sessions()  # same names (new IDs)
    report = run.report
    assert report["sessions"][0]["name"] == sessions[0].name
    assert report["sessions"][1]["name"] is None  # a 404: Checkly gave no name
    run_names = [r["name"] for r in report["sessions"][0]["runs"]]
    # verbatim but a carriage return, which arrives as a newline (gate.core.untrusted)
    assert run_names == [r.name.replace("\r", "\n") for r in sessions[0].results]
    check_names = {r["name"] for r in report["sessions"][2]["runs"]}
    assert check_names == {sessions[1].results[0].name}
    assert report["sessions"][2]["name"] == sessions[1].name
    note = report["sessions"][1]["note"]
    assert hostile(2) in note and hostile(13) in note  # the API's 404 message, newlines kept
    reasons = " ".join(r["reason"] or "" for r in report["sessions"][0]["runs"])
    assert MARK in reasons
    groups = {r["errorGroup"] for s in report["sessions"] for r in s["runs"] if r["errorGroup"]}
    assert groups  # error-group messages came back, cleaned to one line
    outputs = json.loads(run.outputs["sessions"])
    assert [o["name"] for o in outputs] == [s["name"] for s in report["sessions"]]
