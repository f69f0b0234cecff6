"""Evidence in the reports (SPEC §10): `run.evidence` in the template context, `evidence` in
the JSON report, and the JUnit attachments. A documented public API (docs/reports.md).

No URL of an asset and no signed URL reaches here (the model holds none); links go to the
run's result page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from gate.core.evidence import MAX_ROOT_CAUSE, Evidence, PlaywrightTest, RootCause
from gate.core.model import CheckRun

MAX_TESTS_SHOWN = 5  # failing (and flaky) Playwright tests listed per run in the summary


@dataclasses.dataclass(frozen=True, slots=True)
class TestView:
    """One Playwright test: `run.evidence.playwright.failed[i]`."""

    name: str  # file, the separator Playwright uses, title
    file: str
    title: str
    outcome: str  # failed | flaky | passed | skipped
    error: str | None  # the first line of its first error
    retries: int
    duration_s: float | None


@dataclasses.dataclass(frozen=True, slots=True)
class PlaywrightView:
    """A run's Playwright tests: `run.evidence.playwright`."""

    total: int
    failed: tuple[TestView, ...]
    flaky: tuple[TestView, ...]  # passed on a retry within the run
    passed_count: int
    skipped_count: int
    tests: tuple[TestView, ...]  # all of them (failing first)
    note: str | None  # the report could not be read (too big, not JSON, a failed request)


@dataclasses.dataclass(frozen=True, slots=True)
class RootCauseView:
    """The error group's root-cause analysis: `run.evidence.root_cause`."""

    state: str  # "done" | "pending"
    classification: str | None  # e.g. "INFRA ERROR"
    root_cause: str | None  # whole
    short: str | None  # at most 300 characters
    user_impact: str | None
    code_fix: str | None
    id: str | None
    group_id: str
    link: str | None  # the run's result page (where the group is shown)
    requested: bool  # asked for by this gate run
    created_at: str | None
    analysis: Mapping[str, Any] | None  # the whole analysis as Checkly gave it (text cleaned)


@dataclasses.dataclass(frozen=True, slots=True)
class FileView:
    path: str
    type: str
    bytes: int


@dataclasses.dataclass(frozen=True, slots=True)
class EvidenceView:
    """Everything known about a failing run beyond its reason: `run.evidence`."""

    line: str  # `trace · video · 2 screenshots` ("" when no asset is known)
    counts: Mapping[str, int]  # asset type → how many
    truncated: bool  # the manifest was cut (more assets than listed)
    assets_note: str | None
    files: tuple[FileView, ...]  # saved under assets-dir
    files_note: str | None
    playwright: PlaywrightView | None
    root_cause: RootCauseView | None


def evidence_view(run: CheckRun) -> EvidenceView | None:
    evidence = run.evidence
    if evidence is None:
        return None
    assets = evidence.assets
    return EvidenceView(
        line=assets.text if assets else "",
        counts=dict(assets.counts) if assets else {},
        truncated=bool(assets and assets.truncated),
        assets_note=evidence.assets_note,
        files=tuple(FileView(f.path, f.type, f.bytes) for f in evidence.files),
        files_note=evidence.files_note,
        playwright=_playwright(evidence),
        root_cause=_root_cause(evidence.root_cause),
    )


def _test(test: PlaywrightTest) -> TestView:
    return TestView(
        test.name, test.file, test.title, test.outcome, test.error, test.retries, test.duration_s
    )


def _playwright(evidence: Evidence) -> PlaywrightView | None:
    found = evidence.playwright
    if found is None:
        return None
    return PlaywrightView(
        total=len(found.tests),
        failed=tuple(_test(t) for t in found.failed),
        flaky=tuple(_test(t) for t in found.flaky),
        passed_count=found.count("passed"),
        skipped_count=found.count("skipped"),
        tests=tuple(_test(t) for t in found.tests),
        note=found.note,
    )


def _root_cause(found: RootCause | None) -> RootCauseView | None:
    if found is None:
        return None
    text = found.root_cause
    short = text if text is None or len(text) <= MAX_ROOT_CAUSE else text[: MAX_ROOT_CAUSE - 1]
    if short is not None and short != text:
        short = short.rstrip() + "…"
    return RootCauseView(
        state=found.state,
        classification=found.classification,
        root_cause=text,
        short=short,
        user_impact=found.user_impact,
        code_fix=found.code_fix,
        id=found.id,
        group_id=found.group_id,
        link=found.link,
        requested=found.requested,
        created_at=found.created_at,
        analysis=found.analysis,
    )


def evidence_json(run: CheckRun) -> dict[str, Any] | None:
    """The JSON report's `evidence` of a run (null: none gathered)."""
    view = evidence_view(run)
    if view is None:
        return None
    pw, rc = view.playwright, view.root_cause
    return {
        "assets": dict(view.counts),
        "assetsText": view.line,
        "assetsTruncated": view.truncated,
        "assetsNote": view.assets_note,
        "files": [{"path": f.path, "type": f.type, "bytes": f.bytes} for f in view.files],
        "filesNote": view.files_note,
        "playwright": None
        if pw is None
        else {
            "total": pw.total,
            "failed": len(pw.failed),
            "flaky": len(pw.flaky),
            "passed": pw.passed_count,
            "skipped": pw.skipped_count,
            "note": pw.note,
            "tests": [_test_json(t) for t in pw.tests],
        },
        "rootCause": None
        if rc is None
        else {
            "state": rc.state,
            "id": rc.id,
            "errorGroupId": rc.group_id,
            "requested": rc.requested,
            "classification": rc.classification,
            "rootCause": rc.root_cause,
            "userImpact": rc.user_impact,
            "codeFix": rc.code_fix,
            "createdAt": rc.created_at,
            "analysis": dict(rc.analysis) if rc.analysis is not None else None,
        },
    }


def _test_json(test: TestView) -> dict[str, Any]:
    return {
        "file": test.file,
        "title": test.title,
        "outcome": test.outcome,
        "error": test.error,
        "retries": test.retries,
        "durationS": test.duration_s,
    }


@dataclasses.dataclass(frozen=True, slots=True)
class AssetsView:
    """The `assets-dir` folder and what was saved in it: `assets` (None: no assets-dir)."""

    dir: str
    files: int
    bytes: int


def assets_context(report: Any) -> AssetsView | None:
    """The context's `assets` of a `Report`."""
    if report.assets_dir is None:
        return None
    files = [f for s in report.sessions for r in s.runs if r.evidence for f in r.evidence.files]
    return AssetsView(report.assets_dir, len(files), sum(f.bytes for f in files))
