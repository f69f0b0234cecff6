"""Hostile characters are inert (SPEC §5): cleaned once where Checkly's answers arrive.

The whole gate under GitHub, against the simulator, with a fake GitHub for the PR comment:
- a lone UTF-16 surrogate (`"\\ud83d"` in the JSON) in a check name, a reason, a session
  name and a location becomes U+FFFD, and every report is written (it crashed the summary);
- bidirectional controls (U+202E, U+2066, …) and other control characters reach no report;
- a 1 MB session name costs the summary what it renders (at most a line), so the failing runs
  are all still listed (the size plan measured the raw name and dropped them).
"""

from __future__ import annotations

from pathlib import Path

from gate.simulator import ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub
from tests.support.gate_run import GateRun, assert_nothing_lost, run_gate

LONE = "\ud83d"  # half of 😀
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u200e", "\u200f"]


def failing(name: str, location: str = "eu-west-1", error: str = "got 500") -> ScriptedResult:
    detail = {"playwrightCheckResult": {"errors": [{"message": error, "stack": error}]}}
    return ScriptedResult(name, "failed", "PLAYWRIGHT", location, detail=detail)


def gate_on(
    simulator: SimulatorFactory, tmp_path: Path, session: ScriptedSession, github: FakeGitHub
) -> GateRun:
    sim = simulator([session])
    run = run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[session.id],
        github=github,
    )
    assert run.code == 1, run.stdout  # judged: the failing run fails the gate
    assert_nothing_lost([session.id], run.out_dir, run.stdout, comment=run.comment)
    return run


def every_text(run: GateRun) -> dict[str, str]:
    texts = {name: data.decode("utf-8") for name, data in run.files().items()}
    return texts | {"console": run.stdout, "comment": run.comment or ""}


def test_a_lone_surrogate_everywhere_becomes_a_replacement_character(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub
) -> None:
    session = ScriptedSession(
        "test",
        "FAILED",
        f"Smoke {LONE} suite",
        results=[failing(f"Home {LONE} page", f"eu-west-1{LONE}", f"expected {LONE} 200")],
    )
    run = gate_on(simulator, tmp_path, session, github)
    (reported,) = run.sessions
    assert reported["name"] == "Smoke \ufffd suite"
    (home,) = reported["runs"]
    assert home["name"] == "Home \ufffd page"
    assert home["location"] == "eu-west-1\ufffd"
    assert "expected \ufffd 200" in home["reason"]
    assert "Home \ufffd page" in run.summary and "Home \ufffd page" in run.step_summary
    assert run.comment is not None and "Home \ufffd page" in run.comment
    assert run.junit.find("testsuite") is not None


def test_bidi_and_control_characters_reach_no_report(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub
) -> None:
    hidden = "".join(BIDI + CONTROLS)
    session = ScriptedSession(
        "test",
        "FAILED",
        f"Smoke{hidden}suite",
        results=[failing(f"admin{hidden}txt.exe", f"eu{hidden}west", f"bad{hidden}answer")],
    )
    run = gate_on(simulator, tmp_path, session, github)
    for where, text in every_text(run).items():
        for char in BIDI + CONTROLS:
            assert char not in text, (where, hex(ord(char)))
    (reported,) = run.sessions
    assert reported["name"] == "Smokesuite"
    assert reported["runs"][0]["name"] == "admintxt.exe"


def test_a_huge_session_name_does_not_push_the_failing_runs_out_of_the_summary(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub
) -> None:
    names = [f"Broken check {n}" for n in range(30)]
    session = ScriptedSession(
        "test", "FAILED", "S" * 1_000_000, results=[failing(name) for name in names]
    )
    run = gate_on(simulator, tmp_path, session, github)
    for summary in (run.summary, run.step_summary):
        assert len(summary.encode()) < 1024 * 1024
        for name in names:
            assert name in summary, name
        assert "cut here" not in summary
