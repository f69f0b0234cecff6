"""Integration tests: the client and the waiter against the simulator on 127.0.0.1 (SPEC §3)."""

from __future__ import annotations

import inspect
import re
import time
from dataclasses import dataclass

import pytest

from gate import USER_AGENT
from gate.checkly.client import ChecklyClient
from gate.checkly.transport import RateLimiter
from gate.checkly.waiting import Progress, format_seconds, wait_all, wait_for_session
from gate.core.errors import CredentialsRejected
from gate.core.model import Outcome, SessionKind
from gate.simulator import Fault, ScriptedResult, ScriptedSession, Simulator
from tests.conftest import SimulatorFactory


@dataclass(frozen=True)
class Ref:
    kind: SessionKind
    id: str


def ref(session: ScriptedSession) -> Ref:
    return Ref(SessionKind(session.kind), session.id)


def client_for(sim: Simulator, **kw: object) -> ChecklyClient:
    return ChecklyClient(sim.url, sim.api_key, sim.account_id, **kw)  # type: ignore[arg-type]


def completions(sim: Simulator, session_id: str) -> list[dict[str, str]]:
    return [r.query for r in sim.requests if r.path.endswith(f"{session_id}/completion")]


def passing(kind: str = "test", **kw: object) -> ScriptedSession:
    return ScriptedSession(
        kind,
        "PASSED",
        results=[ScriptedResult("Home", "passed"), ScriptedResult("API", "passed")],
        **kw,  # type: ignore[arg-type]
    )


def test_returns_as_soon_as_the_session_completes(simulator: SimulatorFactory) -> None:
    session = passing(duration_s=1.0)
    sim = simulator([session])
    result = wait_for_session(client_for(sim), ref(session), time.monotonic() + 20, 30)
    finished = sim.completed_at(session.id)
    assert finished is not None
    assert time.monotonic() - finished < 0.5
    assert result.outcome is Outcome.PASSED
    assert [r.outcome for r in result.runs] == [Outcome.PASSED, Outcome.PASSED]
    assert [r.path for r in sim.requests] == [
        f"/v1/test-sessions/{session.id}",
        f"/v1/test-sessions/{session.id}/completion",
    ]


def test_every_request_carries_auth_account_and_user_agent(simulator: SimulatorFactory) -> None:
    session = passing("check", duration_s=0.3)
    sim = simulator([session])
    wait_for_session(client_for(sim), ref(session), time.monotonic() + 10, 30)
    assert sim.requests
    for request in sim.requests:
        assert request.header("Authorization") == f"Bearer {sim.api_key}"
        assert request.header("X-Checkly-Account") == sim.account_id
        assert request.header("User-Agent") == USER_AGENT
    assert USER_AGENT.startswith("checkly-gate/")


def test_an_already_finished_session_costs_one_request(simulator: SimulatorFactory) -> None:
    session = ScriptedSession("check", "DEGRADED", results=[ScriptedResult("x", "degraded")])
    sim = simulator([session])
    result = wait_for_session(client_for(sim), ref(session), time.monotonic() + 10, 30)
    assert result.outcome is Outcome.DEGRADED
    assert len(sim.requests) == 1


def test_max_wait_is_clamped_to_the_time_left(simulator: SimulatorFactory) -> None:
    test_s = ScriptedSession("test", "PASSED", never_finishes=True)
    check_s = ScriptedSession("check", "PASSED", never_finishes=True)
    sim = simulator([test_s, check_s])
    client = client_for(sim)
    start = time.monotonic()
    waited = wait_all(client, [ref(test_s), ref(check_s)], 2.5, 30, progress=Progress(print))
    elapsed = time.monotonic() - start
    assert 2.4 < elapsed < 4.0
    test_waits = [float(q["maxWaitSeconds"]) for q in completions(sim, test_s.id)]
    check_waits = [q["maxWaitSeconds"] for q in completions(sim, check_s.id)]
    assert test_waits and all(1 <= w <= 2.5 for w in test_waits)
    assert check_waits and all(w.isdigit() and 1 <= int(w) <= 2 for w in check_waits)
    assert [s.outcome for s in waited.sessions] == [Outcome.INCOMPLETE, Outcome.INCOMPLETE]


