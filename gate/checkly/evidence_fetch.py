"""Gather the evidence of failing runs (SPEC §10), concurrently, inside the details deadline.

For the first `MAX_RUNS` failing or degraded runs: the asset manifest (`.../assets`), the files
of the chosen types under `assets-dir`, the Playwright JSON report (a signed URL in the result
detail that `gate.checkly.details` fetched; `Recorder` keeps those answers) and the error
group's root-cause analysis (read, or asked for with `root-cause: request`). Nothing here is
an error: what cannot be had is noted, and the verdict never waits past the deadline.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from gate.checkly import root_cause
from gate.checkly.client import ChecklyClient
from gate.checkly.downloads import CAPPED, Budget, Folders, save
from gate.checkly.fetch_file import TooBig, download
from gate.checkly.playwright_report import MAX_REPORT_BYTES, parse_report
from gate.checkly.reasons import clean_line
from gate.checkly.recorder import Key, Recorder, report_url
from gate.core.evidence import (
    ASSET_TYPES,
    RCA_PENDING,
    AssetCounts,
    Evidence,
    PlaywrightTests,
    RootCause,
    SavedFile,
)
from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.verdict import Thresholds, needs_explaining
from gate.options.evidence_options import EvidenceConfig

MAX_RUNS = 30  # failing runs whose evidence one gate run gathers (SPEC §10)
REQUEST_WINDOW_S = 5.0  # a manifest is retried (429, 5xx) at most this long


@dataclasses.dataclass
class _Found:
    """What was learnt of one run, filled in by the tasks."""

    assets: AssetCounts | None = None
    assets_note: str | None = None
    files: list[SavedFile] = dataclasses.field(default_factory=list)
    failed_files: int = 0
    capped_files: int = 0
    playwright: PlaywrightTests | None = None
    root_cause: RootCause | None = None


class Gatherer:
    """One gate run's evidence tasks (see the module docstring)."""

    def __init__(
        self,
        client: ChecklyClient,
        config: EvidenceConfig,
        recorder: Recorder,
        deadline: float,
        *,
        context: str = "",
        workers: int = 8,
    ) -> None:
        self.client, self.config, self.recorder = client, config, recorder
        self.deadline, self.context = deadline, context
        self.found: dict[Key, _Found] = {}
        self.notes: list[str] = []
        self.budget = Budget(config.assets_max_bytes)
        self.folders = Folders(config.assets_dir) if config.assets_dir else None
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gate-evidence")
        self._futures: list[Future[None]] = []
        self._refused: str | None = None
        self._manifest_errors: list[str] = []
        self.requests = 0  # analyses asked for

    def gather(
        self, sessions: Sequence[Session], thresholds: Thresholds
    ) -> tuple[tuple[Session, ...], list[str]]:
        """The sessions with `.evidence` on their first failing runs, and the notes."""
        runs = [
            (s, r)
            for s in sessions
            for r in s.runs
            if needs_explaining(r, thresholds)
            and not r.stands_for_session
            and r.result_id
            and r.outcome is not Outcome.MISSING  # a check that did not run has no evidence
        ]
        for session, run in runs[:MAX_RUNS]:
            self.found[(session.id, run.result_id)] = _Found()
            self._submit(self._manifest, session, run)
            url = report_url(self.recorder.details.get((session.id, run.result_id)))
            if url:
                self._submit(self._report, session, run, url)
        if self.config.root_cause != "off":
            self._root_causes(sessions, runs[:MAX_RUNS])
        try:
            self._wait()
        finally:
            self._pool.shutdown(wait=False, cancel_futures=True)
        if len(runs) > MAX_RUNS:
            self.notes.append(
                f"evidence is gathered for the first {MAX_RUNS} failing runs; "
                f"{len(runs) - MAX_RUNS} more are linked without it"
            )
        return tuple(self._apply(s) for s in sessions), self._warnings()

    # -- tasks ------------------------------------------------------------------------------
    def _submit(self, fn: Callable[..., None], *args: Any) -> None:
        with self._lock:
            if time.monotonic() < self.deadline:
                self._futures.append(self._pool.submit(self._guarded, fn, *args))

    def _guarded(self, fn: Callable[..., None], *args: Any) -> None:
        """A task that fails in a way no one foresaw is a note, never a lost thread's error."""
        try:
            fn(*args)
        except Exception as exc:
            with self._lock:
                self.notes.append(f"some evidence could not be gathered ({_describe(exc)})")

    def _wait(self) -> None:
        done: set[Future[None]] = set()
        while True:
            with self._lock:
                pending = [f for f in self._futures if f not in done]
            left = self.deadline - time.monotonic()
            if not pending or left <= 0:
                return
            finished, _ = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
            done |= finished

    def _manifest(self, session: Session, run: CheckRun) -> None:
        found = self.found[(session.id, run.result_id)]
        if session.kind is SessionKind.TEST:
            path = f"/v1/test-sessions/{session.id}/results/{run.result_id}/assets"
        else:
            path = f"/v1/check-results/{run.check_id}/{run.result_id}/assets"
        try:
            body = self.client.get(path, min(self.deadline, time.monotonic() + REQUEST_WINDOW_S))
        except Exception as exc:
            found.assets_note = "the asset list could not be read"
            with self._lock:
                self._manifest_errors.append(_describe(exc))
            return
        entries = [e for e in (body or {}).get("assets") or () if isinstance(e, Mapping)]
        counts = {t: sum(1 for e in entries if e.get("type") == t) for t in ASSET_TYPES}
        total = (body or {}).get("entriesTotal")
        found.assets = AssetCounts(
            tuple((t, n) for t, n in counts.items() if n),
            (body or {}).get("truncated") is True,
            total if isinstance(total, int) else None,
        )
        if self.folders is not None:
            wanted = [e for e in entries if e.get("type") in self.config.asset_types]
            wanted.sort(key=lambda e: self.config.asset_types.index(e["type"]))
            self._submit(self._downloads, session, run, wanted)  # in order: the cap keeps the first

    def _downloads(self, session: Session, run: CheckRun, entries: list[Mapping[str, Any]]) -> None:
        for entry in entries:
            if time.monotonic() >= self.deadline:
                self.found[(session.id, run.result_id)].failed_files += 1
                continue
            self._download(session, run, entry)

    def _download(self, session: Session, run: CheckRun, entry: Mapping[str, Any]) -> None:
        found, folders = self.found[(session.id, run.result_id)], self.folders
        url, name = entry.get("url"), entry.get("name")
        if folders is None or not isinstance(url, str) or not isinstance(name, str):
            return
        title = folders.session_folder(session.id, session.title)
        check = f"{run.name} ({run.location})" if run.location else run.name
        path = folders.file_path(title, check, name)
        saved = save(self.client, url, path, folders.root, self.budget, self.deadline)
        if saved == CAPPED:
            found.capped_files += 1
        elif saved is None:
            found.failed_files += 1
        else:
            found.files.append(SavedFile(str(path), str(entry.get("type")), saved))

    def _report(self, session: Session, run: CheckRun, url: str) -> None:
        found = self.found[(session.id, run.result_id)]
        raw = bytearray()  # one buffer, no join: the report costs its size once
        try:
            download(
                self.client,
                url,
                self.deadline,
                raw.extend,
                max_bytes=MAX_REPORT_BYTES,
                signed=True,
            )
        except TooBig:
            note = f"the Playwright report is larger than {MAX_REPORT_BYTES // 1_000_000} MB"
            found.playwright = PlaywrightTests(note=note + ": not read")
            return
        except Exception as exc:
            found.playwright = PlaywrightTests(
                note=f"the Playwright report could not be read ({_describe(exc)})"
            )
            return
        found.playwright = parse_report(raw, self.client.scrub)  # scrubbed before it is cut

    def _root_causes(
        self, sessions: Sequence[Session], runs: Sequence[tuple[Session, CheckRun]]
    ) -> None:
        asked: set[tuple[SessionKind, str]] = set()
        for session, run in runs:
            if not run.error_group_ids:
                continue
            key = (session.kind, run.error_group_ids[0])
            group = self.recorder.groups.get(key)
            existing = root_cause.latest(group, key[1], run.link) if group else None
            found = self.found[(session.id, run.result_id)]
            if existing is not None:
                found.root_cause = existing
                continue
            running = root_cause.in_progress(group) if group else None
            new = run.group_age is not None and run.group_age.is_new(session.started_at)
            wanted = self.config.root_cause == "request" and (new or running is not None)
            if key in asked:
                continue
            if not wanted or len(asked) >= root_cause.MAX_REQUESTS:
                if running is not None:  # under way at Checkly: said, not waited for
                    found.root_cause = RootCause(RCA_PENDING, key[1], id=running, link=run.link)
                continue
            asked.add(key)
            same = [(s, r) for s, r in runs if _group(s, r) == key]
            self._submit(self._ask, key, same, running)

    def _ask(
        self,
        key: tuple[SessionKind, str],
        runs: list[tuple[Session, CheckRun]],
        running: str | None,
    ) -> None:
        """Ask for an analysis (or take the one under way) and poll it."""
        link = runs[0][1].link
        deadline = min(self.deadline, time.monotonic() + root_cause.POLL_WINDOW_S)
        try:
            if self._refused is not None:
                return
            analysis_id = running or root_cause.request(
                self.client, key[0], key[1], self.context, deadline
            )
            self.requests += running is None
            result = root_cause.poll(self.client, analysis_id, key[1], link, deadline)
        except root_cause.PlanRefused as exc:
            self._refused = self._refused or clean_line(str(exc), 160)
            return
        except Exception as exc:
            with self._lock:
                self.notes.append(f"could not request a root-cause analysis ({_describe(exc)})")
            return
        for session, run in runs:
            self.found[(session.id, run.result_id)].root_cause = result

    # -- results ----------------------------------------------------------------------------
    def _apply(self, session: Session) -> Session:
        runs = []
        for run in session.runs:
            found = self.found.get((session.id, run.result_id))
            runs.append(run if found is None else _with_evidence(run, found, self.config))
        return session.with_runs(runs)

    def _warnings(self) -> list[str]:
        out = list(dict.fromkeys(self.notes))
        if self._manifest_errors:
            count = len(self._manifest_errors)
            out.append(
                f"could not read the asset list of {count} failing run{'s' if count != 1 else ''}"
                f" ({self._manifest_errors[0]})"
            )
        failed = sum(f.failed_files for f in self.found.values())
        capped = sum(f.capped_files for f in self.found.values())
        if failed:
            out.append(f"{failed} asset download{'s' if failed != 1 else ''} failed")
        if capped:
            mb = self.config.assets_max_bytes / 1_000_000
            out.append(
                f"{capped} asset{'s' if capped != 1 else ''} not saved: past the "
                f"assets-max-mb cap of {mb:g} MB"
            )
        if self._refused is not None:
            out.append(
                "Checkly refused the root-cause analysis request: the account's plan does not "
                f"include it ({self._refused})"
            )
        return out


def _group(session: Session, run: CheckRun) -> tuple[SessionKind, str] | None:
    return (session.kind, run.error_group_ids[0]) if run.error_group_ids else None


def _with_evidence(run: CheckRun, found: _Found, config: EvidenceConfig) -> CheckRun:
    notes = []
    if found.failed_files:
        notes.append(f"{found.failed_files} failed to download")
    if found.capped_files:
        notes.append(f"{found.capped_files} past the {config.assets_max_bytes // 1_000_000} MB cap")
    evidence = Evidence(
        assets=found.assets,
        assets_note=found.assets_note,
        files=tuple(sorted(found.files, key=lambda f: f.path)),
        files_note="; ".join(notes) or None,
        playwright=found.playwright,
        root_cause=found.root_cause,
    )
    return run if evidence.empty else dataclasses.replace(run, evidence=evidence)


def _describe(error: BaseException) -> str:
    text = clean_line(str(error), 120)
    return text or type(error).__name__


__all__ = ["Gatherer", "Recorder", "report_url"]
