"""Bad input (SPEC §2, §6): every row of docs/options.md's "Bad input" table, and property tests.

Each row of the table is run through the whole gate (`gate.cli.main`, under GitHub) against a
simulator: exit 2, the row's message in the one `::error::` line, and not a single request
sent. The table itself drives the test: a row without a case here, or a case the table does
not document, fails. A combined run shows that every problem is reported at once.

The property tests add what `test_config_properties.py` and `test_workflow.py` leave out:
any text in any option gives a Config or InvalidOptions (never a crash), and the outputs
writer round-trips any value through a parser written from the runner's rules.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gate.cli import main
from gate.core.errors import InvalidOptions
from gate.core.model import Outcome, Session, SessionKind
from gate.core.verdict import Thresholds, decide
from gate.options.config import OPTIONS, load_config
from gate.reports.console import outputs
from gate.reports.report import Report, RunInfo
from gate.runner.workflow import MAX_OUTPUT_BYTES, format_outputs
from gate.simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.support.gate_run import gate_environ
from tests.support.paths import ROOT
from tests.support.runner_rules import runner_commands, runner_outputs

SESSION = "0c4c64b3-79c5-44a6-ae07-b580ce73f328"
FILLER = "cu_0123456789abcdef0123"  # what `cu_…` / `ghs_…` stand for in the table


def table_rows() -> list[tuple[str, str]]:
    """(input, message) of each row of docs/options.md's "Bad input" table."""
    options = (ROOT / "docs" / "options.md").read_text("utf-8")
    section = options[options.index("\n## Bad input\n") + 1 :]
    section = section[: section.index("\n#")] if "\n#" in section else section
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith(("| input", "|---")):
            continue
        cell, rest = line[2:].split(" | ", 1)
        message = re.search(r"``(.+?)``", rest)
        assert message, line
        rows.append((cell, message.group(1).strip()))
    return rows


ROWS = table_rows()

# Rows whose input is not a command line to split: what they stand for.
SPECIAL: dict[str, list[str] | None] = {
    "no `api-key`": None,  # the base arguments without --api-key, see `arguments`
    "no `account-id`": None,
    "no `test-session-ids`, `check-session-ids` or `session-files`": None,
    "`--comment-key \"$(printf 'line\\nbreak')\"`": ["--comment-key", "line\nbreak"],
    "a `comment-key` of 201 characters": ["--comment-key", "k" * 201],
    "`--tags production --test-session-name \"$(printf 'line\\nbreak')\"`": [
        "--tags",
        "production",
        "--test-session-name",
        "line\nbreak",
    ],
    "`INPUT_TIMOUT=5m` (a misspelt input)": None,  # an environment variable: see ENV_ROWS
    "`env` and `secret-env` with 51 variables": [
        "--tags",
        "production",
        "--env",
        "\n".join(f"VAR_{i}=value" for i in range(40)),
        "--secret-env",
        "\n".join(f"SECRET_{i}=value-{i}" for i in range(11)),
    ],
}

ENV_ROWS: dict[str, dict[str, str]] = {
    "`INPUT_TIMOUT=5m` (a misspelt input)": {"INPUT_TIMOUT": "5m"}
}


def arguments(row: str, sim: Simulator) -> list[str]:
    """The command line of a table row: valid base options, then the row's."""
    base = {
        "--api-key": sim.api_key,
        "--account-id": sim.account_id,
        "--api-url": sim.url,
        "--test-session-ids": SESSION,
    }
    missing = re.fullmatch(r"no `([a-z-]+)`.*", row)
    if missing:
        base.pop(f"--{missing.group(1)}")
    argv = [part for flag, value in base.items() for part in (flag, value)]
    if row in SPECIAL:
        return argv + (SPECIAL[row] or [])
    command = re.fullmatch(r"`(.+?)`(?: \(.*\))?", row)
    assert command, f"a table row this test cannot read: {row!r}"
    text = command.group(1).replace("cu_…", FILLER).replace("ghs_…", FILLER)
    return argv + shlex.split(text)


def pattern(message: str, workspace: Path) -> re.Pattern[str]:
    """The table's message as a regex: `…` stands for elided text, the runner's workspace
    (/github/workspace) for the test's."""
    parts = [re.escape(p) for p in message.replace("/github/workspace", str(workspace)).split("…")]
    return re.compile(".*?".join(parts))


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The working directory the rows assume: a `templates` folder, an `empty.log`."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "empty.log").write_text("Running 3 checks... all passed\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def run_invalid(argv: list[str], workspace: Path, **env: str) -> tuple[int, list[str], str]:
    """Run the gate under GitHub; the exit code, the problems of its one error line, the log."""
    out = io.StringIO()
    code = main(argv, gate_environ(workspace / "runner", **env), out=out)
    log = out.getvalue()
    errors = [c for c in runner_commands(log) if c.name == "error"]
    assert len(errors) == 1, log
    lines = errors[0].data.splitlines()
    problems = [line.removeprefix("  - ") for line in lines[1:]] or lines
    return code, problems, log


def test_the_table_is_there() -> None:
    assert len(ROWS) >= 40
    assert len({row for row, _ in ROWS}) == len(ROWS)


@pytest.mark.parametrize(("row", "message"), ROWS, ids=[row for row, _ in ROWS])
def test_each_bad_input_of_the_table(
    simulator: SimulatorFactory, workspace: Path, row: str, message: str
) -> None:
    sim = simulator([])
    code, problems, log = run_invalid(arguments(row, sim), workspace, **ENV_ROWS.get(row, {}))
    assert code == 2, log
    wanted = pattern(message, workspace)
    assert any(wanted.fullmatch(p) for p in problems), (message, problems)
    assert sim.requests == []
    assert "Waiting for" not in log


