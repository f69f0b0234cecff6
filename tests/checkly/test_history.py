"""The history fetch (SPEC §9) against the real simulator: what is asked, how many checks,
the route's own budget, and what a failed or refused request leaves."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from gate.checkly.client import ChecklyClient
from gate.checkly.history import FIELDS, HistoryFetch
from gate.checkly.transport import RateLimiter, Timing
from gate.core.model import Session, SessionKind
from gate.core.triage import FETCH_FAILED, NOT_FETCHED, Label
from gate.core.verdict import Thresholds
from gate.simulator import Fault, ScriptedResult, ScriptedSession, Simulator
from gate.simulator.check_history import INTERVAL_S
from tests.conftest import SimulatorFactory

FAST = Timing(connect=2.0, plain_read=2.0, backoff_base=0.01, backoff_cap=0.05)
HISTORY = "/v2/check-results/"


def client(sim: Simulator) -> ChecklyClient:
    return ChecklyClient(sim.url, sim.api_key, sim.account_id, timing=FAST)


def finished(sim: Simulator, scripted: ScriptedSession) -> Session:
    sim.finish(scripted.id)
    body = client(sim).session(SessionKind.TEST, scripted.id, time.monotonic() + 5)
    return Session.from_api(SessionKind.TEST, scripted.id, body, finished=True)


def fetch(sim: Simulator, sessions: list[Session], budget: float = 5.0) -> HistoryFetch:
    history = HistoryFetch(
        sessions,
        client(sim),
        Thresholds(),
        deadline=time.monotonic() + budget,
        fallback_start=datetime.now(UTC),
    )
    history.collect()
    return history


def history_requests(sim: Simulator) -> list[dict[str, str]]:
    return [dict(r.query) for r in sim.requests if r.path.startswith(HISTORY)]


def test_each_failing_check_gets_its_label_from_one_request(simulator: SimulatorFactory) -> None:
    scripted = ScriptedSession(
        "test",
        "FAILED",
        results=[
            ScriptedResult("Orders", "failed", history="FFFFFFFFFF"),
            ScriptedResult("Orders", "failed", location="us-east-1"),  # same check: one request
            ScriptedResult("Login", "failed", history="PPFPPPPFPP"),
            ScriptedResult("Payments", "failed", history="PPPPPPPPPPPP"),
            ScriptedResult("Refunds", "failed"),  # no earlier run
            ScriptedResult("Home", "passed", history="FFF"),  # passed: not asked about
        ],
    )
    sim = simulator([scripted])
    session = finished(sim, scripted)
    history = fetch(sim, [session])
    labelled = history.apply([session])[0].runs
    assert [r.triage.label if r.triage else None for r in labelled] == [
        Label.ALREADY_FAILING,
        Label.ALREADY_FAILING,
        Label.FLAKY,
        Label.NEW,
        Label.NO_HISTORY,
        None,
    ]
    assert labelled[2].triage is not None
    assert labelled[2].triage.evidence == "failed 2 of its last 10 runs"
    assert labelled[3].triage is not None and labelled[3].triage.earlier_runs == 10
    queries = history_requests(sim)
    assert len(queries) == 4
    start = session.started_at
    assert start is not None
    for query in queries:
        assert query == {
            "to": str(int(start.timestamp())),
            "limit": "10",
            "resultType": "FINAL",
            "fields": FIELDS,
        }
    assert history.warnings() == ()


def test_to_is_the_session_start_so_later_runs_are_not_history(
    simulator: SimulatorFactory,
) -> None:
    """The scripted runs lie before the session's start; asking `to` an earlier time than the
    start would miss the newest: the gate asks exactly up to its session's start."""
    scripted = ScriptedSession(
        "test", "FAILED", results=[ScriptedResult("A", "failed", history="FP")]
    )
    sim = simulator([scripted])
    session = finished(sim, scripted)
    (run,) = fetch(sim, [session]).apply([session])[0].runs
    assert run.triage is not None
    assert (run.triage.label, run.triage.earlier_runs) == (Label.ALREADY_FAILING, 2)
    check = scripted.results[0].cid
    assert session.started_at is not None
    before_newest = session.started_at.timestamp() - INTERVAL_S - 1
    entries = sim.history.entries(check)
    assert len(entries) == 2
    answer = client(sim).get_check_history(check, before_newest, time.monotonic() + 5, FIELDS)
    assert [e["hasFailures"] for e in answer["entries"]] == [False]


