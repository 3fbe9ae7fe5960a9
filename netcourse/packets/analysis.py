"""Wireshark's TCP sequence analysis, segment by segment, and the packet list's TCP context.

:func:`analyse` applies the rules of Wireshark 4.0's ``tcp_analyze_sequence_number``
(epan/dissectors/packet-tcp.c), in the same order and with the same conditions, to a capture's
TCP segments: the analysis bits of each segment (retransmission, duplicate ACK, zero window,
...), the duplicate ACK numbers and the window each segment shows. :func:`packet_context`
turns that into what the packet list's Info column needs per frame: Wireshark's relative
numbers, the window as shown and the ``[TCP ...]`` labels in front. The public views are
:func:`netcourse.packets.expert` and the packet list of :class:`netcourse.packets.Capture`.

>>> from netcourse.packets.capture import _index
>>> from netcourse.packets.fast import decode
>>> index = _index("http")
>>> ctx = packet_context(index, decode(index))
>>> ctx.rel_seq[:4].tolist(), ctx.labels
([0, 0, 1, 1], {})
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netcourse.packets.segments import (
    REUSE_NEW,
    REUSE_SAME_SYN,
    REUSE_SYNACK,
    SEQ_MASK,
    TcpSegments,
    segments,
)
from netcourse.packets.streams import TcpContext, tcp_context
from netcourse.protocols import TCP_ANALYSIS_FLAGS, TcpFlags

__all__ = ["SegmentAnalysis", "analyse", "PacketContext", "packet_context", "REPORTED"]

_SYN, _ACK, _FIN, _RST = (int(f) for f in (TcpFlags.SYN, TcpFlags.ACK, TcpFlags.FIN, TcpFlags.RST))
_SFR = _SYN | _FIN | _RST
_HALF = 0x8000_0000
_U64 = 1 << 64
#: Wireshark keeps at most this many unacknowledged segments per flow (TCP_MAX_UNACKED_SEGMENTS).
MAX_UNACKED = 10_000
#: A retransmission this soon after the second duplicate ACK is a fast retransmission (20 ms).
FAST_RETRANSMISSION_NS = 20_000_000
#: Without a handshake RTT, a segment this soon after the highest one is out of order (3 ms).
OUT_OF_ORDER_NS = 3_000_000

# Wireshark's TCP_A_* analysis bits
RETRANSMISSION = 0x0001
LOST_PACKET = 0x0002
ACK_LOST_PACKET = 0x0004
KEEP_ALIVE = 0x0008
DUPLICATE_ACK = 0x0010
ZERO_WINDOW = 0x0020
ZERO_WINDOW_PROBE = 0x0040
ZERO_WINDOW_PROBE_ACK = 0x0080
KEEP_ALIVE_ACK = 0x0100
OUT_OF_ORDER = 0x0200
FAST_RETRANSMISSION = 0x0400
WINDOW_UPDATE = 0x0800
WINDOW_FULL = 0x1000
REUSED_PORTS = 0x2000
SPURIOUS_RETRANSMISSION = 0x4000

#: Each analysis bit and the fields Wireshark sets for it, in its reporting order (a fast or a
#: spurious retransmission is a retransmission too).
REPORTED = (
    (REUSED_PORTS, ("reused_ports",)),
    (RETRANSMISSION, ("retransmission",)),
    (FAST_RETRANSMISSION, ("fast_retransmission", "retransmission")),
    (SPURIOUS_RETRANSMISSION, ("spurious_retransmission", "retransmission")),
    (OUT_OF_ORDER, ("out_of_order",)),
    (LOST_PACKET, ("lost_segment",)),
    (ACK_LOST_PACKET, ("ack_lost_segment",)),
    (WINDOW_UPDATE, ("window_update",)),
    (WINDOW_FULL, ("window_full",)),
    (KEEP_ALIVE, ("keep_alive",)),
    (KEEP_ALIVE_ACK, ("keep_alive_ack",)),
    (DUPLICATE_ACK, ("duplicate_ack",)),
    (ZERO_WINDOW_PROBE, ("zero_window_probe",)),
    (ZERO_WINDOW, ("zero_window",)),
    (ZERO_WINDOW_PROBE_ACK, ("zero_window_probe_ack",)),
)


@dataclass(frozen=True)
class SegmentAnalysis:
    """Per TCP segment (numpy arrays in the order of :class:`TcpSegments`): Wireshark's
    analysis bits, whether they are reported, the duplicate ACK number and the frame of the
    last ACK it repeats, and the window the segment shows (scaled once both ends agreed)."""

    bits: np.ndarray
    reported: np.ndarray
    dupack: np.ndarray
    dupack_of: np.ndarray
    window: np.ndarray

    def names(self, i: int) -> list[str]:
        """The tcp.analysis field names segment ``i`` carries, in Wireshark's order."""
        if not self.reported[i]:
            return []
        out: list[str] = []
        for bit, names in REPORTED:
            if self.bits[i] & bit:
                out += [name for name in names if name not in out]
        return out

    def labels(self, i: int) -> tuple[str, ...]:
        """The ``[TCP ...]`` labels in front of segment ``i``'s Info, left to right."""
        if not self.reported[i]:
            return ()
        out = []
        for bit, names in REPORTED:  # each prepends its label: the last one is leftmost
            if self.bits[i] & bit:
                label = TCP_ANALYSIS_FLAGS[names[0]].label
                if bit == DUPLICATE_ACK:
                    label += f" {int(self.dupack_of[i])}#{int(self.dupack[i])}"
                out.insert(0, label)
        return tuple(out)


