"""Issue 12, items 1, 2, 4, 9, 12: the console is the least important report (SPEC §5).

The gate runs as a process, as a user or another CI system starts it (`python -m gate`, no
TTY, no GitHub), against the simulator: a console that cannot encode a name, or that is closed,
full or broken, changes neither the exit code nor any report.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gate.cli import main
from gate.simulator import ScriptedResult, ScriptedSession, Simulator
from tests.conftest import SimulatorFactory
from tests.support.gate_run import gate_environ
from tests.support.paths import ROOT

CART = "\U0001f6d2 Checkout flow"


def sessions(*, failing: bool = True) -> list[ScriptedSession]:
    runs = [
        ScriptedResult(CART, "failed" if failing else "passed"),
        ScriptedResult("::notice::smuggled", "failed" if failing else "passed"),
        ScriptedResult("Login", "passed"),
    ]
    return [ScriptedSession("test", "FAILED" if failing else "PASSED", name=CART, results=runs)]


def plain_environ(**extra: str) -> dict[str, str]:
    """A run outside GitHub: no GITHUB_* at all."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return {**keep, "NO_PROXY": "127.0.0.1", "PYTHONPATH": str(ROOT), **extra}


def start(simulator: SimulatorFactory, *, failing: bool = True) -> tuple[Simulator, str]:
    scripted = sessions(failing=failing)
    return simulator(scripted), scripted[0].id


def args_for(sim: Simulator, session_id: str, reports: Path) -> list[str]:
    return [
        sys.executable, "-m", "gate",
        "--api-key", sim.api_key, "--account-id", sim.account_id, "--api-url", sim.url,
        "--test-session-ids", session_id, "--timeout", "20s",
        "--junit-file", str(reports / "j.xml"), "--json-file", str(reports / "r.json"),
        "--summary-file", str(reports / "s.md"),
    ]  # fmt: skip


def assert_reports_exact(reports: Path) -> None:
    data = json.loads((reports / "r.json").read_text("utf-8"))
    names = [run["name"] for s in data["sessions"] for run in s["runs"]]
    assert CART in names and "::notice::smuggled" in names
    assert data["sessions"][0]["name"] == CART
    assert CART in (reports / "s.md").read_text("utf-8")
    assert CART in (reports / "j.xml").read_text("utf-8")


# -- item 1 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_console_that_cannot_encode_a_name_still_gets_every_report(
    simulator: SimulatorFactory, tmp_path: Path, encoding: str
) -> None:
    sim, session_id = start(simulator)
    proc = subprocess.run(
        args_for(sim, session_id, tmp_path),
        env=plain_environ(PYTHONIOENCODING=encoding),
        capture_output=True,
        timeout=60,
        check=False,
    )
    log = proc.stdout.decode(encoding)
    assert proc.returncode == 1, log + proc.stderr.decode(encoding, "replace")
    assert "internal error" not in log
    assert "? Checkout flow" in log
    assert not any(line.lstrip().startswith("::") for line in log.splitlines())
    assert '":?:notice' in log or '":\u200b:notice' in log  # defused in any encoding
    assert_reports_exact(tmp_path)


# -- item 2 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["closed pipe", "closed stdout", "dev full"])
def test_a_broken_stdout_changes_neither_the_exit_code_nor_the_reports(
    simulator: SimulatorFactory, tmp_path: Path, how: str
) -> None:
    sim, session_id = start(simulator, failing=False)
    argv = args_for(sim, session_id, tmp_path)
    env = plain_environ()
    if how == "closed pipe":  # `| head -1`, the reader gone before the gate writes
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        code, err = proc.wait(timeout=60), proc.stderr.read().decode()
        proc.stderr.close()
    elif how == "closed stdout":  # `>&-`
        shell = " ".join(f"'{a}'" for a in argv) + " >&-"
        done = subprocess.run(
            ["sh", "-c", shell], check=False, env=env, capture_output=True, timeout=60
        )
        code, err = done.returncode, done.stderr.decode()
    else:  # `>/dev/full`
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                argv, check=False, env=env, stdout=full, stderr=subprocess.PIPE, timeout=60
            )
        code, err = done.returncode, done.stderr.decode()
    assert code == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert_reports_exact(tmp_path)


