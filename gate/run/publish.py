"""Writing every report of a finished run: console, annotations, summary, files, PR comment."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from gate.core.evidence import replace_text
from gate.core.signals import Signals
from gate.options.config import Config
from gate.reports.console import annotate, print_report
from gate.reports.report import Report
from gate.runner.comment_history import HistoryEntry
from gate.runner.workflow import Runner
from gate.runner.workspace import owned_like_workspace

if TYPE_CHECKING:
    from gate.reports.templating import Templates


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
                    r,
                    name=scrub(r.name),
                    reason=text(r.reason),
                    error_group=text(r.error_group),
                    evidence=replace_text(r.evidence, scrub) if r.evidence else None,
                )
                for r in s.runs
            ),
        )
        for s in report.sessions
    )
    warnings = tuple(scrub(w) for w in report.warnings)
    return dataclasses.replace(
        report, sessions=sessions, warnings=warnings, no_verdict=text(report.no_verdict)
    )


def write_reports(
    report: Report,
    config: Config,
    *,
    templates: Templates,
    runner: Runner,
    environ: Mapping[str, str],
    signals: Signals,
) -> tuple[str | None, list[str]]:
    """Console, summary, files, annotations and the PR comment.

    Returns the comment URL and the reports that could not be written (each one is tried).
    The PR comment is skipped once the run is interrupted, and abandoned when a signal comes
    while it is being written.
    """
    from gate.reports.json_report import write_json  # noqa: PLC0415 - lazy, see the imports
    from gate.reports.junit import write_junit  # noqa: PLC0415 - reports load after the first request (start-up)
    from gate.reports.templating import render_summary  # noqa: PLC0415 - reports load after the first request (start-up)

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
            # a report created in the workspace belongs to the workspace's owner, not root
            with owned_like_workspace(path, environ):
                write(path)
        except OSError as exc:
            problems.append(f"{what} {path}: {exc.strerror or exc}")
            # a plain line: the exit's one `::error::` names every report that was not written
            runner.say(f"Could not write the {what} to {path}: {exc.strerror or exc}")
        else:
            runner.say(f"Wrote the {what}: {path}")
    if signals() or config.pr_comment == "never" or not _comment_wanted(config, runner, environ):
        return None, problems
    finished, url = signals.run(lambda: _comment(report, config, templates, runner, environ))
    if not finished:
        runner.say("Interrupted while writing the PR comment; it may not be up to date.")
    return url, problems


def _comment_wanted(config: Config, runner: Runner, environ: Mapping[str, str]) -> bool:
    """Outside GitHub, with no PR named (`pr-number`) and no GitHub event: no comment, and no
    word about one (SPEC §5: a run in another CI system is not told what it cannot have)."""
    return runner.github or config.pr_number is not None or bool(environ.get("GITHUB_EVENT_NAME"))


def _comment(
    report: Report,
    config: Config,
    templates: Templates,
    runner: Runner,
    environ: Mapping[str, str],
) -> str | None:
    from gate.reports.templating import render_comment  # noqa: PLC0415 - reports load after the first request (start-up)
    from gate.runner.comment_history import marker_for  # noqa: PLC0415 - lazy, with the comment
    from gate.runner.pr_comment import upsert_comment  # noqa: PLC0415 - lazy PyGithub

    marker = marker_for(config.comment_key)
    # A run without a verdict updates the comment (it says so) but adds no line to its history.
    entry = (
        HistoryEntry(
            time=report.run.finished_at.strftime("%Y-%m-%d %H:%M UTC"),
            result=report.verdict.result,
            total=report.verdict.total,
            failing=report.verdict.failing,
            commit=report.run.sha,
            run_url=report.run.run_url,
        )
        if report.judged
        else None
    )
    result = upsert_comment(
        token=config.github_token,
        mode=config.pr_comment,
        key=config.comment_key,
        gate_failed=not report.passed,
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
