"""The course's figure style: the Okabe-Ito colour-blind-safe palette and a figure factory.

>>> len(PALETTE), PALETTE["blue"]
(8, '#0072B2')
>>> fig, ax = new_figure(4, 2); type(fig).__name__
'Figure'
"""

from __future__ import annotations

__all__ = ["PALETTE", "CYCLE", "new_figure"]

#: Okabe & Ito (2008), readable under every common form of colour blindness.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
#: The order to use for categorical series.
CYCLE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow")]


def new_figure(width: float = 8, height: float = 4, **kwargs):
    """A (figure, axes) pair in the course style, already closed in pyplot (shown once)."""
    import matplotlib
    import matplotlib.pyplot as plt

    with plt.rc_context({"axes.prop_cycle": matplotlib.cycler(color=CYCLE)}):
        fig, ax = plt.subplots(figsize=(width, height), **kwargs)
    plt.close(fig)
    return fig, ax
