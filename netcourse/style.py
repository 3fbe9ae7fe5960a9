"""The course's colours, declared once for plots and widgets alike (pure data, no matplotlib).

The categorical colours are Okabe & Ito's colour-blind-safe palette; each meaning (a verdict,
an OSI layer, a switch action) takes one of them here, so a figure and a widget never disagree.

>>> len(PALETTE), PALETTE["blue"], VERDICT_COLOURS["DROP"] == PALETTE["vermillion"]
(8, '#0072B2', True)
"""

from __future__ import annotations

__all__ = [
    "PALETTE",
    "CYCLE",
    "NEUTRALS",
    "TINTS",
    "ERROR_COLOUR",
    "VERDICT_COLOURS",
    "LAYER_COLOURS",
    "SWITCH_ACTION_COLOURS",
]

#: Okabe & Ito (2008), readable under every common form of colour blindness.
PALETTE: dict[str, str] = {
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
CYCLE: list[str] = [
    PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow")
]
#: Greys, from text to backgrounds.
NEUTRALS: dict[str, str] = {
    "text": "#333333",
    "dark": "#444444",
    "label": "#555555",
    "muted": "#777777",
    "faint": "#999999",
    "rule": "#BBBBBB",
    "grid": "#DDDDDD",
    "background": "#f2f2f2",
}
#: Light backgrounds for table rows and cells, one per palette colour that needs one.
TINTS: dict[str, str] = {
    "green": "#d6f0e6",
    "vermillion": "#fde0d0",
    "blue": "#DCEBF7",
}
#: The colour of an inline error message in a widget (a red that reads on white).
ERROR_COLOUR = "#b00020"

#: One colour per verdict, for firewall decisions and reachability alike.
VERDICT_COLOURS: dict[str, str] = {
    "ACCEPT": PALETTE["green"],
    "DROP": PALETTE["vermillion"],
    "REJECT": PALETTE["orange"],
}
#: One colour per OSI layer (5-7 share one: the application's bytes).
LAYER_COLOURS: dict[int, str] = {
    1: PALETTE["black"],
    2: PALETTE["blue"],
    3: PALETTE["orange"],
    4: PALETTE["green"],
    5: PALETTE["vermillion"],
    6: PALETTE["vermillion"],
    7: PALETTE["vermillion"],
}
#: What a switch does with a frame.
SWITCH_ACTION_COLOURS: dict[str, str] = {
    "forward": PALETTE["green"],
    "flood": PALETTE["orange"],
    "filter": NEUTRALS["faint"],
    "drop": PALETTE["vermillion"],
}
