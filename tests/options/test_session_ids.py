"""Session IDs from option values, links and files Checkly tooling writes (options.session_ids)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gate.model import SessionKind
from gate.options import session_ids
from gate.options.session_ids import (
    SessionRef,
    ids_in_json,
    ids_in_text,
    parse_id_list,
    read_session_file,
    refs_from_files,
    show,
    strip_ansi,
    unique,
)

TEST = SessionKind.TEST
CHECK = SessionKind.CHECK
TS1 = "0c4c64b3-79c5-44a6-ae07-b580ce73f328"
TS2 = "4a1c2d3e-5f60-4718-89ab-cdef01234567"
CS1 = "8166fa86-c9b4-4162-8541-d380c6c212d8"
CS2 = "2f0c9e61-3b7a-4d58-9a41-6c1e0b7d9f35"
ACCOUNT = "1397c172-1938-4973-a225-5862298e571a"
CHECK_ID = "a4cd4ad9-4815-4a9e-92d2-0a7c562ee69a"
RESULT = "702961fd-7e2c-45f0-97be-1aa9eabd4d82"
APP = "https://app.checklyhq.com"
CHECK_SESSION_LINK = f"{APP}/accounts/{ACCOUNT}/checks/{CHECK_ID}/check-sessions/{CS1}"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("INPUT_", "GITHUB_", "CHECKLY_")):
            monkeypatch.delenv(name)


def ts(session_id: str) -> SessionRef:
    return SessionRef(TEST, session_id)


def cs(session_id: str) -> SessionRef:
    return SessionRef(CHECK, session_id)


# --- option values ---------------------------------------------------------------------------


@pytest.mark.parametrize("separator", [",", " ", "\n", ", ", " ,\n\t", "\r\n"])
def test_ids_are_split_on_commas_spaces_and_newlines(separator: str) -> None:
    refs, problems = parse_id_list(f"{TS1}{separator}{TS2}", TEST)
    assert refs == [ts(TS1), ts(TS2)]
    assert problems == []


def test_ids_are_lower_cased_and_kind_follows_the_option() -> None:
    refs, problems = parse_id_list(TS1.upper(), CHECK)
    assert refs == [cs(TS1)]
    assert problems == []


def test_quotes_and_brackets_around_ids_are_dropped_so_a_json_array_works() -> None:
    refs, problems = parse_id_list(f'["{TS1}", "{TS2}"]', TEST)
    assert refs == [ts(TS1), ts(TS2)]
    assert problems == []


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (f"{APP}/test-sessions/{TS1}", ts(TS1)),
        (f"{APP}/test-sessions/{TS1}/results/{RESULT}", ts(TS1)),
        (CHECK_SESSION_LINK, cs(CS1)),
        (f"{CHECK_SESSION_LINK}/results/{RESULT}", cs(CS1)),
        (f"{APP}/test-sessions/{TS1.upper()}?tab=results#top", ts(TS1)),
        (f"app.checklyhq.com/test-sessions/{TS1}", ts(TS1)),
    ],
)
def test_links_give_the_session_id_not_the_account_check_or_result(
    link: str, expected: SessionRef
) -> None:
    refs, problems = parse_id_list(link, TEST)
    assert refs == [expected]
    assert problems == []


def test_a_check_session_link_in_test_session_ids_is_a_check_session() -> None:
    refs, _ = parse_id_list(f"{TS1} {CHECK_SESSION_LINK}", TEST)
    assert refs == [ts(TS1), cs(CS1)]


def test_a_test_session_link_in_check_session_ids_is_a_test_session() -> None:
    refs, _ = parse_id_list(f"{APP}/test-sessions/{TS1}", CHECK)
    assert refs == [ts(TS1)]


def test_bad_tokens_are_each_a_problem_and_good_ones_still_count() -> None:
    refs, problems = parse_id_list(f"abc, {TS1}, 1234", TEST)
    assert refs == [ts(TS1)]
    assert problems == [
        '"abc" is not a session ID; use a UUID such as 4a1c2d3e-5f60-4718-89ab-cdef01234567, '
        "or a Checkly link containing /test-sessions/<id> or /check-sessions/<id>",
        '"1234" is not a session ID; use a UUID such as 4a1c2d3e-5f60-4718-89ab-cdef01234567, '
        "or a Checkly link containing /test-sessions/<id> or /check-sessions/<id>",
    ]


def test_a_link_without_a_session_id_is_a_problem() -> None:
    link = f"{APP}/checks/{CHECK_ID}/results/{RESULT}"
    refs, problems = parse_id_list(link, TEST)
    assert refs == []
    assert problems == [
        f'"{link[:79]}…" is a link without a session ID; use a link containing '
        "/test-sessions/<id> or /check-sessions/<id>, or the UUID itself"
    ]


def test_a_uuid_with_extra_characters_is_not_an_id() -> None:
    _, problems = parse_id_list(TS1 + "0", TEST)
    assert len(problems) == 1
    _, problems = parse_id_list(f"{APP}/test-sessions/{TS1}0", TEST)
    assert "link without a session ID" in problems[0]


def test_unique_keeps_the_first_of_each_id_whatever_its_kind() -> None:
    refs = [ts(TS1), cs(CS1), ts(TS1), cs(TS1), ts(TS2), cs(CS1)]
    assert unique(refs) == (ts(TS1), cs(CS1), ts(TS2))


def test_show_quotes_escapes_cuts_and_hides_secret_looking_values() -> None:
    assert show('a "b"\n::error::x') == '"a \\"b\\"\\n::error::x"'
    assert show("x" * 100) == '"' + "x" * 79 + '…"'
    assert show("key cu_0123456789abcdef here") == '"key *** here"'
    assert show("ghp_abcdefghijklmnopqrstuvwxyz") == '"***"'


# --- text and JSON scanning --------------------------------------------------------------------


def test_ansi_colour_codes_are_stripped_and_hyperlinks_keep_their_url() -> None:
    coloured = f"\x1b[32mTest session ID:\x1b[39m \x1b[1m{TS1}\x1b[22m"
    assert strip_ansi(coloured) == f"Test session ID: {TS1}"
    hyperlink = f"\x1b]8;;{APP}/test-sessions/{TS2}\x1b\\details\x1b]8;;\x1b\\"
    assert ids_in_text(hyperlink) == [ts(TS2)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Test session ID: {TS1}", ts(TS1)),
        (f"test session id:{TS1.upper()}", ts(TS1)),
        (f'"testSessionId": "{TS1}"', ts(TS1)),
        (f"test-session-id={TS1}", ts(TS1)),
        (f"CHECKLY_TEST_SESSION_ID='{TS1}'", ts(TS1)),
        (f'"checkSessionId":"{CS1}"', cs(CS1)),
        (f"Check session ID: {CS1}", cs(CS1)),
        (f"see {CHECK_SESSION_LINK} for details", cs(CS1)),
    ],
)
def test_labelled_ids_and_links_are_found_in_text(text: str, expected: SessionRef) -> None:
    assert ids_in_text(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        f"Check ID: {CHECK_ID}",  # a check, not a session
        f"{TS1}",  # a bare UUID could be anything
        f"latestSessionId: {TS1}",  # only test/check sessions
        f"Account: {ACCOUNT}, result {RESULT}",
        f"Test session ID: {TS1}ff",  # not a UUID
    ],
)
def test_other_uuids_in_text_are_not_sessions(text: str) -> None:
    assert ids_in_text(text) == []


def test_ids_in_json_walks_the_whole_document_in_order() -> None:
    document = {
        "runs": [{"detail": {"testSessionId": TS1.upper()}}],
        "link": f"{APP}/test-sessions/{TS2}",
        "sessions": [{"checkSessionId": CS1, "checkId": CHECK_ID}],
        "note": f"Check session ID: {CS2}",
        "testSessionId": 42,
        "checkSessionId": "not-a-uuid",
    }
    assert ids_in_json(document) == [ts(TS1), ts(TS2), cs(CS1), cs(CS2)]


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
        "create a test session only with --record)"
    ]


def test_an_unreadable_file_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "secret.json", json.dumps(TEST_SESSION_TRIGGER))

    def refuse(path: Path) -> list[SessionRef]:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(session_ids, "read_session_file", refuse)
    refs, problems = refs_from_files("secret.json", tmp_path)
    assert refs == []
    assert problems == ['cannot read "secret.json": Permission denied']
