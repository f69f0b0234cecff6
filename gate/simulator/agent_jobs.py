"""The jobs of the simulator's private-location agents (SPEC §12): what an agent is sent for a
check, and the result the simulator records from what it reports back."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from gate.simulator.catalogue import DEFAULT_URL, DeployedCheck
from gate.simulator.scenarios import ScriptedResult, assertion


def check_url(check: DeployedCheck) -> str:
    """The URL an agent requests for `check`, `{{VARIABLES}}` still in it."""
    if check.url:
        return check.url
    return "{{ENVIRONMENT_URL}}" if check.reads_environment_url else DEFAULT_URL


def wire_job(job: Mapping[str, Any]) -> dict[str, Any]:
    check: DeployedCheck = job["check"]
    return {
        "jobId": job["jobId"],
        "checkId": check.id,
        "checkName": check.name,
        "checkType": check.check_type,
        "url": job["url"],
        "environmentVariables": job["variables"],
    }


def result_of(job: Mapping[str, Any]) -> ScriptedResult:
    check: DeployedCheck = job["check"]
    answer = job.get("answer") or {}
    status, error = answer.get("status"), answer.get("error")
    url = str(answer.get("url") or job["url"])
    passed = isinstance(status, int) and 200 <= status < 400 and not error
    if not passed and not error:
        error = f"status code is 2xx or 3xx, got {status} from {url}"
    code = status if isinstance(status, int) else 0
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = ""
    detail = {
        "apiCheckResult": {
            "assertions": [assertion("STATUS_CODE", "200", code, None if passed else error)],
            "request": {"method": "GET", "url": url},
            "response": {"status": code, "statusText": phrase},
        }
    }
    timing = answer.get("responseTimeMs")
    return ScriptedResult(
        check.name,
        "passed" if passed else "failed",
        check.check_type,
        job["slug"],
        check_id=check.id,
        response_time_ms=float(timing) if isinstance(timing, int | float) else None,
        detail=detail,
        error_group=None if passed else str(error),
    )