# -- item 4 ---------------------------------------------------------------------------------------
def test_an_unwritable_github_output_is_a_named_report(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim, session_id = start(simulator, failing=False)
    env = gate_environ(tmp_path / "runner", GITHUB_OUTPUT=str(tmp_path / "gone" / "output"))
    out = io.StringIO()
    code = main(args_for(sim, session_id, tmp_path)[3:], env, out=out)
    log = out.getvalue()
    assert code == 3, log
    assert "internal error" not in log and "bug" not in log
    assert "could not write every report: outputs (GITHUB_OUTPUT)" in log
    assert_reports_exact(tmp_path)
    assert CART in (tmp_path / "runner" / "step_summary.md").read_text("utf-8")


# -- item 12 --------------------------------------------------------------------------------------
def test_outside_github_errors_go_to_stderr_too_and_no_word_about_pr_comments(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim, session_id = start(simulator, failing=False)
    argv = args_for(sim, session_id, tmp_path)
    done = subprocess.run(argv, check=False, env=plain_environ(), capture_output=True, timeout=60)
    assert done.returncode == 0
    assert b"PR comment" not in done.stdout + done.stderr
    bad = [*args_for(sim, session_id, tmp_path), "--fail-on", ","]
    done = subprocess.run(bad, check=False, env=plain_environ(), capture_output=True, timeout=60)
    assert done.returncode == 2
    assert b"error: 1 invalid option" in done.stdout
    assert b"error: 1 invalid option" in done.stderr
    assert b'fail-on: "," holds only separators' in done.stderr


def test_outside_github_main_sends_errors_to_err_too() -> None:
    out, err = io.StringIO(), io.StringIO()
    env = {"CHECKLY_API_KEY": "cu_3f9a8b7c6d5e4f30a1b2c3d4e5f60718"}
    code = main(["--fail-on", ","], env, out=out, err=err)
    assert code == 2
    assert err.getvalue().startswith("error: ")
    assert err.getvalue() in out.getvalue()


def test_outside_github_a_named_pr_still_gets_its_notice(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    sim, session_id = start(simulator, failing=False)
    out = io.StringIO()
    code = main([*args_for(sim, session_id, tmp_path)[3:], "--pr-number", "7"], {}, out=out)
    assert code == 0
    assert "No PR comment: " in out.getvalue()  # asked for, so it says why there is none


# -- item 9 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_importing_exits_quietly(signum: int, code: int) -> None:
    """The signal comes after the launcher's first line, before the gate is imported."""
    script = (
        "import os, signal\n"
        "from gate import launch\n"
        "launch.install_early_handlers()\n"
        f"os.kill(os.getpid(), {int(signum)})\n"
        "import gate.cli\n"
        "raise SystemExit(0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        env=plain_environ(),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == code
    assert b"Traceback" not in done.stderr
    assert done.stderr.decode().count("\n") == 1
    assert "interrupted by SIG" in done.stderr.decode()


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_before_python_has_started_waits_for_the_launcher(signum: int, code: int) -> None:
    """As the image starts the gate: SIGINT and SIGTERM blocked (`env --block-signal`). The
    signal is sent at once, while Python is still starting (where it raised KeyboardInterrupt
    inside `site` or `re`, or was fatal): it waits, and the launcher's handler gets it."""
    proc = subprocess.Popen(
        ["env", "--block-signal=INT,TERM", sys.executable, str(ROOT / "entrypoint.py")],
        env=plain_environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(0.005)  # env has exec'd Python (a signal before that ends env by default)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert b"Traceback" not in err
    assert err.decode().count("\n") == 1, err
    assert "interrupted by SIG" in err.decode()


def test_the_entrypoints_start_with_the_launcher() -> None:
    assert "from gate.launch import main" in (ROOT / "entrypoint.py").read_text("utf-8")
    assert "from gate.launch import main" in (ROOT / "gate" / "__main__.py").read_text("utf-8")
    assert 'checkly-gate = "gate.launch:main"' in (ROOT / "pyproject.toml").read_text("utf-8")
