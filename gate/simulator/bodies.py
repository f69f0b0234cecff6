"""The JSON bodies the simulator serves, built from the scripts in `gate.simulator.scenarios`.

Every body here has the shape of its schema in `checkly-api/checkly-openapi-subset.json`
(`tests/simulator/` validates each one the server sends). Pure: scripts and a `Timeline` in,
JSON out.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from http import HTTPStatus

from gate.simulator.scenarios import (
    _METADATA,
    _STATUS,
    APP_URL,
    Json,
    ScriptedResult,
    ScriptedSession,
    Timeline,
    assertion,
    group_id,
    stable_uuid,
)

ANALYSIS: Json = {
    "classification": "APPLICATION ERROR",
    "rootCause": "The sign-in button is rendered disabled while the session service answers "
    "503: the login form waits for a CSRF token that never arrives, so the click times out.",
    "userImpact": "Customers cannot sign in on the web shop; checkout is blocked for them.",
    "codeFix": "Retry the CSRF token request and enable the button once it arrives.",
    "evidence": [
        {"artifacts": [{"name": "TRACE", "type": "TRACE"}], "description": "The trace shows "
         "the token request answered 503 three times."}
    ],
    "referenceLinks": [
        {"url": "https://playwright.dev/docs/actionability", "title": "Actionability"}
    ],
}  # fmt: skip


def analysis_for(text: str) -> Json:
    """A finished analysis of an error group's message: the sign-in one for a Playwright
    timeout, else one of a failing backend."""
    if "Timeout" in text or "locator" in text:
        return ANALYSIS
    return {
        "classification": "INFRA ERROR",
        "rootCause": f"The backend behind the check answers with errors ({text}): its database "
        "connection pool is exhausted since the last deployment, so requests wait and fail.",
        "userImpact": "Customers see errors on the pages this endpoint serves.",
        "codeFix": None,
        "evidence": [{"artifacts": [{"name": "HTTP_RESPONSE", "type": "RESPONSE"}],
                      "description": "Every failing response is a 5xx after about 10 s."}],
        "referenceLinks": [],
    }  # fmt: skip


def existing_analysis(group_id: str, text: str, now: str) -> Json:
    """One entry of an error group's `rootCauseAnalyses`."""
    entry = {"id": stable_uuid("rca-existing", group_id), "created_at": now}
    return entry | {"analysis": analysis_for(text)}


def pending_analysis_id(group_id: str) -> str:
    """The ID of the analysis under way of a group scripted with `root_cause="pending"`."""
    return stable_uuid("rca-pending", group_id)


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
        "metadata": dict(_METADATA if session.metadata is None else session.metadata),
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
    first = now - (results[0].group_age_days if results else 3.0) * 86400
    analyses = [
        existing_analysis(group_id, text, iso(now - 3600))
        if r.root_cause is True
        else {"id": pending_analysis_id(group_id), "created_at": iso(now - 60), "analysis": None}
        for r in results[:1]
        if r.root_cause
    ]
    body |= {"archivedUntilNextEvent": False, "rootCauseAnalyses": analyses}
    if kind == "check":  # dates only, and one family per check
        days = [datetime.fromtimestamp(t, UTC).date().isoformat() for t in (first, now)]
        check_id = results[0].cid if results else stable_uuid("check", text)
        return body | {"checkId": check_id, "firstSeen": days[0], "lastSeen": days[1]}
    pwt = [
        {"projectName": "chromium", "specId": _hash(r.name)[:20], "testTitle": r.name}
        | {"testFile": f"tests/{_slug(r.name)}.spec.ts", "suitePath": [r.name]}
        for r in results
        if r.check_type == "PLAYWRIGHT"
    ]
    body |= {"projectId": None, "environments": ["production"], "pwtMetadata": pwt or None}
    return body | {"firstSeen": iso(first), "lastSeen": iso(now)}


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
