"""The benchmark (`make bench`) works: its smallest configuration, and its pure helpers.

Structure only: rows present, numbers parsed. Timings are the benchmark's business, never a
test's (this machine may be busy).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from tests.support.paths import ROOT

if str(ROOT) not in sys.path:  # `bench` is a folder of the repository, not an installed package
    sys.path.insert(0, str(ROOT))

from bench import measure, run, table


def test_the_smallest_benchmark_prints_every_table_and_target(tmp_path: Path) -> None:
    output = tmp_path / "latest.md"
    argv = ["--sessions", "2", "--t", "1", "--reps", "1", "--interval", "1", "--lag-base", "0.5"]
    argv += ["--startup-reps", "1", "--render-runs", "10", "--output", str(output)]
    argv += ["--trigger-checks", "3", "--trigger-test-checks", "5"]
    argv += ["--evidence-runs", "2", "--report-mb", "0.5"]
    code = run.main(argv)
    assert code in (0, 1)  # 1 only when a (timed) target missed on a busy machine
    text = output.read_text(encoding="utf-8")
    headings = ("### Verdict lag", "### Scale", "### Trigger mode", "### Start-up", "### Render")
    headings += ("### Evidence: 2 failing runs",)
    for heading in (*headings, "### Targets"):
        assert heading in text

    lag = re.findall(r"^\| (checkly-gate|baseline)[^|]* \| \*\*([\d.]+) s\*\*", text, re.M)
    assert [who for who, _ in lag] == ["checkly-gate", "baseline"]
    assert all(float(seconds) >= 0 for _, seconds in lag)

    scale = re.search(
        r"^\| 2 \| ([+-][\d.]+) s \| (\d+) \| ([\d.]+) / (\d+) \| (\d+) \| (\d+) \|$", text, re.M
    )
    assert scale, text
    requests, peak, answered_429 = int(scale[2]), int(scale[5]), int(scale[6])
    assert requests >= 2 and peak == requests and answered_429 == 0

    trigger = re.findall(
        r"^\| (check-sessions: 3 checks|test-session: 5 checks) \| (\d+) \| [\d.]+ s \| (\d+) \| "
        r"(\d+) \| (\d+) \| (\d+) \| \*\*([\d.]+) s\*\* \|$",
        text,
        re.M,
    )
    assert [(what, int(n)) for what, n, *_ in trigger] == [
        ("check-sessions: 3 checks", 3),
        ("test-session: 5 checks", 1),
    ]
    assert all(int(per) >= 2 and int(too_many) == 0 for *_, per, _, too_many, _ in trigger)

    assert re.search(r"launch → first request \(median of 1\) \| \*\*[\d.]+ s\*\*", text)
    assert "`requests`" in text  # the heaviest import of the gate, named
    assert "`jinja2` (after)" in text  # the templates wait until the sessions are done
    assert re.search(r"\| \*\*total\*\* \| \*\*\d+ ms\*\* \| peak RSS \*\*[\d.]+ MB\*\* \|", text)
    assert re.search(r"\| PR comment \| \d+ ms \| [\d,]+ chars \|", text)

    triage = re.search(r"^\| (\d+) \| (\d+) \| (\d+) \|$", text, re.M)
    assert triage, text
    assert (int(triage[1]), int(triage[2]), int(triage[3])) == (10, 10, 5)  # 15 failing checks

    marks = re.findall(r"^\| .+ \| (✅|❌) \|$", text, re.M)
    assert len(marks) == 14  # 12, and the two of the evidence
    assert code == (0 if set(marks) == {"✅"} else 1)


def test_peak_in_window_counts_the_busiest_minute() -> None:
    assert measure.peak_in_window([], 60) == 0
    # (t - 60, t], as the simulator (and Checkly) count: 0 has left the window at 60
    assert measure.peak_in_window([0, 1, 2, 59.9, 60, 61, 200], 60) == 4
    assert measure.peak_in_window([0.0] * 3 + [120.0], 60) == 3


def test_requests_are_counted_per_session() -> None:
    def request(path: str) -> measure.RecordedRequest:
        return measure.RecordedRequest("GET", path, {}, {}, 0.0, 200, b"")

    counts = measure.per_session_counts(
        [request("/v1/test-sessions/AB"), request("/v1/test-sessions/ab/completion")],
        ["ab", "cd"],
    )
    assert counts == {"ab": 2, "cd": 0}


def test_importtime_is_split_at_the_first_request() -> None:
    lines = [
        (1.0, "import time: self [us] | cumulative | imported package"),
        (1.1, "import time:      2000 |       2000 |       urllib3"),
        (1.2, "import time:      1000 |       3000 |     requests"),
        (1.3, "import time:       500 |       3500 |   gate.checkly.client"),
        (1.4, "import time:       100 |       3600 | gate.cli"),
        (3.0, "import time:      4000 |       4000 |   jinja2"),
        (3.1, "import time:       100 |       4100 | gate.reports.templating"),
    ]
    profile = measure.parse_importtime(lines, first_request=2.0)
    assert profile.modules_before == 4
    assert profile.total_before_ms == 3.6
    assert profile.heaviest == [("requests", 3.0)]
    assert profile.gate_self_ms == 0.6
    assert profile.lazy["jinja2"] == "after" and profile.lazy["github"] == "never"


def test_the_request_budget_is_the_issue_s() -> None:
    assert table.allowed_requests(1) == 3
    assert table.allowed_requests(35) == 4
    assert table.allowed_requests(60) == 4
