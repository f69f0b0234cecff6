"""Issue 12, item 8: `--session-files /dev/null` or `<(cat f)` are read, not "does not exist"."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from gate.core.errors import InvalidOptions
from gate.core.model import SessionKind
from gate.options.config import load_config
from gate.options.session_ids import SessionRef
from tests.support.paths import ROOT

ACCOUNT = "1397c172-1938-4973-a225-5862298e571a"
A = "0c4c64b3-79c5-44a6-ae07-b580ce73f328"
BASE = {"CHECKLY_API_KEY": "cu_3f9a8b7c6d5e4f30a1b2c3d4e5f60718", "CHECKLY_ACCOUNT_ID": ACCOUNT}


def test_a_fifo_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "ids"
    os.mkfifo(fifo)
    writer = subprocess.Popen(
        [sys.executable, "-c", f"open({str(fifo)!r}, 'w').write('Test session ID: {A}\\n')"]
    )
    try:
        config = load_config(["--session-files", str(fifo)], BASE, cwd=tmp_path)
    finally:
        writer.wait(timeout=10)
    assert config.sessions == (SessionRef(SessionKind.TEST, A),)


def test_dev_null_is_read_and_holds_no_session(tmp_path: Path) -> None:
    with pytest.raises(InvalidOptions) as caught:
        load_config(["--session-files", "/dev/null"], BASE, cwd=tmp_path)
    problems = caught.value.problems
    assert any(p.startswith('session-files: "/dev/null" holds no session ID') for p in problems)
    assert not any("does not exist" in p for p in problems)


def test_process_substitution_in_bash(tmp_path: Path) -> None:
    """`--session-files <(cat ids.txt)`, exactly as a shell user writes it."""
    (tmp_path / "ids.txt").write_text(f"Test session ID: {A}\n", "utf-8")
    script = (
        "from pathlib import Path; import sys\n"
        "from gate.options.config import load_config\n"
        f"c = load_config(sys.argv[1:], {BASE!r}, cwd=Path.cwd())\n"
        "print(','.join(s.id for s in c.sessions))\n"
    )
    done = subprocess.run(
        ["bash", "-c", f'{sys.executable} -c "$0" --session-files <(cat ids.txt)', script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == A


def test_a_socket_says_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(InvalidOptions) as caught:
            load_config(["--session-files", str(path)], BASE, cwd=tmp_path)
    assert any(
        p == f'session-files: "{path}" is a socket, not a file to read session IDs from'
        for p in caught.value.problems
    ), caught.value.problems
