"""The docs and the CI files say the same thing as the code.

- every `action.yml` input and output appears in README.md; README's inputs table and the full
  table of docs/options.md each have a row for every input, and each input's default agrees
  between those tables, action.yml, SPEC §2 and `gate.options.config.OPTIONS`;
- `.ci/run` and the CI workflow run the test command README.md gives, and `make demo` is what
  README's quick start says;
- every relative link (and `#anchor`) between README.md, CONTRIBUTING.md, CHANGELOG.md,
  tests/README.md and docs/*.md resolves, as GitHub would resolve it;
- `make lint` runs every linter, and `make test` runs `lint`;
- the workflows keep the hygiene zizmor cannot see: SHA pins with a version comment, a timeout
  on every job, no default permissions.

An options table is read as rows `| `option` | default | meaning |` under its heading (README's
`## Inputs`, docs/options.md's `# Options`). A default cell starts with a literal (`` `10m` ``)
exactly when action.yml gives that literal as the default; otherwise it says where the value
comes from ("env `CHECKLY_API_KEY`", "from the event", "built-in").
"""

from __future__ import annotations

import re
import shlex
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from ruamel.yaml import YAML  # comes with check-jsonschema; listed in the dev extras

from gate.options.config import OPTIONS
from gate.options.trigger_options import DEFAULT_LOCATION
from tests.support.paths import ROOT

# The product contract: a copy in tests/data (so this runs in any checkout), kept equal to
# shared/SPEC.md by tests/test_shared_copies.py wherever shared/ is beside the checkout.
SPEC = ROOT / "tests" / "data" / "SPEC.md"
WORKFLOWS = ROOT / ".github" / "workflows"
DOCS = ROOT / "docs"
# Each table of every option: (file, the heading it sits under).
OPTION_TABLES = (("README.md", "Inputs"), ("docs/options.md", "Options"))
# The Markdown files whose links must resolve (docs/*.md is added by `linked_files`).
LINKED = ("README.md", "CONTRIBUTING.md", "CHANGELOG.md", "tests/README.md")

# SPEC §5 "GitHub outputs", in the order the spec lists them.
SPEC_OUTPUTS = (
    "result",
    "total-count",
    "passed-count",
    "failed-count",
    "degraded-count",
    "sessions",
    "comment-url",
    "json-file",
)
# SPEC §8 "Triggered sessions": the outputs trigger mode adds after those of §5.
TRIGGER_OUTPUTS = ("test-session-id", "test-session-url")
# Defaults that live in the code, not in action.yml (SPEC §2: the runner passes every declared
# default): the tables name them, action.yml leaves them out.
CODE_DEFAULTS = {"location": DEFAULT_LOCATION}
ENV_NAME = re.compile(r"\b(?:CHECKLY|GITHUB)_[A-Z_]+\b")
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


def load_yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(ROOT / "action.yml")
    return data


@pytest.fixture(scope="module")
def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def action_default(spec: dict[str, Any]) -> str | None:
    """The input's default as action.yml gives it; None when it has none (or an empty one)."""
    value = spec.get("default")
    return None if value is None or str(value) == "" else str(value)


def section(markdown: str, heading: str) -> str:
    """The text under `# <heading>` or `## <heading>` up to the next `#` or `##` heading."""
    match = re.search(rf"^#{{1,2}}\s+{re.escape(heading)}\s*$", markdown, re.MULTILINE)
    if match is None:
        return ""
    rest = markdown[match.end() :]
    end = re.search(r"^#{1,2}\s", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def option_rows(markdown: str) -> dict[str, str]:
    """`| `name` | default | meaning |` rows → {name: default cell}; the first row wins."""
    rows: dict[str, str] = {}
    for line in markdown.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) < 3:
            continue
        name = re.fullmatch(r"`([a-z][a-z0-9-]*)`", cells[0])
        if name and name.group(1) not in rows:
            rows[name.group(1)] = cells[1]
    return rows


def options_section(markdown: str, heading: str = "Inputs", name: str = "README.md") -> str:
    """The section holding an options table (README's `## Inputs`), which must exist."""
    found = section(markdown, heading)
    assert found, f"{name} has no `{heading}` section"
    return found


