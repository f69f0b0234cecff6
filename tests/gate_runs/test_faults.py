"""The fault matrix (SPEC §3, §6): the whole gate against the simulator's injected faults.

Each test runs `gate.cli.main` as the container does (GitHub env, every report written) and
asserts the verdict, the exit code, which sessions were affected (from the JSON report), that
the run ended within the deadline plus the documented margin, and that no session was lost
from any report (`assert_nothing_lost`). The cases are the rows of the table in
docs/failure-modes.md.
"""

from __future__ import annotations

import email.utils
import functools
import itertools
import re
import socket
import time
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

from gate.checkly.transport import DEFAULT_TIMING, Timing
from gate.checkly.waiting import FINAL_READ_GRACE
from gate.pipeline import DETAILS_BUDGET
from gate.reports.md_filters import md_text
from gate.simulator import Fault, ScriptedResult, ScriptedSession, Simulator
from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub
from tests.support.gate_run import (
    JSON_FILE,
    JUNIT_FILE,
    LABELS,
    SUMMARY_FILE,
    GateRun,
    assert_nothing_lost,
    run_gate,
)
from tests.support.paths import ROOT

# Short back-off so a streak of retries takes tenths of a second, short read timeouts so a
# held response trips them at once; the deadline rules are the same as with the defaults.
FAST = Timing(
    connect=1.0,
    read_slack=0.5,
    deadline_slack=0.5,
    plain_read=1.0,
    backoff_base=0.05,
    backoff_cap=0.2,
)
FAILURE_MODES = ROOT / "docs" / "failure-modes.md"
REPORTS = 0.5  # writing the reports after the wait (tenths of a second on a slow CI machine)


@functools.cache
def documented_past_deadline() -> dict[str, float]:
    """docs/failure-modes.md: the "past the deadline" column (seconds), by the row's case."""
    section = FAILURE_MODES.read_text("utf-8").split("# Failure modes\n", 1)[1].split("\n## ", 1)[0]
    bounds: dict[str, float] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if (
            line.startswith("| ")
            and len(cells) == 5
            and (m := re.fullmatch(r"(?:≤ )?(\d+) s", cells[4]))
        ):
            bounds[cells[0]] = float(m.group(1))
    return bounds


def deadline_bound(timeout: float, case: str, timing: Timing = DEFAULT_TIMING) -> float:
    """The latest a run of `timeout` may end in the documented row that starts with `case`.

    "≤ 4 s" is a request in flight at the deadline (`deadline_slack`) plus the last read
    (`FINAL_READ_GRACE`): with shorter `timing`, that much shorter. Then the reports.
    """
    (documented,) = [v for k, v in documented_past_deadline().items() if k.startswith(case)]
    if documented:
        documented += timing.deadline_slack - DEFAULT_TIMING.deadline_slack
    return timeout + documented + REPORTS


def test_the_documented_bounds_are_the_clients_timeouts() -> None:
    bounds = documented_past_deadline()
    assert len(bounds) >= 14, bounds
    in_flight_then_last_read = DEFAULT_TIMING.deadline_slack + FINAL_READ_GRACE
    details = DETAILS_BUDGET + DEFAULT_TIMING.deadline_slack
    assert set(bounds.values()) == {0.0, in_flight_then_last_read, details}, bounds


def passing(kind: str = "test", name: str | None = None, **kw: object) -> ScriptedSession:
    return ScriptedSession(
        kind,
        "PASSED",
        name or f"Healthy {kind} session",
        results=[ScriptedResult(f"{kind} home"), ScriptedResult(f"{kind} api")],
        **kw,  # type: ignore[arg-type]
    )


