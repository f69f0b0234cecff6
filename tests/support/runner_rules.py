"""The GitHub runner's own rules for reading a step's log (workflow commands: `runner_commands`,
`assert_only_gate_commands`) and `GITHUB_OUTPUT` (`runner_outputs`), written here from
actions/runner rather than borrowed from the gate.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

# The commands the gate issues; anything else acting as a command in the log is an injection.
GATE_COMMANDS = frozenset({"add-mask", "error", "warning", "notice"})
# The runner's registered commands (actions/runner ActionCommandManager and its extensions).
RUNNER_COMMANDS = GATE_COMMANDS | {
    "debug",
    "group",
    "endgroup",
    "echo",
    "stop-commands",
    "set-output",
    "set-env",
    "add-path",
    "save-state",
    "add-matcher",
    "remove-matcher",
    "internal-set-repo-path",
}


# -- the runner's rules -------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Command:
    """A log line the runner would execute: `::name props::data` (v2) or `##[name props]data`."""

    line: str
    name: str
    raw_properties: str
    properties: dict[str, str]
    raw_data: str
    data: str
    legacy: bool = False


def unescape_data(value: str) -> str:
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(value: str) -> str:
    return (
        value.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def log_lines(log: str) -> list[str]:
    """Lines as the runner reads a step's output (.NET ReadLine: `\\r\\n`, `\\n` or `\\r`)."""
    return re.split(r"\r\n|\r|\n", log)


def parse_command(line: str) -> Command | None:
    """What the runner makes of one log line: ActionCommand.TryParseV2, then TryParse."""
    message = line.lstrip()  # .NET TrimStart(): every Unicode white space
    if message.startswith("::"):
        end = message.find("::", 2)
        if end >= 0:
            info = message[2:end]
            name, _, props = info.partition(" ")
            if name in RUNNER_COMMANDS:
                properties = {}
                for item in props.strip().split(","):
                    key, eq, value = item.partition("=")
                    if item and eq and key and value:
                        properties[key] = unescape_property(value)
                raw = message[end + 2 :]
                return Command(line, name, props, properties, raw, unescape_data(raw))
    start = line.find("##[")
    if start >= 0:
        close = line.find("]", start)
        if close >= 0:
            info = line[start + 3 : close]
            name, _, props = info.partition(" ")
            if name in RUNNER_COMMANDS:
                raw = line[close + 1 :]
                return Command(line, name, props, {}, raw, unescape_data(raw), legacy=True)
    return None


def runner_commands(log: str) -> list[Command]:
    """Every line of `log` the runner would act on as a workflow command."""
    return [c for line in log_lines(log) if (c := parse_command(line)) is not None]


def assert_only_gate_commands(log: str, allowed_titles: Iterable[str] = ()) -> list[Command]:
    """Every command in the log is one the gate issued, well escaped; returns them.

    The gate issues only v2 `add-mask`, `error`, `warning` and `notice` commands, with at most
    a `title` property; each message and title must survive the runner's decoding intact (so
    hostile text inside could not end them early). `allowed_titles`, when given, are the only
    titles the decoded commands may carry.
    """
    titles = set(allowed_titles)
    commands = runner_commands(log)
    for command in commands:
        assert not command.legacy, f"legacy command in the log: {command.line!r}"
        assert command.name in GATE_COMMANDS, f"not a command the gate issues: {command.line!r}"
        assert command.line == command.line.lstrip(), command.line
        assert set(command.properties) <= {"title"}, command.line
        raw = command.raw_properties
        assert raw == ("" if not raw else f"title={_escape_property(command.properties['title'])}")
        assert command.raw_data == _escape_data(command.data), command.line
        if titles and "title" in command.properties:
            assert command.properties["title"] in titles, command.properties["title"]
    return commands


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def runner_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT read by actions/runner's rules (FileCommandManager, on Linux).

    Lines end at `\\n` only. `name=value` when `=` comes before any `<<`; else `name<<DELIM`,
    then the value up to a line that is exactly DELIM (the value keeps every other character,
    `\\r` included). Anything else fails the step on GitHub, so raises here.
    """
    outputs: dict[str, str] = {}
    index = 0

    def read_line() -> tuple[str | None, bool]:
        nonlocal index
        if index >= len(text):
            return None, False
        end = text.find("\n", index)
        if end < 0:
            line, index = text[index:], len(text)
            return line, False
        line, index = text[index:end], end + 1
        return line, True

    while (line := read_line()[0]) is not None:
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            name, value = line.split("=", 1)
            if not name:
                raise ValueError(f"invalid format {line!r}: name must not be empty")
            outputs[name] = value
            continue
        if heredoc < 0:
            raise ValueError(f"invalid format {line!r}")
        name, delimiter = line.split("<<", 1)
        if not name or not delimiter:
            raise ValueError(f"invalid format {line!r}: empty name or delimiter")
        start = end = index
        while True:
            current, newline = read_line()
            if current is None:
                raise ValueError(f"matching delimiter not found {delimiter!r}")
            if current == delimiter:
                break
            if not newline:
                raise ValueError("EOF marker missing new line")
            end = index - 1
        outputs[name] = text[start:end] if end > start else ""
    return outputs
