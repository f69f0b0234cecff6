"""`make dist` and release.yml: check the sdist and the wheel before anyone installs them.

    python tools/check_dist.py dist/                  # the files, offline
    python tools/check_dist.py dist/ --smoke          # also: a clean venv, pip install, demo

Offline, it checks that `dist/` holds exactly one sdist and one wheel of the version in
gate/__init__.py, and
- the wheel: every file of gate/ (the modules, the templates under gate/reports/templates, the
  JSON schema, py.typed) and nothing else, the `checkly-gate` entry point, and the metadata PyPI
  shows: License-Expression MIT with the LICENSE file, the project URLs, the PyPI description;
- the sdist: the same version in PKG-INFO, the LICENSE, and the whole test tree: conftest.py,
  tests/support, tests/data, tests/fixtures and the `__init__.py` of every test folder.

`--smoke` (release.yml; needs PyPI for the dependencies) installs the wheel into a new virtual
environment outside the checkout and runs `checkly-gate --version` and `checkly-gate demo` from
it. Standard library only, so it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import email.parser
import re
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "checkly_gate"
# Files the gate reads at run time from its own package: a wheel without them installs and then
# fails on the first report.
PACKAGE_DATA = (
    "gate/py.typed",
    "gate/reports/schema/report.schema.json",
    "gate/reports/templates/summary.md.j2",
    "gate/reports/templates/comment.md.j2",
)
PROJECT_URLS = ("Homepage", "Documentation", "Source", "Issues", "Changelog")
SDIST_TESTS = ("tests/conftest.py", "tests/__init__.py", "tests/support/__init__.py")


def source_version() -> str:
    text = (ROOT / "gate" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if match is None:
        raise SystemExit("gate/__init__.py has no __version__ line")
    return match.group(1)


def source_package_files() -> set[str]:
    """gate/'s files as the wheel must hold them (no caches)."""
    return {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "gate").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".pyo"}
    }


def metadata(text: str) -> email.message.Message:
    return email.parser.Parser().parsestr(text)


def check_wheel(wheel: Path, version: str) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"{NAME}-{version}.dist-info"
        meta = metadata(archive.read(f"{info}/METADATA").decode("utf-8"))
        entry_points = archive.read(f"{info}/entry_points.txt").decode("utf-8")
    package = {n for n in names if not n.startswith(f"{info}/")}
    problems += [f"wheel lacks {n}" for n in PACKAGE_DATA if n not in package]
    expected = source_package_files()
    problems += [f"wheel lacks {n}" for n in sorted(expected - package) if n not in PACKAGE_DATA]
    problems += [f"wheel has {n}, which is not in gate/" for n in sorted(package - expected)]
    if f"{info}/licenses/LICENSE" not in names:
        problems.append("wheel lacks the LICENSE file (dist-info/licenses/LICENSE)")
    if "checkly-gate = gate.launch:main" not in entry_points:
        problems.append("wheel has no `checkly-gate = gate.launch:main` console script")
    problems += check_metadata(meta, version, "wheel")
    return problems


def check_metadata(meta: email.message.Message, version: str, where: str) -> list[str]:
    problems = []
    expected = {
        "Name": "checkly-gate",
        "Version": version,
        "License-Expression": "MIT",
        "License-File": "LICENSE",
        "Requires-Python": ">=3.11",
        "Description-Content-Type": "text/markdown",
    }
    for field, value in expected.items():
        if meta.get(field) != value:
            problems.append(f"{where} metadata: {field} is {meta.get(field)!r}, not {value!r}")
    if meta.get("License") is not None:
        problems.append(f"{where} metadata: a License field beside License-Expression")
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    for label in PROJECT_URLS:
        if not urls.get(label, "").startswith("https://"):
            problems.append(f"{where} metadata: no Project-URL {label!r}")
    description = meta.get_payload()
    if not isinstance(description, str) or "pip install checkly-gate==" not in description:
        problems.append(f"{where} metadata: the description is not docs/pypi.md")
    return problems


