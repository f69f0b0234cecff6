"""A run without a verdict (SPEC §6, exit 3 or 130/143) says so in every report.

Refused credentials, a Checkly that never answered, or a signal: the `result` output is
`no-verdict`, and the summary, the comment and the JSON report say "no verdict" and why, never
an ordinary "gate failed" (nor "passed": tests/gate_runs/test_no_verdict_result.py).
"""

from __future__ import annotations

import dataclasses
import signal
import socket
from pathlib import Path

import pytest

from gate.checkly.waiting import WaitResult
from gate.core.errors import CredentialsRejected
from gate.core.model import Outcome, Session, SessionKind
from gate.core.signals import Signals
from gate.reports.json_report import report_dict
from gate.reports.report import Report
from gate.reports.templating import load_templates, render_comment, render_summary, template_context
from gate.run.pipeline import _no_verdict
from gate.runner import pr_comment
from gate.runner.comment_history import parse_history
from gate.simulator import ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.support.fake_github import running
from tests.support.gate_run import run_gate
from tests.support.json_schema import VALIDATOR
from tests.support.paths import ROOT
from tests.support.reports import MARKER, check_run, make_report

KEY = "checks/gate"  # the comment-key run_gate's environment gives (workflow/job)


def stopped_report() -> Report:
    """What a stopped run knows: sessions still incomplete."""
    runs = (check_run(1, Outcome.INCOMPLETE), check_run(2, Outcome.PASSED))
    return make_report([Session(SessionKind.TEST, "s1", Outcome.INCOMPLETE, name="S", runs=runs)])


def refused() -> WaitResult:
    rejected = CredentialsRejected(401, "Unauthorized", "1f2e3d4c")
    return WaitResult(sessions=[], reached=True, credentials=rejected)


def interrupted() -> Signals:
    signals = Signals()
    signals.signum = signal.SIGTERM
    return signals


