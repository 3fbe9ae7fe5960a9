"""The browser suite's side of netcourse/tools/labdriver.py: the lessons, and where shots go.

Everything that starts JupyterLab and drives its page lives in the package (the screenshot tool,
``python -m netcourse.tools.screenshots``, uses it too); the names are importable from here as
before.
"""

from __future__ import annotations

import os
from pathlib import Path

from netcourse.tools.labdriver import (  # noqa: F401 (re-exported for the tests)
    ALARMING,
    CHROMIUM,
    CHROMIUM_ARGS,
    IMAGE_MIMES,
    LAB_SETTINGS,
    NOTEBOOK_RUN_TIMEOUT_MS,
    SCREEN_SIZES,
    WIDGET_MIME,
    CellReport,
    Lab,
    ScreenSize,
    chromium_context,
    free_port,
    start_lab,
    stop_lab,
)
from netcourse.tools.labdriver import LabPage as _LabPage

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
#: With NETCOURSE_LAYOUT_SHOTS=1, every case the layout tests measure is screenshotted here
#: (not only those with findings), so a run's artifacts show each output at each screen size.
#: Off by default: some 450 screenshots add minutes to `make test`.
LAYOUT_CASES = REPO / "artifacts" / "screenshots" / "layout" / "cases"


def lesson_notebooks() -> list[Path]:
    """Every lesson notebook present now; a lesson added later is picked up automatically."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


class LabPage(_LabPage):
    """The JupyterLab page of the session, reused by every browser test."""

    case_shots = LAYOUT_CASES if os.environ.get("NETCOURSE_LAYOUT_SHOTS") == "1" else None
