"""Static checks of a user template, for the mistakes jinja2 lets pass silently (SPEC §5,
custom templates): a file other than "base" named, a block the built-in template lacks."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import nodes

from gate.core.errors import TemplateProblem

ONLY_BASE = 'a template can extend, include or import only "base" (the built-in template)'


def check_names(tree: nodes.Template, blocks: Sequence[str], where: str) -> None:
    """What jinja2 lets pass silently: a file other than "base" named (found only at run
    time), and a block that base does not define (never shown) in a template that extends it."""
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        name = getattr(node, "template", None)  # every one of these four has it
        if isinstance(name, nodes.Const) and name.value != "base":
            raise TemplateProblem(f'{where}, line {node.lineno}: "{name.value}": {ONLY_BASE}')
    if not any(True for _ in tree.find_all(nodes.Extends)):
        return
    nested = {
        inner.name for outer in tree.find_all(nodes.Block) for inner in outer.find_all(nodes.Block)
    }
    for block in tree.find_all(nodes.Block):
        if block.name not in blocks and block.name not in nested:
            raise TemplateProblem(
                f'{where}, line {block.lineno}: block "{block.name}" is not a block of the '
                f"built-in template, so it would never show; blocks: {', '.join(blocks)}"
            )
