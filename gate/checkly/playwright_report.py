"""A run's Playwright JSON report (SPEC §10), read test by test within a bounded memory.

The report (`playwrightTestJsonReportFile`, a signed URL) is read whole into bytes, at most
`MAX_REPORT_BYTES`. Most of a large report is long strings: stdout, stderr, stacks, inline
attachment bodies. Before the parse, every JSON string longer than `KEEP_STRING` bytes is cut
to that length (found by one regular expression), so the parsed objects stay small whatever
the report holds; the first line of an error is all the gate shows of it.

Every field is treated as optional and of unknown type: an odd shape gives fewer tests, never
an exception. Text is cleaned like the reasons (`gate.checkly.reasons.clean_line`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from gate.checkly.reasons import clean_line
from gate.core.evidence import PlaywrightTest, PlaywrightTests

MAX_REPORT_BYTES = 20 * 1_000_000  # read at most this much of a report (SPEC §10)
KEEP_STRING = 600  # bytes kept of each long string
MAX_TESTS = 2_000  # tests kept per run (failing and flaky ones first)
MAX_ERROR = 200

# Every JSON string, from its opening quote: scanning from the start, matches stay aligned
# (the text between two strings holds no quote).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# Inert text (SPEC §5): the report is parsed here, not by the client, so its text is cleaned
# here too: lone surrogates (`"\ud83d"` decodes to one) become U+FFFD, bidi controls go;
# `clean_line` then drops ANSI codes and control characters.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_OUTCOMES = {"unexpected": "failed", "flaky": "flaky", "expected": "passed", "skipped": "skipped"}
_ORDER = {"failed": 0, "flaky": 1, "passed": 2, "skipped": 3}


def parse_report(
    raw: bytes | bytearray, scrub: Callable[[str], str] | None = None
) -> PlaywrightTests:
    """The tests of a Playwright JSON report's bytes; a report that cannot be read has a note.
    `scrub` (the client's, SPEC §5) runs on the whole text first: before any string is cut."""
    if scrub is not None:
        raw = scrub(bytes(raw).decode(json.detect_encoding(raw), "replace")).encode("utf-8")
    try:
        body = json.loads(_cut_long_strings(raw))
    except (ValueError, RecursionError):
        return PlaywrightTests(note="the Playwright report is not valid JSON")
    if not isinstance(body, Mapping):
        return PlaywrightTests(note="the Playwright report is not a JSON object")
    tests = sorted(_tests(body.get("suites"), "", 0), key=lambda t: _ORDER.get(t.outcome, 9))
    note = None
    if len(tests) > MAX_TESTS:
        note = f"{len(tests) - MAX_TESTS} more tests not listed"
        tests = tests[:MAX_TESTS]
    return PlaywrightTests(tuple(tests), note)


def _cut_long_strings(raw: bytes | bytearray) -> bytes:
    """`raw` with every JSON string longer than KEEP_STRING bytes cut: one copy of what is
    kept (the parts between long strings are views, joined once)."""
    view = memoryview(raw)
    parts: list[bytes | memoryview] = []
    last = 0
    for match in _STRING.finditer(raw):
        start, end = match.span()
        if end - start > KEEP_STRING + 2:
            parts += [view[last:start], _shorten(match)]
            last = end
    parts.append(view[last:])
    return b"".join(parts)


def _shorten(match: re.Match[bytes]) -> bytes:
    """A long JSON string cut to KEEP_STRING bytes, still a valid JSON string."""
    whole = match.group(0)
    if len(whole) <= KEEP_STRING + 2:
        return whole
    piece = match.group(0)[1 : KEEP_STRING + 1]
    for _ in range(8):  # at most a cut escape (`\u00e`) or a cut UTF-8 sequence to drop
        try:
            json.loads(b'"' + piece + b'"')
            return b'"' + piece + b'"'
        except ValueError:
            piece = piece[:-1]
    return b'""'


def _tests(suites: Any, file: str, depth: int) -> Iterator[PlaywrightTest]:
    if depth > 50 or not isinstance(suites, list):
        return
    for suite in suites:
        if not isinstance(suite, Mapping):
            continue
        here = _text(suite.get("file")) or file
        for spec in suite.get("specs") or ():
            if isinstance(spec, Mapping):
                yield from _spec_tests(spec, _text(spec.get("file")) or here)
        yield from _tests(suite.get("suites"), here, depth + 1)


def _spec_tests(spec: Mapping[str, Any], file: str) -> Iterator[PlaywrightTest]:
    title = clean_line(_text(spec.get("title")) or "(untitled)", 200)
    tests = [t for t in spec.get("tests") or () if isinstance(t, Mapping)]
    for test in tests:
        project = _text(test.get("projectName"))
        name = f"[{project}] {title}" if project and len(tests) > 1 else title
        results = [r for r in test.get("results") or () if isinstance(r, Mapping)]
        outcome = _OUTCOMES.get(_text(test.get("status")) or "", "")
        if not outcome:
            outcome = "failed" if spec.get("ok") is False else "passed"
        duration = sum(r["duration"] for r in results if isinstance(r.get("duration"), int | float))
        yield PlaywrightTest(
            file=clean_line(file, 200),
            title=name,
            outcome=outcome,
            error=_first_error(results) if outcome in ("failed", "flaky") else None,
            retries=max(len(results) - 1, 0),
            duration_s=duration / 1000 if results else None,
        )


def _first_error(results: list[Mapping[str, Any]]) -> str | None:
    for result in results:
        errors = result.get("errors")
        candidates = [result.get("error"), *(errors if isinstance(errors, list) else ())]
        for error in candidates:
            message = _text(error.get("message")) if isinstance(error, Mapping) else None
            if message:
                first = next((line for line in message.splitlines() if line.strip()), "")
                return clean_line(first, MAX_ERROR) or None
    return None


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return _BIDI.sub("", _SURROGATE.sub("\ufffd", value))
