"""What the real Checkly tools print, read as session files (SPEC §2's session-files paragraph).

Each fixture in `tests/fixtures/checkly-output/` is reconstructed from the tool's source and
named after the command and version that prints it (see the README there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.options.session_ids import (
    NothingMatched,
    SessionFileError,
    read_session_file,
    refs_from_files,
)
from tests.support.options import TS1, cs, ts
from tests.support.paths import FIXTURES

pytestmark = pytest.mark.usefixtures("clean_env")
OUTPUT = FIXTURES / "checkly-output"
FIRST = "8166fa86-c9b4-4162-8541-d380c6c212d8"
SECOND = "16e22c0d-22a5-4d03-93c5-91bc38ac3c85"
CHECKS = ("a4cd4ad9-4815-4a9e-92d2-0a7c562ee69a", "22336fd1-c407-4bf7-a793-91c2246fd08f")


def test_the_checks_run_table_gives_every_session_id_and_never_a_check_id() -> None:
    refs = read_session_file(OUTPUT / "checkly-8.19.0-checks-run-180-columns.txt")
    assert refs == [cs(FIRST), cs(SECOND)]  # the "Open first session" link repeats the first
    assert not {r.id for r in refs} & set(CHECKS)


def test_the_checks_run_markdown_table_gives_every_session() -> None:
    assert read_session_file(OUTPUT / "checkly-8.19.0-checks-run-output-md.md") == [
        cs(FIRST),
        cs(SECOND),
    ]


def test_a_table_cut_to_120_columns_is_an_error_naming_the_file_and_the_fix(
    tmp_path: Path,
) -> None:
    name = "checkly-8.19.0-checks-run-detach-120-columns.txt"
    with pytest.raises(SessionFileError):
        read_session_file(OUTPUT / name)
    refs, problems = refs_from_files(name, OUTPUT)
    assert refs == []
    [problem] = problems
    assert problem.startswith(f'"{name}" names 1 session by an ID cut short with …')
    assert "--output json" in problem
    # the first row is completed by the "Open first session" link; the second by nothing


def test_a_cut_table_whose_every_id_is_completed_elsewhere_is_read(tmp_path: Path) -> None:
    text = (OUTPUT / "checkly-8.19.0-checks-run-detach-120-columns.txt").read_text("utf-8")
    path = tmp_path / "run.log"
    path.write_text(text + f"https://app.checklyhq.com/check-sessions/{SECOND}\n", "utf-8")
    assert read_session_file(path) == [cs(FIRST), cs(SECOND)]


def test_checks_run_json_listing_no_session_is_nothing_matched_not_a_bad_file() -> None:
    name = "checkly-8.19.0-checks-run-output-json-no-matching.json"
    with pytest.raises(NothingMatched):
        read_session_file(OUTPUT / name)
    found: list[str] = []
    assert refs_from_files(name, OUTPUT, nothing_matched=found) == ([], [])
    assert found == [name]


def test_the_test_session_reference_of_checkly_test() -> None:
    # the ID, the `checkly test-sessions get <id>` hint and the account's session link: one session
    assert read_session_file(OUTPUT / "checkly-8.19.0-test-detach.txt") == [ts(TS1)]


def test_the_checkly_action_step_summary_with_backticks_is_read(tmp_path: Path) -> None:
    summary = (OUTPUT / "checkly-action-1.1.0-step-summary.md").read_text("utf-8")
    assert read_session_file(OUTPUT / "checkly-action-1.1.0-step-summary.md") == [ts(TS1)]
    path = tmp_path / "summary.md"  # the ID line alone, without the session link
    path.write_text(summary.split("- Open session")[0], "utf-8")
    assert read_session_file(path) == [ts(TS1)]


def test_the_no_session_hint_says_recording_is_the_default(tmp_path: Path) -> None:
    (tmp_path / "out.log").write_text("Running 2 checks in eu-west-1.\n", "utf-8")
    [problem] = refs_from_files("out.log", tmp_path)[1]
    assert "--no-record" in problem
    assert "only with --record" not in problem


def test_the_table_is_read_with_windows_line_ends_and_a_spinner_before_it(tmp_path: Path) -> None:
    text = (OUTPUT / "checkly-8.19.0-checks-run-180-columns.txt").read_text("utf-8")
    text = text.replace(
        "\x1b[1mSTATUS", "\x1b[2K\x1b[1G✔ Waiting for check sessions to complete...\x1b[1mSTATUS"
    )
    path = tmp_path / "run.log"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert read_session_file(path) == [cs(FIRST), cs(SECOND)]