def _lt(a: int, b: int) -> bool:
    return (a - b) & SEQ_MASK >= _HALF


def _gt(a: int, b: int) -> bool:
    return _lt(b, a)


def _le(a: int, b: int) -> bool:
    return a == b or _lt(a, b)


def _since(now: int, then: int) -> int:
    """``now - then`` as Wireshark computes it, in unsigned 64-bit nanoseconds."""
    return (now - then) % _U64


class _Flow:
    """What Wireshark remembers about one direction of a TCP conversation."""

    __slots__ = (
        "win_scale",
        "window",
        "last_flags",
        "first_ack",
        "nextseq",
        "nextseq_time",
        "max_to_ack",
        "lastack",
        "lastack_time",
        "last_nondup",
        "dupacks",
        "unacked",
        "pruned",
    )

    def __init__(self):
        self.win_scale = -1  # -1 unknown, -2 no scaling, else the shift count
        self.window = SEQ_MASK  # G_MAXUINT32 until a segment is seen
        self.last_flags = 0
        self.first_ack = False
        self.nextseq = 0
        self.nextseq_time = 0
        self.max_to_ack = 0
        self.lastack = 0
        self.lastack_time = 0
        self.last_nondup = 0
        self.dupacks = 0
        self.unacked: list[tuple[int, int]] = []
        self.pruned = (-1, 0)  # (ack, entries) of the last pruning pass


class _Conversation:
    __slots__ = ("flows", "mru_syn", "first_rtt")

    def __init__(self):
        self.flows = (_Flow(), _Flow())
        self.mru_syn = 0
        self.first_rtt = 0


def analyse(segs: TcpSegments) -> SegmentAnalysis:
    """Wireshark's sequence analysis of every segment, in capture order."""
    n = len(segs)
    bits = np.zeros(n, dtype=np.int64)
    reported = np.zeros(n, dtype=bool)
    dupack = np.zeros(n, dtype=np.int64)
    dupack_of = np.zeros(n, dtype=np.int64)
    window = segs.window.copy()
    convs: dict[int, _Conversation] = {}
    rows = _Lists(segs)  # Python ints: the loop reads each field many times
    for i in range(n):
        stream = rows.stream[i]
        conv = convs.get(stream)
        if conv is None:
            conv = convs[stream] = _Conversation()
        fwd = conv.flows[rows.flow[i]]
        if fwd.win_scale >= 0 and not rows.flags[i] & _SYN:
            window[i] = (rows.window[i] << fwd.win_scale) & SEQ_MASK
        bits[i], dupack[i] = _segment(rows, i, conv)
        dupack_of[i] = fwd.last_nondup
        reported[i] = rows.header_len[i] >= 20 and _header_captured(rows, i)
    return SegmentAnalysis(bits, reported, dupack, dupack_of, window)


class _Lists:
    """The fields of TcpSegments the analysis reads, as lists of Python ints."""

    _FIELDS = (
        "stream", "flow", "flags", "window", "header_len", "header_complete", "seq", "ack",
        "seglen", "time_ns", "frame", "reuse", "wscale",
    )  # fmt: skip

    def __init__(self, segs: TcpSegments):
        for name in self._FIELDS:
            setattr(self, name, getattr(segs, name).tolist())


