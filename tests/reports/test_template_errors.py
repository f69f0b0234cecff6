"""Issue 12, item 11: template mistakes name the template, the line and what is allowed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gate.core.errors import TemplateProblem
from gate.reports.templating import load_templates, make_environment


def problem(tmp_path: Path, text: str, kind: str = "summary") -> str:
    path = tmp_path / "t.j2"
    path.write_text(text, "utf-8")
    with pytest.raises(TemplateProblem) as caught:
        if kind == "summary":
            load_templates(path, None)
        else:
            load_templates(None, path)
    return str(caught.value)


def base_blocks(kind: str) -> list[str]:
    return list(make_environment(kind).get_template("base").blocks)


@pytest.mark.parametrize("name", ["/etc/passwd", "../secrets.j2", "other"])
def test_an_include_of_another_file_says_what_may_be_included(tmp_path: Path, name: str) -> None:
    message = problem(tmp_path, f'ok\n{{% include "{name}" %}}\n')
    assert message.startswith(f"summary-template {tmp_path / 't.j2'}, line 2: ")
    assert f'"{name}"' in message
    assert 'only "base"' in message


@pytest.mark.parametrize("kind", ["summary", "comment"])
def test_a_misspelt_block_is_an_error_listing_the_blocks(tmp_path: Path, kind: str) -> None:
    text = '{% extends "base" %}\n\n{% block nosuch %}x{% endblock %}\n'
    message = problem(tmp_path, text, kind)
    assert message.startswith(f"{kind}-template {tmp_path / 't.j2'}, line 3: ")
    assert 'block "nosuch"' in message
    blocks = base_blocks(kind)
    assert blocks
    listed = re.search(r"blocks: (.*)$", message)
    assert listed and listed.group(1).split(", ") == blocks


def test_a_known_block_is_fine(tmp_path: Path) -> None:
    block = base_blocks("summary")[0]
    path = tmp_path / "t.j2"
    path.write_text(f'{{% extends "base" %}}{{% block {block} %}}mine{{% endblock %}}', "utf-8")
    load_templates(path, None)
