"""Trigger mode's two steps of a run (SPEC §8): start the runs before the wait; after it,
cancel what still runs and say which filters matched nothing. `gate.run.pipeline` calls both."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

from gate.checkly.client import ChecklyClient
from gate.checkly.waiting import WaitResult
from gate.core.errors import GateError
from gate.core.model import SESSION_STATUS, Outcome, Session, SessionKind
from gate.core.signals import Signals
from gate.options.config import Config
from gate.options.trigger_options import TriggerConfig
from gate.reports.report import CancelRequest, TriggerInfo
from gate.runner.workflow import Runner, neutralize

if TYPE_CHECKING:
    from gate.checkly.trigger import Started


def start_trigger(
    config: Config,
    client: ChecklyClient,
    runner: Runner,
    *,
    environ: Mapping[str, str],
    start: float,
    signals: Signals,
) -> tuple[Started | None, list[str], GateError | None]:
    """Trigger mode's first step (SPEC §8): start the runs. A signal meanwhile still learns
    (and so cancels) what was started; a trigger error is handed back with the notes, so the
    sessions given by ID are still awaited and reported."""
    if config.trigger is None:
        return None, [], None
    from gate.checkly.trigger import start as trigger  # noqa: PLC0415 - only in trigger mode
    from gate.run.trigger_signal import run_trigger  # noqa: PLC0415 - only in trigger mode
    from gate.runner.ci_context import run_context  # noqa: PLC0415 - only in trigger mode

    context = run_context(environ)
    say = lambda line: runner.say(neutralize(line))  # noqa: E731 - untrusted names inside
    chosen = config.trigger
    deadline = start + config.timeout_s
    return run_trigger(
        lambda state: trigger(client, chosen, context, deadline, say, state=state),
        client,
        signals,
        chosen.describe_filters(),
    )


def finish_trigger(
    started: Started | None,
    trigger: TriggerConfig | None,
    waited: WaitResult,
    *,
    client: ChecklyClient,
    runner: Runner,
) -> tuple[list[Session], TriggerInfo | None, list[str], list[str]]:
    """After the wait: cancel what still runs, find "no matching checks", say both.

    Returns the sessions (a cancelled one says so in its note), the report's trigger part,
    the warnings and the reasons the gate fails for.
    """
    sessions = waited.sessions
    if started is None or trigger is None:
        return sessions, None, [], []
    from gate.checkly.cancel import cancel_sessions  # noqa: PLC0415 - only in trigger mode

    ids = {s.id for s in started.sessions}
    running = [s for s in sessions if s.id in ids and s.outcome is Outcome.INCOMPLETE]
    notes: list[str] = []
    cancelled = []
    if running and trigger.cancel_on_exit and waited.credentials is None:
        cancelled = cancel_sessions(client, [(s.kind, s.id) for s in running])
        said = {c.id: c for c in cancelled}
        sessions = [
            dataclasses.replace(s, note=f"{s.note + '; ' if s.note else ''}{said[s.id].sentence}")
            if s.id in said
            else s
            for s in sessions
        ]
        for note in cancelled:
            runner.say(neutralize(note.sentence[0].upper() + note.sentence[1:]))
            notes.append(note.sentence)
    no_match = started.no_match or _empty_test_session(started, sessions)
    also_failing: list[str] = []
    if no_match is not None:
        if trigger.fail_on_no_matching:
            also_failing.append(
                f"the trigger found nothing to run: {no_match} (fail-on-no-matching)"
            )
        elif runner.github:  # an annotation; the console's "note:" line says it everywhere
            runner.notice(neutralize(f"The trigger found nothing to run: {no_match}."))
        notes.append(f"The trigger found nothing to run: {no_match}.")
    info = TriggerInfo(
        kind=trigger.kind.value,
        filters=started.filters,
        session_ids=tuple(s.id for s in started.sessions),
        no_match=no_match,
        no_match_fails=trigger.fail_on_no_matching,
        cancelled=tuple(CancelRequest(c.kind.value, c.id, c.result) for c in cancelled),
    )
    return sessions, info, notes, also_failing


def _empty_test_session(started: Started, sessions: list[Session]) -> str | None:
    """A triggered test session that finished without results matched no check."""
    ids = {s.id for s in started.sessions}
    for session in sessions:
        if (
            session.id in ids
            and session.kind is SessionKind.TEST
            and session.status in SESSION_STATUS
            and all(r.stands_for_session for r in session.runs)
        ):
            return f"{started.filters} matched no check (the test session finished without results)"
    return None


def files_matched_nothing(
    config: Config,
    runner: Runner,
    info: TriggerInfo | None,
    notes: list[str],
    also_failing: list[str],
) -> tuple[TriggerInfo | None, list[str], list[str]]:
    """Session files that are a Checkly answer listing no session (`{"sessions": []}`, what a
    check-sessions trigger answers): SPEC §8's "no matching checks", ruled by
    `fail-on-no-matching`. Returns the report's trigger part (one of its own when the gate
    triggered nothing, so JSON and JUnit say it), the notes and the reasons the gate fails for,
    each with the files' added."""
    if not config.nothing_matched:
        return info, notes, also_failing
    names = ", ".join(config.nothing_matched)
    said = f"{names} lists no session: the trigger that wrote it matched no check"
    fails = config.fail_on_no_matching
    info = info or TriggerInfo("check-sessions", f"the trigger that wrote {names}", (), said, fails)
    if fails:
        return info, notes, [*also_failing, f"{said} (fail-on-no-matching)"]
    if runner.github:  # an annotation; the console's "note:" line says it everywhere
        runner.notice(neutralize(f"{said[0].upper()}{said[1:]}."))
    return info, [*notes, f"{said}."], also_failing
