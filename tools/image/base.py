"""The stand-in for `python:3.12-slim-bookworm`, built locally where no registry is reachable.

    python tools/image/base.py [--rebuild] [--python PREFIX]

Tagged `localhost/checkly-gate-base:3.12` (BASE_TAG) and reused while that tag exists. Made the
way docker-library/python makes the slim image, from what this machine has:
- a Debian bookworm root filesystem (`mmdebstrap --variant=minbase`, bookworm, -updates and
  -security, man pages, docs and locales left out as in debian:bookworm-slim) with
  ca-certificates, netbase, tzdata and the Debian packages that hold the shared libraries the
  interpreter links (found with ldd and dpkg-query, the official Dockerfile's rule);
- the CPython 3.12 under pyenv (`pyenv prefix 3.12.1`, or --python) copied into /usr/local with
  only pip in site-packages, trimmed as the official image is: no test folders, no *.pyc, no
  libpython*.a; `ldconfig` so /usr/local/lib is found, `python`/`pip` links, LANG=C.UTF-8.

What differs from the real base is the interpreter's build (pyenv's 3.12.1, no PGO/LTO, against
the real image's 3.12.x built by docker-library): docs/development.md says so. The release
workflow builds the real `python:3.12.x-slim-bookworm` base.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.image.engine import EngineUnavailable, podman, podman_env

BASE_TAG = "localhost/checkly-gate-base:3.12"
MIRROR = "http://deb.debian.org/debian"
SOURCES = (
    f"deb {MIRROR} bookworm main",
    f"deb {MIRROR} bookworm-updates main",
    "deb http://deb.debian.org/debian-security bookworm-security main",
)
# debian:bookworm-slim's dpkg excludes (its docs, man pages and locales; copyrights kept).
SLIM_EXCLUDES = (
    "path-exclude=/usr/share/man/*",
    "path-exclude=/usr/share/doc/*",
    "path-include=/usr/share/doc/*/copyright",
    "path-exclude=/usr/share/info/*",
    "path-exclude=/usr/share/locale/*",
    "path-include=/usr/share/locale/locale.alias",
)
# The python image's own runtime packages, besides the libraries.
EXTRA = ("ca-certificates", "netbase", "tzdata")
CUSTOMIZE = Path(__file__).resolve().parent / "customize.sh"  # run on the root filesystem


def find_python(given: str | None) -> Path:
    """The CPython 3.12 prefix: --python, else pyenv's 3.12.1, else any 3.12 pyenv has."""
    if given:
        candidates = [given]
    else:
        candidates = []
        if shutil.which("pyenv"):
            proc = subprocess.run(
                ["pyenv", "prefix", "3.12.1"], capture_output=True, text=True, check=False
            )
            candidates.append(proc.stdout.strip() if proc.returncode == 0 else "")
        root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
        candidates += sorted(glob.glob(str(root / "versions/3.12.*")), reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "bin/python3.12").exists():
            return Path(candidate)
    raise EngineUnavailable(
        "no CPython 3.12 for the stand-in base: pyenv has no 3.12 here (`pyenv install 3.12.1`, "
        "or pass --python PREFIX of a CPython 3.12 built for Debian bookworm)"
    )


def runtime_packages(prefix: Path) -> list[str]:
    """The Debian packages that hold the libraries the interpreter links (not tkinter's)."""
    libraries: set[str] = set()
    for path in prefix.rglob("*"):
        if not path.is_file() or "tkinter" in path.name or path.suffix == ".py":
            continue
        if not (path.name.endswith(".so") or ".so." in path.name or path.stat().st_mode & 0o100):
            continue
        proc = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False)
        for line in proc.stdout.splitlines():
            parts = line.split()
            if "=>" in parts and len(parts) >= 4 and not parts[2].startswith(str(prefix)):
                libraries.add("*" + parts[2].removeprefix("/usr").removeprefix("/"))
    proc = subprocess.run(
        ["dpkg-query", "--search", *sorted(libraries)], capture_output=True, text=True, check=False
    )
    return sorted({line.split(":")[0] for line in proc.stdout.splitlines() if ":" in line})


def build(prefix: Path) -> None:
    packages = [*EXTRA, *runtime_packages(prefix)]
    version = subprocess.run(
        [str(prefix / "bin/python3.12"), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="checkly-gate-base-") as work:
        tarball = Path(work) / "rootfs.tar"
        command = [
            "mmdebstrap",
            "--variant=minbase",
            "--mode=root",
            "--quiet",
            f"--include={','.join(packages)}",
            *(f"--dpkgopt={option}" for option in SLIM_EXCLUDES),
            f'--customize-hook=sh {CUSTOMIZE} "$1" {prefix}',
            '--customize-hook=rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*',
            "bookworm",
            str(tarball),
            *SOURCES,
        ]
        subprocess.run(command, check=True, stdin=subprocess.DEVNULL)
        podman(
            "import",
            "--change", "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
            "--change", "ENV LANG=C.UTF-8",
            "--change", f"ENV PYTHON_VERSION={version}",
            "--change", 'CMD ["python3"]',
            str(tarball),
            BASE_TAG,
        )  # fmt: skip


def image_exists(tag: str) -> bool:
    return (
        subprocess.run(["podman", "image", "exists", tag], env=podman_env(), check=False).returncode
        == 0
    )


def ensure_base(rebuild: bool = False, python: str | None = None) -> str:
    """BASE_TAG, built unless it exists (or on `rebuild`)."""
    if rebuild or not image_exists(BASE_TAG):
        build(find_python(python))
    return BASE_TAG


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="build even if the tag exists")
    parser.add_argument("--python", help="the prefix of a CPython 3.12 (default: pyenv's)")
    args = parser.parse_args()
    try:
        print(ensure_base(args.rebuild, args.python))
    except EngineUnavailable as exc:
        print(f"stand-in base unavailable: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
