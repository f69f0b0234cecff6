"""Reading a Playwright JSON report (SPEC §10): long strings are cut before the parse without
breaking the JSON (escapes, quotes, multi-byte characters at the cut), outcomes and errors are
read from any shape, and nothing odd raises."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gate.checkly.playwright_report import KEEP_STRING, MAX_TESTS, parse_report


def report(*specs: dict[str, Any], nested: bool = False) -> bytes:
    suite: dict[str, Any] = {"title": "a.spec.ts", "file": "tests/a.spec.ts", "specs": list(specs)}
    if nested:
        suite = {"title": "outer", "file": "tests/a.spec.ts", "specs": [], "suites": [suite]}
    return json.dumps({"suites": [suite]}, ensure_ascii=False).encode()


def spec(title: str, status: str, *errors: str, **extra: Any) -> dict[str, Any]:
    results = [{"status": "failed", "error": {"message": e}, "duration": 10} for e in errors]
    if status != "unexpected":
        results.append({"status": "passed", "duration": 5})
    test = {"projectName": "chromium", "status": status, "results": results}
    return {"title": title, "ok": status != "unexpected", "tests": [test], **extra}


@pytest.mark.parametrize(
    "filler",
    ["x", "\\", '"', "é", "😀", "\n", "\u202e"],
    ids=["ascii", "backslash", "quote", "two-byte", "four-byte", "newline", "bidi"],
)
def test_long_strings_are_cut_without_breaking_the_json(filler: str) -> None:
    long = filler * (KEEP_STRING * 3)
    raw = report(spec("cut", "unexpected", "Error: first line\n" + long), spec("kept", "expected"))
    parsed = parse_report(raw)
    assert parsed.note is None
    assert [t.title for t in parsed.tests] == ["cut", "kept"]
    assert parsed.tests[0].error == "Error: first line"


def test_a_quote_inside_a_short_string_does_not_shift_the_cut() -> None:
    escaped = 'he said \\"no\\" ' * 3
    raw = report(spec(escaped, "unexpected", "x" * 5000), spec("after", "expected"))
    parsed = parse_report(raw)
    assert parsed.tests[0].title == escaped.strip()
    assert parsed.tests[1].title == "after"


def test_outcomes_retries_and_the_first_error_line() -> None:
    raw = report(
        spec("fails", "unexpected", "\x1b[31mTimeoutError\x1b[0m: waited\ncall log", "again"),
        spec("flaky", "flaky", "first try failed"),
        spec("passes", "expected"),
        {"title": "skipped", "ok": True, "tests": [{"status": "skipped", "results": []}]},
        nested=True,
    )
    tests = {t.title: t for t in parse_report(raw).tests}
    assert tests["fails"].outcome == "failed" and tests["fails"].retries == 1
    assert tests["fails"].error == "TimeoutError: waited"  # colour codes gone, first line
    assert tests["flaky"].outcome == "flaky" and tests["flaky"].error == "first try failed"
    assert tests["passes"].outcome == "passed" and tests["passes"].error is None
    assert tests["skipped"].outcome == "skipped"
    assert tests["fails"].name == "tests/a.spec.ts \u203a fails"


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[]", b'{"suites": 3}', b'{"suites": [1, "x", {"specs": [7]}]}'],
)
def test_odd_reports_give_no_tests_and_never_raise(raw: bytes) -> None:
    parsed = parse_report(raw)
    assert parsed.tests == ()


def test_deep_nesting_is_not_a_crash() -> None:
    raw = b'{"suites": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert parse_report(raw).tests == ()


def test_a_huge_suite_is_cut_failing_first() -> None:
    specs = [spec(f"t{i}", "expected") for i in range(MAX_TESTS + 10)]
    specs.append(spec("the failing one", "unexpected", "boom"))
    parsed = parse_report(report(*specs))
    assert len(parsed.tests) == MAX_TESTS and parsed.tests[0].title == "the failing one"
    assert parsed.note == "11 more tests not listed"


def test_surrogates_and_bidi_controls_are_made_inert() -> None:
    raw = (
        b'{"suites": [{"file": "a\\u202e.ts", "specs": [{"title": "t\\ud83d", "ok": false, '
        b'"tests": [{"status": "unexpected", "results": [{"error": {"message": "e\\u2066x"}}]}]'
        b"}]}]}"
    )
    (test,) = parse_report(raw).tests
    assert (test.file, test.title, test.error) == ("a.ts", "t\ufffd", "ex")
    test.name.encode("utf-8")  # writable: no lone surrogate left
