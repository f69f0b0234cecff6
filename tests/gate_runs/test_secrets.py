"""Secrets (SPEC §2, §5): `api-key` and `github-token` are masked first and appear nowhere else.

The whole gate runs through failures with distinctive secret values: Checkly refusing the key
(401) and failing (500) with bodies that echo it, invalid options with the secrets typed into
the wrong ones, internal errors whose messages carry them, Checkly data that contains them, and
a PR comment that GitHub refuses (403) with a body that echoes the token. Every byte produced
is scanned (the log, every report, GITHUB_OUTPUT, the job summary, what the fake GitHub
received, library debug logs, the process's stdout and stderr): the secrets, raw, URL-encoded
or base64-encoded (alone, or inside a longer string at any of the three alignments), may only
appear in their own `::add-mask::` lines, which come before anything else.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from gate import cli
from gate.checkly.client import ChecklyClient
from gate.checkly.transport import Timing
from gate.core.errors import InvalidOptions
from gate.core.model import Session
from gate.options.config import load_config
from gate.reports.md_filters import md_text
from gate.run import pipeline
from gate.runner import pr_comment
from gate.simulator import Fault, ScriptedResult, ScriptedSession, Simulator
from gate.simulator.scenarios import assertion
from tests.conftest import SimulatorFactory
from tests.support.fake_github import FakeGitHub, serving_pr
from tests.support.gate_run import GateRun, gate_environ, report_args, run_gate
from tests.support.paths import FIXTURES, ROOT

API_KEY = "cu_S3kr1t-ApiKey-7d3f9a2b1c"
TOKEN = "ghp_S3kr1t-Token-4c8e1f6a0b"
SECRETS = (API_KEY, TOKEN)
REPO = "octo-org/shop"
EVENT = FIXTURES / "events" / "pull_request.json"
FAST = Timing(backoff_base=0.05, backoff_cap=0.2, deadline_slack=0.5)


ENCODERS = (base64.b64encode, base64.urlsafe_b64encode)


def base64_phase(raw: bytes, shift: int, encode: Callable[[bytes], bytes]) -> str:
    """The base64 characters that `raw` alone decides when it starts `shift` bytes (mod 3)
    into a longer string: in the encoding of `x + raw + y` whatever `x` (of that length) and
    `y` are. Each character carries 6 bits: the first whole one after the 8*shift bits of `x`,
    up to the last that ends inside `raw`."""
    text = encode(bytes(shift) + raw).decode()
    return text[-(-8 * shift // 6) : 8 * (shift + len(raw)) // 6]


def forms(secret: str) -> set[str]:
    """A secret as it may leak: raw, URL-encoded, and base64 (standard and URL-safe) alone or
    inside a longer encoded string, in each of the three alignments."""
    raw = secret.encode()
    found = {secret, quote(secret, safe="")}
    for encode in ENCODERS:
        found.add(encode(raw).decode().rstrip("="))
        found.update(base64_phase(raw, shift, encode) for shift in range(3))
    return found


def echo(prefix: str) -> bytes:
    """An error body that echoes both secrets, raw and encoded, as a careless server might:
    each form alone, and base64-encoded inside longer strings (a Basic auth header) at every
    alignment."""
    leak = [f for secret in SECRETS for f in sorted(forms(secret))]
    for secret in SECRETS:
        for head in ("a", "ab", "user:", "Bearer "):  # 1, 2, 2, 1 bytes into a 3-byte group
            leak += [e(f"{head}{secret}!".encode()).decode() for e in ENCODERS]
    message = f"{prefix}: got {' '.join(leak)}"
    return json.dumps({"statusCode": 0, "message": message}).encode()


@pytest.mark.parametrize("shift", [0, 1, 2])
def test_the_base64_phases_are_what_a_longer_encoding_holds(shift: int) -> None:
    raw = API_KEY.encode()
    for encode in ENCODERS:
        phase = base64_phase(raw, shift, encode)
        assert len(phase) >= len(raw) * 4 // 3 - 2
        for head in (bytes(range(shift)), b"xyz"[:shift] + b"123", b"\xff" * (shift + 6)):
            for tail in (b"", b"!", b"\x00\xff", b"tail"):
                assert phase in encode(head + raw + tail).decode(), (head, tail)


def assert_no_secret(where: str, text: str, secrets: tuple[str, ...] = SECRETS) -> None:
    """The secrets may appear only as `::add-mask::<secret>` lines."""
    for line in text.splitlines():
        for secret in secrets:
            for form in forms(secret):
                if form in line:
                    assert line == f"::add-mask::{secret}", f"{where}: {line!r}"


def assert_masked_first(stdout: str) -> None:
    lines = stdout.splitlines()
    assert sorted(lines[:2]) == sorted(f"::add-mask::{s}" for s in SECRETS), lines[:3]


def scan_run(run: GateRun, *extra: tuple[str, str]) -> None:
    assert_masked_first(run.stdout)
    assert_no_secret("stdout", run.stdout)
    files = run.files()
    assert files, "no report written"
    for name, data in files.items():
        assert_no_secret(name, data.decode("utf-8"))
    for where, text in extra:
        assert_no_secret(where, text)


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    monkeypatch.setattr(pr_comment, "_SECONDS_BETWEEN_WRITES", None)
    with serving_pr(TOKEN, REPO) as fake:
        yield fake


@pytest.fixture(autouse=True)
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Library debug logging on (urllib3, PyGithub): it must not carry a secret either."""
    caplog.set_level(logging.DEBUG)
    yield
    assert_no_secret("debug log", caplog.text)