def gate(
    sim: Simulator,
    tmp_path: Path,
    sessions: list[ScriptedSession],
    *args: str,
    timing: Timing = DEFAULT_TIMING,
    api_url: str | None = None,
    api_key: str | None = None,
    account_id: str | None = None,
    github: FakeGitHub | None = None,
    unwritten: Collection[str] = (),
) -> GateRun:
    """Run the whole gate on `sessions` (in that order) and check that none was lost.

    `github`: also post the PR comment there, and check that it names every session too.
    """
    run = run_gate(
        tmp_path / "out",
        api_url=api_url or sim.url,
        api_key=api_key or sim.api_key,
        account_id=account_id or sim.account_id,
        test_ids=[s.id for s in sessions if s.kind == "test"],
        check_ids=[s.id for s in sessions if s.kind == "check"],
        args=args,
        timing=timing,
        github=github,
    )
    ids = [s.id for s in sessions if s.kind == "test"] + [
        s.id for s in sessions if s.kind == "check"
    ]
    if github is not None:
        assert run.comment is not None, run.stdout
    assert_nothing_lost(ids, run.out_dir, run.stdout, comment=run.comment, unwritten=unwritten)
    return run


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """A fake GitHub for the PR comment (`gate(..., github=github)`)."""
    fake = FakeGitHub().start()
    yield fake
    fake.stop()


def requests_to(sim: Simulator, session_id: str) -> list[tuple[str, int | None, float]]:
    """(path tail, status, arrival) of every request about one session."""
    return [
        (r.path.rsplit(session_id, 1)[1] or "/", r.status, r.time)
        for r in sim.requests
        if session_id in r.path
    ]


def wait_for_requests(
    sim: Simulator, session_id: str, count: int
) -> list[tuple[str, int | None, float]]:
    until = time.monotonic() + 3
    while len(seen := requests_to(sim, session_id)) < count and time.monotonic() < until:
        time.sleep(0.02)
    return seen


def said(run: GateRun, session_id: str, *words: str) -> None:
    """The session's note says `words` in the console, the JSON report and the summary."""
    note = run.session(session_id)["note"] or ""
    console = next(
        line
        for line in run.stdout.splitlines()
        if f" {session_id}:" in line and line.startswith(LABELS)
    )
    for word in words:
        assert word in note, note
        assert word in console, console
        assert md_text(word) in run.summary, run.summary
    junit_notes = [
        p.get("value", "")
        for suite in run.junit.iter("testsuite")
        if suite.get("id") == session_id
        for p in suite.iter("property")
        if p.get("name") == "checkly.session.note"
    ]
    assert any(words[0] in n for n in junit_notes), junit_notes


def exited_with_gate_error(run: GateRun, code: int, *words: str) -> None:
    assert run.code == code, run.stdout
    (error,) = run.gate_errors()
    for word in words:
        assert word in error.data, error.data


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield port  # nothing listens here once the socket is closed


# -- long-polls that never end ------------------------------------------------------------------
def test_endless_408s_end_incomplete_at_the_deadline(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub
) -> None:
    slow_test = passing(never_finishes=True)
    slow_check = passing("check", never_finishes=True)
    done = passing("check", name="Finished check")
    sim = simulator([slow_test, slow_check, done], max_wait_cap=0.3)
    run = gate(sim, tmp_path, [slow_test, slow_check, done], "--timeout", "2s", github=github)
    assert run.code == 1
    assert run.outputs["result"] == "failed"
    assert run.outcomes() == {
        slow_test.id: "incomplete",
        slow_check.id: "incomplete",
        done.id: "passed",
    }
    assert 2.0 <= run.elapsed <= deadline_bound(2.0, "A session is still running")
    said(run, slow_test.id, "timeout came first")
    polls = [(s, at) for path, s, at in requests_to(sim, slow_test.id) if path == "/completion"]
    assert len(polls) >= 3 and {s for s, _ in polls} == {408}
    # asked again at once, every time: each 408 comes 0.3 s (the cap) after its request, and
    # the next request follows it with no back-off
    gaps = [b - a for (_, a), (_, b) in itertools.pairwise(polls)]
    assert all(gap < 0.3 + 0.1 for gap in gaps), gaps
    # partial results kept: the finished run is shown, the unfinished one is incomplete
    runs = run.session(slow_test.id)["runs"]
    assert [r["outcome"] for r in runs] == ["passed", "incomplete"]


# -- rate limits -------------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_429_waits_as_retry_after_says(
    simulator: SimulatorFactory, tmp_path: Path, form: str
) -> None:
    if form == "seconds":
        retry_after, wanted = "1", 1.0
    else:  # whole seconds only: wait at least until the next second has begun
        retry_after = email.utils.formatdate(time.time() + 2, usegmt=True)
        wanted = 1.0
    limited = passing(faults=[Fault.status(429, retry_after=retry_after)])
    other = passing("check")
    sim = simulator([limited, other])
    run = gate(sim, tmp_path, [limited, other], "--timeout", "10s")
    assert run.code == 0
    assert run.outcomes() == {limited.id: "passed", other.id: "passed"}
    (_, first, at), (_, second, then) = requests_to(sim, limited.id)[:2]
    assert (first, second) == (429, 200)
    assert wanted - 0.1 <= then - at <= 3.0
    assert run.elapsed < 4.0


