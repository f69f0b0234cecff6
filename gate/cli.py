"""The command line: parse, build the config, run, and the one place exceptions become exits."""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO, TypeVar

from gate import __version__
from gate.checkly import DEFAULT_TIMING, ChecklyClient, Timing
from gate.config import Config, load_config
from gate.console import annotate, outputs, print_report
from gate.errors import (
    EXIT_FAILED,
    EXIT_NO_VERDICT,
    EXIT_PASSED,
    EXIT_SIGINT,
    ApiUnreachable,
    GateError,
    Interrupted,
    NoVerdict,
)
from gate.model import Session
from gate.report import HistoryEntry, Report, RunInfo
from gate.verdict import decide
from gate.waiting import Progress, wait_all
from gate.workflow import Runner, neutralize

if TYPE_CHECKING:  # reports are imported when needed, so the first request goes out sooner
    from gate.render import Templates

SECRET_ENV = (
    "INPUT_API-KEY",
    "INPUT_API_KEY",
    "CHECKLY_API_KEY",
    "INPUT_GITHUB-TOKEN",
    "INPUT_GITHUB_TOKEN",
    "GITHUB_TOKEN",
)
SECRET_FLAGS = ("--api-key", "--github-token")
DETAILS_BUDGET = 15.0  # seconds for failure details when the wait used up the timeout
SIGNAL_POLL = 0.05  # how often the main thread looks for a signal while others work
T = TypeVar("T")


class Signals:
    """Turns SIGINT/SIGTERM into a flag the main thread polls (handlers must not block).

    The first signal decides the exit code; later ones (the runner sends SIGINT, then SIGTERM
    7.5 s later) are ignored, so they cannot cut the reports short. While installed, Python's
    KeyboardInterrupt never happens.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, object] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._previous.clear()

    def release(self) -> None:
        """Done: restore the previous handlers; but once cancelled, ignore further signals,
        so one that arrives while the process exits cannot kill it (and change its code)."""
        if self.signum is None:
            self.restore()
            return
        for signum in self._previous:
            signal.signal(signum, signal.SIG_IGN)
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum

    def __call__(self) -> bool:
        """Whether a signal has arrived."""
        return self.signum is not None

    def run(self, work: Callable[[], T]) -> tuple[bool, T | None]:
        """`work()` in a daemon thread, abandoned when a signal comes: (finished, its result).

        For the steps after the wait that talk to the network (failure details, the PR
        comment): the main thread stays free to notice a signal within `SIGNAL_POLL` seconds.
        """
        box: dict[str, object] = {}

        def target() -> None:
            try:
                box["result"] = work()
            except BaseException as exc:  # handed to the main thread below
                box["error"] = exc

        thread = threading.Thread(target=target, name="gate-step", daemon=True)
        thread.start()
        while thread.is_alive() and not self():
            thread.join(SIGNAL_POLL)
        if thread.is_alive():
            return False, None
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        return True, box.get("result")  # type: ignore[return-value]


def main(
    argv: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    *,
    timing: Timing = DEFAULT_TIMING,
) -> int:
    """Run the gate; return the exit code (SPEC §6). `timing`: the Checkly client's timeouts."""
    args = list(sys.argv[1:] if argv is None else argv)
    env = dict(os.environ if environ is None else environ)
    stream = out or sys.stdout
    if args and args[0] == "demo":
        from gate.demo import run_demo  # noqa: PLC0415 - the simulator is only for the demo

        return run_demo(args[1:], stream)
    signals = Signals()
    signals.install()  # first: a cancelled run still writes its reports
    runner = Runner(env, stream)
    runner.mask([*(env[name] for name in SECRET_ENV if env.get(name)), *flag_secrets(args)])
    try:
        config = load_config(args, env, cwd=Path.cwd())
        runner.mask(config.secrets())
        templates = None
        if config.summary_template or config.comment_template:
            from gate.render import load_templates  # noqa: PLC0415 - a bad one exits 2 before waiting

            templates = load_templates(config.summary_template, config.comment_template)
        client = ChecklyClient(config.api_url, config.api_key, config.account_id, timing=timing)
        return run(config, templates, runner, env, client=client, signals=signals)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    except GateError as exc:
        runner.error(exc.diagnostics(), title="checkly-gate")
        return exc.exit_code
    except KeyboardInterrupt:  # only where the handlers cannot be installed (not the main thread)
        runner.error("interrupted by SIGINT", title="checkly-gate")
        return EXIT_SIGINT
    except Exception as exc:
        runner.error(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in checkly-gate "
            f"{__version__}; please report it with this log.",
            title="checkly-gate bug",
        )
        return EXIT_NO_VERDICT
    finally:
        signals.release()


