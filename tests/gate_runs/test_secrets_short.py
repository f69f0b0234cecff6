"""A short secret (under 16 characters) inside a longer word of Checkly's data never reaches a
report: report data is scrubbed everywhere; only the gate's own messages keep words whole (so
a key `pr-c` cannot garble `pr-comment:`, tests/options/test_hostile_options.py)."""

from __future__ import annotations

from pathlib import Path

from gate.simulator import ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.support.gate_run import run_gate

SHORT_KEY = "k3y9x"  # 5 characters: a secret, but short enough to sit inside a word


def test_a_short_secret_inside_a_word_is_scrubbed_from_every_report(
    simulator: SimulatorFactory, tmp_path: Path
) -> None:
    leaky = ScriptedSession(
        "test",
        "FAILED",
        f"Checkout{SHORT_KEY}flow",
        results=[ScriptedResult(f"Login{SHORT_KEY}page", "failed", error_group=f"id{SHORT_KEY}x")],
    )
    sim = simulator([leaky], api_key=SHORT_KEY)
    run = run_gate(
        tmp_path,
        api_url=sim.url,
        api_key=SHORT_KEY,
        account_id=sim.account_id,
        test_ids=[leaky.id],
        args=["--timeout", "10s"],
    )
    assert run.code == 1
    files = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file()}
    assert files, "no report was written"
    for name, text in files.items():
        assert SHORT_KEY not in text, f"{name} carries the short secret"
    assert "Checkout***flow" in run.report["sessions"][0]["name"]
    leaks = [line for line in run.stdout.splitlines() if SHORT_KEY in line]
    assert leaks == [f"::add-mask::{SHORT_KEY}"]  # only where the runner learns to mask it
