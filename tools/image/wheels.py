"""The lock's wheels, served to an image build from a package index on 127.0.0.1.

No registry but PyPI is reachable from these machines, and the build's containers reach PyPI
only through the host: the wheels are downloaded here once (`pip download --require-hashes
--only-binary=:all:` for CPython 3.12 on Linux, the image's interpreter), kept in a cache
folder, and served as a PEP 503 simple index. The build gets `pip.conf` naming that index
bind-mounted at /etc/pip.conf (`podman build --volume`, present in RUN steps only, never in
the image), so the Dockerfile's own hash-checked `pip install` runs exactly as written.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import platform
import re
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

MACHINE = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}
GLIBC = range(17, 37)  # Debian bookworm has glibc 2.36


def download(locks: Iterable[Path], cache: Path) -> Path:
    """Every wheel the locks pin, in `cache/<digest of the locks>/files`; reused when there."""
    locks = list(locks)
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in locks)).hexdigest()[:16]
    folder = cache / digest
    files = folder / "files"
    if (folder / "complete").exists():
        return folder
    files.mkdir(parents=True, exist_ok=True)
    arch = MACHINE[platform.machine().lower()]
    platforms = [f"manylinux_2_{minor}_{arch}" for minor in GLIBC]
    platforms += [f"manylinux2014_{arch}", f"linux_{arch}"]
    for lock in locks:
        subprocess.run(
            [
                sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                "--require-hashes", "--only-binary=:all:", "--no-deps",
                "--python-version", "3.12", "--implementation", "cp",
                "--abi", "cp312", "--abi", "abi3", "--abi", "none",
                *(f"--platform={p}" for p in platforms),
                "--dest", str(files), "-r", str(lock),
            ],
            check=True,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    _write_index(folder)
    (folder / "complete").touch()
    return folder


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _write_index(folder: Path) -> None:
    projects: dict[str, list[Path]] = {}
    for wheel in sorted((folder / "files").glob("*.whl")):
        projects.setdefault(_normal(wheel.name.split("-")[0]), []).append(wheel)
    simple = folder / "simple"
    for name, wheels in projects.items():
        page = simple / name
        page.mkdir(parents=True, exist_ok=True)
        links = "\n".join(
            f'<a href="../../files/{w.name}#sha256={hashlib.sha256(w.read_bytes()).hexdigest()}">'
            f"{w.name}</a><br>"
            for w in wheels
        )
        (page / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}\n</body></html>\n")
    index = "\n".join(f'<a href="{n}/">{n}</a><br>' for n in sorted(projects))
    (simple / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{index}\n</body></html>\n")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class Index:
    """The folder `download` made, served on 127.0.0.1 (a thread of this process)."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_Quiet, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/simple/"

    def start(self) -> Index:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def pip_conf(self, path: Path) -> Path:
        """A pip.conf that makes pip use this index and nothing else."""
        path.write_text(f"[global]\nindex-url = {self.url}\n", encoding="utf-8")
        return path
