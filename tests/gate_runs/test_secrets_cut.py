"""Secrets never leave, whole or cut (SPEC §5): a property over random secrets and cut points.

Each example runs the whole gate under GitHub (trigger mode, so `secret-env` is sent, plus a
session given by ID), with a random API key, GitHub token and `secret-env` value, holding
quotes, backslashes, `%`, `<`, `&` and Unicode. Checkly's data echoes the secrets in every form
it may take (raw, JSON-escaped, URL-encoded, HTML-escaped), at a random offset, where a length
limit cuts it: an assertion's actual value (80 characters), a Playwright error (300), an error
group's message (500), an API error message (500). No report, output, log line, PR comment or
request to GitHub may carry a secret whole in any form, nor 4 or more of its first characters
where a cut (`…`) ends them.
"""

from __future__ import annotations

import html
import json
import tempfile
from pathlib import Path
from urllib.parse import quote, quote_plus

from hypothesis import given, settings
from hypothesis import strategies as st

from gate.runner.workflow import escape_data, escape_property
from gate.simulator import Fault, ScriptedResult, ScriptedSession, Simulator
from gate.simulator.catalogue import DeployedCheck
from gate.simulator.scenarios import assertion
from tests.support.fake_github import FakeGitHub
from tests.support.gate_run import GateRun, run_gate

ASCII = "abcXYZ0189\"\\%<>&'/+=:;.?!()[]{}$^,"
UNICODE = ASCII + "é€中😀ß"
CUT = ("…", "\\u2026")
FILL = "-"


def secrets(alphabet: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=8, max_size=30).filter(
        lambda s: (
            not (s[0] == s[-1] and s[0] in "\"'")  # a quoted value is unquoted
            and len(set(s)) >= 4
        )  # `00000000` is in the commit SHA: a secret, but not one to find
    )


def escaped_md(text: str) -> str:
    return text.translate({ord(c): "\\" + c for c in "\\`*_~[]<>&|#$!"})


def forms(secret: str) -> set[str]:
    """Every form a secret could take in what the gate writes (the gate's own list is not
    trusted here: this one is written independently)."""
    found = {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret),
        html.escape(secret),
        html.escape(secret, quote=False),
        escaped_md(secret),
        escape_data(secret),
        escape_property(secret),
    }
    found |= {json.dumps(f)[1:-1] for f in list(found)}  # each inside a JSON file
    return {f for f in found if len(f) >= 4}


def leaks(text: str, secret: str) -> list[str]:
    """The forms of `secret` in `text`: whole, or 4 or more of its first characters cut."""
    found = []
    for form in forms(secret):
        if form in text:
            found.append(f"whole {form!r}")
        for k in range(4, len(form)):
            prefix = form[:k]
            for cut in CUT:
                if prefix + cut in text or prefix.rstrip() + cut in text:
                    found.append(f"cut {prefix!r}{cut}")
    return found


def leaky_session(secret: str, offset: int) -> ScriptedSession:
    echo = {
        "raw": FILL * (offset % 90) + secret,
        "json": json.dumps({"token": secret}),
        "url": f"https://shop.example/login?t={quote(secret, safe='')}&u={quote_plus(secret)}",
        "html": f"<p>{html.escape(secret)}</p>",
    }
    detail = {
        "apiCheckResult": {
            "assertions": [
                assertion("JSON_BODY", "ok", echo, None),
                assertion("TEXT_BODY", "ok", echo["json"], None),
            ],
            "response": {"status": 401, "body": echo["html"] + echo["url"]},
        }
    }
    playwright = {"message": FILL * (offset % 310) + secret + " failed", "stack": echo["url"]}
    return ScriptedSession(
        "test",
        "FAILED",
        "Leaky " + FILL * (offset % 40) + secret,
        results=[
            ScriptedResult("API " + secret, "failed", "API", detail=detail),
            ScriptedResult(
                "Browser",
                "failed",
                "PLAYWRIGHT",
                detail={"playwrightCheckResult": {"errors": [playwright]}},
                error_group=FILL * (offset % 510) + secret + " rejected",
            ),
        ],
    )


def run_once(api_key: str, token: str, secret_env: str, offset: int, out: Path) -> GateRun:
    catalogue = [DeployedCheck("Smoke", "API", ("smoke",))]
    leaky = [leaky_session(s, offset + i * 37) for i, s in enumerate((api_key, token, secret_env))]
    # the words first, so the 500-character cut falls on the filler or the secret, never on them
    message = {"message": "not found: " + FILL * (offset % 510) + secret_env}
    leaky.append(
        ScriptedSession(
            "test", "PASSED", faults=[Fault.status(404, body=json.dumps(message).encode())]
        )
    )
    sim = Simulator(leaky, api_key=api_key, catalogue=catalogue, host="127.0.0.1").start()
    github = FakeGitHub(token=token).start()
    try:
        run = run_gate(
            out,
            api_url=sim.url,
            api_key=api_key,
            account_id=sim.account_id,
            test_ids=[s.id for s in leaky],
            args=["--tags", "smoke", "--timeout", "20s"],
            environ={"INPUT_SECRET-ENV": f"SESSION_TOKEN={secret_env}"},
            github=github,
        )
        requests = "\n".join(json.dumps(r.body) for r in github.requests if r.body is not None)
    finally:
        github.stop()
        sim.stop()
    assert run.code == 1, run.stdout
    assert run.comment is not None
    run.texts = {  # type: ignore[attr-defined]
        **{name: data.decode("utf-8") for name, data in run.files().items()},
        "console": "\n".join(
            line for line in run.stdout.splitlines() if not line.startswith("::add-mask::")
        ),
        "PR comment": run.comment,
        "GitHub requests": requests,
    }
    return run


@settings(max_examples=15, deadline=None)
@given(
    api_key=secrets(ASCII),
    token=secrets(ASCII),
    secret_env=secrets(UNICODE),
    offset=st.integers(min_value=0, max_value=600),
)
def test_no_secret_whole_or_cut_in_anything_the_gate_writes(
    api_key: str, token: str, secret_env: str, offset: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        run = run_once(api_key, token, secret_env, offset, Path(folder) / "out")
    texts: dict[str, str] = run.texts  # type: ignore[attr-defined]
    for where, text in texts.items():
        for secret in (api_key, token, secret_env):
            assert not leaks(text, secret), (where, secret, leaks(text, secret))
    assert "***" in texts["report.json"]  # the echoes were there, scrubbed
    notes = [s["note"] or "" for s in json.loads(texts["report.json"])["sessions"]]
    assert any("not found" in note for note in notes), notes  # the 404's message, scrubbed
