"""Every lesson's outputs fit the learner's screen, measured in a real JupyterLab in Chromium.

Each lesson runs once (Run All); then, at each screen size (1440x900 with the file browser open
and closed, 1280x720), every cell with a widget, HTML or figure output is scrolled into view and
measured in the page:

- nothing scrolls sideways: ``scrollWidth <= clientWidth + 1`` for the output area and every
  box inside it that scrolls (``overflow`` auto or scroll), and no list box cuts its rows off;
- no two sibling boxes of a widget box overlap (content spilling out of a box counts);
- no monospace row (text in a monospace font whose white-space is pre or nowrap, or in a
  table cell) wraps, and no word (an id, an address) is split over two lines: the lines a text
  is drawn on (its ``getClientRects``) equal the lines it has;
- no widget or figure is taller than the screen (an HTML table is read by scrolling down);
- no image is drawn larger than its natural size.

One test per (lesson, cell, size), so a fix turns exactly its cases green. Cases still broken
are listed in ``KNOWN_DEFECTS`` with the defect measured, as strict xfails: a fix must remove
its entry. Screenshots of every case with a finding go to artifacts/screenshots/layout/.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest
from labdriver import NOTEBOOK_RUN_TIMEOUT_MS, SCREEN_SIZES, ScreenSize, lesson_notebooks

pytestmark = pytest.mark.browser

#: Output data of these kinds has a layout to check (plain text has none of its own).
LAID_OUT = ("application/vnd.jupyter.widget-view+json", "text/html", "image/")

#: (lesson, cell id, screen size) -> the defect measured there, still to fix. Each is a
#: strict xfail: fixing one makes its case pass, and the suite fails until its entry is removed.
KNOWN_DEFECTS: dict[tuple[str, str, str], str] = {
    ("03-cidr-and-subnets", "cidr-27", "1440x900-sidebar"): (
        "taller than the screen: <div.jp-OutputArea-output> 987px > viewport 900px"
    ),
    ("03-cidr-and-subnets", "e48c8497", "1440x900-sidebar"): (
        "taller than the screen: <div.jp-OutputArea-output> 1117px > viewport 900px"
    ),
    ("03-cidr-and-subnets", "cidr-27", "1440x900"): (
        "taller than the screen: <div.jp-OutputArea-output> 987px > viewport 900px"
    ),
    ("03-cidr-and-subnets", "e48c8497", "1440x900"): (
        "taller than the screen: <div.jp-OutputArea-output> 1117px > viewport 900px"
    ),
    ("03-cidr-and-subnets", "cidr-27", "1280x720"): (
        "taller than the screen: <div.jp-OutputArea-output> 987px > viewport 720px"
    ),
    ("03-cidr-and-subnets", "e48c8497", "1280x720"): (
        "taller than the screen: <div.jp-OutputArea-output> 1117px > viewport 720px"
    ),
    ("04-firewalls", "098824f9", "1440x900-sidebar"): (
        "monospace row wraps: <code> 1 line(s) of text drawn on 2"
    ),
    ("04-firewalls", "d1c265ed", "1440x900-sidebar"): (
        "monospace row wraps: <code> 1 line(s) of text drawn on 3 (2 findings)"
    ),
    ("04-firewalls", "nat-05", "1440x900-sidebar"): (
        "monospace row wraps: <code> 1 line(s) of text drawn on 2"
    ),
    ("04-firewalls", "own-04", "1440x900-sidebar"): (
        "taller than the screen: <div.jp-RenderedImage.jp-mod-trusted.jp-OutputArea-"
        "output> 2038px > viewport 900px"
    ),
    ("04-firewalls", "own-06", "1440x900-sidebar"): (
        "word split mid-string: <td> 1 line(s) of text drawn on 2 (13 findings)"
    ),
    ("04-firewalls", "own-24", "1440x900-sidebar"): (
        "word split mid-string: <td> 1 line(s) of text drawn on 2; taller than the "
        "screen: <div.jp-OutputArea-output> 3412px > viewport 900px (14 findings)"
    ),
    ("04-firewalls", "2321a967", "1440x900-sidebar"): (
        "rows cut off: <select> widest row 439px > 324px of room (2 findings)"
    ),
    ("04-firewalls", "098824f9", "1440x900"): (
        "monospace row wraps: <code> 1 line(s) of text drawn on 2"
    ),
    ("04-firewalls", "own-04", "1440x900"): (
        "taller than the screen: <div.jp-RenderedImage.jp-mod-trusted.jp-OutputArea-"
        "output> 2038px > viewport 900px"
    ),
    ("04-firewalls", "own-06", "1440x900"): (
        "word split mid-string: <td> 1 line(s) of text drawn on 2 (8 findings)"
    ),
    ("04-firewalls", "own-24", "1440x900"): (
        "word split mid-string: <td> 1 line(s) of text drawn on 2; taller than the "
        "screen: <div.jp-OutputArea-output> 3244px > viewport 900px (8 findings)"
    ),
    ("04-firewalls", "2321a967", "1440x900"): (
        "rows cut off: <select> widest row 439px > 324px of room (2 findings)"
    ),
    ("04-firewalls", "098824f9", "1280x720"): (
        "monospace row wraps: <code> 1 line(s) of text drawn on 2"
    ),
    ("04-firewalls", "nat-05", "1280x720"): (
        "monospace row wraps: <code> 1 line(s) of text drawn on 2"
    ),
    ("04-firewalls", "own-04", "1280x720"): (
        "taller than the screen: <div.jp-RenderedImage.jp-mod-trusted.jp-OutputArea-"
        "output> 2038px > viewport 720px"
    ),
    ("04-firewalls", "own-06", "1280x720"): (
        "word split mid-string: <td> 1 line(s) of text drawn on 2 (12 findings)"
    ),
    ("04-firewalls", "own-24", "1280x720"): (
        "word split mid-string: <td> 1 line(s) of text drawn on 2; taller than the "
        "screen: <div.jp-OutputArea-output> 3384px > viewport 720px (13 findings)"
    ),
    ("04-firewalls", "2321a967", "1280x720"): (
        "rows cut off: <select> widest row 439px > 324px of room (2 findings)"
    ),
    ("05-aws-vpc", "vpc-07", "1440x900-sidebar"): (
        "word split mid-string: <td> 1 line(s) of text drawn on 2 (14 findings)"
    ),
    ("05-aws-vpc", "vpc-10", "1440x900-sidebar"): (
        "word split mid-string: <caption> 1 line(s) of text drawn on 2"
    ),
    ("05-aws-vpc", "vpc-46", "1440x900-sidebar"): (
        "word split mid-string: <td> 1 line(s) of text drawn on 2; taller than the "
        "screen: <div.jp-OutputArea-output> 1056px > viewport 900px (12 findings)"
    ),
    ("05-aws-vpc", "vpc-own-05", "1440x900-sidebar"): (
        "word split mid-string: <td> 1 line(s) of text drawn on 2 (32 findings)"
    ),
    ("05-aws-vpc", "vpc-own-07", "1440x900-sidebar"): (
        "scrolls sideways: <div.jp-RenderedHTMLCommon.jp-RenderedHTML.jp-mod-trusted>"
        " scrollWidth 1262 > clientWidth 1008; word split mid-string: <td> 1 line(s) "
        "of text drawn on 2 (36 findings)"
    ),
    ("05-aws-vpc", "vpc-10", "1440x900"): (
        "word split mid-string: <caption> 1 line(s) of text drawn on 2"
    ),
    ("05-aws-vpc", "vpc-46", "1440x900"): (
        "word split mid-string: <td> 1 line(s) of text drawn on 2; taller than the "
        "screen: <div.jp-OutputArea-output> 916px > viewport 900px (10 findings)"
    ),
    ("05-aws-vpc", "vpc-own-07", "1440x900"): (
        "scrolls sideways: <div.jp-RenderedHTMLCommon.jp-RenderedHTML.jp-mod-trusted>"
        " scrollWidth 1262 > clientWidth 1260; word split mid-string: <td> 1 line(s) "
        "of text drawn on 2 (36 findings)"
    ),
    ("05-aws-vpc", "vpc-10", "1280x720"): (
        "word split mid-string: <caption> 1 line(s) of text drawn on 2"
    ),
    ("05-aws-vpc", "vpc-46", "1280x720"): (
        "word split mid-string: <td> 1 line(s) of text drawn on 2; taller than the "
        "screen: <div.jp-OutputArea-output> 1028px > viewport 720px (10 findings)"
    ),
    ("05-aws-vpc", "vpc-own-07", "1280x720"): (
        "scrolls sideways: <div.jp-RenderedHTMLCommon.jp-RenderedHTML.jp-mod-trusted>"
        " scrollWidth 1262 > clientWidth 1100; word split mid-string: <td> 1 line(s) "
        "of text drawn on 2 (36 findings)"
    ),
}


def laid_out_cells(path: Path) -> list[tuple[int, str]]:
    """(index, id) of the code cells whose saved outputs have a widget, HTML or an image."""
    nb = nbformat.read(path, as_version=4)
    return [
        (index, cell.id)
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and any(
            key.startswith(LAID_OUT)
            for out in cell.get("outputs", [])
            for key in out.get("data", {})
        )
    ]


def _cases():
    for notebook in lesson_notebooks():
        for index, cell_id in laid_out_cells(notebook):
            for size in SCREEN_SIZES:
                key = (notebook.stem, cell_id, size.name)  # ids stay when cells are added
                marks = []
                if key in KNOWN_DEFECTS:
                    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[key])]
                yield pytest.param(
                    notebook,
                    index,
                    size,
                    marks=marks,
                    id=f"{notebook.stem}-{cell_id}-{size.name}",
                )


def _screen_now(lab_page) -> ScreenSize:
    """The page's size now, sidebar closed (as the session starts): restored after measuring."""
    size = lab_page.page.viewport_size
    return ScreenSize("start", size["width"], size["height"], False)


