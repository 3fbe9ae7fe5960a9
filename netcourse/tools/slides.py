"""Reveal.js slides from the lesson notebooks, working offline.

``python -m netcourse.tools.slides`` writes ``slides/NN-slug.slides.html`` for each notebook in
``notebooks/`` (what ``make slides`` runs). nbconvert's slides load reveal.js, require.js,
jQuery, MathJax and the widget renderer from CDNs by default; here every one of them comes
from a local copy in ``slides/vendor/`` (npm packages, installed once with ``npm``, git-ignored),
so the slides work in a classroom with no network. Cells choose their slide with
``metadata.slideshow.slide_type`` (slide, subslide, fragment, skip, notes, ``-``).

Widgets have no kernel behind them in a deck, so each widget output is shown as a snapshot: it
gets a subslide of its own (:func:`snapshot_layout`, on a copy: the notebook is not changed),
is scaled down in the page to fit the slide, has its inputs disabled, and carries a note
(:func:`snapshot_note`) naming the notebook where the live widget runs.

>>> remote_assets('<script src="https://unpkg.com/reveal.js/dist/reveal.js"></script>')
['https://unpkg.com/reveal.js/dist/reveal.js']
>>> remote_assets('<script src="vendor/reveal.js"></script><a href="https://x.org">doc</a>')
[]
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import SlidesExporter
from nbformat import NotebookNode

from netcourse.errors import NetcourseError

__all__ = [
    "ANYWIDGET_JS",
    "ASSETS",
    "VENDOR_PACKAGES",
    "build_slides",
    "ensure_vendor",
    "vendor_ready",
    "main",
    "notebook_slides",
    "remote_assets",
    "snapshot_layout",
    "snapshot_note",
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

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

#: Where a deck finds anywidget's front end (an AMD module that anywidget's Python package ships
#: for the classic notebook), relative to the deck; the widget renderer would fetch it from a CDN.
ANYWIDGET_JS = "anywidget/index.js"

# nbconvert's reveal template, minus the Mermaid import (a CDN module the lessons do not use),
# with anywidget's front end loaded from beside the deck, and each widget view wrapped as a
# snapshot: a frame the script below scales to fit the slide and makes inert (inputs disabled,
# no pointer events), and the note under it.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}

{%- block html_head_js_requirejs -%}
{{ super() }}
<script>require.config({paths: {anywidget: "{{ resources.netcourse_anywidget_url }}"}});</script>
{%- endblock html_head_js_requirejs -%}

{%- block data_widget_view scoped -%}
<figure class="netcourse-snapshot">
<div class="netcourse-snapshot-frame" inert>
<div class="netcourse-snapshot-body">
{{ super() }}
</div>
</div>
<figcaption class="netcourse-snapshot-note">
{{- resources.netcourse_snapshot_note | escape_html -}}
</figcaption>
</figure>
{%- endblock data_widget_view -%}

{%- block html_head_css -%}
<style type="text/css">
__SNAPSHOT_CSS__
</style>
{%- endblock html_head_css -%}

{%- block footer_js -%}
{{ super() }}
<script>
require(["{{ resources.reveal.url_prefix }}/dist/reveal.js"], function (Reveal) {
__SNAPSHOT_JS__
});
</script>
{%- endblock footer_js -%}
"""

# A snapshot takes no input: no pointer events, no selection, no scrollbars of its own (its
# boxes cannot be scrolled anyway). Its widget is drawn at JupyterLab's font sizes, not the
# deck's larger ones (its boxes of fixed width would cut their labels off), then scaled. Its
# slide never scrolls: nbconvert's reveal_scroll script gives tall subslides a fixed height and
# a scrollbar, which the last rule overrides (the snapshot is fitted instead).
_SNAPSHOT_CSS = """
.reveal .netcourse-snapshot { margin: 0; padding: 0; }
.reveal .netcourse-snapshot-frame {
  overflow: hidden; pointer-events: none; user-select: none; margin: 0 auto 0 0;
}
.reveal .netcourse-snapshot-frame * { pointer-events: none !important; scrollbar-width: none; }
.reveal .netcourse-snapshot-frame *::-webkit-scrollbar { display: none; }
.reveal .netcourse-snapshot-body {
  transform-origin: 0 0; box-sizing: border-box;
  --jp-ui-font-size1: 13px; --jp-content-font-size1: 14px; --jp-code-font-size: 13px;
  --jp-widgets-font-size: 13px; font-size: 13px;
}
.reveal .netcourse-snapshot-note {
  font-size: 16px; line-height: 1.3; font-style: italic; color: #555; margin: 6px 0 0;
}
.reveal .slides section.netcourse-snapshot-slide {
  height: auto !important; overflow: visible !important; margin-top: 0 !important;
}
"""

