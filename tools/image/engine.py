"""The container engine the image test uses, set up as on this machine's kind: Debian's podman
4.3 with `runc` and the `cgroupfs` manager, and a Docker-compatible API on a unix socket.

    python tools/image/engine.py install   # apt-get install podman runc mmdebstrap (as root)
    python tools/image/engine.py check     # prints why the engine cannot run here, or "ok"
    python tools/image/engine.py service SOCKET   # `podman system service` on unix://SOCKET

Why these settings (docs/development.md, "The image test"): `crun`, Debian's default runtime,
refuses this kernel's mixed cgroup v1/v2 layout, where `runc` with `cgroupfs` works; root here
lacks CAP_SYS_RESOURCE, so a container cannot be given the default rlimits (nofile 1048576),
only ones at or below the host's hard limits (nofile 20000, nproc 32768). Nothing of the host's
own configuration is changed: every podman command gets `CONTAINERS_CONF` pointing at
`containers.conf` beside this file (`podman_env()`), and so does the API service.

Used by tests/image/ (its `engine` fixture) and by any test that needs an engine; importable as
`tools.image.engine` from the repository's root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTAINERS_CONF = HERE / "containers.conf"
PACKAGES = ("podman", "runc", "mmdebstrap")
APT = ("apt-get", "-o", "DPkg::Lock::Timeout=600", "-o", "Acquire::Retries=3")


class EngineUnavailable(Exception):
    """Why no container engine can run here (the image test is skipped with this message)."""


def podman_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every podman command runs with: this directory's containers.conf."""
    env = dict(os.environ if base is None else base)
    env["CONTAINERS_CONF"] = str(CONTAINERS_CONF)
    return env


def podman(*args: str, check: bool = True, capture: bool = True, timeout: float = 1800) -> str:
    """`podman ARGS` with this directory's configuration; its stdout."""
    proc = subprocess.run(
        ["podman", *args],
        env=podman_env(),
        stdin=subprocess.DEVNULL,
        capture_output=capture,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and proc.returncode != 0:
        detail = (proc.stderr or "").strip()[-2000:] if capture else ""
        raise RuntimeError(f"podman {' '.join(args)} exited {proc.returncode}: {detail}")
    return proc.stdout or ""


def missing() -> list[str]:
    return [name for name in ("podman", "runc", "mmdebstrap") if shutil.which(name) is None]


def install() -> None:
    """Debian's podman, runc and mmdebstrap, when any is missing (root only)."""
    if not missing():
        return
    if os.geteuid() != 0:
        raise EngineUnavailable(
            f"{', '.join(missing())} not installed, and installing them needs root"
        )
    if shutil.which("apt-get") is None:
        raise EngineUnavailable(f"{', '.join(missing())} not installed and no apt-get here")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        [*APT, "update", "-q"],
        [*APT, "install", "-y", "-q", "--no-install-recommends", *PACKAGES],
    ):
        proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise EngineUnavailable(
                f"`{' '.join(command)}` failed ({proc.returncode}): {proc.stderr.strip()[-800:]}"
            )


def check() -> None:
    """Raises EngineUnavailable unless a container can run here (root, podman, runc)."""
    if os.geteuid() != 0:
        raise EngineUnavailable(
            "the image test runs containers as root (as the GitHub runner's Docker does); "
            "this is not root"
        )
    if missing():
        raise EngineUnavailable(f"not installed: {', '.join(missing())} (engine.py install)")
    try:
        podman("info", "--format", "{{.Host.OCIRuntime.Name}}", timeout=120)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        raise EngineUnavailable(f"podman does not work here: {exc}") from exc


def ensure() -> None:
    """Installs the engine where it is missing (as root), then checks that it works."""
    install()
    check()


class Service:
    """`podman system service` on a unix socket: the Docker Engine API (`DOCKER_HOST`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def start(self, timeout: float = 30) -> Service:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            ["podman", "system", "service", "--time=0", self.url],
            env=podman_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EngineUnavailable(f"podman system service exited {self.process.returncode}")
            if self._answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise EngineUnavailable(f"podman system service did not answer on {self.path}")

    def _answers(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(2)
                sock.connect(str(self.path))
                sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n")
                return sock.recv(64).startswith(b"HTTP/1.")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.path.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "check"
    try:
        if what == "install":
            ensure()
        elif what == "check":
            check()
        elif what == "service" and len(argv) == 2:
            service = Service(Path(argv[1])).start()
            print(f"DOCKER_HOST={service.url}", flush=True)
            assert service.process is not None
            return service.process.wait()
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except EngineUnavailable as exc:
        print(f"container engine unavailable: {exc}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