def options_table(path: str, heading: str) -> dict[str, str]:
    """{option: default cell} of the options table of `path` under `heading`."""
    text = (ROOT / path).read_text(encoding="utf-8")
    return option_rows(options_section(text, heading, path))


def leading_literal(cell: str) -> str | None:
    """The literal a default cell starts with (`` `10m` `` → 10m), None for prose."""
    match = re.match(r"`([^`]*)`", cell.strip())
    return match.group(1) if match else None


# --- action.yml against the spec and the code ------------------------------------------------


def test_action_inputs_are_the_spec_options(action: dict[str, Any]) -> None:
    assert list(action["inputs"]) == [o.name for o in OPTIONS]


def test_action_outputs_are_the_spec_outputs(action: dict[str, Any]) -> None:
    assert tuple(action["outputs"]) == SPEC_OUTPUTS + TRIGGER_OUTPUTS
    trigger_mode = SPEC.read_text(encoding="utf-8").split("## 8. Trigger mode", 1)[1]
    assert all(f"`{name}`" in trigger_mode for name in TRIGGER_OUTPUTS)
    for name, spec in action["outputs"].items():
        assert spec.get("description"), f"output {name} has no description"


def test_every_input_has_a_description(action: dict[str, Any]) -> None:
    for name, spec in action["inputs"].items():
        assert spec.get("description"), f"input {name} has no description"


def test_action_defaults_agree_with_the_gate(action: dict[str, Any]) -> None:
    """A literal default in action.yml is the gate's own default; env fallbacks are the same."""
    options = {o.name: o for o in OPTIONS}
    for name, spec in action["inputs"].items():
        default, option = action_default(spec), options[name]
        if name == "github-token":  # an expression only the runner can evaluate
            assert default == "${{ github.token }}"
        elif default is not None:
            assert option.default == default, name
        # The env variables the description names are the ones the gate falls back to.
        named = set(ENV_NAME.findall(spec["description"]))
        assert named == set(option.env), f"{name}: description names {named}, gate {option.env}"
        if option.env:
            assert default is None or name == "github-token", (
                f"{name} falls back to {option.env[0]}: a default in action.yml would hide it"
            )


def test_runs_as_a_docker_action_without_args(action: dict[str, Any]) -> None:
    """The gate reads INPUT_* itself: `args:` would pass every input a second time."""
    assert action["runs"]["using"] == "docker"
    assert action["runs"]["image"] == "Dockerfile"
    assert "args" not in action["runs"]
    assert action["branding"]["icon"] and action["branding"]["color"]
    assert len(action["description"]) <= 125, "the Marketplace cuts longer descriptions"


def test_action_defaults_agree_with_the_spec(action: dict[str, Any]) -> None:
    spec_text = SPEC.read_text(encoding="utf-8")
    rows = option_rows(section(spec_text, "2. Options"))
    assert list(rows) == list(action["inputs"])
    for name, cell in rows.items():
        default = action_default(action["inputs"][name])
        if name in CODE_DEFAULTS:
            assert default is None, f"{name}: its default lives in the code, not in action.yml"
            default = CODE_DEFAULTS[name]
        assert leading_literal(cell) == default, f"{name}: SPEC says {cell!r}"
        assert set(ENV_NAME.findall(cell)) <= set(
            ENV_NAME.findall(action["inputs"][name]["description"])
        ) | {"GITHUB_TOKEN"}, name
    outputs_paragraph = spec_text.split("**GitHub outputs**", 1)[1].split("Multi-line", 1)[0]
    listed = re.findall(r"`([a-z-]+)`", outputs_paragraph)
    assert tuple(n for n in listed if n in SPEC_OUTPUTS) == SPEC_OUTPUTS


# --- README.md ---------------------------------------------------------------------------------


def test_every_input_appears_in_readme(action: dict[str, Any], readme: str) -> None:
    missing = [name for name in action["inputs"] if f"`{name}`" not in readme]
    assert not missing, f"inputs not documented in README.md: {missing}"


def test_every_output_appears_in_readme(action: dict[str, Any], readme: str) -> None:
    missing = [name for name in action["outputs"] if f"`{name}`" not in readme]
    assert not missing, f"outputs not documented in README.md: {missing}"


