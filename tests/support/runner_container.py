"""The image run as the GitHub runner runs a container action, and as the README's `docker run`.

actions/runner (DockerCommandManager.DockerRun, ContainerActionHandler) starts the step as

    docker run --name NAME --label LABEL --workdir /github/workspace --rm
      -e NAME ... (every variable by name, values from the CLI's environment)
      -e GITHUB_ACTIONS=true -e CI=true --network NETWORK
      -v "/var/run/docker.sock":"/var/run/docker.sock"
      -v ".../_temp/_github_home":"/github/home"
      -v ".../_temp/_github_workflow":"/github/workflow"
      -v ".../_temp/_runner_file_commands":"/github/file_commands"
      -v ".../work/repo/repo":"/github/workspace"
      IMAGE

with the four folders owned by the runner's user (uid 1001) and the paths in the variables
translated to the container's. Here the same flags go to podman, except `--network host` (the
simulator and the fake GitHub listen on the host's 127.0.0.1) and no Docker socket (the gate
does not use one). stdout and stderr are read line by line as they come, with their times, as
the runner streams them into the log.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.entrypoint import action_inputs
from tests.support.runner_rules import runner_outputs

RUNNER_UID = RUNNER_GID = 1001  # the runner's user on GitHub's hosted runners


@dataclass
class Line:
    at: float  # time.monotonic() when it was read
    stream: str  # "stdout" | "stderr"
    text: str


@dataclass
class Container:
    """One `podman run`, started; `finish()` waits for it."""

    proc: subprocess.Popen[str]
    name: str
    started: float  # time.monotonic() just before `podman run` was started
    root: Path
    output_file: Path
    summary_file: Path
    lines: list[Line] = field(default_factory=list)
    readers: list[threading.Thread] = field(default_factory=list)
    code: int | None = None

    @property
    def workspace(self) -> Path:
        return self.root / "work/repo/repo"

    def read(self, stream: str) -> None:
        pipe = self.proc.stdout if stream == "stdout" else self.proc.stderr
        assert pipe is not None
        for text in pipe:
            self.lines.append(Line(time.monotonic(), stream, text.rstrip("\n")))

    def finish(self, timeout: float = 60) -> int:
        self.code = self.proc.wait(timeout)
        for reader in self.readers:
            reader.join(5)
        return self.code

    @property
    def stdout(self) -> str:
        return "\n".join(line.text for line in self.lines if line.stream == "stdout")

    @property
    def stderr(self) -> str:
        return "\n".join(line.text for line in self.lines if line.stream == "stderr")

    @property
    def log(self) -> str:
        return self.stdout + "\n" + self.stderr

    @property
    def outputs(self) -> dict[str, str]:
        return runner_outputs(self.output_file.read_text(encoding="utf-8"))

    @property
    def summary(self) -> str:
        return self.summary_file.read_text(encoding="utf-8")

    def launched(self, program: bytes, timeout: float = 10) -> tuple[int, float]:
        """The host PID of the container's PID 1 and when it became `program` (the image's
        entrypoint), on time.monotonic()'s clock: /proc is polled every millisecond, from
        before the container exists, until the runtime's init process has exec'd it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = find_init(self.name, program)
            if pid is not None:
                return pid, time.monotonic()
            time.sleep(0.001)
        raise AssertionError(f"container {self.name} did not start within {timeout} s")


def find_init(name: str, program: bytes) -> int | None:
    """The host PID of container `name`'s PID 1 once it runs `program`: a child of the
    container's conmon (whose command line names the container)."""
    conmons = set()
    children: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if cmdline and cmdline[0].endswith(b"conmon") and name.encode() in cmdline:
            conmons.add(int(entry))
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children[int(entry)] = parent
    for pid, parent in children.items():
        if parent in conmons:
            try:
                if Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0] == program:
                    return pid
            except OSError:
                continue
    return None


