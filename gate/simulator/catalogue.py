"""The deployed checks the simulator's triggers run: IDs, names, types, tags, locations.

Tag matching is Checkly's (the `matchTags` grammar of its API): the outer list is OR, each
group is AND, and a tag written `!tag` matches checks without it. `check_id` and `match_tags`
combine with AND; no filter at all matches every activated check.

`DeployedCheck.reads_environment_url` marks a check written against `{{ENVIRONMENT_URL}}`:
its run requests that URL and fails when it points at a "broken" deployment, so the tests and
the demo show the variable arriving.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from gate.simulator.scenarios import ScriptedResult, assertion, stable_uuid

DEFAULT_URL = "https://shop.acme.example"
PUBLIC_LOCATIONS = {
    "us-east-1": "N. Virginia",
    "us-east-2": "Ohio",
    "us-west-1": "N. California",
    "us-west-2": "Oregon",
    "ca-central-1": "Canada",
    "sa-east-1": "São Paulo",
    "eu-west-1": "Ireland",
    "eu-west-2": "London",
    "eu-west-3": "Paris",
    "eu-central-1": "Frankfurt",
    "eu-north-1": "Stockholm",
    "eu-south-1": "Milan",
    "me-south-1": "Bahrain",
    "af-south-1": "Cape Town",
    "ap-east-1": "Hong Kong",
    "ap-south-1": "Mumbai",
    "ap-southeast-1": "Singapore",
    "ap-southeast-2": "Sydney",
    "ap-southeast-3": "Jakarta",
    "ap-northeast-1": "Tokyo",
    "ap-northeast-2": "Seoul",
    "ap-northeast-3": "Osaka",
}
PRIVATE_LOCATIONS = ("acme-private-dc",)  # slug names a test session may also run in


@dataclasses.dataclass(frozen=True)
class DeployedCheck:
    """A check deployed to the simulated account; `status` is how its runs end."""

    name: str
    check_type: str = "API"
    tags: tuple[str, ...] = ()
    locations: tuple[str, ...] = ("eu-west-1",)
    status: str = "passed"  # passed | failed | degraded
    duration_s: float = 0.5
    check_id: str | None = None  # default: a stable UUID derived from the name
    activated: bool = True
    reads_environment_url: bool = False
    response_time_ms: float = 120.0
    error: str | None = None  # the cleaned error message of a failing run
    url: str | None = (
        None  # what an agent requests (`{{VARIABLES}}` substituted); private locations
    )

    @property
    def id(self) -> str:
        return self.check_id or stable_uuid("deployed-check", self.name)

    def matches(
        self,
        match_tags: Sequence[Sequence[str]],
        check_ids: Sequence[str],
        deactivated: bool = False,
    ) -> bool:
        """Whether a trigger's `target` selects this check (`allowDeactivated`: `deactivated`)."""
        if not self.activated and not deactivated:
            return False
        if check_ids and self.id.lower() not in {c.lower() for c in check_ids}:
            return False
        return not match_tags or any(self._has_all(group) for group in match_tags)

    def _has_all(self, group: Sequence[str]) -> bool:
        mine = set(self.tags)
        return all((t[1:] not in mine) if t.startswith("!") else (t in mine) for t in group)

    def run(
        self, location: str, variables: Mapping[str, str], retries: int = 0
    ) -> list[ScriptedResult]:
        """One run's results in `location`: `retries` failed ATTEMPTs before a failing FINAL."""
        url = variables.get("ENVIRONMENT_URL", DEFAULT_URL) if self.reads_environment_url else None
        status, error = self.status, self.error
        if url is not None and "broken" in url:
            status, error = "failed", f"status code equals 200, got 502 from {url}"
        detail = _detail(url, status == "failed", error) if url is not None else None
        error_group = error if status == "failed" else None
        kinds = ["ATTEMPT"] * (retries if status == "failed" else 0) + ["FINAL"]
        return [
            ScriptedResult(
                self.name,
                status,
                self.check_type,
                location,
                result_type=kind,
                check_id=self.id,
                response_time_ms=self.response_time_ms,
                detail=detail,
                error_group=error_group,
            )
            for kind in kinds
        ]


def select(
    checks: Iterable[DeployedCheck],
    match_tags: Sequence[Sequence[str]],
    check_ids: Sequence[str],
    deactivated: bool = False,
) -> list[DeployedCheck]:
    return [c for c in checks if c.matches(match_tags, check_ids, deactivated)]


def _detail(url: str, failed: bool, error: str | None) -> dict[str, Any]:
    code = 502 if failed else 200
    return {
        "apiCheckResult": {
            "assertions": [assertion("STATUS_CODE", "200", code, error if failed else None)],
            "request": {"method": "GET", "url": url},
            "response": {"status": code, "statusText": HTTPStatus(code).phrase}
            | {"body": "Bad Gateway" if failed else "<html>ok</html>"},
        }
    }


def demo_catalogue() -> list[DeployedCheck]:
    """The demo account's deployed checks: a webshop in production and its preview checks."""
    eu, us = ("eu-west-1",), ("eu-west-1", "us-east-1")
    return [
        DeployedCheck("Homepage", "API", ("production", "webapp"), us, duration_s=1.0),
        DeployedCheck("Product search", "API", ("production", "webapp"), eu, duration_s=1.2),
        DeployedCheck(
            "Checkout flow",
            "BROWSER",
            ("production", "webapp"),
            us,
            duration_s=2.0,
            check_id=stable_uuid("check", "Checkout flow"),  # as in the demo's sessions
        ),
        DeployedCheck(
            "Orders API",
            "API",
            ("production", "backend"),
            eu,
            "failed",
            duration_s=1.5,
            error="status code equals 200, got 500",
            check_id=stable_uuid("check", "Orders API"),  # the demo's PR session's: one history
        ),
        DeployedCheck("Status page", "API", ("production", "backend"), us, duration_s=0.8),
        DeployedCheck(
            "Preview homepage",
            "API",
            ("preview",),
            eu,
            duration_s=1.0,
            reads_environment_url=True,
        ),
        DeployedCheck("Preview login", "PLAYWRIGHT", ("preview", "login"), eu, duration_s=1.5),
        # Deactivated: the demo names it in check-ids, so it shows as `missing`.
        DeployedCheck("Preview checkout", "BROWSER", ("preview",), eu, activated=False),
        DeployedCheck("Nightly export", "API", ("nightly",), eu, activated=False),
    ]
