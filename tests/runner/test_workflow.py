"""Unit tests: the GitHub runner I/O (escaping, masks, outputs by the runner's rules)."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gate.runner.workflow import (
    Runner,
    escape_data,
    escape_property,
    format_outputs,
    neutralize,
    parse_outputs,
)

# How the runner recognises a command in a log line (actions/runner ActionCommand):
# v2 `::name ...::` at the start of the trimmed line, legacy `##[name` anywhere.
COMMAND = re.compile(r"^\s*::[A-Za-z-]+(?: [^:]*)?::")
LEGACY = re.compile(r"##\[")


def runner(env: dict[str, str] | None = None) -> tuple[Runner, io.StringIO]:
    out = io.StringIO()
    return Runner({"GITHUB_ACTIONS": "true", **(env or {})}, out), out


def test_escape_data_and_property() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c\n") == "a%3Ab%2Cc%0A"


@pytest.mark.parametrize(
    "hostile",
    [
        "::error::owned",
        "  ::add-mask::x",
        "name\n::stop-commands::abc",
        "##[error]legacy",
        "x\r::set-output name=result::passed",
        "::group::\x1b[31mred",
    ],
)
def test_neutralized_text_never_acts_as_a_command(hostile: str) -> None:
    line = neutralize(hostile)
    assert "\n" not in line and "\r" not in line
    assert not COMMAND.match(line)
    assert not LEGACY.search(line)


@given(st.text())
def test_neutralize_property(text: str) -> None:
    line = neutralize(text)
    assert "\n" not in line and not COMMAND.match(line) and not LEGACY.search(line)


def test_commands_only_under_github() -> None:
    gh, out = runner()
    gh.error("bad thing\nsecond line", title="a:b")
    assert out.getvalue() == "::error title=a%3Ab::bad thing%0Asecond line\n"
    plain_out = io.StringIO()
    plain = Runner({}, plain_out)
    plain.error("::error::bad")
    assert plain_out.getvalue() == "error: :\u200b:error:\u200b:bad\n"


def test_mask_first_and_scrub_afterwards() -> None:
    gh, out = runner()
    gh.mask(["s3cr3t-key", "line-one\nline-two", ""])
    gh.say("the key is s3cr3t-key")
    lines = out.getvalue().splitlines()
    assert lines[:3] == ["::add-mask::s3cr3t-key", "::add-mask::line-one", "::add-mask::line-two"]
    assert lines[3] == "the key is ***"


def test_scrub_without_github() -> None:
    out = io.StringIO()
    plain = Runner({}, out)
    plain.mask(["tok-123456"])
    plain.say("Bearer tok-123456")
    assert out.getvalue() == "Bearer ***\n"


def test_outputs_use_heredoc_for_multiline(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "output"
    gh, _ = runner({"GITHUB_OUTPUT": str(path)})
    gh.set_outputs({"result": "failed", "sessions": "[1,\n2]", "empty": ""})
    text = path.read_text()
    assert "result=failed\n" in text
    delimiter = re.search(r"^sessions<<(ghadelimiter_[0-9a-f-]{36})$", text, re.M)
    assert delimiter, text
    assert parse_outputs(text) == {"result": "failed", "sessions": "[1,\n2]", "empty": ""}


def test_two_heredocs_get_different_delimiters() -> None:
    text = format_outputs({"a": "1\n2", "b": "3\n4"})
    delimiters = re.findall(r"<<(\S+)", text)
    assert len(set(delimiters)) == 2


@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
        st.text(alphabet=st.characters(blacklist_characters="\r", blacklist_categories=["Cs"])),
        max_size=6,
    )
)
def test_outputs_round_trip_through_the_runner_rules(values: dict[str, str]) -> None:
    assert parse_outputs(format_outputs(values)) == values


def test_parser_rejects_unterminated_heredoc() -> None:
    with pytest.raises(ValueError, match="no end delimiter"):
        parse_outputs("x<<EOF\nvalue\n")


def test_plain_errors_keep_their_lines_outside_github() -> None:
    out = io.StringIO()
    Runner({}, out).error("2 invalid options:\n  - timeout: bad\n::error::x")
    assert out.getvalue().splitlines() == [
        "error: 2 invalid options:",
        "  - timeout: bad",  # as docs/options.md shows it
        "  :\u200b:error:\u200b:x",
    ]


def test_values_too_short_to_be_secrets_are_not_masked() -> None:
    gh, out = runner()
    gh.mask(["u", "abc"])
    gh.say("api-url: use a URL")
    assert out.getvalue() == "api-url: use a URL\n"
