"""`flaky-failures`, `non-blocking-tags`, `non-blocking-check-ids` (SPEC §2, §11): as input,
flag or env; bad values are reported with the option's name (exit 2)."""

from __future__ import annotations

import pytest

from gate.core.errors import EXIT_INVALID, InvalidOptions
from gate.core.verdict import Thresholds
from gate.options.config import load_config

BASE = {
    "CHECKLY_API_KEY": "cu_3f9a8b7c6d5e4f30a1b2c3d4e5f60718",
    "CHECKLY_ACCOUNT_ID": "1397c172-1938-4973-a225-5862298e571a",
    "INPUT_TEST-SESSION-IDS": "0c4c64b3-79c5-44a6-ae07-b580ce73f328",
}
CHECK = "7e0c1b2a-3d4e-4f5a-8b6c-9d0e1f2a3b4c"


def thresholds(argv: list[str], **env: str) -> Thresholds:
    return load_config(argv, BASE | env).thresholds


def test_the_defaults_count_everything() -> None:
    t = thresholds([])
    assert (t.allow_flaky, t.non_blocking_tags, t.non_blocking_check_ids) == (
        False,
        (),
        frozenset(),
    )


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["--flaky-failures", "Allow"], {}),
        ([], {"INPUT_FLAKY-FAILURES": "allow"}),
        ([], {"INPUT_FLAKY_FAILURES": "allow"}),
    ],
)
def test_flaky_failures_allow_from_a_flag_or_the_environment(
    argv: list[str], env: dict[str, str]
) -> None:
    assert thresholds(argv, **env).allow_flaky is True


def test_non_blocking_checks_by_tag_and_by_id_or_link() -> None:
    t = thresholds(
        ["--non-blocking-tags", "quarantine", "--non-blocking-tags", "flaky, quarantine"],
        **{
            "INPUT_NON-BLOCKING-CHECK-IDS": f"{CHECK.upper()}\nhttps://app.checklyhq.com/checks/{CHECK}"
        },
    )
    assert t.non_blocking_tags == ("quarantine", "flaky")
    assert t.non_blocking_check_ids == frozenset({CHECK})
    assert thresholds([], INPUT_NON_BLOCKING_TAGS="q").non_blocking_tags == ("q",)


def test_bad_values_are_reported_together() -> None:
    with pytest.raises(InvalidOptions) as caught:
        load_config(
            ["--flaky-failures", "maybe", "--non-blocking-check-ids", "flaky-one"],
            BASE | {"INPUT_NON-BLOCKING-TAGS": ",,"},
        )
    assert caught.value.exit_code == EXIT_INVALID
    problems = "\n".join(caught.value.problems)
    assert 'flaky-failures: "maybe" is not allowed; use fail or allow' in problems
    assert 'non-blocking-check-ids: "flaky-one" is not a check ID' in problems
    assert 'non-blocking-tags: ",," holds no tag' in problems
