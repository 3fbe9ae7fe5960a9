"""The figures committed in the lesson notebooks are drawn for 2x screens at their display size.

A PNG output with ``width`` metadata is shown at that width in CSS pixels (JupyterLab, nbconvert);
without it, at one CSS pixel per image pixel: stretched to twice its pixels on a 2x screen.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import nbformat
import pytest
from PIL import Image

from netcourse.lessons import LESSONS
from netcourse.plots.style import PIXEL_RATIO

REPO = Path(__file__).resolve().parents[2]


def _images(path: Path):
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                yield cell.get("id"), png, output.get("metadata", {}).get("image/png", {})


@pytest.mark.parametrize("slug", [lesson.slug for lesson in LESSONS])
def test_every_committed_figure_has_two_pixels_per_css_pixel(slug):
    shown = 0
    for cell_id, png, meta in _images(REPO / "notebooks" / f"{slug}.ipynb"):
        width, height = Image.open(io.BytesIO(base64.b64decode(png))).size
        css = meta.get("width", width), meta.get("height", height)
        assert width >= PIXEL_RATIO * css[0] and height >= PIXEL_RATIO * css[1], (cell_id, css)
        shown += 1
    assert shown >= 1, "every lesson shows at least one figure"
