"""Every lesson notebook, run in a real JupyterLab in Chromium: no errors, widgets and figures show.

Parametrized over the notebooks present in notebooks/, so a lesson added later is covered by
the same test. The harness itself is checked on scratch notebooks first: it must see a
traceback, a widget and a figure, or the lesson checks below would prove nothing.
"""

from __future__ import annotations

import nbformat
import pytest
from labdriver import NOTEBOOK_RUN_TIMEOUT_MS, lesson_notebooks

pytestmark = pytest.mark.browser


def _problems(reports) -> list[str]:
    return [problem for report in reports for problem in report.problems()]


def test_harness_sees_widgets_figures_and_errors(lab, lab_page):
    """The checks can fail: a traceback, a broken widget and a stderr warning are reported."""
    path = lab.write_notebook(
        "harness.ipynb",
        [
            "import ipywidgets\nipywidgets.IntSlider(value=3, description='n')",
            "from netcourse.plots.style import new_figure\n"
            "fig, ax = new_figure(3, 2)\nax.plot([0, 1], [1, 0])\nfig",
            "from IPython.display import display\n"
            "view = {'model_id': '0' * 32, 'version_major': 2, 'version_minor': 0}\n"
            "display({'application/vnd.jupyter.widget-view+json': view}, raw=True)",
            "import sys\nprint('UserWarning: something looks broken', file=sys.stderr)",
            "1 / 0",
            "'never reached: run-all stops at the error'",
        ],
    )
    # a saved output and count on the last cell must not pass for a fresh run
    saved = nbformat.read(lab.root / path, as_version=4)
    saved.cells[-1].execution_count = 99
    saved.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="STALE")]
    nbformat.write(saved, lab.root / path)
    widget_id = lab_page.open(path)
    try:
        lab_page.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
        reports = lab_page.cell_reports(widget_id)
    finally:
        lab_page.close(widget_id)
    slider, figure, ghost, warning, failing, unreached = reports
    assert slider.widgetOutputs == 1 and slider.widgetNodes > 0, slider
    assert not slider.problems()
    assert figure.imageOutputs == 1 and figure.images == 1, figure
    assert not figure.problems()
    assert any("ZeroDivisionError" in text for text in failing.errors), failing
    assert failing.problems(), "a traceback must count as a problem"
    assert ghost.widgetErrors == 1 and ghost.problems(), ghost  # a widget with no model
    assert warning.stderr and warning.problems(), warning
    assert unreached.executionCount is None  # what the lesson test reports as "never ran"


@pytest.mark.parametrize("notebook", lesson_notebooks(), ids=lambda path: path.stem)
def test_lesson_notebook_runs_clean_in_the_browser(notebook, lab, lab_page, screenshots):
    """Run all cells; every code cell ran, nothing shows an error, widgets and figures render."""
    widget_id = lab_page.open(f"notebooks/{notebook.name}")
    try:
        lab_page.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
        reports = lab_page.cell_reports(widget_id)
        lab_page.notebook(widget_id).screenshot(path=str(screenshots / f"{notebook.stem}.png"))
    finally:
        lab_page.close(widget_id)
    code = [r for r in reports if r.type == "code" and r.source.strip()]
    assert code, f"{notebook.name} has no code cells"
    problems = _problems(reports)
    assert not problems, f"{notebook.name}:\n" + "\n".join(problems)
    not_run = [r.index for r in code if r.executionCount is None]
    assert not not_run, f"{notebook.name}: cells {not_run} never ran"
