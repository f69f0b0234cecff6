"""The Checkly OpenAPI excerpt (a copy of shared/checkly-api in tests/data) as validators:
every body the simulator sends, and every body the gate sends it, is checked against it."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.support.paths import DATA

SHARED = DATA / "checkly-api"  # a copy of shared/checkly-api


OPENAPI: dict[str, Any] = json.loads(
    (SHARED / "checkly-openapi-subset.json").read_text(encoding="utf-8")
)
# Routes the API subset documents that the simulator does not serve yet, each with the open issue
# that adds it. The coverage tests (every documented status of every route is sent) leave these
# out; an issue's work deletes its lines, and the table is empty when every issue has landed.
NOT_SERVED_YET: dict[str, int] = {
    "/v1/checks/{id}": 22,
    "/v1/private-locations": 24,
    "/v1/private-locations/{id}": 24,
    "/v1/private-locations/{id}/keys": 24,
}

URN = "urn:checkly-openapi-subset"


def closed(node: Any) -> Any:
    """The schema with every documented object closed: an undocumented field is drift too."""
    if isinstance(node, list):
        return [closed(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: closed(v) for k, v in node.items()}
    if isinstance(out.get("properties"), dict) and out["properties"]:
        out.setdefault("additionalProperties", False)
    return out


REGISTRY: Registry[Any] = Registry().with_resource(
    URN, Resource.from_contents(closed(OPENAPI), default_specification=DRAFT4)
)
FORMATS = FormatChecker()
FORMATS.checkers.update(oas30_format_checker.checkers)


@FORMATS.checks("uri")
def is_uri(value: object) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return parts is None or (parts.scheme in ("http", "https") and bool(parts.netloc))


def template_of(method: str, path: str) -> str | None:
    for template, item in OPENAPI["paths"].items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        if method.lower() in item and re.fullmatch(pattern, path):
            return str(template)
    return None


@cache
def validator_for(pointer: str) -> OAS30Validator:
    return OAS30Validator({"$ref": f"{URN}#{pointer}"}, registry=REGISTRY, format_checker=FORMATS)


def validate_body(method: str, path: str, status: int, body: bytes) -> tuple[str, int]:
    """Validate `body` against the schema of `path` + `status`; AssertionError if undocumented.

    Paths the API does not have (a 404 for an unknown route) must still send an ApiError.
    """
    template = template_of(method, path)
    if template is None:
        pointer = "/components/schemas/ApiError"
    else:
        responses = OPENAPI["paths"][template][method.lower()]["responses"]
        assert str(status) in responses, f"{method} {template} does not document {status}"
        escaped = template.replace("~", "~0").replace("/", "~1")
        pointer = (
            f"/paths/{escaped}/{method.lower()}/responses/{status}/content/application~1json/schema"
        )
    validator_for(pointer).validate(json.loads(body))
    return template or "(no such route)", status
