"""The run token (SPEC §8): 8 random hex characters at the very end of every test-session name
the gate triggers (` · 3f9a1c07`), so that no two gate runs share a name and a run can always
tell its own session from anyone else's.

Small, pure functions others call: `new_token()`, `with_token()` (the name sent),
`ends_with_token()` (is this listed session ours?), `without_token()` (the name as the user or
the default gave it, to find earlier runs of the same job by prefix).
"""

from __future__ import annotations

import re
import secrets

SEPARATOR = " · "
TOKEN_HEX = 8
_TOKEN = re.compile(rf"[0-9a-f]{{{TOKEN_HEX}}}")
_ENDING = re.compile(rf"{re.escape(SEPARATOR)}([0-9a-f]{{{TOKEN_HEX}}})\Z")


def new_token() -> str:
    """A fresh token: 8 lower-case hex characters (32 random bits)."""
    return secrets.token_hex(TOKEN_HEX // 2)


def is_token(text: str) -> bool:
    return bool(_TOKEN.fullmatch(text))


def with_token(name: str, token: str) -> str:
    """`name` with the run's token as its plain last part: `<name> · <token>`."""
    if not is_token(token):
        raise ValueError(f"not a run token: {token!r}")
    return f"{name}{SEPARATOR}{token}"


def ends_with_token(name: object, token: str) -> bool:
    """Whether a session name (as Checkly lists it) ends with exactly this run's token."""
    return isinstance(name, str) and name.endswith(SEPARATOR + token) and is_token(token)


def token_of(name: str) -> str | None:
    """The token a name ends with, if it ends with one."""
    found = _ENDING.search(name)
    return found.group(1) if found else None


def without_token(name: str) -> str:
    """The name before its token (the whole name when it has none)."""
    found = _ENDING.search(name)
    return name[: found.start()] if found else name
