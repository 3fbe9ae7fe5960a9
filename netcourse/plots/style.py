"""The course's figure style: the palette of :mod:`netcourse.style` and a figure factory.

>>> len(PALETTE), PALETTE["blue"]
(8, '#0072B2')
>>> fig, ax = new_figure(4, 2); type(fig).__name__
'Figure'
"""

from __future__ import annotations

import threading

from netcourse.style import CYCLE, PALETTE

__all__ = ["PALETTE", "CYCLE", "new_figure"]

#: pyplot's registry of open figures is shared and unlocked: one figure is made at a time.
_PYPLOT = threading.Lock()


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
    for axes in fig.axes:
        axes.set_prop_cycle(color=CYCLE)
    return fig, ax
