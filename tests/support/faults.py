"""Shared by the fault matrix (tests/gate_runs/test_faults_*.py): short client timings, the
documented bounds of docs/failure-modes.md, `gate` (a whole-gate run that checks no session was
lost) and the checks of what a run said and which requests a session got.

Each test runs `gate.cli.main` as the container does (GitHub env, every report written) and
asserts the verdict, the exit code, which sessions were affected (from the JSON report), that
the run ended within the deadline plus the documented margin, and that no session was lost
from any report (`assert_nothing_lost`). The cases are the rows of the table in
docs/failure-modes.md.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Collection
from pathlib import Path

from gate.checkly.transport import DEFAULT_TIMING, Timing
from gate.reports.md_filters import md_text
from gate.simulator import ScriptedResult, ScriptedSession, Simulator
from tests.support.fake_github import FakeGitHub
from tests.support.gate_run import (
    LABELS,
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