class LessonLayouts:
    """Each lesson run once, measured at every size on first use, kept for the module."""

    def __init__(self, lab, lab_page, screenshots: Path):
        self.lab, self.lab_page = lab, lab_page
        self.shots = screenshots / "layout"
        self.shots.mkdir(parents=True, exist_ok=True)
        self.measured: dict[str, dict] = {}

    def of(self, notebook: Path) -> dict:
        if notebook.stem not in self.measured:
            self.measured[notebook.stem] = self._measure(notebook)
        return self.measured[notebook.stem]

    def write_report(self) -> None:
        """Every finding and each lesson's time, as JSON beside the screenshots."""
        report = {
            stem: {
                "seconds": round(m["seconds"], 1),
                "findings": {
                    f"cell{index}-{size}": found
                    for (index, size), found in m["findings"].items()
                    if found
                },
            }
            for stem, m in self.measured.items()
        }
        (self.shots / "findings.json").write_text(json.dumps(report, indent=1))

    def _measure(self, notebook: Path) -> dict:
        page = self.lab_page
        started = time.monotonic()
        widget_id = page.open(f"notebooks/{notebook.name}")
        try:
            page.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
            shown = page.page.evaluate(
                """([id, kinds]) => Array.from(window.__netcourse[id].content.model.cells)
                    .map((cell, index) => [cell, index])
                    .filter(([cell]) => cell.type === 'code' && cell.outputs.toJSON().some(
                      (out) => Object.keys(out.data || {}).some(
                        (key) => kinds.some((kind) => key.startsWith(kind)))))
                    .map(([, index]) => index)""",
                [widget_id, list(LAID_OUT)],
            )
            cells = [index for index, _ in laid_out_cells(notebook)]
            findings: dict[tuple[int, str], list[dict]] = {}
            for size in SCREEN_SIZES:
                page.show_screen(size)
                for index in cells:
                    found = page.layout_findings(widget_id, index)
                    findings[index, size.name] = found
                    if found:
                        shot = self.shots / f"{notebook.stem}-cell{index}-{size.name}.png"
                        page.screenshot_cell_outputs(widget_id, index, shot)
        finally:
            page.close(widget_id)
        return {"shown": shown, "findings": findings, "seconds": time.monotonic() - started}