def test_deadline_gives_incomplete_with_partial_results(simulator: SimulatorFactory) -> None:
    results = [ScriptedResult(f"check {i}", "passed") for i in range(4)]
    session = ScriptedSession("test", "PASSED", never_finishes=True, results=results)
    sim = simulator([session], max_wait_cap=0.5)
    waited = wait_all(client_for(sim), [ref(session)], 1.5, 30, progress=Progress(print))
    [result] = waited.sessions
    assert result.outcome is Outcome.INCOMPLETE
    assert result.note is not None and "timeout" in result.note
    outcomes = [r.outcome for r in result.runs]
    assert Outcome.PASSED in outcomes and Outcome.INCOMPLETE in outcomes
    # the last read after the deadline is a plain GET, not another long-poll
    assert sim.requests[-1].path == f"/v1/test-sessions/{session.id}"


def test_a_session_finishing_at_the_deadline_is_read_once_more(simulator: SimulatorFactory) -> None:
    session = passing(never_finishes=True)
    sim = simulator([session])
    client = client_for(sim)
    deadline = time.monotonic() + 1.2
    # it finishes just as the gate's deadline comes: the last read must see it
    import threading

    threading.Timer(1.15, sim.finish, args=(session.id,)).start()
    result = wait_for_session(client, ref(session), deadline, 30)
    assert result.outcome is Outcome.PASSED


def test_404_is_an_error_outcome_and_the_others_go_on(simulator: SimulatorFactory) -> None:
    missing = ScriptedSession("test", "PASSED", http_status=404)
    fine = passing("check", duration_s=0.5)
    sim = simulator([missing, fine])
    waited = wait_all(client_for(sim), [ref(missing), ref(fine)], 10, 30, progress=Progress(print))
    assert [s.outcome for s in waited.sessions] == [Outcome.ERROR, Outcome.PASSED]
    assert waited.sessions[0].note is not None and "404" in waited.sessions[0].note
    assert [s.id for s in waited.sessions] == [missing.id, fine.id]


def test_unknown_session_id_is_an_error_with_the_api_message(simulator: SimulatorFactory) -> None:
    sim = simulator([])
    unknown = Ref(SessionKind.TEST, "00000000-0000-4000-8000-000000000000")
    result = wait_for_session(client_for(sim), unknown, time.monotonic() + 5, 30)
    assert result.outcome is Outcome.ERROR
    assert result.runs[0].reason is not None and "HTTP 404" in result.runs[0].reason


@pytest.mark.parametrize(("key", "account", "status"), [("wrong", None, 401), (None, "x", 403)])
def test_credentials_refused_stop_the_run(
    simulator: SimulatorFactory, key: str | None, account: str | None, status: int
) -> None:
    sessions = [passing(never_finishes=True), passing("check", never_finishes=True)]
    sim = simulator(sessions)
    client = ChecklyClient(sim.url, key or sim.api_key, account or sim.account_id)
    start = time.monotonic()
    waited = wait_all(client, [ref(s) for s in sessions], 20, 30, progress=Progress(print))
    assert time.monotonic() - start < 2
    assert isinstance(waited.credentials, CredentialsRejected)
    assert waited.credentials.status == status
    assert len(waited.sessions) == 2
    assert key is None or key not in str(waited.credentials)


def test_429_with_retry_after_is_honoured(simulator: SimulatorFactory) -> None:
    session = passing(faults=[Fault.status(429, retry_after="1")])
    sim = simulator([session])
    start = time.monotonic()
    result = wait_for_session(client_for(sim), ref(session), time.monotonic() + 10, 30)
    assert result.outcome is Outcome.PASSED
    statuses = [r.status for r in sim.requests]
    assert statuses[0] == 429
    gap = sim.requests[1].time - sim.requests[0].time
    assert 0.9 <= gap < 1.6
    assert time.monotonic() - start < 3


def test_5xx_and_resets_are_retried_with_backoff(simulator: SimulatorFactory) -> None:
    faults = [Fault.status(500), Fault.status(502), Fault.reset(), Fault.status(503)]
    session = passing(faults=faults)
    sim = simulator([session])
    result = wait_for_session(client_for(sim), ref(session), time.monotonic() + 30, 30)
    assert result.outcome is Outcome.PASSED
    assert [r.status for r in sim.requests][:4] == [500, 502, None, 503]
    gaps = [b.time - a.time for a, b in zip(sim.requests, sim.requests[1:], strict=False)][:4]
    assert gaps[0] >= 0.2  # jittered 0.5 s
    assert gaps[3] > gaps[0]  # and growing


