"""Evidence through the whole gate (SPEC §10): assets, downloads, Playwright tests, root cause,
against the simulator, reading the files the runner reads (JSON, JUnit, the summaries)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate.checkly import root_cause
from gate.simulator import ScriptedResult, ScriptedSession, Simulator
from tests.conftest import SimulatorFactory
from tests.support.gate_run import GateRun, run_gate
from tests.support.json_schema import VALIDATOR
from tests.support.paths import EVENTS

LOGIN = "TimeoutError: locator.click: Timeout 30000ms exceeded"
SEP = "\u203a"  # Playwright's separator of file and title


def playwright_report() -> dict[str, Any]:
    """A Playwright JSON report: one failing test (with a retry), one flaky, one passing."""

    def test(title: str, status: str, *results: dict[str, Any]) -> dict[str, Any]:
        return {"title": title, "ok": status != "unexpected", "tests": [
            {"projectName": "chromium", "status": status, "results": list(results)}
        ]}  # fmt: skip

    failed = {"status": "failed", "duration": 3000}
    stack = "\n    at tests/login.spec.ts:14:21"
    return {
        "config": {},
        "suites": [
            {
                "title": "login.spec.ts",
                "file": "tests/login.spec.ts",
                "suites": [],
                "specs": [
                    test(
                        "signs in",
                        "unexpected",
                        failed
                        | {"retry": 0, "error": {"message": f"{LOGIN}.{stack}", "stack": stack}},
                        failed | {"retry": 1, "error": {"message": f"{LOGIN}.{stack}"}},
                    ),
                    test(
                        "shows the cart",
                        "flaky",
                        failed
                        | {"retry": 0, "error": {"message": "expect(locator).toHaveText() failed"}},
                        {"status": "passed", "retry": 1, "duration": 900},
                    ),
                    test("loads", "expected", {"status": "passed", "retry": 0, "duration": 700}),
                ],
            }
        ],
        "errors": [],
    }


def sessions() -> list[ScriptedSession]:
    return [
        ScriptedSession("test", "FAILED", "PR checks", results=[
            ScriptedResult("Login", "failed", "PLAYWRIGHT", "eu-west-1", error_group=LOGIN,
                           group_age_days=0, playwright_report=playwright_report()),
            ScriptedResult("Checkout", "failed", "BROWSER", "us-east-1", error_group="boom",
                           root_cause=True, assets_truncated=True),
            ScriptedResult("Orders API", "failed", "API", "eu-west-1"),
            ScriptedResult("Home", "passed", "API", "eu-west-1"),
        ]),
        ScriptedSession("check", "FAILED", "Status API", results=[
            ScriptedResult("Status API", "failed", "API", "eu-west-1", error_group="503"),
        ]),
    ]  # fmt: skip


def gate(sim: Simulator, out: Path, found: list[ScriptedSession], *args: str, **kw: Any) -> GateRun:
    return run_gate(
        out,
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[s.id for s in found if s.kind == "test"],
        check_ids=[s.id for s in found if s.kind == "check"],
        args=["--timeout", "30", *args],
        **kw,
    )


def runs(result: GateRun) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for s in result.sessions for r in s["runs"]}


def report_texts(result: GateRun) -> str:
    """Everything a reader sees: stdout and every report file."""
    files = b"".join(result.files().values()).decode("utf-8", "replace")
    return result.stdout + files


def assert_no_asset_urls(sim: Simulator, result: GateRun) -> None:
    text = report_texts(result)
    assert "/v1/assets/" not in text and "/signed/" not in text
    assert "X-Amz-Signature" not in text and f"{sim.url}/" not in text


def test_every_report_shows_the_evidence(simulator: SimulatorFactory, tmp_path: Path) -> None:
    found = sessions()
    sim = simulator(found)
    folder = tmp_path / "evidence"
    result = gate(sim, tmp_path / "out", found, "--assets-dir", str(folder))
    assert result.code == 1
    VALIDATOR.validate(result.report)  # the schema knows every evidence field, closed
    by_name = runs(result)
    login = by_name["Login"]["evidence"]
    assert login["assetsText"] == "trace · video · 2 screenshots · report"
    assert login["assets"] == {"trace": 1, "video": 1, "screenshot": 2, "report": 1}
    tests = {t["title"]: t for t in login["playwright"]["tests"]}
    assert tests["signs in"]["outcome"] == "failed" and tests["signs in"]["retries"] == 1
    assert tests["signs in"]["error"] == f"{LOGIN}."  # the first line only
    assert tests["shows the cart"]["outcome"] == "flaky"
    assert tests["loads"]["outcome"] == "passed"
    checkout = by_name["Checkout"]["evidence"]
    assert checkout["assetsTruncated"] is True
    assert checkout["rootCause"]["classification"] == "INFRA ERROR"
    assert checkout["rootCause"]["requested"] is False and checkout["rootCause"]["state"] == "done"
    evidence = checkout["rootCause"]["analysis"]["evidence"][0]  # the analysis, whole
    assert evidence["artifacts"] == [{"name": "HTTP_RESPONSE", "type": "RESPONSE"}]
    assert by_name["Orders API"]["evidence"]["assetsText"] == "log"
    assert by_name["Status API"]["evidence"]["assetsText"] == "log"  # a check session's run
    assert by_name["Home"]["evidence"] is None  # passed: nothing fetched
    assert login["rootCause"] is None  # root-cause: existing asks for nothing
    assert not [r for r in sim.requests if r.method == "POST"]

    summary = result.summary
    link = by_name["Login"]["link"]
    assert f"📎 [trace · video · 2 screenshots · report]({link})" in summary
    assert f"❌ `tests/login.spec.ts {SEP} signs in`: {LOGIN}. (1 retry)" in summary
    assert f"🔁 flaky in this run: `tests/login.spec.ts {SEP} shows the cart`" in summary
    assert "2 screenshots · and more" in summary  # the cut manifest
    assert "🧠 **Root cause** (INFRA ERROR): The backend behind the check" in summary
    assert "**User impact:** Customers see errors on the pages" in summary
    assert "      evidence: trace · video · 2 screenshots · report; 5 saved; 1 failing test" in (
        result.stdout
    )  # the console, for logs outside GitHub
    assert "actions/upload-artifact@v4" in summary and f'path: "{folder}"' in summary
    assert "npx playwright show-trace" in summary

    # The files, where SPEC §10 puts them, and nothing else in the folder.
    saved = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert "PR checks/Login (eu-west-1)/trace.zip" in saved
    assert "PR checks/Checkout (us-east-1)/video.webm" in saved
    assert "PR checks/Login (eu-west-1)/report.json" in saved
    assert not [p for p in saved if p.endswith("job.log")]  # log is not in the default types
    listed = sorted(Path(f["path"]).relative_to(folder).as_posix() for f in login["files"])
    assert listed == sorted(p for p in saved if p.startswith("PR checks/Login"))
    assert result.report["assetsDir"] == str(folder)

    # JUnit: attachments in the failing testcase, one testcase per Playwright test.
    suite = result.junit.find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    out = cases["Login (eu-west-1)"].findtext("system-out") or ""
    assert f"[[ATTACHMENT|{folder}/PR checks/Login (eu-west-1)/trace.zip]]" in out
    failing = cases[f"Login (eu-west-1) {SEP} tests/login.spec.ts {SEP} signs in"]
    assert failing.find("failure") is not None
    flaky = cases[f"Login (eu-west-1) {SEP} tests/login.spec.ts {SEP} shows the cart"]
    assert flaky.find("failure") is None
    assert "flaky in this run" in (flaky.findtext("system-out") or "")
    assert cases[f"Login (eu-west-1) {SEP} tests/login.spec.ts {SEP} loads"].find("failure") is None
    assert suite.get("tests") == str(len(cases))

    # Keys and signed URLs: the key only to the API, never to a signed URL or into a report.
    signed = [r for r in sim.requests if r.path.startswith("/signed/")]
    assert len(signed) == 1 and signed[0].status == 200
    assert signed[0].header("Authorization") is None
    assert signed[0].header("X-Checkly-Account") is None
    files = [r for r in sim.requests if r.path.startswith("/v1/assets/")]
    assert files and all(r.header("Authorization") == f"Bearer {sim.api_key}" for r in files)
    assert_no_asset_urls(sim, result)


def test_without_assets_dir_nothing_is_downloaded(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    found = sessions()
    sim = simulator(found)
    result = gate(sim, tmp_path, found)
    assert not [r for r in sim.requests if r.path.startswith("/v1/assets/")]
    assert runs(result)["Login"]["evidence"]["files"] == []
    assert "Evidence files" not in result.summary and result.report["assetsDir"] is None
    assert "trace · video · 2 screenshots" in result.step_summary


def test_root_cause_request_polls_until_done_and_sends_the_pr(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    found = sessions()
    sim = simulator(found)
    sim.evidence.pending_polls = 2
    event = {"GITHUB_EVENT_NAME": "pull_request"}
    event["GITHUB_EVENT_PATH"] = str(EVENTS / "pull_request.json")
    result = gate(sim, tmp_path, found, "--root-cause", "request", environ=event)
    posts = [r for r in sim.requests if r.method == "POST"]
    assert len(posts) == 1  # only the new error without an analysis
    assert json.loads(posts[0].request_body) == {
        "userContext": "PR #42: Checkout: retry payment provider"
    }
    polls = [r for r in sim.requests if r.path.startswith("/v1/root-cause-analyses/")]
    assert [r.status for r in polls if r.method == "GET"] == [202, 202, 200]
    cause = runs(result)["Login"]["evidence"]["rootCause"]
    assert cause["state"] == "done" and cause["requested"] is True
    assert "🧠 **Root cause** (APPLICATION ERROR): The sign-in button" in result.summary
    assert "Analysed by Checkly at this run's request." in result.summary


def test_root_cause_off_shows_none(simulator: SimulatorFactory, tmp_path: Path) -> None:
    found = sessions()
    sim = simulator(found)
    result = gate(sim, tmp_path, found, "--root-cause", "off")
    assert all(
        r["evidence"] is None or r["evidence"]["rootCause"] is None for r in runs(result).values()
    )
    assert "Root cause" not in result.summary


def test_an_analysis_that_never_finishes_is_pending(
    simulator: SimulatorFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(root_cause, "POLL_WINDOW_S", 2.0)
    found = sessions()
    sim = simulator(found)
    sim.evidence.pending_polls = -1
    result = gate(sim, tmp_path, found, "--root-cause", "request")
    assert result.code == 1 and result.elapsed < 8
    VALIDATOR.validate(result.report)
    cause = runs(result)["Login"]["evidence"]["rootCause"]
    assert cause["state"] == "pending" and cause["requested"] is True
    link = runs(result)["Login"]["link"]
    assert (
        f"🧠 Root-cause analysis pending: see the error group from [the run's result page]({link})"
        in result.summary
    )


@pytest.mark.parametrize("status", [402, 403])
def test_a_plan_without_analyses_is_one_notice(
    simulator: SimulatorFactory, tmp_path: Path, status: int
) -> None:
    found = sessions()
    found[1].results[0].group_age_days = 0  # two new errors: two refusals, one notice
    sim = simulator(found)
    sim.evidence.rca_status = status
    result = gate(sim, tmp_path, found, "--root-cause", "request")
    assert result.code == 1
    notices = [w for w in result.report["warnings"] if "plan does not include" in w]
    assert len(notices) == 1
    assert runs(result)["Login"]["evidence"]["rootCause"] is None
    assert result.summary.count("plan does not include") == 1


def test_a_report_past_the_size_cap_is_noted(simulator: SimulatorFactory, tmp_path: Path) -> None:
    big = b'{"suites": [], "pad": "' + b"x" * 20_000_001 + b'"}'
    found = [ScriptedSession("test", "FAILED", "big", results=[
        ScriptedResult("Login", "failed", "PLAYWRIGHT", playwright_report=big)])]  # fmt: skip
    sim = simulator(found)
    result = gate(sim, tmp_path, found)
    assert result.code == 1
    playwright = runs(result)["Login"]["evidence"]["playwright"]
    assert playwright["note"] == "the Playwright report is larger than 20 MB: not read"
    assert playwright["tests"] == []
    assert "larger than 20 MB" in result.summary


def test_secrets_in_the_evidence_never_reach_a_report(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    key = "cu_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    leaky = playwright_report()
    spec = leaky["suites"][0]["specs"][0]
    spec["title"] = f"signs in with {key}"
    spec["tests"][0]["results"][0]["error"]["message"] = f"Error: 401 for Bearer {key}\nmore"
    found = [ScriptedSession("test", "FAILED", "leaky", results=[
        ScriptedResult("Login", "failed", "PLAYWRIGHT", error_group=LOGIN,
                       playwright_report=leaky)])]  # fmt: skip
    sim = simulator(found, api_key=key)
    result = gate(sim, tmp_path, found)
    assert result.code == 1
    text = report_texts(result).replace(f"::add-mask::{key}", "")  # the runner's mask line
    assert key not in text and key[:12] not in text
    tests = runs(result)["Login"]["evidence"]["playwright"]["tests"]
    assert tests[0]["error"] == "Error: 401 for Bearer ***"


def test_a_secret_in_the_playwright_report_is_scrubbed_before_it_is_cut(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    """SPEC §5: scrubbed before it is cut. A test's error is cut to 200 characters and a long
    string to 600 bytes; a secret across either cut must not leave its first half behind."""
    key = "cu_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    leaky = playwright_report()
    spec = leaky["suites"][0]["specs"][0]
    message = "Error: 401 for Bearer " + "x" * 162 + key  # the cut at 200 falls in the key
    spec["tests"][0]["results"][0]["error"]["message"] = message
    spec["title"] = "signs in " + "y" * 580 + key  # the 600-byte cut falls in the key
    found = [ScriptedSession("test", "FAILED", "leaky", results=[
        ScriptedResult("Login", "failed", "PLAYWRIGHT", error_group=LOGIN,
                       playwright_report=leaky)])]  # fmt: skip
    sim = simulator(found, api_key=key)
    result = gate(sim, tmp_path, found)
    assert result.code == 1
    text = report_texts(result).replace(f"::add-mask::{key}", "")  # the runner's mask line
    assert key[:12] not in text


@pytest.mark.parametrize("mode", ["existing", "request"])
def test_an_analysis_under_way_is_never_asked_for_again(
    simulator: SimulatorFactory, tmp_path: Path, mode: str
) -> None:
    found = sessions()
    found[0].results[0].root_cause = "pending"  # Login: a new error Checkly is analysing
    sim = simulator(found)
    result = gate(sim, tmp_path, found, "--root-cause", mode)
    assert not [r for r in sim.requests if r.method == "POST"]  # no quota spent twice
    cause = runs(result)["Login"]["evidence"]["rootCause"]
    polls = [r for r in sim.requests if r.path.startswith("/v1/root-cause-analyses/")]
    if mode == "existing":  # said, not waited for
        assert cause["state"] == "pending" and not polls
        assert "Root-cause analysis pending" in result.summary
    else:  # polled until done
        assert cause["state"] == "done" and [r.status for r in polls] == [202, 200]
