"""What the Checkly API simulator plays: scripted sessions, their results, faults and clocks.

The bodies built from them are in `gate.simulator.bodies`; the server is
`gate.simulator.server`. `demo_sessions()` is the demo's sample.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

APP_URL = "https://app.checklyhq.com"
DEFAULT_ACCOUNT_ID = "5f1c7a52-9a0e-4c8b-8d3e-2b7f6c1e9a40"
_NAMESPACE = uuid.UUID("6f1b0d8e-3c2a-4e5f-9a7b-1c2d3e4f5a6b")
_STATUS = {"passed": "PASSED", "failed": "FAILED", "degraded": "PASSED", "cancelled": "CANCELLED"}
_METADATA = {"environment": "production", "repoUrl": "https://github.com/acme/webshop"}
_METADATA |= {"branchName": "main", "commitId": "9f2c4e1", "commitMessage": "Speed up checkout"}
Json = dict[str, Any]


def stable_uuid(*parts: str) -> str:
    """A UUID that is the same on every run for the same parts (a lone surrogate included:
    the hostile-text tests serve one)."""
    name = "\x1f".join(parts)
    if not name.isascii():
        name = name.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return str(uuid.uuid5(_NAMESPACE, name))


def assertion(source: str, target: str, actual: Any, error: str | None, **more: Any) -> Json:
    """One API-check assertion result as Checkly reports it."""
    base = {"source": source, "property": "", "comparison": "EQUALS", "target": target}
    return base | {"regex": None} | more | {"actual": actual, "error": error}


@dataclass
class ScriptedResult:
    """One result of a session; `status` (passed/failed/degraded/cancelled) is how it ends."""

    name: str
    status: str = "passed"
    check_type: str = "API"
    location: str = "eu-west-1"
    result_type: str = "FINAL"
    check_id: str | None = None  # default: a stable UUID derived from the name
    result_id: str | None = None  # default: a new UUID
    response_time_ms: float | None = 120.0
    detail: dict[str, Any] | None = None  # merged into the result-detail body
    error_group: str | None = None  # cleaned message; equal texts share one error group
    history: str = (
        ""  # the check's earlier FINAL runs, newest first: P passed, F failed, D degraded
    )
    group_age_days: float = 3.0  # how long before now its error group was first seen (0: new)
    # Failing history entries a buggy or hostile answer puts first, whatever the query asked:
    # o another check's, u one without a date, l one dated after the session's start.
    history_hostile: str = ""
    # Evidence (SPEC §10): assets as (type, name, bytes) (None: by check type, when failing),
    # a cut manifest, a Playwright JSON report (a dict, or raw bytes) at a signed URL, and
    # whether its error group already carries a root-cause analysis (or one under way).
    assets: tuple[tuple[str, str, int], ...] | None = None
    assets_truncated: bool = False
    playwright_report: dict[str, Any] | bytes | None = None
    root_cause: bool | str = False  # True: a finished analysis; "pending": one under way

    def __post_init__(self) -> None:
        self.check_id = self.check_id or stable_uuid("check", self.name)
        self.result_id = self.result_id or str(uuid.uuid4())

    @property
    def cid(self) -> str:
        return self.check_id or ""

    @property
    def rid(self) -> str:
        return self.result_id or ""


@dataclass
class ScriptedSession:
    """A session the simulator plays: it ends with `status` `duration_s` after it is added."""

    kind: str  # "test" | "check"
    status: str  # the final API status; any string (to test unknown ones)
    name: str = "Simulated session"
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    duration_s: float = 0.0
    results: list[ScriptedResult] = field(default_factory=list)
    http_status: int | None = None  # every request for this session gets this status
    faults: list[Fault] = field(default_factory=list)  # one per request, in order
    never_finishes: bool = False
    metadata: dict[str, Any] | None = None  # a test session's metadata (None: the sample's)
    # What the bodies say a finished session took (None: the real seconds it played): the
    # demo's runs last longer than the seconds it waits.
    reported_s: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("test", "check"):
            raise ValueError(f"kind must be 'test' or 'check', not {self.kind!r}")

    @property
    def check_id(self) -> str:
        """A v2 check session runs one check: its results' (or one derived from the name)."""
        return self.results[0].cid if self.results else stable_uuid("check", self.name)


