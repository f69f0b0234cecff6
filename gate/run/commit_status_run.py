"""The commit status of one run (SPEC §11): `pending` once the sessions are known, then the
verdict (`success`, `failure`, or `error` when there is none), on the commit being tested.

Context `checkly-gate`, or `checkly-gate/<comment-key>` when `comment-key` was given; the
description is the verdict line (at most 140 characters) and the link the job's run. Every
problem is one notice, never a failure of the gate.
"""

from __future__ import annotations

from collections.abc import Mapping

from gate.options.config import Config
from gate.reports.report import Report
from gate.runner.commit_status import StatusTarget, set_status
from gate.runner.tested_commit import tested_commit
from gate.runner.workflow import Runner, neutralize


class CommitStatus:
    """One run's commit status; does nothing when `commit-status` is off."""

    def __init__(self, config: Config, runner: Runner, environ: Mapping[str, str]) -> None:
        self.config, self.runner, self.environ = config, runner, environ
        self.target: StatusTarget | None = None
        self.done = False
        self._said = False
        if not config.workflow.commit_status:
            return
        repo = environ.get("GITHUB_REPOSITORY")
        sha = tested_commit(environ)
        if not repo or not sha:
            self._notice(
                "No commit status: the repository or the commit being tested is unknown "
                "(GITHUB_REPOSITORY, GITHUB_SHA)."
            )
            return
        self.target = StatusTarget(repo, sha, config.workflow.status_context)

    def pending(self, sessions: int) -> None:
        what = f"{sessions} Checkly session{'s' if sessions != 1 else ''}"
        self._set("pending", f"Waiting for {what}")

    def finish(self, report: Report, stopped: Exception | None = None) -> None:
        """The verdict's state; `error` when there is none, or when the run stops with
        `stopped` after its reports (a trigger that could not be settled)."""
        if stopped is not None:
            self._set("error", f"No verdict: {stopped}")
        elif report.judged:
            state = "success" if report.verdict.passed else "failure"
            self._set(state, report.verdict.summary)
        else:
            self._set("error", f"No verdict: {report.no_verdict_reason}")

    def error(self, why: str) -> None:
        """The run stopped without a report (invalid trigger, lost answer, refused key)."""
        if not self.done:
            self._set("error", f"No verdict: {why}")

    def _set(self, state: str, description: str) -> None:
        if self.target is None:
            return
        self.done = state != "pending"
        notice = set_status(
            self.target,
            state,
            self.runner.scrub_everywhere(description),
            token=self.config.github_token,
            environ=self.environ,
            target_url=_run_url(self.environ),
        )
        if notice is not None:
            self._notice(notice)
            self.target = None  # one notice; no second attempt after a refusal
        elif state == "pending":
            self.runner.say(
                f"Commit status {self.target.context}: pending on {self.target.sha[:12]}"
            )
        else:
            self.runner.say(f"Commit status {self.target.context}: {state}")

    def _notice(self, text: str) -> None:
        if not self._said:
            self._said = True
            self.runner.notice(neutralize(text))


def _run_url(environ: Mapping[str, str]) -> str | None:
    server, repo, run_id = (
        environ.get("GITHUB_SERVER_URL"),
        environ.get("GITHUB_REPOSITORY"),
        environ.get("GITHUB_RUN_ID"),
    )
    if not (server and repo and run_id):
        return None
    attempt = environ.get("GITHUB_RUN_ATTEMPT")
    return f"{server}/{repo}/actions/runs/{run_id}" + (f"/attempts/{attempt}" if attempt else "")
