"""`make dist`: the sdist and the wheel that release.yml publishes, built here offline.

One `make dist` into a scratch folder (with this interpreter's environment as the Makefile's
venv, so nothing is installed), then:
- the build printed no warning (the deprecated license table, "Package … is absent from
  packages", and the rest of setuptools' warnings were each one of these);
- the wheel holds exactly gate/'s files, package data included, and the metadata PyPI shows:
  License-Expression, License-File, Project-URL, the PyPI description with absolute links;
- the sdist is the whole source tree as git has it, so its test tree is whole (conftest.py,
  tests/support, data, fixtures, every folder's `__init__.py`) and pytest collects the same
  tests in an unpacked sdist as in this checkout;
- the wheel, installed on its own (no source tree beside it), runs `demo` from its own files;
- tools/check_dist.py, which release.yml also runs, fails on a wheel that lacks a template.
"""

from __future__ import annotations

import email.parser
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from importlib import util
from pathlib import Path
from types import ModuleType

import pytest

import gate
from tests.support.paths import ROOT

WHEEL = f"checkly_gate-{gate.__version__}-py3-none-any.whl"
SDIST = f"checkly_gate-{gate.__version__}.tar.gz"
# What the sdist adds to the source tree: setuptools' metadata.
SDIST_EXTRAS = re.compile(r"^(PKG-INFO|setup\.cfg|checkly_gate\.egg-info/.*)$")


def run(*args: str | Path, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
        check=False,
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`make dist` into a scratch folder: (the folder, everything it printed)."""
    folder = tmp_path_factory.mktemp("dist") / "dist"
    venv = Path(sys.prefix)
    # -o: take the venv as installed (this interpreter runs the tests, so it has the dev extras)
    made = run("make", "-o", venv / ".installed-dev", "dist", f"DIST={folder}", f"VENV={venv}")
    output = made.stdout + made.stderr
    assert made.returncode == 0, output
    return folder, output


@pytest.fixture(scope="module")
def unpacked(dist: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sdist")
    with tarfile.open(dist[0] / SDIST) as archive:
        archive.extractall(target, filter="data")
    return target / f"checkly_gate-{gate.__version__}"


def wheel_metadata(folder: Path) -> email.message.Message:
    with zipfile.ZipFile(folder / WHEEL) as archive:
        text = archive.read(f"checkly_gate-{gate.__version__}.dist-info/METADATA").decode()
    return email.parser.Parser().parsestr(text)


def source_files() -> set[str]:
    """The files of this source tree: git's list in a checkout, the files on disk in an sdist."""
    if (ROOT / ".git").exists():
        listed = run("git", "ls-files", "--cached", "--others", "--exclude-standard", "-z")
        assert listed.returncode == 0, listed.stderr
        return {name for name in listed.stdout.split("\0") if name and (ROOT / name).is_file()}
    return {
        p.relative_to(ROOT).as_posix()
        for p in ROOT.rglob("*")
        if p.is_file()
        and not SDIST_EXTRAS.match(p.relative_to(ROOT).as_posix())
        and not {"__pycache__", ".venv", "build", "dist", ".hypothesis"} & set(p.parts)
    }


def test_the_build_prints_no_warning(dist: tuple[Path, str]) -> None:
    warnings = [line for line in dist[1].splitlines() if re.search(r"warn|deprecat", line, re.I)]
    assert not warnings, "\n".join(warnings)
    assert sorted(p.name for p in dist[0].iterdir()) == sorted([WHEEL, SDIST])
    assert "PASSED" in dist[1]  # twine check --strict ran on both
    assert f"ok: {WHEEL} and {SDIST}" in dist[1]  # and tools/check_dist.py


def test_the_wheel_holds_gate_and_its_data(dist: tuple[Path, str]) -> None:
    with zipfile.ZipFile(dist[0] / WHEEL) as archive:
        names = set(archive.namelist())
    package = {n for n in names if not n.startswith("checkly_gate-")}
    expected = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "gate").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert package == expected
    for data in (
        "gate/py.typed",
        "gate/reports/schema/report.schema.json",
        "gate/reports/templates/summary.md.j2",
        "gate/reports/templates/comment.md.j2",
    ):
        assert data in package
    assert f"checkly_gate-{gate.__version__}.dist-info/licenses/LICENSE" in names


