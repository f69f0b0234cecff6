"""Session files as the real Checkly tools write them, through the whole gate (SPEC §2, §8):
a `checks run` table judges every session it names, a table cut to 120 columns stops the run
(exit 2), and `{"sessions": []}` is "no matching checks", ruled by `fail-on-no-matching`."""

from __future__ import annotations

import shutil
from pathlib import Path

from gate.simulator import ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.support.gate_run import run_gate
from tests.support.paths import FIXTURES

OUTPUT = FIXTURES / "checkly-output"
FIRST = "8166fa86-c9b4-4162-8541-d380c6c212d8"
SECOND = "16e22c0d-22a5-4d03-93c5-91bc38ac3c85"
NO_MATCH = "checkly-8.19.0-checks-run-output-json-no-matching.json"


def _gate(sim, tmp_path: Path, *args: str, test_ids: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=test_ids,
        args=["--timeout", "20s", *args],
    )


def test_a_checks_run_table_judges_both_sessions(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator(
        [
            ScriptedSession("check", "PASSED", "Production API", id=FIRST,
                            results=[ScriptedResult("Production API")]),
            ScriptedSession("check", "FAILED", "Checkout journey", id=SECOND,
                            results=[ScriptedResult("Checkout journey", "failed")]),
        ]
    )  # fmt: skip
    log = tmp_path / "checks-run.log"
    shutil.copy(OUTPUT / "checkly-8.19.0-checks-run-180-columns.txt", log)
    run = _gate(sim, tmp_path, "--session-files", str(log))
    assert run.code == 1, run.stdout
    assert run.outcomes() == {FIRST: "passed", SECOND: "failed"}


def test_a_cut_table_is_exit_2_naming_the_file_and_the_fix(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator()
    log = tmp_path / "checks-run.log"
    shutil.copy(OUTPUT / "checkly-8.19.0-checks-run-detach-120-columns.txt", log)
    run = _gate(sim, tmp_path, "--session-files", str(log))
    assert run.code == 2, run.stdout
    assert str(log) in run.stdout
    assert "--output json" in run.stdout
    assert sim.requests == []


def test_no_matching_session_file_fails_the_gate_by_default(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim = simulator()
    shutil.copy(OUTPUT / NO_MATCH, tmp_path / NO_MATCH)
    run = _gate(sim, tmp_path, "--session-files", str(tmp_path / NO_MATCH))
    assert run.code == 1, run.stdout
    assert run.outputs["result"] == "failed"
    assert "matched no check" in run.summary
    assert "fail-on-no-matching" in run.summary
    assert run.report["trigger"]["noMatchingChecks"].startswith(str(tmp_path / NO_MATCH))
    failures = run.junit.findall(".//testcase/failure")
    assert [f.get("message") for f in failures] == [run.report["trigger"]["noMatchingChecks"]]


def test_no_matching_session_file_is_a_notice_with_fail_on_no_matching_false(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    other = ScriptedSession("test", "PASSED", "Smoke", results=[ScriptedResult("Home")])
    sim = simulator([other])
    shutil.copy(OUTPUT / NO_MATCH, tmp_path / NO_MATCH)
    run = _gate(
        sim,
        tmp_path,
        "--session-files",
        str(tmp_path / NO_MATCH),
        "--fail-on-no-matching",
        "false",
        test_ids=(other.id,),
    )
    assert run.code == 0, run.stdout
    assert run.outcomes() == {other.id: "passed"}
    notices = [c for c in run.commands if c.name == "notice"]
    assert any("matched no check" in c.data for c in notices), run.stdout
