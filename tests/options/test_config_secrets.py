"""Options (SPEC §2, §7): secrets are never in a Config's repr nor echoed in a message."""

from __future__ import annotations

import pytest

from tests.support.options import KEY, TOKEN, TS1, load, problems_of

pytestmark = pytest.mark.usefixtures("clean_env")


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
    assert len(problems) == 8  # the value after --unknown is its own, not a problem
    assert secret not in text
    assert "other-secret" not in text
    assert "***" in text


def test_a_key_that_looks_like_one_is_hidden_even_when_no_key_is_set() -> None:
    problems = problems_of(["--account-id", KEY], env={"INPUT_TEST-SESSION-IDS": TS1})
    assert KEY not in "\n".join(problems)
    assert 'account-id: "***" is not a UUID' in problems[1]
