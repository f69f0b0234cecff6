"""The CI files say the same thing as the docs: `.ci/run` and the CI workflow run the test
command README.md gives, `make demo` is what README's quick start says, `make lint` runs every
linter and `make test` runs `lint`; and the workflows keep the hygiene zizmor cannot see: SHA
pins with a version comment, a timeout on every job, no default permissions.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.support.docs import load_yaml, section
from tests.support.paths import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PIN = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>[0-9a-f]{40})$")
LINTERS = (
    "ruff format --check",
    "ruff check",
    "mypy",
    "check-jsonschema --builtin-schema vendor.github-actions action.yml",
    "check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml",
    "zizmor --offline",
    "hadolint Dockerfile",
)


# --- the test command ------------------------------------------------------------------------


def readme_commands(readme: str) -> list[str]:
    """Shell commands of README's fenced sh blocks, comments dropped."""
    commands = []
    for block in re.findall(r"```(?:sh|shell|bash|console)\n(.*?)```", readme, re.DOTALL):
        for line in block.splitlines():
            command = line.split(" #", 1)[0].strip().removeprefix("$ ")
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def script_commands(text: str) -> list[str]:
    return [
        line.split(" #", 1)[0].strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def test_ci_runs_the_test_command_readme_gives(readme: str) -> None:
    tests = [c for c in readme_commands(section(readme, "Quick start")) if "test" in c.split()]
    assert tests == ["make test"], tests
    assert tests[0] in script_commands((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    ci = load_yaml(WORKFLOWS / "ci.yml")
    runs = [s.get("run", "").strip() for job in ci["jobs"].values() for s in job["steps"]]
    assert tests[0] in runs


def test_the_quick_start_demo_is_make_demo(readme: str) -> None:
    """README's `make demo` runs the gate's own demo, which writes the reports it mentions."""
    assert "make demo" in readme_commands(section(readme, "Quick start"))
    _, recipe = makefile_recipe("demo")
    assert recipe == ["$(VENV)/bin/checkly-gate demo"]


def test_make_screenshots_is_outside_make_test() -> None:
    """The pictures need Chromium, which CI machines do not have: not part of `make test`."""
    _, recipe = makefile_recipe("screenshots")
    assert recipe == ["$(PY) tools/render_screenshots.py"]
    assert (ROOT / "tools" / "render_screenshots.py").is_file()
    for target in ("test", "lint", "unit"):
        prerequisites, commands = makefile_recipe(target)
        assert "screenshots" not in prerequisites, target
        assert not any("render_screenshots" in c for c in commands), target


def makefile_recipe(target: str) -> tuple[list[str], list[str]]:
    """(prerequisites, recipe lines) of a Makefile target."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(rf"^{re.escape(target)}:(.*)\n((?:\t.*\n?)*)", text, re.MULTILINE)
    assert match, f"Makefile has no {target} target"
    return match.group(1).split(), [line.strip() for line in match.group(2).splitlines()]


def test_make_lint_runs_every_linter() -> None:
    _, recipe = makefile_recipe("lint")
    commands = [" ".join(shlex.split(line)) for line in recipe]
    for linter in LINTERS:
        assert any(f"/{linter}" in c for c in commands), f"make lint does not run {linter}"
    zizmor = next(c for c in commands if "zizmor" in c)
    assert "action.yml" in zizmor and ".github/workflows" in zizmor


def test_make_test_includes_lint() -> None:
    prerequisites, _ = makefile_recipe("test")
    assert "lint" in prerequisites


# --- workflow hygiene --------------------------------------------------------------------------


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml"))


def test_the_three_workflows_exist() -> None:
    assert {p.name for p in workflow_files()} >= {"ci.yml", "selftest.yml", "release.yml"}


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_workflow_hygiene(path: Path) -> None:
    workflow = load_yaml(path)
    assert workflow.get("permissions") == {}, "top-level permissions must be {}"
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"job {name} has no timeout-minutes"
        assert "permissions" in job, f"job {name} must say which permissions it needs"
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses is None or uses.startswith(("./", "docker://")):
                continue
            assert PIN.match(uses), f"{path.name}: {uses} is not pinned by a full commit SHA"
            if uses.startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False
    # Each pinned SHA carries the version it stands for, as a comment on its line.
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.search(r"uses:\s*[\w.-]+/[\w./-]+@", line):
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line.strip()


def test_only_the_release_jobs_may_write() -> None:
    """Each write permission in one release job, the one whose step needs it."""
    writers = {
        (path.name, name): job["permissions"]
        for path in workflow_files()
        for name, job in load_yaml(path)["jobs"].items()
        if any(v == "write" for v in (job.get("permissions") or {}).values())
    }
    expected = {
        ("release.yml", "image"): {"contents": "read", "packages": "write"},
        ("release.yml", "attest"): {
            "id-token": "write",
            "attestations": "write",
            "packages": "write",
        },
        ("release.yml", "pypi"): {"id-token": "write"},
        ("release.yml", "release"): {"contents": "write"},
    }
    assert writers == expected, writers


def test_release_runs_the_tests_first_and_finds_the_image_line() -> None:
    release = load_yaml(WORKFLOWS / "release.yml")["jobs"]
    assert "test" in release["image"]["needs"]  # the first job that publishes anything
    assert any(step.get("run") == "make test" for step in release["test"]["steps"])
    # release.yml rewrites this exact line to the prebuilt image: keep it as it is
    lines = (ROOT / "action.yml").read_text(encoding="utf-8").splitlines()
    assert "  image: Dockerfile" in lines


def test_selftest_uses_the_action_from_this_checkout() -> None:
    jobs = load_yaml(WORKFLOWS / "selftest.yml")["jobs"].values()
    assert any(step.get("uses") == "./" for job in jobs for step in job["steps"])
