"""A real container engine for SPEC §12's end-to-end test, and the small agent image it runs.

The engine is Debian's podman 4.3 with `runc` and the `cgroupfs` manager (`crun` refuses this
kernel's mixed cgroup layout), container rlimits at the host's hard limits (`nofile=20000`,
`nproc=32768`: root here lacks CAP_SYS_RESOURCE), and its Docker-compatible API from
`podman system service` on a unix socket: what the gate's `docker` client speaks. The host's
own podman configuration is left alone: every command gets `CONTAINERS_CONF` (written here).
The image test (issue 19) sets the engine up the same way; the two share it once both landed.

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
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.paths import ROOT

AGENT_IMAGE = "localhost/checkly-gate-sim-agent:test"
PYTHON = Path("/usr/bin/python3.11")
STDLIB = Path("/usr/lib/python3.11")
CONF = """\
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
"""
APT = ("apt-get", "-o", "DPkg::Lock::Timeout=600", "-o", "Acquire::Retries=3")
SKIP_STDLIB = {"test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "pydoc_data"}


class EngineUnavailable(Exception):
    """Why no container engine can run here (the test is skipped, or fails in CI, with it)."""


def conf_path() -> Path:
    path = Path(tempfile.gettempdir()) / "checkly-gate-private-engine" / "containers.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != CONF:
        path.write_text(CONF)
    return path


def env() -> dict[str, str]:
    return {**os.environ, "CONTAINERS_CONF": str(conf_path())}


def podman(*args: str, check: bool = True, timeout: float = 600) -> str:
    proc = subprocess.run(
        ["podman", *args], env=env(), stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"podman {' '.join(args)} exited {proc.returncode}: {proc.stderr[-1500:]}"
        )
    return proc.stdout


def ensure() -> None:
    """Install podman, runc and Debian's python3 (the agent image's interpreter) from Debian's
    packages where missing (root), then check that podman works."""
    if os.geteuid() != 0:
        raise EngineUnavailable(
            "it runs containers as root (as the runner's Docker does); not root"
        )
    if shutil.which("podman") is None or shutil.which("runc") is None or not PYTHON.exists():
        if shutil.which("apt-get") is None:
            raise EngineUnavailable(f"podman, runc or {PYTHON} missing, and there is no apt-get")
        base = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (
            [*APT, "update", "-q"],
            [*APT, "install", "-y", "-q", "--no-install-recommends", "podman", "runc", "python3"],
        ):
            done = subprocess.run(command, env=base, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise EngineUnavailable(f"{' '.join(command)}: {done.stderr.strip()[-600:]}")
    try:
        podman("info", "--format", "{{.Host.OCIRuntime.Name}}", timeout=120)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        raise EngineUnavailable(f"podman does not work here: {exc}") from exc


class Service:
    """`podman system service` on a unix socket: the Docker Engine API (`DOCKER_HOST`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def start(self, timeout: float = 30) -> Service:
        self.path.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            ["podman", "system", "service", "--time=0", self.url], env=env(),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if self.process.poll() is not None:
                raise EngineUnavailable(f"podman system service exited {self.process.returncode}")
            try:
                with socket.socket(socket.AF_UNIX) as sock:
                    sock.settimeout(2)
                    sock.connect(str(self.path))
                    sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n")
                    if sock.recv(64).startswith(b"HTTP/1."):
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise EngineUnavailable(f"podman system service did not answer on {self.path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.path.unlink(missing_ok=True)


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
