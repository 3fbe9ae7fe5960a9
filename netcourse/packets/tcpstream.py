"""TCP streams as Wireshark numbers them: every TCP segment with its ``tcp.stream`` index.

Wireshark gives each TCP conversation an index, counting from 0 in the order conversations
first appear in the capture. A SYN that reuses the ports of an earlier conversation with
another initial sequence number starts a new one ("TCP Port numbers reused"); a TCP header
quoted inside an ICMP error belongs to (or opens) a conversation too. This module gives that
index, the segment lengths and the relative sequence numbers for every segment at once
(computed in netcourse.packets.segments), for :func:`netcourse.packets.follow` and
:func:`netcourse.packets.expert`. Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> segs = tcp_segments("http")
>>> segs.streams, segs.frame[:4].tolist(), segs.stream[:4].tolist()
(1, [1, 2, 3, 4], [0, 0, 0, 0])
>>> segs.seglen[:4].tolist(), segs.rel_seq[:4].tolist()
([0, 0, 0, 100], [0, 0, 1, 1])
>>> segs.endpoints(0)
(('198.18.0.1', 40000), ('198.18.0.2', 8000))
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from netcourse.errors import CaptureError, quote
from netcourse.packets.capture import Capture, read_capture
from netcourse.packets.segments import (
    REUSE_NEW,
    REUSE_NONE,
    REUSE_SAME_SYN,
    REUSE_SYNACK,
    SEQ_MASK,
    TcpSegments,
)

__all__ = ["TcpSegments", "tcp_segments", "as_capture", "SEQ_MASK"]
__all__ += ["REUSE_NONE", "REUSE_NEW", "REUSE_SAME_SYN", "REUSE_SYNACK", "check_stream"]


def as_capture(capture: Capture | str | Path) -> Capture:
    """A Capture from a Capture, a capture file path or a sample name."""
    if isinstance(capture, Capture):
        return capture
    if isinstance(capture, (str, Path)):
        return read_capture(capture)
    raise CaptureError(
        f"expected a Capture, a capture file path or a sample name, not {type(capture).__name__}"
    )


def check_stream(segments: TcpSegments, stream: object, error=CaptureError) -> int:
    """The stream number as an int, or ``error`` naming it and the valid range."""
    count = segments.streams
    valid = f"0-{count - 1}" if count > 1 else ("0" if count == 1 else "none")
    if isinstance(stream, bool) or not isinstance(stream, (int, np.integer)):
        raise error(
            f"stream {quote(stream)}: expected a tcp.stream number "
            f"(this capture's TCP streams: {valid})"
        )
    if not 0 <= int(stream) < count:
        raise error(
            f"stream {int(stream)}: no such TCP stream; this capture's streams are {valid}"
            + ("" if count else " (it holds no TCP)")
        )
    return int(stream)


def tcp_segments(capture: Capture | str | Path) -> TcpSegments:
    """Every TCP segment of a capture with Wireshark's ``tcp.stream`` index (cached).

    >>> tcp_segments("udp").streams
    0
    """
    return as_capture(capture).tcp_context.segments
