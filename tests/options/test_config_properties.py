"""Property-based tests (hypothesis) for durations, ID lists, session files and secrets."""

from __future__ import annotations

import json
import os
import string
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from gate.core.errors import InvalidOptions
from gate.core.model import SessionKind
from gate.options import session_ids
from gate.options.config import load_config
from gate.options.durations import DurationError, format_duration, parse_duration
from gate.options.session_ids import SessionRef, ids_in_json, read_session_file, unique

KEY = "cu_3f9a8b7c6d5e4f30a1b2c3d4e5f60718"
ACCOUNT = "1397c172-1938-4973-a225-5862298e571a"
CHECK_ID = "a4cd4ad9-4815-4a9e-92d2-0a7c562ee69a"
APP = "https://app.checklyhq.com"
BASE = {"CHECKLY_API_KEY": KEY, "CHECKLY_ACCOUNT_ID": ACCOUNT}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("INPUT_", "GITHUB_", "CHECKLY_")):
            monkeypatch.delenv(name)


def random_case(data: st.DataObject, text: str) -> str:
    flips = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if flip else c.lower() for c, flip in zip(text, flips, strict=True))


# --- durations ----------------------------------------------------------------------------------


@given(
    st.data(),
    st.integers(0, 99),
    st.integers(0, 999),
    st.integers(0, 9999),
    st.sets(st.sampled_from("hms"), min_size=1),
)
def test_duration_unit_forms_round_trip(
    data: st.DataObject, hours: int, minutes: int, seconds: int, units: set[str]
) -> None:
    values = {"h": hours, "m": minutes, "s": seconds}
    gaps = data.draw(st.lists(st.sampled_from(["", " ", "  "]), min_size=3, max_size=3))
    text = "".join(f"{values[u]}{u}{gap}" for u, gap in zip("hms", gaps, strict=True) if u in units)
    text = random_case(data, text.strip())
    expected = sum(values[u] * {"h": 3600, "m": 60, "s": 1}[u] for u in units)
    assert parse_duration(text) == expected


@given(st.integers(0, 10**7))
def test_plain_seconds_and_formatted_durations_round_trip(seconds: int) -> None:
    assert parse_duration(str(seconds)) == seconds
    assert parse_duration(format_duration(seconds)) == seconds


@given(st.decimals(0, 100000, places=3, allow_nan=False, allow_infinity=False))
def test_fractional_seconds_round_trip(value: object) -> None:
    seconds = float(str(value))
    assert parse_duration(str(value)) == pytest.approx(seconds)
    assert parse_duration(format_duration(seconds)) == pytest.approx(seconds, abs=1e-6)


@given(st.text(max_size=30))
@example("5 minutes")
@example("1h30")
@example("30m1h")
@example("1e3")
@example("-5")
def test_any_text_is_a_duration_or_a_duration_error(text: str) -> None:
    try:
        seconds = parse_duration(text)
    except DurationError:
        return
    assert seconds >= 0


@given(st.integers(1, 6 * 3600))
def test_every_timeout_in_range_is_accepted(seconds: int) -> None:
    config = load_config(
        ["--timeout", format_duration(seconds)], BASE | {"INPUT_TEST-SESSION-IDS": CHECK_ID}
    )
    assert config.timeout_s == seconds


# --- ID lists -----------------------------------------------------------------------------------

uuids = st.uuids().map(str)
SEPARATORS = st.sampled_from([",", " ", "\n", ", ", " ,\n", "\t", "\r\n", "  ,  "])


@st.composite
def id_lists(draw: st.DrawFn) -> tuple[str, list[SessionRef]]:
    """Option text with random case, separators, duplicates and links, and what it means."""
    pool = draw(st.lists(uuids, min_size=1, max_size=6, unique=True))
    picks = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=12))
    tokens: list[str] = []
    refs: list[SessionRef] = []
    for session_id in picks:
        form = draw(st.sampled_from(["bare", "test-link", "result-link", "check-link", "quoted"]))
        shown = "".join(c.upper() if draw(st.booleans()) else c for c in session_id)  # random case
        if form == "bare":
            token, kind = shown, SessionKind.TEST
        elif form == "quoted":
            token, kind = f'"{shown}"', SessionKind.TEST
        elif form == "test-link":
            token, kind = f"{APP}/test-sessions/{shown}", SessionKind.TEST
        elif form == "result-link":
            token, kind = f"{APP}/test-sessions/{shown}/results/{CHECK_ID}", SessionKind.TEST
        else:
            token = f"{APP}/accounts/{ACCOUNT}/checks/{CHECK_ID}/check-sessions/{shown}"
            kind = SessionKind.CHECK
        tokens.append(token)
        refs.append(SessionRef(kind, session_id))
    text = draw(st.sampled_from(["", " ", "\n"]))
    for token in tokens:
        text += token + draw(SEPARATORS)
    return text, list(unique(refs))


@given(id_lists())
def test_id_lists_parse_to_the_deduplicated_lower_cased_order(
    case: tuple[str, list[SessionRef]],
) -> None:
    text, expected = case
    config = load_config(["--test-session-ids", text], BASE)
    assert list(config.sessions) == expected
    assert all(ref.id == ref.id.lower() for ref in config.sessions)


