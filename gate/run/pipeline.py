"""One gate run: wait for the sessions, explain the failures, decide, publish every report.

The glue of the stages; every collaborator can be passed in. `gate.cli` builds the config and
turns what this raises into exit codes; `gate.demo` calls it against the simulator.
"""

from __future__ import annotations

import dataclasses
import signal
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gate.checkly.client import ChecklyClient
from gate.checkly.waiting import Progress, WaitResult, wait_all
from gate.core.errors import EXIT_FAILED, EXIT_PASSED, ApiUnreachable, Interrupted, NoVerdict
from gate.core.signals import Signals
from gate.core.verdict import decide
from gate.options.cli_words import in_cli_words
from gate.options.config import OPTIONS, Config
from gate.options.durations import format_duration
from gate.options.session_ids import SessionRef
from gate.reports.console import outputs
from gate.reports.report import Report, RunInfo
from gate.run.commit_status_run import CommitStatus
from gate.run.ephemeral import Ephemeral, close_all, log_warning
from gate.run.explain import explain
from gate.run.policy_run import with_missing
from gate.run.private_run import engine_first, start_private_trigger
from gate.run.publish import redact, write_reports
from gate.run.status_run import dry_run
from gate.run.trigger_run import files_matched_nothing, finish_trigger
from gate.run.workflow_steps import announce, before_wait, link_sayer
from gate.runner.workflow import Runner, neutralize

if TYPE_CHECKING:  # reports are imported when needed, so the first request goes out sooner
    from gate.reports.templating import Templates

DETAILS_BUDGET = 15.0  # seconds for failure details when the wait used up the timeout


def run(  # noqa: PLR0915 - the glue of every stage; §12's clean-up takes it past the cap
    config: Config,
    templates: Templates | None,
    runner: Runner,
    environ: Mapping[str, str],
    *,
    client: ChecklyClient | None = None,
    progress_interval: float = 30.0,
    signals: Signals | None = None,
    clock: Callable[[], float] = time.monotonic,
    on_report: Callable[[Report], None] | None = None,
) -> int:
    """Wait, decide, report. The glue: every collaborator can be passed in.

    `signals` given: the caller installed them (and restores them); else they are installed here.
    """
    started = datetime.now(UTC)
    own_signals = signals is None
    signals = signals or Signals()
    if own_signals:
        signals.install()
    status = CommitStatus(config, runner, environ)  # SPEC §11: off unless commit-status
    ephemeral: list[Ephemeral] = []  # SPEC §12: closed after the wait, and in `finally`
    try:
        client = client or _client(config)
        client.troubles.say = lambda line: runner.say(neutralize(line))  # why, at once (§3)
        start = clock()
        if config.workflow.dry_run:
            return dry_run(config, client, runner, start + config.timeout_s)
        engine = engine_first(config, environ)  # before any request: no engine is exit 2
        ready = before_wait(
            config, client, runner, environ=environ, deadline=start + config.timeout_s
        )
        started_runs, warnings, trigger_error = start_private_trigger(  # a re-run: what failed
            ready.config,
            client,
            runner,
            environ=environ,
            start=start,
            signals=signals,
            keep=ephemeral,
            engine=engine,
        )
        triggered = started_runs.sessions if started_runs else ()
        on_link = link_sayer(runner, (s.id for s in triggered if s.link))
        refs = [*config.sessions, *(SessionRef(s.kind, s.id) for s in triggered)]
        announce(refs, len(ready.current), runner, status, waiting_line(len(refs), config))
        warm: list[Templates] = []
        waited = wait_all(
            client,
            refs,
            max(config.timeout_s - (clock() - start), 0.0),
            config.max_wait_seconds,
            progress=Progress(say=runner.say, interval=progress_interval),
            on_link=on_link,
            interrupted=signals,
            meanwhile=_prepare_reports(templates, warm),
        )
        if not refs:  # nothing to wait for: the trigger's answer was Checkly's
            waited = dataclasses.replace(waited, reached=True)
        sessions, trigger_info, notes, also_failing = finish_trigger(
            started_runs, config.trigger, waited, client=client, runner=runner
        )
        trigger_info, notes, also_failing = files_matched_nothing(
            config, runner, trigger_info, notes, also_failing
        )
        notes = [*notes, *close_all(ephemeral)]  # cancelled first, then removed (§12)
        sessions, warnings, also_failing = ready.merge(sessions, warnings + notes, also_failing)
        if trigger_error is not None:  # never "passed" on what the trigger could not settle
            also_failing.append(f"the trigger failed: {trigger_error}")
        if templates is None:
            from gate.reports.templating import load_templates  # noqa: PLC0415 - lazy, see above

            templates = warm[0] if warm else load_templates(None, None)
        if not signals() and waited.credentials is None:
            deadline = details_deadline(start + config.timeout_s, clock(), client)
            sessions, explained = explain(
                with_missing(
                    sessions, config, [*(s.id for s in triggered), *(s.id for s in ready.carried)]
                ),
                client,
                config,
                deadline,
                signals,
                started=started,
                environ=environ,
            )
            warnings += explained
        verdict = decide(sessions, config.thresholds, also_failing=also_failing)
        no_verdict = _no_verdict(waited, signals) or (str(trigger_error) if trigger_error else None)
        report = Report(
            sessions=tuple(sessions),
            verdict=verdict,
            run=RunInfo.from_environ(environ, started, datetime.now(UTC)),
            comment_key=config.comment_key,
            warnings=(*warnings, *log_warning(ephemeral, runner, failed=not verdict.passed)),
            interrupted=signal.Signals(signals.signum).name if signals.signum else None,
            no_verdict=no_verdict,
            trigger=trigger_info,
            no_verdict_hint=_no_verdict_hint(waited, signals, client, github=runner.github),
            assets_dir=str(config.evidence.assets_dir) if config.evidence.assets_dir else None,
        )
        report = redact(report, runner.scrub_everywhere)
        if on_report is not None:
            on_report(report)
        problems = _write(report, config, templates, runner, environ=environ, signals=signals)
        unwritten = NoVerdict("could not write every report") if problems else None
        status.finish(report, trigger_error or unwritten)  # exit 3 is never a `success`
        return _exit_code(
            report, problems, waited, signals=signals, runner=runner, client=client,
            stopped=trigger_error,
        )  # fmt: skip
    except Exception as exc:  # no verdict: the commit status says so (SPEC §11)
        status.error(str(exc))
        raise
    finally:
        close_all(ephemeral)
        if own_signals:
            signals.restore()