@pytest.mark.parametrize(("path", "heading"), OPTION_TABLES)
def test_readme_options_table_has_every_input(
    action: dict[str, Any], path: str, heading: str
) -> None:
    rows = options_table(path, heading)
    missing = [name for name in action["inputs"] if name not in rows]
    assert not missing, f"{path}'s {heading} table has no row for: {missing}"


@pytest.mark.parametrize(("path", "heading"), OPTION_TABLES)
def test_readme_defaults_agree_with_action(action: dict[str, Any], path: str, heading: str) -> None:
    rows = options_table(path, heading)
    wrong = []
    for name, spec in action["inputs"].items():
        if name not in rows:
            continue  # reported by the test above
        default, cell = action_default(spec), rows[name]
        default = CODE_DEFAULTS.get(name, default)
        if leading_literal(cell) != default:
            wrong.append(f"{name}: action.yml {default!r}, {path} {cell!r}")
        fallback = set(ENV_NAME.findall(spec["description"])) - {"GITHUB_TOKEN"}
        if not fallback <= set(ENV_NAME.findall(cell)):
            wrong.append(f"{name}: {path}'s default should name {sorted(fallback)}")
    assert not wrong, "\n".join(wrong)


def test_the_option_tables_list_the_inputs_in_order(action: dict[str, Any]) -> None:
    """Both tables list the inputs in action.yml's order, and nothing else."""
    for path, heading in OPTION_TABLES:
        assert list(options_table(path, heading)) == list(action["inputs"]), path


def test_readme_outputs_table_has_every_output(action: dict[str, Any], readme: str) -> None:
    """README's `## Outputs` table: a row per action.yml output, in its order."""
    rows = re.findall(r"^\| `([a-z][a-z0-9-]*)` \|", section(readme, "Outputs"), re.MULTILINE)
    assert rows == list(action["outputs"])


def test_readme_option_rows_parse() -> None:
    """The table parser itself, on the row shapes README and SPEC use."""
    table = "\n".join(
        [
            "| option | default | meaning |",
            "|---|---|---|",
            "| `timeout` | `10m` | Overall deadline: `90`, `1h30m`. |",
            "| `api-key` | env `CHECKLY_API_KEY` | Secret. |",
            "| `pr-number` | from the event | Override. |",
            "| `fail-on` | `a,b` | one \\| two |",
        ]
    )
    rows = option_rows(table)
    assert rows == {
        "timeout": "`10m`",
        "api-key": "env `CHECKLY_API_KEY`",
        "pr-number": "from the event",
        "fail-on": "`a,b`",
    }
    assert [leading_literal(c) for c in rows.values()] == ["10m", None, None, "a,b"]


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


# --- links between the docs --------------------------------------------------------------------


class Links(HTMLParser):
    """From HTML: every link and image target, and every anchor GitHub gives the page."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.anchors: set[str] = set()
        self.headings: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if (tag, name) in {("a", "href"), ("img", "src")} and values.get(name):
                self.targets.append(str(values[name]))
        for name in ("id", "name"):
            if values.get(name):
                self.anchors.add(str(values[name]))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation and symbols dropped (letters,
    digits, `_`, `-` and spaces kept), each space a `-`."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(headings: list[str]) -> set[str]:
    """Every heading's slug; a repeated one gets `-1`, `-2`, … as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for heading in headings:
        slug = github_slug(heading)
        found.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return found


def parse_markdown(path: Path) -> Links:
    """The file rendered as GitHub renders it (raw HTML kept), its links and anchors read back."""
    html = cmarkgfm.github_flavored_markdown_to_html(
        path.read_text(encoding="utf-8"), options=Options.CMARK_OPT_UNSAFE
    )
    links = Links()
    links.feed(html)
    links.anchors |= anchors(links.headings)
    return links


