"""Figures for captures: who talked to whom, how much, and when.

Taught in notebooks/02-osi-layers-and-packets.ipynb. Data comes from
:func:`netcourse.packets.conversations` and :func:`netcourse.packets.read_capture`.

>>> fig = conversations_figure("udp", proto="udp")
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['198.18.0.1:40000 → 198.18.0.2:7', '198.18.0.1:40000 → 198.18.0.2:9']
>>> fig.axes[0].get_xlabel()
'bytes (frame lengths)'
"""

from __future__ import annotations

from pathlib import Path

from netcourse.packets import conversations, read_capture
from netcourse.plots.style import PALETTE, new_figure

__all__ = ["conversations_figure", "timeline_figure"]


def _end(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def conversations_figure(path: str | Path, proto: str = "tcp", top: int = 10):
    """Bytes each way for the ``top`` biggest conversations of a capture (A → B and B → A)."""
    table = sorted(conversations(path, proto=proto), key=lambda c: -c.bytes)[:top]
    fig, ax = new_figure(8, 0.5 * max(len(table), 2) + 1.2)
    labels = [f"{_end(c.address_a, c.port_a)} → {_end(c.address_b, c.port_b)}" for c in table]
    rows = range(len(table))
    a_to_b = [c.bytes_a_to_b for c in table]
    ax.barh(rows, a_to_b, color=PALETTE["blue"], label="A → B")
    ax.barh(
        rows, [c.bytes_b_to_a for c in table], left=a_to_b, color=PALETTE["orange"], label="B → A"
    )
    ax.set_yticks(list(rows), labels)
    ax.invert_yaxis()
    ax.set_xlabel("bytes (frame lengths)")
    ax.set_title(f"{proto.upper()} conversations in {Path(str(path)).name}")
    if table:
        ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def timeline_figure(path: str | Path):
    """Each packet as a dot: time since the first packet against its length, by protocol.

    >>> timeline_figure("ipv6").axes[0].get_ylabel()
    'frame length (bytes)'
    """
    cap = read_capture(path)
    fig, ax = new_figure(8, 3.5)
    by_protocol: dict[str, tuple[list[float], list[int]]] = {}
    for row in cap[:5000]:  # the first 5000 packets: enough to see the pattern
        times, lengths = by_protocol.setdefault(row.protocol, ([], []))
        times.append(row.time)
        lengths.append(row.length)
    for protocol, (times, lengths) in sorted(by_protocol.items()):
        ax.plot(times, lengths, "o", label=protocol, markersize=5)
    ax.set_xlabel("time since the first packet (s)")
    ax.set_ylabel("frame length (bytes)")
    ax.set_title(f"packets of {Path(str(path)).name}")
    if by_protocol:
        ax.legend(loc="upper right", fontsize="small")
    fig.tight_layout()
    return fig
