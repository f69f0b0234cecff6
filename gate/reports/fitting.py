"""Size limits: how much of a report to show so that it fits (GitHub's 1 MiB job summary, the
PR comment's 65,536 characters).

A `Plan` says what to show; `choose_plan()` picks the most complete plan whose *estimated* size
fits, from per-run estimates that match the built-in templates, so a report is rendered once.
`fit()` checks the real size and only for a template much bigger than the built-in ones shrinks
and re-renders, and as a last resort cuts at a line boundary with a visible note. The order of
sacrifice: passed runs collapse into counts, passed sessions shrink to one line, the non-passed
runs are cut (shared fairly between sessions, with a visible note), every session shrinks to
one line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from gate.core.model import CheckRun, Outcome
from gate.reports.md_filters import md_text
from gate.reports.report import Report

MARGIN = 0.92  # aim a little under the limit: estimates are estimates


@dataclasses.dataclass(frozen=True)
class Plan:
    """How much to show. The default shows everything."""

    collapse_passed_runs: bool = False
    compact_sessions: str = "none"  # "passed": passed sessions on one line; "all": every one
    keep_failing: int | None = None  # None: every non-passed run


@dataclasses.dataclass(frozen=True)
class Layout:
    """How a built-in report spends its size: per session, per passed run, per other run."""

    per_session: int  # a session's heading, counts and table header, besides its name and link
    per_compact_session: int  # a one-line session (0: compact sessions are only counted)
    passed_runs: float  # 1: each passed run is a table row; 0: passed runs are only counted
    other_runs: float  # 2: a non-passed run is a table row and a list entry
    run_overhead: int = 60  # bytes of a run's row besides its texts
    min_failing: int = 20  # compact every session before showing fewer failing runs than this


def choose_plan(report: Report, budget: int, layout: Layout) -> Plan:
    """The most complete plan whose estimated size fits `budget`."""
    base = 3000 + sum(len(w) + 20 for w in report.warnings) + len(report.verdict.summary)
    full = compact = passed_saving = 0
    passed = problems = 0.0
    count = 0
    for session in report.sessions:
        # what the name costs rendered (md_text cuts and escapes it), not the raw name
        shown_name = rendered_bytes(session.title)
        names = shown_name + len(session.link or "")
        full += layout.per_session + names
        one_line = layout.per_compact_session + names if layout.per_compact_session else 0
        compact += one_line
        if session.outcome is Outcome.PASSED:
            passed_saving += layout.per_session + names - one_line
        for run in session.runs:
            cost = estimate_run_bytes(run, layout.run_overhead)
            if run.outcome is Outcome.PASSED:
                passed += cost * layout.passed_runs
            else:  # a listed failing run names its session too
                problems += (cost + shown_name) * layout.other_runs
                count += 1
    if base + full + passed + problems <= budget:
        return Plan()
    if base + full + problems <= budget:
        return Plan(collapse_passed_runs=True)
    sessions = full - passed_saving
    if base + sessions + problems <= budget:
        return Plan(True, "passed")
    average = problems / count if count else 1.0
    keep = int((budget - base - sessions) / average)
    if keep >= min(count, layout.min_failing):
        return Plan(True, "passed", keep)
    return Plan(True, "all", max(int((budget - base - compact) / average), 0))


def estimate_run_bytes(run: CheckRun, overhead: int = 60) -> int:
    """An estimate of one run's row (or list entry) in a built-in report, in UTF-8 bytes."""
    size = overhead + len(run.link or "") + 2 * len(run.outcome.value)
    for text in (run.name, run.location, run.check_type, run.reason or run.error_group):
        if text:
            size += rendered_bytes(text)
    return size


def rendered_bytes(text: str) -> int:
    """The UTF-8 size of `text` as a built-in report shows it (`md_text`: cut and escaped)."""
    escaped = md_text(text)
    return len(escaped) if escaped.isascii() else len(escaped.encode())


def fit(
    render: Callable[[Plan], str],
    report: Report,
    *,
    size: Callable[[str], int],
    limit: int,
    layout: Layout,
) -> str:
    """Render with the most complete plan whose estimate fits, then check it; a template much
    bigger than the built-in ones is shrunk and re-rendered, and at last cut at a line."""
    plan = choose_plan(report, int(limit * MARGIN), layout)
    text = render(plan)
    for _ in range(3):  # only a template much bigger than the built-in ones gets here
        actual = size(text)
        if actual <= limit:
            return text
        shown = shown_count(report, plan)
        if shown == 0 and plan.compact_sessions == "all":
            break
        keep = max(int(shown * limit * MARGIN / actual) - 1, 0)
        plan = Plan(True, "all" if keep == 0 else plan.compact_sessions, keep)
        text = render(plan)
    return text if size(text) <= limit else hard_cut(text, size, limit)


def shown_count(report: Report, plan: Plan) -> int:
    total = sum(1 for _, r in report.runs if r.outcome is not Outcome.PASSED)
    return total if plan.keep_failing is None else min(plan.keep_failing, total)


def hard_cut(text: str, size: Callable[[str], int], limit: int) -> str:
    note = "\n\n_… cut here to stay within the size limit: see Checkly for the rest._\n"
    room = limit - size(note)
    cut = text
    while size(cut) > room:
        cut = cut[: max(int(len(cut) * room / max(size(cut), 1)) - 1, 0)]
    cut = cut[: cut.rfind("\n") + 1] if "\n" in cut else cut
    return cut + note


def share_quotas(counts: list[int], keep: int | None) -> list[int]:
    """Share `keep` shown runs fairly between sessions: each gets up to the same level, and
    what is left over goes one by one to the first sessions that have more."""
    if keep is None or keep >= sum(counts):
        return list(counts)
    keep = max(keep, 0)
    level, low, high = 0, 0, max(counts, default=0)
    while low <= high:  # the highest level whose total fits
        middle = (low + high) // 2
        if sum(min(c, middle) for c in counts) <= keep:
            level, low = middle, middle + 1
        else:
            high = middle - 1
    quotas = [min(c, level) for c in counts]
    left = keep - sum(quotas)
    for index, count in enumerate(counts):
        if left and count > quotas[index]:
            quotas[index] += 1
            left -= 1
    return quotas
