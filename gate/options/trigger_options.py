"""The trigger-mode options (SPEC §2, §8): what to start, where, with which variables.

`read_trigger` turns the ten picked values into a `TriggerConfig` (or None: nothing to
trigger), reporting every problem on the `ValueReader` so they are listed with the others.
`trigger: test-session` is implied by `tags` or `check-ids`; the options of a test session
(`location`, `env`, `secret-env`, `retries`, `test-session-name`) are problems with
`trigger: check-sessions` and without a trigger. `secret-env` values are secrets: they never
appear in a message, and `secret_env_values` lets the CLI mask them before anything is printed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from gate.options.file_patterns import show
from gate.options.session_ids import UUID, is_uuid

if TYPE_CHECKING:
    from gate.options.private_config import PrivateLocationConfig


class ValueReader(Protocol):
    """What is needed of `gate.options.values.ValueReader` (which imports this module)."""

    values: Mapping[str, str]

    def problem(self, name: str, message: str) -> None: ...

    def bad(self, name: str, value: str, allowed: str) -> None: ...

    def boolean(self, name: str, *, default: bool) -> bool: ...

    def whole(self, name: str, default: int, low: int, high: int | None = None) -> int: ...


DEFAULT_LOCATION = "eu-central-1"  # the Checkly CLI's; not in action.yml (SPEC §2 says why)
MAX_VARIABLES = 50  # the API's maxItems for environmentVariables
MAX_RETRIES = 10  # the public API's `retryStrategy.maxRetries` range: 1-10 (0: no retries)
RETRY_STRATEGIES = {"fixed": "FIXED", "linear": "LINEAR", "exponential": "EXPONENTIAL"}
RETRY_STRATEGIES |= {"single": "SINGLE_RETRY"}
TEST_SESSION_ONLY: tuple[str, ...] = ("location", "env", "secret-env", "test-session-name")
TEST_SESSION_ONLY += ("retries", "retry-strategy", "retry-on", "allow-deactivated")
# action.yml passes these defaults on every run: as good as unset for `check-sessions`
_UNSET: dict[str, tuple[str, ...]] = {"retry-strategy": ("", "fixed"), "retry-on": ("", "any")}
_UNSET["allow-deactivated"] = ("", "false", "no", "off", "0")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LOCATION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
_CHECK_LINK = re.compile(rf"/checks/({UUID})(?![0-9a-zA-Z])", re.IGNORECASE)
_SPLIT = re.compile(r"[,\s]+")


class TriggerKind(Enum):
    TEST_SESSION = "test-session"
    CHECK_SESSIONS = "check-sessions"
    STATUS = "status"  # SPEC §11: judge the selected checks by their current status, run nothing


@dataclasses.dataclass(frozen=True)
class Variable:
    """One environment variable of a triggered test session."""

    key: str
    value: str = dataclasses.field(repr=False)
    secret: bool = False


@dataclasses.dataclass(frozen=True)
class TriggerConfig:
    """What the gate starts before it waits. Secret variables are hidden from `repr`."""

    kind: TriggerKind
    tags: tuple[tuple[str, ...], ...] = ()  # OR of groups, AND within a group
    check_ids: tuple[str, ...] = ()
    location: str | None = None  # test sessions only; DEFAULT_LOCATION when not given
    variables: tuple[Variable, ...] = ()
    name: str | None = None  # None: the default name of SPEC §8, with its random token
    retries: int | None = None  # None: the request says nothing
    retry_strategy: str = "FIXED"  # the API's `retryStrategy.type`
    retry_network_only: bool = False  # `onlyOn: [NETWORK_ERROR]`
    refresh_cache: bool = False
    allow_deactivated: bool = False
    fail_on_no_matching: bool = True
    cancel_on_exit: bool = True
    token: str | None = None  # the run's token when chosen first (SPEC §12: the location's)
    private_location: PrivateLocationConfig | None = None  # an ephemeral one (SPEC §12)

    @property
    def everything(self) -> bool:
        """No filter at all: every eligible check runs (the API's rule)."""
        return not self.tags and not self.check_ids

    def secrets(self) -> list[str]:
        return [v.value for v in self.variables if v.secret and v.value]

    def describe_filters(self) -> str:
        """The filters in plain words: `tags (a AND b) OR (c)`, `check-ids x, y`."""
        parts = []
        if self.tags:
            groups = [" AND ".join(group) for group in self.tags]
            shown = " OR ".join(f"({g})" if len(self.tags) > 1 else g for g in groups)
            parts.append(f"tags {shown}")
        if self.check_ids:
            parts.append(f"check-ids {', '.join(self.check_ids)}")
        return " and ".join(parts) if parts else "all eligible checks"


def secret_env_values(text: str) -> list[str]:
    """The values of `KEY=VALUE` lines (to mask them before anything is printed)."""
    values = []
    for line in text.splitlines():
        _, eq, value = line.partition("=")
        if eq and _unquote(value.strip()):
            values.append(_unquote(value.strip()))
    return values


def read_trigger(r: ValueReader) -> TriggerConfig | None:
    """The trigger of SPEC §8 from the picked values, or None; problems go to `r`."""
    values = r.values
    fail_on_no_matching = r.boolean("fail-on-no-matching", default=True)
    refresh_cache = r.boolean("refresh-cache", default=False)
    cancel_on_exit = r.boolean("cancel-on-exit", default=True)
    kind = _kind(r)
    tags = _tags(r)
    check_ids = _check_ids(r)
    if kind is None and (tags or check_ids or "tags" in values or "check-ids" in values):
        kind = TriggerKind.TEST_SESSION
    given = [n for n in TEST_SESSION_ONLY if values.get(n, "").lower() not in _UNSET.get(n, ("",))]
    refused = kind in (TriggerKind.CHECK_SESSIONS, TriggerKind.STATUS)  # status: SPEC §11
    if refused or (kind is None and "trigger" not in values):
        for name in given:
            if kind is TriggerKind.STATUS:
                r.problem(name, f"{name} does not apply with trigger: status (it starts no run)")
            elif kind is TriggerKind.CHECK_SESSIONS:
                r.problem(
                    name,
                    f"{name} does not apply with trigger: check-sessions (check sessions run in "
                    "each check's own locations, with its own variables and retries); leave it "
                    "out, or use trigger: test-session",
                )
            else:
                r.problem(
                    name,
                    f"{name} applies only to a triggered test session; set tags, check-ids or "
                    "trigger: test-session, or leave it out",
                )
        if kind is None:
            return None
    if kind is None:  # an invalid `trigger` value: reported above
        return None
    test = kind is TriggerKind.TEST_SESSION
    return TriggerConfig(
        kind=kind,
        tags=tags,
        check_ids=check_ids,
        location=_location(r) if test else None,
        variables=_variables(r) if test else (),
        name=_name(r) if test else None,
        **(_retry_fields(r) if test else {}),
        refresh_cache=refresh_cache,
        allow_deactivated=test and r.boolean("allow-deactivated", default=False),
        fail_on_no_matching=fail_on_no_matching,
        cancel_on_exit=cancel_on_exit,
    )


def _kind(r: ValueReader) -> TriggerKind | None:
    value = r.values.get("trigger")
    if value is None:
        return None
    choice = value.lower().replace("_", "-")
    try:
        return TriggerKind(choice)
    except ValueError:
        r.bad("trigger", value, "is not allowed; use test-session, check-sessions or status")
        return None


def _tags(r: ValueReader) -> tuple[tuple[str, ...], ...]:
    """One tag group per line, tags separated by commas; blank lines are skipped."""
    value = r.values.get("tags")
    if value is None:
        return ()
    groups: list[tuple[str, ...]] = []
    for line in value.splitlines():
        if not line.strip():
            continue
        tags = tuple(dict.fromkeys(t.strip() for t in line.split(",") if t.strip()))
        bad = [t for t in tags if t == "!" or not t.isprintable()]
        if not tags:
            r.bad("tags", line, "is a tag group without a tag; give tags separated by commas")
        for tag in bad:
            r.bad("tags", tag, "is not a tag; use a tag name, or !name to exclude it")
        if tags and not bad and tags not in groups:
            groups.append(tags)
    return tuple(groups)


def _check_ids(r: ValueReader, name: str = "check-ids") -> tuple[str, ...]:
    value = r.values.get(name)
    if value is None:
        return ()
    found: list[str] = []
    tokens = [t.strip("\"'`[](){}<>") for t in _SPLIT.split(value)]
    for token in filter(None, tokens):
        link = _CHECK_LINK.search(token)
        if is_uuid(token):
            found.append(token.lower())
        elif link:
            found.append(link.group(1).lower())
        else:
            r.bad(
                name,
                token,
                "is not a check ID; use the check's UUID or its link "
                "(https://app.checklyhq.com/checks/<id>)",
            )
    if not found and not any(tokens):
        r.bad(name, value, "holds no check ID; give check UUIDs or check links")
    return tuple(dict.fromkeys(found))


def _location(r: ValueReader) -> str:
    value = r.values.get("location")
    if value is None:
        return DEFAULT_LOCATION
    if not _LOCATION.fullmatch(value):
        r.bad(
            "location",
            value,
            "is not a location; use a public region code such as eu-central-1 or "
            "us-east-1, or a private location's slug name",
        )
    return value


def _retries(r: ValueReader) -> int | None:
    if "retries" not in r.values:
        return None
    retries = r.whole("retries", -1, 0, MAX_RETRIES)
    return retries if retries >= 0 else None


def _retry_fields(r: ValueReader) -> dict[str, Any]:
    """`retries`, `retry-strategy` and `retry-on` (SPEC §2): `single` is one retry, so
    `retries` is then 1 or unset; a strategy or `retry-on` needs retries to apply to."""
    retries = _retries(r)
    value = r.values.get("retry-strategy", "fixed")
    strategy = RETRY_STRATEGIES.get(value.lower())
    if strategy is None:
        r.bad("retry-strategy", value, "is not allowed; use fixed, linear, exponential or single")
        strategy = "FIXED"
    on = r.values.get("retry-on", "any")
    if on.lower() not in ("any", "network"):
        r.bad("retry-on", on, "is not allowed; use any, or network (retry network errors only)")
    if strategy == "SINGLE_RETRY":
        if retries not in (None, 1):
            r.bad(
                "retries", str(retries), "does not go with retry-strategy: single; use 1 or unset"
            )
        retries = 1
    elif not retries:  # unset or 0: a strategy other than the default has nothing to shape
        needs = f"needs retries: set retries from 1 to {MAX_RETRIES}"
        if strategy != "FIXED":
            r.bad("retry-strategy", value, needs)
        if on.lower() == "network":
            r.bad("retry-on", on, needs)
    return {
        "retries": retries,
        "retry_strategy": strategy,
        "retry_network_only": on.lower() == "network",
    }


def _name(r: ValueReader) -> str | None:
    value = r.values.get("test-session-name")
    if value is not None and not value.isprintable():
        r.bad("test-session-name", value, "cannot hold line breaks or control characters")
    return value


def _variables(r: ValueReader) -> tuple[Variable, ...]:
    variables: list[Variable] = []
    seen: dict[str, str] = {}
    for name, secret in (("env", False), ("secret-env", True)):
        for line in (r.values.get(name) or "").splitlines():
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            key, eq, raw = text.partition("=")
            key, value = key.strip().removeprefix("export ").strip(), _unquote(raw.strip())
            shown = key if secret else text
            if not eq or not _KEY.fullmatch(key):
                what = "a line (value not shown)" if secret else show(text)
                r.problem(
                    name,
                    f"{name}: {what} is not KEY=VALUE; give one variable per line, such as "
                    "ENVIRONMENT_URL=https://preview.example.com",
                )
                continue
            if not value:
                r.bad(name, shown, "has no value; give KEY=VALUE, or leave the line out")
            elif key in seen:
                r.problem(name, f"{name}: {key} is given twice (also in {seen[key]}); keep one")
            else:
                seen[key] = name
                variables.append(Variable(key, value, secret))
    if len(variables) > MAX_VARIABLES:
        r.problem(
            "env",
            f"env: {len(variables)} variables in env and secret-env; Checkly takes at most "
            f"{MAX_VARIABLES} per test session",
        )
    return tuple(variables)


def _unquote(value: str) -> str:
    """`"a b"` or `'a b'` → `a b`, as dotenv files write values."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def picked_secrets(values: Mapping[str, str]) -> list[str]:
    """The `secret-env` values among the picked option values (to hide from messages)."""
    return secret_env_values(values.get("secret-env", ""))
