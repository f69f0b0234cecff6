"""The gate's messages in command-line words, for runs outside GitHub.

Messages are written in the action's words (`trigger: test-session`, "the api-key input",
"pass it to the action"); on a terminal, GitLab or Jenkins the same advice reads
`--trigger test-session`, `--api-key`, "pass it as CHECKLY_API_KEY". Only an option name
followed by a bare value inside a sentence is rewritten: the `name:` that starts a problem
("retries: "11" is not allowed") stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PHRASES = (
    (
        ", store it as a repository secret and pass it to the action",
        " and pass it as CHECKLY_API_KEY",
    ),
    ("pass it to the action", "pass it to checkly-gate"),
)


def in_cli_words(text: str, names: Iterable[str]) -> str:
    """`text` with the action's option syntax as flags (`names`: the option names)."""
    for action, cli in _PHRASES:
        text = text.replace(action, cli)
    alternatives = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    text = re.sub(rf"\bthe ({alternatives}) input\b", r"--\1", text)
    setting = re.compile(rf"(?<=[\s(`])({alternatives}): ([a-z0-9][a-z0-9,.-]*[a-z0-9]|[a-z0-9])\b")
    return "\n".join(_rewrite(line, setting) for line in text.split("\n"))


def _rewrite(line: str, setting: re.Pattern[str]) -> str:
    head = re.match(r"\s*(?:- )?[a-z-]+: ", line)  # a problem's own option name stays
    start = head.end() if head else 0
    return line[:start] + setting.sub(r"--\1 \2", line[start:])
