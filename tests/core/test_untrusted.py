"""gate.core.untrusted: any text becomes inert (encodable, no bidi or control characters),
and ordinary text is kept as it is."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from gate.core.untrusted import clean_json, clean_text

_BAD = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


@given(st.text(alphabet=st.characters(codec=None)))
def test_any_text_comes_out_inert(text: str) -> None:
    cleaned = clean_text(text)
    assert not _BAD.search(cleaned)
    cleaned.encode("utf-8")  # never a lone surrogate
    assert clean_text(cleaned) == cleaned  # once is enough


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cf", "Cs"))))
def test_ordinary_text_is_kept(text: str) -> None:
    assert clean_text(text) == text


def test_json_strings_and_keys_are_cleaned_numbers_kept() -> None:
    raw = {"na\u202eme": ["a\ud83db", 3, None, {"x": "\x1b[31mred\x1b[0m\r\n"}]}
    assert clean_json(raw) == {"name": ["a\ufffdb", 3, None, {"x": "red\n"}]}
