"""What the Checkly API simulator serves: scripted sessions and the JSON bodies built from them.

Every body here has the shape of its schema in `checkly-api/checkly-openapi-subset.json`
(`tests/test_simulator.py` validates each one the server sends). Pure: scripts and a `Timeline`
in, JSON out; the server is `gate.simulator.server`. `demo_sessions()` is the demo's sample.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

APP_URL = "https://app.checklyhq.com"
DEFAULT_ACCOUNT_ID = "5f1c7a52-9a0e-4c8b-8d3e-2b7f6c1e9a40"
_NAMESPACE = uuid.UUID("6f1b0d8e-3c2a-4e5f-9a7b-1c2d3e4f5a6b")
_STATUS = {"passed": "PASSED", "failed": "FAILED", "degraded": "PASSED", "cancelled": "CANCELLED"}
_METADATA = {"environment": "production", "repoUrl": "https://github.com/acme/webshop"}
_METADATA |= {"branchName": "main", "commitId": "9f2c4e1", "commitMessage": "Speed up checkout"}
Json = dict[str, Any]


def stable_uuid(*parts: str) -> str:
    """A UUID that is the same on every run for the same parts."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def iso(epoch: float) -> str:
    """Wall-clock seconds as the API writes them: `2025-08-28T18:23:40.262Z`."""
    text = datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def api_error(status: int, message: str) -> Json:
    """The ApiError body: `{statusCode, error, message}`."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return {"statusCode": status, "error": phrase, "message": message}


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

    kind: str  # "status" | "reset" | "hang" | "raw"
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


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "check"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _message(r: ScriptedResult) -> str:
    if r.error_group:
        return r.error_group
    return "status code equals 200, got 500" if r.check_type == "API" else "Check failed"


def _core(r: ScriptedResult, start: float, stop: float, done: bool = True) -> Json:
    """The fields every result body shares (their state before it is done: RUNNING/PENDING)."""
    status = r.status if done else "running"
    return {
        "checkId": r.cid,
        "checkType": r.check_type,
        "name": r.name,
        "runLocation": r.location,
        "resultType": r.result_type if done else "PENDING",
        "hasErrors": False,
        "hasFailures": status == "failed",
        "isDegraded": status == "degraded",
        "responseTime": r.response_time_ms if done else None,
        "startedAt": iso(start),
        "stoppedAt": iso(stop) if done else None,
    }


def _extras(session: ScriptedSession, r: ScriptedResult) -> Json:
    """The detail-only fields both result-detail bodies carry."""
    same = [x for x in session.results if (x.cid, x.location) == (r.cid, r.location)]
    attempts = same.index(r) + 1 if r.result_type == "ATTEMPT" else len(same)
    return {
        "isCancelled": r.status == "cancelled",
        "overMaxResponseTime": False,
        "attempts": attempts,
        "sequenceId": stable_uuid("sequence", r.cid, r.location),
        "traceId": _hash(r.rid)[:32],
    }


def test_session_body(session: ScriptedSession, t: Timeline) -> Json:
    """FindOneTestSessionResponse (running or finished) / AwaitTestSessionCompletionResponse."""
    results = [test_result_summary(session, i, r, t) for i, r in enumerate(session.results)]
    return {
        "testSessionId": session.id,
        "testSessionLink": f"{APP_URL}/test-sessions/{session.id}",
        "name": session.name,
        "status": session.status if t.finished else "RUNNING",
        "errorGroupIds": list(dict.fromkeys(g for r in results for g in r["errorGroupIds"])),
        "startedAt": iso(t.started),
        "stoppedAt": iso(t.started + t.elapsed) if t.finished else None,
        "timeElapsed": round(t.elapsed * 1000),
        "metadata": dict(_METADATA),
        "results": results,
    }


def test_result_summary(session: ScriptedSession, i: int, r: ScriptedResult, t: Timeline) -> Json:
    """One TestSessionResult: its final state once done, RUNNING/PENDING before."""
    done = i < t.done
    start, stop = t.window(i, len(session.results), r) if done else (t.started, t.started)
    link = f"{APP_URL}/test-sessions/{session.id}/results/{r.rid}"
    return {
        "testSessionResultId": r.rid,
        "testSessionResultLink": link,
        **_core(r, start, stop, done),
        "errorGroupIds": [group_id("test", r.cid, r.error_group)] if done and r.error_group else [],
        "status": _STATUS.get(r.status, r.status.upper()) if done else "RUNNING",
        "aborted": done and r.status == "cancelled",
    }


def test_result_detail(session: ScriptedSession, i: int, r: ScriptedResult, t: Timeline) -> Json:
    """FindOneTestSessionResultResponse: the summary plus what the check saw (once done)."""
    body = test_result_summary(session, i, r, t) | {"id": r.rid, "privateLocationId": None}
    body |= {"filePath": f"__checks__/{_slug(r.name)}.check.ts", "scheduleError": None}
    body |= _extras(session, r) | {"created_at": body["startedAt"], "updated_at": body["stoppedAt"]}
    if i >= t.done:
        return body | {"isCancelled": False, "attempts": 0}
    return _with_details(body, r, *t.window(i, len(session.results), r))


def check_session_body(session: ScriptedSession, t: Timeline, account_id: str) -> Json:
    """CheckSessionsV2FindOneResponse / CheckSessionsV2CompletionResponse: one check, its runs."""
    done = [(i, r) for i, r in enumerate(session.results) if i < t.done]
    if t.finished:
        status = session.status
    elif any(r.status == "failed" and r.result_type == "FINAL" for _, r in done):
        status = "PROGRESS_FAILED"
    elif any(r.status == "degraded" for _, r in done):
        status = "PROGRESS_DEGRADED"
    else:
        status = "PROGRESS" if done else "STARTED"
    return {
        "checkSessionId": session.id,
        "checkSessionLink": check_session_link(session, account_id),
        "checkId": session.check_id,
        "checkType": session.results[0].check_type if session.results else "API",
        "name": session.name,
        "status": status,
        "startedAt": iso(t.started),
        "stoppedAt": iso(t.started + t.elapsed) if t.finished else None,
        "timeElapsed": round(t.elapsed * 1000),
        "runLocations": list(dict.fromkeys(r.location for r in session.results)),
        "runSource": "TRIGGER_API",
        "results": [check_result_summary(session, i, r, t, account_id) for i, r in done],
    }


def check_session_link(session: ScriptedSession, account_id: str) -> str:
    return f"{APP_URL}/accounts/{account_id}/checks/{session.check_id}/check-sessions/{session.id}"


def check_result_summary(
    session: ScriptedSession, i: int, r: ScriptedResult, t: Timeline, account_id: str
) -> Json:
    """One CheckSessionsV2CheckResult (a v2 session lists only finished results)."""
    link = f"{check_session_link(session, account_id)}/results/{r.rid}"
    core = _core(r, *t.window(i, len(session.results), r))
    flags = {"aborted": r.status == "cancelled", "isCancelled": r.status == "cancelled"}
    return {"checkResultId": r.rid, "checkResultLink": link} | core | flags


def check_result_detail(session: ScriptedSession, i: int, r: ScriptedResult, t: Timeline) -> Json:
    """CheckResult (`/v1/check-results/{checkId}/{checkResultId}`) of a finished result."""
    start, stop = t.window(i, len(session.results), r)
    core = {k: v for k, v in _core(r, start, stop).items() if k != "checkType"}
    body = {"id": r.rid, **core, **_extras(session, r), "created_at": iso(stop)}
    body["checkRunId"] = int(_hash(r.rid)[:8], 16)
    body["errorGroupIds"] = [group_id("check", r.cid, r.error_group)] if r.error_group else []
    if body["responseTime"] is None:  # a number here, never null: left out instead
        del body["responseTime"]
    return _with_details(body, r, start, stop)


def error_group(
    kind: str, group_id: str, text: str, results: list[ScriptedResult], now: float
) -> Json:
    """TestSessionErrorGroup (kind "test") or ErrorGroup (kind "check") of a cleaned message."""
    body: Json = {"id": group_id, "errorHash": _hash(text), "cleanedErrorMessage": text}
    body |= {"rawErrorMessage": _message(results[0]) if results else text}
    body |= {"archivedUntilNextEvent": False, "rootCauseAnalyses": []}
    if kind == "check":  # dates only, and one family per check
        days = [datetime.fromtimestamp(t, UTC).date().isoformat() for t in (now - 3 * 86400, now)]
        check_id = results[0].cid if results else stable_uuid("check", text)
        return body | {"checkId": check_id, "firstSeen": days[0], "lastSeen": days[1]}
    pwt = [
        {"projectName": "chromium", "specId": _hash(r.name)[:20], "testTitle": r.name}
        | {"testFile": f"tests/{_slug(r.name)}.spec.ts", "suitePath": [r.name]}
        for r in results
        if r.check_type == "PLAYWRIGHT"
    ]
    body |= {"projectId": None, "environments": ["production"], "pwtMetadata": pwt or None}
    return body | {"firstSeen": iso(now - 3 * 86400), "lastSeen": iso(now)}


def _with_details(body: Json, r: ScriptedResult, start: float, stop: float) -> Json:
    """Add the check type's block (`apiCheckResult`, ...), then merge the scripted `detail`."""
    failed = r.status == "failed"
    message = _message(r)
    errors = [
        {"message": message, "stack": f"Error: {message}\n    at {_slug(r.name)}.spec.ts:12:5"}
    ]
    errors = errors if failed else []
    browser = {"errors": errors, "startTime": round(start * 1000), "endTime": round(stop * 1000)}
    browser |= {"runtimeVersion": "2025.04", "jobLog": None, "playwrightTestTraces": []}
    if r.check_type == "API":
        code = 500 if failed else 200
        error = f"status code equals 200, got {code}" if failed else None
        timing = r.response_time_ms or 0.0
        body["apiCheckResult"] = {
            "assertions": [assertion("STATUS_CODE", "200", code, error)],
            "request": {"method": "GET", "url": f"https://api.acme.example/{_slug(r.name)}"},
            "response": {"status": code, "statusText": HTTPStatus(code).phrase}
            | {"body": '{"error":"internal"}' if failed else '{"ok":true}'}
            | {"headers": {"content-type": "application/json"}, "timings": {"end": timing}},
            "requestError": None,
            "jobLog": None,
        }
    elif r.check_type == "BROWSER":
        pages = [{"url": f"https://shop.acme.example/{_slug(r.name)}"}]
        summary = {"userScriptErrors": len(errors), "networkErrors": 0}
        body["browserCheckResult"] = {"type": "PLAYWRIGHT", "traceSummary": summary} | browser
        body["browserCheckResult"] |= {"pages": pages, "playwrightTestVideos": []}
    elif r.check_type == "MULTI_STEP":
        body["multiStepCheckResult"] = browser
    elif r.check_type == "PLAYWRIGHT":
        body["playwrightCheckResult"] = {"errors": errors, "playwrightTraceFiles": []}
        body["playwrightCheckResult"] |= {"playwrightTestVideos": [], "playwrightTestTraces": []}
    elif r.check_type == "AGENTIC":
        check = {"condition": "The page answers the question", "passed": not failed}
        body["agenticCheckResult"] = {
            "summary": message if failed else "Every assertion held.",
            "prompt": f"Check that {r.name} works for a signed-in customer.",
            "assertions": [check | {"actual": message if failed else "ok", "expected": "ok"}],
            "errors": [],
        }
    for key, value in (r.detail or {}).items():
        current = body.get(key)
        merge = isinstance(current, dict) and isinstance(value, dict)
        # mypy cannot narrow `current` through `merge`; both are dicts when it is true
        body[key] = {**current, **value} if merge else value  # type: ignore[dict-item]
    return body


