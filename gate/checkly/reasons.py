"""Why a check run failed, in one short line, from Checkly's loosely typed result detail.

Pure functions of the JSON bodies of `GET /v1/test-sessions/{id}/results/{resultId}` and
`GET /v1/check-results/{checkId}/{checkResultId}`, and of the error-group bodies. Every field is
treated as optional and of unknown type: unexpected shapes give a generic reason or None, never an
exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from gate.core.model import SessionKind

MAX_REASON = 300
MAX_GROUP_MESSAGE = 500
MAX_VALUE = 80
MAX_ASSERTIONS = 2

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")

SOURCES: Mapping[str, str] = {
    "STATUS_CODE": "status code",
    "JSON_BODY": "JSON body",
    "HEADERS": "header",
    "TEXT_BODY": "text body",
    "RESPONSE_TIME": "response time",
    "RESPONSE_DATA": "response data",
    "GRPC_STATUS_CODE": "gRPC status code",
    "GRPC_RESPONSE": "gRPC response",
}
COMPARISONS: Mapping[str, str] = {
    "EQUALS": "equals",
    "NOT_EQUALS": "does not equal",
    "HAS_KEY": "has key",
    "NOT_HAS_KEY": "does not have key",
    "HAS_VALUE": "has value",
    "NOT_HAS_VALUE": "does not have value",
    "IS_EMPTY": "is empty",
    "NOT_EMPTY": "is not empty",
    "GREATER_THAN": "is greater than",
    "LESS_THAN": "is less than",
    "CONTAINS": "contains",
    "NOT_CONTAINS": "does not contain",
    "IS_NULL": "is null",
    "NOT_NULL": "is not null",
}
_NO_TARGET = frozenset({"IS_EMPTY", "NOT_EMPTY", "IS_NULL", "NOT_NULL"})
_API_PARTS = ("apiCheckResult", "grpcCheckResult", "sslCheckResult", "tracerouteCheckResult")
_ERROR_PARTS = ("playwrightCheckResult", "browserCheckResult", "multiStepCheckResult")


def clean_line(text: str, limit: int = MAX_REASON) -> str:
    """One line of plain text: ANSI codes and control characters gone, whitespace collapsed,
    at most `limit` characters (an ellipsis marks a cut)."""
    text = _CONTROL.sub(" ", _ANSI.sub("", text))
    text = _SPACE.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return text


def reason_from_detail(kind: SessionKind, detail: Mapping[str, Any]) -> str | None:
    """One short reason for a failing (or degraded) check run, or None when the detail says
    nothing useful. `kind` selects nothing today (both detail bodies share their shape) but
    keeps the call honest about which endpoint the body came from."""
    del kind
    if not isinstance(detail, Mapping):
        return None
    try:
        reason = _reason(detail)
    except Exception:  # a shape no one foresaw: never crash a report over a reason
        reason = None
    if reason is None:
        return None
    return clean_line(reason) or None


def clean_group_message(group: Mapping[str, Any]) -> str | None:
    """The error group's cleaned message (falling back to the raw one), on one bounded line."""
    if not isinstance(group, Mapping):
        return None
    for field in ("cleanedErrorMessage", "rawErrorMessage"):
        value = group.get(field)
        if isinstance(value, str) and value.strip():
            return clean_line(value, MAX_GROUP_MESSAGE) or None
    return None


def _reason(detail: Mapping[str, Any]) -> str | None:
    schedule = _text(detail.get("scheduleError"))
    if schedule:
        return f"scheduling error: {schedule}"
    for part in _API_PARTS:
        found = _api_reason(detail.get(part))
        if found:
            return found
    for part in _ERROR_PARTS:
        body = detail.get(part)
        found = _first_error(body.get("errors")) if isinstance(body, Mapping) else None
        if found:
            return found
    agentic = detail.get("agenticCheckResult")
    found = _agentic_reason(agentic) if isinstance(agentic, Mapping) else None
    return found or _generic_reason(detail)


def _api_reason(body: Any) -> str | None:
    if not isinstance(body, Mapping):
        return None
    error = _text(body.get("requestError"))
    if not error and isinstance(body.get("response"), Mapping):
        error = _text(body["response"].get("requestError"))
    if error:
        return f"request error: {error}"
    failed = [a for a in _mappings(body.get("assertions")) if _assertion_failed(a)]
    if not failed:
        return _diagnostic(body)
    parts = [_describe_assertion(a) for a in failed[:MAX_ASSERTIONS]]
    more = len(failed) - MAX_ASSERTIONS
    text = "; ".join(parts)
    if more > 0:
        text += f" (+{more} more failed assertion{'s' if more != 1 else ''})"
    return text


def _diagnostic(body: Mapping[str, Any]) -> str | None:
    """A gRPC status or an SSL failure category, as the CLI's check-result-detail shows them."""
    response = body.get("response")
    response = response if isinstance(response, Mapping) else {}
    message = _text(response.get("grpcStatusMessage"))
    code = response.get("grpcStatusCode", body.get("grpcStatusCode"))
    code = code if isinstance(code, int | float) and not isinstance(code, bool) else None
    if message and code != 0:
        return f"gRPC status {code:g}: {message}" if code is not None else f"gRPC: {message}"
    category = _text(body.get("failureCategory"))
    if category:
        detail = _text(response.get("chainTrustDetail"))
        return f"SSL failure: {category}" + (f" ({detail})" if detail else "")
    return None


