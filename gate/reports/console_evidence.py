"""A failing run's evidence on the console (SPEC §10): one line under the run's, in plain words,
for CI logs outside GitHub: `evidence: trace · video · 2 screenshots; 1 failing test (<file>
<title>), 1 flaky; root cause (INFRA ERROR): …`."""

from __future__ import annotations

from gate.checkly.reasons import clean_line
from gate.core.model import CheckRun
from gate.runner.workflow import neutralize

MAX_LINE = 400


def evidence_line(run: CheckRun) -> str | None:
    """The line (indented under the run's), or None when nothing is known."""
    evidence = run.evidence
    if evidence is None:
        return None
    parts: list[str] = []
    if evidence.assets is not None and evidence.assets.text:
        parts.append(evidence.assets.text)
    if evidence.files:
        parts.append(f"{len(evidence.files)} saved")
    tests = evidence.playwright
    if tests is not None and (tests.failed or tests.flaky):
        failed = tests.failed
        first = f" ({failed[0].name}{', …' if len(failed) > 1 else ''})" if failed else ""
        words = [f"{len(failed)} failing test{'s' if len(failed) != 1 else ''}{first}"]
        if tests.flaky:
            words.append(f"{len(tests.flaky)} flaky")
        parts.append(", ".join(words))
    cause = evidence.root_cause
    if cause is not None:
        if cause.state == "done" and cause.root_cause:
            label = f" ({cause.classification})" if cause.classification else ""
            parts.append(f"root cause{label}: {clean_line(cause.root_cause, 160)}")
        elif cause.state != "done":
            parts.append("root-cause analysis pending")
    if not parts:
        return None
    return neutralize("      evidence: " + clean_line("; ".join(parts), MAX_LINE))
