"""Options (SPEC §2, §6): every bad input gets a message naming the option, the value and
what is allowed, and the documented "Bad input" table of docs/options.md is what the gate says.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from gate.core.errors import InvalidOptions
from gate.options.config import OPTIONS
from tests.support.options import ACCOUNT, BASE, CHECK_ID, CS1, KEY, TOKEN, TS1, load, problems_of
from tests.support.paths import ROOT

pytestmark = pytest.mark.usefixtures("clean_env")


# --- bad input: every message names the option, the value and what is allowed -------------------

ALLOWED_IDS = (
    "use a UUID such as 4a1c2d3e-5f60-4718-89ab-cdef01234567, or a Checkly link containing "
    "/test-sessions/<id> or /check-sessions/<id>"
)
FAIL_ON_ALLOWED = (
    "use a list of degraded, failed, timed-out, cancelled, incomplete, error, missing, "
    "or none alone"
)
RESULT_LINK = f"https://app.checklyhq.com/checks/{CHECK_ID}"
BAD_INPUTS: list[tuple[list[str], str]] = [
    (
        ["--account-id", "my-account"],
        'account-id: "my-account" is not a UUID; use the account ID under Checkly > Account '
        "settings > General",
    ),
    (
        ["--api-url", "api.checklyhq.com"],
        'api-url: "api.checklyhq.com" is not an http(s) URL; use a base URL such as '
        "https://api.checklyhq.com",
    ),
    (
        ["--api-url", "ftp://api.checklyhq.com"],
        'api-url: "ftp://api.checklyhq.com" is not an http(s) URL; use a base URL such as '
        "https://api.checklyhq.com",
    ),
    (
        ["--api-url", "https://api.checklyhq.com/v1/"],
        'api-url: "https://api.checklyhq.com/v1/" ends with an API version; use the base URL '
        "without it, such as https://api.checklyhq.com",
    ),
    (
        ["--api-url", "https://api.checklyhq.com?x=1"],
        'api-url: "https://api.checklyhq.com?x=1" has a query or fragment; use a base URL such '
        "as https://api.checklyhq.com",
    ),
    (
        ["--api-url", "https://user:hunter2@proxy.example"],
        'api-url: "https://user:***@proxy.example" holds a user name or password; use a base '
        "URL such as https://api.checklyhq.com",
    ),
    (
        ["--test-session-ids", "12345"],
        f'test-session-ids: "12345" is not a session ID; {ALLOWED_IDS}',
    ),
    (
        ["--check-session-ids", f"{CS1},oops"],
        f'check-session-ids: "oops" is not a session ID; {ALLOWED_IDS}',
    ),
    (
        ["--test-session-ids", RESULT_LINK],
        f'test-session-ids: "{RESULT_LINK}" is a link without a session ID; use a link '
        "containing /test-sessions/<id> or /check-sessions/<id>, or the UUID itself",
    ),
    (
        ["--timeout", "5 minutes"],
        'timeout: "5 minutes" is not a duration; use seconds (90), or units s/m/h such as 90s, '
        "15m, 1h30m",
    ),
    (
        ["--timeout", "1d"],
        'timeout: "1d" is not a duration; use seconds (90), or units s/m/h such as 90s, 15m, 1h30m',
    ),
    (
        ["--timeout", "-5"],
        'timeout: "-5" is not a duration; use seconds (90), or units s/m/h such as 90s, 15m, 1h30m',
    ),
    (["--timeout", "0"], 'timeout: "0" is out of range; use 1s to 6h'),
    (["--timeout", "7h"], 'timeout: "7h" is out of range; use 1s to 6h'),
    (
        ["--max-wait-seconds", "45"],
        'max-wait-seconds: "45" is not allowed; use a whole number from 1 to 30',
    ),
    (
        ["--max-wait-seconds", "0"],
        'max-wait-seconds: "0" is not allowed; use a whole number from 1 to 30',
    ),
    (
        ["--max-wait-seconds", "2.5"],
        'max-wait-seconds: "2.5" is not allowed; use a whole number from 1 to 30',
    ),
    (
        ["--fail-on", "failing"],
        f'fail-on: "failing" is not an outcome that can fail; {FAIL_ON_ALLOWED}',
    ),
    (
        ["--fail-on", "passed"],
        f'fail-on: "passed" is not an outcome that can fail; {FAIL_ON_ALLOWED}',
    ),
    (
        ["--fail-on", "none,failed"],
        f'fail-on: "none,failed" mixes none with outcomes; {FAIL_ON_ALLOWED}',
    ),
    (["--max-failures", "-1"], 'max-failures: "-1" is not allowed; use a whole number 0 or more'),
    (["--max-failures", "two"], 'max-failures: "two" is not allowed; use a whole number 0 or more'),
    (
        ["--min-pass-rate", "120"],
        'min-pass-rate: "120" is not allowed; use a percent from 0 to 100, such as 95 or 99.5%',
    ),
    (
        ["--min-pass-rate", "ninety"],
        'min-pass-rate: "ninety" is not allowed; use a percent from 0 to 100, such as 95 or 99.5%',
    ),
    (
        ["--min-pass-rate", "0.95"],
        'min-pass-rate: "0.95" looks like a fraction; use a percent from 0 to 100 (95 for 95%), '
        "or write 0.95% if you mean it",
    ),
    (
        ["--job-summary", "maybe"],
        'job-summary: "maybe" is not a boolean; use true or false (also yes/no, on/off, 1/0)',
    ),
    (
        ["--pr-comment", "sometimes"],
        'pr-comment: "sometimes" is not allowed; use always, on-failure or never',
    ),
    (
        ["--comment-key", "gate --> <script>"],
        'comment-key: "gate --> <script>" cannot hold "-->", "--!>" or line breaks (it goes into '
        'an HTML comment); use plain text such as "deploy/e2e"',
    ),
    (
        ["--comment-key", "line\nbreak"],
        'comment-key: "line\\nbreak" cannot hold "-->", "--!>" or line breaks (it goes into an '
        'HTML comment); use plain text such as "deploy/e2e"',
    ),
    (["--comment-key", "k" * 201], f'comment-key: "{"k" * 79}…" is longer than 200 characters'),
    (
        ["--pr-number", "0"],
        'pr-number: "0" is not a pull request number; use a positive whole number such as 42',
    ),
    (
        ["--pr-number", "refs/pull/7/merge"],
        'pr-number: "refs/pull/7/merge" is not a pull request number; use a positive whole '
        "number such as 42",
    ),
    (
        ["--summary-template", "missing.j2"],
        'summary-template: "missing.j2" does not exist (looked in {cwd})',
    ),
    (
        ["--comment-template", "templates"],
        'comment-template: "templates" is not a file; give the path of a jinja2 template',
    ),
    (
        ["--junit-file", "reports/"],
        'junit-file: "reports/" is a directory; give a file path such as reports/checkly.xml',
    ),
    (
        ["--json-file", "templates"],
        'json-file: "templates" is a directory; give a file path such as reports/checkly.json',
    ),
    (
        ["--junit-file", "r.xml", "--summary-file", "./r.xml"],
        'summary-file: "./r.xml" is the same file as junit-file; give each report its own',
    ),
    (
        ["--session-files", "out/*.json"],
        'session-files: "out/*.json" matches no file (looked in {cwd})',
    ),
    (
        ["--session-files", "missing.txt"],
        'session-files: "missing.txt" does not exist (looked in {cwd})',
    ),
    (
        ["--session-files", "empty.log"],
        'session-files: "empty.log" holds no session ID; expected a Checkly CLI JSON report '
        "(testSessionId), `checkly checks run --detach --output json` output or a saved trigger "
        "response (testSessionId, sessions[].checkSessionId), or CLI output with "
        '"Test session ID: <uuid>" lines or session links (`checkly test` and `checkly trigger` '
        "record a test session unless given --no-record)",
    ),
    (
        ["--api-kee=" + KEY],
        'unknown option "--api-kee" (did you mean --api-key?); see `checkly-gate --help`',
    ),
    (
        ["--timout", "5m"],
        'unknown option "--timout" (did you mean --timeout?); see `checkly-gate --help`',
    ),
    (["--timeout"], "argument --timeout: expected one argument"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_INPUTS, ids=lambda v: str(v)[:40])
def test_bad_input_message(argv: list[str], message: str, workdir: Path) -> None:
    problems = problems_of(argv, cwd=workdir)
    assert problems == [message.format(cwd=workdir)]
    assert KEY not in "".join(problems)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"CHECKLY_ACCOUNT_ID": ACCOUNT, "INPUT_TEST-SESSION-IDS": TS1},
            "api-key is required: set the api-key input (from a secret) or CHECKLY_API_KEY",
        ),
        (
            {"CHECKLY_API_KEY": KEY, "INPUT_TEST-SESSION-IDS": TS1},
            "account-id is required: set the account-id input or CHECKLY_ACCOUNT_ID (the UUID "
            "under Checkly > Account settings > General)",
        ),
        (
            {"CHECKLY_API_KEY": KEY, "CHECKLY_ACCOUNT_ID": ACCOUNT},
            "no session to wait for: give test-session-ids, check-session-ids or session-files, "
            "or start runs with tags, check-ids or trigger",
        ),
        (
            BASE | {"CHECKLY_API_KEY": f"Bearer {KEY}"},
            "api-key contains spaces, line breaks or non-ASCII characters (value not shown); give "
            'the secret alone, without "Bearer " or quotes',
        ),
        (
            BASE | {"GITHUB_TOKEN": f"{TOKEN}\nx"},
            "github-token contains spaces, line breaks or non-ASCII characters (value not shown); "
            'give the secret alone, without "Bearer " or quotes',
        ),
    ],
)
def test_missing_and_malformed_required_options(env: dict[str, str], message: str) -> None:
    assert problems_of(env=env) == [message]


def test_every_problem_is_reported_at_once_in_option_order(workdir: Path) -> None:
    argv = [
        "--pr-number", "x",
        "--timeout", "soon",
        "--account-id", "nope",
        "--test-session-ids", "abc def",
        "--fail-on", "bad",
        "--unknown", "1",
    ]  # fmt: skip
    problems = problems_of(argv, env={}, cwd=workdir)
    assert [p.split(":")[0].split(" ")[0] for p in problems] == [
        "unknown",
        "api-key",
        "account-id",
        "test-session-ids",
        "test-session-ids",
        "timeout",
        "fail-on",
        "pr-number",
    ]
    with pytest.raises(InvalidOptions) as caught:
        load(argv, {}, workdir)
    assert str(caught.value).startswith("8 invalid options:\n  - unknown option")


def test_no_session_problem_is_not_added_when_the_session_options_have_problems() -> None:
    problems = problems_of(["--test-session-ids", "abc"], env=BASE)
    assert problems == [f'test-session-ids: "abc" is not a session ID; {ALLOWED_IDS}']


# --- the documented "Bad input" table is what the gate says ------------------------------------

WORKSPACE = "/github/workspace"  # the docs show messages as they read under GitHub
SECRET_PLACEHOLDERS = {"cu_…": KEY, "ghs_…": TOKEN}
OPTION_ENV = {o.name: (f"INPUT_{o.name.upper()}", *o.env) for o in OPTIONS}


def documented_bad_inputs() -> list[tuple[str, str, str]]:
    """(input cell, message, message cell) of each docs/options.md "## Bad input" row."""
    for path in (ROOT / "docs" / "options.md",):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"^## Bad input[ \t]*$(.*?)(?=^#{1,3} |\Z)", text, re.M | re.S)
        if found:
            rows = []
            for line in found.group(1).splitlines():
                cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
                message = re.match(r"``(.*?)``", cells[1]) if len(cells) == 2 else None
                if message:
                    rows.append((cells[0], message.group(1).strip(), cells[1]))
            return rows
    raise AssertionError('no "## Bad input" table in docs/options.md')


def run_documented_input(cell: str, workdir: Path) -> list[str] | None:
    """The problems the documented input gets; None for rows that are prose only."""
    env = dict(BASE)
    if cell.startswith("no `"):
        for name in re.findall(r"`([a-z-]+)`", cell):
            for var in OPTION_ENV[name]:
                env.pop(var, None)
        return problems_of([], env, workdir)
    command = re.match(r"`(--[^`]*)`", cell)
    if command is None or "$(" in command.group(1):
        return None
    text = command.group(1)
    for placeholder, secret in SECRET_PLACEHOLDERS.items():
        text = text.replace(placeholder, secret)
    return problems_of(shlex.split(text), env, workdir)


def test_every_documented_bad_input_gets_its_documented_message(workdir: Path) -> None:
    rows = documented_bad_inputs()
    ran = 0
    for cell, message, note in rows:
        problems = run_documented_input(cell, workdir)
        if problems is None:
            continue
        ran += 1
        shown = [p.replace(str(workdir), WORKSPACE) for p in problems]
        assert message in shown, f"{cell}: the gate says {shown}"
        assert len(shown) == 1 or "after the line above" in note, cell
    assert ran >= 45, f"only {ran} documented bad inputs could be run"


def test_every_tested_bad_input_is_documented() -> None:
    documented = {message for _, message, _ in documented_bad_inputs()}
    for argv, message in BAD_INPUTS:
        if sum(map(len, argv)) < 100:
            assert message.format(cwd=WORKSPACE) in documented, argv