@dataclass(frozen=True)
class Fault:
    """Something going wrong with a request. Build with the class methods."""

    kind: str  # "status" | "reset" | "hang" | "raw" | "trickle"
    code: int = 0
    body: bytes | None = None
    retry_after: str | None = None
    seconds: float = 0.0

    @classmethod
    def status(cls, code: int, retry_after: str | None = None, body: bytes | None = None) -> Fault:
        """Answer `code` (429, 5xx) with an ApiError body (or `body`), maybe `Retry-After`."""
        return cls("status", code=code, retry_after=retry_after, body=body)

    @classmethod
    def reset(cls) -> Fault:
        """Close the connection without an answer (the client sees a connection reset)."""
        return cls("reset")

    @classmethod
    def hang(cls, seconds: float) -> Fault:
        """Hold the answer `seconds` (to trip read timeouts), then answer normally."""
        return cls("hang", seconds=seconds)

    @classmethod
    def trickle(cls, every: float = 0.5) -> Fault:
        """Answer normally, but one byte every `every` seconds, status line included: each
        read gets a byte in time, so only an absolute deadline ends the request."""
        return cls("trickle", seconds=every)

    @classmethod
    def raw(cls, status: int, body: bytes) -> Fault:
        """Answer `status` with exactly `body` (truncated JSON, missing fields, ...)."""
        return cls("raw", code=status, body=body)


@dataclass(frozen=True)
class Timeline:
    """A session's clock as one body sees it."""

    started: float  # wall-clock epoch seconds
    elapsed: float  # seconds run so far (until the finish, once finished)
    finished: bool
    done: int  # how many results (in order) have finished
    duration: float

    def window(self, index: int, count: int, result: ScriptedResult) -> tuple[float, float]:
        """Start and stop (epoch) of result `index`: results end spread over the duration."""
        end = self.duration * (index + 1) / count if self.duration > 0 else 0.0
        end = min(end, self.elapsed) if self.finished else end
        run = (result.response_time_ms or 0.0) / 1000
        return self.started + max(end - run, 0.0), self.started + end


def group_id(kind: str, check_id: str, text: str) -> str:
    """Error group of a message: test-session groups (kind "test") are per account, check ones
    (`/v1/error-groups/{id}`) per check; the two families never share an ID."""
    return stable_uuid(f"{kind}-error-group", check_id if kind == "check" else "", text)


def demo_playwright_report(error: str) -> Json:
    """The Playwright JSON report of the demo's Login runs: a failing test (retried), a
    flaky one (passed on its retry) and two that passed."""

    def spec(title: str, status: str, *errors: str) -> Json:
        runs: list[Json] = [
            {"retry": n, "status": "failed", "duration": 30_000, "error": {"message": e}}
            for n, e in enumerate(errors)
        ]
        if status != "unexpected":
            runs.append({"retry": len(runs), "status": "passed", "duration": 1_400})
        test = {"projectName": "chromium", "expectedStatus": "passed", "status": status}
        return {"title": title, "ok": status != "unexpected", "tests": [test | {"results": runs}]}

    first = f"{error}\nCall log:\n  - waiting for getByRole('button', {{ name: 'Sign in' }})"
    cart = 'Error: expect(locator).toHaveText(expected) failed\n\nExpected: "1 item"'
    specs = [
        spec("signs in with a password", "unexpected", first, first),
        spec("shows the cart after signing in", "flaky", cart),
        spec("offers a password reset", "expected"),
        spec("remembers the email", "expected"),
    ]
    suite = {"title": "login.spec.ts", "file": "tests/login.spec.ts", "specs": specs}
    return {"config": {"version": "1.52.0"}, "suites": [suite | {"suites": []}], "errors": []}


