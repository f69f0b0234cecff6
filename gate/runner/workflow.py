"""All GitHub runner I/O: workflow commands, escaping, masks, outputs, the step summary.

Untrusted text (check names, messages from Checkly) goes through `neutralize` before it is
printed, so it can never start a workflow command: the runner treats a line whose trimmed text
starts with `::` as a command, and legacy `##[` anywhere in a line.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TextIO

from gate.core.masking import MIN_SECRET_LENGTH, scrub, secret_forms

MAX_ANNOTATIONS = 10  # the runner shows at most 10 errors and 10 warnings per step
ANNOTATION_KINDS = ("error", "warning")
MAX_OUTPUT_BYTES = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_data(value: str) -> str:
    """Escape a workflow-command message (the runner decodes these back)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow-command property value (`title=...`)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def neutralize(text: str) -> str:
    """One safe line of untrusted text for the log: no newlines, no command prefixes."""
    text = _CONTROL.sub(" ", text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    text = text.replace("##[", "##\u200b[")
    return _COLONS.sub(":\u200b", text)  # every `::`, also inside `:::`


_COLONS = re.compile(r":(?=:)")


def is_github(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true"


class Runner:
    """Writes to the log and the runner's files; workflow commands only under GitHub.

    The console is the least important report (SPEC §5): a character its encoding cannot show
    is replaced, and a closed, full or broken stream (`| head -1`, `>&-`, `/dev/full`) is
    silently given up, so it never changes the verdict, the exit code or another report.
    Outside GitHub, errors and warnings also go to `err` (stderr), unless it is the same file.
    """

    def __init__(
        self, environ: Mapping[str, str], out: TextIO | None, err: TextIO | None = None
    ) -> None:
        self.environ = environ
        self.out = out
        self.err = None if err is None or _same_file(out, err) else err
        self.github = is_github(environ)
        self._secrets: list[str] = []
        self._forms: list[str] = []
        self._gone: list[TextIO] = []  # streams given up
        self.result: str | None = None  # the last `result` output written
        self.summary_written = False  # whether this run appended to the step summary
        self.annotations: Counter[str] = Counter()  # `::error` / `::warning` lines written

    def scrub(self, text: str) -> str:
        """Replace every known secret (and its encoded forms) by `***` in a log line or message:
        a second line of defence after masking (a short one only as a word of its own)."""
        return scrub(text, self._forms)

    def scrub_everywhere(self, text: str) -> str:
        """The same for report data (names and messages from Checkly): every secret wherever
        it appears, short ones inside longer words too. A garbled word is better than a leak."""
        return scrub(text, self._forms, everywhere=True)

    def say(self, line: str) -> None:
        """A plain log line; callers pass untrusted parts through `neutralize`."""
        self._write(self.out, self.scrub(line) + "\n")

    def _write(self, stream: TextIO | None, text: str) -> None:
        if stream is None or any(stream is gone for gone in self._gone):
            return
        try:
            try:
                stream.write(text)
            except UnicodeEncodeError:  # cp1252, ascii: replaced, `::` stays defused (`:?:`)
                encoding = getattr(stream, "encoding", None) or "ascii"
                stream.write(text.encode(encoding, "replace").decode(encoding))
            stream.flush()
        except (OSError, ValueError):  # broken pipe, full disk, closed file: give it up
            self._gone.append(stream)
            _discard(stream)

    def command(self, name: str, message: str, **properties: str) -> None:
        """A workflow command. An 11th `::error` (or `::warning`) of the step is a plain line:
        the runner shows 10 of each kind (SPEC §5), and the gate says which ten."""
        if not self.github:
            return
        if name in ANNOTATION_KINDS:
            if self.annotations[name] >= MAX_ANNOTATIONS:
                lines = message.splitlines() or [""]
                for line in (f"{name}: {lines[0]}", *(f"  {x}" for x in lines[1:])):
                    self.say(neutralize(line))
                return
            self.annotations[name] += 1
        props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items() if v)
        self.say(f"::{name}{' ' + props if props else ''}::{escape_data(message)}")

    def mask(self, secrets: Iterable[str]) -> None:
        """`::add-mask::` every secret (each line of a multi-line one) first thing."""
        for secret in secrets:
            for line in secret.splitlines():
                if len(line.strip()) >= MIN_SECRET_LENGTH and line not in self._secrets:
                    self.command("add-mask", line)
                    self._secrets.append(line)
                    forms = {*self._forms, *secret_forms(line)}
                    self._forms = sorted(forms, key=len, reverse=True)

    def error(self, message: str, title: str = "") -> None:
        """An `::error::` under GitHub; otherwise a plain line."""
        if self.github:
            self.command("error", message, title=title)
        else:
            self._plain("error", message)

    def error_on_stderr(self, message: str) -> None:
        """Outside GitHub: `error: …` on stderr only (stdout already said it)."""
        if not self.github:
            self._write(self.err, self.scrub(f"error: {neutralize(message)}") + "\n")

    def notice(self, message: str, level: str = "notice") -> None:
        if self.github:
            self.command(level, message)
        else:
            self._plain(level, message)

    def _plain(self, level: str, message: str) -> None:
        """Outside GitHub: `level: first line`, further lines indented (unless they already
        are: a list of problems keeps its `  - `), each neutralized;
        errors and warnings on stderr too (`checkly-gate … > log` must not hide them)."""
        lines = message.splitlines() or [""]
        rest = [neutralize(x) if x.startswith(" ") else f"  {neutralize(x)}" for x in lines[1:]]
        text = [f"{level}: {neutralize(lines[0])}", *rest]  # an indented line keeps its own
        for line in text:
            self.say(line)
        if level in ("error", "warning"):
            self._write(self.err, "".join(self.scrub(line) + "\n" for line in text))

    def write_summary_to(self, markdown: str) -> Callable[[Path], None]:
        """A writer appending `markdown` to the step summary file (the runner may share it)."""

        def write(path: Path) -> None:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(markdown if markdown.endswith("\n") else markdown + "\n")
            self.summary_written = True

        return write

    def set_outputs(self, outputs: Mapping[str, str]) -> None:
        path = self.environ.get("GITHUB_OUTPUT")
        if not path:
            return
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(format_outputs(outputs))
        self.result = outputs.get("result", self.result)


def _same_file(one: TextIO | None, other: TextIO) -> bool:
    """Whether two streams end in the same file (a terminal, `2>&1`): then write once."""
    if one is None:
        return False
    if one is other:
        return True
    try:
        return os.path.sameopenfile(one.fileno(), other.fileno())
    except (OSError, ValueError, AttributeError):  # io.StringIO and the like: no file
        return False


def _discard(stream: TextIO) -> None:
    """Point a broken stream's file at /dev/null, so that Python's flush at exit cannot
    fail with the same error (and turn exit 0 into 120)."""
    try:
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):
        return
    try:
        os.dup2(null, fd)
    except OSError:
        pass
    finally:
        os.close(null)


def format_outputs(outputs: Mapping[str, str]) -> str:
    """The GITHUB_OUTPUT file text: `name=value`, or a heredoc with a random delimiter."""
    chunks = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            chunks.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            chunks.append(f"{name}={value}\n")
    return "".join(chunks)


def parse_outputs(text: str) -> dict[str, str]:
    """Read a GITHUB_OUTPUT file by the runner's rules (used by tests and the self-test)."""
    result: dict[str, str] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        heredoc = line.find("<<")
        equals = line.find("=")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            result[line[:equals]] = line[equals + 1 :]
            continue
        if heredoc < 0:
            raise ValueError(f"invalid output line: {line!r}")
        name, delimiter = line[:heredoc], line[heredoc + 2 :]
        if not name or not delimiter:
            raise ValueError(f"invalid heredoc line: {line!r}")
        body: list[str] = []
        while True:
            if index >= len(lines):
                raise ValueError(f"heredoc for {name!r} has no end delimiter")
            current = lines[index]
            index += 1
            if current == delimiter:
                break
            body.append(current)
        result[name] = "\n".join(body)
    return result
