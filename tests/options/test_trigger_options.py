"""The trigger-mode options (SPEC §2, §8): reading, implied kinds, what applies where, secrets."""

from __future__ import annotations

import pytest

from gate.core.errors import InvalidOptions
from gate.options.config import load_config
from gate.options.trigger_options import (
    DEFAULT_LOCATION,
    TriggerConfig,
    TriggerKind,
    Variable,
    secret_env_values,
)
from tests.support.entrypoint import action_inputs

ACCOUNT = "1397c172-1938-4973-a225-5862298e571a"
CHECK = "a4cd4ad9-4815-4a9e-92d2-0a7c562ee69a"
BASE = {"CHECKLY_API_KEY": "cu_trigger_key_0123", "CHECKLY_ACCOUNT_ID": ACCOUNT}


def trigger(*argv: str, **env: str) -> TriggerConfig | None:
    return load_config(list(argv), BASE | env).trigger


def problems(*argv: str, **env: str) -> list[str]:
    with pytest.raises(InvalidOptions) as caught:
        load_config(list(argv), BASE | env)
    return caught.value.problems


def test_tags_or_check_ids_imply_a_test_session_in_the_default_location() -> None:
    found = trigger("--tags", "production,webapp\n\nproduction , backend\n")
    assert found is not None and found.kind is TriggerKind.TEST_SESSION
    assert found.tags == (("production", "webapp"), ("production", "backend"))
    assert found.location == DEFAULT_LOCATION == "eu-central-1"
    assert (found.fail_on_no_matching, found.cancel_on_exit, found.retries) == (True, True, None)
    link = f"https://app.checklyhq.com/accounts/{ACCOUNT}/checks/{CHECK.upper()}/edit"
    assert trigger("--check-ids", f"{link}, {CHECK}").check_ids == (CHECK,)  # type: ignore[union-attr]


def test_trigger_alone_runs_every_eligible_check() -> None:
    found = trigger(**{"INPUT_TRIGGER": "Check_Sessions"})
    assert found is not None and found.kind is TriggerKind.CHECK_SESSIONS
    assert found.everything and found.describe_filters() == "all eligible checks"
    assert found.location is None and found.variables == ()


def test_no_trigger_options_no_trigger() -> None:
    config = load_config(
        ["--test-session-ids", CHECK],
        BASE | {"INPUT_FAIL-ON-NO-MATCHING": "true", "INPUT_CANCEL-ON-EXIT": "true"},
    )
    assert config.trigger is None  # action.yml's defaults alone trigger nothing


def test_the_runner_inputs_hyphens_kept_or_not() -> None:
    found = trigger(
        **{
            "INPUT_TAGS": "smoke",
            "INPUT_TEST-SESSION-NAME": "PR 42 smoke",
            "INPUT_RETRIES": "0",
            "INPUT_LOCATION": "acme-private-dc",
            "INPUT_FAIL_ON_NO_MATCHING": "false",
            "INPUT_CANCEL-ON-EXIT": "no",
            "INPUT_SECRET_ENV": "TOKEN='quoted value'\n# a comment\nexport OTHER=x y",
        }
    )
    assert found is not None
    assert (found.name, found.retries, found.location) == ("PR 42 smoke", 0, "acme-private-dc")
    assert (found.fail_on_no_matching, found.cancel_on_exit) == (False, False)
    assert found.variables == (
        Variable("TOKEN", "quoted value", True),
        Variable("OTHER", "x y", True),
    )


def test_secret_values_are_secrets_everywhere() -> None:
    config = load_config(["--tags", "a", "--secret-env", "TOKEN=hunter2-hunter2"], BASE)
    assert "hunter2-hunter2" in config.secrets()
    assert "hunter2" not in repr(config)
    assert secret_env_values("A=1\nnot a line\nB='two'\n") == ["1", "two"]
    # typed into another option by mistake: still never shown
    found = problems(
        "--tags", "a", "--secret-env", "TOKEN=hunter2-hunter2", "--timeout", "hunter2-hunter2"
    )
    assert all("hunter2" not in p for p in found), found


def test_every_problem_at_once() -> None:
    found = problems(
        "--trigger", "check-sessions", "--tags", ",", "--check-ids", "nope",
        "--location", "us-east-1", "--env", "A=1", "--retries", "1",
        "--test-session-name", "x", "--cancel-on-exit", "perhaps",
    )  # fmt: skip
    names = [p.split(":")[0].split(" ")[0] for p in found]
    assert names == [
        "tags",
        "check-ids",
        "location",
        "env",
        "test-session-name",
        "retries",
        "cancel-on-exit",
    ]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--tags", "a", "--env", "1KEY=v"], "is not KEY=VALUE"),
        (["--tags", "a", "--env", "A=1", "--secret-env", "A=2"], "A is given twice"),
        (["--tags", "a", "--retries", "-1"], "from 0 to 10"),
        (["--tags", "a", "--retries", "٣"], "from 0 to 10"),
        (["--tags", "a", "--retries", "11"], "from 0 to 10"),
        (["--tags", "a", "--retry-strategy", "random"], "use fixed, linear, exponential or single"),
        (["--tags", "a", "--retry-strategy", "linear"], "needs retries"),
        (["--tags", "a", "--retries", "0", "--retry-on", "network"], "needs retries"),
        (["--tags", "a", "--retry-on", "timeouts"], "use any, or network"),
        (["--tags", "a", "--retries", "2", "--retry-strategy", "single"], "use 1 or unset"),
        (["--trigger", "check-sessions", "--allow-deactivated", "true"], "does not apply"),
        (["--tags", "a", "--refresh-cache", "maybe"], "is not a boolean"),  # ASCII digits only
        (["--check-ids", " , ,"], "holds no check ID"),
        (["--env", "A=1"], "applies only to a triggered test session"),
    ],
)
def test_bad_values(argv: list[str], words: str) -> None:
    assert any(words in p for p in problems(*argv)), problems(*argv)


def test_the_action_defaults_of_the_retry_options_are_valid_with_check_sessions() -> None:
    defaults = {k: v for k, v in action_inputs().items() if v}
    assert defaults["INPUT_RETRY-STRATEGY"] == "fixed"  # the runner passes it on every run
    config = load_config(["--trigger", "check-sessions"], {**BASE, **defaults})
    assert config.trigger is not None and not config.trigger.allow_deactivated
