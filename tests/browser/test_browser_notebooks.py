"""The harness that runs every lesson in a real JupyterLab in Chromium sees what breaks.

Each lesson itself is run once, in test_layout.py, where the same run is both checked clean
(no errors, every cell ran, widgets and figures show) and measured at every screen size. This
module checks the harness on a scratch notebook: it must see a traceback, a broken widget, a
stderr warning and a cell that never ran, or the lesson checks would prove nothing.
"""

from __future__ import annotations

import nbformat
import pytest
from labdriver import NOTEBOOK_RUN_TIMEOUT_MS

pytestmark = pytest.mark.browser


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
