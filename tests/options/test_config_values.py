"""Options (SPEC §2): how each option's value is parsed, repeated flags, and the documented
defaults being the ones in effect.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate.core.model import Outcome, SessionKind
from gate.options.config import OPTIONS, SessionRef, load_config
from tests.support.options import ACCOUNT, BASE, CS1, KEY, TOKEN, TS1, TS2, load

pytestmark = pytest.mark.usefixtures("clean_env")


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
            "degraded,failed,timed-out,cancelled,incomplete,error,missing",
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
