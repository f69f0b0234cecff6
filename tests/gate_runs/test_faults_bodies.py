"""The fault matrix (SPEC §3, §6), bodies: answers that are not what the API promises
(truncated JSON, missing fields, unknown statuses), the whole gate against the simulator.

Rows of the table in docs/failure-modes.md; what each test asserts: tests/support/faults.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.simulator import Fault, ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.support.faults import (
    FAST,
    deadline_bound,
    exited_with_gate_error,
    gate,
    passing,
    requests_to,
    said,
)

# -- answers that are not what the API promises ------------------------------------------------
TRUNCATED = b'{"testSessionId":"x","status":"PASS'


def test_truncated_json_is_retried(simulator: SimulatorFactory, tmp_path: Path) -> None:
    broken = passing(duration_s=0.5, faults=[Fault.raw(200, TRUNCATED), Fault.hang(0)])
    broken.faults.append(Fault.raw(200, TRUNCATED))  # the first long-poll too
    sim = simulator([broken])
    run = gate(sim, tmp_path, [broken], "--timeout", "10s", timing=FAST)
    assert run.code == 0
    assert run.outcomes() == {broken.id: "passed"}
    assert [s for _, s, _ in requests_to(sim, broken.id)][:4] == [200, 200, 200, 200]
    assert 0.5 <= run.elapsed < 2.0  # two quick retries (back-off 0.05-0.1 s), then the wait


def test_truncated_json_for_the_whole_run_is_exit_3(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sessions = [passing(), passing("check")]
    sim = simulator(sessions)
    sim.fail_all(Fault.raw(200, TRUNCATED))
    run = gate(sim, tmp_path, sessions, "--timeout", "2s", timing=FAST)
    exited_with_gate_error(run, 3, "could not be reached")
    assert set(run.outcomes().values()) == {"incomplete"}
    said(run, sessions[0].id, "not JSON")
    assert run.elapsed <= deadline_bound(2.0, "Truncated JSON", FAST)


def test_a_body_missing_fields_while_running_does_not_end_the_wait(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    odd = passing(duration_s=0.5, faults=[Fault.raw(200, b'{"unexpected": true}')])
    sim = simulator([odd])
    run = gate(sim, tmp_path, [odd], "--timeout", "10s")
    assert run.code == 0
    assert run.outcomes() == {odd.id: "passed"}
    assert [p for p, _, _ in requests_to(sim, odd.id)] == ["/", "/completion"]
    assert 0.5 <= run.elapsed < 2.0  # waited for the end (0.5 s), not for the timeout


@pytest.mark.parametrize(
    "body",
    [b"{}", b'{"name":"Half","results":[{"name":"x"}]}', b'{"status":null,"results":"no"}'],
)
def test_a_finished_body_missing_fields_is_an_error_that_says_so(
    simulator: SimulatorFactory, tmp_path: Path, body: bytes
) -> None:
    odd = passing(never_finishes=True, faults=[Fault.hang(0), Fault.raw(200, body)])
    fine = passing("check")
    sim = simulator([odd, fine])
    run = gate(sim, tmp_path, [odd, fine], "--timeout", "10s")
    assert run.code == 1
    assert run.outcomes() == {odd.id: "error", fine.id: "passed"}
    said(run, odd.id, "no session status")
    assert run.elapsed < 3.0


def test_unknown_statuses_are_errors_that_say_so(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    new_test = ScriptedSession(
        "test", "EXPLODED", "New test status", results=[ScriptedResult("a")], duration_s=0.3
    )
    new_check = ScriptedSession("check", "SUPERSEDED", "New check status", duration_s=0.3)
    new_result = ScriptedSession(
        "test", "PASSED", "New result status", results=[ScriptedResult("b", "skipped")]
    )
    fine = passing("check")
    sessions = [new_test, new_check, new_result, fine]
    sim = simulator(sessions)
    run = gate(sim, tmp_path, sessions, "--timeout", "10s")
    assert run.code == 1
    assert run.outcomes() == {
        new_test.id: "error",
        new_check.id: "error",
        new_result.id: "passed",  # the session's own status; its run is the error
        fine.id: "passed",
    }
    said(run, new_test.id, "unknown session status", "EXPLODED")
    said(run, new_check.id, "unknown session status", "SUPERSEDED")
    said(run, new_result.id, "unknown result status", "SKIPPED")
    (result_run,) = run.session(new_result.id)["runs"]
    assert result_run["outcome"] == "error"
    assert run.report["verdict"]["failing"] == 3
    # the unknown status was not taken for "finished" on the first read: the wait went on
    assert [p for p, _, _ in requests_to(sim, new_check.id)][:2] == ["/", "/completion"]
    assert 0.3 <= run.elapsed < 2.0  # until the sessions ended (0.3 s), not the timeout


@pytest.mark.parametrize("body", [b"[]", b"null", b'"x"'], ids=["list", "null", "string"])
def test_a_200_whose_json_is_not_an_object_is_retried(
    simulator: SimulatorFactory, tmp_path: Path, body: bytes
) -> None:
    odd = passing(faults=[Fault.raw(200, body), Fault.raw(200, body)])  # then answered well
    stuck = passing("check", faults=[Fault.raw(200, body)] * 1000)  # never answered well
    fine = passing("check", name="Fine check")
    sim = simulator([odd, stuck, fine])
    run = gate(sim, tmp_path, [odd, stuck, fine], "--timeout", "1s", timing=FAST)
    assert run.code == 1  # Checkly answered: a verdict, failed by the incomplete session
    assert run.outcomes() == {odd.id: "passed", stuck.id: "incomplete", fine.id: "passed"}
    assert [s for _, s, _ in requests_to(sim, odd.id)] == [200, 200, 200]  # retried twice
    assert len(requests_to(sim, stuck.id)) >= 4  # retried until the deadline, read once more
    said(run, stuck.id, "JSON body that is not an object")
    assert run.elapsed <= deadline_bound(1.0, "Truncated JSON", FAST)