def test_fifteen_failing_checks_make_at_most_ten_requests(simulator: SimulatorFactory) -> None:
    results = [ScriptedResult(f"Check {i:02}", "failed", history="F") for i in range(15)]
    scripted = ScriptedSession("test", "FAILED", results=results)
    sim = simulator([scripted])
    session = finished(sim, scripted)
    history = fetch(sim, [session])
    assert len(history_requests(sim)) == 10
    runs = history.apply([session])[0].runs
    labels = [r.triage.label if r.triage else None for r in runs]
    assert labels == [Label.ALREADY_FAILING] * 10 + [Label.NO_HISTORY] * 5  # first in order
    assert {r.triage.why for r in runs[10:] if r.triage} == {NOT_FETCHED}
    (warning,) = history.warnings()
    assert "at most 10 checks" in warning and "5 more checks" in warning


def test_a_failed_or_refused_request_leaves_no_history(simulator: SimulatorFactory) -> None:
    for fault in (Fault.status(500), Fault.status(402), Fault.status(403), Fault.reset()):
        scripted = ScriptedSession(
            "test", "FAILED", results=[ScriptedResult("A", "failed", history="F")]
        )
        sim = simulator([scripted])
        session = finished(sim, scripted)
        sim.fail_all(fault)
        history = fetch(sim, [session], budget=0.6)
        sim.fail_all(None)
        (run,) = history.apply([session])[0].runs
        assert run.triage is not None
        assert (run.triage.label, run.triage.why) == (Label.NO_HISTORY, FETCH_FAILED), fault
        assert "could not fetch the earlier runs of 1 check" in history.warnings()[0]
        assert history_requests(sim), fault  # it was asked, and the answer was no good


def test_the_routes_own_429_past_the_deadline_leaves_no_history(
    simulator: SimulatorFactory,
) -> None:
    scripted = ScriptedSession(
        "test", "FAILED", results=[ScriptedResult("A", "failed", history="F")]
    )
    sim = simulator([scripted], history_rate_limit=0)
    session = finished(sim, scripted)
    started = time.monotonic()
    history = fetch(sim, [session], budget=0.5)
    assert time.monotonic() - started < 5  # retried within the deadline, then given up
    (run,) = history.apply([session])[0].runs
    assert run.triage is not None and run.triage.why == FETCH_FAILED
    assert {r.status for r in sim.requests if r.path.startswith(HISTORY)} == {429}


def test_the_clients_own_budget_for_the_route_refuses_rather_than_waits(
    simulator: SimulatorFactory,
) -> None:
    scripted = ScriptedSession(
        "test", "FAILED", results=[ScriptedResult("A", "failed", history="F")]
    )
    sim = simulator([scripted])
    session = finished(sim, scripted)
    gate = client(sim)
    gate.history_limiter = RateLimiter(1, 60.0)
    check = scripted.results[0].cid
    assert gate.get_check_history(check, time.time(), time.monotonic() + 2, FIELDS)["length"] == 1
    history = HistoryFetch(
        [session],
        gate,
        Thresholds(),
        deadline=time.monotonic() + 2,
        fallback_start=datetime.now(UTC),
    )
    started = time.monotonic()
    history.collect()
    assert time.monotonic() - started < 1.5  # refused at once: the next slot is a minute away
    assert history.labels[check].why == FETCH_FAILED
    assert len(history_requests(sim)) == 1  # the refused one never went out


def test_runs_without_a_check_id_have_no_history_and_send_nothing() -> None:
    session = Session.from_api(
        SessionKind.TEST,
        "s",
        {"status": "FAILED", "results": [{"name": "x", "status": "FAILED", "resultType": "FINAL"}]},
        finished=True,
    )

    class Refuse:
        def get_check_history(self, *args: object) -> dict[str, object]:
            raise AssertionError("no request without a checkId")

    history = HistoryFetch(
        [session],
        Refuse(),
        Thresholds(),
        deadline=time.monotonic() + 1,
        fallback_start=datetime.now(UTC),
    )
    history.collect()
    (run,) = history.apply([session])[0].runs
    assert run.triage is not None and run.triage.why == "no checkId"
