"""Reveal.js slides from the lesson notebooks, working offline.

``python -m netcourse.tools.slides`` writes ``slides/NN-slug.slides.html`` for each notebook in
``notebooks/`` (what ``make slides`` runs). nbconvert's slides load reveal.js, require.js,
jQuery, MathJax and the widget renderer from CDNs by default; here every one of them comes
from a local copy in ``slides/vendor/`` (npm packages, installed once with ``npm``, git-ignored),
so the slides work in a classroom with no network. Cells choose their slide with
``metadata.slideshow.slide_type`` (slide, subslide, fragment, skip, notes, ``-``).

>>> remote_assets('<script src="https://unpkg.com/reveal.js/dist/reveal.js"></script>')
['https://unpkg.com/reveal.js/dist/reveal.js']
>>> remote_assets('<script src="vendor/reveal.js"></script><a href="https://x.org">doc</a>')
[]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import SlidesExporter

from netcourse.errors import NetcourseError

__all__ = [
    "ASSETS",
    "VENDOR_PACKAGES",
    "build_slides",
    "ensure_vendor",
    "vendor_ready",
    "main",
    "notebook_slides",
    "remote_assets",
]

#: The npm packages the slides load, pinned to versions nbconvert's reveal template is written
#: for (reveal.js 4, MathJax 2, the ipywidgets 8 HTML manager).
VENDOR_PACKAGES: dict[str, str] = {
    "reveal.js": "4.6.1",
    "requirejs": "2.3.7",
    "jquery": "3.7.1",
    "mathjax": "2.7.9",
    "@jupyter-widgets/html-manager": "1.0.14",
}

#: Exporter setting -> the local file it points at, relative to the vendor folder.
ASSETS: dict[str, str] = {
    "reveal_url_prefix": "node_modules/reveal.js",
    "require_js_url": "node_modules/requirejs/require.js",
    "jquery_url": "node_modules/jquery/dist/jquery.min.js",
    "mathjax_url": "node_modules/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "widget_renderer_url": "node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js",
}

# nbconvert's reveal template, minus the Mermaid import (a CDN module the lessons do not use).
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""

_URL = re.compile(r"""^\s*(?:https?:)?//""", re.IGNORECASE)
_QUOTED_URL = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]+)""", re.IGNORECASE)


class _AssetFinder(HTMLParser):
    """Collects every URL the page loads: script/img/iframe sources, stylesheets, JS imports."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_js = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("script", "img", "iframe", "source", "audio", "video") and values.get("src"):
            self.urls.append(values["src"])
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"])
        self._in_js = tag == "script" and values.get("type", "") in (
            "",
            "text/javascript",
            "module",
        )

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_js = False

    def handle_data(self, data: str) -> None:
        if self._in_js:  # URLs inside quoted strings of inline JavaScript (imports, require paths)
            self.urls.extend(_QUOTED_URL.findall(data))


def remote_assets(html: str) -> list[str]:
    """Every URL an HTML page would fetch from the network (empty for offline slides)."""
    finder = _AssetFinder()
    finder.feed(html)
    return [url for url in finder.urls if _URL.match(url)]


def vendor_ready(vendor: Path) -> bool:
    """Whether every JavaScript file the slides load is present under ``vendor``."""
    for setting, relative in ASSETS.items():
        target = vendor / relative.split("?")[0]
        if setting == "reveal_url_prefix":
            target = target / "dist" / "reveal.js"
        if not target.is_file():
            return False
    return True


