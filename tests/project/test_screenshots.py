"""`make screenshots` (tools/render_screenshots.py): the reports it pictures are a user's.

The pictures themselves need Chromium, so only the demo run behind them is tested here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_screenshots", ROOT / "tools" / "render_screenshots.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pictured_summary_names_a_relative_evidence_folder(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    _tool().run_demo(folder)
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    # The evidence folder as a workflow gives `assets-dir`, not this machine's scratch path.
    assert "saved in `checkly-evidence`." in summary
    assert 'path: "checkly-evidence"' in summary
    assert str(tmp_path) not in summary
    assert "/tmp/" not in summary
    assert (folder / "checkly-evidence").is_dir()