# Runs once reveal.js is initialised (the widgets render on their own schedule). fit() lays a
# snapshot out at the slide's width, or wider if the widget needs it, then scales it down so
# that it and everything else on its subslide fit in the slide's width and height.
_SNAPSHOT_JS = """
  var figures = Array.prototype.slice.call(document.querySelectorAll('.netcourse-snapshot'));
  var freeze = function (fig) {
    fig.querySelectorAll('input, select, textarea, button').forEach(function (el) {
      if (!el.disabled) el.disabled = true;
      el.tabIndex = -1;
    });
  };
  var fit = function (fig) {
    if (!fig.getClientRects().length) return false;  // its slide is not displayed now
    var section = fig.closest('section');
    var frame = fig.querySelector('.netcourse-snapshot-frame');
    var body = fig.querySelector('.netcourse-snapshot-body');
    var slideHeight = Reveal.getConfig().height;
    body.style.transform = ''; body.style.width = '';
    frame.style.width = ''; frame.style.height = '';
    var room = frame.clientWidth, width = room;
    for (var i = 0; i < 4 && body.scrollWidth > width; i++) {  // the widget's own width
      width = body.scrollWidth;
      body.style.width = width + 'px';
    }
    body.style.width = width + 'px';
    var height = body.scrollHeight;
    frame.style.height = height + 'px';
    var others = section.scrollHeight - frame.offsetHeight;  // code, note, other outputs
    var scale = Math.min(1, room / width, Math.max(slideHeight - others - 4, 1) / height);
    body.style.transform = scale < 1 ? 'scale(' + scale + ')' : '';
    frame.style.width = Math.floor(width * scale) + 'px';
    frame.style.height = Math.floor(height * scale) + 'px';
    fig.dataset.scale = scale.toFixed(3);
    return true;
  };
  var pending = false;
  var refit = function () {  // once a frame, for the snapshots on the slide being shown
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      var changed = false;
      figures.forEach(function (fig) {
        freeze(fig);
        changed = fit(fig) || changed;
      });
      if (changed) Reveal.layout();
      document.body.dataset.snapshotsFitted = String(
        (Number(document.body.dataset.snapshotsFitted) || 0) + 1);
    });
  };
  figures.forEach(function (fig) {
    var section = fig.closest('section');
    if (section) section.classList.add('netcourse-snapshot-slide');
    new MutationObserver(refit).observe(fig, {childList: true, subtree: true});
    fig.addEventListener('load', refit, true);  // an image inside the widget has its size now
  });
  Reveal.on('slidechanged', refit);
  Reveal.on('ready', refit);
  if (Reveal.isReady()) refit();
  if (document.fonts) document.fonts.ready.then(refit);
"""

_TEMPLATE = _TEMPLATE.replace("__SNAPSHOT_CSS__", _SNAPSHOT_CSS.strip()).replace(
    "__SNAPSHOT_JS__", _SNAPSHOT_JS.strip("\n")
)

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


def _slide_type(cell: NotebookNode) -> str:
    slide_type = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    return slide_type or "-"


def _shows_widget(cell: NotebookNode) -> bool:
    return any(WIDGET_VIEW_MIME in out.get("data", {}) for out in cell.get("outputs", []))


def snapshot_layout(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` in which each cell showing a widget has a subslide of its own.

    The cell starts a subslide (unless it starts a slide already) and the next shown cell, if
    it would have continued that subslide, starts another: the snapshot has the whole slide's
    height, less its code and note.

    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    >>> view = new_output("display_data", {WIDGET_VIEW_MIME: {"model_id": "m"}})
    >>> nb = new_notebook(cells=[new_markdown_cell("# A"), new_code_cell("w", outputs=[view]),
    ...                          new_markdown_cell("after")])
    >>> [_slide_type(cell) for cell in snapshot_layout(nb).cells]
    ['-', 'subslide', 'subslide']
    >>> [_slide_type(cell) for cell in nb.cells]  # the notebook itself is unchanged
    ['-', '-', '-']
    """
    nb = copy.deepcopy(nb)
    shown = [cell for cell in nb.cells if _slide_type(cell) not in ("skip", "notes")]
    for position, cell in enumerate(shown):
        if not _shows_widget(cell):
            continue
        following = shown[position + 1 : position + 2]
        for starts in ([cell] if position else []) + following:
            if _slide_type(starts) in ("-", "fragment"):
                starts.setdefault("metadata", {}).setdefault("slideshow", {})
                starts.metadata.slideshow["slide_type"] = "subslide"
    return nb


def snapshot_note(notebook: Path) -> str:
    """The note under each widget snapshot in ``notebook``'s slides: where the live one runs.

    >>> snapshot_note(Path("notebooks/03-cidr-and-subnets.ipynb"))
    "Snapshot: the live widget runs in lesson 03's notebook, notebooks/03-cidr-and-subnets.ipynb."
    >>> snapshot_note(Path("extra.ipynb"))
    'Snapshot: the live widget runs in the notebook extra.ipynb.'
    """
    name = f"notebooks/{notebook.name}" if notebook.parent.name == "notebooks" else notebook.name
    lesson = re.match(r"(\d\d)-", notebook.name)
    where = f"lesson {lesson.group(1)}'s notebook, {name}" if lesson else f"the notebook {name}"
    return f"Snapshot: the live widget runs in {where}."


def notebook_slides(notebook: Path, vendor_url: str = "vendor") -> str:
    """The slides of one notebook as HTML, loading its JavaScript from ``vendor_url``.

    anywidget's front end is loaded from :data:`ANYWIDGET_JS` beside the page, where
    :func:`build_slides` copies it.
    """
    try:
        nb = nbformat.read(notebook, as_version=4)
    except (OSError, ValueError) as exc:
        raise NetcourseError(f"{notebook}: not a readable notebook ({exc})") from exc
    html, _ = _exporter(vendor_url).from_notebook_node(
        snapshot_layout(nb),
        resources={
            "metadata": {"name": notebook.stem},
            "netcourse_snapshot_note": snapshot_note(notebook),
            "netcourse_anywidget_url": ANYWIDGET_JS.removesuffix(".js"),
        },
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
    _copy_anywidget(out)
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


def _copy_anywidget(out: Path) -> None:
    """Put anywidget's front end beside the decks (a copy: the folder is carried to class)."""
    source = resources.files("anywidget") / "nbextension" / "index.js"
    if not source.is_file():
        raise NetcourseError(f"anywidget's front end is not at {source}: reinstall anywidget")
    target = out / ANYWIDGET_JS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())


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
