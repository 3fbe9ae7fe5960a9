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
KNOWN_DEFECTS: dict[tuple[str, str, str], str] = {}


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
            reports = page.cell_reports(widget_id)  # before any resize: what Run All shows
            page.notebook(widget_id).screenshot(
                path=str(self.shots.parent / f"{notebook.stem}.png")
            )
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
        return {
            "reports": reports,
            "shown": shown,
            "findings": findings,
            "seconds": time.monotonic() - started,
        }


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
def test_lesson_notebook_runs_clean_in_the_browser(notebook, layouts):
    """Run all cells; every code cell ran, nothing shows an error, widgets and figures render.

    The run is the one the layout cases measure (each lesson runs once in this module); the
    harness that proves these reports can fail is in test_browser_notebooks.py.
    """
    reports = layouts.of(notebook)["reports"]
    code = [r for r in reports if r.type == "code" and r.source.strip()]
    assert code, f"{notebook.name} has no code cells"
    problems = [problem for report in reports for problem in report.problems()]
    assert not problems, f"{notebook.name}:\n" + "\n".join(problems)
    not_run = [r.index for r in code if r.executionCount is None]
    assert not not_run, f"{notebook.name}: cells {not_run} never ran"


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
