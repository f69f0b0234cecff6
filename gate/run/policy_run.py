"""The policy steps of one run (SPEC §9, §11), called by `gate.run.pipeline`: the `missing`
runs of `check-ids` after the wait, the base-branch look-up started beside the failure
details, and, after them, each failing run's marks (`new_error`, `non_blocking`,
`base_failure`) that `gate.core.policy` reads. The verdict then stays a pure function."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime

from gate.checkly.base_branch import BaseFetch, BaseSession
from gate.checkly.client import ChecklyClient
from gate.checkly.non_blocking import TagFetch
from gate.core.baseline import BaseFailure
from gate.core.missing import add_missing
from gate.core.model import CheckRun, Session
from gate.core.verdict import Thresholds, is_failing
from gate.options.config import Config


def with_missing(
    sessions: list[Session], config: Config, triggered: Sequence[str]
) -> list[Session]:
    """With `check-ids`, a requested check that did not run becomes a `missing` run."""
    if config.trigger is None or not config.trigger.check_ids:
        return sessions
    return add_missing(sessions, set(triggered), config.trigger.check_ids)


def base_branch(environ: Mapping[str, str]) -> str | None:
    """The pull request's base branch (`GITHUB_BASE_REF`, set on pull-request events)."""
    return environ.get("GITHUB_BASE_REF", "").strip() or None


def start_base(
    sessions: Sequence[Session],
    client: ChecklyClient,
    thresholds: Thresholds,
    environ: Mapping[str, str],
    deadline: float,
) -> BaseFetch | None:
    """Start the base-branch look-up when this is a pull request with a failing run whose
    check is known; None otherwise (no request at all)."""
    branch = base_branch(environ)
    if branch is None or not any(
        r.check_id and is_failing(r.outcome, thresholds) for s in sessions for r in s.runs
    ):
        return None
    return BaseFetch(client, branch, [s.id for s in sessions], deadline)


def start_tags(
    sessions: Sequence[Session], client: ChecklyClient, thresholds: Thresholds, deadline: float
) -> TagFetch | None:
    """Start the `non-blocking-tags` look-up when some run is failing; None otherwise."""
    if not thresholds.non_blocking_tags or not any(
        r.check_id and is_failing(r.outcome, thresholds) for s in sessions for r in s.runs
    ):
        return None
    return TagFetch(client, thresholds.non_blocking_tags, deadline)


def mark_runs(
    sessions: Sequence[Session],
    thresholds: Thresholds,
    *,
    started: datetime,
    base: BaseSession | None = None,
    tagged: Mapping[str, str] | None = None,
) -> list[Session]:
    """Each failing run's marks: a `new error`, non-blocking by tag (`tagged`: check ID → the
    tag), also failing on the base branch."""
    out = []
    for session in sessions:
        start = session.started_at or started
        runs = [_mark(run, thresholds, start, base, tagged or {}) for run in session.runs]
        out.append(session.with_runs(runs))
    return out


def _mark(
    run: CheckRun,
    thresholds: Thresholds,
    start: datetime,
    base: BaseSession | None,
    tagged: Mapping[str, str],
) -> CheckRun:
    if not is_failing(run.outcome, thresholds):
        return run
    check = run.check_id.lower() if run.check_id else None
    new_error = bool(run.group_age is not None and run.group_age.is_new(start))
    tag = tagged.get(check) if check else None
    also = (
        BaseFailure(base.branch, base.session_id, base.link)
        if base is not None and check in base.failing
        else None
    )
    return dataclasses.replace(
        run,
        new_error=new_error,
        non_blocking=f"non-blocking-tags: {tag}" if tag else run.non_blocking,
        base_failure=also or run.base_failure,
    )


def finish_policy(
    sessions: Sequence[Session],
    thresholds: Thresholds,
    base: BaseFetch | None,
    tags: TagFetch | None = None,
    *,
    started: datetime,
    interrupted: bool = False,
) -> tuple[list[Session], list[str]]:
    """After the details: the base-branch and tag answers (skipped on a signal) and every
    run's marks."""
    found: BaseSession | None = None
    tagged: dict[str, str] = {}
    warnings: list[str] = []
    if interrupted:
        for fetch in (base, tags):
            if fetch is not None:
                fetch.close()
    else:
        if base is not None:
            found, warning = base.collect()
            warnings += [warning] if warning else []
        if tags is not None:
            tagged, warning = tags.collect()
            warnings += [warning] if warning else []
    marked = mark_runs(sessions, thresholds, started=started, base=found, tagged=tagged)
    return marked, warnings
