"""The steps of SPEC §11 that come before the wait, in one call for `gate.run.pipeline`:
a re-run attempt narrows the trigger (`gate.run.rerun_run`), a deployment's checks that test a
fixed URL are named (`gate.run.status_run.warn_fixed_urls`), and `trigger: status` reads the
selected checks' current status (`gate.run.status_run.judge_current_status`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence

from gate.checkly.client import ChecklyClient
from gate.core.model import Session
from gate.options.config import Config
from gate.run.commit_status_run import CommitStatus
from gate.run.rerun_run import prepare_rerun
from gate.run.status_run import judge_current_status, warn_fixed_urls
from gate.runner.workflow import Runner, neutralize


@dataclasses.dataclass(frozen=True)
class Prepared:
    config: Config  # with a re-run's narrower trigger
    carried: tuple[Session, ...] = ()  # passing runs of earlier attempts, for the reports
    current: tuple[Session, ...] = ()  # trigger: status's session
    warnings: tuple[str, ...] = ()
    also_failing: tuple[str, ...] = ()  # reasons the gate fails for (a status with no match)

    def merge(
        self, sessions: list[Session], warnings: list[str], also_failing: list[str]
    ) -> tuple[list[Session], list[str], list[str]]:
        """The wait's sessions, warnings and failing reasons with these: sessions after them
        (trigger: status's, then the carried ones), warnings and reasons before them."""
        return (
            [*sessions, *self.current, *self.carried],
            [*self.warnings, *warnings],
            [*self.also_failing, *also_failing],
        )


def before_wait(
    config: Config,
    client: ChecklyClient,
    runner: Runner,
    *,
    environ: Mapping[str, str],
    deadline: float,
) -> Prepared:
    config, carried = prepare_rerun(config, client, runner, environ=environ, deadline=deadline)
    warnings = warn_fixed_urls(config, client, runner, environ, deadline)
    current, notes, failing = judge_current_status(config, client, runner, deadline)
    return Prepared(config, carried, tuple(current), (*warnings, *notes), tuple(failing))


def link_sayer(runner: Runner, known: Iterable[str]) -> Callable[[Session], None]:
    """Says each session's link once, as soon as it is known (not those already said)."""
    seen = set(known)

    def on_link(session: Session) -> None:
        if session.link and session.id not in seen:
            seen.add(session.id)
            runner.say(neutralize(f"{session.kind.value} session {session.id}: {session.link}"))

    return on_link


def announce(
    refs: Sequence[object], judged: int, runner: Runner, status: CommitStatus, waiting: str
) -> None:
    """The sessions are known: the commit status goes pending, the console says what waits."""
    status.pending(len(refs) + judged)
    if refs:
        runner.say(waiting)