def test_every_problem_at_once(simulator: SimulatorFactory, workspace: Path) -> None:
    sim = simulator([])
    bad = {
        "--account-id": "my-account",
        "--api-url": "ftp://api.checklyhq.com",
        "--timeout": "5 minutes",
        "--max-wait-seconds": "45",
        "--fail-on": "none,failed",
        "--min-pass-rate": "0.95",
        "--pr-comment": "sometimes",
        "--pr-number": "0",
        "--junit-file": "reports/",
        "--session-files": "missing.txt",
    }
    argv = ["--api-key", sim.api_key, "--test-session-ids", f"{SESSION},12345"]
    argv += [part for flag, value in bad.items() for part in (flag, value)]
    code, problems, log = run_invalid(argv, workspace)
    assert code == 2
    assert len(problems) == len(bad) + 1  # and the bad ID
    named = [p.split(":", 1)[0] for p in problems]
    assert sorted(named) == sorted([f.removeprefix("--") for f in bad] + ["test-session-ids"])
    for flag, value in bad.items():
        assert any(p.startswith(flag[2:]) and value in p for p in problems), (flag, problems)
    assert log.splitlines()[-1].startswith(f"::error title=checkly-gate::{len(problems)} invalid")
    assert sim.requests == []


def test_every_problem_at_once_from_runner_inputs(
    simulator: SimulatorFactory, workspace: Path
) -> None:
    """The same, the way the runner passes inputs: INPUT_ names, hyphens kept or not."""
    sim = simulator([])
    env = {
        "INPUT_API-KEY": sim.api_key,
        "INPUT_ACCOUNT-ID": sim.account_id,
        "INPUT_API-URL": sim.url,
        "INPUT_TEST-SESSION-IDS": SESSION,
        "INPUT_TIMEOUT": "1d",
        "INPUT_MAX_WAIT_SECONDS": "2.5",
        "INPUT_FAIL-ON": "failing",
        "INPUT_JOB-SUMMARY": "maybe",
        "INPUT_COMMENT-KEY": "gate --> <script>",
        "INPUT_JSON_FILE": "templates",
    }
    code, problems, _ = run_invalid([], workspace, **env)
    assert code == 2
    named = {p.split(":", 1)[0] for p in problems}
    assert named == {"timeout", "max-wait-seconds", "fail-on", "job-summary", "comment-key",
                     "json-file"}  # fmt: skip
    assert sim.requests == []


# -- property tests ----------------------------------------------------------------------------
FUZZED = [o.name for o in OPTIONS if not o.name.endswith(("-file", "-files", "-template"))]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(FUZZED), st.text(max_size=40), min_size=1))
def test_any_text_in_any_option_is_a_config_or_invalid_options(
    workspace: Path, values: dict[str, str]
) -> None:
    argv = [f"--{name}={value}" for name, value in values.items()]
    environ = {"CHECKLY_API_KEY": "cu_fuzzkey1234", "CHECKLY_ACCOUNT_ID": SESSION}
    try:
        config = load_config(argv, environ, cwd=workspace)
    except InvalidOptions as exc:
        assert exc.problems
        names = {o.name for o in OPTIONS}
        for problem in exc.problems:
            head = problem.split(":", 1)[0].split(" ", 1)[0]
            assert head in names or head in ("unknown", "unexpected", "argument", "no"), problem
    else:
        assert config.sessions or config.trigger
        assert 1 <= config.timeout_s <= 6 * 3600
        assert 1 <= config.max_wait_seconds <= 30


values = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)


@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True), values))
def test_outputs_round_trip_through_the_runners_rules(written: dict[str, str]) -> None:
    """Any value, `\\r`, `\\n`, `<<`, `=` and delimiter look-alikes included."""
    assert runner_outputs(format_outputs(written)) == written


def session_named(name: str, index: int) -> Session:
    kind = SessionKind.TEST if index % 2 else SessionKind.CHECK
    session_id = f"00000000-0000-4000-8000-{index:012d}"
    return Session(
        kind=kind,
        id=session_id,
        outcome=Outcome.FAILED if index % 3 else Outcome.PASSED,
        name=name,
        link=f"https://app.checklyhq.com/test-sessions/{session_id}",
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(values, min_size=1, max_size=400))
@example(["é" * 200] * 400)  # ~200 KB of names: the list is cut
@example(["\n::error::x\r\nghadelimiter_0\n"] * 3)
def test_the_gates_outputs_stay_small_and_parse(names: list[str]) -> None:
    sessions = [session_named(name, i) for i, name in enumerate(names)]
    now = datetime.now(UTC)
    report = Report(tuple(sessions), decide(sessions, Thresholds()), RunInfo(now, now))
    written = outputs(report, None, "report.json")
    text = format_outputs(written)
    parsed = runner_outputs(text)
    assert parsed == written
    for value in parsed.values():
        assert len(value.encode()) <= MAX_OUTPUT_BYTES
    listed = json.loads(parsed["sessions"])
    kept = [item for item in listed if "id" in item]
    assert [item["name"] for item in kept] == names[: len(kept)]
    if len(kept) < len(names):
        assert listed[-1] == {"truncated": True, "omitted": len(names) - len(kept),
                              "see": "json-file"}  # fmt: skip
