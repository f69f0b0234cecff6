"""The options that leave failing runs out of the thresholds (SPEC §9, §11):
`preexisting-failures` (read by `gate.options.values`), `flaky-failures`, `non-blocking-tags`
and `non-blocking-check-ids`."""

from __future__ import annotations

from gate.core.verdict import Thresholds
from gate.options.trigger_options import ValueReader as Reader
from gate.options.trigger_options import _check_ids
from gate.options.values import ValueReader

MAX_NON_BLOCKING_TAGS = 5  # one look-up of up to 2 pages each (gate.checkly.non_blocking)


def thresholds(r: ValueReader) -> Thresholds:
    """What makes the gate fail (SPEC §4) and which failing runs it leaves out (§9, §11)."""
    return Thresholds(
        r.fail_on(),
        r.whole("max-failures", 0, 0),
        r.min_pass_rate(),
        allow_preexisting=r.preexisting_failures(),
        allow_flaky=flaky_failures(r),
        non_blocking_check_ids=non_blocking_check_ids(r),
        non_blocking_tags=non_blocking_tags(r),
    )


def flaky_failures(r: Reader) -> bool:
    """`flaky-failures`: True for `allow`, False for `fail` (the default)."""
    value = r.values.get("flaky-failures", "fail")
    if value.lower() not in ("fail", "allow"):
        r.bad("flaky-failures", value, "is not allowed; use fail or allow")
        return False
    return value.lower() == "allow"


def non_blocking_check_ids(r: Reader) -> frozenset[str]:
    """`non-blocking-check-ids`: check IDs or check links (lower-case IDs)."""
    return frozenset(_check_ids(r, "non-blocking-check-ids"))


def non_blocking_tags(r: Reader) -> tuple[str, ...]:
    """`non-blocking-tags`: tags separated by commas or newlines; a check with any of them is
    non-blocking."""
    value = r.values.get("non-blocking-tags")
    if value is None:
        return ()
    tags = [t.strip() for line in value.splitlines() for t in line.split(",")]
    kept = tuple(dict.fromkeys(t for t in tags if t))
    for tag in kept:
        if not tag.isprintable() or tag.startswith("!"):
            r.bad("non-blocking-tags", tag, "is not a tag; use tag names separated by commas")
    if not kept:
        r.bad("non-blocking-tags", value, "holds no tag; give tags separated by commas")
    if len(kept) > MAX_NON_BLOCKING_TAGS:
        r.bad(
            "non-blocking-tags",
            value,
            f"names {len(kept)} tags; at most {MAX_NON_BLOCKING_TAGS} (tag the checks to "
            "quarantine with one shared tag)",
        )
    return kept