def check_sdist(sdist: Path, version: str) -> list[str]:
    problems: list[str] = []
    top = f"{NAME}-{version}"
    with tarfile.open(sdist) as archive:
        names = {m.name.removeprefix(f"{top}/") for m in archive.getmembers() if m.isfile()}
        pkg_info = archive.extractfile(f"{top}/PKG-INFO")
        assert pkg_info is not None
        meta = metadata(pkg_info.read().decode("utf-8"))
    problems += check_metadata(meta, version, "sdist")
    for required in (*PACKAGE_DATA, "LICENSE", "pyproject.toml", *SDIST_TESTS):
        if required not in names:
            problems.append(f"sdist lacks {required}")
    # Every folder of the test tree that holds Python files is a package with its __init__.py.
    folders = {str(Path(n).parent.as_posix()) for n in names if n.startswith("tests/")}
    for folder in sorted(
        f
        for f in folders
        if any(Path(n).parent.as_posix() == f and n.endswith(".py") for n in names)
    ):
        if f"{folder}/__init__.py" not in names:
            problems.append(f"sdist lacks {folder}/__init__.py")
    for data in ("tests/data/", "tests/fixtures/"):
        if not any(n.startswith(data) for n in names):
            problems.append(f"sdist has nothing under {data}")
    return problems


def find_dists(folder: Path, version: str) -> tuple[Path, Path, list[str]]:
    wheels = sorted(folder.glob("*.whl"))
    sdists = sorted(folder.glob("*.tar.gz"))
    problems = []
    if [w.name for w in wheels] != [f"{NAME}-{version}-py3-none-any.whl"]:
        problems.append(f"expected one wheel {NAME}-{version}-py3-none-any.whl, got {wheels}")
    if [s.name for s in sdists] != [f"{NAME}-{version}.tar.gz"]:
        problems.append(f"expected one sdist {NAME}-{version}.tar.gz, got {sdists}")
    others = sorted(set(folder.iterdir()) - set(wheels) - set(sdists))
    if others:
        problems.append(f"unexpected files in {folder}: {others}")
    return wheels[0] if wheels else folder, sdists[0] if sdists else folder, problems


def smoke(wheel: Path, version: str) -> None:
    """Install the wheel in a new venv, away from the checkout, and run the demo from it."""
    with tempfile.TemporaryDirectory() as scratch:
        env_dir = Path(scratch) / "venv"
        venv.create(env_dir, with_pip=True)
        bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
        pip = [str(bin_dir / "python"), "-m", "pip", "--disable-pip-version-check"]
        # Our own wheel and the venv's own programs: no untrusted input in these commands.
        subprocess.run([*pip, "install", "--quiet", str(wheel.resolve())], check=True)  # noqa: S603
        gate = str(bin_dir / "checkly-gate")
        shown = subprocess.run([gate, "--version"], check=True, capture_output=True, text=True)  # noqa: S603
        if shown.stdout.strip() != f"checkly-gate {version}":
            raise SystemExit(f"installed --version says {shown.stdout.strip()!r}")
        out = Path(scratch) / "demo-output"
        subprocess.run([gate, "demo", "--output-dir", str(out)], check=True, cwd=scratch)  # noqa: S603
        for report in ("summary.md", "comment.md", "junit.xml", "report.json"):
            if not (out / report).is_file():
                raise SystemExit(f"the installed demo wrote no {report}")
        print(f"ok: the wheel installs in a clean venv and `checkly-gate demo` runs ({version})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dist", type=Path, help="the folder `python -m build` wrote")
    parser.add_argument("--smoke", action="store_true", help="also install and run the wheel")
    args = parser.parse_args(argv)
    version = source_version()
    wheel, sdist, problems = find_dists(args.dist, version)
    if not problems:
        problems = check_wheel(wheel, version) + check_sdist(sdist, version)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"ok: {wheel.name} and {sdist.name}: contents and metadata")
    if args.smoke:
        smoke(wheel, version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
