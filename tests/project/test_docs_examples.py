"""Example output in the docs is the gate's real output, indentation and all (issue 12)."""

from __future__ import annotations

import io
import re
import shlex

from gate.cli import main
from tests.support.paths import ROOT


def console_examples() -> list[list[str]]:
    text = (ROOT / "docs" / "options.md").read_text("utf-8")
    return [block.splitlines() for block in re.findall(r"```console\n(.*?)```", text, re.DOTALL)]


def test_the_invalid_options_example_is_what_the_gate_prints() -> None:
    (block,) = console_examples()
    command = next(line for line in block if line.startswith("$ checkly-gate "))
    start = block.index(command) + 1
    end = block.index("$ echo $?")
    out, err = io.StringIO(), io.StringIO()
    environ = {"CHECKLY_API_KEY": "cu_0123456789abcdef0123"}
    code = main(shlex.split(command)[2:], environ, out=out, err=err)
    assert out.getvalue().splitlines() == block[start:end]
    assert err.getvalue() == out.getvalue()  # the errors on stderr too, the same text
    assert str(code) == block[end + 1]
