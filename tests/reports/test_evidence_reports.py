"""Evidence in the built-in templates (SPEC §10): every branch renders in the summary and the
PR comment (a finished and a pending analysis, Playwright tests past the listed number, a
report that could not be read, files not saved), the root cause is cut to 300 characters, and
no asset or signed URL can appear (the model holds none)."""

from __future__ import annotations

import dataclasses

from gate.core.evidence import (
    RCA_DONE,
    RCA_PENDING,
    AssetCounts,
    Evidence,
    PlaywrightTest,
    PlaywrightTests,
    RootCause,
    SavedFile,
)
from gate.core.model import Outcome, Session, SessionKind
from gate.reports.report import Report
from gate.reports.templating import Templates, render_comment, render_summary, template_context
from tests.support.reports import MARKER, check_run, gfm, make_report

LONG = "The database pool is exhausted." * 20  # 620 characters
SEP = "\u203a"


def evidence_report() -> Report:
    failing = [
        PlaywrightTest("tests/a.spec.ts", f"fails {n}", "failed", f"Error {n}", retries=1)
        for n in range(7)
    ]
    flaky = PlaywrightTest("tests/a.spec.ts", "flaky one", "flaky", "first try", retries=1)
    tests = (*failing, flaky)
    done = Evidence(
        assets=AssetCounts((("trace", 1), ("screenshot", 3)), truncated=True),
        files=(SavedFile("evidence/s/Login (eu-west-1)/trace.zip", "trace", 10),),
        files_note="1 past the 200 MB cap",
        playwright=PlaywrightTests(tests),
        root_cause=RootCause(RCA_DONE, "g1", classification="INFRA ERROR", root_cause=LONG,
                             user_impact="Checkout fails.", requested=True,
                             link="https://app.checklyhq.com/results/r1"),
    )  # fmt: skip
    pending = Evidence(
        playwright=PlaywrightTests(note="the Playwright report is larger than 20 MB: not read"),
        root_cause=RootCause(RCA_PENDING, "g2", link="https://app.checklyhq.com/results/r2"),
    )
    runs = (
        check_run(1, Outcome.FAILED, error_group="boom", error_group_ids=("g1",), evidence=done),
        check_run(2, Outcome.FAILED, error_group="bang", error_group_ids=("g2",), evidence=pending),
        check_run(3, Outcome.FAILED, reason="no evidence at all"),
    )
    session = Session(SessionKind.TEST, "s1", Outcome.FAILED, name="PR", runs=runs)
    return dataclasses.replace(make_report([session]), assets_dir="evidence")


def test_every_evidence_branch_renders(builtin: Templates) -> None:
    report = evidence_report()
    summary = render_summary(report, builtin)
    comment = render_comment(report, builtin, marker=MARKER)
    for text in (summary, comment):
        assert "📎 [trace · 3 screenshots · and more](https://app.checklyhq.com/results/r1)" in text
        assert "🧠 **Root cause** (INFRA ERROR): The database pool" in text
        assert "Analysed by Checkly at this run's request." in text
        assert LONG not in text and "…" in text  # cut to 300 characters
        assert (
            "Root-cause analysis pending: see the error group from [the run's result page]" in text
        )
        assert "larger than 20 MB" in summary
    assert summary.count(f"❌ `tests/a.spec.ts {SEP} fails") == 5
    assert "… and 2 more failing tests" in summary
    assert "… and 4 more failing tests" in comment  # three listed in the comment
    assert f"🔁 flaky in this run: `tests/a.spec.ts {SEP} flaky one`" in summary
    assert "🔁 flaky in this run: 1 test" in comment
    assert "### Evidence files" in summary and 'path: "evidence"' in summary
    html = gfm(summary)
    assert "pre" in html.tags  # the upload step is a code block


def test_the_context_carries_the_root_cause_whole() -> None:
    context = template_context(evidence_report(), marker=MARKER)
    run = context["failing_runs"][0]
    assert run.evidence.root_cause.root_cause == LONG  # whole
    assert len(run.evidence.root_cause.short) <= 300
    assert context["error_groups"][0].root_cause is run.evidence.root_cause
    assert context["assets"].dir == "evidence" and context["assets"].files == 1