def linked_files() -> list[Path]:
    return [ROOT / name for name in LINKED] + sorted(DOCS.glob("*.md"))


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    """The relative links of `path` that lead nowhere (or out of `root`): no such file, or no
    such anchor."""
    broken = []
    for target in parse_markdown(path).targets:
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//", target):
            continue  # absolute: https://…, mailto:…
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / unquote(file_part)).resolve() if file_part else path
        if not linked.is_relative_to(root) or not linked.exists():
            broken.append(f"{target}: no such file")
        elif fragment and linked.suffix == ".md":
            if unquote(fragment) not in parse_markdown(linked).anchors:
                broken.append(f"{target}: no heading #{fragment} in {linked.relative_to(root)}")
        elif fragment and not re.fullmatch(r"L\d+(-L\d+)?", fragment):
            broken.append(f"{target}: #{fragment} in a file that is not Markdown")
    return broken


@pytest.mark.parametrize("path", linked_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path: Path) -> None:
    broken = broken_links(path)
    assert not broken, "\n".join(broken)


def test_the_docs_are_linked_and_link_on() -> None:
    """README links every page of docs/ and both pictures; the link check sees the links."""
    readme = parse_markdown(ROOT / "README.md").targets
    pages = sorted(p.relative_to(ROOT).as_posix() for p in DOCS.glob("*.md"))
    assert len(pages) >= 10, pages
    assert set(pages) <= set(readme), set(pages) - set(readme)
    assert {"docs/images/job-summary.png", "docs/images/pr-comment.png"} <= set(readme)
    relative = [
        t
        for p in linked_files()
        for t in parse_markdown(p).targets
        if not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//", t)
    ]
    assert len(relative) > 40, relative
    assert sum("#" in t for t in relative) > 10, relative


def test_github_slugs_and_the_link_checker(tmp_path: Path) -> None:
    """Slugs as GitHub makes them, and the checker on a file with good and bad links."""
    assert github_slug("After `checkly/checkly-action`") == "after-checklycheckly-action"
    assert github_slug("After a deployment (`deployment_status`)") == (
        "after-a-deployment-deployment_status"
    )
    assert github_slug("Several gates on one PR: `comment-key`") == (
        "several-gates-on-one-pr-comment-key"
    )
    assert github_slug("Verdict lag: the last session's completion → the process's exit") == (
        "verdict-lag-the-last-sessions-completion--the-processs-exit"
    )
    assert anchors(["Usage", "Usage", "Usage"]) == {"usage", "usage-1", "usage-2"}
    (tmp_path / "other.md").write_text("# Other page\n\n## Pull requests from forks\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\n## Its part\n\n"
        "[ok](#its-part) [ok](other.md) [ok](other.md#pull-requests-from-forks) "
        "[ok](https://example.com/x#y) `[code](missing.md)`\n\n"
        "```md\n[in a fence](missing.md)\n```\n\n"
        '[bad](#nope) [bad](missing.md) [bad](other.md#nope) <img src="gone.png">\n'
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up.md").write_text("[bad](../../outside.md) [ok](../page.md#its-part)\n")
    assert broken_links(tmp_path / "sub" / "up.md", tmp_path) == ["../../outside.md: no such file"]
    assert [b.split(":")[0] for b in broken_links(page, tmp_path)] == [
        "#nope",
        "missing.md",
        "other.md#nope",
        "gone.png",
    ]


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


def test_only_the_release_job_may_write() -> None:
    writers = {
        (path.name, name): job["permissions"]
        for path in workflow_files()
        for name, job in load_yaml(path)["jobs"].items()
        if any(v == "write" for v in (job.get("permissions") or {}).values())
    }
    expected = {("release.yml", "release"): {"contents": "write", "packages": "write"}}
    assert writers == expected, writers


def test_release_runs_the_tests_first_and_finds_the_image_line() -> None:
    release = load_yaml(WORKFLOWS / "release.yml")["jobs"]
    assert release["release"]["needs"] == "test"
    assert any(step.get("run") == "make test" for step in release["test"]["steps"])
    # release.yml rewrites this exact line to the prebuilt image: keep it as it is
    lines = (ROOT / "action.yml").read_text(encoding="utf-8").splitlines()
    assert "  image: Dockerfile" in lines


def test_selftest_uses_the_action_from_this_checkout() -> None:
    jobs = load_yaml(WORKFLOWS / "selftest.yml")["jobs"].values()
    assert any(step.get("uses") == "./" for job in jobs for step in job["steps"])