def _assertion_failed(assertion: Mapping[str, Any]) -> bool:
    if assertion.get("passed") is False or assertion.get("success") is False:
        return True
    if assertion.get("passed") is True or assertion.get("success") is True:
        return False
    error = assertion.get("error")
    return bool(error) or assertion.get("hasFailures") is True or assertion.get("failed") is True


def _describe_assertion(assertion: Mapping[str, Any]) -> str:
    source_raw = assertion.get("source")
    comparison_raw = assertion.get("comparison")
    if not isinstance(source_raw, str) and not isinstance(comparison_raw, str):
        error = _text(assertion.get("error")) or _text(assertion.get("message"))
        return f"assertion failed: {error}" if error else "an assertion failed"
    source = _label(source_raw, SOURCES) or "assertion"
    comparison = _label(comparison_raw, COMPARISONS) or "fails"
    words = [source]
    prop = _text(assertion.get("property"))
    if prop:
        words.append(_bounded(prop))
    regex = _text(assertion.get("regex"))
    if regex:
        words.append(f"regex {_value(regex, quote=True)}")
    words.append(comparison)
    unit = " ms" if source_raw == "RESPONSE_TIME" else ""
    if comparison_raw not in _NO_TARGET and "target" in assertion:
        words.append(_value(assertion.get("target"), quote=source_raw != "STATUS_CODE") + unit)
    text = " ".join(words)
    if "actual" in assertion:
        actual = _value(assertion.get("actual"), quote=source_raw != "STATUS_CODE")
        text += f", got {actual}{unit if _NUMBER.fullmatch(actual) else ''}"
    return text


def _agentic_reason(body: Mapping[str, Any]) -> str | None:
    summary = _text(body.get("summary"))
    failed = [a for a in _mappings(body.get("assertions")) if a.get("passed") is False]
    assertion = None
    if failed:
        first = failed[0]
        condition = _bounded(_text(first.get("condition")) or "an assertion")
        assertion = f"failed: {condition}"
        expected, actual = _text(first.get("expected")), _text(first.get("actual"))
        if expected or actual:
            assertion += f" (expected {_bounded(expected or '?')}, got {_bounded(actual or '?')})"
    if summary and assertion:
        return f"{summary} [{assertion}]"
    if summary or assertion:
        return summary or assertion
    error = _first_error(body.get("errors"))
    return f"agent error: {error}" if error else None


def _first_error(errors: Any) -> str | None:
    if isinstance(errors, str):
        return _text(errors)
    if not isinstance(errors, Sequence):
        return None
    for item in errors:
        found = _error_text(item, depth=0)
        if found:
            return found
    return None


def _error_text(item: Any, depth: int) -> str | None:
    if depth > 3:
        return None
    if isinstance(item, str):
        return _text(item)
    if not isinstance(item, Mapping):
        return None
    for field in ("message", "error", "value", "stack", "description"):
        value = item.get(field)
        if isinstance(value, Mapping):
            found = _error_text(value, depth + 1)
        elif isinstance(value, str) and field == "stack":
            found = _text(value.split("\n", 1)[0])
        else:
            found = _text(value)
        if found:
            return found
    return None


def _generic_reason(detail: Mapping[str, Any]) -> str | None:
    response_time = detail.get("responseTime")
    timing = (
        f" ({response_time:g} ms)"
        if isinstance(response_time, int | float) and not isinstance(response_time, bool)
        else ""
    )
    if detail.get("isCancelled") is True:
        return "the run was cancelled"
    if detail.get("aborted") is True:
        return "the run was aborted"
    if detail.get("overMaxResponseTime") is True:
        return f"response time over the check's maximum{timing}"
    if detail.get("hasErrors") is True:
        return "Checkly reported an error while running the check"
    if detail.get("hasFailures") is True:
        return "the check failed (Checkly gave no further detail)"
    if detail.get("isDegraded") is True:
        return f"response time over the check's degradation limit{timing}"
    return None


def _label(value: Any, names: Mapping[str, str]) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return names.get(value) or value.replace("_", " ").lower()


def _value(value: Any, *, quote: bool) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        stripped = value.strip()
        already_quoted = len(stripped) >= 2 and stripped[0] == stripped[-1] == '"'
        if not quote or already_quoted or _NUMBER.fullmatch(stripped):
            return _bounded(stripped)
        return _bounded(json.dumps(value, ensure_ascii=False))
    try:
        return _bounded(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    except (TypeError, ValueError):
        return "(unreadable value)"


def _bounded(text: str) -> str:
    return clean_line(text, MAX_VALUE)


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = clean_line(value, MAX_REASON)
    return text or None


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [item for item in value if isinstance(item, Mapping)]
