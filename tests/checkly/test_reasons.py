"""Reasons from Checkly's result details, and error-group messages (gate.checkly.reasons)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from gate.checkly.reasons import MAX_REASON, clean_group_message, clean_line, reason_from_detail
from gate.core.model import SessionKind
from tests.support.paths import DATA

DETAILS = DATA / "details"
OPENAPI = DATA / "checkly-api" / "checkly-openapi-subset.json"
TEST, CHECK = SessionKind.TEST, SessionKind.CHECK


def load(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((DETAILS / name).read_text(encoding="utf-8"))
    return body


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("test-api-status.json", "FindOneTestSessionResultResponse"),
        ("test-playwright.json", "FindOneTestSessionResultResponse"),
        ("check-api-json-body.json", "CheckResult"),
        ("check-api-request-error.json", "CheckResult"),
        ("check-agentic.json", "CheckResult"),
        ("check-grpc-status.json", "CheckResult"),
        ("check-ssl-failure-category.json", "CheckResult"),
        ("test-error-group.json", "TestSessionErrorGroup"),
        ("check-error-group.json", "ErrorGroup"),
    ],
)
def test_the_sample_bodies_are_shaped_by_checklys_openapi_schemas(name: str, schema: str) -> None:
    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry().with_resource(
        "urn:checkly", Resource.from_contents(spec, default_specification=DRAFT4)
    )
    validator = OAS30Validator(
        {"$ref": f"urn:checkly#/components/schemas/{schema}"}, registry=registry
    )
    validator.validate(load(name))


def test_api_status_code_assertion_from_a_test_session_result() -> None:
    assert reason_from_detail(TEST, load("test-api-status.json")) == (
        "status code equals 200, got 500"
    )


def test_api_json_body_assertion_quotes_strings_and_names_the_property() -> None:
    assert reason_from_detail(CHECK, load("check-api-json-body.json")) == (
        'JSON body $.status equals "ok", got "down"'
    )


def test_several_failed_assertions_show_two_and_count_the_rest() -> None:
    detail = load("check-api-json-body.json")
    api = detail["apiCheckResult"]
    api["assertions"] = [
        {
            "source": "STATUS_CODE",
            "comparison": "EQUALS",
            "target": 200,
            "actual": 503,
            "error": "x",
        },
        {
            "source": "RESPONSE_TIME",
            "comparison": "LESS_THAN",
            "target": "1000",
            "actual": 2345,
            "error": "y",
        },
        {
            "source": "HEADERS",
            "property": "content-type",
            "comparison": "CONTAINS",
            "target": "json",
            "actual": "text/html",
            "error": "z",
        },
        {
            "source": "TEXT_BODY",
            "comparison": "NOT_EMPTY",
            "target": "",
            "actual": "",
            "error": "e",
        },
    ]
    assert reason_from_detail(CHECK, detail) == (
        "status code equals 200, got 503; response time is less than 1000 ms, got 2345 ms "
        "(+2 more failed assertions)"
    )


def test_passed_assertions_are_not_reasons() -> None:
    detail = load("test-api-status.json")
    detail["apiCheckResult"]["assertions"] = [
        {
            "source": "STATUS_CODE",
            "comparison": "EQUALS",
            "target": "200",
            "actual": 200,
            "error": None,
        },
        {
            "source": "JSON_BODY",
            "property": "$.id",
            "comparison": "NOT_NULL",
            "regex": None,
            "target": "",
            "actual": 7,
            "error": "$.id: expected non-null",
        },
    ]
    assert reason_from_detail(TEST, detail) == "JSON body $.id is not null, got 7"


def test_an_assertion_flagged_by_passed_false_and_unknown_names_still_read() -> None:
    detail = {
        "apiCheckResult": {
            "assertions": [
                {
                    "source": "GRPC_HEALTH",
                    "comparison": "MATCHES_SOMEHOW",
                    "target": "SERVING",
                    "actual": "NOT_SERVING",
                    "passed": False,
                },
            ]
        }
    }
    assert reason_from_detail(CHECK, detail) == (
        'grpc health matches somehow "SERVING", got "NOT_SERVING"'
    )


def test_a_grpc_status_without_a_failed_assertion_is_the_reason() -> None:
    # after checkly-cli's formatters/__tests__/__fixtures__/fixtures.ts (grpcCheckResult)
    assert reason_from_detail(CHECK, load("check-grpc-status.json")) == (
        "gRPC status 14: connection refused"
    )


def test_an_ssl_failure_category_without_a_failed_assertion_is_the_reason() -> None:
    # after checkly-cli's formatters/__tests__/__fixtures__/fixtures.ts (sslCheckResult)
    assert reason_from_detail(CHECK, load("check-ssl-failure-category.json")) == (
        "SSL failure: expired"
    )


def test_a_grpc_ok_status_is_no_reason() -> None:
    detail = load("check-grpc-status.json")
    detail["grpcCheckResult"]["response"] |= {"grpcStatusCode": 0, "grpcStatusMessage": "OK"}
    assert reason_from_detail(CHECK, detail) == "the check failed (Checkly gave no further detail)"


def test_request_error_wins_over_assertions() -> None:
    assert reason_from_detail(CHECK, load("check-api-request-error.json")) == (
        "request error: getaddrinfo ENOTFOUND api.acme.example"
    )


def test_first_playwright_error_without_ansi_colours_on_one_line() -> None:
    reason = reason_from_detail(TEST, load("test-playwright.json"))
    assert reason == (
        "Error: expect(locator).toBeVisible() failed Locator: getByRole('heading', "
        "{ name: 'Dashboard' }) Expected: visible Received: <element(s) not found>"
    )


def test_browser_errors_may_be_plain_strings() -> None:
    detail = {
        "browserCheckResult": {"errors": ["", "TimeoutError: page.goto: Timeout 30000ms", "second"]}
    }
    assert reason_from_detail(TEST, detail) == "TimeoutError: page.goto: Timeout 30000ms"


def test_multi_step_error_object_falls_back_to_the_stack_first_line() -> None:
    detail = {
        "multiStepCheckResult": {
            "errors": [{"stack": "Error: step 2 failed: 401\n    at script.js:4:9"}]
        }
    }
    assert reason_from_detail(CHECK, detail) == "Error: step 2 failed: 401"


def test_agentic_summary_and_failed_assertion() -> None:
    reason = reason_from_detail(CHECK, load("check-agentic.json"))
    assert reason == (
        "The homepage did not return a 200 status. [failed: The homepage returns an HTTP 200 "
        "status (expected 200, got 503)]"
    )


def test_agentic_errors_only() -> None:
    detail = {
        "agenticCheckResult": {
            "summary": None,
            "assertions": [],
            "errors": [{"error": {"message": "Request failed: 503"}}],
        }
    }
    assert reason_from_detail(CHECK, detail) == "agent error: Request failed: 503"


def test_schedule_error_comes_first() -> None:
    detail = load("test-api-status.json") | {"scheduleError": "no runner in us-west-2"}
    assert reason_from_detail(TEST, detail) == "scheduling error: no runner in us-west-2"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"isCancelled": True}, "the run was cancelled"),
        (
            {"overMaxResponseTime": True, "responseTime": 31000},
            "response time over the check's maximum (31000 ms)",
        ),
        ({"hasErrors": True}, "Checkly reported an error while running the check"),
        ({"hasFailures": True}, "the check failed (Checkly gave no further detail)"),
        (
            {"isDegraded": True, "responseTime": 2650.5},
            "response time over the check's degradation limit (2650.5 ms)",
        ),
        ({}, None),
    ],
)
def test_generic_reasons_from_the_flags(flags: dict[str, Any], expected: str | None) -> None:
    detail = {"id": "r1", "apiCheckResult": {"assertions": [], "requestError": None}} | flags
    assert reason_from_detail(CHECK, detail) == expected


def test_reasons_are_bounded_and_single_line() -> None:
    detail = {"browserCheckResult": {"errors": [{"message": "x\n" * 5000}]}}
    reason = reason_from_detail(TEST, detail)
    assert reason is not None
    assert len(reason) <= MAX_REASON
    assert "\n" not in reason
    assert reason.endswith("…")


@pytest.mark.parametrize(
    "detail",
    [
        None,
        [],
        "text",
        42,
        {},
        {"apiCheckResult": None},
        {"apiCheckResult": []},
        {"apiCheckResult": {"assertions": "nope"}},
        {"apiCheckResult": {"assertions": [1, None]}},
        {"apiCheckResult": {"assertions": [{"error": True}]}},
        {"browserCheckResult": {"errors": {"message": "not a list"}}},
        {"playwrightCheckResult": {"errors": [{"message": {"message": {"message": {}}}}]}},
        {"agenticCheckResult": {"assertions": [{"passed": False}]}},
        {
            "apiCheckResult": {
                "assertions": [
                    {
                        "source": "JSON_BODY",
                        "comparison": "EQUALS",
                        "target": {"a": [1, 2]},
                        "actual": float("nan"),
                        "error": "x",
                    }
                ]
            }
        },
    ],
)
def test_garbage_never_raises(detail: Any) -> None:
    reason = reason_from_detail(CHECK, detail)
    assert reason is None or (isinstance(reason, str) and "\n" not in reason)


def test_a_failed_assertion_without_source_reads_its_error() -> None:
    detail = {"apiCheckResult": {"assertions": [{"error": "body did not match"}]}}
    assert reason_from_detail(CHECK, detail) == "assertion failed: body did not match"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "apiCheckResult",
                    "browserCheckResult",
                    "multiStepCheckResult",
                    "playwrightCheckResult",
                    "agenticCheckResult",
                    "grpcCheckResult",
                    "assertions",
                    "errors",
                    "requestError",
                    "scheduleError",
                    "message",
                    "error",
                    "stack",
                    "source",
                    "comparison",
                    "target",
                    "actual",
                    "property",
                    "regex",
                    "passed",
                    "summary",
                    "condition",
                    "expected",
                    "response",
                    "hasFailures",
                    "isDegraded",
                    "responseTime",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(detail=json_values, kind=st.sampled_from(list(SessionKind)))
def test_fuzz_any_json_gives_none_or_one_bounded_line(detail: Any, kind: SessionKind) -> None:
    before = copy.deepcopy(detail)
    reason = reason_from_detail(kind, detail)
    assert reason is None or (0 < len(reason) <= MAX_REASON and "\n" not in reason)
    assert repr(detail) == repr(before)  # the detail is not modified


def test_group_message_prefers_the_cleaned_one() -> None:
    group = load("test-error-group.json")
    assert clean_group_message(group) == (
        "TimeoutError: locator.click: Timeout <NUMBER>ms exceeded."
    )


def test_group_message_falls_back_to_the_raw_one_and_is_bounded() -> None:
    group = {"id": "g", "cleanedErrorMessage": "   ", "rawErrorMessage": "line 1\nline 2" * 300}
    message = clean_group_message(group)
    assert message is not None
    assert message.startswith("line 1 line 2")
    assert len(message) <= 500
    assert clean_group_message({"cleanedErrorMessage": None, "rawErrorMessage": None}) is None
    assert clean_group_message("not a mapping") is None  # type: ignore[arg-type]


def test_clean_line_strips_ansi_and_control_characters() -> None:
    assert clean_line("\x1b[31mred\x1b[39m\x00 and\t\ttabs\u2028") == "red and tabs"
    assert clean_line("abcdef", 4) == "abc…"
