"""Render the job summary and the PR comment from the report, with jinja2 in a sandbox.

The built-in templates are package data (`gate/reports/templates/*.md.j2`, read with
`importlib.resources`). A user template is served as "custom" next to the built-in one as
"base", so it can `{% extends "base" %}` and override the named blocks. Templates are compiled,
and dry-rendered against a sample report, when loaded: a broken template fails before any
network call (`TemplateProblem`, exit 2, naming the file and line).

Sizes: the summary stays within GitHub's 1 MiB (UTF-8 bytes), the comment within `limit`
characters. `fit()` first shows everything, then collapses passed runs into counts, then passed
sessions, then cuts the non-passed runs with a visible note; only a template far bigger than the
built-in ones ever reaches the last resort, a hard cut at a line boundary.
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from gate.core.errors import TemplateMissingMarker, TemplateProblem
from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.verdict import Thresholds, decide
from gate.reports.context import GroupView, RunView, SessionView, build_context
from gate.reports.fitting import Layout, Plan, fit
from gate.reports.md_filters import FILTERS, summary_filters
from gate.reports.report import Report, RunInfo
from gate.reports.template_checks import ONLY_BASE, check_names
from gate.runner.comment_history import HistoryEntry

SUMMARY_LIMIT_BYTES = 1024 * 1024
COMMENT_LIMIT_CHARS = 60_000
SAMPLE_MARKER = "<!-- checkly-gate:sample -->"
MAX_PRODUCT = 1_000_000  # longest string or list a template may build with `*`
SUMMARY_LAYOUT = Layout(
    per_session=550, per_compact_session=100, passed_runs=1, other_runs=2, run_overhead=50
)
COMMENT_LAYOUT = Layout(
    per_session=60, per_compact_session=0, passed_runs=0, other_runs=1, run_overhead=30
)
_BUILTIN = {"summary": "summary.md.j2", "comment": "comment.md.j2"}


@dataclasses.dataclass(frozen=True)
class Templates:
    """The compiled summary and comment templates (built-in or the user's)."""

    summary: jinja2.Template
    comment: jinja2.Template
    summary_source: str = "built-in summary template"
    comment_source: str = "built-in comment template"


def builtin_source(kind: str) -> str:
    """The text of a built-in template (`summary` or `comment`)."""
    return resources.files("gate.reports").joinpath("templates", _BUILTIN[kind]).read_text("utf-8")


class _Environment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with a fast path for the data fields of the gate's own frozen
    view classes (thousands of rows are read per report; the generic check is slow), and
    `*` / `**` bounded so a template cannot build a gigabyte string or a huge number."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _number(left) and _number(right) and abs(right) > 64:
            raise SecurityError("the exponent is too large (at most 64)")
        if operator == "*" and (_too_long(left, right) or _too_long(right, left)):
            raise SecurityError(f"a repeated value may be at most {MAX_PRODUCT:,} long")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        fields = _VIEW_FIELDS.get(type(obj))
        if fields is not None and attribute in fields:
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)


def _too_long(seq: Any, times: Any) -> bool:
    sized = isinstance(seq, str | list | tuple) and _number(times)
    return sized and len(seq) * max(int(times), 0) > MAX_PRODUCT


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_VIEW_FIELDS = {
    cls: frozenset(f.name for f in dataclasses.fields(cls))
    for cls in (RunView, SessionView, GroupView)
}


def make_environment(kind: str, custom: str | None = None, custom_path: str = "custom") -> Any:
    """A sandboxed environment serving "base" (the built-in `kind` template) and "custom"."""
    base = builtin_source(kind)
    sources = {"base": (base, f"<built-in {_BUILTIN[kind]}>")}
    if custom is not None:
        sources["custom"] = (custom, custom_path)

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        if name not in sources:
            return None
        text, filename = sources[name]
        return text, filename, lambda: True

    env = _Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS if kind == "comment" else summary_filters())
    return env


def load_templates(
    summary_template: Path | None,
    comment_template: Path | None,
    *,
    marker: str | None = None,
) -> Templates:
    """Compile both templates and dry-render them against a sample report.

    With `marker` (the real `<!-- checkly-gate:<key> -->`), a comment template that does not
    output it fails here already; without, that check happens in `render_comment`.
    """
    summary, summary_source = _compile("summary", summary_template)
    comment, comment_source = _compile("comment", comment_template)
    templates = Templates(summary, comment, summary_source, comment_source)
    sample = sample_report()
    render_summary(sample, templates)
    history = [
        HistoryEntry("2025-01-01 00:00 UTC", "failed", 3, 1, "0" * 40, "https://github.com/")
    ]
    render_comment(sample, templates, marker=marker or SAMPLE_MARKER, history=history)
    return templates


