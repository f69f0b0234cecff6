"""`preexisting-failures` (SPEC §2, §9): `fail` (default) or `allow`, as input, flag or env."""

from __future__ import annotations

import pytest

from gate.core.errors import EXIT_INVALID, InvalidOptions
from gate.options.config import load_config

BASE = {
    "CHECKLY_API_KEY": "cu_3f9a8b7c6d5e4f30a1b2c3d4e5f60718",
    "CHECKLY_ACCOUNT_ID": "1397c172-1938-4973-a225-5862298e571a",
    "INPUT_TEST-SESSION-IDS": "0c4c64b3-79c5-44a6-ae07-b580ce73f328",
}


def allows(argv: list[str], **env: str) -> bool:
    return load_config(argv, BASE | env).thresholds.allow_preexisting


def test_the_default_is_fail() -> None:
    assert allows([]) is False
    assert allows([], **{"INPUT_PREEXISTING-FAILURES": ""}) is False  # empty: not set


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["--preexisting-failures", "allow"], {}),
        (["--preexisting-failures=ALLOW"], {}),
        ([], {"INPUT_PREEXISTING-FAILURES": "allow"}),
        ([], {"INPUT_PREEXISTING_FAILURES": "allow"}),
    ],
)
def test_allow_from_a_flag_or_the_environment(argv: list[str], env: dict[str, str]) -> None:
    assert allows(argv, **env) is True


def test_the_flag_wins_over_the_environment() -> None:
    assert (
        allows(["--preexisting-failures", "fail"], **{"INPUT_PREEXISTING-FAILURES": "allow"})
        is False
    )


def test_a_bad_value_names_the_option_the_value_and_the_choices() -> None:
    with pytest.raises(InvalidOptions) as caught:
        load_config(["--preexisting-failures", "ignore", "--max-failures", "x"], BASE)
    assert caught.value.exit_code == EXIT_INVALID
    problems = caught.value.problems
    assert 'preexisting-failures: "ignore" is not allowed; use fail or allow' in problems
    assert any(p.startswith("max-failures") for p in problems)  # every problem at once
