"""One version source: `gate.__version__`.

pyproject.toml reads it (setuptools dynamic version), the User-Agent is built from it, the
latest release in CHANGELOG.md names it, and release.yml refuses a tag that differs from it
(the image tags come from that tag).
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import gate
from gate.checkly.client import ChecklyClient
from tests.support.paths import ROOT


def test_version_is_a_release_version() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", gate.__version__)


def test_pyproject_reads_the_version_from_the_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"], "the version is written in gate/__init__.py"
    assert "version" in pyproject["project"]["dynamic"]
    dynamic = pyproject["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "gate.__version__"}


def test_installed_metadata_agrees() -> None:
    # `make` installs the package (editable) before the tests run
    assert metadata.version("checkly-gate") == gate.__version__


def test_user_agent_names_the_version() -> None:
    expected = f"checkly-gate/{gate.__version__}"
    assert expected == gate.USER_AGENT
    client = ChecklyClient("http://127.0.0.1:9", "key", None)
    assert client._session().headers["User-Agent"] == expected


def test_changelog_latest_release_is_the_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", changelog, re.MULTILINE)
    assert headings[0] == "Unreleased", "Keep a Changelog: `## [Unreleased]` comes first"
    releases = [h for h in headings if h != "Unreleased"]
    assert releases and releases[0] == gate.__version__
    assert re.search(
        rf"^## \[{re.escape(gate.__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M
    ), "the release heading carries its date: `## [X.Y.Z] - YYYY-MM-DD`"


def test_release_workflow_checks_the_tag_against_the_version() -> None:
    release = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert "gate/__init__.py" in release and "__version__" in release
    assert '"v${version}" != "${GITHUB_REF_NAME}"' in release