def demo_sessions() -> list[ScriptedSession]:
    """The demo's sample: passing, failing with reasons, degraded, slow, and a failing check;
    triage shows every label (new, flaky, already failing, no history) and a pass on retry;
    evidence shows assets, Playwright tests, an existing root-cause analysis and a new one."""
    login = "TimeoutError: locator.click: Timeout 30000ms exceeded (getByRole('button', 'Sign in'))"
    pw_error = {"message": login, "stack": f"{login}\n    at tests/login.spec.ts:14:21"}
    json_type = {"content-type": "application/json"}
    orders = {
        "assertions": [
            assertion("STATUS_CODE", "200", 500, "status code equals 200, got 500"),
            assertion("JSON_BODY", "0", None, "$.items.length: no value")
            | {"property": "$.items.length", "comparison": "GREATER_THAN"},
        ],
        "request": {"method": "POST", "url": "https://api.acme.example/v1/orders", "data": "{}"},
        "response": {"status": 500, "statusText": "Internal Server Error", "headers": json_type}
        | {"body": '{"error":"database timeout"}'},
    }
    refused = {"assertions": [], "requestError": "connect ECONNREFUSED 10.12.0.7:443"}
    checkout = "status code equals 200, got 503"
    checkout_api = {
        "assertions": [assertion("STATUS_CODE", "200", 503, checkout)],
        "response": {"status": 503, "statusText": "Service Unavailable", "body": "timeout"},
    }
    agentic = {
        "summary": "The assistant described shipping times instead of the refund policy.",
        "assertions": [
            {"condition": "The answer mentions the 30-day refund window", "passed": False}
            | {"actual": "Talked about 2-5 day shipping", "expected": "30-day refunds"}
        ],
    }

    def run(
        name: str, status: str, kind: str, where: str, ms: float | None, **kw: Any
    ) -> ScriptedResult:
        return ScriptedResult(name, status, kind, where, response_time_ms=ms, **kw)

    ok, bad, eu, us = "passed", "failed", "eu-west-1", "us-east-1"
    # fmt: off
    return [
        ScriptedSession("test", "PASSED", "Webshop checks: production", duration_s=1.0,
                        reported_s=12.0, results=[
            run("Homepage API", ok, "API", eu, 87),
            run("Homepage API", ok, "API", us, 142),
            run("Product search API", ok, "API", eu, 231),
            run("Checkout flow", ok, "BROWSER", eu, 3400),
            run("Checkout flow", ok, "BROWSER", us, 3900),
            run("Checkout flow", ok, "BROWSER", "ap-southeast-2", 4100),
        ]),
        ScriptedSession("test", "FAILED", "Webshop checks: PR #42", duration_s=2.0,
                        reported_s=48.0, results=[
            run("Orders API", bad, "API", eu, 1830, detail={"apiCheckResult": orders},
                history="FFFFFFFFFF"),  # already failing
            run("Payments API", bad, "API", us, None, detail={"apiCheckResult": refused},
                history="PPPPPPPPPP"),  # new
            run("Login", bad, "PLAYWRIGHT", eu, 31200, error_group=login, group_age_days=0,
                detail={"playwrightCheckResult": {"errors": [pw_error]}},
                playwright_report=demo_playwright_report(login),
                history="PPFPPPPFPP"),  # flaky, with a new error (its analysis is asked for)
            run("Login", bad, "PLAYWRIGHT", us, 30900, error_group=login, group_age_days=0,
                detail={"playwrightCheckResult": {"errors": [pw_error]}},
                playwright_report=demo_playwright_report(login)),
            run("Cart page", bad, "BROWSER", eu, 6100, result_type="ATTEMPT"),
            run("Cart page", ok, "BROWSER", eu, 2900),  # passed on retry 1
            run("Refund assistant", bad, "AGENTIC", us, 18500,
                detail={"agenticCheckResult": agentic}),  # no earlier runs: no history
            run("Product search API", ok, "API", eu, 198),
        ]),
        ScriptedSession("check", "DEGRADED", "Status page API", duration_s=1.5,
                        reported_s=4.0, results=[
            run("Status page API", "degraded", "API", eu, 2650, history="PPPPPPPPPP"),
            run("Status page API", ok, "API", us, 310),
        ]),
        ScriptedSession("test", "PASSED", "Smoke tests: staging (slow)", duration_s=5.0,
                        reported_s=9.0, results=[
            run("Health endpoint", ok, "API", "eu-central-1", 64),
            run("Landing page", ok, "BROWSER", "eu-central-1", 2300),
            run("Health endpoint", ok, "API", "us-west-2", 171),
        ]),
        ScriptedSession("check", "FAILED", "Checkout API", duration_s=3.0,
                        reported_s=32.0, results=[
            run("Checkout API", bad, "API", eu, 10012, error_group=checkout, root_cause=True,
                detail={"apiCheckResult": checkout_api}, history="FFPPPPPPPP"),
            run("Checkout API", bad, "API", us, 10020, error_group=checkout,
                detail={"apiCheckResult": checkout_api}, result_type="ATTEMPT"),
            run("Checkout API", bad, "API", us, 10008, error_group=checkout, root_cause=True,
                detail={"apiCheckResult": checkout_api}),
        ]),
    ]
    # fmt: on


def demo_base_session() -> ScriptedSession:
    """The demo's latest test session on `main`, the PR's base branch (SPEC §11): Payments
    API fails there too, so the PR's failure of it is `also failing on main`."""
    return ScriptedSession(
        "test",
        "FAILED",
        "Webshop checks: main",
        results=[
            ScriptedResult("Payments API", "failed", "API", "us-east-1"),
            ScriptedResult("Product search API", "passed", "API", "eu-west-1"),
        ],
    )