def scan_std_streams(capfd: pytest.CaptureFixture[str]) -> None:
    """What reached the process's stdout and stderr (file descriptors 1 and 2: thread
    tracebacks, warnings, stray prints, child processes): no secret either."""
    out, err = capfd.readouterr()
    assert_no_secret("process stdout", out)
    assert_no_secret("process stderr", err)


@pytest.fixture(autouse=True)
def std_streams(capfd: pytest.CaptureFixture[str]) -> Iterator[None]:
    yield
    scan_std_streams(capfd)


def test_the_std_streams_are_scanned(capfd: pytest.CaptureFixture[str]) -> None:
    print(f"leak {API_KEY}", file=sys.stderr)
    with pytest.raises(AssertionError, match="process stderr"):
        scan_std_streams(capfd)
    os.write(2, base64.b64encode(f"user:{TOKEN}".encode()) + b"\n")  # below Python's sys.stderr
    with pytest.raises(AssertionError, match="process stderr"):
        scan_std_streams(capfd)


def github_env(fake: FakeGitHub) -> dict[str, str]:
    return {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(EVENT),
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": fake.url,
        "INPUT_GITHUB-TOKEN": TOKEN,
        "RUNNER_DEBUG": "1",
    }


def gate(
    sim: Simulator,
    tmp_path: Path,
    sessions: list[ScriptedSession],
    *args: str,
    environ: dict[str, str] | None = None,
    timing: Timing = FAST,
) -> GateRun:
    return run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=API_KEY,
        account_id=sim.account_id,
        test_ids=[s.id for s in sessions if s.kind == "test"],
        check_ids=[s.id for s in sessions if s.kind == "check"],
        args=args,
        environ={"INPUT_GITHUB-TOKEN": TOKEN, "RUNNER_DEBUG": "1", **(environ or {})},
        timing=timing,
    )


def sessions(*, running: bool = True) -> list[ScriptedSession]:
    return [
        ScriptedSession("test", "PASSED", "Smoke", results=[ScriptedResult("Home")]),
        ScriptedSession("check", "PASSED", "Status", never_finishes=running),
    ]


# -- Checkly refuses or fails, echoing the secrets ---------------------------------------------
@pytest.mark.parametrize("status", [401, 403, 500])
def test_checkly_errors_that_echo_the_secrets(
    simulator: SimulatorFactory, tmp_path: Path, status: int
) -> None:
    waited = sessions()
    sim = simulator(waited, api_key=API_KEY)
    sim.fail_all(Fault.status(status, body=echo(f"HTTP {status}")))
    run = gate(sim, tmp_path, waited, "--timeout", "1.5s")
    assert run.code == 3
    scan_run(run)
    assert "***" in run.stdout  # the echo was there, scrubbed
    assert "***" in (run.out_dir / "report.json").read_text("utf-8")


