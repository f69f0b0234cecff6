"""Every relative link (and `#anchor`) between README.md, CONTRIBUTING.md, CHANGELOG.md,
tests/README.md and docs/*.md resolves, as GitHub would resolve it.
"""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from tests.support.paths import ROOT

DOCS = ROOT / "docs"
# The package's description on PyPI (pyproject's `readme`): not a page of the docs, and its links
# are absolute, since PyPI resolves no relative one.
PYPI_README = DOCS / "pypi.md"
# The Markdown files whose links must resolve (docs/*.md is added by `linked_files`).
LINKED = ("README.md", "CONTRIBUTING.md", "CHANGELOG.md", "tests/README.md")


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
    pages = sorted(p.relative_to(ROOT).as_posix() for p in DOCS.glob("*.md") if p != PYPI_README)
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


INSTALLS = re.compile(r"\b(?:pip install|pipx run)\s+(\S+)")


@pytest.mark.parametrize("name", ["README.md", "docs/other-ci.md", "docs/pypi.md"])
def test_examples_install_a_pinned_release(name: str) -> None:
    """Outside GitHub the gate comes from PyPI at a pinned version, or as the image by digest:
    no `git+https://…` build on every install, no floating image tag."""
    text = (ROOT / name).read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```\w*\n(.*?)```", text, re.DOTALL))
    installs = [i.rstrip(",.;") for i in INSTALLS.findall(blocks)]
    assert installs, f"{name} shows no install"
    assert set(installs) == {"checkly-gate==<version>"}, installs
    assert "git+https" not in text
    images = re.findall(r"ghcr\.io/<owner>/checkly-gate\S*", blocks)
    assert all(i.startswith("ghcr.io/<owner>/checkly-gate@sha256:<digest>") for i in images), images


def test_the_pypi_description_links_absolutely_to_what_exists() -> None:
    """Each link of docs/pypi.md is absolute; those into this repository (the Source URL of
    pyproject.toml, or its raw files) name a file, and a heading, that exist on main."""
    source = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert source["readme"] == "docs/pypi.md"
    repo = source["urls"]["Source"].removeprefix("https://github.com/")
    prefixes = (f"https://github.com/{repo}/blob/main/", f"https://github.com/{repo}/tree/main/")
    raw = f"https://raw.githubusercontent.com/{repo}/main/"
    targets = parse_markdown(PYPI_README).targets
    assert targets, "docs/pypi.md links nothing"
    ours = 0
    for target in targets:
        assert re.match(r"https://", target), f"{target}: relative, PyPI cannot resolve it"
        path = next(
            (target.removeprefix(p) for p in (*prefixes, raw) if target.startswith(p)), None
        )
        if path is None:
            assert repo not in target, f"{target}: into this repository, but not as blob/main"
            continue
        ours += 1
        file_part, _, fragment = path.partition("#")
        assert (ROOT / file_part).exists(), f"{target}: no {file_part} in this repository"
        if fragment:
            assert fragment in parse_markdown(ROOT / file_part).anchors, target
    assert ours >= 5
    for url in source["urls"].values():
        assert url.startswith(f"https://github.com/{repo}"), url


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