def _header_captured(segs: TcpSegments, i: int) -> bool:
    """Whether the whole TCP header, options included, is in the capture (else Wireshark's
    option dissector stops the frame before the analysis is reported)."""
    return bool(segs.header_complete[i])


def _segment(segs: TcpSegments, i: int, conv: _Conversation) -> tuple[int, int]:
    """Analyse one segment as Wireshark's dissect_tcp does; return its analysis bits and its
    duplicate ACK number."""
    flow = int(segs.flow[i])
    fwd, rev = conv.flows[flow], conv.flows[1 - flow]
    flags = int(segs.flags[i])
    ta = 0
    dupack = 0
    reuse = int(segs.reuse[i])
    if reuse in (REUSE_NEW, REUSE_SYNACK):
        ta |= REUSED_PORTS
    elif reuse == REUSE_SAME_SYN:  # a SYN repeating the ISN: Wireshark rewinds the flow
        fwd.nextseq = fwd.max_to_ack
    now = int(segs.time_ns[i])
    if segs.seglen[i] >= 0:
        ta, dupack = _analyze(segs, i, conv, fwd, rev, ta)
    if segs.header_len[i] < 20:
        return ta, dupack
    if flags & _SYN:
        fwd.first_ack = True
        if not flags & _ACK:
            conv.mru_syn = now
    if flags & (_SYN | _ACK) == _ACK and conv.mru_syn != 0 and conv.first_rtt == 0:
        conv.first_rtt = now - conv.mru_syn
    if flags & (_SYN | _ACK) == _ACK:
        fwd.first_ack = False
    if not _header_captured(segs, i):
        return ta, dupack
    if segs.wscale[i] >= 0:
        fwd.win_scale = int(segs.wscale[i])
    if flags & _SYN:  # Wireshark's verify_tcp_window_scaling
        if fwd.win_scale == -1:
            fwd.win_scale = rev.win_scale = -2
        elif flags & _ACK and rev.win_scale == -2:
            fwd.win_scale = -2
    return ta, dupack