def test_429_without_retry_after_backs_off(simulator: SimulatorFactory, tmp_path: Path) -> None:
    limited = passing("check", faults=[Fault.status(429), Fault.status(429)])
    sim = simulator([limited])
    run = gate(sim, tmp_path, [limited], "--timeout", "10s")
    assert run.code == 0
    assert run.outcomes() == {limited.id: "passed"}
    seen = requests_to(sim, limited.id)
    assert [s for _, s, _ in seen[:3]] == [429, 429, 200]
    gaps = [b[2] - a[2] for a, b in itertools.pairwise(seen[:3])]
    assert gaps[0] >= 0.2  # 0.5 s, jittered to 50-100 %
    assert gaps[1] >= 0.4  # doubled
    assert run.elapsed < 3.0


def test_429_past_the_deadline_is_not_waited_for(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    limited = passing(never_finishes=True, faults=[Fault.status(429, retry_after="60")])
    sim = simulator([limited])
    run = gate(sim, tmp_path, [limited], "--timeout", "2s")
    # Retry-After is past the deadline: the session is read once more, then incomplete
    assert run.code == 1
    assert run.outcomes() == {limited.id: "incomplete"}
    assert run.elapsed < 2.0
    said(run, limited.id, "HTTP 429")
    assert [s for _, s, _ in requests_to(sim, limited.id)][:2] == [429, 200]


# -- server errors and broken connections ------------------------------------------------------
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_5xx_streak_is_retried_with_growing_backoff(
    simulator: SimulatorFactory, tmp_path: Path, status: int
) -> None:
    flaky = passing(faults=[Fault.status(status)] * 4)
    other = passing("check")
    sim = simulator([flaky, other])
    run = gate(sim, tmp_path, [flaky, other], "--timeout", "10s", timing=FAST)
    assert run.code == 0
    assert run.outcomes() == {flaky.id: "passed", other.id: "passed"}
    seen = requests_to(sim, flaky.id)
    assert [s for _, s, _ in seen[:5]] == [status] * 4 + [200]
    gaps = [b[2] - a[2] for a, b in itertools.pairwise(seen[:5])]
    assert gaps[0] >= FAST.backoff_base / 2
    assert max(gaps[2:]) >= FAST.backoff_base  # doubled since
    assert run.elapsed < 3.0


def test_a_5xx_streak_past_the_deadline_leaves_that_session_incomplete(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    flaky = passing(faults=[Fault.status(503)] * 1000)
    fine = passing("check", duration_s=0.5)
    sim = simulator([flaky, fine])
    run = gate(sim, tmp_path, [flaky, fine], "--timeout", "2s", timing=FAST)
    assert run.code == 1  # Checkly answered for the other session: a verdict, failed
    assert run.outcomes() == {flaky.id: "incomplete", fine.id: "passed"}
    assert 1.5 <= run.elapsed <= deadline_bound(2.0, "`500`, `502`, `503`, `504` streaks", FAST)
    said(run, flaky.id, "HTTP 503")


def test_connection_resets_are_retried(simulator: SimulatorFactory, tmp_path: Path) -> None:
    reset = passing("check", faults=[Fault.reset(), Fault.reset(), Fault.hang(0), Fault.reset()])
    sim = simulator([reset])
    run = gate(sim, tmp_path, [reset], "--timeout", "10s", timing=FAST)
    assert run.code == 0
    assert run.outcomes() == {reset.id: "passed"}
    assert [s for _, s, _ in requests_to(sim, reset.id)][:3] == [None, None, 200]
    assert run.elapsed < 3.0  # far from the 10 s deadline ("Connection reset": ≤ 4 s past it)


def test_connection_refused_is_unreachable_exit_3(
    simulator: SimulatorFactory, tmp_path: Path, closed_port: int
) -> None:
    sessions = [passing(), passing("check")]
    sim = simulator(sessions)  # serves nothing: the gate is pointed at a closed port
    url = f"http://127.0.0.1:{closed_port}"
    run = gate(sim, tmp_path, sessions, "--timeout", "2s", api_url=url)
    exited_with_gate_error(run, 3, "could not be reached", url, "Hint:")
    assert run.outputs["result"] == "failed"
    assert set(run.outcomes().values()) == {"incomplete"}
    assert run.elapsed <= deadline_bound(2.0, "Connection refused")
    said(run, sessions[0].id, "refused")
    assert sim.requests == []
    assert not [c for c in run.commands if c.name == "error" and c not in run.gate_errors()]


@pytest.mark.parametrize("fault", [Fault.status(503), Fault.reset()], ids=["503", "reset"])
def test_unreachable_for_the_whole_run_is_exit_3(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub, fault: Fault
) -> None:
    sessions = [passing(), passing("check"), passing(duration_s=0.5)]
    sim = simulator(sessions)
    sim.fail_all(fault)
    run = gate(sim, tmp_path, sessions, "--timeout", "2s", timing=FAST, github=github)
    exited_with_gate_error(run, 3, "could not be reached", "Hint:")
    assert set(run.outcomes().values()) == {"incomplete"}
    assert 1.5 <= run.elapsed <= deadline_bound(2.0, "Checkly unreachable", FAST)
    said(run, sessions[1].id, "Checkly gave no answer")
    assert len(sim.requests) >= 2 * len(sessions)  # retried until the deadline


# -- a server that holds its answer ------------------------------------------------------------
def test_a_response_held_past_the_read_timeout_is_retried(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    # the first GET and then the first long-poll are held longer than their read timeouts
    held = passing(duration_s=1.5, faults=[Fault.hang(3), Fault.hang(0), Fault.hang(4)])
    sim = simulator([held])
    run = gate(sim, tmp_path, [held], "--timeout", "15s", "--max-wait-seconds", "1", timing=FAST)
    assert run.code == 0
    assert run.outcomes() == {held.id: "passed"}
    assert run.elapsed < 3  # never waited for the held answers
    sim.stop()  # ends the holds: the simulator records a request once it has answered it
    seen = wait_for_requests(sim, held.id, 4)
    paths = [p for p, _, _ in seen]
    assert paths[:4] == ["/", "/", "/completion", "/completion"]
    assert seen[1][2] - seen[0][2] >= FAST.plain_read  # gave up on the held GET, asked again
    assert seen[3][2] - seen[2][2] >= 1 + FAST.read_slack  # maxWaitSeconds + slack


def test_a_response_held_past_the_deadline_ends_the_wait_in_time(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    # the long-poll in flight at the deadline and then the last read are both held: the
    # worst case, the whole documented bound
    held = passing(never_finishes=True, faults=[Fault.hang(0), Fault.hang(30), Fault.hang(30)])
    other = passing("check")
    sim = simulator([held, other])
    run = gate(sim, tmp_path, [held, other], "--timeout", "2s")  # the real timeouts
    assert run.code == 1
    assert run.outcomes() == {held.id: "incomplete", other.id: "passed"}
    worst = 2.0 + DEFAULT_TIMING.deadline_slack + FINAL_READ_GRACE
    assert worst - 0.1 <= run.elapsed <= deadline_bound(2.0, "A server holds its answer")
    said(run, held.id, "read timed out", "last read failed")


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


# -- the deadline itself -----------------------------------------------------------------------
def test_a_session_finishing_exactly_at_the_deadline_counts(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    last_minute = [passing(never_finishes=True), passing("check", never_finishes=True)]
    sim = simulator(last_minute)
    # Long-polls of 1 s in a 2 s timeout: the second ends at the deadline with a 408, and the
    # session finishes right after it, so only the one last read after the deadline sees it.
    for session in last_minute:
        sim.finish_after_408(session.id, nth=2)
    run = gate(sim, tmp_path, last_minute, "--timeout", "2s", "--max-wait-seconds", "1")
    assert run.code == 0, run.stdout
    assert run.outcomes() == {s.id: "passed" for s in last_minute}
    assert 2.0 <= run.elapsed <= deadline_bound(2.0, "A session finishes exactly at the deadline")
    for session in last_minute:
        seen = requests_to(sim, session.id)
        assert [(path, status) for path, status, _ in seen] == [
            ("/", 200),  # running
            ("/completion", 408),
            ("/completion", 408),  # at the deadline; the session finishes right after
            ("/", 200),  # the last read, a plain GET: finished
        ]
        finished = sim.completed_at(session.id)
        assert finished is not None and seen[2][2] < finished <= seen[3][2]
        assert seen[3][2] - seen[1][2] >= 2 * 1.0 - 0.05  # after two whole long-polls
        assert run.session(session.id)["note"] is None  # not "incomplete", nothing to say


# -- reports that cannot be written ------------------------------------------------------------
def test_a_report_that_cannot_be_written_is_named_and_the_others_are_written(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sessions = [passing(), passing("check")]
    sim = simulator(sessions)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the junit-file's folder should be", "utf-8")
    junit = blocker / "junit.xml"  # its parent is a file: fails even for root
    run = gate(sim, tmp_path, sessions, "--timeout", "10s", "--junit-file", str(junit),
               unwritten=[JUNIT_FILE])  # fmt: skip
    exited_with_gate_error(run, 3, "could not write every report", "junit-file", str(junit))
    # every other report was still written, with the verdict Checkly's answers gave
    assert {JSON_FILE, SUMMARY_FILE} <= set(run.files())
    assert not (run.out_dir / JUNIT_FILE).exists()
    assert blocker.read_text("utf-8").startswith("a file")
    assert run.report["verdict"]["result"] == run.outputs["result"] == "passed"
    assert run.outcomes() == {s.id: "passed" for s in sessions}
    assert run.step_summary.strip()
    for name in ("summary-file", "json-file", "job summary"):
        assert any(line.startswith(f"Wrote the {name}: ") for line in run.stdout.splitlines())


def test_a_report_that_cannot_be_written_gets_one_error_line(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sessions = [passing("check")]
    sim = simulator(sessions)
    (tmp_path / "blocker").write_text("", "utf-8")
    junit = tmp_path / "blocker" / "junit.xml"
    run = gate(sim, tmp_path, sessions, "--timeout", "10s", "--junit-file", str(junit),
               unwritten=[JUNIT_FILE])  # fmt: skip
    assert run.code == 3
    errors = [c for c in run.commands if c.name == "error"]  # nothing failed: no annotations
    assert len(errors) == 1 and "junit-file" in errors[0].data, errors


# -- sessions Checkly will not give ------------------------------------------------------------
def test_404_and_400_sessions_are_errors_and_the_others_go_on(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub
) -> None:
    gone = passing(http_status=404)
    bad = passing("check", http_status=400)
    slow = passing(duration_s=1.0)
    sim = simulator([gone, bad, slow])
    run = gate(sim, tmp_path, [gone, bad, slow], "--timeout", "10s", github=github)
    assert run.code == 1
    assert run.outcomes() == {gone.id: "error", bad.id: "error", slow.id: "passed"}
    said(run, gone.id, "HTTP 404", "not found")
    said(run, bad.id, "HTTP 400", "cannot be read")
    assert run.elapsed < 3.0
    assert len(requests_to(sim, gone.id)) == 1  # not retried


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        (401, "create a key under Checkly > User settings > API keys"),
        (403, "Account settings > General"),
    ],
    ids=["401", "403"],
)
def test_credentials_refused_stop_the_run_with_a_hint(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub, status: int, hint: str
) -> None:
    sessions = [passing(never_finishes=True), passing("check", never_finishes=True), passing()]
    sim = simulator(sessions)
    wrong = (
        {"api_key": "cu_not_the_right_key"}
        if status == 401
        else {"account_id": "0f0f0f0f-0000-4000-8000-000000000000"}
    )
    run = gate(sim, tmp_path, sessions, "--timeout", "30s", github=github, **wrong)
    account = wrong.get("account_id", sim.account_id)  # the account used is named
    exited_with_gate_error(run, 3, f"HTTP {status}", "Hint:", hint, f"[account {account}]")
    assert run.outputs["result"] == "failed"
    assert run.elapsed < 3.0  # stopped at once, long before the timeout
    assert set(run.outcomes().values()) <= {"error", "incomplete"}
    assert run.report["verdict"]["total"] == len(sessions)
    # no per-run annotations when no verdict was possible: the one error line says why
    assert [c.name for c in run.commands if c.name != "add-mask"] == ["error"]
