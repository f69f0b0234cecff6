"""The request bodies the simulator's POST routes accept, checked as Checkly's backend does.

Each check returns the body when it is acceptable and raises `BodyError` with a Joi-style
message (`"checkId" is not allowed`, `"name" is required`) otherwise: the schemas of
`TriggerTestSessionRequest`, `CheckSessionsV2TriggerRequest` and the cancel requests, by hand
(the simulator runs without jsonschema). Unknown fields are refused, as Joi does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_METADATA = {"environment", "repoUrl", "commitId", "commitOwner", "commitMessage", "branchName"}
_GITHUB = {"repository", "sha", "runId", "runAttempt", "workflow", "job", "eventName", "ref"}
_GITHUB |= {"headRef", "baseRef", "serverUrl"}
_STRATEGIES = {"FIXED", "LINEAR", "EXPONENTIAL", "SINGLE_RETRY"}


class BodyError(ValueError):
    """The body is not acceptable; the message says why, as the API would."""


def test_trigger(body: Any) -> dict[str, Any]:
    """`TriggerTestSessionRequest`."""
    keys = {"name", "runLocation", "target", "environmentVariables", "retryStrategy"}
    request = _object(body, "value", keys | {"refreshCache", "metadata"})
    for name in ("name", "runLocation"):
        if name not in request:
            raise BodyError(f'"{name}" is required')
        _string(request[name], name)
    _target(request.get("target"), non_empty_tags=True)
    _variables(request.get("environmentVariables", []))
    _strategy(request.get("retryStrategy"))
    _flag(request, "refreshCache")
    if "metadata" in request:
        _metadata(request["metadata"])
    return request


def check_trigger(body: Any) -> dict[str, Any]:
    """`CheckSessionsV2TriggerRequest`."""
    request = _object({} if body is None else body, "value", {"target", "refreshCache"})
    _target(request.get("target"), non_empty_tags=False, deactivated=False)
    _flag(request, "refreshCache")
    return request


def cancel_body(body: Any) -> dict[str, Any]:
    """`TestSessionsV1CancelRequest` / `CheckSessionsV1CancelRequest`: `{}` or `{sequenceId}`."""
    request = _object(body, "value", {"sequenceId"})
    if "sequenceId" in request:
        ids = request["sequenceId"]
        if not isinstance(ids, list) or not ids or not all(_is_uuid(i) for i in ids):
            raise BodyError('"sequenceId" must be a non-empty array of GUIDs')
    return request


def _variables(variables: Any) -> None:
    if not isinstance(variables, list) or len(variables) > 50:
        raise BodyError('"environmentVariables" must be an array of at most 50 items')
    for index, variable in enumerate(variables):
        where = f"environmentVariables[{index}]"
        item = _object(variable, where, {"key", "value", "secret", "locked"})
        _string(item.get("key"), f"{where}.key")
        if "value" not in item or not isinstance(item.get("secret", False), bool):
            raise BodyError(f'"{where}" must have a value and a boolean secret')
        if not item.get("secret") and item["value"] is not None:
            _string(item["value"], f"{where}.value")


def _strategy(strategy: Any) -> None:
    if strategy is None:
        return
    keys = {"type", "baseBackoffSeconds", "sameRegion", "onlyOn", "maxRetries"}
    single = isinstance(strategy, dict) and strategy.get("type") == "SINGLE_RETRY"
    if single:  # the SINGLE_RETRY form has no maxRetries or maxDurationSeconds
        keys -= {"maxRetries"}
    item = _object(strategy, "retryStrategy", keys if single else keys | {"maxDurationSeconds"})
    if item.get("type") not in _STRATEGIES:
        raise BodyError(f'"retryStrategy.type" must be one of {sorted(_STRATEGIES)}')
    if item.get("onlyOn", ["NETWORK_ERROR"]) != ["NETWORK_ERROR"]:
        raise BodyError('"retryStrategy.onlyOn" must be ["NETWORK_ERROR"]')
    _flag(item, "sameRegion")
    retries = item.get("maxRetries", 2)
    if not isinstance(retries, int | float) or not 1 <= retries <= 10:
        raise BodyError('"retryStrategy.maxRetries" must be between 1 and 10')


def _metadata(value: Any) -> None:
    metadata = _object(value, "metadata", _METADATA | {"github"})
    for key in _METADATA & set(metadata):
        if metadata[key] is not None or key == "environment":
            _string(metadata[key], f"metadata.{key}")
    if "github" in metadata:
        github = _object(metadata["github"], "metadata.github", _GITHUB | {"reporting"})
        if not isinstance(github.get("reporting"), bool):
            raise BodyError('"metadata.github.reporting" is required and must be a boolean')
        _strings((v for k, v in github.items() if k != "reporting" and v is not None), "github")


def _target(value: Any, *, non_empty_tags: bool, deactivated: bool = True) -> None:
    if value is None:
        return
    allowed = {"matchTags", "checkId"} | ({"allowDeactivated"} if deactivated else set())
    target = _object(value, "target", allowed)
    _flag(target, "allowDeactivated")
    tags = target.get("matchTags", [])
    if not isinstance(tags, list) or not all(isinstance(group, list) for group in tags):
        raise BodyError('"target.matchTags" must be an array of arrays of tags')
    for group in tags:
        for tag in group:
            if not isinstance(tag, str) or (non_empty_tags and not tag):
                raise BodyError('"target.matchTags" tags must be non-empty strings')
    ids = target.get("checkId", [])
    if not isinstance(ids, list) or not all(_is_uuid(i) for i in ids):
        raise BodyError('"target.checkId" must be an array of GUIDs')


def _object(value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BodyError(f'"{where}" must be of type object')
    for key in value:
        if key not in allowed:
            raise BodyError(f'"{key}" is not allowed')
    return value


def _flag(item: dict[str, Any], key: str) -> None:
    if key in item and not isinstance(item[key], bool):
        raise BodyError(f'"{key}" must be a boolean')


def _string(value: Any, where: str) -> None:
    if not isinstance(value, str) or not value:
        raise BodyError(f'"{where}" must be a non-empty string')


def _strings(values: Iterable[Any], where: str) -> None:
    if not all(isinstance(v, str) for v in values):
        raise BodyError(f'"metadata.{where}" values must be strings')


def _is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None