def _client(config: Config) -> ChecklyClient:
    """The client, every secret scrubbed from Checkly's answers as they arrive (SPEC §5)."""
    return ChecklyClient(
        config.api_url, config.api_key, config.account_id, secrets=config.secrets()
    )


def _exit_code(
    report: Report,
    problems: list[str],
    waited: WaitResult,
    *,
    signals: Signals,
    runner: Runner,
    client: ChecklyClient,
    stopped: Exception | None = None,
) -> int:
    """The exit code (SPEC §6), raising what the CLI turns into 2, 3, 130 or 143. `stopped`:
    a trigger error, raised after every report (the sessions given by ID are in them)."""
    if stopped is not None and signals.signum is None:
        raise stopped
    if problems:
        raise NoVerdict("could not write every report: " + "; ".join(problems))
    if signals.signum is not None:
        raise Interrupted(signals.signum)
    if waited.credentials is not None:
        raise waited.credentials
    if not waited.reached:
        raise ApiUnreachable.at(client.api_url, client.troubles.last)
    if not report.verdict.passed:
        if runner.github:
            runner.error(report.verdict.summary, title="checkly-gate")
        else:  # the console's last line already says it on stdout
            runner.error_on_stderr(report.verdict.summary)
        return EXIT_FAILED
    return EXIT_PASSED


def details_deadline(deadline: float, now: float, client: ChecklyClient) -> float:
    """Failure details get until the deadline, or `DETAILS_BUDGET` after a wait that used it
    up, never later: the gate exits by `timeout` + the budget + 2 s (SPEC §3)."""
    latest = deadline + DETAILS_BUDGET - client.timing.deadline_slack
    return min(max(deadline, now + DETAILS_BUDGET), latest)


def waiting_line(count: int, config: Config) -> str:
    """`Waiting for 2 Checkly sessions (timeout 6h) at …`: the timeout as people write it."""
    return (
        f"Waiting for {count} Checkly session{'s' if count != 1 else ''} "
        f"(timeout {format_duration(config.timeout_s)}) at {config.api_url}"
    )


def _write(
    report: Report,
    config: Config,
    templates: Templates,
    runner: Runner,
    *,
    environ: Mapping[str, str],
    signals: Signals,
) -> list[str]:
    """Every report, then the outputs; those even when a report raises (a comment template
    that drops the marker only at run time). Returns the reports that could not be written."""
    comment_url: str | None = None
    problems: list[str] = []
    try:
        comment_url, written = write_reports(
            report, config, templates=templates, runner=runner, environ=environ, signals=signals
        )
        problems += written
    finally:
        json_file = str(config.json_file) if config.json_file else None
        try:
            runner.set_outputs(outputs(report, comment_url, json_file))
        except OSError as exc:  # a named report like the others (exit 3), not a bug
            where = runner.environ.get("GITHUB_OUTPUT")
            problems.append(f"outputs (GITHUB_OUTPUT) {where}: {exc.strerror or exc}")
            runner.say(f"Could not write the outputs to {where}: {exc.strerror or exc}")
    return problems


def _no_verdict(waited: WaitResult, signals: Signals) -> str | None:
    """Why no verdict was possible, in plain words (None: there is one). Its order is the
    exit code's: a signal, then refused credentials, then a Checkly that never answered."""
    if signals.signum is not None:
        return f"interrupted by {signal.Signals(signals.signum).name}"
    if waited.credentials is not None:
        return str(waited.credentials)  # the status, Checkly's message and the account: no key
    if not waited.reached:
        return "Checkly could not be reached"
    return None


def _no_verdict_hint(
    waited: WaitResult, signals: Signals, client: ChecklyClient, *, github: bool
) -> str | None:
    """How to fix what stopped the run, for the reports (the console prints it at exit), in
    the action's words under GitHub, else in command-line words."""
    hint = None
    if signals.signum is None and waited.credentials is not None:
        hint = waited.credentials.hint
    elif signals.signum is None and not waited.reached:
        hint = ApiUnreachable.at(client.api_url, client.troubles.last).hint  # fits the cause
    return in_cli_words(hint, (o.name for o in OPTIONS)) if hint and not github else hint


def _prepare_reports(templates: Templates | None, into: list[Templates]) -> Callable[[], None]:
    """The main thread's chore while the sessions run: import the report modules and compile
    the built-in templates (into `into`), so the verdict comes ~80 ms sooner after the wait."""

    def prepare() -> None:
        import gate.checkly.details  # noqa: PLC0415 - lazy, see the imports
        import gate.checkly.history  # noqa: PLC0415 - lazy, see the imports
        import gate.reports.json_report  # noqa: PLC0415 - reports load after the first request (start-up)
        import gate.reports.junit  # noqa: F401, PLC0415 - imported now, while the sessions run

        if templates is None:
            from gate.reports.templating import load_templates  # noqa: PLC0415 - reports load after the first request (start-up)

            into.append(load_templates(None, None))

    return prepare
