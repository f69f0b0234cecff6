"""Every report file is an output, never an input (SPEC §5): a report path that is one of the
runner's own files, or that cannot be written, is an invalid option (exit 2) before the first
request. The whole gate under GitHub, against the simulator (which counts the requests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.options.report_paths import RUNNER_FILES
from tests.conftest import SimulatorFactory
from tests.support.faults import passing
from tests.support.gate_run import GITHUB_OUTPUT, STEP_SUMMARY, GateRun, run_gate
from tests.support.runner_rules import runner_outputs


def gate_with(
    simulator: SimulatorFactory, tmp_path: Path, *args: str, environ: dict[str, str] | None = None
) -> tuple[GateRun, object]:
    session = passing()
    sim = simulator([session])
    run = run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[session.id],
        args=["--timeout", "20s", *args],
        environ=environ,
    )
    return run, sim


@pytest.mark.parametrize("option", ["json-file", "junit-file", "summary-file"])
@pytest.mark.parametrize("runner_file", RUNNER_FILES)
def test_a_report_over_a_runner_file_is_exit_2_before_any_request(
    simulator: SimulatorFactory, tmp_path: Path, option: str, runner_file: str
) -> None:
    out = tmp_path / "out"
    files = {
        "GITHUB_OUTPUT": out / GITHUB_OUTPUT,
        "GITHUB_STEP_SUMMARY": out / STEP_SUMMARY,
        "GITHUB_ENV": tmp_path / "runner" / "env",
        "GITHUB_PATH": tmp_path / "runner" / "path",
        "GITHUB_STATE": tmp_path / "runner" / "state",
        "GITHUB_EVENT_PATH": tmp_path / "runner" / "event.json",
    }
    (tmp_path / "runner").mkdir()
    for name in ("env", "path", "state"):
        (tmp_path / "runner" / name).write_text("KEEP=me\n", "utf-8")
    (tmp_path / "runner" / "event.json").write_text("{}", "utf-8")
    environ = {
        name: str(path)
        for name, path in files.items()
        if name not in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")
    }
    target = files[runner_file]
    before = {name: path.read_bytes() if path.exists() else b"" for name, path in files.items()}
    run, sim = gate_with(simulator, tmp_path, f"--{option}", str(target), environ=environ)
    assert run.code == 2, run.stdout
    (error,) = run.gate_errors()
    assert f"{option}: " in error.data and f"runner's own {runner_file} file" in error.data
    assert sim.requests == []  # type: ignore[attr-defined]
    for name, path in files.items():  # nothing the runner reads was overwritten
        if name == "GITHUB_OUTPUT":
            assert runner_outputs(path.read_text("utf-8")) == {"result": "no-verdict"}
        elif name == "GITHUB_STEP_SUMMARY":
            assert path.read_text("utf-8").startswith("## ⛔ No verdict: invalid options")
        else:
            assert path.read_bytes() == before[name], name


def test_a_report_whose_folder_is_a_file_is_exit_2_at_once(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the folder should be", "utf-8")
    junit = blocker / "reports" / "junit.xml"
    run, sim = gate_with(simulator, tmp_path, "--junit-file", str(junit))
    assert run.code == 2, run.stdout
    (error,) = run.gate_errors()
    assert "junit-file: " in error.data
    assert f"{blocker} is a file, not a folder" in error.data
    assert sim.requests == []  # type: ignore[attr-defined]
    assert run.elapsed < 2.0  # not after the wait


def test_a_report_in_a_folder_yet_to_be_made_is_fine(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    report = tmp_path / "new" / "deeper" / "report.json"
    run, _ = gate_with(simulator, tmp_path, "--json-file", str(report))
    assert run.code == 0, run.stdout
    assert report.exists()
