"""The slides' build step for widgets: each widget output becomes a snapshot on its own subslide.

What the snapshot looks like in a browser (fitted to the slide, inert, its note shown) is
tested in Chromium by tests/browser/test_slides_offline.py; these tests read the HTML.
"""

from __future__ import annotations

import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from netcourse.tools import slides

REPO = Path(__file__).resolve().parents[2]
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
VIEW = "application/vnd.jupyter.widget-view+json"


def _widget(model_id: str = "m1"):
    return new_output("display_data", {VIEW: {"model_id": model_id, "version_major": 2}})


def _cell(kind: str | None, *, widget: bool = False, markdown: bool = False):
    cell = new_markdown_cell("text") if markdown else new_code_cell("x", outputs=[])
    if widget:
        cell.outputs = [_widget()]
    if kind is not None:
        cell.metadata["slideshow"] = {"slide_type": kind}
    return cell


def _kinds(nb) -> list[str | None]:
    return [cell.metadata.get("slideshow", {}).get("slide_type") for cell in nb.cells]


@pytest.mark.parametrize(
    ("before", "widget_at", "after"),
    [
        # a widget in the middle of a slide: it and what follows it get subslides
        (["slide", "-", "-", "-"], 2, ["slide", "-", "subslide", "subslide"]),
        # no slideshow metadata counts as "-", a fragment after it too is moved
        (["slide", None, None, "fragment"], 2, ["slide", None, "subslide", "subslide"]),
        # a widget already starting a slide keeps it; a slide after it stays a slide
        (["slide", "-", "slide", "slide"], 2, ["slide", "-", "slide", "slide"]),
        # skipped cells and notes are not shown: the next shown cell is the one moved
        (
            ["slide", "-", "-", "notes", "skip", "-"],
            2,
            ["slide", "-", "subslide", "notes", "skip", "subslide"],
        ),
        # the first shown cell starts the deck's first slide anyway
        (["skip", "-", "-"], 1, ["skip", "-", "subslide"]),
        # the last cell: nothing follows
        (["slide", "-"], 1, ["slide", "subslide"]),
    ],
)
def test_snapshot_layout_gives_each_widget_a_subslide(before, widget_at, after):
    nb = new_notebook(cells=[_cell(kind, widget=i == widget_at) for i, kind in enumerate(before)])
    laid_out = slides.snapshot_layout(nb)
    assert _kinds(laid_out) == after
    assert _kinds(nb) == before, "the notebook itself is left as it was"


def test_snapshot_layout_leaves_a_notebook_without_widgets_alone():
    nb = new_notebook(cells=[_cell("slide", markdown=True), _cell("-"), _cell("-")])
    nb.cells[1].outputs = [new_output("display_data", {"text/html": "<b>table</b>"})]
    assert slides.snapshot_layout(nb) == nb


def test_snapshot_note_names_the_notebook_and_lesson():
    note = slides.snapshot_note(REPO / "notebooks" / "04-firewalls.ipynb")
    assert note.startswith("Snapshot:")
    assert "lesson 04" in note and "notebooks/04-firewalls.ipynb" in note


class _Sections(HTMLParser):
    """For each innermost <section>: its snapshots, widget views, code and markdown cells."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[dict] = []
        self.done: list[dict] = []
        self.notes: list[str] = []
        self.frames: list[dict] = []
        self._in_note = False
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if tag == "section":
            self.stack.append({"snapshots": 0, "views": 0, "code": 0, "markdown": 0, "inner": 0})
            if len(self.stack) > 1:
                self.stack[-2]["inner"] += 1
        if not self.stack:
            return
        here = self.stack[-1]
        here["snapshots"] += "netcourse-snapshot" in classes
        here["code"] += "jp-CodeCell" in classes
        here["markdown"] += "jp-MarkdownCell" in classes
        if "netcourse-snapshot-frame" in classes:
            self.frames.append(values)
        if "netcourse-snapshot-note" in classes:
            self._in_note = True
            self.notes.append("")
        if tag == "script" and values.get("type") == VIEW:
            here["views"] += 1

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._in_note = False
        if tag == "section" and self.stack:
            section = self.stack.pop()
            if not section["inner"]:
                self.done.append(section)

    def handle_data(self, data):
        if self._in_note:
            self.notes[-1] += data


def _shown_widget_views(path: Path) -> int:
    """Widget views in a notebook's shown cells, counted from its JSON."""
    count = 0
    for cell in json.loads(path.read_text())["cells"]:
        if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") in ("skip", "notes"):
            continue
        count += sum(VIEW in out.get("data", {}) for out in cell.get("outputs", []))
    return count


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda path: path.stem)
def test_each_widget_is_a_snapshot_alone_on_its_subslide(notebook):
    before = hashlib.sha256(notebook.read_bytes()).hexdigest()
    html = slides.notebook_slides(notebook)
    assert hashlib.sha256(notebook.read_bytes()).hexdigest() == before, "notebook was changed"
    parsed = _Sections()
    parsed.feed(html)
    views = _shown_widget_views(notebook)
    with_snapshots = [section for section in parsed.done if section["snapshots"]]
    assert sum(section["snapshots"] for section in with_snapshots) == views
    for section in with_snapshots:
        # the snapshot's cell alone: every widget view inside a snapshot, no prose beside it
        assert section["views"] == section["snapshots"], section
        assert section["code"] == 1 and section["markdown"] == 0, section
    assert len(parsed.frames) == views and all("inert" in frame for frame in parsed.frames)
    assert parsed.notes == [slides.snapshot_note(notebook)] * views
    assert slides.remote_assets(html) == []


def test_a_widget_view_renders_inside_its_frame_with_the_note_escaped(tmp_path):
    nb = new_notebook(cells=[_cell("slide", markdown=True), _cell("-", widget=True)])
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "version_major": 2,
            "version_minor": 0,
            "state": {
                "m1": {
                    "model_name": "ButtonModel",
                    "model_module": "@jupyter-widgets/controls",
                    "model_module_version": "2.0.0",
                    "state": {"description": "Click me"},
                }
            },
        }
    }
    path = tmp_path / "07-a&b.ipynb"
    nbformat.write(nb, path)
    html = slides.notebook_slides(path)
    frame = html.index('class="netcourse-snapshot-frame"')
    view = html.index(f'<script type="{VIEW}">')
    note = html.index('class="netcourse-snapshot-note"')
    assert frame < view < note
    assert "lesson 07's notebook, 07-a&amp;b.ipynb.</figcaption>" in html
    # the page script that disables inputs and fits the snapshot is in the deck, and so is the
    # style that takes pointer events away
    assert "el.disabled = true" in html and "pointer-events: none" in html


def test_anywidget_front_end_is_configured_beside_the_deck(tmp_path):
    """The renderer asks require.js for 'anywidget' first: the path points beside the page."""
    html = slides.notebook_slides(LESSONS[0])
    assert 'require.config({paths: {anywidget: "anywidget/index"}})' in html
    slides._copy_anywidget(tmp_path)
    copied = (tmp_path / slides.ANYWIDGET_JS).read_text()
    assert copied.startswith("//") and "define(" in copied
    assert slides.remote_assets(f"<script>{copied}</script>") == []