@pytest.fixture(scope="module")
def layouts(lab, lab_page, screenshots):
    start = _screen_now(lab_page)
    measured = LessonLayouts(lab, lab_page, screenshots)
    yield measured
    measured.write_report()
    lab_page.show_screen(start)


#: A 1x1 PNG: drawn at 1px it is at its natural size.
PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg"
    "=="
)
#: One scratch cell per check that must fire, and one laid out well, with what each must report.
HARNESS_CELLS = [
    (
        "import base64, ipywidgets as w\n"
        "from netcourse.widgets.common import figure_image\n"
        f"png = base64.b64decode('{PIXEL}')\n"
        "w.VBox([w.HTML('<pre style=\"font-family:monospace\">ab\\ncd</pre>'),"
        " w.HTML('<table><tr><td>vpc-0a1b2c3d4e5f60001</td></tr></table>'),"
        " figure_image(value=png)])",
        set(),
    ),
    (
        "from IPython.display import HTML\n"
        "HTML('<div style=\"white-space:nowrap\">' + 'word ' * 400 + '</div>')",
        {"scrolls sideways"},
    ),
    (
        "import ipywidgets as w\nw.Select(options=['x' * 300], layout={'width': '100px'})",
        {"rows cut off", "scrolls sideways"},
    ),
    (
        "import ipywidgets as w\nw.HBox([w.HTML('a', layout={'width': '100px', "
        "'margin': '0 -50px 0 0'}), w.HTML('b', layout={'width': '100px'})])",
        {"overlap"},
    ),
    (
        "import ipywidgets as w\nw.HTML('<div style=\"font-family:monospace;"
        "white-space:pre-wrap;width:100px\">' + 'ab ' * 60 + '</div>')",
        {"monospace row wraps"},
    ),
    (
        "from IPython.display import HTML\n"
        "HTML('<table><tr><td style=\"width:40px\">vpc-0a1b2c3d4e5f60001</td></tr></table>')",
        {"word split mid-string"},
    ),
    (
        "import ipywidgets as w\nw.VBox([w.HTML('tall', layout={'height': '3000px'})])",
        {"taller than the screen"},
    ),
    (
        f"import base64, ipywidgets as w\npng = base64.b64decode('{PIXEL}')\n"
        "w.Image(value=png, format='png', layout={'width': '200px'})",
        {"image upscaled"},
    ),
]


