"""Issue 12: lists of only separators (item 3), ASCII digits (item 10), reports that are
inputs (item 5), and short secrets that must not garble option names in messages."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from gate.cli import main
from gate.core.errors import InvalidOptions
from gate.core.model import SessionKind
from gate.options.config import load_config
from gate.options.durations import DurationError, parse_duration
from gate.options.session_ids import SessionRef

ACCOUNT = "1397c172-1938-4973-a225-5862298e571a"
A = "0c4c64b3-79c5-44a6-ae07-b580ce73f328"
B = "8166fa86-c9b4-4162-8541-d380c6c212d8"
BASE = {"CHECKLY_API_KEY": "cu_3f9a8b7c6d5e4f30a1b2c3d4e5f60718", "CHECKLY_ACCOUNT_ID": ACCOUNT}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("INPUT_", "GITHUB_", "CHECKLY_")):
            monkeypatch.delenv(name)


def problems(argv: list[str], environ: dict[str, str], cwd: Path) -> list[str]:
    with pytest.raises(InvalidOptions) as caught:
        load_config(argv, environ, cwd=cwd)
    return caught.value.problems


@pytest.mark.parametrize("value", [",", " , ", ",\n,", ";"[:0] + ",,"])
def test_fail_on_of_only_separators_is_invalid_from_the_runner_too(
    tmp_path: Path, value: str
) -> None:
    env = BASE | {"INPUT_FAIL-ON": value, "INPUT_TEST-SESSION-IDS": A}
    found = problems([], env, tmp_path)
    assert [p for p in found if p.startswith("fail-on:")], found
    assert "only separators" in found[0]


@pytest.mark.parametrize("name", ["test-session-ids", "check-session-ids"])
def test_id_lists_of_only_separators_are_invalid(tmp_path: Path, name: str) -> None:
    env = BASE | {"INPUT_TEST-SESSION-IDS": A} if name != "test-session-ids" else dict(BASE)
    found = problems([f"--{name}", ",\n,"], env, tmp_path)
    assert any(p.startswith(f"{name}:") and "only separators" in p for p in found), found


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--max-wait-seconds", "\u0661\u0660"),
        ("--max-failures", "\uff13"),
        ("--min-pass-rate", "\u0669\u0665"),
        ("--pr-number", "\uff14\uff12"),
        ("--timeout", "\u0669\u0660s"),
        ("--timeout", "\uff19\uff10"),
    ],
)
def test_numbers_are_ascii_digits_only(tmp_path: Path, flag: str, value: str) -> None:
    found = problems([flag, value, "--test-session-ids", A], BASE, tmp_path)
    assert any(p.startswith(flag[2:] + ":") and value in p for p in found), found


def test_durations_are_ascii_digits_only() -> None:
    for text in ("\u0669\u0660", "\uff11m", "1h\u0663\u0660m"):
        with pytest.raises(DurationError):
            parse_duration(text)


# -- item 5: reports are outputs, never inputs ---------------------------------------------------
def test_a_glob_skips_the_runs_own_report_files(tmp_path: Path) -> None:
    """The second run of `--session-files 'checkly-*'` must not read the first run's reports."""
    (tmp_path / "checkly-ids.json").write_text(json.dumps({"testSessionId": A}), "utf-8")
    link = f"https://app.checklyhq.com/test-sessions/{B}"
    (tmp_path / "checkly-summary.md").write_text(f"Test session ID: {B}\n{link}\n", "utf-8")
    (tmp_path / "checkly-junit.xml").write_text(f"<x>{link}</x>", "utf-8")
    argv = ["--session-files", "checkly-*", "--junit-file", "checkly-junit.xml"]
    argv += ["--summary-file", str(tmp_path / "checkly-summary.md")]
    config = load_config(argv, BASE, cwd=tmp_path)
    assert config.sessions == (SessionRef(SessionKind.TEST, A),)


def test_a_report_named_as_a_session_file_is_invalid(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(json.dumps({"testSessionId": A}), "utf-8")
    found = problems(["--session-files", "s.json", "--json-file", "./s.json"], BASE, tmp_path)
    assert found == [
        'json-file: "./s.json" is also a session file; a report is written, never read: '
        "give it a path of its own"
    ]


@pytest.mark.parametrize("template", ["summary-template", "comment-template"])
def test_a_report_named_as_a_template_is_invalid(tmp_path: Path, template: str) -> None:
    (tmp_path / "t.j2").write_text('{% extends "base" %}', "utf-8")
    argv = [f"--{template}", "t.j2", "--summary-file", "t.j2", "--test-session-ids", A]
    found = problems(argv, BASE, tmp_path)
    assert found == [
        f'summary-file: "t.j2" is also the {template}; a report is written, never read: '
        "give it a path of its own"
    ]
    assert (tmp_path / "t.j2").read_text("utf-8") == '{% extends "base" %}'


# -- short secrets ------------------------------------------------------------------------------
def test_a_short_api_key_does_not_garble_option_names(tmp_path: Path) -> None:
    """Found by hypothesis: an API key `pr-c` turned `pr-comment: ...` into `***omment: ...`."""
    env = {"CHECKLY_API_KEY": "pr-c", "CHECKLY_ACCOUNT_ID": ACCOUNT}
    found = problems(["--pr-comment", "sometimes", "--test-session-ids", A], env, tmp_path)
    assert found == ['pr-comment: "sometimes" is not allowed; use always, on-failure or never']


def test_a_short_api_key_is_still_hidden_where_it_stands_alone(tmp_path: Path) -> None:
    env = {"CHECKLY_API_KEY": "pr-c", "CHECKLY_ACCOUNT_ID": ACCOUNT}
    found = problems(["--pr-comment", "pr-c", "--test-session-ids", A], env, tmp_path)
    assert found == ['pr-comment: "***" is not allowed; use always, on-failure or never']


def test_a_short_api_key_does_not_garble_the_console(tmp_path: Path) -> None:
    out = io.StringIO()
    env = {"CHECKLY_API_KEY": "pr-c", "CHECKLY_ACCOUNT_ID": ACCOUNT, "GITHUB_ACTIONS": "true"}
    code = main(["--pr-comment", "pr-c", "--test-session-ids", A], env, out=out)
    assert code == 2
    log = out.getvalue()
    assert 'pr-comment: "***" is not allowed' in log
    assert "***omment" not in log
