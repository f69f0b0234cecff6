"""A signal while the trigger is in flight (SPEC §8): still cancel what was started.

The trigger runs in a thread of its own. When SIGINT/SIGTERM comes before it has finished, the
gate waits up to 2 s more for its answer; when none comes, it looks the run's token up once.
What it learns joins the run (the pipeline then cancels it like any session still running);
when it cannot learn it, the reports name the token so the user can find the run. A trigger
error (refused, lost answer, unreachable) is handed back, not raised: the sessions given by ID
are still awaited and reported.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from gate.checkly.client import ChecklyClient
from gate.checkly.trigger import InFlight, Started, StartedSession
from gate.checkly.trigger_lookup import ask_once
from gate.checkly.trigger_messages import app_url
from gate.core.errors import GateError
from gate.core.model import SessionKind
from gate.core.signals import SIGNAL_POLL, Signals
from gate.options.trigger_options import TriggerKind

ANSWER_GRACE_S = 2.0  # after a signal, the trigger's answer may still come this long
LOOKUP_S = 1.0  # then the one look-up by token


def run_trigger(
    work: Callable[[InFlight], Started],
    client: ChecklyClient,
    signals: Signals,
    filters: str,
) -> tuple[Started | None, list[str], GateError | None]:
    """`work(state)` in a thread: (what it started, notes, the trigger's error)."""
    state = InFlight()
    box: list[Started] = []
    errors: list[GateError] = []
    crashed: list[BaseException] = []

    def target() -> None:
        try:
            box.append(work(state))
        except GateError as exc:
            errors.append(exc)
        except BaseException as exc:  # handed to the main thread below
            crashed.append(exc)

    thread = threading.Thread(target=target, name="gate-trigger", daemon=True)
    thread.start()
    while thread.is_alive() and not signals():
        thread.join(SIGNAL_POLL)
    if thread.is_alive():  # signalled while triggering: its answer may still come
        thread.join(ANSWER_GRACE_S)
    if crashed:
        raise crashed[0]
    if box:
        return box[0], [], None
    if errors and not signals():
        return None, [], errors[0]
    with state.lock:
        started = state.started
    if started is not None:
        return started, [], None
    client.abort("the run was interrupted while triggering")
    return _learn(client, state, filters)


def _learn(
    client: ChecklyClient, state: InFlight, filters: str
) -> tuple[Started | None, list[str], GateError | None]:
    """No answer in time: look the token up once; else name what the user should look for."""
    if state.posted_at is None:
        return None, ["interrupted before the trigger was sent: it started nothing"], None
    if state.kind is TriggerKind.CHECK_SESSIONS or state.token is None:
        note = (
            "interrupted while the check-session trigger was in flight: check runs may have "
            f"started (and may alert); see each check's recent runs at "
            f"{app_url(client.api_url)}/checks"
        )
        return None, [note], None
    twin = client.sibling()
    found, _ = ask_once(twin, state.token, state.posted_at, twin.clock() + LOOKUP_S)
    if found:
        sessions = tuple(
            StartedSession(SessionKind.TEST, str(e["id"]).lower(), None, str(e.get("name")))
            for e in found
        )
        return Started(TriggerKind.TEST_SESSION, sessions, filters=filters), [], None
    note = (
        f'interrupted while the trigger was in flight: a test session named "{state.name}" '
        f"may have started and could not be cancelled; search for its token {state.token} in "
        f"Checkly > Test sessions ({app_url(client.api_url)}/test-sessions)"
    )
    return None, [note], None
