"""Options (SPEC §2): precedence, parsing of every option, and the message every bad input gets."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from gate import __version__
from gate.errors import EXIT_INVALID, InvalidOptions
from gate.model import Outcome, SessionKind
from gate.options.config import OPTIONS, Config, SessionRef, build_parser, load_config
from gate.verdict import DEFAULT_FAIL_ON
from tests.support.paths import ROOT

KEY = "cu_3f9a8b7c6d5e4f30a1b2c3d4e5f60718"
TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
ACCOUNT = "1397c172-1938-4973-a225-5862298e571a"
TS1 = "0c4c64b3-79c5-44a6-ae07-b580ce73f328"
TS2 = "4a1c2d3e-5f60-4718-89ab-cdef01234567"
CS1 = "8166fa86-c9b4-4162-8541-d380c6c212d8"
CHECK_ID = "a4cd4ad9-4815-4a9e-92d2-0a7c562ee69a"
BASE = {"CHECKLY_API_KEY": KEY, "CHECKLY_ACCOUNT_ID": ACCOUNT, "INPUT_TEST-SESSION-IDS": TS1}
SPEC_OPTIONS = [
    "api-key",
    "account-id",
    "api-url",
    "test-session-ids",
    "check-session-ids",
    "session-files",
    "timeout",
    "max-wait-seconds",
    "fail-on",
    "max-failures",
    "min-pass-rate",
    "job-summary",
    "pr-comment",
    "comment-key",
    "github-token",
    "pr-number",
    "summary-template",
    "comment-template",
    "junit-file",
    "json-file",
    "summary-file",
    "trigger",
    "tags",
    "check-ids",
    "location",
    "env",
    "secret-env",
    "test-session-name",
    "retries",
    "fail-on-no-matching",
    "cancel-on-exit",
]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("INPUT_", "GITHUB_", "CHECKLY_")):
            monkeypatch.delenv(name)


def load(
    argv: Sequence[str] = (), env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Config:
    return load_config(argv, BASE if env is None else env, cwd=cwd)


def problems_of(
    argv: Sequence[str] = (), env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> list[str]:
    with pytest.raises(InvalidOptions) as caught:
        load(argv, env, cwd)
    assert caught.value.exit_code == EXIT_INVALID
    return caught.value.problems


def action_env(**inputs: str) -> dict[str, str]:
    """The environment the runner gives a container action: every input, most of them empty."""
    env = {f"INPUT_{name.upper()}": "" for name in SPEC_OPTIONS}
    env.update({f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()})
    return env


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


# --- each option --------------------------------------------------------------------------------


def test_sessions_in_order_deduplicated_from_all_three_options(tmp_path: Path) -> None:
    (tmp_path / "trigger.json").write_text(json.dumps({"testSessionId": TS2}))
    config = load(
        [
            "--test-session-ids",
            f"{TS1.upper()}, {TS1}",
            "--check-session-ids",
            f"{CS1}\n{TS1}",
            "--session-files",
            "trigger.json",
        ],
        cwd=tmp_path,
    )
    assert config.sessions == (
        SessionRef(SessionKind.TEST, TS1),
        SessionRef(SessionKind.CHECK, CS1),
        SessionRef(SessionKind.TEST, TS2),
    )


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90),
        ("2.5", 2.5),
        ("90s", 90),
        ("15m", 900),
        ("1h", 3600),
        ("1h30m", 5400),
        ("2m30s", 150),
        ("1h 2m 3s", 3723),
        ("1.5h", 5400),
        ("1H30M", 5400),
        ("6h", 21600),
        ("1s", 1),
    ],
)
def test_timeout(text: str, seconds: float) -> None:
    assert load(["--timeout", text]).timeout_s == seconds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("none", frozenset()),
        ("NONE", frozenset()),
        ("failed", {Outcome.FAILED}),
        ("failed,degraded", {Outcome.FAILED, Outcome.DEGRADED}),
        ("failed degraded\nerror", {Outcome.FAILED, Outcome.DEGRADED, Outcome.ERROR}),
        ("Timed_Out, timed-out", {Outcome.TIMED_OUT}),
        (
            "degraded,failed,timed-out,cancelled,incomplete,error",
            set(Outcome) - {Outcome.PASSED},
        ),
    ],
)
def test_fail_on(text: str, expected: set[Outcome]) -> None:
    assert load(["--fail-on", text]).thresholds.fail_on == expected


@pytest.mark.parametrize(
    ("text", "rate"), [("0", 0), ("95", 95), ("99.5", 99.5), ("99.5%", 99.5), ("100 %", 100)]
)
def test_min_pass_rate(text: str, rate: float) -> None:
    assert load(["--min-pass-rate", text]).thresholds.min_pass_rate == rate


def test_min_pass_rate_below_one_percent_needs_the_percent_sign() -> None:
    assert load(["--min-pass-rate", "0.5%"]).thresholds.min_pass_rate == 0.5


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("FALSE", False),
        ("yes", True),
        ("No", False),
        ("1", True),
        ("0", False),
        ("on", True),
        ("off", False),
    ],
)
def test_job_summary(text: str, value: bool) -> None:
    assert load(["--job-summary", text]).job_summary is value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("always", "always"),
        ("On-Failure", "on-failure"),
        ("on_failure", "on-failure"),
        ("NEVER", "never"),
    ],
)
def test_pr_comment(text: str, value: str) -> None:
    assert load(["--pr-comment", text]).pr_comment == value


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("42", 42), ("#42", 42)])
def test_pr_number(text: str, value: int) -> None:
    assert load(["--pr-number", text]).pr_number == value


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("30", 30), ("07", 7)])
def test_max_wait_seconds(text: str, value: int) -> None:
    assert load(["--max-wait-seconds", text]).max_wait_seconds == value


def test_max_failures() -> None:
    assert load(["--max-failures", "0"]).thresholds.max_failures == 0
    assert load(["--max-failures", "1000"]).thresholds.max_failures == 1000


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"GITHUB_WORKFLOW": "CI", "GITHUB_JOB": "e2e"}, "CI/e2e"),
        ({"GITHUB_WORKFLOW": "Deploy preview"}, "Deploy preview"),
        ({"GITHUB_JOB": "gate"}, "gate"),
        ({"GITHUB_WORKFLOW": "a-->b\nc", "GITHUB_JOB": "j--!>"}, "a->b c/j->"),
        ({}, "checkly-gate"),
    ],
)
def test_comment_key_defaults_to_workflow_and_job_made_safe(env: dict[str, str], key: str) -> None:
    assert load(env=BASE | env).comment_key == key


def test_comment_key_given_wins() -> None:
    env = BASE | {"GITHUB_WORKFLOW": "CI", "GITHUB_JOB": "e2e"}
    assert load(["--comment-key", " staging "], env).comment_key == "staging"


def test_api_url_keeps_a_path_and_drops_the_trailing_slash() -> None:
    config = load(["--api-url", "http://127.0.0.1:8080/checkly//"])
    assert config.api_url == "http://127.0.0.1:8080/checkly"


def test_templates_are_resolved_against_cwd(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t/summary.md.j2").write_text('{% extends "base" %}')
    (tmp_path / "t/comment.md.j2").write_text('{% extends "base" %}')
    config = load(
        ["--summary-template", "t/summary.md.j2", "--comment-template", "t/comment.md.j2"],
        cwd=tmp_path,
    )
    assert config.summary_template == tmp_path / "t/summary.md.j2"
    assert config.comment_template == tmp_path / "t/comment.md.j2"


def test_output_paths_are_kept_as_given(tmp_path: Path) -> None:
    config = load(["--junit-file", "not/yet/there.xml"], cwd=tmp_path)
    assert config.junit_file == Path("not/yet/there.xml")


def test_secrets_lists_the_non_empty_secret_values() -> None:
    assert load().secrets() == [KEY]
    assert load(["--github-token", TOKEN]).secrets() == [KEY, TOKEN]


# --- bad input: every message names the option, the value and what is allowed -------------------

ALLOWED_IDS = (
    "use a UUID such as 4a1c2d3e-5f60-4718-89ab-cdef01234567, or a Checkly link containing "
    "/test-sessions/<id> or /check-sessions/<id>"
)
FAIL_ON_ALLOWED = (
    "use a list of degraded, failed, timed-out, cancelled, incomplete, error, or none alone"
)
RESULT_LINK = f"https://app.checklyhq.com/checks/{CHECK_ID}"
BAD_INPUTS: list[tuple[list[str], str]] = [
    (
        ["--account-id", "my-account"],
        'account-id: "my-account" is not a UUID; use the account ID under Checkly > Account '
        "settings > General",
    ),
    (
        ["--api-url", "api.checklyhq.com"],
        'api-url: "api.checklyhq.com" is not an http(s) URL; use a base URL such as '
        "https://api.checklyhq.com",
    ),
    (
        ["--api-url", "ftp://api.checklyhq.com"],
        'api-url: "ftp://api.checklyhq.com" is not an http(s) URL; use a base URL such as '
        "https://api.checklyhq.com",
    ),
    (
        ["--api-url", "https://api.checklyhq.com/v1/"],
        'api-url: "https://api.checklyhq.com/v1/" ends with an API version; use the base URL '
        "without it, such as https://api.checklyhq.com",
    ),
    (
        ["--api-url", "https://api.checklyhq.com?x=1"],
        'api-url: "https://api.checklyhq.com?x=1" has a query or fragment; use a base URL such '
        "as https://api.checklyhq.com",
    ),
    (
        ["--api-url", "https://user:hunter2@proxy.example"],
        'api-url: "https://user:***@proxy.example" holds a user name or password; use a base '
        "URL such as https://api.checklyhq.com",
    ),
    (
        ["--test-session-ids", "12345"],
        f'test-session-ids: "12345" is not a session ID; {ALLOWED_IDS}',
    ),
    (
        ["--check-session-ids", f"{CS1},oops"],
        f'check-session-ids: "oops" is not a session ID; {ALLOWED_IDS}',
    ),
    (
        ["--test-session-ids", RESULT_LINK],
        f'test-session-ids: "{RESULT_LINK}" is a link without a session ID; use a link '
        "containing /test-sessions/<id> or /check-sessions/<id>, or the UUID itself",
    ),
    (
        ["--timeout", "5 minutes"],
        'timeout: "5 minutes" is not a duration; use seconds (90), or units s/m/h such as 90s, '
        "15m, 1h30m",
    ),
    (
        ["--timeout", "1d"],
        'timeout: "1d" is not a duration; use seconds (90), or units s/m/h such as 90s, 15m, 1h30m',
    ),
    (
        ["--timeout", "-5"],
        'timeout: "-5" is not a duration; use seconds (90), or units s/m/h such as 90s, 15m, 1h30m',
    ),
    (["--timeout", "0"], 'timeout: "0" is out of range; use 1s to 6h'),
    (["--timeout", "7h"], 'timeout: "7h" is out of range; use 1s to 6h'),
    (
        ["--max-wait-seconds", "45"],
        'max-wait-seconds: "45" is not allowed; use a whole number from 1 to 30',
    ),
    (
        ["--max-wait-seconds", "0"],
        'max-wait-seconds: "0" is not allowed; use a whole number from 1 to 30',
    ),
    (
        ["--max-wait-seconds", "2.5"],
        'max-wait-seconds: "2.5" is not allowed; use a whole number from 1 to 30',
    ),
    (
        ["--fail-on", "failing"],
        f'fail-on: "failing" is not an outcome that can fail; {FAIL_ON_ALLOWED}',
    ),
    (
        ["--fail-on", "passed"],
        f'fail-on: "passed" is not an outcome that can fail; {FAIL_ON_ALLOWED}',
    ),
    (
        ["--fail-on", "none,failed"],
        f'fail-on: "none,failed" mixes none with outcomes; {FAIL_ON_ALLOWED}',
    ),
    (["--max-failures", "-1"], 'max-failures: "-1" is not allowed; use a whole number 0 or more'),
    (["--max-failures", "two"], 'max-failures: "two" is not allowed; use a whole number 0 or more'),
    (
        ["--min-pass-rate", "120"],
        'min-pass-rate: "120" is not allowed; use a percent from 0 to 100, such as 95 or 99.5%',
    ),
    (
        ["--min-pass-rate", "ninety"],
        'min-pass-rate: "ninety" is not allowed; use a percent from 0 to 100, such as 95 or 99.5%',
    ),
    (
        ["--min-pass-rate", "0.95"],
        'min-pass-rate: "0.95" looks like a fraction; use a percent from 0 to 100 (95 for 95%), '
        "or write 0.95% if you mean it",
    ),
    (
        ["--job-summary", "maybe"],
        'job-summary: "maybe" is not a boolean; use true or false (also yes/no, on/off, 1/0)',
    ),
    (
        ["--pr-comment", "sometimes"],
        'pr-comment: "sometimes" is not allowed; use always, on-failure or never',
    ),
    (
        ["--comment-key", "gate --> <script>"],
        'comment-key: "gate --> <script>" cannot hold "-->", "--!>" or line breaks (it goes into '
        'an HTML comment); use plain text such as "deploy/e2e"',
    ),
    (
        ["--comment-key", "line\nbreak"],
        'comment-key: "line\\nbreak" cannot hold "-->", "--!>" or line breaks (it goes into an '
        'HTML comment); use plain text such as "deploy/e2e"',
    ),
    (["--comment-key", "k" * 201], f'comment-key: "{"k" * 79}…" is longer than 200 characters'),
    (
        ["--pr-number", "0"],
        'pr-number: "0" is not a pull request number; use a positive whole number such as 42',
    ),
    (
        ["--pr-number", "refs/pull/7/merge"],
        'pr-number: "refs/pull/7/merge" is not a pull request number; use a positive whole '
        "number such as 42",
    ),
    (
        ["--summary-template", "missing.j2"],
        'summary-template: "missing.j2" does not exist (looked in {cwd})',
    ),
    (
        ["--comment-template", "templates"],
        'comment-template: "templates" is not a file; give the path of a jinja2 template',
    ),
    (
        ["--junit-file", "reports/"],
        'junit-file: "reports/" is a directory; give a file path such as reports/checkly.xml',
    ),
    (
        ["--json-file", "templates"],
        'json-file: "templates" is a directory; give a file path such as reports/checkly.json',
    ),
    (
        ["--junit-file", "r.xml", "--summary-file", "./r.xml"],
        'summary-file: "./r.xml" is the same file as junit-file; give each report its own',
    ),
    (
        ["--session-files", "out/*.json"],
        'session-files: "out/*.json" matches no file (looked in {cwd})',
    ),
    (
        ["--session-files", "missing.txt"],
        'session-files: "missing.txt" does not exist (looked in {cwd})',
    ),
    (
        ["--session-files", "empty.log"],
        'session-files: "empty.log" holds no session ID; expected a Checkly CLI JSON report '
        "(testSessionId), `checkly checks run --detach --output json` output or a saved trigger "
        "response (testSessionId, sessions[].checkSessionId), or CLI output with "
        '"Test session ID: <uuid>" lines or session links (`checkly test` and `checkly trigger` '
        "create a test session only with --record)",
    ),
    (["--api-kee=" + KEY], 'unknown option "--api-kee"; see `checkly-gate --help`'),
    (["--timeout"], "argument --timeout: expected one argument"),
]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "templates").mkdir()
    (tmp_path / "empty.log").write_text("Running 2 checks in eu-west-1.\n2 passed, 2 total\n")
    return tmp_path


@pytest.mark.parametrize(("argv", "message"), BAD_INPUTS, ids=lambda v: str(v)[:40])
def test_bad_input_message(argv: list[str], message: str, workdir: Path) -> None:
    problems = problems_of(argv, cwd=workdir)
    assert problems == [message.format(cwd=workdir)]
    assert KEY not in "".join(problems)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"CHECKLY_ACCOUNT_ID": ACCOUNT, "INPUT_TEST-SESSION-IDS": TS1},
            "api-key is required: set the api-key input (from a secret) or CHECKLY_API_KEY",
        ),
        (
            {"CHECKLY_API_KEY": KEY, "INPUT_TEST-SESSION-IDS": TS1},
            "account-id is required: set the account-id input or CHECKLY_ACCOUNT_ID (the UUID "
            "under Checkly > Account settings > General)",
        ),
        (
            {"CHECKLY_API_KEY": KEY, "CHECKLY_ACCOUNT_ID": ACCOUNT},
            "no session to wait for: give test-session-ids, check-session-ids or session-files, "
            "or start runs with tags, check-ids or trigger",
        ),
        (
            BASE | {"CHECKLY_API_KEY": f"Bearer {KEY}"},
            "api-key contains spaces, line breaks or non-ASCII characters (value not shown); give "
            'the secret alone, without "Bearer " or quotes',
        ),
        (
            BASE | {"GITHUB_TOKEN": f"{TOKEN}\nx"},
            "github-token contains spaces, line breaks or non-ASCII characters (value not shown); "
            'give the secret alone, without "Bearer " or quotes',
        ),
    ],
)
def test_missing_and_malformed_required_options(env: dict[str, str], message: str) -> None:
    assert problems_of(env=env) == [message]


def test_every_problem_is_reported_at_once_in_option_order(workdir: Path) -> None:
    argv = [
        "--pr-number", "x",
        "--timeout", "soon",
        "--account-id", "nope",
        "--test-session-ids", "abc def",
        "--fail-on", "bad",
        "--unknown", "1",
    ]  # fmt: skip
    problems = problems_of(argv, env={}, cwd=workdir)
    assert [p.split(":")[0].split(" ")[0] for p in problems] == [
        "unknown",
        "unexpected",
        "api-key",
        "account-id",
        "test-session-ids",
        "test-session-ids",
        "timeout",
        "fail-on",
        "pr-number",
    ]
    with pytest.raises(InvalidOptions) as caught:
        load(argv, {}, workdir)
    assert str(caught.value).startswith("9 invalid options:\n  - unknown option")


def test_no_session_problem_is_not_added_when_the_session_options_have_problems() -> None:
    problems = problems_of(["--test-session-ids", "abc"], env=BASE)
    assert problems == [f'test-session-ids: "abc" is not a session ID; {ALLOWED_IDS}']


# --- secrets ------------------------------------------------------------------------------------


def test_secrets_are_not_in_repr() -> None:
    config = load(["--github-token", TOKEN])
    assert KEY not in repr(config)
    assert TOKEN not in repr(config)
    assert KEY not in str(config)
    assert "api_key" not in repr(config)


@pytest.mark.parametrize("secret", ["s3cr3t-value", "zzzzzzzz", KEY, TOKEN])
def test_a_secret_typed_into_another_option_is_never_echoed(secret: str) -> None:
    argv = [
        "--api-key", secret,
        "--github-token", "other-secret",
        "--account-id", secret,
        "--test-session-ids", f"{secret} other-secret",
        "--timeout", secret,
        "--comment-key", f"{secret}-->",
        "--unknown", secret,
        "--junit-file", f"{secret}/",
        "--pr-comment", "other-secret",
    ]  # fmt: skip
    problems = problems_of(argv, env={})
    text = "\n".join(problems)
    assert len(problems) == 9
    assert secret not in text
    assert "other-secret" not in text
    assert "***" in text


def test_a_key_that_looks_like_one_is_hidden_even_when_no_key_is_set() -> None:
    problems = problems_of(["--account-id", KEY], env={"INPUT_TEST-SESSION-IDS": TS1})
    assert KEY not in "\n".join(problems)
    assert 'account-id: "***" is not a UUID' in problems[1]


# --- the documented "Bad input" table is what the gate says ------------------------------------

WORKSPACE = "/github/workspace"  # the docs show messages as they read under GitHub
SECRET_PLACEHOLDERS = {"cu_…": KEY, "ghs_…": TOKEN}
OPTION_ENV = {o.name: (f"INPUT_{o.name.upper()}", *o.env) for o in OPTIONS}


def documented_bad_inputs() -> list[tuple[str, str, str]]:
    """(input cell, message, message cell) of each docs/options.md "## Bad input" row."""
    for path in (ROOT / "docs" / "options.md",):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"^## Bad input[ \t]*$(.*?)(?=^#{1,3} |\Z)", text, re.M | re.S)
        if found:
            rows = []
            for line in found.group(1).splitlines():
                cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
                message = re.match(r"``(.*?)``", cells[1]) if len(cells) == 2 else None
                if message:
                    rows.append((cells[0], message.group(1).strip(), cells[1]))
            return rows
    raise AssertionError('no "## Bad input" table in docs/options.md')


def run_documented_input(cell: str, workdir: Path) -> list[str] | None:
    """The problems the documented input gets; None for rows that are prose only."""
    env = dict(BASE)
    if cell.startswith("no `"):
        for name in re.findall(r"`([a-z-]+)`", cell):
            for var in OPTION_ENV[name]:
                env.pop(var, None)
        return problems_of([], env, workdir)
    command = re.match(r"`(--[^`]*)`", cell)
    if command is None or "$(" in command.group(1):
        return None
    text = command.group(1)
    for placeholder, secret in SECRET_PLACEHOLDERS.items():
        text = text.replace(placeholder, secret)
    return problems_of(shlex.split(text), env, workdir)


def test_every_documented_bad_input_gets_its_documented_message(workdir: Path) -> None:
    rows = documented_bad_inputs()
    ran = 0
    for cell, message, note in rows:
        problems = run_documented_input(cell, workdir)
        if problems is None:
            continue
        ran += 1
        shown = [p.replace(str(workdir), WORKSPACE) for p in problems]
        assert message in shown, f"{cell}: the gate says {shown}"
        assert len(shown) == 1 or "after the line above" in note, cell
    assert ran >= 45, f"only {ran} documented bad inputs could be run"


def test_every_tested_bad_input_is_documented() -> None:
    documented = {message for _, message, _ in documented_bad_inputs()}
    for argv, message in BAD_INPUTS:
        if sum(map(len, argv)) < 100:
            assert message.format(cwd=WORKSPACE) in documented, argv


def test_list_flags_may_be_repeated_and_scalar_flags_take_the_last(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"testSessionId": TS2}))
    (tmp_path / "b.json").write_text(json.dumps({"sessions": [{"checkSessionId": CS1}]}))
    argv = [
        "--test-session-ids", TS1,
        "--session-files", "a.json",
        "--test-session-ids", TS2,
        "--session-files", "b.json",
        "--timeout", "1m",
        "--timeout", "2m",
    ]  # fmt: skip
    config = load(argv, env={"CHECKLY_API_KEY": KEY, "CHECKLY_ACCOUNT_ID": ACCOUNT}, cwd=tmp_path)
    assert [(r.kind, r.id) for r in config.sessions] == [
        (SessionKind.TEST, TS1),
        (SessionKind.TEST, TS2),
        (SessionKind.CHECK, CS1),
    ]
    assert config.timeout_s == 120


def test_repeated_empty_list_flags_fall_through_to_the_environment() -> None:
    config = load(["--test-session-ids", "", "--test-session-ids", " "], env=BASE)
    assert config.sessions == (SessionRef(SessionKind.TEST, TS1),)


def test_the_documented_defaults_are_the_ones_in_effect(tmp_path: Path) -> None:
    """OPTIONS' defaults feed --help, action.yml and the docs (test_docs); the values the gate
    really uses come from the readers: parsing each documented default gives the same config."""
    minimal = ["--api-key", KEY, "--account-id", ACCOUNT, "--test-session-ids", TS1]
    implicit = load_config(minimal, {}, cwd=tmp_path)
    documented = [
        arg
        for option in OPTIONS
        if option.name in DEFAULTED
        for arg in (f"--{option.name}", option.default)
    ]
    explicit = load_config([*minimal, *documented], {}, cwd=tmp_path)
    assert {o.name for o in OPTIONS if o.name in DEFAULTED} == DEFAULTED
    assert implicit == explicit


DEFAULTED = {
    "timeout",
    "max-wait-seconds",
    "fail-on",
    "max-failures",
    "min-pass-rate",
    "job-summary",
    "pr-comment",
}
