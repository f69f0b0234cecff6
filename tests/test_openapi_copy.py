"""The repository's copy of Checkly's OpenAPI excerpt is the one in shared/ (no drift)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPY = ROOT / "tests" / "data" / "checkly-api" / "checkly-openapi-subset.json"
SHARED = ROOT.parent / "shared" / "checkly-api" / "checkly-openapi-subset.json"


def test_copy_is_a_valid_openapi_document() -> None:
    document = json.loads(COPY.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.")
    assert "/v1/test-sessions/{testSessionId}/completion" in document["paths"]
    assert "/v2/check-sessions/{checkSessionId}/completion" in document["paths"]


@pytest.mark.skipif(not SHARED.is_file(), reason="shared/ is not beside this checkout (GitHub CI)")
def test_copy_matches_shared() -> None:
    assert json.loads(COPY.read_text(encoding="utf-8")) == json.loads(
        SHARED.read_text(encoding="utf-8")
    )
