"""The evidence stage of one run (SPEC §10), between the failure details and the verdict.

`gate.run.pipeline` wraps its details client in a `Recorder` and calls `gather_evidence` with
the explained sessions; this module adds what only the run knows: the PR's number and title
(the `userContext` of a requested analysis) and a deadline within the details budget.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from gate.checkly.client import ChecklyClient
from gate.checkly.evidence_fetch import Gatherer, Recorder
from gate.checkly.root_cause import user_context
from gate.core.model import Session
from gate.options.config import Config
from gate.run.status_run import STATUS_SESSION_ID
from gate.runner.events import load_payload

EVIDENCE_BUDGET = 15.0  # seconds at most, inside the details deadline (SPEC §3)


def gather_evidence(
    sessions: Sequence[Session],
    client: ChecklyClient,
    config: Config,
    recorder: Recorder,
    *,
    deadline: float,
    environ: Mapping[str, str],
) -> tuple[tuple[Session, ...], list[str]]:
    """The sessions with the evidence of their failing runs, and what could not be had.
    `trigger: status`'s runs have no result ID (`lastCheckRunId` is a check run's): no evidence."""
    status = [s for s in sessions if s.id == STATUS_SESSION_ID]
    if status:
        others = [s for s in sessions if s.id != STATUS_SESSION_ID]
        found, notes = gather_evidence(
            others, client, config, recorder, deadline=deadline, environ=environ
        )
        by_id = {s.id: s for s in found}
        return tuple(by_id.get(s.id, s) for s in sessions), notes
    if not any(
        s.outcome.value != "passed" or any(r.outcome.value != "passed" for r in s.runs)
        for s in sessions
    ):
        return tuple(sessions), []
    gatherer = Gatherer(
        client,
        config.evidence,
        recorder,
        min(deadline, time.monotonic() + EVIDENCE_BUDGET),
        context=pr_context(config, environ),
    )
    return gatherer.gather(sessions, config.thresholds)


def pr_context(config: Config, environ: Mapping[str, str]) -> str:
    """`PR #42: Speed up checkout` from the event (or `pr-number`), else ""."""
    payload = load_payload(environ.get("GITHUB_EVENT_PATH"))
    pr = payload.get("pull_request")
    pr = pr if isinstance(pr, Mapping) else {}
    number = config.pr_number or pr.get("number")
    title = pr.get("title") if pr.get("number") == number else None
    if not isinstance(number, int) or isinstance(number, bool):
        return ""
    return user_context(number, title if isinstance(title, str) else None)
