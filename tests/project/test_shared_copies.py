"""The repository's copies of shared/ documents (the OpenAPI excerpt, SPEC.md) are current.

They live in tests/data so the tests that read them run in any checkout (GitHub's CI has no
shared/ folder); where shared/ is beside the checkout, as in this project's CI, they must match.
"""

from __future__ import annotations

import json

import pytest

from tests.support.paths import ROOT

DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"
BESIDE = pytest.mark.skipif(
    not SHARED.is_dir(), reason="shared/ is not beside this checkout (GitHub CI)"
)


def test_openapi_copy_is_a_valid_openapi_document() -> None:
    document = json.loads((DATA / "checkly-api" / "checkly-openapi-subset.json").read_text())
    assert document["openapi"].startswith("3.")
    assert "/v1/test-sessions/{testSessionId}/completion" in document["paths"]
    assert "/v2/check-sessions/{checkSessionId}/completion" in document["paths"]


def test_spec_copy_is_the_contract() -> None:
    text = (DATA / "SPEC.md").read_text(encoding="utf-8")
    assert text.startswith("# checkly-gate: the product contract")
    assert "## 2. Options" in text and "## 6. Exit codes" in text


@BESIDE
def test_openapi_copy_matches_shared() -> None:
    name = "checkly-api/checkly-openapi-subset.json"
    assert json.loads((DATA / name).read_text()) == json.loads((SHARED / name).read_text())


@BESIDE
def test_spec_copy_matches_shared() -> None:
    assert (DATA / "SPEC.md").read_text(encoding="utf-8") == (SHARED / "SPEC.md").read_text(
        encoding="utf-8"
    )
