"""The verdict's cases in one table (SPEC §4, §9, §11): the red-session rule, the thresholds
and every allowance that leaves failing runs out (`preexisting-failures`, `flaky-failures`,
`non-blocking-*`, the base branch, the `new error` rule, the `missing` outcome), combined.

Each row: a session's own outcome and its runs (outcome, label, marks), the options, and what
the verdict must say: passed, failing, not counted (by why), and the pass rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from gate.core.baseline import BaseFailure
from gate.core.model import CheckRun, Outcome, Session, SessionKind
from gate.core.triage import Triage, label_from_failures, no_history
from gate.core.verdict import DEFAULT_FAIL_ON, Thresholds, decide

LABELS: dict[str, Triage] = {
    "already": label_from_failures([True] * 10),
    "flaky": label_from_failures([False, True, False]),
    "new": label_from_failures([False] * 10),
    "none": no_history("no earlier runs"),
}
MAIN = BaseFailure("main", "7d4c1a9e-0000-4000-8000-000000000001", "https://app/ts/1")
QUARANTINED = "0b9c6f1e-6c1d-4d8e-9f3a-2a1b3c4d5e6f"
F, P, M, D = Outcome.FAILED, Outcome.PASSED, Outcome.MISSING, Outcome.DEGRADED


@dataclass
class Case:
    name: str
    runs: list[tuple[Outcome, str | None, str]]  # outcome, label, marks: n(ew error) b(ase) q t
    expect: tuple[bool, int, dict[str, int]]  # passed, failing, not counted by why
    own: Outcome = Outcome.FAILED
    options: dict[str, Any] = field(default_factory=dict)
    pass_rate: float | None = None


ALLOW = {"allow_preexisting": True}
FLAKY_OK = {"allow_flaky": True}
QUARANTINE = {"non_blocking_check_ids": frozenset({QUARANTINED})}

CASES = [
    # -- the thresholds and the red-session rule ----------------------------------------------
    Case("a failure fails", [(F, "new", ""), (P, None, "")], (False, 1, {}), pass_rate=50.0),
    Case("max-failures tolerates", [(F, "new", "")], (True, 1, {}), options={"max_failures": 1}),
    Case("a red session without a failing run", [(P, None, "")], (False, 1, {})),
    Case("red session, allow: still counted", [(P, None, "")], (False, 1, {}), options=ALLOW),
    Case(
        "red session whose failures were all left out is not counted again",
        [(F, "already", ""), (P, None, "")],
        (True, 0, {"already failing": 1}),
        options=ALLOW,
        pass_rate=100.0,
    ),
    # -- preexisting-failures: allow, and its new-error rule (SPEC §9) ------------------------
    Case("already failing counts by default", [(F, "already", "")], (False, 1, {})),
    Case(
        "allow leaves already failing out",
        [(F, "already", ""), (P, None, "")],
        (True, 0, {"already failing": 1}),
        options=ALLOW,
    ),
    Case(
        "allow: an already-failing check with a new error counts",
        [(F, "already", "n")],
        (False, 1, {}),
        options=ALLOW,
    ),
    Case(
        "allow: flaky, new and no history always count",
        [(F, "flaky", ""), (F, "new", ""), (F, "none", ""), (F, None, "")],
        (False, 4, {}),
        options=ALLOW,
    ),
    # -- the base branch (SPEC §11) ------------------------------------------------------------
    Case("also failing on main counts by default", [(F, "new", "b")], (False, 1, {})),
    Case(
        "allow: also failing on main is left out whatever its label",
        [(F, "new", "b"), (F, "flaky", "b"), (F, "none", "b"), (F, "already", "b")],
        (True, 0, {"also failing on the base branch": 4}),
        options=ALLOW,
    ),
    Case(
        "allow: also failing on main with a new error counts",
        [(F, "already", "bn")],
        (False, 1, {}),
        options=ALLOW,
    ),
    # -- flaky-failures: allow ------------------------------------------------------------------
    Case(
        "flaky-failures allow leaves flaky runs out",
        [(F, "flaky", ""), (P, None, "")],
        (True, 0, {"flaky": 1}),
        options=FLAKY_OK,
    ),
    Case(
        "flaky-failures allow: new, already failing and a flaky new error count",
        [(F, "new", ""), (F, "already", ""), (F, "flaky", "n"), (F, "none", "")],
        (False, 4, {}),
        options=FLAKY_OK,
    ),
    Case(
        "both allowances together",
        [(F, "flaky", ""), (F, "already", ""), (F, "new", "b"), (F, "new", "")],
        (False, 1, {"flaky": 1, "already failing": 1, "also failing on the base branch": 1}),
        options=ALLOW | FLAKY_OK,
        pass_rate=0.0,
    ),
    # -- non-blocking checks (a quarantine) -----------------------------------------------------
    Case(
        "a quarantined check by ID never counts, even new with a new error",
        [(F, "new", "qn"), (P, None, "")],
        (True, 0, {"non-blocking": 1}),
        options=QUARANTINE,
        pass_rate=100.0,
    ),
    Case(
        "a quarantined check by tag never counts",
        [(F, "already", "t"), (F, "new", "")],
        (False, 1, {"non-blocking": 1}),
    ),
    Case(
        "a quarantined run is out of the pass rate too",
        [(F, "new", "q"), (F, "new", ""), (P, None, ""), (P, None, "")],
        (True, 1, {"non-blocking": 1}),
        options=QUARANTINE | {"max_failures": 1, "min_pass_rate": 60},
        pass_rate=200 / 3,
    ),
    Case("a passing quarantined check is just passed", [(P, None, "q")], (True, 0, {}), P),
    # -- missing checks (SPEC §11) -----------------------------------------------------------
    Case("a missing check fails by default", [(M, None, ""), (P, None, "")], (False, 1, {}), P),
    Case(
        "missing not in fail-on is tolerated",
        [(M, None, ""), (P, None, "")],
        (True, 0, {}),
        P,
        options={"fail_on": DEFAULT_FAIL_ON - {M}},
    ),
    Case("allow does not forgive a missing check", [(M, "none", "")], (False, 1, {}), P, ALLOW),
    Case(
        "nor does any allowance, whatever its history",
        [(M, "already", "b"), (M, "flaky", "")],
        (False, 2, {}),
        P,
        ALLOW | FLAKY_OK,
    ),
    Case(
        "a missing quarantined check is not counted",
        [(M, None, "q"), (P, None, "")],
        (True, 0, {"non-blocking": 1}),
        P,
        QUARANTINE,
    ),
    # -- degraded -----------------------------------------------------------------------------
    Case("degraded is tolerated by default", [(D, "already", "")], (True, 0, {}), D, ALLOW),
    Case(
        "degraded in fail-on and already failing: left out under allow",
        [(D, "already", "")],
        (True, 0, {"already failing": 1}),
        D,
        ALLOW | {"fail_on": DEFAULT_FAIL_ON | {D}},
    ),
]


def make_run(i: int, outcome: Outcome, label: str | None, marks: str) -> CheckRun:
    return CheckRun(
        result_id=f"r{i}",
        name=f"check {i}",
        outcome=outcome,
        check_id=QUARANTINED if "q" in marks else f"c0ffee00-0000-4000-8000-00000000000{i}",
        triage=LABELS[label] if label else None,
        new_error="n" in marks,
        base_failure=MAIN if "b" in marks else None,
        non_blocking="non-blocking-tags: quarantine" if "t" in marks else None,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_verdict_case(case: Case) -> None:
    runs = tuple(make_run(i, *spec) for i, spec in enumerate(case.runs))
    session = Session(kind=SessionKind.TEST, id="s1", outcome=case.own, runs=runs)
    verdict = decide([session], Thresholds(**case.options))
    passed, failing, by = case.expect
    assert (verdict.passed, verdict.failing, verdict.not_counted_by) == (passed, failing, by)
    assert verdict.not_counted == sum(by.values())
    assert verdict.total == len(runs)
    if case.pass_rate is not None:
        assert verdict.pass_rate == pytest.approx(case.pass_rate)
    if by:
        assert verdict.not_counted_note is not None
        assert verdict.not_counted_note in verdict.summary
    else:
        assert verdict.not_counted_note is None and "not counted:" not in verdict.summary


def test_the_note_names_each_reason_and_its_option() -> None:
    runs = [
        make_run(0, F, "flaky", ""),
        make_run(1, F, "already", ""),
        make_run(2, F, "new", "b"),
        make_run(3, F, "new", "q"),
        make_run(4, F, "new", "t"),
    ]
    session = Session(kind=SessionKind.TEST, id="s1", outcome=F, runs=tuple(runs))
    verdict = decide([session], Thresholds(**ALLOW, **FLAKY_OK, **QUARANTINE))
    assert verdict.not_counted_note == (
        "5 failing check runs not counted: "
        "2 non-blocking (non-blocking-check-ids, non-blocking-tags), "
        "1 also failing on main (preexisting-failures: allow), "
        "1 already failing before this session (preexisting-failures: allow), "
        "1 flaky before this session (flaky-failures: allow)"
    )
