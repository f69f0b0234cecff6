"""Evidence that cannot be had (SPEC §10): 404, 429, 5xx and resets on every evidence route,
the byte cap, hostile asset names, more than 30 failing runs, bad options. None of it is an
error: the verdict is the same, what is missing is noted, nothing lands outside the folder."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.checkly import evidence_fetch, root_cause
from gate.simulator import Fault, ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.gate_runs.test_evidence import assert_no_asset_urls, gate, runs, sessions
from tests.support.gate_process import STOP_WITHIN, Gate, wait_until
from tests.support.json_schema import VALIDATOR

FAULTS = {
    "404": lambda: Fault.status(404),
    "429": lambda: Fault.status(429, retry_after="1"),
    "503": lambda: Fault.status(503),
    "reset": Fault.reset,
}


@pytest.fixture(autouse=True)
def short_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries and polls end sooner than in production, so a route that never answers
    costs each test a second or two, not the whole details budget."""
    monkeypatch.setattr(evidence_fetch, "REQUEST_WINDOW_S", 1.5)
    monkeypatch.setattr(root_cause, "POLL_WINDOW_S", 2.0)


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("route", ["assets", "file", "signed", "rca-post", "rca-get"])
def test_a_route_that_fails_is_noted_never_an_error(
    simulator: SimulatorFactory, tmp_path: Path, route: str, fault: str
) -> None:
    found = sessions()
    sim = simulator(found)
    sim.evidence.fail(route, *(FAULTS[fault]() for _ in range(40)))
    folder = tmp_path / "evidence"
    args = ["--assets-dir", str(folder), "--root-cause", "request"]
    result = gate(sim, tmp_path / "out", found, *args)
    assert result.code == 1  # the verdict of the same sessions without any fault
    assert result.report["verdict"]["failing"] == 4
    VALIDATOR.validate(result.report)
    assert result.elapsed < 10
    login = runs(result)["Login"]["evidence"]
    warnings = " | ".join(result.report["warnings"])
    if route == "assets":
        assert login["assetsNote"] == "the asset list could not be read"
        assert "could not read the asset list of 4 failing runs" in warnings
        assert login["playwright"]["total"] == 3  # the rest still comes
        assert not folder.exists() or not any(folder.rglob("*.*"))
    elif route == "file":
        assert login["files"] == [] and "failed to download" in login["filesNote"]
        assert "asset downloads failed" in warnings
        assert not [p for p in folder.rglob("*") if p.is_file()]  # no partial file is left
    elif route == "signed":
        assert login["playwright"]["note"].startswith("the Playwright report could not be read")
        assert login["assetsText"] == "trace · video · 2 screenshots · report"
    elif route == "rca-post":
        assert login["rootCause"] is None
        assert "could not request a root-cause analysis" in warnings
    else:
        cause = login["rootCause"]
        assert (cause is None and "root-cause analysis" in warnings) or cause["state"] == "pending"
    if route != "rca-post":
        assert runs(result)["Checkout"]["evidence"]["rootCause"]["state"] == "done"
    assert_no_asset_urls(sim, result)


def test_one_429_is_waited_out(simulator: SimulatorFactory, tmp_path: Path) -> None:
    found = sessions()
    sim = simulator(found)
    sim.evidence.fail("assets", Fault.status(429, retry_after="0"))
    sim.evidence.fail("rca-post", Fault.status(429, retry_after="0"))
    result = gate(sim, tmp_path, found, "--root-cause", "request")
    assert all(r["evidence"]["assetsNote"] is None for r in runs(result).values() if r["evidence"])
    assert runs(result)["Login"]["evidence"]["rootCause"]["state"] == "done"
    assert result.report["warnings"] == []


def test_the_byte_cap_is_kept(simulator: SimulatorFactory, tmp_path: Path) -> None:
    assets = (("trace", "trace.zip", 700_000), ("video", "video.webm", 900_000))
    found = [ScriptedSession("test", "FAILED", "capped", results=[
        ScriptedResult("Login", "failed", "BROWSER", assets=assets)])]  # fmt: skip
    sim = simulator(found)
    folder = tmp_path / "evidence"
    result = gate(sim, tmp_path / "out", found, "--assets-dir", str(folder), "--assets-max-mb", "1")
    assert result.code == 1
    evidence = runs(result)["Login"]["evidence"]
    assert [f["type"] for f in evidence["files"]] == ["trace"]
    assert evidence["filesNote"] == "1 past the 1 MB cap"
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert total == 700_000  # the trace (first in `assets`); the video would pass 1 MB
    assert any("past the assets-max-mb cap of 1 MB" in w for w in result.report["warnings"])


HOSTILE = [
    "../../escaped.txt",
    "..\\..\\escaped-too.txt",
    "/etc/passwd",
    "CON",
    "nul.txt",
    "a/b/../../../../up.png",
    "..",
    "trace.zip",
    "TRACE.ZIP",
    "name\u202ewith-bidi.png",
    "tab\tand\nnewline.png",
    "x" * 300 + ".png",
    'what?*:<>|".png',
]