def _analyze(segs, i, conv, fwd: _Flow, rev: _Flow, ta: int) -> tuple[int, int]:
    """Wireshark's tcp_analyze_sequence_number for one segment (numbers are raw, 32-bit)."""
    seq, ack = int(segs.seq[i]), int(segs.ack[i])
    seglen, flags = int(segs.seglen[i]), int(segs.flags[i])
    window, now, frame = int(segs.window[i]), int(segs.time_ns[i]), int(segs.frame[i])
    dupack = 0
    nextseq = fwd.nextseq

    if seglen == 1 and seq == nextseq and rev.window == 0:
        ta |= ZERO_WINDOW_PROBE
    else:
        if window == 0 and not flags & _SFR:
            ta |= ZERO_WINDOW
        if nextseq and _gt(seq, nextseq) and not flags & _RST:
            ta |= LOST_PACKET
        if seglen in (0, 1) and seq == (nextseq - 1) & SEQ_MASK and not flags & _SFR:
            ta |= KEEP_ALIVE
        same = seq == nextseq and ack == fwd.lastack and not flags & _SFR
        if seglen == 0 and window and window != fwd.window and same:
            ta |= WINDOW_UPDATE
        if seglen > 0 and rev.win_scale != -1 and not flags & _SFR:
            shift = 0 if rev.first_ack or rev.win_scale == -2 else rev.win_scale
            edge = (rev.lastack + ((rev.window << shift) & SEQ_MASK)) & SEQ_MASK
            if (seq + seglen) & SEQ_MASK == edge:
                ta |= WINDOW_FULL
        repeated = seglen == 0 and window == fwd.window and same
        if repeated and window and rev.last_flags & KEEP_ALIVE:
            ta |= KEEP_ALIVE_ACK
        elif repeated and window == 0 and rev.last_flags & ZERO_WINDOW_PROBE:
            ta |= ZERO_WINDOW_PROBE_ACK
        elif repeated and window:
            # after an unseen-segment report the counter holds -1: it starts again at 1
            fwd.dupacks = 1 if fwd.dupacks == SEQ_MASK else fwd.dupacks + 1
            ta |= DUPLICATE_ACK
            dupack = fwd.dupacks

    # finished_fwd
    if ack != fwd.lastack:
        fwd.last_nondup = frame
        fwd.dupacks = 0
    if rev.max_to_ack and _gt(ack, rev.max_to_ack) and flags & _ACK:
        # Wireshark 4.0 reports an ACK of unseen data once per hole in the other direction,
        # and once more for an ACK beyond everything seen; its counter is unsigned, so the
        # "already reported" mark (-1) also counts as many duplicate ACKs.
        if _lt(rev.max_to_ack, rev.nextseq):
            rev.max_to_ack = rev.nextseq
            ta |= ACK_LOST_PACKET
        else:
            if rev.dupacks == 0:
                ta |= ACK_LOST_PACKET
            rev.dupacks = SEQ_MASK

    if (seglen > 0 or flags & (_SYN | _FIN)) and not ta & KEEP_ALIVE:
        not_advanced = bool(nextseq) and _lt(seq, nextseq)
        if seglen > 1 and (nextseq - 1) & SEQ_MASK == seq:
            not_advanced = False
        if seglen > 0 and rev.lastack and _le((seq + seglen) & SEQ_MASK, rev.lastack):
            ta |= SPURIOUS_RETRANSMISSION
        elif (
            not_advanced
            and rev.dupacks >= 2
            and rev.lastack == seq
            and _since(now, rev.lastack_time) < FAST_RETRANSMISSION_NS
        ):
            ta |= FAST_RETRANSMISSION
        else:
            threshold = conv.first_rtt % _U64 if conv.first_rtt else OUT_OF_ORDER_NS
            end = (seq + seglen + (1 if flags & (_SYN | _FIN) else 0)) & SEQ_MASK
            if not_advanced and _since(now, fwd.nextseq_time) < threshold and nextseq != end:
                ta |= OUT_OF_ORDER
            elif not_advanced:
                ta |= RETRANSMISSION

    # finished_checking_retransmission_type
    new_next = (seq + seglen) & SEQ_MASK
    if (seglen or flags & (_SYN | _FIN)) and len(fwd.unacked) < MAX_UNACKED:
        if flags & (_SYN | _FIN):
            new_next = (new_next + 1) & SEQ_MASK
        fwd.unacked.append((seq, new_next))
    if (_gt(new_next, fwd.nextseq) or not fwd.nextseq) and not ta & ZERO_WINDOW_PROBE:
        fwd.nextseq = new_next
        fwd.nextseq_time = now
    if (seq == fwd.max_to_ack or not fwd.max_to_ack) and not ta & ZERO_WINDOW_PROBE:
        fwd.max_to_ack = fwd.nextseq
    fwd.window = window
    fwd.lastack = ack
    fwd.lastack_time = now
    fwd.last_flags = ta
    # pruning is idempotent for one ack: entries kept by the last pass with this ack stay
    done = rev.pruned[1] if rev.pruned[0] == ack else 0
    if done < len(rev.unacked):
        kept = rev.unacked[:done]
        for start, end in rev.unacked[done:]:
            if ack == end:
                continue
            if _gt(ack, start) and _le(ack, end):
                kept.append((ack, end))
            elif _gt(end, ack):
                kept.append((start, end))
        rev.unacked = kept
    rev.pruned = (ack, len(rev.unacked))
    return ta, dupack


@dataclass(frozen=True)
class PacketContext(TcpContext):
    """The packet list's TCP context (see :class:`netcourse.packets.streams.TcpContext`),
    numbered per tcp.stream, with each frame's ``[TCP ...]`` labels (frame index -> labels,
    only frames that carry some), the segments and their analysis."""

    labels: dict[int, tuple[str, ...]]
    segments: TcpSegments
    analysis: SegmentAnalysis


def packet_context(index, cols) -> PacketContext:
    """Relative numbers, shown windows and analysis labels of every TCP frame of a capture."""
    segs = segments(index, cols)
    result = analyse(segs)
    # frames the segment numbering leaves out keep the numbers per port pair
    plain = tcp_context(index, cols)
    rel_seq, rel_ack, window = plain.rel_seq.copy(), plain.rel_ack.copy(), plain.window.copy()
    mine = np.flatnonzero(~segs.quoted)
    rows = segs.frame[mine] - 1
    rel_seq[rows] = segs.rel_seq[mine]
    acked = (segs.flags[mine] & _ACK) != 0
    rel_ack[rows] = np.where(acked, segs.rel_ack[mine], -1)
    window[rows] = result.window[mine]
    labels = {}
    for k in mine[result.bits[mine] != 0].tolist():
        found = result.labels(k)
        if found:
            labels[int(segs.frame[k]) - 1] = found
    return PacketContext(rel_seq, rel_ack, window, labels, segs, result)
