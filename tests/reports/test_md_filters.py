"""The Markdown filters of gate.reports.md_filters: text, cells, code, links, URLs, durations
and the small ones.
"""

from __future__ import annotations

from typing import Any

import pytest

from gate.reports.md_filters import (
    duration,
    md_cell,
    md_code,
    md_link,
    md_text,
    md_url,
    outcome_icon,
    percent,
    plural,
    timestamp,
)

# -- the filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Homepage API", "Homepage API"),
        (None, ""),
        (42, "42"),
        ("a|b", "a\\|b"),
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
        ("[t](u)", "\\[t\\](u)"),
        ("a\nb\r\nc\td", "a b c d"),
        ("- item", "\\- item"),
        ("3) x", "3\\) x"),
        ("@team", "@&#8203;team"),
        ("http://x.example", "http\\://x.example"),
        ("\x1b[31mred\x1b[0m", "red"),
    ],
)
def test_md_text(value: Any, expected: str) -> None:
    assert md_text(value) == expected


def test_md_cell_code_link_and_url() -> None:
    assert md_cell(None) == md_cell("") == "\u2013"
    assert md_code("a `b` c") == "``a `b` c``"
    assert md_code("`x`") == "`` `x` ``"
    assert md_code("a|b", cell=True) == "`a\\|b`"
    assert md_code("<!-- checkly-gate:k -->").count("<!--") == 0
    assert md_link("Run", "https://app.checklyhq.com/a(b)|c") == (
        "[Run](https://app.checklyhq.com/a%28b%29%7Cc)"
    )
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "/relative",
        "https://a b.example",
        "https://x.example/\x00",
        "ftp://x.example",
        "https://",
        None,
        7,
    ):
        assert md_url(bad) is None, bad
        assert md_link("label", bad) == "label"
    assert md_link("", "https://x.example/") == "[https\\://x.example/](https://x.example/)"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.2304, "230 ms"),
        (4.25, "4.2 s"),
        (12.6, "13 s"),
        (185, "3m5s"),
        (3720, "1h2m"),
        (None, ""),
        (-1, ""),
        (True, ""),
    ],
)
def test_duration(seconds: Any, expected: str) -> None:
    assert duration(seconds) == expected


def test_small_filters() -> None:
    assert percent(87.5) == "87.5%" and percent(100.0) == "100%" and percent(None) == ""
    assert plural(1, "run") == "1 run" and plural(3, "retry", "retries") == "3 retries"
    assert outcome_icon("failed") == "❌" and outcome_icon("??") == "❔"
    assert timestamp("2025-08-28T20:30:00+02:00") == "2025-08-28 18:30 UTC"
    assert timestamp("nonsense") == "" and timestamp(None) == ""
