"""Option names the gate does not know: a misspelt flag (`--timout 5m`) or a misspelt
`INPUT_*` variable (`INPUT_TIMOUT`), each one problem with the name it probably meant.

A value after an unknown flag belongs to that flag: it is not a second problem, and it is never
shown (it may be a secret). An `INPUT_*` variable is one the GitHub runner would pass for an
input of that name; an unknown one would be ignored silently, so it is a problem too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

from gate.options.file_patterns import show


def unknown_problems(
    extra: Sequence[str], environ: Mapping[str, str], names: Iterable[str], hide: Sequence[str]
) -> list[str]:
    """One problem per unknown flag or `INPUT_*` name (without an option name prefix)."""
    known = list(names)
    flags = [f"--{n}" for n in known]
    problems: list[str] = []
    seen: set[str] = set()
    loose = 0
    previous_unknown = False
    for arg in extra:
        if arg.startswith("-"):
            flag = arg.split("=", 1)[0]
            previous_unknown = "=" not in arg
            if flag not in seen:
                seen.add(flag)
                shown = f"{show(flag, hide=hide)}{_guess(flag, flags)}"
                problems.append(f"unknown option {shown}; see `checkly-gate --help`")
        elif previous_unknown:
            previous_unknown = False  # the unknown flag's value
        else:
            loose += 1
    if loose:
        problems.append(
            "unexpected argument without an option name (not shown: it may be a secret); "
            'give session IDs as --test-session-ids "<id> <id>"'
        )
    upper = [n.upper() for n in known]
    inputs = {f"INPUT_{n}" for n in upper} | {f"INPUT_{n.replace('-', '_')}" for n in upper}
    for key in sorted(environ):
        if key.startswith("INPUT_") and key not in inputs and environ[key].strip():
            wanted = key[len("INPUT_") :].lower().replace("_", "-")
            guess = _guess(wanted, known)
            problems.append(f"unknown input {show(key, hide=hide)}{guess}: it would be ignored")
    return problems


def _guess(name: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""
