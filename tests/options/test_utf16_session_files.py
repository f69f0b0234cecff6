"""docs/options.md says UTF-8 and UTF-16 (what PowerShell's `>` writes) are both read: every
shape, small or streamed, through a pipe too (issue 12, "Done when")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gate.core.model import SessionKind
from gate.options import session_ids
from gate.options.session_ids import SessionRef, read_session_file

A = "0c4c64b3-79c5-44a6-ae07-b580ce73f328"
B = "8166fa86-c9b4-4162-8541-d380c6c212d8"
TEXT = f"Running...\r\nTest session ID: {A}\r\nCheck session ID: {B}\r\n"
DOC = json.dumps({"testSessionId": A, "sessions": [{"checkSessionId": B}]}, indent=4)
WANTED = [SessionRef(SessionKind.TEST, A), SessionRef(SessionKind.CHECK, B)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-8-sig"])
@pytest.mark.parametrize("content", [TEXT, DOC], ids=["text", "json"])
def test_powershell_encodings_are_read(tmp_path: Path, encoding: str, content: str) -> None:
    path = tmp_path / "ids"
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + content.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + content.encode("utf-16-be")
    else:
        data = content.encode(encoding)
    path.write_bytes(data)
    assert read_session_file(path) == WANTED


def test_a_streamed_utf16_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_ids, "_MAX_JSON_BYTES", 1024)
    monkeypatch.setattr(session_ids, "_CHUNK", 700)
    path = tmp_path / "big.log"
    path.write_bytes(("noise line\r\n" * 500 + TEXT + "more\r\n" * 300).encode("utf-16"))
    assert read_session_file(path) == WANTED


def test_utf16_through_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "ids"
    os.mkfifo(fifo)
    data = TEXT.encode("utf-16")
    writer = subprocess.Popen([sys.executable, "-c", f"open({str(fifo)!r}, 'wb').write({data!r})"])
    try:
        assert read_session_file(fifo) == WANTED
    finally:
        writer.wait(timeout=10)
