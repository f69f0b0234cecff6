"""Triage (SPEC §9): is a failure new, flaky, already failing, or without history?

Pure functions of what Checkly keeps: a check's earlier FINAL results (newest first) and an
error group's first and last sighting, against the start of the session that ran the check.
`gate.checkly.history` fetches the results; the reports show what these functions decide.

Location does not matter: SPEC §9 labels a run by "the check's latest earlier run", wherever
it ran. A check is one check in every location (Checkly schedules it round-robin or in parallel),
one history request per check keeps the 60-per-60 s route within bounds, and that route cannot
filter by private location anyway.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from gate.core.outcomes import as_bool, as_str, parse_time

HISTORY_LIMIT = 10  # earlier runs asked for per check (SPEC §9)
MAX_CHECKS = 10  # distinct checks whose history one gate run fetches (SPEC §9)


class Label(StrEnum):
    """Where a failing (or degraded) run stands (SPEC §9)."""

    NEW = "new"
    FLAKY = "flaky"
    ALREADY_FAILING = "already failing"
    NO_HISTORY = "no history"


# The order the reports show them in: new failures first.
LABEL_ORDER: tuple[Label, ...] = (Label.NEW, Label.FLAKY, Label.ALREADY_FAILING, Label.NO_HISTORY)
LABEL_TITLES: Mapping[Label, str] = {
    Label.NEW: "New in this run",
    Label.FLAKY: "Flaky",
    Label.ALREADY_FAILING: "Already failing before this run",
    Label.NO_HISTORY: "No history",
}

# Why a run has no history (Triage.why).
NO_CHECK_ID = "no checkId"
NO_EARLIER_RUNS = "no earlier runs"
NOT_FETCHED = "no history fetched"
FETCH_FAILED = "history request failed"


@dataclasses.dataclass(frozen=True)
class Triage:
    """A run's label and the counts behind it."""

    label: Label
    earlier_runs: int = 0  # earlier FINAL runs seen (at most HISTORY_LIMIT)
    earlier_failures: int = 0
    why: str | None = None  # for `no history`: which of the reasons above

    @property
    def evidence(self) -> str:
        """The label's evidence in a few words ("failed 2 of its last 10 runs")."""
        if self.label is Label.NO_HISTORY:
            return self.why or NOT_FETCHED
        last = f"its last {self.earlier_runs} run{'s' if self.earlier_runs != 1 else ''}"
        if self.earlier_runs == 1:
            last = "its last run"
        if not self.earlier_failures:
            return f"passed {last}"
        if self.earlier_runs == 1:
            return f"failed {last}"
        return f"failed {self.earlier_failures} of {last}"

    @property
    def text(self) -> str:
        """`already failing: failed 10 of its last 10 runs`."""
        return f"{self.label.value}: {self.evidence}"


def no_history(why: str) -> Triage:
    return Triage(Label.NO_HISTORY, why=why)


def label_from_failures(earlier: Sequence[bool]) -> Triage:
    """The label of a run whose check's earlier runs failed (True) or not, newest first.

    Only the first HISTORY_LIMIT count: `already failing` when the latest failed, `flaky` when
    it passed but one of the others failed, `new` when none failed, `no history` when none.
    """
    window = list(earlier[:HISTORY_LIMIT])
    if not window:
        return no_history(NO_EARLIER_RUNS)
    failures = sum(window)
    if window[0]:
        label = Label.ALREADY_FAILING
    elif failures:
        label = Label.FLAKY
    else:
        label = Label.NEW
    return Triage(label, earlier_runs=len(window), earlier_failures=failures)


def earlier_failures(
    entries: Iterable[Any], before: datetime | None, check_id: str | None
) -> list[bool]:
    """Failed-or-not of the FINAL entries of a `GET /v2/check-results/{checkId}` body, newest
    first. Entries are checked before they are believed (SPEC §9): one of another check (or
    naming none), one without a date, and one dated at or after `before` (the API's `to` is
    exclusive, this is a second guard) are ignored, so a hostile or buggy answer cannot make a
    new failure "already failing". Cancelled runs say nothing and are left out; so are ATTEMPTs
    (retries are never judged)."""
    found: list[tuple[datetime, bool]] = []
    before = _aware(before)
    own = check_id.lower() if check_id else None
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        if entry.get("resultType", "FINAL") != "FINAL" or as_bool(entry.get("isCancelled")):
            continue
        of = as_str(entry.get("checkId"))
        if own is None or of is None or of.lower() != own:
            continue
        started = _aware(parse_time(entry.get("startedAt")) or parse_time(entry.get("created_at")))
        if started is None or (before is not None and started >= before):
            continue
        failed = as_bool(entry.get("hasFailures")) or as_bool(entry.get("hasErrors"))
        found.append((started, failed))
    # The API's order is not documented: newest first by start.
    found.sort(key=lambda item: item[0].timestamp(), reverse=True)
    return [failed for _, failed in found]


@dataclasses.dataclass(frozen=True)
class GroupAge:
    """An error group's first and last sighting (either may be unknown)."""

    first_seen: datetime | date | None
    last_seen: datetime | date | None

    @classmethod
    def from_api(cls, body: Mapping[str, Any]) -> GroupAge:
        return cls(_when(body.get("firstSeen")), _when(body.get("lastSeen")))

    def is_new(self, session_start: datetime | None) -> bool | None:
        """First seen at or after the session's start (None: cannot tell). A date without a
        time (check error groups are typed `format: date`) is compared by day, so a group
        first seen on the session's day counts as new."""
        if self.first_seen is None or session_start is None:
            return None
        if isinstance(self.first_seen, datetime):
            return self.first_seen >= (_aware(session_start) or session_start)
        return self.first_seen >= session_start.date()

    def text(self, session_start: datetime | None) -> str | None:
        """`new error` or `known since 2026-11-28 (last seen 2026-12-01)`; None: unknown."""
        new = self.is_new(session_start)
        if new is None:
            return None
        if new:
            return "new error"
        last = f" (last seen {_day(self.last_seen)})" if self.last_seen else ""
        return f"known since {_day(self.first_seen)}{last}"


def _when(value: Any) -> datetime | date | None:
    text = as_str(value)
    if text is None:
        return None
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    return _aware(parse_time(text))


def _aware(value: datetime | None) -> datetime | None:
    """Checkly writes UTC; a timestamp without a zone is read as UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _day(value: datetime | date | None) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat() if value else "?"
