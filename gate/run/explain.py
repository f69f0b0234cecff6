"""The explain step of a run: why each failing run failed, fetched side by side in one deadline.

The reasons (SPEC §5), triage labels (SPEC §9), evidence (SPEC §10) and policy marks (SPEC §11:
the base branch, the non-blocking tags) of the failing runs, all within the details deadline the
pipeline gives, and given up at once on a signal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from gate.checkly.client import ChecklyClient
from gate.core.model import Session
from gate.core.signals import Signals
from gate.options.config import Config
from gate.run.policy_run import finish_policy, start_base, start_tags


def explain(
    sessions: list[Session],
    client: ChecklyClient,
    config: Config,
    deadline: float,
    signals: Signals,
    *,
    started: datetime,
    environ: Mapping[str, str],
) -> tuple[list[Session], list[str]]:
    """The failing runs' reasons (SPEC §5), labels (SPEC §9), evidence (SPEC §10) and policy
    marks (SPEC §11: the base branch, the non-blocking tags), fetched side by side within one
    deadline; given up at once on a signal."""
    from gate.checkly.details import explain_failures  # noqa: PLC0415 - lazy, see the imports
    from gate.checkly.evidence_fetch import Recorder  # noqa: PLC0415 - lazy, see the imports
    from gate.checkly.history import HistoryFetch  # noqa: PLC0415 - lazy, see the imports
    from gate.checkly.missing_names import name_missing  # noqa: PLC0415 - lazy, see the imports
    from gate.run.evidence_run import gather_evidence  # noqa: PLC0415 - lazy, see the imports

    sessions = name_missing(sessions, client, deadline)  # SPEC §11: which check, and why
    base = start_base(sessions, client, config.thresholds, environ, deadline)
    tags = start_tags(sessions, client, config.thresholds, deadline)
    history = HistoryFetch(
        sessions, client, config.thresholds, deadline=deadline, fallback_start=started
    )

    recorder = Recorder(client)  # keeps the details and groups: the evidence reads them

    def both() -> tuple[tuple[Session, ...], list[str]]:
        explained, notes = explain_failures(
            sessions, recorder, config.thresholds, deadline=deadline
        )
        evidenced, more = gather_evidence(
            explained, client, config, recorder, deadline=deadline, environ=environ
        )
        history.collect()
        return history.apply(evidenced), [*notes, *more, *history.warnings()]

    finished, explained = signals.run(both)
    if finished and explained is not None:
        marked, notes = finish_policy(
            explained[0],
            config.thresholds,
            base,
            tags,
            started=started,
            interrupted=bool(signals()),
        )
        return marked, [*explained[1], *notes]
    history.close()
    finish_policy(sessions, config.thresholds, base, tags, started=started, interrupted=True)
    client.abort("the run was interrupted")  # the fetches in flight end now
    note = (
        "interrupted while fetching the failure details; failing runs are linked without a reason"
    )
    return sessions, [note]