def test_checkly_data_that_contains_the_secrets(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub
) -> None:
    failing = ScriptedResult(
        f"Login as {API_KEY}",
        "failed",
        detail={"apiCheckResult": {"assertions": [assertion("HEADERS", TOKEN, API_KEY, TOKEN)]}},
        error_group=f"token {TOKEN} rejected",
    )
    leaky = [
        ScriptedSession("test", "FAILED", f"Session {API_KEY}", results=[failing]),
        ScriptedSession("check", "FAILED", f"Check {TOKEN}", results=[failing]),
    ]
    sim = simulator(leaky, api_key=API_KEY)
    run = gate(sim, tmp_path, leaky, "--timeout", "10s", "--pr-comment", "always",
               environ=github_env(github))  # fmt: skip
    assert run.code == 1
    (body,) = github.bodies(REPO, 42)  # the comment was posted, without the secrets
    scan_run(run, ("PR comment", body), ("GitHub requests", recorded(github)))
    assert md_text("Session ***") in run.summary and md_text("Login as ***") in body


def recorded(fake: FakeGitHub) -> str:
    return "\n".join(json.dumps(r.body) for r in fake.requests if r.body is not None)


def test_a_pr_comment_refused_with_an_echo_of_the_token(
    simulator: SimulatorFactory, tmp_path: Path, github: FakeGitHub
) -> None:
    forbidden = {"message": f"Resource not accessible by integration ({TOKEN})"}
    github.fail("POST", r"/repos/octo-org/shop/issues/\d+/comments", 403, body=forbidden)
    ok = [ScriptedSession("test", "PASSED", "Smoke", results=[ScriptedResult("Home")])]
    sim = simulator(ok, api_key=API_KEY)
    run = gate(sim, tmp_path, ok, "--timeout", "10s", "--pr-comment", "always",
               environ=github_env(github))  # fmt: skip
    assert run.code == 0, run.stdout
    assert [c.name for c in run.commands if c.name != "add-mask"] == ["notice"]  # SPEC §5: 403
    assert len(github.calls("POST")) == 1
    scan_run(run, ("GitHub requests", recorded(github)))


# -- invalid options ---------------------------------------------------------------------------
def test_secrets_typed_into_the_wrong_options(simulator: SimulatorFactory, tmp_path: Path) -> None:
    sim = simulator(sessions())
    out_dir = tmp_path / "out"
    argv = [
        *report_args(out_dir),
        f"--api-key={API_KEY}",
        "--github-token",
        TOKEN,
        "--account-id",
        API_KEY,
        "--api-url",
        f"https://user:{API_KEY}@api.checklyhq.com",
        "--timeout",
        TOKEN,
        "--pr-number",
        API_KEY,
        "--comment-key",
        f"{TOKEN}\n-->",
        "--test-session-ids",
        f"{sessions()[0].id},{API_KEY}",
        "--check-session-ids",
        TOKEN,
        f"--api_key={API_KEY}",
        API_KEY,
    ]
    out = io.StringIO()
    code = cli.main(argv, gate_environ(out_dir, RUNNER_DEBUG="1"), out=out)
    stdout = out.getvalue()
    assert code == 2, stdout
    assert sim.requests == []
    assert_masked_first(stdout)
    assert_no_secret("stdout", stdout)
    for name in ("account-id", "api-url", "timeout", "pr-number", "comment-key"):
        assert name in stdout, name
    with pytest.raises(InvalidOptions) as raised:
        load_config(argv, {})
    assert_no_secret("exception", str(raised.value) + repr(raised.value))


# -- internal errors ---------------------------------------------------------------------------
def leak(*_: Any, **__: Any) -> Any:
    raise RuntimeError(f"boom with {API_KEY}, {base64.b64encode(TOKEN.encode()).decode()}")


