"""Follow TCP Stream: the bytes each side of a TCP connection sent, as Wireshark rebuilds them.

Wireshark's Analyze > Follow > TCP Stream (``tshark -z follow,tcp,raw,N``) puts a stream's
segments back in sequence order: a retransmitted or overlapping byte is shown once, a segment
that arrived early waits for the ones before it, and bytes that the receiver acknowledged but
the capture never saw are reported as ``[N bytes missing in capture file]``. :func:`follow`
does the same with the capture's decoded headers, with the same rules as Wireshark 4.0.
The client is the side that sent the stream's first segment. Streams are numbered like
Wireshark's ``tcp.stream``. Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> conv = follow("http", 0)
>>> conv.client[:26]
b'GET /hello.txt HTTP/1.1\\r\\nH'
>>> conv.server.endswith(b"Hello from netcourse!\\n"), [d for d, _ in conv.chunks]
(True, ['client', 'server', 'server'])
>>> conv.client_end, conv.gaps
(('198.18.0.1', 40000), [])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from netcourse.errors import CaptureError
from netcourse.html import Cell, Markup, table
from netcourse.packets.capture import Capture
from netcourse.packets.samples import sample  # noqa: F401  (used by the doctest)
from netcourse.packets.tcpstream import SEQ_MASK, check_stream, tcp_segments
from netcourse.protocols import TcpFlags
from netcourse.style import PALETTE

__all__ = ["Gap", "FollowedStream", "follow", "DIRECTIONS"]

#: The two directions of a followed stream, in Wireshark's node order (node 0, node 1).
DIRECTIONS = ("client", "server")
#: Colours of the two sides, as Wireshark draws them (client red, server blue).
DIRECTION_COLOURS = {"client": PALETTE["vermillion"], "server": PALETTE["blue"]}

_SYN = int(TcpFlags.SYN)
_ACK = int(TcpFlags.ACK)
_HALF = 0x8000_0000


def _lt(a: int, b: int) -> bool:
    """``a`` comes before ``b`` in 32-bit sequence space (Wireshark's LT_SEQ)."""
    return (a - b) & SEQ_MASK >= _HALF


def _gt(a: int, b: int) -> bool:
    return _lt(b, a)


@dataclass(frozen=True)
class Gap:
    """Bytes one side sent that the other side received but the capture never saw."""

    direction: str  #: "client" or "server": who sent the missing bytes
    offset: int  #: where they start, counted in that side's bytes from its first one
    length: int  #: how many bytes are missing
    frame: int  #: the frame whose acknowledgement shows they were received
    position: int  #: where they belong in ``.client`` / ``.server`` (bytes before them)

    def __str__(self) -> str:
        return f"[{self.length} bytes missing in capture file]"


@dataclass(frozen=True)
class FollowedStream:
    """One TCP stream's data: what each side sent, in order, each byte once."""

    stream: int  #: Wireshark's ``tcp.stream`` index
    client_end: tuple[str, int]  #: (address, port) of the side that sent the first segment
    server_end: tuple[str, int]
    client: bytes  #: every captured byte the client sent, in sequence order
    server: bytes
    chunks: list[tuple[str, bytes]] = field(default_factory=list)  #: in capture order
    gaps: list[Gap] = field(default_factory=list)  #: bytes that never reached the capture

    def text(self, direction: str | None = None) -> str:
        """The data as text the way Wireshark's ASCII view shows it: printable ASCII, tabs
        and line breaks as they are, any other byte as a dot.

        >>> follow("http", 0).text("server").splitlines()[0]
        'HTTP/1.1 200 OK'
        """
        if direction is None:
            return "".join(_ascii(data) for _, data in self.chunks)
        if direction not in DIRECTIONS:
            raise CaptureError(f"direction {direction!r}: expected 'client' or 'server'")
        return _ascii(self.client if direction == "client" else self.server)

    def _repr_html_(self) -> str:
        rows = []
        for direction, data in self.chunks:
            colour = DIRECTION_COLOURS[direction]
            ends = self.client_end if direction == "client" else self.server_end
            hexdump = Markup("<details><summary>hex</summary><pre>{}</pre></details>").format(
                data.hex(" ")
            )
            rows.append(
                [
                    f"{direction} {ends[0]}:{ends[1]}",
                    len(data),
                    Cell(Markup("<pre>{}</pre>").format(_ascii(data)), style=f"color: {colour}"),
                    hexdump,
                ]
            )
        for gap in self.gaps:
            rows.append([gap.direction, gap.length, str(gap), f"acknowledged in frame {gap.frame}"])
        caption = (
            f"TCP stream {self.stream}: {self.client_end[0]}:{self.client_end[1]} (client, "
            f"{len(self.client)} bytes) ↔ {self.server_end[0]}:{self.server_end[1]} (server, "
            f"{len(self.server)} bytes)"
        )
        return str(
            table(
                rows,
                header=["from", "bytes", "data", "hex"],
                caption=caption,
                cls="netcourse-follow",
            )
        )


def _ascii(data: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 or b in (9, 10, 13) else "." for b in data)


def follow(capture: Capture | str | Path, stream: int) -> FollowedStream:
    """The data of TCP stream ``stream`` (Wireshark's ``tcp.stream`` number) of a capture.

    ``capture`` is a Capture, a capture file path or a sample name.

    >>> try:
    ...     follow("http", 3)
    ... except CaptureError as exc:
    ...     print(exc)
    stream 3: no such TCP stream; this capture's streams are 0
    """
    segs = tcp_segments(capture)
    stream = check_stream(segs, stream)
    rows = segs.rows(stream)
    seq = [0, 0]
    written = [0, 0]
    start: list[int | None] = [None, None]
    fragments: list[list[list]] = [[], []]  # per side: [seq, data, frame] waiting for a hole
    payload: list[tuple[int, bytes]] = []
    gaps: list[Gap] = []
    sizes = [0, 0]
    client: tuple[int, int] | None = None

    def emit(side: int, data: bytes) -> None:
        payload.append((side, data))
        sizes[side] += len(data)

    def fit(side: int, acknowledged: int, frame: int, use_ack: bool) -> bool:
        """Move the first waiting fragment that now fits into the stream (Wireshark's
        check_follow_fragments); with ``use_ack``, an acknowledgement beyond the hole means
        the capture missed bytes the receiver got."""
        waiting = fragments[side]
        if not waiting:
            return False
        lowest = waiting[0][0]
        for k, (frag_seq, data, _) in enumerate(waiting):
            if _gt(lowest, frag_seq):
                lowest = frag_seq
            if _lt(frag_seq, seq[side]):
                newseq = (frag_seq + len(data)) & SEQ_MASK
                if _gt(newseq, seq[side]):
                    new_pos = (seq[side] - frag_seq) & SEQ_MASK
                    if len(data) > new_pos:
                        emit(side, data[new_pos:])
                    seq[side] = (seq[side] + len(data) - new_pos) & SEQ_MASK
                del waiting[k]
                return True
            if frag_seq == seq[side]:
                if data:
                    emit(side, data)
                seq[side] = (seq[side] + len(data)) & SEQ_MASK
                del waiting[k]
                return True
        if use_ack and _gt(acknowledged, lowest):
            missing = (lowest - seq[side]) & SEQ_MASK
            if missing >= _HALF:
                missing -= 1 << 32
            offset = (seq[side] - (start[side] or 0)) & SEQ_MASK
            gaps.append(Gap(DIRECTIONS[side], offset, missing, frame, sizes[side]))
            seq[side] = lowest
            return True
        return False

    for i in rows.tolist():
        if segs.seglen[i] < 0 or segs.header_len[i] < 20 or segs.quoted[i]:
            continue  # Wireshark hands Follow only segments whose length it knows
        sender = (int(segs.src[i]), int(segs.sport[i]))
        if client is None or client[1] == 0:
            client = sender
        side = 0 if sender == client else 1
        sequence = int(segs.rel_seq[i])
        length = int(segs.seglen[i])
        flags = int(segs.flags[i])
        frame = int(segs.frame[i])
        if flags & _SYN:
            sequence = (sequence + 1) & SEQ_MASK
        other = 1 - side
        while fit(other, int(segs.rel_ack[i]), frame, True):
            pass
        if written[side] == 0 and seq[side] == 0:
            seq[side] = sequence
            if start[side] is None:
                start[side] = sequence
        data = segs.payload(i)
        if _lt(sequence, seq[side]):
            nextseq = (sequence + length) & SEQ_MASK
            if _gt(nextseq, seq[side]):
                offset = (seq[side] - sequence) & SEQ_MASK
                data = data[offset:]
                sequence = seq[side]
                length = (nextseq - seq[side]) & SEQ_MASK
        if not data or _lt(sequence, seq[side]):
            continue
        if sequence == seq[side]:
            seq[side] = (seq[side] + length) & SEQ_MASK
            written[side] += len(data)
            emit(side, data)
            while fit(side, 0, frame, False):
                pass
        else:
            fragments[side].append([sequence, data, frame])

    if client is None:
        client_end, server_end = segs.endpoints(stream)
    else:
        first = next(
            i
            for i in rows.tolist()
            if (int(segs.src[i]), int(segs.sport[i])) == client and not segs.quoted[i]
        )
        client_end, server_end = segs.endpoints_of(first)
    chunks = [(DIRECTIONS[side], data) for side, data in payload]
    return FollowedStream(
        stream=stream,
        client_end=client_end,
        server_end=server_end,
        client=b"".join(data for side, data in payload if side == 0),
        server=b"".join(data for side, data in payload if side == 1),
        chunks=chunks,
        gaps=gaps,
    )