def runner_env(inputs: Mapping[str, str], guid: str) -> dict[str, str]:
    """What the runner gives a container action: every input (defaults filled in), its own
    variables with the paths translated to the container's."""
    commands = "/github/file_commands"
    return {
        **action_inputs(),
        **inputs,
        "HOME": "/github/home",
        "GITHUB_WORKSPACE": "/github/workspace",
        "GITHUB_EVENT_PATH": "/github/workflow/event.json",
        "GITHUB_OUTPUT": f"{commands}/set_output_{guid}",
        "GITHUB_STEP_SUMMARY": f"{commands}/step_summary_{guid}",
        "GITHUB_ENV": f"{commands}/set_env_{guid}",
        "GITHUB_PATH": f"{commands}/add_path_{guid}",
        "GITHUB_STATE": f"{commands}/save_state_{guid}",
        "RUNNER_TEMP": "/home/runner/work/_temp",
        "RUNNER_OS": "Linux",
        "GITHUB_ACTION": "__checkly-gate_checkly-gate",
        "GITHUB_REPOSITORY": "octo-org/shop",
        "GITHUB_WORKFLOW": "checks",
        "GITHUB_JOB": "gate",
        "GITHUB_RUN_ID": "7",
        "GITHUB_RUN_NUMBER": "8",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_SHA": "4f1c2d3e" + "0" * 32,
        "GITHUB_REF": "refs/pull/42/merge",
        "GITHUB_EVENT_NAME": "push",
    }


def start_container(
    engine_env: Mapping[str, str],
    image: str,
    tmp_path: Path,
    inputs: Mapping[str, str],
    *,
    event: Path | None = None,
    args: Sequence[str] = (),
) -> Container:
    """The image started with the runner's flags, in a runner's work tree under `tmp_path`."""
    guid = str(uuid.uuid4())
    root = tmp_path / "runner"
    temp = root / "work/_temp"
    home, workflow, commands = (
        temp / "_github_home",
        temp / "_github_workflow",
        temp / "_runner_file_commands",
    )
    workspace = root / "work/repo/repo"
    for folder in (home, workflow, commands, workspace):
        folder.mkdir(parents=True)
    output_file, summary_file = commands / f"set_output_{guid}", commands / f"step_summary_{guid}"
    for name in ("set_output", "step_summary", "set_env", "add_path", "save_state"):
        (commands / f"{name}_{guid}").touch()
    if event is not None:
        shutil.copy(event, workflow / "event.json")
    for path in [root, *root.rglob("*")]:
        os.chown(path, RUNNER_UID, RUNNER_GID)
    env = runner_env(inputs, guid)
    name = f"checkly-gate-test-{guid[:8]}"
    argv = [
        "podman", "run", "--name", name, "--label", "checkly-gate-image-test",
        "--workdir", "/github/workspace", "--rm",
        *[part for key in env for part in ("-e", key)],
        "-e", "GITHUB_ACTIONS=true", "-e", "CI=true", "--network", "host",
        "-v", f"{home}:/github/home",
        "-v", f"{workflow}:/github/workflow",
        "-v", f"{commands}:/github/file_commands",
        "-v", f"{workspace}:/github/workspace",
        image, *args,
    ]  # fmt: skip
    return _start(argv, {**engine_env, **env}, name, root, (output_file, summary_file))


def start_plain(
    engine_env: Mapping[str, str],
    image: str,
    workdir: Path,
    env: Mapping[str, str],
    args: Sequence[str],
    *,
    user: str = f"{RUNNER_UID}:{RUNNER_GID}",
) -> Container:
    """README's form: `docker run --rm -e NAME… --user UID:GID -v "$PWD:/work" -w /work IMAGE
    ARGS` (other CI systems), with host networking for the simulator."""
    name = f"checkly-gate-test-{uuid.uuid4().hex[:8]}"
    argv = [
        "podman", "run", "--rm", "--name", name,
        *[part for key in env for part in ("-e", key)],
        "--user", user, "-v", f"{workdir}:/work", "-w", "/work", "--network", "host",
        image, *args,
    ]  # fmt: skip
    nothing = workdir / ".no-such-file"
    return _start(argv, {**engine_env, **env}, name, workdir, (nothing, nothing))


def _start(
    argv: list[str], env: dict[str, str], name: str, root: Path, files: tuple[Path, Path]
) -> Container:
    started = time.monotonic()
    proc = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    container = Container(proc, name, started, root, *files)
    for stream in ("stdout", "stderr"):
        reader = threading.Thread(target=container.read, args=(stream,), daemon=True)
        reader.start()
        container.readers.append(reader)
    return container


def signal_name(code: int) -> str:
    return signal.Signals(code - 128).name if code > 128 else str(code)


TRACEBACK = re.compile(r"Traceback \(most recent call last\)|KeyboardInterrupt")
