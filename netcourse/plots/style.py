"""The course's figure style: the palette of :mod:`netcourse.style` and a figure factory.

>>> len(PALETTE), PALETTE["blue"]
(8, '#0072B2')
>>> fig, ax = new_figure(4, 2); type(fig).__name__
'Figure'
"""

from __future__ import annotations

from netcourse.style import CYCLE, PALETTE

__all__ = ["PALETTE", "CYCLE", "new_figure"]


def new_figure(width: float = 8, height: float = 4, **kwargs):
    """A (figure, axes) pair in the course style, already closed in pyplot (shown once)."""
    import matplotlib
    import matplotlib.pyplot as plt

    with plt.rc_context({"axes.prop_cycle": matplotlib.cycler(color=CYCLE)}):
        fig, ax = plt.subplots(figsize=(width, height), **kwargs)
    plt.close(fig)
    return fig, ax
