"""The trigger requests (SPEC §8) as pure data, and how a failed POST is classified."""

from __future__ import annotations

import re
import socket

import pytest
import requests

from gate.checkly.transport import AnswerLost, NotSent, sent_or_not
from gate.checkly.trigger_request import (
    RunContext,
    check_sessions_body,
    session_name,
)
from gate.checkly.trigger_request import test_session_body as build_body
from gate.core.run_token import ends_with_token, without_token
from gate.options.trigger_options import TriggerConfig, TriggerKind, Variable

TEST = TriggerKind.TEST_SESSION
CONTEXT = RunContext("octo/shop · checks #3.1", {"repoUrl": "https://github.com/octo/shop"})


def config(**kw: object) -> TriggerConfig:
    kw.setdefault("location", "eu-central-1")
    return TriggerConfig(TEST, **kw)  # type: ignore[arg-type]


def test_the_smallest_body_leaves_everything_unknown_out() -> None:
    body = build_body(config(), RunContext("x"), "x · 3f9a1c")
    assert body == {"name": "x · 3f9a1c", "runLocation": "eu-central-1"}
    assert check_sessions_body(TriggerConfig(TriggerKind.CHECK_SESSIONS)) == {}


def test_every_field() -> None:
    trigger = config(
        tags=(("a", "b"), ("!c",)),
        check_ids=("a4cd4ad9-4815-4a9e-92d2-0a7c562ee69a",),
        variables=(Variable("A", "1"), Variable("S", "secret", True)),
        retries=3,
    )
    context = RunContext("n", {"environment": "Preview"}, "https://pr.example", "the deployment")
    body = build_body(trigger, context, "n · 1")
    assert body["target"] == {
        "matchTags": [["a", "b"], ["!c"]],
        "checkId": ["a4cd4ad9-4815-4a9e-92d2-0a7c562ee69a"],
    }
    assert body["environmentVariables"] == [
        {"key": "A", "value": "1", "secret": False},
        {"key": "S", "value": "secret", "secret": True},
        {"key": "ENVIRONMENT_URL", "value": "https://pr.example", "secret": False},
    ]
    assert body["retryStrategy"] == {
        "type": "FIXED",
        "maxRetries": 3,
        "baseBackoffSeconds": 0,
        "sameRegion": True,
    }
    assert body["metadata"] == {"environment": "Preview"}
    assert build_body(config(retries=0), context, "n")["retryStrategy"] is None
    assert check_sessions_body(TriggerConfig(TriggerKind.CHECK_SESSIONS, tags=(("a",),))) == {
        "target": {"matchTags": [["a"]]}
    }


@pytest.mark.parametrize(
    ("fields", "strategy"),
    [
        (
            {"retries": 10, "retry_strategy": "EXPONENTIAL", "retry_network_only": True},
            {"type": "EXPONENTIAL", "maxRetries": 10, "baseBackoffSeconds": 0,
             "sameRegion": True, "onlyOn": ["NETWORK_ERROR"]},
        ),
        (
            {"retries": 4, "retry_strategy": "LINEAR"},
            {"type": "LINEAR", "maxRetries": 4, "baseBackoffSeconds": 0, "sameRegion": True},
        ),
        (
            {"retries": 1, "retry_strategy": "SINGLE_RETRY"},
            {"type": "SINGLE_RETRY", "baseBackoffSeconds": 0, "sameRegion": True},
        ),
    ],
)  # fmt: skip
def test_the_retry_strategy_of_each_option(
    fields: dict[str, object], strategy: dict[str, object]
) -> None:
    body = build_body(config(**fields), RunContext("n"), "n")
    assert body["retryStrategy"] == strategy
    assert "refreshCache" not in body


def test_refresh_cache_and_allow_deactivated() -> None:
    body = build_body(
        config(tags=(("a",),), refresh_cache=True, allow_deactivated=True), RunContext("n"), "n"
    )
    assert body["refreshCache"] is True
    assert body["target"] == {"matchTags": [["a"]], "allowDeactivated": True}
    checks = TriggerConfig(TriggerKind.CHECK_SESSIONS, refresh_cache=True)
    assert check_sessions_body(checks) == {"refreshCache": True}


def test_env_wins_over_the_deployment_url() -> None:
    context = RunContext("n", {}, "https://pr.example", "the deployment")
    mine = config(variables=(Variable("ENVIRONMENT_URL", "https://mine.example"),))
    sent = build_body(mine, context, "n")["environmentVariables"]
    assert sent == [{"key": "ENVIRONMENT_URL", "value": "https://mine.example", "secret": False}]


def test_every_name_ends_with_the_runs_token() -> None:
    default = session_name(config(), CONTEXT, token="3f9a1c07")
    assert (default.name, default.token) == ("octo/shop · checks #3.1 · 3f9a1c07", "3f9a1c07")
    random = {session_name(config(), CONTEXT).token for _ in range(20)}
    assert len(random) == 20 and all(re.fullmatch(r"[0-9a-f]{8}", t) for t in random)
    for given in ("x" * 250, "QA", "Nightly · 12345678"):  # a user-given name too
        own = session_name(config(name=given), CONTEXT, token="0a1b2c3d")
        assert own.name == f"{given} · 0a1b2c3d"
        assert ends_with_token(own.name, "0a1b2c3d") and without_token(own.name) == given
    assert not ends_with_token("Nightly · 0a1b2c3d (copy)", "0a1b2c3d")
    assert not ends_with_token("Nightly · 10a1b2c3d", "0a1b2c3d")


def test_a_refused_connection_was_not_sent_a_reset_may_have_been() -> None:
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()  # nothing listens there now
    with pytest.raises(requests.exceptions.ConnectionError) as refused:
        requests.post(f"http://127.0.0.1:{port}/", timeout=2)
    assert isinstance(sent_or_not(refused.value), NotSent)
    assert isinstance(sent_or_not(requests.exceptions.ConnectTimeout("slow")), NotSent)
    assert isinstance(sent_or_not(requests.exceptions.ReadTimeout("held")), AnswerLost)
    reset = requests.exceptions.ConnectionError(ConnectionResetError(104, "reset"))
    assert isinstance(sent_or_not(reset), AnswerLost)