def flag_secrets(args: Sequence[str]) -> list[str]:
    """The values of `--api-key` / `--github-token` on the command line, to mask before
    anything else is printed (even when the options turn out to be invalid)."""
    found: list[str] = []
    for index, arg in enumerate(args):
        for flag in SECRET_FLAGS:
            if arg.startswith(flag + "="):
                found.append(arg[len(flag) + 1 :].strip())
            elif arg == flag and index + 1 < len(args):
                found.append(args[index + 1].strip())
    return [value for value in found if value]


def run(
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
    try:
        client = client or ChecklyClient(config.api_url, config.api_key, config.account_id)
        start = clock()
        seen_links: set[str] = set()

        def on_link(session: Session) -> None:
            if session.link and session.id not in seen_links:
                seen_links.add(session.id)
                runner.say(neutralize(f"{session.kind.value} session {session.id}: {session.link}"))

        count = len(config.sessions)
        runner.say(
            f"Waiting for {count} Checkly session{'s' if count != 1 else ''} "
            f"(timeout {config.timeout_s:g}s) at {config.api_url}"
        )
        warm: list[Templates] = []
        waited = wait_all(
            client,
            config.sessions,
            config.timeout_s,
            config.max_wait_seconds,
            progress=Progress(say=runner.say, interval=progress_interval),
            on_link=on_link,
            interrupted=signals,
            meanwhile=_prepare_reports(templates, warm),
        )
        sessions = waited.sessions
        warnings: list[str] = []
        if templates is None:
            from gate.render import load_templates  # noqa: PLC0415 - lazy, see above

            templates = warm[0] if warm else load_templates(None, None)
        if not signals() and waited.credentials is None:
            deadline = max(start + config.timeout_s, clock() + DETAILS_BUDGET)
            sessions, warnings = _explain(sessions, client, config, deadline, signals)
        verdict = decide(sessions, config.thresholds)
        report = Report(
            sessions=tuple(sessions),
            verdict=verdict,
            run=RunInfo.from_environ(environ, started, datetime.now(UTC)),
            comment_key=config.comment_key,
            warnings=tuple(warnings),
            interrupted=signal.Signals(signals.signum).name if signals.signum else None,
            judged=waited.reached and waited.credentials is None and not signals(),
        )
        report = redact(report, runner.scrub)
        if on_report is not None:
            on_report(report)
        comment_url, problems = write_reports(
            report,
            config,
            templates=templates,
            runner=runner,
            environ=environ,
            interrupted=signals,
        )
        runner.set_outputs(
            outputs(report, comment_url, str(config.json_file) if config.json_file else None)
        )
        if problems:
            raise NoVerdict("could not write every report: " + "; ".join(problems))
        if signals.signum is not None:
            raise Interrupted(signals.signum)
        if waited.credentials is not None:
            raise waited.credentials
        if not waited.reached:
            raise ApiUnreachable(f"Checkly could not be reached at {config.api_url}")
        if not verdict.passed:
            runner.error(verdict.summary, title="checkly-gate")
            return EXIT_FAILED
        return EXIT_PASSED
    finally:
        if own_signals:
            signals.restore()


def _explain(
    sessions: list[Session],
    client: ChecklyClient,
    config: Config,
    deadline: float,
    signals: Signals,
) -> tuple[list[Session], list[str]]:
    """The failing runs' reasons (SPEC §5), given up at once on a signal."""
    from gate.details import explain_failures  # noqa: PLC0415 - lazy, see the imports

    finished, explained = signals.run(
        lambda: explain_failures(sessions, client, config.thresholds, deadline=deadline)
    )
    if finished and explained is not None:
        return list(explained[0]), list(explained[1])
    client.abort("the run was interrupted")  # the fetches in flight end now
    note = (
        "interrupted while fetching the failure details; failing runs are linked without a reason"
    )
    return sessions, [note]


def redact(report: Report, scrub: Callable[[str], str]) -> Report:
    """The report with every known secret scrubbed from its free text: a second line of
    defence, so an API message or an exception that echoed a key cannot carry it into a file."""

    def text(value: str | None) -> str | None:
        return None if value is None else scrub(value)

    sessions = tuple(
        dataclasses.replace(
            s,
            name=text(s.name),
            note=text(s.note),
            runs=tuple(
                dataclasses.replace(
                    r, name=scrub(r.name), reason=text(r.reason), error_group=text(r.error_group)
                )
                for r in s.runs
            ),
        )
        for s in report.sessions
    )
    warnings = tuple(scrub(w) for w in report.warnings)
    return dataclasses.replace(report, sessions=sessions, warnings=warnings)


def _prepare_reports(templates: Templates | None, into: list[Templates]) -> Callable[[], None]:
    """The main thread's chore while the sessions run: import the report modules and compile
    the built-in templates (into `into`), so the verdict comes ~80 ms sooner after the wait."""

    def prepare() -> None:
        import gate.details  # noqa: PLC0415 - lazy, see the imports
        import gate.json_report  # noqa: PLC0415
        import gate.junit  # noqa: F401, PLC0415

        if templates is None:
            from gate.render import load_templates  # noqa: PLC0415

            into.append(load_templates(None, None))

    return prepare


def write_reports(
    report: Report,
    config: Config,
    *,
    templates: Templates,
    runner: Runner,
    environ: Mapping[str, str],
    interrupted: Callable[[], bool] = lambda: False,
) -> tuple[str | None, list[str]]:
    """Console, summary, files, annotations and the PR comment.

    Returns the comment URL and the reports that could not be written (each one is tried).
    The PR comment is skipped once the run is interrupted; given the run's `Signals`, it is
    also abandoned when a signal comes while it is being written.
    """
    from gate.json_report import write_json  # noqa: PLC0415 - lazy, see the imports
    from gate.junit import write_junit  # noqa: PLC0415
    from gate.render import render_summary  # noqa: PLC0415

    print_report(report, runner)
    if report.judged:
        annotate(report, runner)
    summary = render_summary(report, templates)
    problems: list[str] = []
    writers: list[tuple[str, Path | None, Callable[[Path], None]]] = [
        ("summary-file", config.summary_file, lambda p: _write_text(p, summary)),
        ("junit-file", config.junit_file, lambda p: write_junit(report, p)),
        ("json-file", config.json_file, lambda p: write_json(report, p)),
    ]
    if config.job_summary and environ.get("GITHUB_STEP_SUMMARY"):
        writers.insert(
            0,
            ("job summary", Path(environ["GITHUB_STEP_SUMMARY"]), runner.write_summary_to(summary)),
        )
    for what, path, write in writers:
        if path is None:
            continue
        try:
            write(path)
        except OSError as exc:
            problems.append(f"{what} {path}: {exc.strerror or exc}")
            runner.error(f"could not write the {what} to {path}: {exc.strerror or exc}")
        else:
            runner.say(f"Wrote the {what}: {path}")
    if interrupted() or config.pr_comment == "never":
        return None, problems
    if not isinstance(interrupted, Signals):
        return _comment(report, config, templates, runner, environ), problems
    finished, url = interrupted.run(lambda: _comment(report, config, templates, runner, environ))
    if not finished:
        runner.say("Interrupted while writing the PR comment; it may not be up to date.")
    return url, problems


def _comment(
    report: Report,
    config: Config,
    templates: Templates,
    runner: Runner,
    environ: Mapping[str, str],
) -> str | None:
    from gate.pr_comment import marker_for, upsert_comment  # noqa: PLC0415 - lazy PyGithub
    from gate.render import render_comment  # noqa: PLC0415

    marker = marker_for(config.comment_key)
    entry = HistoryEntry(
        time=report.run.finished_at.strftime("%Y-%m-%d %H:%M UTC"),
        result=report.verdict.result,
        total=report.verdict.total,
        failing=report.verdict.failing,
        commit=report.run.sha,
        run_url=report.run.run_url,
    )
    result = upsert_comment(
        token=config.github_token,
        mode=config.pr_comment,
        key=config.comment_key,
        gate_failed=not report.verdict.passed,
        environ=environ,
        render=lambda history: render_comment(report, templates, marker=marker, history=history),
        entry=entry,
        pr_override=config.pr_number,
    )
    if result.notice:
        runner.notice(result.notice, getattr(result, "level", "notice"))
    if result.url:
        runner.say(f"PR comment {result.action}: {result.url}")
    return result.url


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
