"""The PR comment's body: under the size limit with its marker first, history cut before the
report, no early end of the HTML comment, garbage history dropped; and PyGithub imported
only when commenting.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from gate.runner.comment_history import (
    MAX_COMMENT_CHARS,
    HistoryEntry,
    compose_body,
    data_block,
    marker_for,
    parse_history,
)
from tests.support.fake_github import FakeGitHub
from tests.support.paths import ROOT
from tests.support.pr_comment import entry, upsert

pytestmark = pytest.mark.usefixtures("quiet_network")


# -- the body ----------------------------------------------------------------------------------
def test_body_stays_under_the_limit_and_keeps_the_marker() -> None:
    history = [entry(n) for n in range(1, 11)]
    body = compose_body("x" * 70_000, "k", history)
    assert len(body) < MAX_COMMENT_CHARS
    assert marker_for("k") in body
    assert parse_history(body, "k") == history
    assert "cut" in body


@pytest.mark.parametrize("length", [100, 70_000])
def test_the_marker_opens_the_body_wherever_the_template_put_it(length: int) -> None:
    marker = marker_for("k")
    body = compose_body("x" * length + f"\n{marker}\n", "k", [entry(1)])
    assert body.startswith(f"{marker}\n")
    assert len(body) < MAX_COMMENT_CHARS
    assert compose_body(f"{marker}\nreport", "k", []).count(marker) == 1


def test_history_entries_give_way_before_the_report_is_cut() -> None:
    history = [entry(n) for n in range(1, 11)]
    room = MAX_COMMENT_CHARS - len(data_block("k", history[:3])) - 40
    body = compose_body(f"{marker_for('k')}\n" + "y" * room, "k", history)
    assert len(body) < MAX_COMMENT_CHARS
    assert "cut" not in body
    assert 0 < len(parse_history(body, "k")) < 10


def test_marker_and_data_never_close_the_html_comment_early() -> None:
    key = "weird --> key <!-- \n x"
    marker = marker_for(key)
    assert marker.count("-->") == 1
    assert marker.endswith(" -->")
    hostile = HistoryEntry("t-->", "passed", 1, 0)
    block = data_block(key, [hostile])
    assert block.count("-->") == 1
    assert parse_history(block, key) == [hostile]


@pytest.mark.parametrize(
    "payload",
    [
        [1, 2],
        {"history": "nope"},
        {"history": [{"time": "t", "result": "maybe", "total": 1, "failing": 0}]},
        {"history": [{"time": "t", "result": "passed", "total": True, "failing": 0}]},
        {
            "history": [
                {
                    "time": "t",
                    "result": "passed",
                    "total": 1,
                    "failing": 0,
                    "run_url": "javascript:alert(1)",
                }
            ]
        },
    ],
)
def test_garbage_history_is_dropped(payload: Any) -> None:
    import base64

    raw = base64.b64encode(json.dumps(payload).encode()).decode()
    assert parse_history(f"<!-- checkly-gate-data:k {raw} -->", "k") == []


def test_pygithub_is_imported_only_when_commenting() -> None:
    code = (
        "import gate.runner.pr_comment, gate.runner.events, sys; assert 'github' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_renderer_type(fake: FakeGitHub) -> None:
    render: Callable[[Sequence[HistoryEntry]], str] = lambda h: f"{marker_for('k')} {len(h)}"  # noqa: E731
    assert upsert(fake, key="k", render=render).action == "created"


def test_different_keys_never_share_a_marker() -> None:
    keys = ["deploy-e2e", "deploy--e2e", "a b", "a  b", "x", "x "]
    markers = [marker_for(k) for k in keys]
    assert len(set(markers)) == len(keys)
    assert marker_for("a-->b").count("-->") == 1  # only the marker's own end
