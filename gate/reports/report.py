"""The one report model every output is rendered from."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gate import __version__
from gate.core.model import CheckRun, Session
from gate.core.verdict import Verdict

NO_VERDICT = "no-verdict"  # the `result` of every run that ends other than 0 or 1 (SPEC §5)


@dataclasses.dataclass(frozen=True)
class RunInfo:
    """Where and when the gate ran (from the CI system's env when there is one)."""

    started_at: datetime
    finished_at: datetime
    repository: str | None = None
    sha: str | None = None
    ref: str | None = None
    workflow: str | None = None
    job: str | None = None
    run_id: str | None = None
    run_url: str | None = None
    server_url: str | None = None
    event: str | None = None
    gate_version: str = __version__

    ci: str | None = None  # github, gitlab, circleci, jenkins, bitbucket
    commit_url: str | None = None

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str], started_at: datetime, finished_at: datetime
    ) -> RunInfo:
        """From the CI system's own variables (`gate.reports.ci_env`); all None elsewhere."""
        from gate.reports.ci_env import ci_fields  # noqa: PLC0415 - the model stays light

        fields: dict[str, Any] = dict(ci_fields(environ))  # every one a str or None
        return dataclasses.replace(cls(started_at, finished_at), **fields)


@dataclasses.dataclass(frozen=True)
class CancelRequest:
    """One cancel the gate sent for a triggered session as it stopped, and Checkly's answer."""

    kind: str  # "test" | "check"
    id: str
    result: str  # "accepted", "not found (HTTP 404)", "refused (HTTP 403: …)", "no answer …"


@dataclasses.dataclass(frozen=True)
class TriggerInfo:
    """What the gate triggered before it waited (SPEC §8); those sessions come last."""

    kind: str  # "test-session" | "check-sessions"
    filters: str  # in plain words: "tags production AND webapp", "all eligible checks"
    session_ids: tuple[str, ...] = ()
    no_match: str | None = None  # which filters matched nothing, when they did
    no_match_fails: bool = True  # fail-on-no-matching
    cancelled: tuple[CancelRequest, ...] = ()


@dataclasses.dataclass(frozen=True)
class Report:
    """Sessions in the order given, the verdict, and the run they belong to."""

    sessions: tuple[Session, ...]
    verdict: Verdict
    run: RunInfo
    comment_key: str = "checkly-gate"
    warnings: tuple[str, ...] = ()
    interrupted: str | None = None
    # Why no verdict was possible (credentials, unreachable, signal), in plain words; None: judged
    no_verdict: str | None = None
    trigger: TriggerInfo | None = None
    no_verdict_hint: str | None = None  # how to fix what stopped the run (a key to make, …)
    assets_dir: str | None = None  # where the evidence was saved (SPEC §10), as given

    @property
    def triggered_test_session(self) -> Session | None:
        """The test session the gate triggered (for the `test-session-*` outputs)."""
        ids = set(self.trigger.session_ids) if self.trigger else set()
        return next((s for s in self.sessions if s.id in ids and s.kind.value == "test"), None)

    @property
    def judged(self) -> bool:
        """Whether the check runs were judged (False when no verdict was possible)."""
        return self.no_verdict is None

    @property
    def result(self) -> str:
        """`passed`, `failed`, or `no-verdict` when the check runs were not judged (SPEC §5)."""
        return self.verdict.result if self.judged else NO_VERDICT

    @property
    def passed(self) -> bool:
        """Whether the gate passed: never without a verdict."""
        return self.judged and self.verdict.passed

    @property
    def summary(self) -> str:
        """The verdict and why in plain words, or why there is none."""
        if self.judged:
            return self.verdict.summary
        return f"No verdict: {self.no_verdict}. The gate fails."

    @property
    def no_verdict_reason(self) -> str | None:
        """Why no verdict was possible (none when there is one)."""
        return self.no_verdict

    @property
    def runs(self) -> list[tuple[Session, CheckRun]]:
        return [(s, r) for s in self.sessions for r in s.runs]
