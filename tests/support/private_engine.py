"""A real container engine for SPEC §12's end-to-end test, and the small agent image it runs.

The engine is the image test's (tools/image/engine.py): Debian's podman 4.3 with `runc` and
`cgroupfs`, rlimits at the host's hard limits, its own containers.conf (the host's
configuration is left alone), and the Docker-compatible API of `podman system service` on a
unix socket: what the gate's `docker` client speaks.

The agent image has no base image (none can be pulled here): the host's Python 3.11 interpreter,
its standard library and the shared libraries they link, plus this repository's `gate`
package; it runs `python -m gate.simulator agent`. Tens of MB, built in seconds, rebuilt only
when `gate/` changes (a label carries the hash of its sources).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.support.paths import ROOT

AGENT_IMAGE = "localhost/checkly-gate-sim-agent:test"
PYTHON = Path("/usr/bin/python3.11")
STDLIB = Path("/usr/lib/python3.11")
APT = ("apt-get", "-o", "DPkg::Lock::Timeout=600", "-o", "Acquire::Retries=3")
SKIP_STDLIB = {"test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "pydoc_data"}


class EngineUnavailable(Exception):
    """Why no container engine can run here (the test is skipped, or fails in CI, with it)."""


def podman(*args: str, timeout: float = 600) -> str:
    """`podman ARGS` with the image test's settings (tools/image/containers.conf)."""
    return str(_engine().podman(*args, timeout=timeout))


def ensure() -> None:
    """The image test's engine (tools/image/engine.py: podman, runc, installed from Debian's
    packages where missing, as root), and Debian's python3, the agent image's interpreter."""
    engine = _engine()
    if not PYTHON.exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        base = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        command = [*APT, "install", "-y", "-q", "--no-install-recommends", "python3"]
        subprocess.run(command, env=base, capture_output=True, text=True, check=False)
    if not PYTHON.exists():
        raise EngineUnavailable(f"the agent image is made of {PYTHON}, which is not here")
    try:
        engine.ensure()
    except engine.EngineUnavailable as exc:
        raise EngineUnavailable(str(exc)) from exc


def service(path: Path) -> Any:
    """`podman system service` on `path` (tools/image/engine.py's `Service`), started."""
    engine = _engine()
    try:
        return engine.Service(path).start()
    except engine.EngineUnavailable as exc:
        raise EngineUnavailable(str(exc)) from exc


def _engine() -> Any:
    from tools.image import engine

    return engine


def _sources_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "gate").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _libraries(paths: list[Path]) -> set[Path]:
    """The shared libraries `paths` link (ldd), the dynamic loader included."""
    found: set[Path] = set()
    for path in paths:
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False).stdout
        for match in re.finditer(r"(/\S+) \(0x", out):
            found.add(Path(match.group(1)))
    return found


def build_agent_image() -> str:
    """The agent image (see the module docstring); reused while `gate/` is unchanged."""
    wanted = _sources_hash()
    have = podman("images", "--format", "{{.Labels}}", "--filter", f"reference={AGENT_IMAGE}")
    if f"checkly-gate.sources:{wanted}" in have:
        return AGENT_IMAGE
    with tempfile.TemporaryDirectory(prefix="agent-image-") as tmp:
        root = Path(tmp) / "rootfs"
        dynload = sorted((STDLIB / "lib-dynload").glob("*.so"))
        for source in [PYTHON, *_libraries([PYTHON, *dynload])]:
            target = root / source.relative_to("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source.resolve(), target)
        ignore = shutil.ignore_patterns("__pycache__", *SKIP_STDLIB)
        shutil.copytree(STDLIB, root / STDLIB.relative_to("/"), ignore=ignore, symlinks=True)
        shutil.copytree(
            ROOT / "gate", root / "app" / "gate", ignore=shutil.ignore_patterns("__pycache__")
        )
        (root / "tmp").mkdir()
        (root / "usr" / "bin" / "python3").symlink_to("python3.11")
        (Path(tmp) / "Containerfile").write_text(
            "FROM scratch\nCOPY rootfs/ /\n"
            "ENV PYTHONPATH=/app PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1\n"
            f"LABEL checkly-gate.sources={wanted}\n"
            'ENTRYPOINT ["/usr/bin/python3", "-m", "gate.simulator", "agent"]\n'
        )
        podman("build", "--quiet", "--tag", AGENT_IMAGE, tmp, timeout=600)
    return AGENT_IMAGE


if __name__ == "__main__":  # python -m tests.support.private_engine: set up and build, by hand
    ensure()
    print(build_agent_image(), file=sys.stdout)
