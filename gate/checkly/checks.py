"""The deployed checks a trigger selects, and their current status (SPEC §11).

`select_checks` reads `GET /v1/checks` (with `tag`, paged by 100) or `GET /v1/checks/{id}` for
`check-ids` alone, and keeps the checks the trigger's filters select the way Checkly's trigger
does: the tag groups are OR, the tags of a group AND, `!tag` excludes, and with both `tags` and
`check-ids` a check must match both; deactivated checks only with `allow-deactivated`.
`current_statuses` reads `GET /v1/check-statuses` (every check in one call).
Used by `trigger: status`, `dry-run` and the `{{ENVIRONMENT_URL}}` warning on deployments.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from gate.checkly.client import ChecklyClient
from gate.checkly.transport import ApiError
from gate.options.trigger_options import TriggerConfig

PAGE = 100  # `limit`'s maximum
MAX_PAGES = 50  # 5,000 checks: more than any account the gate is meant for
ENV_URL = "{{ENVIRONMENT_URL}}"


@dataclasses.dataclass(frozen=True)
class DeployedCheck:
    """One deployed check, as far as the gate needs it."""

    id: str
    name: str
    check_type: str
    locations: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    activated: bool = True
    uses_environment_url: bool | None = None  # None: cannot tell (a Playwright code bundle)
    url: str | None = None  # an API check's request URL

    @classmethod
    def from_api(cls, body: Mapping[str, Any]) -> DeployedCheck:
        request = body.get("request") if isinstance(body.get("request"), Mapping) else {}
        url = _text(request.get("url")) if request else None
        script = _text(body.get("script"))
        check_type = _text(body.get("checkType")) or "UNKNOWN"
        uses: bool | None = None
        if url is not None:
            uses = ENV_URL in url
        elif script is not None:  # browser and multistep checks read process.env
            uses = "ENVIRONMENT_URL" in script
        locations = [*_strs(body.get("locations")), *_strs(body.get("privateLocations"))]
        return cls(
            id=(_text(body.get("id")) or "").lower(),
            name=_text(body.get("name")) or "(unnamed check)",
            check_type=check_type,
            locations=tuple(locations),
            tags=tuple(_strs(body.get("tags"))),
            activated=body.get("activated") is not False,
            uses_environment_url=uses,
            url=url,
        )

    def selected_by(self, trigger: TriggerConfig) -> bool:
        if not self.activated and not trigger.allow_deactivated:
            return False
        if trigger.check_ids and self.id not in trigger.check_ids:
            return False
        mine = set(self.tags)

        def has_all(group: Sequence[str]) -> bool:
            return all((t[1:] not in mine) if t.startswith("!") else t in mine for t in group)

        return not trigger.tags or any(has_all(g) for g in trigger.tags)


@dataclasses.dataclass(frozen=True)
class Selection:
    """The selected checks, in the API's order, and the requested IDs Checkly does not know."""

    checks: tuple[DeployedCheck, ...]
    unknown_ids: tuple[str, ...] = ()


def select_checks(client: ChecklyClient, trigger: TriggerConfig, deadline: float) -> Selection:
    """The checks `trigger` selects (see the module docstring). Raises what the client raises."""
    if trigger.check_ids and not trigger.tags:
        found, unknown = [], []
        for check_id in trigger.check_ids:
            try:
                got = client.get(f"/v1/checks/{quote(check_id, safe='')}", deadline)
            except ApiError as exc:
                if exc.status != 404:
                    raise
                unknown.append(check_id)
                continue
            found.append(DeployedCheck.from_api(got or {}))
        chosen = tuple(c for c in found if c.selected_by(trigger))
        return Selection(chosen, tuple(unknown))
    tags = sorted({t for g in trigger.tags for t in g if not t.startswith("!")})
    every_group_has_one = all(any(not t.startswith("!") for t in g) for g in trigger.tags)
    params: dict[str, Any] = {"limit": str(PAGE)}
    if tags and every_group_has_one:
        params["tag"] = tags  # "at least one of them": narrowed by the groups below
    listed: list[DeployedCheck] = []
    for page in range(1, MAX_PAGES + 1):
        body = client.get("/v1/checks", deadline, params=params | {"page": str(page)})
        items = [i for i in (body or {}).get("items", []) if isinstance(i, Mapping)]
        listed += [DeployedCheck.from_api(i) for i in items]
        if len(items) < PAGE:
            break
    chosen = tuple(c for c in listed if c.selected_by(trigger))
    ids = {c.id for c in listed}
    return Selection(chosen, tuple(i for i in trigger.check_ids if i not in ids))


def current_statuses(client: ChecklyClient, deadline: float) -> dict[str, Mapping[str, Any]]:
    """`GET /v1/check-statuses`: each check's status by its (lower-case) ID."""
    body = client.get("/v1/check-statuses", deadline) or {}
    items = [i for i in body.get("items", []) if isinstance(i, Mapping)]
    return {str(i.get("checkId", "")).lower(): i for i in items if i.get("checkId")}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _strs(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
