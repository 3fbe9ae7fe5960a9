"""Expert Info for TCP: Wireshark's sequence analysis (retransmissions, duplicate ACKs, ...).

Wireshark follows every TCP flow through a capture and flags segments that do not advance it
the way a clean connection would: a retransmission, a duplicate ACK, a zero window, a segment
after a hole the capture missed. :func:`expert` applies the rules of Wireshark 4.0's
``tcp_analyze_sequence_number`` (epan/dissectors/packet-tcp.c), in the same order and with the
same conditions, to the capture's decoded headers (in netcourse.packets.analysis, which the
packet list's Info labels share), and lists each flag as the Expert Info
dialog does: the frame, the ``tcp.analysis`` field, its severity and message.
Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> expert("http")
ExpertInfo([])
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from netcourse.html import table
from netcourse.packets.capture import Capture
from netcourse.packets.samples import sample  # noqa: F401  (used by the doctest)
from netcourse.packets.tcpstream import as_capture
from netcourse.protocols import TCP_ANALYSIS_FLAGS

__all__ = ["ExpertItem", "ExpertInfo", "expert", "FLAGS"]

#: The flags expert() reports: Wireshark's tcp.analysis field names, in its reporting order.
FLAGS = tuple(TCP_ANALYSIS_FLAGS)


@dataclass(frozen=True)
class ExpertItem:
    """One expert flag on one frame."""

    frame: int  #: 1-based, like Wireshark's No. column
    flag: str  #: the tcp.analysis field name without the prefix (``retransmission``)
    severity: str  #: Wireshark's severity: ``chat``, ``note`` or ``warning``
    summary: str  #: Wireshark's one-line message
    stream: int  #: the frame's tcp.stream


class ExpertInfo(list):
    """The expert items of a capture, in frame order, shown as a table in a notebook."""

    def counts(self) -> dict[str, int]:
        """How many frames carry each flag.

        >>> expert("http").counts()
        {}
        """
        return dict(Counter(item.flag for item in self))

    def __repr__(self) -> str:
        return f"ExpertInfo({list.__repr__(self)})"

    def _repr_html_(self) -> str:
        rows = [[i.frame, i.stream, i.severity, i.flag, i.summary] for i in self]
        caption = f"{len(self)} expert items" + (
            ": " + ", ".join(f"{n} {flag}" for flag, n in self.counts().items()) if self else ""
        )
        return str(
            table(
                rows,
                header=["No.", "stream", "severity", "tcp.analysis", "summary"],
                caption=caption,
                row_classes=[f"severity-{i.severity}" for i in self],
                cls="netcourse-expert",
            )
        )


def expert(capture: Capture | str | Path) -> ExpertInfo:
    """Wireshark's TCP Expert Info for a capture: one item per frame and flag.

    ``capture`` is a Capture, a capture file path or a sample name.

    >>> [(i.frame, i.flag) for i in expert("http")]
    []
    """
    ctx = as_capture(capture).tcp_context
    segs, result = ctx.segments, ctx.analysis
    out = ExpertInfo()
    for i in np.flatnonzero(result.reported & (result.bits != 0)).tolist():
        frame, stream = int(segs.frame[i]), int(segs.stream[i])
        for name in result.names(i):
            info = TCP_ANALYSIS_FLAGS[name]
            summary = (
                info.summary.format(int(result.dupack[i]))
                if name == "duplicate_ack"
                else info.summary
            )
            out.append(ExpertItem(frame, name, info.severity, summary, stream))
    return out
