"""Options (SPEC §2): the command-line interface and the precedence of flag, input and
environment variable.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gate import __version__
from gate.core.model import Outcome, SessionKind
from gate.core.verdict import DEFAULT_FAIL_ON
from gate.options.config import OPTIONS, Config, SessionRef, build_parser
from tests.support.options import (
    ACCOUNT,
    BASE,
    CS1,
    KEY,
    SPEC_OPTIONS,
    TOKEN,
    TS1,
    TS2,
    action_env,
    load,
)

pytestmark = pytest.mark.usefixtures("clean_env")


# --- the interface ------------------------------------------------------------------------------


def test_every_spec_option_is_a_flag_and_in_the_table() -> None:
    assert [o.name for o in OPTIONS] == SPEC_OPTIONS
    flags = {a.option_strings[0] for a in build_parser()._actions if a.option_strings}
    assert {f"--{name}" for name in SPEC_OPTIONS} <= flags


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        load(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"checkly-gate {__version__}"
    parser = build_parser()
    assert parser.prog == "checkly-gate"
    help_text = parser.format_help()
    assert "checkly-gate demo" in help_text
    assert "INPUT_API-KEY" in help_text


def test_defaults() -> None:
    config = load(env=BASE)
    assert config.api_key == KEY
    assert config.account_id == ACCOUNT
    assert config.api_url == "https://api.checklyhq.com"
    assert config.sessions == (SessionRef(SessionKind.TEST, TS1),)
    assert config.timeout_s == 600
    assert config.max_wait_seconds == 30
    assert config.thresholds.fail_on == DEFAULT_FAIL_ON
    assert config.thresholds.max_failures == 0
    assert config.thresholds.min_pass_rate == 0
    assert config.job_summary is True
    assert config.pr_comment == "always"
    assert config.comment_key == "checkly-gate"
    assert config.github_token is None
    assert config.pr_number is None
    assert config.summary_template is None
    assert config.comment_template is None
    assert (config.junit_file, config.json_file, config.summary_file) == (None, None, None)


def test_config_is_frozen() -> None:
    config = load()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.api_key = "x"  # type: ignore[misc]


# --- precedence ---------------------------------------------------------------------------------

LEVELS = ["flag", "INPUT_hyphen", "INPUT_underscore", "env"]


@pytest.mark.parametrize("winner", LEVELS)
@pytest.mark.parametrize(
    ("option", "env_name", "attribute"),
    [
        ("api-key", "CHECKLY_API_KEY", "api_key"),
        ("account-id", "CHECKLY_ACCOUNT_ID", "account_id"),
        ("api-url", "CHECKLY_API_URL", "api_url"),
        ("github-token", "GITHUB_TOKEN", "github_token"),
    ],
)
def test_precedence_flag_input_hyphen_input_underscore_env(
    winner: str, option: str, env_name: str, attribute: str
) -> None:
    values = {
        "api-key": [f"cu_{n}" for n in "abcd"],
        "account-id": [f"{n}0000000-0000-4000-8000-000000000000" for n in "abcd"],
        "api-url": [f"https://{n}.example" for n in "abcd"],
        "github-token": [f"token-{n}" for n in "abcd"],
    }[option]
    start = LEVELS.index(winner)  # the levels above the winner are unset, those below lose
    upper = option.upper()
    env = dict(BASE) | {
        f"INPUT_{upper}": values[1] if start <= 1 else "",
        f"INPUT_{upper.replace('-', '_')}": values[2] if start <= 2 else "  ",
        env_name: values[3],
    }
    argv = [f"--{option}", values[0]] if start == 0 else []
    assert getattr(load(argv, env), attribute) == values[start]


@pytest.mark.parametrize("option", ["max-wait-seconds", "fail-on", "pr-comment"])
def test_precedence_without_a_conventional_variable(option: str) -> None:
    flag, hyphen, underscore, expected_default = {
        "max-wait-seconds": ("5", "6", "7", 30),
        "fail-on": ("failed", "error", "degraded", DEFAULT_FAIL_ON),
        "pr-comment": ("never", "on-failure", "never", "always"),
    }[option]
    upper = option.upper()

    def read(config: Config) -> object:
        return {
            "max-wait-seconds": config.max_wait_seconds,
            "fail-on": config.thresholds.fail_on,
            "pr-comment": config.pr_comment,
        }[option]

    both = BASE | {f"INPUT_{upper}": hyphen, f"INPUT_{upper.replace('-', '_')}": underscore}
    assert read(load([f"--{option}", flag], both)) == read(load([f"--{option}={flag}"], BASE))
    assert read(load([], both)) == read(load([f"--{option}", hyphen], BASE))
    underscore_only = BASE | {f"INPUT_{upper.replace('-', '_')}": underscore}
    assert read(load([], underscore_only)) == read(load([f"--{option}", underscore], BASE))
    assert read(load([], BASE)) == expected_default


def test_empty_values_fall_through_at_every_level() -> None:
    env = action_env(test_session_ids=TS1) | {
        "INPUT_API_KEY": " \t",
        "CHECKLY_API_KEY": KEY,
        "CHECKLY_ACCOUNT_ID": ACCOUNT,
        "CHECKLY_API_URL": "",
    }
    config = load(["--api-key", "", "--timeout="], env)
    assert config.api_key == KEY
    assert config.api_url == "https://api.checklyhq.com"
    assert config.timeout_s == 600
    assert config.job_summary is True


def test_the_runner_environment_with_every_input_set() -> None:
    env = action_env(
        api_key=KEY,
        account_id=ACCOUNT.upper(),
        api_url="https://api.eu.example.com/",
        test_session_ids=f"{TS1}\n{TS2}",
        check_session_ids=CS1,
        timeout="1h30m",
        max_wait_seconds="10",
        fail_on="failed, degraded",
        max_failures="2",
        min_pass_rate="95%",
        job_summary="false",
        pr_comment="on-failure",
        comment_key="  e2e / staging  ",
        github_token=TOKEN,
        pr_number="#42",
        junit_file="reports/checkly.xml",
        json_file="reports/checkly.json",
        summary_file="reports/summary.md",
    )
    config = load(env=env)
    assert config.account_id == ACCOUNT
    assert config.api_url == "https://api.eu.example.com"
    assert [r.id for r in config.sessions] == [TS1, TS2, CS1]
    assert [r.kind for r in config.sessions] == [SessionKind.TEST] * 2 + [SessionKind.CHECK]
    assert config.timeout_s == 5400
    assert config.max_wait_seconds == 10
    assert config.thresholds.fail_on == {Outcome.FAILED, Outcome.DEGRADED}
    assert config.thresholds.max_failures == 2
    assert config.thresholds.min_pass_rate == 95
    assert config.job_summary is False
    assert config.pr_comment == "on-failure"
    assert config.comment_key == "e2e / staging"
    assert config.github_token == TOKEN
    assert config.pr_number == 42
    assert config.junit_file == Path("reports/checkly.xml")
    assert config.json_file == Path("reports/checkly.json")
    assert config.summary_file == Path("reports/summary.md")
