"""The whole path of a journey as one figure: home LAN, internet, VPC, the current device lit.

Taught in notebooks/06-packet-journey.ipynb.

>>> from netcourse.journey import scenario
>>> fig = path_figure(scenario("healthy").run(), step=1)
>>> [t.get_text() for t in fig.axes[0].texts][:3]
['home LAN', 'internet', 'AWS VPC']
"""

from __future__ import annotations

from netcourse.errors import JourneyError
from netcourse.journey.events import NODES, Journey
from netcourse.plots.style import PALETTE, new_figure
from netcourse.readers import read_int
from netcourse.style import NEUTRALS

__all__ = ["path_figure", "POSITIONS"]

#: Where each node of :data:`netcourse.journey.events.NODES` sits on the figure (x, y).
POSITIONS = {
    "laptop": (0.0, 0.0),
    "printer": (0.0, -1.0),
    "home switch": (1.2, -0.5),
    "home router": (2.4, 0.0),
    "internet": (4.0, 0.0),
    "internet gateway": (5.6, 0.0),
    "network ACL": (6.8, 0.0),
    "route table": (6.8, -1.0),
    "security group": (8.0, 0.0),
    "instance": (9.2, 0.0),
}

#: The links drawn between nodes (the path a packet can take).
_LINKS = (
    ("laptop", "home switch"),
    ("printer", "home switch"),
    ("home switch", "home router"),
    ("home router", "internet"),
    ("internet", "internet gateway"),
    ("internet gateway", "route table"),
    ("route table", "network ACL"),
    ("network ACL", "security group"),
    ("security group", "instance"),
)

_ZONES = (("home LAN", -0.6, 3.0), ("internet", 3.2, 4.8), ("AWS VPC", 5.0, 9.8))


def path_figure(journey: Journey, step: int | None = None):
    """The path with the nodes the packet visited up to ``step`` (1-based) and ``step`` lit.

    The current device is drawn large in orange (vermillion when it stopped the packet);
    devices already visited are blue; the others grey.
    """
    events = journey.events
    if step is None:
        step = len(events)
    number = read_int(step, what="step", error=JourneyError)
    step = max(1, min(number, len(events))) if events else 0
    current = events[step - 1] if events else None
    visited = {e.node for e in events[:step]}
    fig, ax = new_figure(10, 3.4)
    for label, left, right in _ZONES:
        ax.axvspan(left, right, color=PALETTE["sky"], alpha=0.12, lw=0)
        ax.text(
            (left + right) / 2,
            1.05,
            label,
            ha="center",
            va="bottom",
            fontsize=11,
            fontweight="bold",
        )
    for a, b in _LINKS:
        (x1, y1), (x2, y2) = POSITIONS[a], POSITIONS[b]
        used = a in visited and b in visited
        ax.plot(
            [x1, x2],
            [y1, y2],
            color=PALETTE["blue"] if used else NEUTRALS["rule"],
            lw=2.5 if used else 1.2,
            zorder=1,
        )
    for node, (x, y) in POSITIONS.items():
        colour, size = NEUTRALS["rule"], 220
        if node in visited:
            colour = PALETTE["blue"]
        if current is not None and node == current.node:
            colour = PALETTE["orange"] if current.ok else PALETTE["vermillion"]
            size = 520
        ax.scatter([x], [y], s=size, color=colour, edgecolor="black", zorder=3)
        ax.text(
            x,
            y - 0.3,
            node.replace(" ", "\n", 1) if len(node) > 12 else node,
            ha="center",
            va="top",
            fontsize=8,
        )
    if current is not None:
        arrow = "→" if current.direction == "request" else "←"
        state = "" if current.ok else "  ✘ stopped here"
        ax.set_title(
            f"step {current.step}/{len(events)} {arrow} {current.direction}: {current.device} "
            f"({current.kind}) — {current.decision}{state}",
            fontsize=9,
        )
    ax.set_xlim(-0.8, 10.0)
    ax.set_ylim(-1.6, 1.4)
    ax.set_xlabel("where the packet is: home LAN, internet, AWS VPC (left to right)")
    ax.set_ylabel("devices")
    ax.set_xticks([])
    ax.set_yticks([])
    assert set(POSITIONS) == set(NODES)
    return fig