def test_the_metadata_pypi_shows(dist: tuple[Path, str]) -> None:
    meta = wheel_metadata(dist[0])
    assert meta["Name"] == "checkly-gate"
    assert meta["Version"] == gate.__version__
    assert meta["License-Expression"] == "MIT"
    assert meta["License"] is None, "the deprecated License field is gone"
    assert meta["License-File"] == "LICENSE"
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    assert all(u.startswith(urls["Source"]) for u in urls.values()), urls
    assert meta["Description-Content-Type"] == "text/markdown"
    description = meta.get_payload()
    assert description == (ROOT / "docs" / "pypi.md").read_text(encoding="utf-8")
    with zipfile.ZipFile(dist[0] / WHEEL) as archive:
        entry_points = archive.read(f"checkly_gate-{gate.__version__}.dist-info/entry_points.txt")
    assert b"checkly-gate = gate.launch:main" in entry_points


def test_the_sdist_is_the_source_tree(dist: tuple[Path, str]) -> None:
    top = f"checkly_gate-{gate.__version__}/"
    with tarfile.open(dist[0] / SDIST) as archive:
        names = {m.name.removeprefix(top) for m in archive.getmembers() if m.isfile()}
    shipped = {n for n in names if not SDIST_EXTRAS.match(n)}
    assert shipped == source_files()
    # what the tests need besides the test files themselves
    for needed in ("tests/conftest.py", "tests/support/paths.py", "LICENSE", "action.yml"):
        assert needed in shipped
    assert any(n.startswith("tests/data/") for n in shipped)
    assert any(n.startswith("tests/fixtures/") for n in shipped)
    test_folders = {
        str(Path(n).parent) for n in shipped if n.startswith("tests/") and n.endswith(".py")
    }
    assert {f for f in test_folders if f"{f}/__init__.py" not in shipped} == set()


def collected(folder: Path) -> list[str]:
    found = run(
        sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", cwd=folder
    )
    assert found.returncode == 0, found.stdout[-3000:] + found.stderr[-3000:]
    return [line for line in found.stdout.splitlines() if "::" in line]


def test_the_sdist_tests_are_collected_as_here(unpacked: Path) -> None:
    here = collected(ROOT)
    assert len(here) > 500
    assert collected(unpacked) == here


def test_the_installed_wheel_runs_the_demo_on_its_own(
    dist: tuple[Path, str], tmp_path: Path
) -> None:
    """pip install --no-deps into a folder; the dependencies come from this environment."""
    site = tmp_path / "site"
    installed = run(
        sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
        "--disable-pip-version-check", "--target", site, dist[0] / WHEEL,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    code = "import sys, gate.cli; sys.argv[0] = 'checkly-gate'; sys.exit(gate.cli.main())"
    env = {"PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}
    where = run(sys.executable, "-c", "import gate; print(gate.__file__)", cwd=tmp_path, **env)
    assert where.stdout.strip() == str(site / "gate" / "__init__.py"), where
    out = tmp_path / "reports"
    demo = run(sys.executable, "-c", code, "demo", "--output-dir", out, cwd=tmp_path, **env)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    for report in ("summary.md", "comment.md", "junit.xml", "report.json"):
        assert (out / report).stat().st_size > 0, report


def check_dist() -> ModuleType:
    spec = util.spec_from_file_location("check_dist", ROOT / "tools" / "check_dist.py")
    assert spec and spec.loader
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_check_dist_fails_on_a_wheel_without_a_template(
    dist: tuple[Path, str], tmp_path: Path
) -> None:
    broken = tmp_path / "dist"
    broken.mkdir()
    (broken / SDIST).write_bytes((dist[0] / SDIST).read_bytes())
    with zipfile.ZipFile(dist[0] / WHEEL) as good, zipfile.ZipFile(broken / WHEEL, "w") as bad:
        for item in good.infolist():
            if not item.filename.endswith("summary.md.j2"):
                bad.writestr(item, good.read(item))
    module = check_dist()
    assert module.main([str(dist[0])]) == 0
    assert module.check_wheel(broken / WHEEL, gate.__version__) == [
        "wheel lacks gate/reports/templates/summary.md.j2"
    ]
    assert module.main([str(broken)]) == 1
