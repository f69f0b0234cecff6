"""release.yml, read as GitHub would run it: what each job does and the least it may do.

It runs on GitHub only, so it is checked statically (as zizmor and check-jsonschema do in
`make lint`), with the checks of actionlint's kind that those two leave out: every
`needs.<job>.outputs.<name>` and `steps.<id>.outputs.<name>` names a job in `needs` or an
earlier step that exists and declares it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.support.paths import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
RELEASE = WORKFLOWS / "release.yml"
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
NEEDS_OUTPUT = re.compile(r"\bneeds\.([\w-]+)\.outputs\.([\w-]+)")
STEP_OUTPUT = re.compile(r"\bsteps\.([\w-]+)\.(?:outputs\.([\w-]+)|outcome|conclusion)")
# The outputs of the actions the release uses (their action.yml at the pinned commit).
ACTION_OUTPUTS = {
    "docker/metadata-action": {"tags", "labels", "annotations", "json", "version"},
    "docker/build-push-action": {"digest", "imageid", "metadata"},
}


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def jobs() -> dict[str, Any]:
    data: dict[str, Any] = load(RELEASE)["jobs"]
    return data


def needs(job: dict[str, Any]) -> list[str]:
    value = job.get("needs", [])
    return [value] if isinstance(value, str) else list(value)


def expressions(node: Any) -> list[str]:
    """Every `${{ … }}` in a YAML node."""
    if isinstance(node, dict):
        return [e for key, value in node.items() for e in expressions(key) + expressions(value)]
    if isinstance(node, list):
        return [e for item in node for e in expressions(item)]
    return EXPRESSION.findall(node) if isinstance(node, str) else []


def step_outputs(step: dict[str, Any]) -> set[str] | None:
    """What a step can output: a run step anything it writes, an action what it declares."""
    uses = step.get("uses")
    if uses is None:
        return None  # `run:` writes any name to GITHUB_OUTPUT
    if uses == "./":
        return set(load(ROOT / "action.yml")["outputs"])
    return ACTION_OUTPUTS.get(uses.split("@")[0], set())


def reference_problems(workflow: dict[str, Any]) -> list[str]:
    problems = []
    all_jobs = workflow["jobs"]
    for name, job in all_jobs.items():
        for upstream in needs(job):
            if upstream not in all_jobs:
                problems.append(f"{name}: needs unknown job {upstream}")
        for text in expressions({k: v for k, v in job.items() if k != "steps"}) + [
            e for step in job.get("steps", []) for e in expressions(step)
        ]:
            for upstream, output in NEEDS_OUTPUT.findall(text):
                if upstream not in needs(job):
                    problems.append(f"{name}: needs.{upstream} but {upstream} is not in needs")
                elif output not in (all_jobs[upstream].get("outputs") or {}):
                    problems.append(f"{name}: job {upstream} has no output {output}")
        seen: dict[str, dict[str, Any]] = {}
        for step in job.get("steps", []):
            for step_id, output in STEP_OUTPUT.findall(" ".join(expressions(step))):
                problems += step_problems(name, seen, step_id, output)
            if "id" in step:
                seen[step["id"]] = step
        for text in expressions(job.get("outputs") or {}):
            for step_id, output in STEP_OUTPUT.findall(text):
                steps = {s["id"]: s for s in job.get("steps", []) if "id" in s}
                problems += step_problems(name, steps, step_id, output)
    return problems


def step_problems(
    job: str, steps: dict[str, dict[str, Any]], step_id: str, output: str
) -> list[str]:
    if step_id not in steps:
        return [f"{job}: steps.{step_id} is no earlier step of the job"]
    known = step_outputs(steps[step_id])
    if output and known is not None and output not in known:
        return [f"{job}: step {step_id} ({steps[step_id]['uses']}) has no output {output}"]
    return []


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_every_output_reference_resolves(path: Path) -> None:
    assert reference_problems(load(path)) == []


def test_the_reference_checker_finds_bad_references() -> None:
    workflow = {
        "jobs": {
            "a": {"outputs": {"v": "${{ steps.gone.outputs.v }}"}, "steps": [{"run": "true"}]},
            "b": {
                "needs": "a",
                "steps": [
                    {"run": "echo ${{ needs.a.outputs.nope }} ${{ needs.c.outputs.v }}"},
                    {"run": "echo ${{ steps.later.outputs.x }}"},
                    {"id": "later", "uses": "docker/build-push-action@x"},
                    {"run": "echo ${{ steps.later.outputs.digest }} ${{ steps.later.outputs.y }}"},
                ],
            },
        }
    }
    assert reference_problems(workflow) == [
        "a: steps.gone is no earlier step of the job",
        "b: job a has no output nope",
        "b: needs.c but c is not in needs",
        "b: steps.later is no earlier step of the job",
        "b: step later (docker/build-push-action@x) has no output y",
    ]


def test_the_jobs_run_in_order(jobs: dict[str, Any]) -> None:
    assert list(jobs) == ["test", "dist", "image", "attest", "pypi", "release"]
    assert set(needs(jobs["image"])) == {"test", "dist"}  # nothing is pushed before the tests
    assert set(needs(jobs["attest"])) == {"dist", "image"}
    assert set(needs(jobs["pypi"])) == {"dist", "attest"}
    assert set(needs(jobs["release"])) == {"dist", "image", "pypi"}


def test_the_files_are_built_once_and_checked(jobs: dict[str, Any]) -> None:
    runs = {name: [s.get("run", "") for s in job["steps"]] for name, job in jobs.items()}
    assert "make dist" in runs["dist"]
    assert "python tools/check_dist.py dist --smoke" in runs["dist"]
    building = [n for n, r in runs.items() for c in r if re.search(r"make dist|-m build\b", c)]
    assert building == ["dist"], "the sdist and the wheel are built in one place"
    upload = next(s for s in jobs["dist"]["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == "dist" and upload["with"]["path"] == "dist/"
    for name in ("attest", "pypi", "release"):
        download = [s for s in jobs[name]["steps"] if "download-artifact" in s.get("uses", "")]
        assert [d["with"] for d in download] == [{"name": "dist", "path": "dist"}], name


def test_make_dist_is_what_the_release_runs() -> None:
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^dist:.*\n((?:\t.*\n?)*)", text, re.MULTILINE)
    assert match, "Makefile has no dist target"
    recipe = " ".join(match.group(1).split())
    assert "-m build --no-isolation --outdir $(DIST) ." in recipe
    assert "twine check --strict $(DIST)/*" in recipe
    assert "tools/check_dist.py $(DIST)" in recipe


def test_id_token_only_where_no_repository_code_runs(jobs: dict[str, Any]) -> None:
    """An OIDC token can publish and sign: the jobs that get one run only pinned actions."""
    with_token = {n for n, j in jobs.items() if (j.get("permissions") or {}).get("id-token")}
    assert with_token == {"attest", "pypi"}
    for name in with_token:
        steps = jobs[name]["steps"]
        assert all("uses" in s and "run" not in s for s in steps), name
        assert not any(s["uses"].startswith("actions/checkout@") for s in steps), name


def test_pypi_trusted_publishing(jobs: dict[str, Any]) -> None:
    pypi = jobs["pypi"]
    assert pypi["permissions"] == {"id-token": "write"}
    assert pypi["environment"]["name"] == "pypi"
    assert pypi["environment"]["url"].startswith("https://pypi.org/project/checkly-gate/")
    publish = [s for s in pypi["steps"] if s["uses"].startswith("pypa/gh-action-pypi-publish@")]
    assert len(publish) == 1
    assert not {"password", "user"} & set(publish[0].get("with", {})), (
        "no token: trusted publishing"
    )


def test_the_image_gets_provenance_and_an_sbom(jobs: dict[str, Any]) -> None:
    build = next(s for s in jobs["image"]["steps"] if s.get("id") == "build")
    assert build["with"]["provenance"] == "mode=max"
    assert build["with"]["sbom"] is True
    assert build["with"]["push"] is True
    attest = [s for s in jobs["attest"]["steps"] if s["uses"].startswith("actions/attest@")]
    image, files = (s["with"] for s in attest)
    assert image["subject-name"] == "${{ needs.dist.outputs.image }}"
    assert image["subject-digest"] == "${{ needs.image.outputs.digest }}"
    assert image["push-to-registry"] is True
    assert files == {"subject-path": "dist/*"}
    assert jobs["attest"]["permissions"] == {
        "id-token": "write",
        "attestations": "write",
        "packages": "write",
    }


def test_the_release_attaches_the_files_and_says_how_to_verify(jobs: dict[str, Any]) -> None:
    script = next(s["run"] for s in jobs["release"]["steps"] if "gh release" in s.get("run", ""))
    create = script[script.index('gh release create "v${VERSION}"') :].split("\nfi")[0]
    assert create.rstrip().endswith('"${prerelease[@]}" dist/*')
    assert 'gh release upload "v${VERSION}" dist/* --clobber' in script
    assert "gh attestation verify oci://${IMAGE}@${DIGEST} --owner" in script
    assert "pip install checkly-gate==${VERSION}" in script
    assert "pipx run checkly-gate==${VERSION}" in script
    assert jobs["release"]["permissions"] == {"contents": "write"}
