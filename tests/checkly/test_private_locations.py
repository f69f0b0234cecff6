"""gate/checkly/private_locations.py's pure parts: which listed locations are the gate's own,
and how old a location is when the API gives its creation as a bare date."""

from __future__ import annotations

from datetime import UTC, datetime

from gate.checkly.private_locations import _created_by, is_own

OWN = {"id": "x", "slugName": "checkly-gate-0a1b2c3d", "name": "checkly-gate o/r #1.1 · 0a1b2c3d"}


def test_only_the_gates_own_locations() -> None:
    assert is_own(OWN)
    assert not is_own(OWN | {"name": "Office · 0a1b2c3d"})  # someone else's name
    assert not is_own(OWN | {"slugName": "checkly-gate-0A1B2C3D"})  # not the gate's token
    assert not is_own(OWN | {"slugName": "checkly-gate-0a1b2c3d-eu"})
    assert not is_own(OWN | {"name": "checkly-gate o/r #1.1 · ffffffff"})  # another run's token
    assert not is_own({k: v for k, v in OWN.items() if k != "id"})


def test_a_bare_date_counts_from_the_end_of_that_day() -> None:
    end_of_day = datetime(2026, 12, 8, tzinfo=UTC).timestamp()
    assert _created_by("2026-12-07") == end_of_day  # never older than it can be
    assert (
        _created_by("2026-12-07T10:30:00Z") == datetime(2026, 12, 7, 10, 30, tzinfo=UTC).timestamp()
    )
    assert (
        _created_by("2026-12-07T10:30:00") == datetime(2026, 12, 7, 10, 30, tzinfo=UTC).timestamp()
    )
    assert _created_by("soon") is None and _created_by(None) is None and _created_by("") is None
