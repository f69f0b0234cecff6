"""Session IDs from option values, links and text (options.session_ids): splitting, links,
problems, and scanning text and JSON.
"""

from __future__ import annotations

import pytest

from gate.options.session_ids import (
    SessionRef,
    ids_in_json,
    ids_in_text,
    parse_id_list,
    show,
    strip_ansi,
    unique,
)
from tests.support.options import (
    ACCOUNT,
    APP,
    CHECK,
    CHECK_ID,
    CHECK_SESSION_LINK,
    CS1,
    CS2,
    RESULT,
    TEST,
    TS1,
    TS2,
    cs,
    ts,
)

pytestmark = pytest.mark.usefixtures("clean_env")


# --- option values ---------------------------------------------------------------------------


@pytest.mark.parametrize("separator", [",", " ", "\n", ", ", " ,\n\t", "\r\n"])
def test_ids_are_split_on_commas_spaces_and_newlines(separator: str) -> None:
    refs, problems = parse_id_list(f"{TS1}{separator}{TS2}", TEST)
    assert refs == [ts(TS1), ts(TS2)]
    assert problems == []


def test_ids_are_lower_cased_and_kind_follows_the_option() -> None:
    refs, problems = parse_id_list(TS1.upper(), CHECK)
    assert refs == [cs(TS1)]
    assert problems == []


def test_quotes_and_brackets_around_ids_are_dropped_so_a_json_array_works() -> None:
    refs, problems = parse_id_list(f'["{TS1}", "{TS2}"]', TEST)
    assert refs == [ts(TS1), ts(TS2)]
    assert problems == []


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (f"{APP}/test-sessions/{TS1}", ts(TS1)),
        (f"{APP}/test-sessions/{TS1}/results/{RESULT}", ts(TS1)),
        (CHECK_SESSION_LINK, cs(CS1)),
        (f"{CHECK_SESSION_LINK}/results/{RESULT}", cs(CS1)),
        (f"{APP}/test-sessions/{TS1.upper()}?tab=results#top", ts(TS1)),
        (f"app.checklyhq.com/test-sessions/{TS1}", ts(TS1)),
    ],
)
def test_links_give_the_session_id_not_the_account_check_or_result(
    link: str, expected: SessionRef
) -> None:
    refs, problems = parse_id_list(link, TEST)
    assert refs == [expected]
    assert problems == []


def test_a_check_session_link_in_test_session_ids_is_a_check_session() -> None:
    refs, _ = parse_id_list(f"{TS1} {CHECK_SESSION_LINK}", TEST)
    assert refs == [ts(TS1), cs(CS1)]


def test_a_test_session_link_in_check_session_ids_is_a_test_session() -> None:
    refs, _ = parse_id_list(f"{APP}/test-sessions/{TS1}", CHECK)
    assert refs == [ts(TS1)]


def test_bad_tokens_are_each_a_problem_and_good_ones_still_count() -> None:
    refs, problems = parse_id_list(f"abc, {TS1}, 1234", TEST)
    assert refs == [ts(TS1)]
    assert problems == [
        '"abc" is not a session ID; use a UUID such as 4a1c2d3e-5f60-4718-89ab-cdef01234567, '
        "or a Checkly link containing /test-sessions/<id> or /check-sessions/<id>",
        '"1234" is not a session ID; use a UUID such as 4a1c2d3e-5f60-4718-89ab-cdef01234567, '
        "or a Checkly link containing /test-sessions/<id> or /check-sessions/<id>",
    ]


def test_a_link_without_a_session_id_is_a_problem() -> None:
    link = f"{APP}/checks/{CHECK_ID}/results/{RESULT}"
    refs, problems = parse_id_list(link, TEST)
    assert refs == []
    assert problems == [
        f'"{link[:79]}…" is a link without a session ID; use a link containing '
        "/test-sessions/<id> or /check-sessions/<id>, or the UUID itself"
    ]


def test_a_uuid_with_extra_characters_is_not_an_id() -> None:
    _, problems = parse_id_list(TS1 + "0", TEST)
    assert len(problems) == 1
    _, problems = parse_id_list(f"{APP}/test-sessions/{TS1}0", TEST)
    assert "link without a session ID" in problems[0]


def test_unique_keeps_the_first_of_each_id_whatever_its_kind() -> None:
    refs = [ts(TS1), cs(CS1), ts(TS1), cs(TS1), ts(TS2), cs(CS1)]
    assert unique(refs) == (ts(TS1), cs(CS1), ts(TS2))


def test_show_quotes_escapes_cuts_and_hides_secret_looking_values() -> None:
    assert show('a "b"\n::error::x') == '"a \\"b\\"\\n::error::x"'
    assert show("x" * 100) == '"' + "x" * 79 + '…"'
    assert show("key cu_0123456789abcdef here") == '"key *** here"'
    assert show("ghp_abcdefghijklmnopqrstuvwxyz") == '"***"'


# --- text and JSON scanning --------------------------------------------------------------------


def test_ansi_colour_codes_are_stripped_and_hyperlinks_keep_their_url() -> None:
    coloured = f"\x1b[32mTest session ID:\x1b[39m \x1b[1m{TS1}\x1b[22m"
    assert strip_ansi(coloured) == f"Test session ID: {TS1}"
    hyperlink = f"\x1b]8;;{APP}/test-sessions/{TS2}\x1b\\details\x1b]8;;\x1b\\"
    assert ids_in_text(hyperlink) == [ts(TS2)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Test session ID: {TS1}", ts(TS1)),
        (f"test session id:{TS1.upper()}", ts(TS1)),
        (f'"testSessionId": "{TS1}"', ts(TS1)),
        (f"test-session-id={TS1}", ts(TS1)),
        (f"CHECKLY_TEST_SESSION_ID='{TS1}'", ts(TS1)),
        (f'"checkSessionId":"{CS1}"', cs(CS1)),
        (f"Check session ID: {CS1}", cs(CS1)),
        (f"see {CHECK_SESSION_LINK} for details", cs(CS1)),
    ],
)
def test_labelled_ids_and_links_are_found_in_text(text: str, expected: SessionRef) -> None:
    assert ids_in_text(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        f"Check ID: {CHECK_ID}",  # a check, not a session
        f"{TS1}",  # a bare UUID could be anything
        f"latestSessionId: {TS1}",  # only test/check sessions
        f"Account: {ACCOUNT}, result {RESULT}",
        f"Test session ID: {TS1}ff",  # not a UUID
    ],
)
def test_other_uuids_in_text_are_not_sessions(text: str) -> None:
    assert ids_in_text(text) == []


def test_ids_in_json_walks_the_whole_document_in_order() -> None:
    document = {
        "runs": [{"detail": {"testSessionId": TS1.upper()}}],
        "link": f"{APP}/test-sessions/{TS2}",
        "sessions": [{"checkSessionId": CS1, "checkId": CHECK_ID}],
        "note": f"Check session ID: {CS2}",
        "testSessionId": 42,
        "checkSessionId": "not-a-uuid",
    }
    assert ids_in_json(document) == [ts(TS1), ts(TS2), cs(CS1), cs(CS2)]