KINDS = {
    "credentials": (refused(), Signals(), "Checkly refused the API key (HTTP 401)"),
    "unreachable": (WaitResult(sessions=[], reached=False), Signals(), "could not be reached"),
    "interrupted": (WaitResult(sessions=[], reached=True), interrupted(), "interrupted by SIGTERM"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_no_verdict_heads_the_summary_and_the_comment(kind: str) -> None:
    waited, signals, words = KINDS[kind]
    reason = _no_verdict(waited, signals)
    assert reason is not None and words in reason
    report = dataclasses.replace(stopped_report(), no_verdict=reason)
    templates = load_templates(None, None)

    summary = render_summary(report, templates)
    assert summary.startswith("## ⛔ No verdict: ")
    assert words in summary.splitlines()[0]
    assert "could not judge the check runs" in summary
    assert "Checkly gate failed" not in summary and "Gate failed:" not in summary

    comment = render_comment(report, templates, marker=MARKER)
    assert comment.startswith(f"{MARKER}\n### ⛔ No verdict: ")
    assert words in comment.splitlines()[1]
    assert "Checkly gate failed" not in comment and "Gate failed:" not in comment

    context = template_context(report)
    assert context["verdict"]["judged"] is False
    assert context["verdict"]["no_verdict_reason"] == reason
    assert context["verdict"]["result"] == "no-verdict"  # as the `result` output says
    assert context["verdict"]["passed"] is False


def test_the_example_templates_say_no_verdict_too() -> None:
    examples = ROOT / "examples"
    templates = load_templates(
        examples / "custom-summary.md.j2", examples / "custom-comment.md.j2", marker=MARKER
    )
    report = dataclasses.replace(stopped_report(), no_verdict="interrupted by SIGINT")
    summary = render_summary(report, templates)
    assert summary.startswith(
        "## ⛔ Synthetic checks for octo/shop: no verdict (interrupted by SIGINT)"
    )
    comment = render_comment(report, templates, marker=MARKER)
    assert "### ⛔ Checkly: no verdict (interrupted by SIGINT)" in comment


def test_a_judged_run_has_a_verdict_and_no_reason() -> None:
    assert _no_verdict(WaitResult(sessions=[], reached=True), Signals()) is None
    report = stopped_report()
    context = template_context(report)
    assert (context["verdict"]["judged"], context["verdict"]["no_verdict_reason"]) == (True, None)
    summary = render_summary(report, load_templates(None, None))
    assert summary.startswith("## ❌ Checkly gate failed\n")
    assert "No verdict" not in summary


def test_the_signal_decides_the_reason_as_it_decides_the_exit_code() -> None:
    reason = _no_verdict(refused(), interrupted())  # exit 143 wins over exit 3
    assert reason == "interrupted by SIGTERM"


def test_the_json_report_says_no_verdict_and_validates() -> None:
    reason = "Checkly refused the API key (HTTP 401): Unauthorized [account 1f2e3d4c]"
    report = dataclasses.replace(stopped_report(), no_verdict=reason)
    data = report_dict(report)
    VALIDATOR.validate(data)
    assert data["schemaVersion"] == 1  # SPEC §5 fixes it; `result` says `no-verdict`
    assert data["verdict"]["judged"] is False
    assert data["verdict"]["noVerdictReason"] == reason
    assert (data["verdict"]["result"], data["verdict"]["passed"]) == ("no-verdict", False)

    judged = report_dict(stopped_report())
    VALIDATOR.validate(judged)
    assert (judged["verdict"]["judged"], judged["verdict"]["noVerdictReason"]) == (True, None)


def test_version_2_reports_say_whether_they_were_judged() -> None:
    data = report_dict(stopped_report())
    del data["verdict"]["judged"], data["verdict"]["noVerdictReason"]
    assert not VALIDATOR.is_valid(data)
    wrong = report_dict(stopped_report())
    wrong["verdict"]["judged"] = "no"
    assert not VALIDATOR.is_valid(wrong)


# -- the whole gate -----------------------------------------------------------------------------
def never_ending() -> ScriptedSession:
    return ScriptedSession("test", "PASSED", "Smoke", never_finishes=True)


def test_a_refused_api_key_is_no_verdict_in_every_report(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    session = never_ending()
    sim = simulator([session])
    run = run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key="cu_not_the_right_key",
        account_id=sim.account_id,
        test_ids=[session.id],
        args=["--timeout", "30s"],
    )
    assert run.code == 3, run.stdout
    assert run.outputs["result"] == "no-verdict"
    verdict = run.report["verdict"]
    assert (verdict["result"], verdict["judged"]) == ("no-verdict", False)
    assert verdict["noVerdictReason"].startswith("Checkly refused the API key (HTTP 401)")
    assert f"[account {sim.account_id}]" in verdict["noVerdictReason"]
    assert "cu_not_the_right_key" not in verdict["noVerdictReason"]
    VALIDATOR.validate(run.report)
    for summary in (run.summary, run.step_summary):
        assert summary.startswith("## ⛔ No verdict: Checkly refused the API key (HTTP 401)")
        assert "Checkly gate failed" not in summary
    (error,) = run.gate_errors()
    assert "HTTP 401" in error.data


def test_an_unreachable_checkly_is_no_verdict_in_every_report(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket is closed
    run = run_gate(
        tmp_path / "out",
        api_url=f"http://127.0.0.1:{port}",
        api_key="cu_0123456789abcdef0123",
        account_id="1f2e3d4c-0000-4000-8000-000000000000",
        test_ids=[never_ending().id],
        args=["--timeout", "1s"],
    )
    assert run.code == 3, run.stdout
    assert run.outputs["result"] == "no-verdict"
    verdict = run.report["verdict"]
    assert (verdict["judged"], verdict["noVerdictReason"]) == (
        False,
        "Checkly could not be reached",
    )
    assert run.summary.startswith("## ⛔ No verdict: Checkly could not be reached\n")


def test_a_run_without_a_verdict_updates_the_comment_but_adds_no_history(
    simulator: SimulatorFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pr_comment, "_SECONDS_BETWEEN_WRITES", None)
    ok = ScriptedSession("test", "PASSED", "Smoke", results=[ScriptedResult("Home")])
    sim = simulator([ok])
    with running() as github:
        first = run_gate(
            tmp_path / "first",
            api_url=sim.url,
            api_key=sim.api_key,
            account_id=sim.account_id,
            test_ids=[ok.id],
            github=github,
        )
        assert first.code == 0 and first.comment is not None, first.stdout
        assert len(parse_history(first.comment, KEY)) == 1
        refused_run = run_gate(
            tmp_path / "second",
            api_url=sim.url,
            api_key="cu_not_the_right_key",
            account_id=sim.account_id,
            test_ids=[ok.id],
            github=github,
        )
    assert refused_run.code == 3, refused_run.stdout
    comment = refused_run.comment
    assert comment is not None and "### ⛔ No verdict: Checkly refused the API key" in comment
    assert parse_history(comment, KEY) == parse_history(first.comment, KEY)  # nothing added
    assert "Earlier runs on this pull request (1)" in comment  # the judged run is still shown
