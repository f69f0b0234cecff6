"""The evidence options (SPEC §10): `assets-dir`, `assets`, `assets-max-mb`, `root-cause`.

`read_evidence` turns the picked values into an `EvidenceConfig`, reporting every problem on
the `ValueReader` so they are listed with the others (exit 2).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from gate.core.evidence import ASSET_TYPES, DEFAULT_ASSET_TYPES
from gate.options.trigger_options import ValueReader

ROOT_CAUSE_CHOICES = ("off", "existing", "request")
DEFAULT_MAX_MB = 200
MAX_MB = 100_000


@dataclasses.dataclass(frozen=True)
class EvidenceConfig:
    """What evidence to gather for failing runs."""

    assets_dir: Path | None = None  # None: nothing downloaded
    asset_types: tuple[str, ...] = DEFAULT_ASSET_TYPES
    assets_max_bytes: int = DEFAULT_MAX_MB * 1_000_000
    root_cause: str = "existing"  # off | existing | request


def read_evidence(r: ValueReader, cwd: Path) -> EvidenceConfig:
    """The evidence options, checked: the folder is not a file, the types are known."""
    folder = r.values.get("assets-dir")
    assets_dir: Path | None = None
    if folder is not None:
        try:
            assets_dir = Path(folder).expanduser()
        except RuntimeError:  # `~name` of a user this machine does not know
            r.bad("assets-dir", folder, "names the home folder of an unknown user; give a path")
        if (
            assets_dir is not None
            and (cwd / assets_dir).exists()
            and not (cwd / assets_dir).is_dir()
        ):
            r.bad("assets-dir", folder, "is a file; give a folder such as checkly-evidence")
            assets_dir = None
    types = DEFAULT_ASSET_TYPES
    value = r.values.get("assets")
    if value is not None:
        names = [n.lower() for n in re.split(r"[,\s]+", value) if n]
        unknown = [n for n in names if n not in ASSET_TYPES and n != "all"]
        if unknown or not names:
            shown = ", ".join(dict.fromkeys(unknown)) or value
            r.bad("assets", shown, f"is not an asset type; use a list of {', '.join(ASSET_TYPES)}")
        elif "all" in names:
            types = ASSET_TYPES
        else:
            types = tuple(t for t in ASSET_TYPES if t in names)
    max_mb = r.whole("assets-max-mb", DEFAULT_MAX_MB, 1, MAX_MB)
    choice = r.values.get("root-cause", "existing").lower()
    if choice not in ROOT_CAUSE_CHOICES:
        r.bad("root-cause", r.values["root-cause"], "is not allowed; use off, existing or request")
        choice = "existing"
    return EvidenceConfig(assets_dir, types, max_mb * 1_000_000, choice)