def test_retries_never_pass_the_deadline(simulator: SimulatorFactory) -> None:
    session = passing()
    sim = simulator([session])
    sim.fail_all(Fault.status(503))
    start = time.monotonic()
    waited = wait_all(client_for(sim), [ref(session)], 2.0, 30, progress=Progress(print))
    assert time.monotonic() - start < 2.0 + 1.0
    assert not waited.reached
    [result] = waited.sessions
    assert result.outcome is Outcome.INCOMPLETE
    assert result.note is not None and "503" in result.note


def test_results_in_input_order_and_progress_lines(simulator: SimulatorFactory) -> None:
    sessions = [passing(duration_s=d) for d in (1.2, 0.2, 0.6)]
    sim = simulator(sessions)
    lines: list[str] = []
    links: list[str] = []
    waited = wait_all(
        client_for(sim),
        [ref(s) for s in sessions],
        30,
        30,
        progress=Progress(lines.append, interval=0.4),
        on_link=lambda s: links.append(s.id),
    )
    assert [s.id for s in waited.sessions] == [s.id for s in sessions]
    assert sorted(links) == sorted(s.id for s in sessions)
    assert lines and lines[0].startswith("Waiting: ") and "/3 sessions done" in lines[0]
    assert re.fullmatch(r"Waiting: \d/3 sessions done, \d+s elapsed, \d+s left", lines[0])


def test_the_gate_prints_progress_at_least_every_30_seconds() -> None:
    from gate.run.pipeline import run

    assert inspect.signature(run).parameters["progress_interval"].default <= 30
    assert Progress(print).interval <= 30


def test_interruption_stops_at_once(simulator: SimulatorFactory) -> None:
    session = passing(never_finishes=True)
    sim = simulator([session])
    start = time.monotonic()
    flag = {"at": start + 0.5}
    waited = wait_all(
        client_for(sim),
        [ref(session)],
        60,
        30,
        progress=Progress(print),
        interrupted=lambda: time.monotonic() > flag["at"],
    )
    assert time.monotonic() - start < 1.0
    assert waited.interrupted
    assert waited.sessions[0].outcome is Outcome.INCOMPLETE
    assert "interrupted" in (waited.sessions[0].note or "")


def test_more_sessions_than_the_rate_limit_affords_skip_the_first_read(
    simulator: SimulatorFactory,
) -> None:
    """Too many sessions for a first GET each within the rate limit (4 requests per session
    must fit in its window): the first request of each session is its long-poll, which also
    gives its link (bench: 200 sessions, 2 requests each where 3 overdrew the budget)."""
    sessions = [passing(duration_s=0.3) for _ in range(3)]
    sim = simulator(sessions)
    links: list[str] = []
    waited = wait_all(
        client_for(sim, limiter=RateLimiter(limit=8, window=1.0)),
        [ref(s) for s in sessions],
        30,
        30,
        progress=Progress(print),
        on_link=lambda s: links.append(s.id),
    )
    assert [s.outcome for s in waited.sessions] == [Outcome.PASSED] * 3
    assert sorted(links) == sorted(s.id for s in sessions)
    assert len(sim.requests) == 3
    assert all(r.path.endswith("/completion") for r in sim.requests)


def test_the_main_thread_s_chore_runs_once_after_the_first_answers(
    simulator: SimulatorFactory,
) -> None:
    sessions = [passing(duration_s=0.6) for _ in range(2)]
    sim = simulator(sessions)
    calls: list[int] = []

    def chore() -> None:  # what the gate does here: compile the templates
        calls.append(len(sim.requests))
        raise RuntimeError("ignored: the caller does it again after the wait")

    waited = wait_all(
        client_for(sim),
        [ref(s) for s in sessions],
        30,
        30,
        progress=Progress(print),
        meanwhile=chore,
    )
    assert [s.outcome for s in waited.sessions] == [Outcome.PASSED] * 2
    assert len(calls) == 1
    assert calls[0] >= 2  # both first reads were answered before the chore began


@pytest.mark.parametrize(
    ("seconds", "text"), [(4.2, "4s"), (90.4, "1m30s"), (3725, "1h2m5s"), (0, "0s"), (3600, "1h")]
)
def test_format_seconds(seconds: float, text: str) -> None:
    assert format_seconds(seconds) == text
