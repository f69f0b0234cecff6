"""The simulator's evidence routes (SPEC §10): asset manifests and files, Playwright reports at
"signed URLs", and root-cause analyses that are pending, then done.

`EvidenceRoutes` belongs to a `Simulator` (`sim.evidence`). Routes (names for `fail`):
- `assets`: `GET /v1/test-sessions/{id}/results/{rid}/assets`,
  `GET /v1/check-results/{checkId}/{rid}/assets` (an `AssetManifest`);
- `file`: `GET /v1/assets/{rid}/{n}/download`, an asset's bytes (the API key needed);
- `signed`: `GET /signed/{rid}/report.json?X-Amz-Signature=…`, a run's Playwright JSON report,
  served without the API key (a request that carries one is refused 400, as a store would);
- `rca-post`: `POST /v1/root-cause-analyses/test-session-error-groups/{id}` and
  `/error-groups/{id}`; `rca-get`: `GET /v1/root-cause-analyses/{id}`.
What can be set: `pending_polls` (202 answers before an analysis is done; -1: never done),
`rca_status` (answer every analysis request with it: 402, 403, 404, 429), `fail(route, fault)`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import deque
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import unquote

from gate.simulator.bodies import analysis_for, pending_analysis_id
from gate.simulator.play import Play
from gate.simulator.scenarios import Fault, Json, ScriptedResult, stable_uuid
from gate.simulator.wire import Reply, error_reply, fault_answer, json_reply


class Simulator(Protocol):
    """What the routes need of the `gate.simulator.server.Simulator` they belong to."""

    _stopping: threading.Event
    _cond: threading.Condition
    _results: dict[str, tuple[Play, int]]
    _groups: dict[str, tuple[str, str, list[ScriptedResult]]]

    @property
    def url(self) -> str: ...

    def _refuse(self, headers: Mapping[str, str]) -> Reply | None: ...


ROUTES = (
    ("GET", "assets", re.compile(r"/v1/test-sessions/([^/]+)/results/([^/]+)/assets")),
    ("GET", "assets", re.compile(r"/v1/check-results/([^/]+)/([^/]+)/assets")),
    ("GET", "file", re.compile(r"/v1/assets/([^/]+)/([0-9]+)/download")),
    ("POST", "rca-post", re.compile(r"/v1/root-cause-analyses/test-session-error-groups/([^/]+)")),
    ("POST", "rca-post", re.compile(r"/v1/root-cause-analyses/error-groups/([^/]+)")),
    ("GET", "rca-get", re.compile(r"/v1/root-cause-analyses/([^/]+)")),
)
SIGNED = re.compile(r"/signed/([^/]+)/report\.json")
_DEFAULT_ASSETS = {
    "API": (("log", "job.log", 2_000),),
    "BROWSER": (
        ("trace", "trace.zip", 40_000),
        ("video", "video.webm", 60_000),
        ("screenshot", "failure.png", 9_000),
        ("screenshot", "page.png", 8_000),
    ),
}


class EvidenceRoutes:
    """Evidence state of one simulator (see the module docstring). Thread-safe."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.pending_polls = 1
        self.rca_status: int | None = None
        self._lock = threading.Lock()
        self._faults: dict[str, deque[Fault]] = {}
        self._analyses: dict[str, tuple[str, int]] = {}  # ID → group ID, polls so far

    def fail(self, route: str, *faults: Fault) -> None:
        with self._lock:
            self._faults.setdefault(route, deque()).extend(faults)

    def answer(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        sent: bytes,
    ) -> tuple[bool, Reply | None]:
        """(whether this is an evidence route, its answer: None resets). A signed URL is
        served without the API key; the other routes refuse what the simulator refuses."""
        if (signed := self.signed(path, query, headers)) is not None:
            return True, signed
        if (ours := self.route(method, path)) is None:
            return False, None
        if (refused := self.sim._refuse(headers)) is not None:
            return True, refused
        return True, self.serve(*ours, method, sent)

    def route(self, method: str, path: str) -> tuple[str, list[str]] | None:
        for verb, name, pattern in ROUTES:
            if verb == method and (m := pattern.fullmatch(path)):
                return name, [unquote(a) for a in m.groups()]
        return None

    def fault(self, name: str) -> tuple[bool, Reply | None]:
        """(whether the route's next scripted fault answers, its answer: None resets)."""
        with self._lock:
            queued = self._faults.get(name)
            fault = queued.popleft() if queued else None
        if fault is None:
            return False, None
        return fault_answer(fault, self.sim._stopping)

    def signed(
        self, path: str, query: Mapping[str, str], headers: Mapping[str, str]
    ) -> Reply | None:
        """A Playwright report at its signed URL, or None: not such a URL."""
        m = SIGNED.fullmatch(path)
        if m is None:
            return None
        faulted, reply = self.fault("signed")
        if faulted:
            return reply or Reply(502, b"")
        result = self._result(m.group(1))
        if result is None or result.playwright_report is None:
            return Reply(
                404, b"<Error><Code>NoSuchKey</Code></Error>", content_type="application/xml"
            )
        if query.get("X-Amz-Signature") != _signature(result.rid) or "authorization" in headers:
            return Reply(
                400, b"<Error><Code>InvalidRequest</Code></Error>", content_type="application/xml"
            )
        report = result.playwright_report
        raw = report if isinstance(report, bytes) else json.dumps(report).encode()
        return Reply(200, raw, content_type="application/json")

    def reply(self, detail: Json, r: ScriptedResult) -> Reply:
        """A result detail's answer, with its Playwright report's signed URL if it has one."""
        return json_reply(200, add_report_url(detail, r, self.sim.url))

    def serve(self, name: str, args: list[str], method: str, sent: bytes) -> Reply | None:
        faulted, reply = self.fault(name)
        if faulted:
            return reply
        if name == "assets":
            return self._manifest(args)
        if name == "file":
            return self._file(args)
        if name == "rca-post":
            return self._request(args, sent)
        return self._poll(args[0])

    # -- routes ----------------------------------------------------------------------------
    def _result(self, rid: str) -> ScriptedResult | None:
        with self.sim._cond:
            found = self.sim._results.get(rid.lower())
        return found[0].session.results[found[1]] if found else None

    def _manifest(self, args: list[str]) -> Reply:
        with self.sim._cond:
            found = self.sim._results.get(args[1].lower())
        if found is None or not _is_uuid(args[1]):
            code = 400 if not all(_is_uuid(a) for a in args) else 404
            return error_reply(code, f"Result {args[1]} not found" if code == 404 else "bad ID")
        play, index = found
        r = play.session.results[index]
        source: Json = {
            "type": "test-session-result" if play.session.kind == "test" else "check-result"
        }
        source |= {
            "checkId": r.cid,
            "checkName": r.name,
            "checkType": r.check_type,
            "resultId": r.rid,
        }
        if play.session.kind == "test":
            source["testSessionId"] = play.session.id
        entries = [
            {"type": kind, "name": name, "contentType": _content_type(name), "source": source}
            | {"url": f"{self.sim.url}/v1/assets/{r.rid}/{n}/download"}
            for n, (kind, name, _) in enumerate(assets_of(r))
        ]
        body: Json = {"assets": entries}
        if r.assets_truncated:
            body |= {
                "truncated": True,
                "entriesReturned": len(entries),
                "entriesTotal": len(entries) + 40,
            }
        return json_reply(200, body)

    def _file(self, args: list[str]) -> Reply:
        r = self._result(args[0])
        items = assets_of(r) if r is not None else ()
        if r is None or int(args[1]) >= len(items):
            return error_reply(404, "Asset not found")
        _, name, size = items[int(args[1])]
        seed = hashlib.sha256(f"{r.rid}/{name}".encode()).digest()
        body = (seed * (size // len(seed) + 1))[:size]
        return Reply(200, body, content_type=_content_type(name))

    def _request(self, args: list[str], sent: bytes) -> Reply:
        if self.rca_status is not None:
            return error_reply(self.rca_status, _REFUSALS.get(self.rca_status, "Refused"))
        with self.sim._cond:
            known = args[0].lower() in self.sim._groups
        if not known:
            return error_reply(404, f"Error group {args[0]} not found")
        try:
            body = json.loads(sent or b"null")
        except ValueError:
            return error_reply(400, "the body is not JSON")
        context = body.get("userContext") if isinstance(body, dict) else None
        if context is not None and (not isinstance(context, str) or len(context) > 256):
            return error_reply(400, '"userContext" must be a string of at most 256 characters')
        analysis_id = stable_uuid("rca", args[0], str(len(self._analyses)))
        with self._lock:
            self._analyses[analysis_id] = (args[0].lower(), 0)
        return json_reply(202, {"id": analysis_id, "status": "PENDING"})

    def _poll(self, analysis_id: str) -> Reply:
        with self.sim._cond:  # an analysis under way since before (`root_cause="pending"`)
            started = {pending_analysis_id(g): g for g in self.sim._groups}
        with self._lock:
            if analysis_id.lower() in started:
                self._analyses.setdefault(analysis_id.lower(), (started[analysis_id.lower()], 0))
            found = self._analyses.get(analysis_id.lower())
            if found is not None:
                self._analyses[analysis_id.lower()] = (found[0], found[1] + 1)
        if found is None:
            return error_reply(404, f"Root cause analysis {analysis_id} not found")
        if self.pending_polls < 0 or found[1] < self.pending_polls:
            return json_reply(202, {"id": analysis_id.lower(), "status": "PENDING"})
        day = datetime.now(UTC).date().isoformat()
        with self.sim._cond:
            text = self.sim._groups[found[0]][1]
        body = finished(analysis_id.lower(), found[0], analysis_for(text))
        return json_reply(200, body | {"created_at": day})


_REFUSALS = {402: "Payment Required", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}


def finished(analysis_id: str, group_id: str, analysis: Json) -> Json:
    """A finished `GetRca` body (without `created_at`)."""
    return {
        "id": analysis_id, "checkType": "PLAYWRIGHT", "provider": "anthropic", "model": "rocky-1",
        "errorGroupId": group_id, "durationMs": 8400, "analysis": analysis, "status": "COMPLETED",
    }  # fmt: skip


def report_url(base: str, r: ScriptedResult) -> str:
    return (
        f"{base}/signed/{r.rid}/report.json?X-Amz-Expires=900&X-Amz-Signature={_signature(r.rid)}"
    )


def add_report_url(body: Json, r: ScriptedResult, base: str) -> Json:
    """The result detail with its Playwright report's signed URL (when it has a report)."""
    if r.playwright_report is None:
        return body
    key = {"BROWSER": "browserCheckResult", "MULTI_STEP": "multiStepCheckResult"}
    block = body.get(key.get(r.check_type, "playwrightCheckResult"))
    if isinstance(block, dict):
        block["playwrightTestJsonReportFile"] = report_url(base, r)
    return body


def assets_of(r: ScriptedResult) -> tuple[tuple[str, str, int], ...]:
    if r.assets is not None:
        return r.assets
    if r.status not in ("failed", "degraded"):
        return ()
    found = _DEFAULT_ASSETS.get("API" if r.check_type == "API" else "BROWSER", ())
    return found + ((("report", "report.json", 5_000),) if r.playwright_report else ())


def _signature(rid: str) -> str:
    return hashlib.sha256(f"sign:{rid}".encode()).hexdigest()[:40]


def _content_type(name: str) -> str:
    ext = name.rpartition(".")[2].lower()
    types = {
        "zip": "application/zip",
        "webm": "video/webm",
        "png": "image/png",
        "json": "application/json",
    }
    return types.get(ext, "text/plain")


def _is_uuid(text: str) -> bool:
    return re.fullmatch(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", text) is not None


__all__ = ["Any", "EvidenceRoutes", "add_report_url"]