def test_an_internal_error_in_the_main_thread_carries_no_secret(
    simulator: SimulatorFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waited = sessions(running=False)
    sim = simulator(waited, api_key=API_KEY)
    monkeypatch.setattr(pipeline, "decide", leak)  # after the wait: no verdict, no report
    run = gate(sim, tmp_path, waited, "--timeout", "5s")
    assert run.code == 3, run.stdout
    (error,) = run.gate_errors()  # the one error line: a bug, please report it
    assert error.properties["title"] == "checkly-gate bug"
    assert error.data.startswith("internal error: RuntimeError: boom with ***, ***.")
    assert "This is a bug in checkly-gate" in error.data
    assert [c.name for c in run.commands if c.name != "add-mask"] == ["error"]
    assert_masked_first(run.stdout)
    assert_no_secret("stdout", run.stdout)
    for file, data in run.files().items():
        assert_no_secret(file, data.decode("utf-8"))


def test_an_internal_error_in_a_waiting_thread_carries_no_secret(
    simulator: SimulatorFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fine, hit = sessions(running=False)
    sim = simulator([fine, hit], api_key=API_KEY)
    from_api = Session.from_api

    def buggy(*args: Any, **kwargs: Any) -> Session:
        if hit.id in args:  # only while reading that session
            leak()
        return from_api(*args, **kwargs)

    monkeypatch.setattr(Session, "from_api", buggy)
    run = gate(sim, tmp_path, [fine, hit], "--timeout", "5s")
    assert run.code == 1, run.stdout  # a verdict: failed by the session the bug hit
    assert run.outcomes() == {fine.id: "passed", hit.id: "error"}
    note = run.session(hit.id)["note"]
    assert note.startswith("internal error: RuntimeError('boom with ***, ***')"), note
    assert not [c for c in run.commands if c.properties.get("title") == "checkly-gate bug"]
    assert "boom with ***" in run.stdout, run.stdout
    assert md_text("boom with ***") in run.summary
    scan_run(run)


# -- exceptions and objects --------------------------------------------------------------------
@pytest.mark.parametrize("status", [401, 404, 503])
def test_client_exceptions_never_carry_the_key(simulator: SimulatorFactory, status: int) -> None:
    sim = simulator([], api_key=API_KEY)
    sim.fail_all(Fault.status(status, body=echo(f"HTTP {status}")))
    client = ChecklyClient(sim.url, API_KEY, sim.account_id, timing=FAST)
    with pytest.raises(Exception) as raised:
        client.get("/v1/test-sessions/x", time.monotonic() + 0.5)
    error = raised.value
    texts = [str(error), repr(error), *(str(a) for a in error.args)]
    texts += [str(getattr(error, name, "")) for name in ("message", "last")]
    for text in texts:
        assert_no_secret(type(error).__name__, text, (API_KEY,))  # the only secret it knows
    assert "***" in str(error)


# -- objects ------------------------------------------------------------------------------------
def test_repr_and_str_hide_the_secrets(tmp_path: Path) -> None:
    argv = ["--api-key", API_KEY, "--github-token", TOKEN, "--account-id",
            "5f1c7a52-9a0e-4c8b-8d3e-2b7f6c1e9a40", "--test-session-ids",
            "4a1c2d3e-5f60-4718-89ab-cdef01234567"]  # fmt: skip
    config = load_config(argv, {}, cwd=tmp_path)
    client = ChecklyClient("http://127.0.0.1:9", API_KEY, None)
    texts: list[Callable[[], str]] = [
        lambda: repr(config),
        lambda: str(config),
        lambda: repr(client),
    ]
    for text in texts:
        assert_no_secret("repr", text())
    assert config.secrets() == [API_KEY, TOKEN]


# -- snapshots ---------------------------------------------------------------------------------
REAL_LOOKING = re.compile(r"\bcu_[0-9a-f]{32}\b|\bgh[pousr]_[A-Za-z0-9]{36}\b")


def test_no_real_looking_secret_in_snapshots_fixtures_or_docs() -> None:
    root = ROOT
    folders = [root / "tests" / "data", root / "tests" / "fixtures", root / "docs"]
    folders += [root / "examples", root / ".github"]
    files = [root / "README.md", *(p for f in folders if f.exists() for p in f.rglob("*"))]
    scanned = 0
    for path in files:
        if not path.is_file() or path.suffix in (".pyc",):
            continue
        text = path.read_text("utf-8", errors="replace")
        assert not REAL_LOOKING.search(text), path
        scanned += 1
    assert scanned > 20
