"""End to end: `checkly-gate demo` runs the real gate against the embedded simulator."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def test_demo_waits_decides_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    proc = subprocess.run(
        [sys.executable, "-m", "gate", "demo", "--output-dir", str(out)],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    log = proc.stdout
    assert "a Checkly API simulator is serving 5 sample sessions at http://127.0.0.1:" in log
    assert (
        "$ checkly-gate --tags preview --env ENVIRONMENT_URL=https://pr-42.shop.acme.example" in log
    )
    assert "Triggered test session" in log
    assert "ENVIRONMENT_URL=https://pr-42.shop.acme.example" in log
    assert "Waiting for 6 Checkly sessions" in log
    assert "Waiting: " in log  # progress while the slow session runs
    assert "Gate failed:" in log
    assert "The gate's verdict: exit 1 (failed)" in log
    assert "status code equals 200, got 500" in log  # a reason, fetched from the detail
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    outcomes = sorted(s["outcome"] for s in report["sessions"])
    assert outcomes == ["degraded", "failed", "failed", "passed", "passed", "passed"]
    (triggered,) = report["trigger"]["sessionIds"]
    assert report["sessions"][-1]["id"] == triggered  # after the sample sessions
    assert {r["name"] for r in report["sessions"][-1]["runs"]} == {
        "Preview homepage",
        "Preview login",
        "Preview checkout",  # deactivated: missing, named by GET /v1/checks/{id}
    }
    # SPEC §11: a missing check, a quarantined one and a failure also failing on main.
    runs = {r["name"]: r for s in report["sessions"] for r in s["runs"]}
    assert runs["Preview checkout"]["outcome"] == "missing"
    assert "the check is deactivated" in runs["Preview checkout"]["reason"]
    assert runs["Refund assistant"]["notCounted"] == "non-blocking (non-blocking-check-ids)"
    assert runs["Payments API"]["alsoFailingOn"]["text"] == "also failing on main"
    assert report["verdict"]["notCountedBy"] == {"non-blocking": 1}
    assert report["verdict"]["counts"]["missing"] == 1
    assert "1 failing check run not counted: non-blocking (non-blocking-check-ids)" in log
    summary = (out / "summary.md").read_text(encoding="utf-8")
    for session in report["sessions"]:
        assert session["link"] in summary
    comment = (out / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith("<!-- checkly-gate:demo -->")
    suites = ET.parse(out / "junit.xml").getroot().findall("testsuite")
    assert len(suites) == 6
    # "Re-run failed jobs": attempt 2 runs only the check that failed in attempt 1
    assert "  attempt 1: exit 1; the fix is deployed, and attempt 2 says:" in log
    assert (
        "Attempt 2: running only the 1 check that failed in attempt 1 (rerun: failed); "
        "4 passing checks carried over" in log
    )
    assert "  attempt 2: exit 0" in log
    rerun = json.loads((out / "rerun-attempt-2.json").read_text(encoding="utf-8"))
    assert [len(s["runs"]) for s in rerun["sessions"]] == [1, 4]
    assert rerun["verdict"]["result"] == "passed"
