"""The course's figure style: the palette of :mod:`netcourse.style` and a figure factory.

Figures are drawn at their display size and for screens of :data:`PIXEL_RATIO` device pixels
per CSS pixel: in a notebook the first course figure turns IPython's inline backend to
``retina`` PNG (twice the pixels, shown at the figure's own size), and widgets embed figures as
SVG (:func:`figure_svg`), sharp at any size.

>>> len(PALETTE), PALETTE["blue"]
(8, '#0072B2')
>>> fig, ax = new_figure(4, 2); type(fig).__name__
'Figure'
"""

from __future__ import annotations

import io
import sys
import threading

from netcourse.style import CYCLE, PALETTE

__all__ = ["PALETTE", "CYCLE", "PIXEL_RATIO", "new_figure", "figure_svg"]

#: Device pixels per CSS pixel the figures are drawn for (laptops and phones have 2).
PIXEL_RATIO = 2

#: pyplot's registry of open figures is shared and unlocked: one figure is made at a time.
_PYPLOT = threading.Lock()
#: SVG output is set through rcParams only: one SVG is written at a time, settings restored.
_SVG = threading.Lock()
#: Fixed ids in SVG output (matplotlib otherwise draws random ones), so output is reproducible.
_SVG_RC = {"svg.hashsalt": "netcourse", "svg.fonttype": "path", "svg.image_inline": True}


def _crisp_inline() -> None:
    """In an IPython kernel with the inline backend, show figures as retina PNG (once).

    Only when the formats are still IPython's default (``{'png'}``): a learner's own choice
    (``%config InlineBackend.figure_formats = ...``) is kept.
    """
    if "IPython" not in sys.modules or "matplotlib_inline" not in sys.modules:
        return
    from IPython import get_ipython  # only in a kernel, where it is already loaded

    shell = get_ipython()
    if shell is None:
        return
    from matplotlib_inline.backend_inline import InlineBackend  # loaded: checked above

    config = InlineBackend.instance(parent=shell)
    if config.shell is not None and config.figure_formats == {"png"}:
        config.figure_formats = {"retina"}


def new_figure(width: float = 8, height: float = 4, **kwargs):
    """A (figure, axes) pair in the course style, already closed in pyplot (shown once).

    The colours are set on the figure's own axes, never in the global ``rcParams``, so a
    figure drawn in one thread leaves everyone else's matplotlib as it was.

    >>> fig, ax = new_figure(4, 2)
    >>> ax.plot([0, 1])[0].get_color() == CYCLE[0]
    True
    """
    import matplotlib.pyplot as plt  # matplotlib is heavy: only when a figure is drawn

    with _PYPLOT:
        fig, ax = plt.subplots(figsize=(width, height), **kwargs)
        plt.close(fig)
        _crisp_inline()
    for axes in fig.axes:
        axes.set_prop_cycle(color=CYCLE)
    return fig, ax


def figure_svg(fig) -> bytes:
    """``fig`` as SVG bytes for a widget: the same bytes for the same figure, text as paths.

    Text is drawn as paths (``svg.fonttype`` ``'path'``) so the figure looks the same in a
    browser without matplotlib's fonts and every label keeps the size its box was made for.

    >>> fig, ax = new_figure(2, 1)
    >>> svg = figure_svg(fig)
    >>> svg.startswith(b"<?xml") and svg == figure_svg(fig)
    True
    """
    import matplotlib  # matplotlib is heavy: only when a figure is drawn

    buffer = io.BytesIO()
    with _SVG, matplotlib.rc_context(_SVG_RC):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()