def test_harness_sees_each_defect(lab, lab_page):
    """Each check fires on a cell made to break it, and stays quiet on a cell laid out well."""
    start = _screen_now(lab_page)
    path = lab.write_notebook("layout-harness.ipynb", [source for source, _ in HARNESS_CELLS])
    widget_id = lab_page.open(path)
    try:
        lab_page.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
        lab_page.show_screen(SCREEN_SIZES[2])
        for index, (source, expected) in enumerate(HARNESS_CELLS):
            found = lab_page.layout_findings(widget_id, index)
            assert {f["check"] for f in found} == expected, (index, source, found)
        lab_page.show_screen(SCREEN_SIZES[0])  # the sidebar opens (show_screen checks it)
    finally:
        lab_page.close(widget_id)
        lab_page.show_screen(start)


@pytest.mark.parametrize("notebook", lesson_notebooks(), ids=lambda path: path.stem)
def test_every_laid_out_output_is_measured(notebook, layouts):
    """The cells measured (from the saved notebook) are the cells that show such output now."""
    measured = layouts.of(notebook)
    assert measured["shown"] == [index for index, _ in laid_out_cells(notebook)], (
        f"{notebook.name}: the saved outputs are stale; re-run the notebook"
    )


@pytest.mark.parametrize("notebook, index, size", list(_cases()))
def test_output_fits_the_screen(notebook, index, size, layouts):
    """Nothing scrolls sideways, overlaps, wraps mid-row, outgrows the screen or is upscaled."""
    findings = layouts.of(notebook)["findings"][index, size.name]
    assert not findings, f"{notebook.stem} cell {index} at {size.name}:\n" + "\n".join(
        f"  {f['check']}: {f['detail']}" for f in findings
    )