def _compile(kind: str, path: Path | None) -> tuple[jinja2.Template, str]:
    if path is None:
        env = make_environment(kind)
        return env.get_template("base"), f"built-in {kind} template"
    where = f"{kind}-template {path}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateProblem(f"{where}: cannot be read: {exc}") from exc
    env = make_environment(kind, text, str(path))
    try:
        template = env.get_template("custom")
        base = env.get_template("base")
        check_names(env.parse(text), list(base.blocks), where)
    except jinja2.TemplateSyntaxError as exc:
        inside = " (in the built-in base template)" if exc.name == "base" else ""
        raise TemplateProblem(f"{where}, line {exc.lineno}{inside}: {exc.message}") from exc
    return template, where


def template_context(report: Report, **extra: Any) -> dict[str, Any]:
    """The documented public context of `report`, every run shown; `extra` adds or overrides."""
    context = build_context(report)
    context.update(extra)
    return context


def render_summary(report: Report, templates: Templates) -> str:
    """The job summary, at most 1 MiB in UTF-8."""
    return fit(
        lambda plan: _render(
            templates.summary,
            templates.summary_source,
            build_context(report, plan, report_kind="summary"),
        ),
        report,
        size=lambda text: len(text.encode("utf-8")),
        limit=SUMMARY_LIMIT_BYTES,
        layout=SUMMARY_LAYOUT,
    )


def render_comment(
    report: Report,
    templates: Templates,
    *,
    marker: str,
    history: Sequence[HistoryEntry] = (),
    limit: int = COMMENT_LIMIT_CHARS,
) -> str:
    """The PR comment body, at most `limit` characters, containing `marker`."""

    def render(plan: Plan) -> str:
        context = build_context(report, plan, report_kind="comment", marker=marker, history=history)
        text = _render(templates.comment, templates.comment_source, context)
        if marker not in text:
            raise TemplateMissingMarker(
                f"{templates.comment_source}: the rendered comment does not contain the "
                f"marker {marker!r}, so the gate could not find its comment again"
            )
        return text

    text = fit(render, report, size=len, limit=limit, layout=COMMENT_LAYOUT)
    if marker not in text:  # the last-resort cut may have dropped it
        text = text[: max(limit - len(marker) - 2, 0)] + "\n" + marker + "\n"
    return text


def _render(template: jinja2.Template, source: str, context: dict[str, Any]) -> str:
    try:
        return template.render(context)
    except SecurityError as exc:
        raise TemplateProblem(f"{source}{_line(exc, template)}: not allowed: {exc}") from exc
    except jinja2.TemplateNotFound as exc:  # a name computed at run time
        raise TemplateProblem(f'{source}{_line(exc, template)}: "{exc.name}": {ONLY_BASE}') from exc
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"{source}{_line(exc, template)}: {exc}") from exc
    except (
        TypeError,
        ValueError,
        ArithmeticError,
        LookupError,
        AttributeError,
        RecursionError,
    ) as exc:
        raise TemplateProblem(
            f"{source}{_line(exc, template)}: {type(exc).__name__}: {exc}"
        ) from exc


def _line(exc: BaseException, template: jinja2.Template) -> str:
    """`, line N` of the innermost template frame of the traceback, when there is one."""
    names = {template.filename, "custom"}
    found = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename in names or (frame.filename or "").startswith("<built-in"):
            found = f", line {frame.lineno}" + (
                " (built-in base template)" if frame.filename.startswith("<built-in") else ""
            )
    return found


def sample_report() -> Report:
    """A small report with a passing and a failing session, for dry-rendering templates."""
    failing = CheckRun(
        result_id="00000000-0000-4000-8000-000000000002",
        name="Sample API check",
        outcome=Outcome.FAILED,
        check_type="API",
        location="eu-west-1",
        link="https://app.checklyhq.com/",
        response_time_ms=1234.0,
        retries=1,
        error_group_ids=("00000000-0000-4000-8000-000000000009",),
        reason="status code equals 200, got 500",
        error_group="Expected status code 200, received 500",
    )
    passing = dataclasses.replace(
        failing,
        result_id="00000000-0000-4000-8000-000000000003",
        name="Sample browser check",
        outcome=Outcome.PASSED,
        check_type="BROWSER",
        reason=None,
        error_group=None,
        error_group_ids=(),
        retries=0,
        duration_s=4.2,
        response_time_ms=None,
    )
    sessions = (
        Session(
            SessionKind.TEST,
            "00000000-0000-4000-8000-000000000001",
            Outcome.FAILED,
            name="Sample test session",
            link="https://app.checklyhq.com/",
            status="FAILED",
            runs=(failing, passing),
            attempts=1,
            elapsed_ms=5400.0,
        ),
        Session(
            SessionKind.CHECK,
            "00000000-0000-4000-8000-000000000004",
            Outcome.PASSED,
            name="Sample check session",
            status="PASSED",
            runs=(passing,),
        ),
    )
    now = datetime(2025, 1, 1, tzinfo=UTC)
    run = RunInfo(
        started_at=now,
        finished_at=now,
        repository="octo/app",
        sha="0" * 40,
        run_url="https://github.com/octo/app/actions/runs/1",
        server_url="https://github.com",
    )
    return Report(sessions, decide(sessions, Thresholds()), run, warnings=("sample warning",))
