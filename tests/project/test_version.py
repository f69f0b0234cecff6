"""One version source: `gate.__version__`.

pyproject.toml reads it (setuptools dynamic version, so the wheel on PyPI carries it:
tests/project/test_dist.py), the User-Agent and `--version` are built from it, the latest
release in CHANGELOG.md names it, release.yml refuses a tag that differs from it (the image
tags come from that tag), and the image's version label is it (the Dockerfile refuses another).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from ruamel.yaml import YAML

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


def test_version_flag_names_the_version() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "gate", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=60,
    )
    assert (shown.returncode, shown.stdout.strip()) == (0, f"checkly-gate {gate.__version__}")


def dockerfile_run(fragment: str) -> str:
    """The Dockerfile's RUN instruction that contains `fragment`, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    runs = [line[4:] for line in text.splitlines() if line.startswith("RUN ") and fragment in line]
    assert len(runs) == 1, runs
    return runs[0]


def test_image_label_is_the_checked_version() -> None:
    """The label is the build argument VERSION, which the build refuses unless it is the
    installed package's `gate.__version__`; release.yml passes the version its dist job read
    from gate/__init__.py (the wheel's version) and makes metadata-action label the same."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^ARG VERSION=dev$", text, re.MULTILINE)
    assert 'org.opencontainers.image.version="${VERSION}"' in text
    assert text.index("ARG VERSION") > text.index("--no-deps --no-index /tmp/dist/*.whl")
    jobs = YAML(typ="safe").load((ROOT / ".github" / "workflows" / "release.yml").read_text())[
        "jobs"
    ]
    image_steps = {s.get("id"): s for s in jobs["image"]["steps"]}
    assert image_steps["build"]["with"]["build-args"].strip() == (
        "VERSION=${{ needs.dist.outputs.version }}"
    )
    assert image_steps["meta"]["with"]["labels"].strip() == (
        "org.opencontainers.image.version=${{ needs.dist.outputs.version }}"
    )
    assert jobs["dist"]["outputs"]["version"] == "${{ steps.version.outputs.version }}"


@pytest.mark.parametrize(
    ("version", "accepted"), [(gate.__version__, True), ("dev", True), ("9.9.9", False)]
)
def test_the_image_build_refuses_another_version(
    version: str, accepted: bool, tmp_path: Path
) -> None:
    """The Dockerfile's check, run as the build runs it (`python` is this interpreter)."""
    (tmp_path / "python").symlink_to(sys.executable)
    done = subprocess.run(
        ["/bin/sh", "-c", dockerfile_run("gate.__version__")],
        env={"VERSION": version, "PATH": f"{tmp_path}:/usr/bin:/bin"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (done.returncode == 0) is accepted, done.stderr
