"""Shared by the option tests: sample IDs and secrets, the SPEC's option list, and
short ways to load a Config or collect the problems of a bad one, and session references.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from gate.core.errors import EXIT_INVALID, InvalidOptions
from gate.core.model import SessionKind
from gate.options.config import Config, load_config
from gate.options.session_ids import SessionRef

KEY = "cu_3f9a8b7c6d5e4f30a1b2c3d4e5f60718"
TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
ACCOUNT = "1397c172-1938-4973-a225-5862298e571a"
TS1 = "0c4c64b3-79c5-44a6-ae07-b580ce73f328"
TS2 = "4a1c2d3e-5f60-4718-89ab-cdef01234567"
CS1 = "8166fa86-c9b4-4162-8541-d380c6c212d8"
CHECK_ID = "a4cd4ad9-4815-4a9e-92d2-0a7c562ee69a"
CS2 = "2f0c9e61-3b7a-4d58-9a41-6c1e0b7d9f35"
RESULT = "702961fd-7e2c-45f0-97be-1aa9eabd4d82"
APP = "https://app.checklyhq.com"
CHECK_SESSION_LINK = f"{APP}/accounts/{ACCOUNT}/checks/{CHECK_ID}/check-sessions/{CS1}"
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
    "retry-strategy",
    "retry-on",
    "refresh-cache",
    "allow-deactivated",
    "fail-on-no-matching",
    "cancel-on-exit",
    "preexisting-failures",
    "assets-dir",  # SPEC §10
    "assets",
    "assets-max-mb",
    "root-cause",
    "rerun",
    "commit-status",
    "dry-run",
    "flaky-failures",
    "non-blocking-tags",
    "non-blocking-check-ids",
    "private-location",
    "agent-image",
    "agent-timeout",
]


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


TEST = SessionKind.TEST
CHECK = SessionKind.CHECK


def ts(session_id: str) -> SessionRef:
    return SessionRef(TEST, session_id)


def cs(session_id: str) -> SessionRef:
    return SessionRef(CHECK, session_id)
