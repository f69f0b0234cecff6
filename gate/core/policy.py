"""Which failing runs the thresholds leave out, and why (SPEC §9, §11): pure rules.

A run left out is still run, shown, triaged and reported as failing; it only does not count
toward `max-failures` and `min-pass-rate`. In order:

1. **non-blocking** (`non-blocking-check-ids`, `non-blocking-tags`): a quarantine, whatever the
   run's label or error group;
2. a run with a **`new error`** (one of its error groups first seen at or after its session's
   start) always counts from here on: a check that was failing before but now fails in a new
   way is this change's failure. So does a `missing` check: not having run is no earlier
   failure;
3. **also failing on the base branch** (SPEC §11), under `preexisting-failures: allow`,
   whatever its history label;
4. **already failing** (SPEC §9), under `preexisting-failures: allow`;
5. **flaky**, under `flaky-failures: allow`. `new` and `no history` always count.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from gate.core.baseline import BaseFailure
from gate.core.outcomes import Outcome
from gate.core.triage import Label, Triage


class Why(StrEnum):
    """Why a failing run is not counted (the JSON report's keys)."""

    NON_BLOCKING = "non-blocking"
    BASE_BRANCH = "also failing on the base branch"
    ALREADY_FAILING = "already failing"
    FLAKY = "flaky"


class RunFacts(Protocol):
    """What the rules read of a check run (`gate.core.model.CheckRun`)."""

    @property
    def outcome(self) -> Outcome: ...
    @property
    def check_id(self) -> str | None: ...
    @property
    def triage(self) -> Triage | None: ...
    @property
    def new_error(self) -> bool: ...
    @property
    def non_blocking(self) -> str | None: ...
    @property
    def base_failure(self) -> BaseFailure | None: ...


class PolicyOptions(Protocol):
    """The options the rules read (`gate.core.verdict.Thresholds`)."""

    @property
    def fail_on(self) -> frozenset[Outcome]: ...
    @property
    def allow_preexisting(self) -> bool: ...
    @property
    def allow_flaky(self) -> bool: ...
    @property
    def non_blocking_check_ids(self) -> frozenset[str]: ...


def why_not_counted(run: RunFacts, policy: PolicyOptions) -> Why | None:
    """Why this run does not count (None: it counts, or it is not failing). See the module."""
    if run.outcome not in policy.fail_on:
        return None
    if run.non_blocking or (
        run.check_id is not None and run.check_id.lower() in policy.non_blocking_check_ids
    ):
        return Why.NON_BLOCKING
    if run.new_error or run.outcome is Outcome.MISSING:  # a missing check is no old failure
        return None
    label = run.triage.label if run.triage is not None else None
    if policy.allow_preexisting and run.base_failure is not None:
        return Why.BASE_BRANCH
    if policy.allow_preexisting and label is Label.ALREADY_FAILING:
        return Why.ALREADY_FAILING
    if policy.allow_flaky and label is Label.FLAKY:
        return Why.FLAKY
    return None


def why_text(why: Why, run: RunFacts | None = None) -> str:
    """The reason in plain words, naming the option that made it."""
    if why is Why.NON_BLOCKING:
        source = run.non_blocking if run is not None and run.non_blocking else None
        return f"non-blocking ({source or 'non-blocking-check-ids'})"
    if why is Why.BASE_BRANCH:
        where = run.base_failure.text if run is not None and run.base_failure else None
        return f"{where or 'also failing on the base branch'} (preexisting-failures: allow)"
    if why is Why.ALREADY_FAILING:
        return "already failing before this session (preexisting-failures: allow)"
    return "flaky before this session (flaky-failures: allow)"


def note(counts: dict[Why, int], examples: dict[Why, str]) -> str | None:
    """`3 failing check runs not counted: 2 non-blocking (…), 1 already failing …`."""
    total = sum(counts.values())
    if not total:
        return None
    runs = f"{total} failing check run{'s' if total != 1 else ''} not counted"
    present = [w for w in Why if counts.get(w)]
    if len(present) == 1:
        return f"{runs}: {examples[present[0]]}"
    return f"{runs}: " + ", ".join(f"{counts[w]} {examples[w]}" for w in present)
