"""Custom templates: the examples extend "base", blocks override, a comment template needs
the marker, the sandbox refuses Python internals, errors name file and line, and the context
is the documented one.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gate.core.errors import TemplateMissingMarker, TemplateProblem
from gate.reports.templating import (
    Templates,
    load_templates,
    render_comment,
    render_summary,
    sample_report,
    template_context,
)
from gate.runner.comment_history import HistoryEntry
from tests.support.paths import ROOT
from tests.support.reports import HOSTILE, MARKER, assert_safe, benign_report, gfm, hostile_report


def test_the_examples_extend_base_and_render(builtin: Templates) -> None:
    templates = load_templates(
        ROOT / "examples" / "custom-summary.md.j2",
        ROOT / "examples" / "custom-comment.md.j2",
        marker=MARKER,
    )
    report = hostile_report()
    summary = render_summary(report, templates)
    assert summary.startswith("## ❌ Synthetic checks for octo/shop: FAILED")
    assert "**Runbook:**" in summary
    assert "### Why" in summary and "checkly-gate 0.1.0" in summary  # base blocks kept
    assert_safe(gfm(summary), report, gfm(render_summary(benign_report(), templates)))
    comment = render_comment(report, templates, marker=MARKER)
    assert comment.startswith(MARKER)
    assert "### ❌ Checkly: 8/15 check runs passed" in comment
    assert "Earlier runs" not in render_comment(
        report, templates, marker=MARKER, history=[HistoryEntry("t", "passed", 1, 0)]
    )
    benign = render_comment(benign_report(), templates, marker=MARKER)
    assert_safe(gfm(comment), report, gfm(benign), HOSTILE[1::2])


def test_a_custom_template_overrides_one_block(tmp_path: Path) -> None:
    custom = tmp_path / "summary.md.j2"
    custom.write_text(
        '{% extends "base" %}{% block warnings %}NO WARNINGS HERE\n{% endblock %}', encoding="utf-8"
    )
    summary = render_summary(hostile_report(), load_templates(custom, None))
    assert "NO WARNINGS HERE" in summary
    assert "### Warnings" not in summary
    assert "## ❌ Checkly gate failed" in summary


def test_a_comment_template_without_the_marker_is_refused(tmp_path: Path) -> None:
    custom = tmp_path / "comment.md.j2"
    custom.write_text("Checkly says {{ verdict.result }}\n", encoding="utf-8")
    with pytest.raises(TemplateMissingMarker) as caught:
        load_templates(None, custom)
    assert str(custom) in str(caught.value)
    assert caught.value.exit_code == 2
    hardcoded = tmp_path / "hardcoded.md.j2"
    hardcoded.write_text("<!-- checkly-gate:mine -->\n{{ verdict.result }}\n", encoding="utf-8")
    templates = load_templates(None, hardcoded, marker="<!-- checkly-gate:mine -->")
    with pytest.raises(TemplateMissingMarker):
        render_comment(sample_report(), templates, marker=MARKER)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ verdict.__class__ }}",
        "{{ sessions[0].__init__.__globals__ }}",
        "{{ sessions.append(1) }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ 'x' * 10 ** 10 }}",
        "{{ [1] * 100000000 }}",
        "{{ 9 ** 999999 }}",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    ],
)
def test_the_sandbox_refuses_python_internals(tmp_path: Path, source: str) -> None:
    custom = tmp_path / "summary.md.j2"
    custom.write_text("line one\n" + source + "\n", encoding="utf-8")
    with pytest.raises(TemplateProblem) as caught:
        load_templates(custom, None)
    assert f"summary-template {custom}" in str(caught.value)
    assert "line 2" in str(caught.value)


def test_a_broken_template_names_file_and_line(tmp_path: Path) -> None:
    custom = tmp_path / "summary.md.j2"
    custom.write_text("ok\n{% if verdict.passed %}\nunclosed\n", encoding="utf-8")
    with pytest.raises(TemplateProblem) as caught:
        load_templates(custom, None)
    message = str(caught.value)
    assert message.startswith(f"summary-template {custom}, line 3: Unexpected end of template")
    typo = tmp_path / "typo.md.j2"
    typo.write_text("a\nb\n{{ verdict.resutl }}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem, match=r"line 3.*resutl"):
        load_templates(typo, None)
    with pytest.raises(TemplateProblem, match="cannot be read"):
        load_templates(tmp_path / "missing.md.j2", None)
    unknown_filter = tmp_path / "filter.md.j2"
    unknown_filter.write_text("{{ verdict.result | no_such_filter }}", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="no_such_filter"):
        load_templates(unknown_filter, None)


def test_the_context_is_the_documented_one() -> None:
    context = template_context(sample_report(), marker=MARKER)
    docs = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    for key in context:
        assert f"`{key}`" in docs, key
    session = context["sessions"][0]
    for field in dataclasses.fields(session):
        assert f"`{field.name}`" in docs, field.name
    for field in dataclasses.fields(session.runs[0]):
        assert f"`{field.name}`" in docs, field.name
    for group in ("verdict", "thresholds", "meta"):
        for key in context[group]:
            assert f"`{key}`" in docs, f"{group}.{key}"
    assert context["marker"] == MARKER
    assert [r.name for r in context["failing_runs"]] == ["Sample API check"]
