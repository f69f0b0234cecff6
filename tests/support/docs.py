"""Reading the project's files for the project checks: YAML (action.yml, the workflows) and the
section of a Markdown file under a heading.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML  # comes with check-jsonschema; listed in the dev extras


def load_yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def section(markdown: str, heading: str) -> str:
    """The text under `# <heading>` or `## <heading>` up to the next `#` or `##` heading."""
    match = re.search(rf"^#{{1,2}}\s+{re.escape(heading)}\s*$", markdown, re.MULTILINE)
    if match is None:
        return ""
    rest = markdown[match.end() :]
    end = re.search(r"^#{1,2}\s", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest
