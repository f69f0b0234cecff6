"""Evidence in the JUnit report (SPEC §10): attachments and one `testcase` per Playwright test.

A failing run's saved files are named in its testcase's `system-out` as `[[ATTACHMENT|<path>]]`
(the convention of Jenkins' JUnit attachments plugin and of GitLab), with the evidence line.
A run whose Playwright JSON report was read gains one `testcase` per Playwright test next to
its own, named `<check> (<location>)`, `<file>` and `<title>` joined by U+203A. Failed tests
carry a `failure` with the first line of their error, skipped tests `skipped`; tests that
passed on a retry within the run pass with a `system-out` saying "flaky in this run".
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

from gate.core.evidence import SEPARATOR
from gate.core.model import CheckRun

Clean = Callable[[object], str]


def attach(case: ET.Element, run: CheckRun, clean: Clean) -> None:
    """Add the run's evidence line and attachments to its testcase's `system-out`."""
    evidence = run.evidence
    if evidence is None:
        return
    lines = []
    if evidence.assets is not None and evidence.assets.text:
        lines.append(f"Evidence: {evidence.assets.text}")
    if evidence.root_cause is not None and evidence.root_cause.root_cause:
        rc = evidence.root_cause
        lines.append(f"Root cause ({rc.classification or 'analysis'}): {rc.root_cause}")
    lines += [f"[[ATTACHMENT|{f.path}]]" for f in evidence.files]
    if evidence.files_note:
        lines.append(f"Not saved: {evidence.files_note}")
    if not lines:
        return
    out = case.find("system-out")
    if out is None:
        out = ET.SubElement(case, "system-out")
        out.text = ""
    out.text = clean("\n".join(filter(None, [out.text or "", *lines])))


def playwright_cases(
    run: CheckRun, case_name: str, classname: str, clean: Clean
) -> Iterator[tuple[ET.Element, str]]:
    """One (testcase, count key) per Playwright test of the run; the key is "failures",
    "skipped" or "" (passed)."""
    found = run.evidence.playwright if run.evidence else None
    if found is None:
        return
    for test in found.tests:
        name = f"{case_name} {SEPARATOR} {test.name}"
        case = ET.Element("testcase", name=clean(name), classname=clean(f"{classname}.playwright"))
        case.set("time", f"{max(test.duration_s or 0.0, 0.0):.3f}")
        if run.link:
            case.set("url", clean(run.link))
        kind = ""
        if test.outcome == "failed":
            message = test.error or "the test failed"
            child = ET.SubElement(case, "failure", type="failed", message=clean(message))
            retries = f"\nRetries: {test.retries}" if test.retries else ""
            child.text = clean(f"{message}{retries}\nCheck run: {case_name}")
            kind = "failures"
        elif test.outcome == "skipped":
            ET.SubElement(case, "skipped")
            kind = "skipped"
        elif test.outcome == "flaky":
            out = ET.SubElement(case, "system-out")
            first = f": first failed with {test.error}" if test.error else ""
            out.text = clean(f"flaky in this run: passed on retry {test.retries}{first}")
        yield case, kind