def ensure_vendor(vendor: Path, timeout: float = 600) -> Path:
    """Install the slides' JavaScript into ``vendor`` with npm, once; return the folder."""
    if vendor_ready(vendor):
        return vendor
    npm = shutil.which("npm")
    if npm is None:
        raise NetcourseError(
            f"{vendor}: the slides' JavaScript (reveal.js, MathJax ...) is not there and npm is "
            "not installed; install Node.js and npm (Debian package npm) and run again"
        )
    vendor.mkdir(parents=True, exist_ok=True)
    specs = [f"{name}@{version}" for name, version in VENDOR_PACKAGES.items()]
    command = [npm, "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund"]
    command += ["--ignore-scripts", "--loglevel=error", "--prefix", str(vendor), *specs]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as exc:
        raise NetcourseError(
            f"npm install of {', '.join(specs)} took over {timeout:.0f} s"
        ) from exc
    if result.returncode != 0 or not vendor_ready(vendor):
        raise NetcourseError(
            f"npm install of {', '.join(specs)} failed (exit {result.returncode}): "
            f"{result.stderr.strip()[-800:]}"
        )
    return vendor


def _exporter(vendor_url: str):
    exporter = SlidesExporter(
        extra_loaders=[DictLoader({"netcourse-slides.html.j2": _TEMPLATE})],
        template_file="netcourse-slides.html.j2",
    )
    for setting, relative in ASSETS.items():
        setattr(exporter, setting, f"{vendor_url}/{relative}")
    exporter.reveal_theme = "white"  # its font ships with reveal.js; "simple" imports web fonts
    exporter.reveal_scroll = True
    exporter.reveal_number = "c/t"
    return exporter


def notebook_slides(notebook: Path, vendor_url: str = "vendor") -> str:
    """The slides of one notebook as HTML, loading its JavaScript from ``vendor_url``."""
    try:
        nb = nbformat.read(notebook, as_version=4)
    except (OSError, ValueError) as exc:
        raise NetcourseError(f"{notebook}: not a readable notebook ({exc})") from exc
    html, _ = _exporter(vendor_url).from_notebook_node(
        nb, resources={"metadata": {"name": notebook.stem}}
    )
    remote = remote_assets(html)
    if remote:  # a template change must not silently bring a CDN back
        raise NetcourseError(f"{notebook.name}: slides would load {remote[0]} from the network")
    return html


def build_slides(
    notebooks: list[Path] | None = None, out: Path | None = None, vendor: Path | None = None
) -> list[Path]:
    """Write ``out/NN-slug.slides.html`` for each notebook (default: ./notebooks -> ./slides)."""
    if notebooks is None:
        notebooks = sorted(Path("notebooks").glob("*.ipynb"))
    out = Path("slides") if out is None else out
    vendor = out / "vendor" if vendor is None else vendor
    ensure_vendor(vendor)
    out.mkdir(parents=True, exist_ok=True)
    vendor_url = Path(_relative(vendor, out)).as_posix()
    _link_widget_assets(vendor, out)
    written = []
    for notebook in notebooks:
        target = out / f"{notebook.stem}.slides.html"
        target.write_text(notebook_slides(notebook, vendor_url), encoding="utf-8")
        written.append(target)
    return written


def _link_widget_assets(vendor: Path, out: Path) -> None:
    """Let the widget renderer find its icon fonts: it asks for them relative to the page."""
    dist = vendor / "node_modules" / "@jupyter-widgets" / "html-manager" / "dist"
    base = out / "@jupyter-widgets"
    base.mkdir(exist_ok=True)
    wanted = {base / "html-manager": dist.parent}
    for font in dist.iterdir():
        if font.suffix in (".woff2", ".woff", ".ttf", ".eot", ".svg"):
            wanted[base / font.name] = font
    for link, target in wanted.items():
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(_relative(target, link.parent))


def _relative(path: Path, start: Path) -> str:

    return os.path.relpath(path.resolve(), start.resolve())


def main(argv: list[str] | None = None) -> int:
    """Command line: build the slides of the given notebooks (default: all of notebooks/)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="folder for the slides (slides/)")
    parser.add_argument("--vendor", type=Path, default=None, help="JavaScript folder (OUT/vendor)")
    args = parser.parse_args(argv)
    try:
        written = build_slides(args.notebooks or None, args.out, args.vendor)
    except NetcourseError as exc:
        print(f"slides: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
