"""The docs say the same thing as the code: every `action.yml` input and output appears in
README.md; README's inputs table and the full table of docs/options.md each have a row for every
input, and each input's default agrees between those tables, action.yml, SPEC §2 and
`gate.options.config.OPTIONS`.

An options table is read as rows `| `option` | default | meaning |` under its heading (README's
`## Inputs`, docs/options.md's `# Options`). A default cell starts with a literal (`` `10m` ``)
exactly when action.yml gives that literal as the default; otherwise it says where the value
comes from ("env `CHECKLY_API_KEY`", "from the event", "built-in").
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from gate.options.config import OPTIONS
from gate.options.private_options import DEFAULT_AGENT_IMAGE
from gate.options.trigger_options import DEFAULT_LOCATION
from tests.support.docs import section
from tests.support.paths import ROOT

# The product contract: a copy in tests/data (so this runs in any checkout), kept equal to
# shared/SPEC.md by tests/project/test_shared_copies.py wherever shared/ is beside the checkout.
SPEC = ROOT / "tests" / "data" / "SPEC.md"
# Each table of every option: (file, the heading it sits under).
OPTION_TABLES = (("README.md", "Inputs"), ("docs/options.md", "Options"))

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
# SPEC §12's options, named in its prose with their defaults (which live in the code).
PRIVATE_LOCATION_OPTIONS = {
    "private-location": "`private-location: ephemeral` (default: off)",
    "agent-image": "default the `checkly/agent` release the docs name, pinned",
    "agent-timeout": "(default 2m, inside `timeout`)",
}
CODE_DEFAULTS = {
    "location": DEFAULT_LOCATION,
    "private-location": "off",
    "agent-image": DEFAULT_AGENT_IMAGE,
    "agent-timeout": "2m",
}
ENV_NAME = re.compile(r"\b(?:CHECKLY|GITHUB)_[A-Z_]+\b")


def action_default(spec: dict[str, Any]) -> str | None:
    """The input's default as action.yml gives it; None when it has none (or an empty one)."""
    value = spec.get("default")
    return None if value is None or str(value) == "" else str(value)


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

# SPEC §10's options, named in prose there: name → (how §10 gives its default, action.yml's).
EVIDENCE_OPTIONS = {
    "assets-dir": ("(default: none)", None),
    "assets": ("default `trace,screenshot,video,report`", "trace,screenshot,video,report"),
    "assets-max-mb": ("(default 200;", "200"),
    "root-cause": ("(default `existing`", "existing"),
}
WORKFLOW_OPTIONS = {
    "rerun": ("`rerun: failed` (default) or `all`", "failed"),
    "commit-status": ("`commit-status: true` (default `false`;", "false"),
    "dry-run": ("`dry-run: true` lists", "false"),
}


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


# Options SPEC §11 names in its text, not in §2's table (each with §2's rules).
SECTION_11_OPTIONS = ("flaky-failures", "non-blocking-tags", "non-blocking-check-ids")


def test_action_defaults_agree_with_the_spec(action: dict[str, Any]) -> None:
    spec_text = SPEC.read_text(encoding="utf-8")
    rows = option_rows(section(spec_text, "2. Options"))
    evidence = section(
        spec_text, "10. Evidence: what a reviewer needs to fix a failure without opening Checkly"
    )
    evidence = " ".join(evidence.split())
    for name, (spec_default, default) in EVIDENCE_OPTIONS.items():  # §10 names them in prose
        assert f"`{name}" in evidence and spec_default in evidence, name
        assert action_default(action["inputs"][name]) == default, name
    private = section(
        spec_text, "12. Testing what is not deployed yet: a private location for one run"
    )
    private = " ".join(private.split())
    for name, spec_default in PRIVATE_LOCATION_OPTIONS.items():  # §12 names them in prose
        assert f"`{name}" in private and spec_default in private, name
        assert action_default(action["inputs"][name]) is None, f"{name}: its default is the code's"
    workflow = " ".join(section(spec_text, "11. Fitting the team's workflow").split())
    for name, (spec_default, default) in WORKFLOW_OPTIONS.items():  # §11 names them in prose
        assert spec_default in workflow, name
        assert action_default(action["inputs"][name]) == default, name
    assert all(f"`{name}" in workflow for name in SECTION_11_OPTIONS)
    inputs = [*rows, *EVIDENCE_OPTIONS, *WORKFLOW_OPTIONS, *SECTION_11_OPTIONS]
    assert [*inputs, *PRIVATE_LOCATION_OPTIONS] == list(action["inputs"])
    for name, cell in rows.items():
        default = action_default(action["inputs"][name])
        if name in CODE_DEFAULTS:
            assert default is None, f"{name}: its default lives in the code, not in action.yml"
            default = CODE_DEFAULTS[name]
        literal = leading_literal(cell)
        if name == "fail-on":  # SPEC §11: `missing` joins fail-on's values and its default
            literal = f"{literal},missing"
        assert literal == default, f"{name}: SPEC says {cell!r}"
        assert set(ENV_NAME.findall(cell)) <= set(
            ENV_NAME.findall(action["inputs"][name]["description"])
        ) | {"GITHUB_TOKEN"}, name
    outputs_paragraph = spec_text.split("**GitHub outputs**", 1)[1].split("Multi-line", 1)[0]
    listed = re.findall(r"`([a-z-]+)`", outputs_paragraph)
    # a name may come back in the paragraph ("still writes `result`"): its first mention counts
    assert tuple(dict.fromkeys(n for n in listed if n in SPEC_OUTPUTS)) == SPEC_OUTPUTS


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
