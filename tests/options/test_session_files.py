"""Session files (options.session_ids): the five file shapes Checkly tooling writes, encodings,
large files, and the `session-files` patterns and their problems.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate.options import session_ids
from gate.options.session_ids import (
    SessionRef,
    read_session_file,
    refs_from_files,
)
from tests.support.options import ACCOUNT, APP, CHECK_ID, CS1, CS2, RESULT, TS1, TS2, cs, ts

pytestmark = pytest.mark.usefixtures("clean_env")


# --- the five file shapes ----------------------------------------------------------------------

JSON_REPORT = {
    "testSessionId": TS1,
    "numChecks": 2,
    "runLocation": "eu-west-1",
    "checks": [
        {
            "result": "Pass",
            "name": "my-test.spec.ts",
            "checkType": "BROWSER",
            "durationMilliseconds": 6522,
            "filename": "src/__checks__/folder/browser.check.ts",
            "link": f"{APP}/test-sessions/{TS1}/results/{RESULT}",
            "runError": None,
            "retries": 0,
        },
        {
            "result": "Fail",
            "name": "Test API check",
            "checkType": "API",
            "durationMilliseconds": 1234,
            "filename": "src/some-other-folder/api.check.ts",
            "link": f"{APP}/test-sessions/{TS1}/results/1c0be612-a5ec-432e-ac1c-837d2f70c010",
            "runError": "Expected 200, got 503",
            "retries": 1,
        },
    ],
}


def _check_session(session_id: str, name: str) -> dict[str, object]:
    return {
        "checkSessionId": session_id,
        "checkSessionLink": f"{APP}/accounts/{ACCOUNT}/checks/{CHECK_ID}/check-sessions/"
        f"{session_id}",
        "checkId": CHECK_ID,
        "checkType": "API",
        "name": name,
        "status": "STARTED",
        "startedAt": "2025-08-28T18:23:40.262Z",
        "stoppedAt": None,
        "timeElapsed": 0,
        "runLocations": ["us-east-1", "eu-central-1"],
        "runSource": "TRIGGER_API",
    }


CHECKS_RUN_DETACH = {
    "sessions": [
        {"checkSessionId": CS1, "checkId": CHECK_ID, "name": "Homepage"},
        {"checkSessionId": CS2, "checkId": "5d7c1a4e-2b3f-4c6d-8e9f-0a1b2c3d4e5f", "name": "API"},
    ]
}
TEST_SESSION_TRIGGER = {
    "testSessionId": TS2,
    "testSessionLink": f"{APP}/test-sessions/{TS2}",
    "name": "Deploy preview e2e",
    "status": "RUNNING",
    "errorGroupIds": [],
    "startedAt": "2025-08-28T18:23:40.262Z",
    "stoppedAt": None,
    "timeElapsed": 0,
    "results": [],
}
CHECK_SESSION_TRIGGER = {
    "sessions": [_check_session(CS2, "Login flow"), _check_session(CS1, "Homepage")]
}
CLI_TEXT = (
    "\x1b[2K\x1b[1G\x1b[36m⠋\x1b[39m Bundling project resources...\n"
    "Running 2 checks in \x1b[1meu-west-1\x1b[22m.\n\n"
    "\x1b[32mTest session ID:\x1b[39m " + TS1 + "\n"
    "src/__checks__/home.check.ts\n"
    "  \x1b[32m✔\x1b[39m Homepage (1s)\n"
    "  \x1b[31m✖\x1b[39m Login flow (4s)\n\n"
    f"  Check ID: {CHECK_ID}\n"
    "\x1b[1m\x1b[31m1 failed\x1b[39m\x1b[22m, \x1b[1m\x1b[32m1 passed\x1b[39m\x1b[22m, 2 total\n"
    "  \x1b[37mDetailed session summary at:\x1b[39m \x1b[4m\x1b[36m"
    f"{APP}/test-sessions/{TS1}\x1b[39m\x1b[24m\n"
    "\x1b[32mTest session ID:\x1b[39m " + TS2.upper() + "\n"
)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("checkly-json-report.json", json.dumps(JSON_REPORT, indent=2), [ts(TS1)]),
        ("detach.json", json.dumps(CHECKS_RUN_DETACH), [cs(CS1), cs(CS2)]),
        ("test-trigger.json", json.dumps(TEST_SESSION_TRIGGER), [ts(TS2)]),
        ("check-trigger.json", json.dumps(CHECK_SESSION_TRIGGER), [cs(CS2), cs(CS1)]),
        ("checkly-test.log", CLI_TEXT, [ts(TS1), ts(TS2)]),
    ],
)
def test_each_checkly_file_shape_gives_its_sessions(
    tmp_path: Path, name: str, content: str, expected: list[SessionRef]
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert read_session_file(path) == expected


def test_json_after_noise_lines_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    noise = "npm WARN deprecated inflight@1.0.6\n"
    path.write_text(noise + json.dumps(CHECKS_RUN_DETACH, indent=2) + "\n", encoding="utf-8")
    assert read_session_file(path) == [cs(CS1), cs(CS2)]


def test_a_utf16_file_from_powershell_is_read(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_bytes(CLI_TEXT.encode("utf-16"))
    assert read_session_file(path) == [ts(TS1), ts(TS2)]


def test_a_json_report_without_a_session_has_none(tmp_path: Path) -> None:
    path = tmp_path / "checkly-json-report.json"
    path.write_text(json.dumps({**JSON_REPORT, "testSessionId": None} | {"checks": []}))
    assert read_session_file(path) == []


def test_a_large_file_is_streamed_and_ids_across_chunk_ends_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_ids, "_MAX_JSON_BYTES", 100)
    monkeypatch.setattr(session_ids, "_CHUNK", 700)
    ids = [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(40)]
    lines = []
    for i, sid in enumerate(ids):
        lines.append("x" * (i * 37 % 700))
        lines.append(
            f"\x1b[32mTest session ID:\x1b[39m {sid}" if i % 2 else f"{APP}/test-sessions/{sid}"
        )
    path = tmp_path / "big.log"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert read_session_file(path) == [ts(i) for i in ids]


# --- session-files patterns ---------------------------------------------------------------------


def _write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def test_patterns_are_globs_relative_to_cwd_in_line_order(tmp_path: Path) -> None:
    _write(tmp_path / "reports/b/checkly-json-report.json", json.dumps(JSON_REPORT))
    _write(tmp_path / "reports/a/trigger.json", json.dumps(TEST_SESSION_TRIGGER))
    _write(tmp_path / "detach.json", json.dumps(CHECKS_RUN_DETACH))
    _write(tmp_path / "reports/notes.md", "nothing here")
    refs, problems = refs_from_files(
        "# sessions from the deploy job\ndetach.json\n\n  reports/**/*.json  \n", tmp_path
    )
    assert problems == []
    assert refs == [cs(CS1), cs(CS2), ts(TS2), ts(TS1)]


def test_absolute_paths_work(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.json", json.dumps(TEST_SESSION_TRIGGER))
    refs, problems = refs_from_files(str(path), Path("/nonexistent"))
    assert (refs, problems) == ([ts(TS2)], [])


def test_missing_files_and_patterns_are_problems(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    refs, problems = refs_from_files("missing.json\nreports/*.json\ndir", tmp_path)
    assert refs == []
    assert problems == [
        f'"missing.json" does not exist (looked in {tmp_path})',
        f'"reports/*.json" matches no file (looked in {tmp_path})',
        '"dir" is a directory; give a file, or a glob such as reports/*.json',
    ]


def test_a_file_without_ids_is_a_problem_naming_the_file(tmp_path: Path) -> None:
    _write(tmp_path / "out/empty.log", "Running 2 checks in eu-west-1.\n2 passed, 2 total\n")
    _write(tmp_path / "out/good.log", CLI_TEXT)
    refs, problems = refs_from_files("out/*.log", tmp_path)
    assert refs == [ts(TS1), ts(TS2)]
    assert problems == [
        '"out/empty.log" holds no session ID; expected a Checkly CLI JSON report '
        "(testSessionId), `checkly checks run --detach --output json` output or a saved "
        "trigger response (testSessionId, sessions[].checkSessionId), or CLI output with "
        '"Test session ID: <uuid>" lines or session links (`checkly test` and `checkly trigger` '
        "record a test session unless given --no-record)"
    ]


def test_an_unreadable_file_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "secret.json", json.dumps(TEST_SESSION_TRIGGER))

    def refuse(path: Path) -> list[SessionRef]:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(session_ids, "read_session_file", refuse)
    refs, problems = refs_from_files("secret.json", tmp_path)
    assert refs == []
    assert problems == ['cannot read "secret.json": Permission denied']