def demo_sessions() -> list[ScriptedSession]:
    """The demo's sample: passing, failing with reasons, degraded, slow, and a failing check."""
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
        ScriptedSession("test", "PASSED", "Webshop checks: production", duration_s=1.0, results=[
            run("Homepage API", ok, "API", eu, 87),
            run("Homepage API", ok, "API", us, 142),
            run("Product search API", ok, "API", eu, 231),
            run("Checkout flow", ok, "BROWSER", eu, 3400),
            run("Checkout flow", ok, "BROWSER", us, 3900),
            run("Checkout flow", ok, "BROWSER", "ap-southeast-2", 4100),
        ]),
        ScriptedSession("test", "FAILED", "Webshop checks: PR #42", duration_s=2.0, results=[
            run("Orders API", bad, "API", eu, 1830, detail={"apiCheckResult": orders}),
            run("Payments API", bad, "API", us, None, detail={"apiCheckResult": refused}),
            run("Login", bad, "PLAYWRIGHT", eu, 31200, error_group=login,
                detail={"playwrightCheckResult": {"errors": [pw_error]}}),
            run("Login", bad, "PLAYWRIGHT", us, 30900, error_group=login,
                detail={"playwrightCheckResult": {"errors": [pw_error]}}),
            run("Cart page", bad, "BROWSER", eu, 6100, result_type="ATTEMPT"),
            run("Cart page", ok, "BROWSER", eu, 2900),
            run("Refund assistant", bad, "AGENTIC", us, 18500,
                detail={"agenticCheckResult": agentic}),
            run("Product search API", ok, "API", eu, 198),
        ]),
        ScriptedSession("check", "DEGRADED", "Status page API", duration_s=1.5, results=[
            run("Status page API", "degraded", "API", eu, 2650),
            run("Status page API", ok, "API", us, 310),
        ]),
        ScriptedSession("test", "PASSED", "Smoke tests: staging (slow)", duration_s=5.0, results=[
            run("Health endpoint", ok, "API", "eu-central-1", 64),
            run("Landing page", ok, "BROWSER", "eu-central-1", 2300),
            run("Health endpoint", ok, "API", "us-west-2", 171),
        ]),
        ScriptedSession("check", "FAILED", "Checkout API", duration_s=3.0, results=[
            run("Checkout API", bad, "API", eu, 10012, error_group=checkout,
                detail={"apiCheckResult": checkout_api}),
            run("Checkout API", bad, "API", us, 10020, error_group=checkout,
                detail={"apiCheckResult": checkout_api}, result_type="ATTEMPT"),
            run("Checkout API", bad, "API", us, 10008, error_group=checkout,
                detail={"apiCheckResult": checkout_api}),
        ]),
    ]
    # fmt: on
