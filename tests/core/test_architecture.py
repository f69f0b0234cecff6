"""The stage layout holds (CONTRIBUTING.md, "Stages"): imports run one way, no cycles, small
modules with names a reader cannot confuse. Read from the source with `ast`, nothing imported.

Stages, lowest first; a module may import its own stage and any stage below it:

    core       gate (its __init__), gate.core
    simulator  gate.simulator (plays Checkly: the core only)
    options    gate.options
    checkly    gate.checkly
    runner     gate.runner
    reports    gate.reports
    run        gate.run (one run's glue: pipeline, trigger_run, publish)
    top        the entry points at gate's top level: cli, launch, demo, __main__

gate's top level holds the stage packages and the entry points only: no loose module of the
core or of the run's glue.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import ROOT

GATE = ROOT / "gate"
TOP = {"cli", "demo", "launch", "__main__"}
RANK = {
    "core": 0,
    "simulator": 1,
    "options": 2,
    "checkly": 3,
    "runner": 4,
    "reports": 5,
    "run": 6,
    "top": 7,
}
# The simulator is a stand-in for Checkly: it may use the core, never the gate's own stages,
# and only the top (the demo) may start it.
SIMULATOR_MAY_IMPORT = {"core", "simulator"}
MAX_LINES = 330


def module_name(path: Path) -> str:
    parts = list(path.relative_to(GATE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(GATE.rglob("*.py"))}


def stage(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "core"
    if parts[1] in RANK and parts[1] != "top":
        return parts[1]
    if parts[1] in TOP:
        return "top"
    raise AssertionError(f"{module}: not in any stage; add it to tests/test_architecture.py")


def gate_imports(module: str) -> Iterator[tuple[str, int]]:
    """Every gate module `module` imports (at any depth: lazy imports count), with its line."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            found = owner(target)
            if found is not None and found != module:
                yield found, node.lineno


def owner(name: str) -> str | None:
    """The gate module that `name` (a module, or a name inside one) belongs to."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def test_every_module_is_in_a_stage() -> None:
    assert {stage(m) for m in MODULES} == set(RANK)


def test_top_level_holds_only_the_stages_and_the_entry_points() -> None:
    loose = {p.stem for p in GATE.glob("*.py")} - {"__init__"}
    assert loose == TOP, f"loose modules at gate's top level: {sorted(loose - TOP)}"
    packages = {p.parent.name for p in GATE.glob("*/__init__.py")}
    assert packages == set(RANK) - {"top"}, sorted(packages)


def test_each_stage_package_says_what_it_owns_and_may_import() -> None:
    for package in ("core", "options", "checkly", "runner", "reports", "run", "simulator"):
        doc = ast.get_docstring(ast.parse((GATE / package / "__init__.py").read_text()))
        assert doc, f"gate/{package}/__init__.py has no docstring"
        assert "May import" in doc, f"gate/{package}/__init__.py does not say what it may import"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_one_way(module: str) -> None:
    mine = stage(module)
    for imported, line in gate_imports(module):
        theirs = stage(imported)
        if mine == "simulator":
            assert theirs in SIMULATOR_MAY_IMPORT, f"{module}:{line} imports {imported}"
        elif theirs == "simulator":
            assert mine == "top", f"{module}:{line} imports the simulator ({imported})"
        else:
            assert RANK[theirs] <= RANK[mine], (
                f"{module}:{line} ({mine}) imports {imported} ({theirs}), a later stage"
            )


def test_no_import_cycle() -> None:
    """No cycle, counting a package's `__init__` as a module: a module of a package that
    re-exports its modules imports its siblings by their own names, never the package."""
    graph = {m: {i for i, _ in gate_imports(m)} for m in MODULES}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_the_import_checks_can_fail() -> None:
    """The checks above see real imports: the pipeline imports a later stage than checkly."""
    imported = {i for i, _ in gate_imports("gate.run.pipeline")}
    assert "gate.checkly.waiting" in imported and "gate.reports.report" in imported
    assert RANK[stage("gate.reports.report")] > RANK[stage("gate.checkly.waiting")]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by what it owns"


def test_no_two_module_names_a_reader_could_confuse() -> None:
    leaves: dict[str, str] = {}
    for module in MODULES:
        leaf = module.rpartition(".")[2]
        if leaf in ("__init__", "__main__") or "." not in module:
            continue
        assert leaf not in leaves, f"{module} and {leaves[leaf]} share the name {leaf!r}"
        leaves[leaf] = module
    assert "github" not in leaves, "a module named github shadows PyGithub"
