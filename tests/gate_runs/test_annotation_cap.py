"""At most 10 `::error` annotations in all (SPEC §5): the failing runs', the "N more" one and
the verdict's own together; and at most 10 `::warning`. The whole gate under GitHub."""

from __future__ import annotations

from pathlib import Path

from gate.simulator import ScriptedResult, ScriptedSession
from tests.conftest import SimulatorFactory
from tests.support.gate_run import run_gate


def test_the_verdicts_error_is_one_of_the_ten(simulator: SimulatorFactory, tmp_path: Path) -> None:
    results = [ScriptedResult(f"Broken {n}", "failed") for n in range(12)]
    results += [ScriptedResult(f"Slow {n}", "degraded") for n in range(12)]
    session = ScriptedSession("test", "FAILED", "Many", results=results)
    sim = simulator([session])
    run = run_gate(
        tmp_path / "out",
        api_url=sim.url,
        api_key=sim.api_key,
        account_id=sim.account_id,
        test_ids=[session.id],
    )
    assert run.code == 1, run.stdout
    errors = [c for c in run.commands if c.name == "error"]
    warnings = [c for c in run.commands if c.name == "warning"]
    assert len(errors) == 10, [e.properties for e in errors]
    assert errors[-1].properties["title"] == "checkly-gate"  # the verdict, last and shown
    assert errors[-1].data.startswith("Gate failed: 12 failing check runs")
    assert errors[-2].properties["title"] == "4 more failing check runs"  # 8 runs + 4 = 12
    assert len(warnings) == 10
    assert warnings[-1].properties["title"] == "3 more degraded check runs"  # 9 + 3 = 12