def test_hostile_names_stay_inside_the_folder(simulator: SimulatorFactory, tmp_path: Path) -> None:
    assets = tuple(("screenshot", name, 10) for name in HOSTILE)
    result_of = ScriptedResult("../../Login", "failed", "BROWSER", "../eu", assets=assets)
    found = [ScriptedSession("test", "FAILED", "../../session", results=[result_of])]
    sim = simulator(found)
    root = tmp_path / "work"
    folder = root / "evidence"
    args = ["--assets-dir", str(folder), "--assets", "screenshot"]
    result = gate(sim, root / "out", found, *args)
    assert result.code == 1
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and folder not in p.parents]
    assert all(root / "out" in p.parents for p in outside), outside
    saved = [p for p in folder.rglob("*") if p.is_file()]
    assert len(saved) == len(HOSTILE)  # each its own file, none overwritten
    assert len({str(p).lower() for p in saved}) == len(saved)  # apart on any file system
    for path in saved:
        relative = path.relative_to(folder)
        assert len(relative.parts) == 3 and ".." not in relative.parts
        for part in relative.parts:
            assert len(part.encode()) <= 120 and part.strip(" .") == part
            assert not any(c in part for c in '\\/:*?"<>|\t\n\u202e')
            assert part.split(".")[0].upper() not in ("CON", "NUL")
    assert len(runs(result)["../../Login"]["evidence"]["files"]) == len(HOSTILE)


def test_at_most_30_runs_are_gathered(simulator: SimulatorFactory, tmp_path: Path) -> None:
    many = [ScriptedResult(f"Check {n}", "failed", "API") for n in range(34)]
    found = [ScriptedSession("test", "FAILED", "many", results=many)]
    sim = simulator(found)
    result = gate(sim, tmp_path, found)
    manifests = [r for r in sim.requests if r.path.endswith("/assets")]
    assert len(manifests) == 30
    gathered = [r for r in runs(result).values() if r["evidence"]]
    assert len(gathered) == 30
    note = "evidence is gathered for the first 30 failing runs; 4 more are linked without it"
    assert note in result.report["warnings"]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--assets", "trace,gif", 'assets: "gif" is not an asset type; use a list of trace, video'),
        ("--assets-max-mb", "0", 'assets-max-mb: "0" is not allowed; use a whole number from 1'),
        (
            "--root-cause",
            "always",
            'root-cause: "always" is not allowed; use off, existing or request',
        ),
    ],
)
def test_bad_evidence_options_exit_2(
    simulator: SimulatorFactory, tmp_path: Path, option: str, value: str, message: str
) -> None:
    found = sessions()
    sim = simulator(found)
    result = gate(sim, tmp_path, found, option, value)
    assert result.code == 2
    assert message in result.stdout
    assert not sim.requests


def test_an_assets_dir_that_is_a_file_exits_2(simulator: SimulatorFactory, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    found = sessions()
    sim = simulator(found)
    result = gate(sim, tmp_path / "out", found, "--assets-dir", str(tmp_path / "taken"))
    assert result.code == 2 and "assets-dir" in result.stdout and "is a file" in result.stdout


def test_an_assets_dir_of_an_unknown_users_home_exits_2(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    """`~nosuchuser/x` cannot be expanded: an invalid option, not an internal error (exit 3)."""
    found = sessions()
    sim = simulator(found)
    result = gate(sim, tmp_path / "out", found, "--assets-dir", "~no-such-user-3f9a/evidence")
    assert result.code == 2, result.stdout
    assert "assets-dir" in result.stdout and "unknown user" in result.stdout
    assert not sim.requests


@pytest.mark.parametrize("route", ["file", "signed", "rca-get"])
def test_a_signal_during_the_evidence_stops_in_time(
    simulator: SimulatorFactory, start_gate: Callable[..., Gate], route: str
) -> None:
    found = sessions()
    sim = simulator(found)
    sim.evidence.fail(route, *(Fault.hang(30) for _ in range(10)))
    gate = start_gate(sim, found, assets_dir="evidence", root_cause="request")
    # A hanging request is recorded only when answered: wait for what comes before it.
    before = "/v1/root-cause-analyses/" if route == "rca-get" else "/assets"
    wait_until(lambda: any(before in r.path for r in sim.requests), before)
    time.sleep(0.5)  # the hanging request is in flight by now
    signalled_at = time.monotonic()
    gate.proc.send_signal(signal.SIGTERM)
    assert gate.finish(timeout=10) == 143, gate.stdout + gate.stderr
    assert time.monotonic() - signalled_at < STOP_WITHIN
    report = json.loads((gate.workspace / "report.json").read_text())
    assert report["interrupted"] == "SIGTERM"
