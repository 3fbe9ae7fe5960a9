"""Figures for notebooks/01-sockets-and-4-tuples.ipynb: the TCP state machine and a ladder.

>>> from netcourse.sockets import TEARDOWN_ROLES, state_path
>>> fig = state_machine(client=state_path(TEARDOWN_ROLES["closes first"]))
>>> type(fig).__name__
'Figure'
"""

from __future__ import annotations

from collections.abc import Sequence

from netcourse.plots.style import PALETTE, new_figure
from netcourse.sockets import TCP_TRANSITIONS, Handshake, handshake
from netcourse.style import NEUTRALS

__all__ = ["STATE_LAYOUT", "state_machine", "ladder"]

#: Where each ss state sits in the figure (x, y), after RFC 9293's figure 5. CLOSED is drawn
#: twice, at the top where connections start and at the bottom where they end.
STATE_LAYOUT: dict[str, tuple[float, float]] = {
    "CLOSED": (2.0, 7.0),
    "LISTEN": (0.6, 6.0),
    "SYN-RECV": (0.6, 5.0),
    "SYN-SENT": (3.4, 5.0),
    "ESTAB": (2.0, 4.0),
    "FIN-WAIT-1": (0.6, 3.0),
    "CLOSE-WAIT": (3.4, 3.0),
    "FIN-WAIT-2": (0.6, 2.0),
    "CLOSING": (2.0, 2.0),
    "LAST-ACK": (3.4, 2.0),
    "TIME-WAIT": (0.6, 1.0),
    "CLOSED (end)": (2.0, 0.0),
}

_END_FROM = {"TIME-WAIT", "LAST-ACK"}  # transitions into CLOSED drawn to the bottom copy


def _node(state: str, source: str | None = None) -> str:
    return "CLOSED (end)" if state == "CLOSED" and source in _END_FROM else state


def _edges(path: Sequence[str] | None) -> set[tuple[str, str]]:
    if not path:
        return set()
    return {(_node(a), _node(b, a)) for a, b in zip(path, path[1:])}


def state_machine(
    client: Sequence[str] | None = None,
    server: Sequence[str] | None = None,
    title: str = "TCP states (as ss names them)",
):
    """Draw the TCP state machine, highlighting the client's and the server's paths.

    Paths are sequences of ss state names such as :meth:`netcourse.sockets.Teardown.path`.
    Taught in notebooks/01-sockets-and-4-tuples.ipynb.
    """
    fig, ax = new_figure(9, 8.5)
    paths = {
        "client": (_edges(client), PALETTE["blue"]),
        "server": (_edges(server), PALETTE["orange"]),
    }
    visited: dict[str, list[str]] = {}
    for name, seq in (("client", client), ("server", server)):
        for i, state in enumerate(seq or ()):
            node = _node(state, seq[i - 1] if i else None)
            visited.setdefault(node, []).append(name)
    for source, target, event in TCP_TRANSITIONS:
        a, b = _node(source), _node(target, source)
        colours = [colour for edges, colour in paths.values() if (a, b) in edges]
        (x1, y1), (x2, y2) = STATE_LAYOUT[a], STATE_LAYOUT[b]
        rad = 0.25 if (a, b) in {("ESTAB", "CLOSE-WAIT"), ("CLOSED", "LISTEN")} else 0.0
        for k, colour in enumerate(colours or [PALETTE["black"]]):
            ax.annotate(
                "",
                xy=(x2, y2),
                xytext=(x1, y1),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": colour if colours else NEUTRALS["faint"],
                    "lw": 3 if colours else 1,
                    "shrinkA": 16,
                    "shrinkB": 16,
                    "connectionstyle": f"arc3,rad={rad + 0.08 * k}",
                },
                zorder=2 if colours else 1,
            )
        ax.text(
            (x1 + x2) / 2,
            (y1 + y2) / 2,
            event,
            fontsize=7,
            ha="center",
            va="center",
            color=NEUTRALS["text"],
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            zorder=3,
        )
    for node, (x, y) in STATE_LAYOUT.items():
        who = visited.get(node, [])
        edge = PALETTE["black"]
        if who:
            edge = PALETTE["blue"] if set(who) == {"client"} else PALETTE["orange"]
            if set(who) == {"client", "server"}:
                edge = PALETTE["green"]
        ax.text(
            x,
            y,
            node.replace(" (end)", ""),
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold" if who else "normal",
            bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": edge, "lw": 2.5 if who else 1},
            zorder=4,
        )
    from matplotlib.lines import Line2D  # heavy: matplotlib loads only when a figure is drawn

    handles = []
    for name, (edges, colour) in paths.items():
        if edges:
            handles.append(Line2D([], [], color=colour, lw=3, label=f"{name} path"))
    if client and server:
        handles.append(Line2D([], [], color=PALETTE["green"], lw=3, label="state on both paths"))
    if handles:
        ax.legend(handles=handles, loc="upper right", frameon=False)
    ax.set_xlim(-0.4, 4.4)
    ax.set_ylim(-0.6, 7.6)
    ax.set_xlabel("left: passive open and active close; right: active open and passive close")
    ax.set_ylabel("time flows downward")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


def ladder(capture: Handshake | None = None):
    """Draw a capture's segments as a ladder: client left, server right, time downward.

    >>> type(ladder()).__name__
    'Figure'
    """
    capture = capture if capture is not None else handshake()
    steps = capture.steps
    fig, ax = new_figure(8, 0.55 * len(steps) + 1.2)
    for x, name in ((0, "client"), (1, "server")):
        ax.plot([x, x], [0, len(steps) + 0.5], color=PALETTE["black"], lw=1)
        ax.text(x, -0.3, name, ha="center", va="bottom", fontweight="bold")
    for i, step in enumerate(steps, 1):
        start, end = (0, 1) if step.sender == "client" else (1, 0)
        colour = {"handshake": PALETTE["blue"], "data": PALETTE["green"]}.get(
            step.phase, PALETTE["vermillion"]
        )
        ax.annotate(
            "",
            xy=(end, i + 0.35),
            xytext=(start, i),
            arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.8},
        )
        ack = "" if step.relative_ack is None else f" ack={step.relative_ack}"
        ax.text(
            0.5,
            i + 0.1,
            f"{step.flags} seq={step.relative_seq}{ack} len={step.length}",
            ha="center",
            va="bottom",
            fontsize=8,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"},
        )
    ax.set_ylim(len(steps) + 0.8, -0.6)
    ax.set_xlim(-0.3, 1.3)
    ax.set_xticks([])
    ax.set_ylabel("segment number (time flows downward)")
    ax.set_title("Handshake (blue), data (green), teardown (red); relative numbers")
    return fig
