"""SPEC §12's options: `private-location`, `agent-image`, `agent-timeout` (flags, `INPUT_*`
forms, defaults, and every combination that is an invalid option)."""

from __future__ import annotations

import pytest

from gate.options.private_options import DEFAULT_AGENT_IMAGE, PrivateLocationConfig
from tests.support.options import BASE, load, problems_of

pytestmark = pytest.mark.usefixtures("clean_env")


def private(argv: list[str], env: dict[str, str] | None = None) -> PrivateLocationConfig | None:
    trigger = load(argv, env).trigger
    return trigger.private_location if trigger else None


def test_off_by_default() -> None:
    assert private(["--tags", "preview"]) is None
    assert private(["--tags", "preview", "--private-location", "off"]) is None


def test_ephemeral_with_a_test_session_takes_the_pinned_agent_and_2_minutes() -> None:
    found = private(["--tags", "preview", "--private-location", "Ephemeral"])
    assert found == PrivateLocationConfig(DEFAULT_AGENT_IMAGE, 120.0)
    assert DEFAULT_AGENT_IMAGE == "checkly/agent:8.7.0"  # a release, never `latest`


@pytest.mark.parametrize("form", ["INPUT_{}", "INPUT_{}_UNDERSCORE"])
def test_the_runners_input_forms(form: str) -> None:
    def name(option: str) -> str:
        upper = option.upper()
        return f"INPUT_{upper.replace('-', '_')}" if "UNDERSCORE" in form else f"INPUT_{upper}"

    env = BASE | {
        name("tags"): "preview",
        name("private-location"): "ephemeral",
        name("agent-image"): "registry.example.com/team/agent:8.7.0@sha256:" + "a" * 64,
        name("agent-timeout"): "5m30s",
    }
    found = private([], env)
    assert found is not None
    assert found.image.startswith("registry.example.com/team/agent:8.7.0@sha256:")
    assert found.agent_timeout_s == 330.0


def test_a_flag_wins_over_the_input() -> None:
    env = BASE | {"INPUT_AGENT-TIMEOUT": "5m", "INPUT_PRIVATE-LOCATION": "ephemeral"}
    found = private(["--tags", "x", "--agent-timeout", "30s"], env)
    assert found is not None and found.agent_timeout_s == 30.0


def test_without_a_trigger_it_is_invalid_naming_what_to_set() -> None:
    (problem,) = problems_of(["--test-session-ids", BASE_ID, "--private-location", "ephemeral"])
    assert "private-location: ephemeral needs trigger: test-session" in problem


def test_with_check_sessions_it_is_invalid() -> None:
    argv = ["--trigger", "check-sessions", "--tags", "x", "--private-location", "ephemeral"]
    (problem,) = problems_of(argv)
    assert "does not apply with trigger: check-sessions" in problem


def test_with_a_location_it_is_invalid_naming_location() -> None:
    argv = ["--tags", "x", "--location", "eu-west-1", "--private-location", "ephemeral"]
    (problem,) = problems_of(argv)
    assert problem.startswith("location cannot be given with private-location: ephemeral")


def test_agent_options_without_it_are_invalid() -> None:
    found = problems_of(["--tags", "x", "--agent-image", "a/b:1", "--agent-timeout", "1m"])
    assert len(found) == 2
    assert all("applies only with private-location: ephemeral" in p for p in found)


def test_bad_values_are_reported_all_at_once() -> None:
    argv = ["--tags", "x", "--private-location", "yes", "--agent-timeout", "2 minutes"]
    found = problems_of(argv)
    assert any("private-location" in p and "use ephemeral, or off" in p for p in found)
    argv = ["--tags", "x", "--private-location", "ephemeral"]
    found = problems_of([*argv, "--agent-timeout", "2 minutes", "--agent-image", "bad image!"])
    assert len(found) == 2
    assert any(p.startswith("agent-timeout") and "not a duration" in p for p in found)
    assert any(p.startswith("agent-image") and "not an image reference" in p for p in found)
    (short,) = problems_of([*argv, "--agent-timeout", "1s"])
    assert "agent-timeout" in short and "out of range; use 5s to 1h" in short


BASE_ID = "4b1f1c7e-2a4d-4d8e-9c11-6f0b3b1f2a90"
