"""Figures for the OSI lesson: encapsulation of a real frame, and the two layer models.

Taught in notebooks/02-osi-layers-and-packets.ipynb. Every number drawn comes from
:func:`netcourse.packets.encapsulation` on real bytes, every label from the tables in
:mod:`netcourse.layers` and every colour from :mod:`netcourse.style`.

>>> fig = encapsulation_figure("http", 4)
>>> fig.axes[0].get_xlabel()
'byte offset in the frame'
"""

from __future__ import annotations

import textwrap
from typing import Any

from netcourse import layers
from netcourse.packets import Span, as_dissection, encapsulation
from netcourse.plots.style import PALETTE, new_figure
from netcourse.style import LAYER_COLOURS, NEUTRALS

__all__ = ["encapsulation_figure", "layer_models_figure", "protocol_stacks_figure", "LAYER_COLOURS"]


def _colour(span: Span) -> str:
    return LAYER_COLOURS.get(max(span.protocol.osi or (7,)), PALETTE["purple"])


def encapsulation_figure(source: Any = "http", number: int | None = 4):
    """Nested headers of one frame, drawn to scale: each PDU, its header and its payload.

    ``source`` is a sample name or capture path with a frame ``number``, the bytes of a
    frame, a scapy packet or a dissection. The x axis is the byte offset, so each PDU's bar
    sits exactly over the bytes it covers.
    """
    enc = encapsulation(as_dissection(source, number))
    # one row per PDU; a VLAN tag is drawn inside the Ethernet row, data inside its carrier
    rows: list[list[Span]] = []
    for span in enc.spans:
        if rows and (
            span.name in ("Dot1Q", "Dot1AD", "Padding")
            or (span.name == "Raw" and span.protocol.osi and max(span.protocol.osi) < 4)
        ):
            rows[-1 if span.name != "Padding" else 0].append(span)
        else:
            rows.append([span])
    fig, ax = new_figure(9, 0.9 * len(rows) + 1.4)
    for level, row in enumerate(rows):
        y = len(rows) - 1 - level  # the frame at the bottom, the application on top
        main = row[0]
        ax.broken_barh(
            [(main.start, main.length)],
            (y - 0.35, 0.7),
            facecolors=NEUTRALS["background"],
            edgecolor="grey",
        )
        for span in row:
            is_data = span.name in ("Raw", "Padding")
            ax.broken_barh(
                [(span.start, span.header_length)],
                (y - 0.35, 0.7),
                facecolors=_colour(span),
                edgecolor="white",
                alpha=0.45 if is_data else 0.9,
                hatch="//" if span.name == "Padding" else None,
            )
            label = "data" if span.name == "Raw" else span.name
            if span.name == "Padding":
                label = "padding"
            ax.text(
                span.start + span.header_length / 2,
                y,
                f"{label}\n{span.header_length} B",
                ha="center",
                va="center",
                fontsize=8,
                color="black" if is_data else "white",
            )
        share = main.header_length + sum(s.header_length for s in row[1:] if s.name == "Dot1Q")
        note = f"{main.pdu}: {main.length} B"
        if main.name not in ("Raw",):
            note += f", header {share} B ({share / main.length:.0%})"
        ax.text(enc.size * 1.01, y, note, va="center", fontsize=9)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(
        [f"{row[0].protocol.label} {row[0].pdu}" for row in reversed(rows)], fontsize=9
    )
    ax.set_xlim(0, enc.size * 1.45)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("byte offset in the frame")
    ax.set_ylabel("layer (PDU)")
    ax.set_title(
        f"{enc.size}-byte frame: {enc.header_bytes} B of L2-L4 headers "
        f"({enc.overhead:.0%}), {enc.data_bytes} B of application data",
        fontsize=10,
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def layer_models_figure():
    """The OSI layers beside the TCP/IP layers, with each layer's PDU and devices.

    >>> fig = layer_models_figure()
    >>> len(fig.axes[0].patches)
    11
    """
    fig, ax = new_figure(9, 5.2)
    for entry in layers.OSI:
        y = entry.number - 1
        colour = LAYER_COLOURS[entry.number]
        ax.add_patch(_box(0, y, 3.2, colour))
        ax.text(0.1, y + 0.66, f"{entry.number} {entry.name}", va="center", fontsize=9)
        ax.text(0.1, y + 0.3, entry.pdu, va="center", fontsize=8, style="italic")
        devices = ", ".join(d.name for d in layers.devices_at(entry.number)) or "-"
        ax.text(6.6, y + 0.5, devices, va="center", fontsize=8)
    for name, numbers in layers.TCPIP.items():
        low, high = min(numbers) - 1, max(numbers)
        ax.add_patch(_box(3.4, low, 3.0, LAYER_COLOURS[numbers[-1]], height=high - low))
        ax.text(4.9, (low + high) / 2, name, va="center", ha="center", fontsize=9)
    ax.set_xlim(0, 11.5)
    ax.set_ylim(0, 7)
    ax.set_xticks([1.6, 4.9, 8.5])
    ax.set_xticklabels(["OSI (with PDU)", "TCP/IP (RFC 1122)", "devices working here"])
    ax.set_yticks([])
    ax.set_ylabel("layer, bottom to top")
    ax.set_xlabel("model")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def protocol_stacks_figure():
    """HTTP/1.1, HTTP/2, WebSocket, gRPC and HTTP/3 side by side, layer 3 up to layer 7.

    >>> fig = protocol_stacks_figure()
    >>> [label.get_text() for label in fig.axes[0].get_xticklabels()][:2]
    ['HTTP/1.1', 'HTTP/2']
    """
    names = list(layers.STACKS)
    fig, ax = new_figure(10, 5)
    width = 2.0
    for column, name in enumerate(names):
        x = column * (width + 0.15)
        for text, number in layers.STACKS[name]:
            y = number - 3
            ax.add_patch(_box(x, y, width, LAYER_COLOURS[number]))
            label = textwrap.fill(text, 18)
            ax.text(x + width / 2, y + 0.5, label, ha="center", va="center", fontsize=8)
    ax.set_xlim(0, len(names) * (width + 0.15))
    ax.set_ylim(0, 5)
    ax.set_xticks([c * (width + 0.15) + width / 2 for c in range(len(names))])
    ax.set_xticklabels(names)
    ax.set_yticks([n - 2.5 for n in range(3, 8)])
    ax.set_yticklabels([layers.layer(n).label for n in range(3, 8)])
    ax.set_xlabel("protocol stack")
    ax.set_ylabel("OSI layer")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def _box(x: float, y: float, width: float, colour: str, height: float = 1.0):
    from matplotlib.patches import FancyBboxPatch  # heavy: loaded when a figure is drawn

    return FancyBboxPatch(
        (x + 0.03, y + 0.05),
        width - 0.06,
        height - 0.1,
        boxstyle="round,pad=0,rounding_size=0.08",
        facecolor=colour,
        alpha=0.25,
        edgecolor=colour,
    )
