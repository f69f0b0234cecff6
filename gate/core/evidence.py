"""Evidence of a failing run (SPEC §10): its assets, the files saved, its Playwright tests and
the root-cause analysis of its error group. Pure data; `gate.checkly.evidence_fetch` gathers it.

No URL of an asset and no signed URL is ever kept here: only counts, names, local paths and
cleaned text, so no report can show one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

ASSET_TYPES: tuple[str, ...] = ("trace", "video", "screenshot", "report", "log", "pcap", "file")
DEFAULT_ASSET_TYPES: tuple[str, ...] = ("trace", "screenshot", "video", "report")
SEPARATOR = "\u203a"  # as Playwright writes `file <U+203A> title`
MAX_ROOT_CAUSE = 300  # characters of the root cause shown on the reason line (SPEC §10)

# Root-cause states
RCA_DONE = "done"
RCA_PENDING = "pending"


@dataclasses.dataclass(frozen=True)
class AssetCounts:
    """What the run's asset manifest lists, by type (in ASSET_TYPES order)."""

    counts: tuple[tuple[str, int], ...] = ()
    truncated: bool = False  # the manifest omitted entries (`truncated: true`)
    entries_total: int | None = None  # when truncated: how many there are in all

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    @property
    def text(self) -> str:
        """`trace · video · 2 screenshots` (`· and more` when the manifest was cut)."""
        parts = [_plural(kind, n) for kind, n in self.counts]
        if self.truncated:
            parts.append("and more" if parts else "assets (list cut)")
        return " · ".join(parts)


def _plural(kind: str, count: int) -> str:
    if count == 1:
        return kind
    return f"{count} {kind}{'es' if kind.endswith('ch') else 's'}"


@dataclasses.dataclass(frozen=True)
class SavedFile:
    """One asset written under `assets-dir`: its path as the user gave the folder."""

    path: str
    type: str
    bytes: int


@dataclasses.dataclass(frozen=True)
class PlaywrightTest:
    """One test of a run's Playwright JSON report."""

    file: str
    title: str
    outcome: str  # "failed" | "flaky" | "passed" | "skipped"
    error: str | None = None  # the first line of its first error
    retries: int = 0
    duration_s: float | None = None

    @property
    def name(self) -> str:
        """`tests/login.spec.ts › signs in`."""  # noqa: RUF002 - Playwright's own separator
        return f"{self.file} {SEPARATOR} {self.title}" if self.file else self.title


@dataclasses.dataclass(frozen=True)
class PlaywrightTests:
    """The run's tests as its Playwright JSON report lists them."""

    tests: tuple[PlaywrightTest, ...] = ()
    note: str | None = None  # the report could not be read whole (too big, cut)

    def count(self, outcome: str) -> int:
        return sum(1 for t in self.tests if t.outcome == outcome)

    @property
    def failed(self) -> tuple[PlaywrightTest, ...]:
        return tuple(t for t in self.tests if t.outcome == "failed")

    @property
    def flaky(self) -> tuple[PlaywrightTest, ...]:
        return tuple(t for t in self.tests if t.outcome == "flaky")


@dataclasses.dataclass(frozen=True)
class RootCause:
    """Checkly's root-cause analysis of the run's error group (SPEC §10)."""

    state: str  # RCA_DONE | RCA_PENDING
    group_id: str
    id: str | None = None
    classification: str | None = None
    root_cause: str | None = None  # whole; reports cut it to MAX_ROOT_CAUSE
    user_impact: str | None = None
    code_fix: str | None = None
    created_at: str | None = None
    requested: bool = False  # asked for by this gate run (`root-cause: request`)
    link: str | None = None  # where the group is seen (the run's result page)
    analysis: Mapping[str, Any] | None = None  # the whole analysis, its text cleaned


@dataclasses.dataclass(frozen=True)
class Evidence:
    """Everything known about one failing run beyond its reason."""

    assets: AssetCounts | None = None
    assets_note: str | None = None  # why there is no manifest (not fetched, failed)
    files: tuple[SavedFile, ...] = ()
    files_note: str | None = None  # downloads that failed or passed the cap
    playwright: PlaywrightTests | None = None
    root_cause: RootCause | None = None

    @property
    def empty(self) -> bool:
        return self == Evidence()


def replace_text(evidence: Evidence, fix: Any) -> Evidence:
    """`evidence` with `fix(text)` applied to every string it holds (secret scrubbing)."""
    return _walk(evidence, fix)  # type: ignore[no-any-return]


def _walk(value: Any, fix: Any) -> Any:
    if isinstance(value, str):
        return fix(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _walk(getattr(value, f.name), fix) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_walk(v, fix) for v in value)
    if isinstance(value, list):
        return [_walk(v, fix) for v in value]
    if isinstance(value, Mapping):
        return {_walk(k, fix): _walk(v, fix) for k, v in value.items()}
    return value
