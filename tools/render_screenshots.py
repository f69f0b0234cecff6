"""`make screenshots`: the pictures in README.md, rendered from the demo's own reports.

    python tools/render_screenshots.py            # writes docs/images/{job-summary,pr-comment}.png
    python tools/render_screenshots.py --keep     # also keeps the HTML pages, to look at them

It runs `checkly-gate demo` (the real gate against the simulator) into a scratch folder, renders
its `summary.md` and `comment.md` the way GitHub does (cmark-gfm with GitHub's extensions: table,
strikethrough, autolink, tagfilter, tasklist; through the `cmarkgfm` package of the dev extras),
puts each into a page styled like GitHub's light theme, and screenshots the page with headless
Chromium, as tall as its content.

Needs Chromium and an emoji font (Debian: `apt-get install chromium fonts-noto-color-emoji`), so
it is not part of `make test`. `CHROMIUM=/path/to/chrome` picks another browser binary.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import cmarkgfm
from cmarkgfm.cmark import Options

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
WIDTH = 1000  # the window; the report itself is 900 px wide, like a GitHub comment column
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# (demo report, picture, what GitHub shows above it)
PICTURES = (
    ("summary.md", "job-summary.png", "summary", "<b>checkly</b> summary"),
    (
        "comment.md",
        "pr-comment.png",
        "comment",
        '<b>github-actions</b> <span class="bot">bot</span> commented',
    ),
)

# A small stylesheet in the manner of GitHub's light theme (github-markdown-css), for what the
# reports use: headings, paragraphs, lists, tables, inline code, code blocks, links, <sub>,
# <details>, block quotes, rules.
CSS = """
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 50px; background: #ffffff; }
.frame { width: 900px; border: 1px solid #d1d9e0; border-radius: 6px; overflow: hidden; }
.frame-head {
  padding: 10px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0;
  color: #59636e; font: 14px/1.5 "Noto Sans", "Liberation Sans", Arial, sans-serif;
}
.frame-head b { color: #1f2328; font-weight: 600; }
.bot {
  display: inline-block; padding: 0 7px; border: 1px solid #d1d9e0; border-radius: 2em;
  font-size: 12px; font-weight: 500; line-height: 18px;
}
.markdown-body {
  padding: 16px 24px 20px; color: #1f2328; background: #ffffff;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", "Liberation Sans",
    Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
  font-size: 14px; line-height: 1.5; word-wrap: break-word;
}
.markdown-body > :first-child { margin-top: 0 !important; }
.markdown-body > :last-child { margin-bottom: 0 !important; }
.markdown-body h2, .markdown-body h3 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body details {
  margin: 0 0 16px;
}
.markdown-body ul { padding-left: 2em; }
.markdown-body li + li { margin-top: .25em; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body strong, .markdown-body b { font-weight: 600; }
.markdown-body code {
  padding: .2em .4em; border-radius: 6px; background: #818b981f; font-size: 85%;
  white-space: break-spaces;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono",
    "DejaVu Sans Mono", monospace;
}
.markdown-body blockquote {
  margin: 0 0 16px; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0;
}
.markdown-body pre {
  margin: 0 0 16px; padding: 16px; overflow: auto; border-radius: 6px; background: #f6f8fa;
  font-size: 85%; line-height: 1.45;
}
.markdown-body pre code {
  padding: 0; border-radius: 0; background: transparent; font-size: 100%; white-space: pre;
}
.markdown-body table {
  display: block; width: max-content; max-width: 100%; overflow: auto;
  border-spacing: 0; border-collapse: collapse; font-variant: tabular-nums;
}
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body th { font-weight: 600; }
.markdown-body tr { background: #ffffff; border-top: 1px solid #d1d9e0b3; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body hr { height: .25em; margin: 24px 0; padding: 0; border: 0; background: #d1d9e0; }
.markdown-body sub { font-size: 75%; }
.markdown-body summary { cursor: pointer; }
"""

# Once laid out, the page writes its height into its title, which `--dump-dom` prints.
MEASURE = (
    "<script>document.title = 'height=' + Math.ceil("
    "document.querySelector('.frame').getBoundingClientRect().bottom + 24);</script>"
)


def page(markdown: str, kind: str, head: str) -> str:
    """The report as GitHub shows it: rendered by cmark-gfm with GitHub's extensions."""
    # Raw HTML is kept (<sub>, <details>, the comment's marker) as GitHub keeps it; the reports
    # are the demo's, and the tagfilter extension drops the tags GitHub drops.
    body = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(kind)}</title><style>{CSS}</style></head>\n<body>"
        f'<div class="frame"><div class="frame-head">{head}</div>'
        f'<article class="markdown-body">\n{body}</article></div>{MEASURE}</body></html>\n'
    )


def browser() -> str:
    found = os.environ.get("CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
    if not found:
        raise SystemExit(
            "make screenshots needs Chromium: apt-get install chromium fonts-noto-color-emoji "
            "(or set CHROMIUM=/path/to/chrome)"
        )
    return found


def chromium(binary: str, scratch: Path, *args: str) -> str:
    """Run headless Chromium once, with a fresh profile and no background network traffic."""
    profile = Path(tempfile.mkdtemp(prefix="profile-", dir=scratch))
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"chromium exited {done.returncode}:\n{done.stderr[-2000:]}")
    return done.stdout


def screenshot(binary: str, scratch: Path, html_file: Path, png: Path) -> int:
    """Screenshot `html_file` into `png` at WIDTH, as tall as the page; its height."""
    url = html_file.resolve().as_uri()
    dom = chromium(binary, scratch, f"--window-size={WIDTH},800", "--dump-dom", url)
    measured = re.search(r"<title>height=(\d+)</title>", dom)
    if not measured:
        raise SystemExit(f"could not measure {html_file}: no height in the rendered page")
    height = int(measured.group(1))
    chromium(binary, scratch, f"--window-size={WIDTH},{height}", f"--screenshot={png}", url)
    if not png.is_file():
        raise SystemExit(f"chromium wrote no {png}")
    return height


def run_demo(folder: Path) -> None:
    """`checkly-gate demo`: the real gate against the simulator, reports into `folder`.

    It runs in `folder` with `--output-dir .`, as a workflow runs the gate in its workspace, so
    the summary names the evidence folder `checkly-evidence` (relative, as a user would give
    `assets-dir`) rather than a path of this machine's scratch folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "gate", "demo", "--output-dir", "."]
    done = subprocess.run(  # noqa: S603
        command, cwd=folder, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"checkly-gate demo exited {done.returncode}:\n{done.stdout}{done.stderr}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/render_screenshots.py", description=__doc__)
    parser.add_argument("--output-dir", type=Path, default=IMAGES)
    parser.add_argument("--keep", action="store_true", help="keep the HTML pages beside the PNGs")
    options = parser.parse_args(argv)
    binary = browser()
    options.output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="checkly-gate-screenshots-") as name:
        scratch = Path(name)
        run_demo(scratch / "demo")
        for report, picture, kind, head in PICTURES:
            markdown = (scratch / "demo" / report).read_text(encoding="utf-8")
            html_file = scratch / f"{kind}.html"
            html_file.write_text(page(markdown, kind, head), encoding="utf-8")
            png = options.output_dir / picture
            height = screenshot(binary, scratch, html_file, png)
            if options.keep:
                shutil.copy(html_file, png.with_suffix(".html"))
            print(
                f"wrote {png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}: "
                f"{WIDTH} x {height} px"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