@given(id_lists(), id_lists())
def test_test_and_check_options_combine_in_order(
    first: tuple[str, list[SessionRef]], second: tuple[str, list[SessionRef]]
) -> None:
    env = BASE | {"INPUT_TEST-SESSION-IDS": first[0], "INPUT_CHECK_SESSION_IDS": second[0]}
    config = load_config([], env)
    second_refs = [
        SessionRef(SessionKind.CHECK, r.id) if r.kind is SessionKind.TEST else r for r in second[1]
    ]
    # Bare IDs in check-session-ids are check sessions; links say their own kind.
    expected_ids = list(dict.fromkeys([r.id for r in first[1]] + [r.id for r in second_refs]))
    assert [r.id for r in config.sessions] == expected_ids


# --- session files ------------------------------------------------------------------------------

NOISE = st.lists(
    st.sampled_from(
        [
            *string.ascii_letters,
            *string.digits,
            *" :/-_.,{}[]\"'\t",
            "\x1b[32m",
            "\x1b[0m",
            "é",
            "✔",
        ]
    ),
    max_size=120,
).map("".join)


@st.composite
def session_text(draw: st.DrawFn) -> tuple[str, list[SessionRef]]:
    """CLI-like text: noise lines with session IDs embedded as labels or links."""
    pool = draw(st.lists(uuids, min_size=1, max_size=8, unique=True))
    picks = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=10))
    parts: list[str] = []
    refs: list[SessionRef] = []
    for session_id in picks:
        parts.append(draw(NOISE))
        colour = draw(
            st.sampled_from([("", ""), ("\x1b[32m", "\x1b[39m"), ("\x1b[1m", "\x1b[22m")])
        )
        form = draw(st.integers(0, 4))
        shown = random_case_of(draw, session_id)
        if form == 0:
            parts.append(f"{colour[0]}Test session ID:{colour[1]} {shown}")
            refs.append(SessionRef(SessionKind.TEST, session_id))
        elif form == 1:
            parts.append(f'"testSessionId": "{shown}",')
            refs.append(SessionRef(SessionKind.TEST, session_id))
        elif form == 2:
            parts.append(f'"checkSessionId":"{shown}"')
            refs.append(SessionRef(SessionKind.CHECK, session_id))
        elif form == 3:
            parts.append(f"{colour[0]}{APP}/test-sessions/{shown}{colour[1]}")
            refs.append(SessionRef(SessionKind.TEST, session_id))
        else:
            parts.append(f"{APP}/accounts/{ACCOUNT}/checks/{CHECK_ID}/check-sessions/{shown}")
            refs.append(SessionRef(SessionKind.CHECK, session_id))
    parts.append(draw(NOISE))
    separators = draw(st.lists(st.sampled_from(["\n", " ", "\r\n", "\t"]), min_size=len(parts)))
    text = "".join(p + s for p, s in zip(parts, separators, strict=False))
    return text, list(unique(refs))


def random_case_of(draw: st.DrawFn, text: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c for c in text)


@given(session_text(), st.sampled_from(["utf-8", "utf-16"]))
def test_every_embedded_id_is_found_in_a_text_file(
    case: tuple[str, list[SessionRef]], encoding: str
) -> None:
    text, expected = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "checkly.log")
        path.write_text(text, encoding=encoding)
        assert read_session_file(path) == expected


@given(session_text(), st.integers(1, 2000))
def test_streaming_with_small_chunks_finds_the_same_ids(
    case: tuple[str, list[SessionRef]], chunk: int
) -> None:
    text, expected = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "big.log")
        path.write_text(text * 3, encoding="utf-8")
        with (
            mock.patch.object(session_ids, "_MAX_JSON_BYTES", 0),
            mock.patch.object(session_ids, "_CHUNK", chunk),
        ):
            assert read_session_file(path) == expected


@given(
    st.lists(uuids, min_size=1, max_size=10), st.dictionaries(st.text(max_size=8), st.integers())
)
def test_every_session_of_a_trigger_response_is_found(
    ids: list[str], extra: dict[str, int]
) -> None:
    document = {
        **extra,
        "sessions": [
            {**extra, "checkSessionId": i.upper(), "checkId": CHECK_ID, "name": "x"} for i in ids
        ],
    }
    expected = list(unique(SessionRef(SessionKind.CHECK, i) for i in ids))
    assert list(unique(ids_in_json(json.loads(json.dumps(document))))) == expected


# --- secrets ------------------------------------------------------------------------------------

secrets = st.text(alphabet=string.ascii_letters + string.digits + "_-.", min_size=6, max_size=120)


@given(secrets, st.integers(0, 60))
def test_a_secret_never_appears_in_a_message_wherever_it_was_typed(secret: str, pad: int) -> None:
    filler = "x" * pad  # moves the secret across the cut of long values
    argv = [
        "--api-key", secret,
        "--account-id", filler + secret,
        "--test-session-ids", filler + secret,
        "--timeout", filler + secret,
        "--comment-key", filler + secret + "-->",
        "--summary-template", filler + secret,
        "--session-files", filler + secret,
        "--pr-number", filler + secret,
    ]  # fmt: skip
    with pytest.raises(InvalidOptions) as caught:
        load_config(argv, {})
    assert caught.value.problems
    assert secret not in str(caught.value)
    for problem in caught.value.problems:
        assert secret not in problem
