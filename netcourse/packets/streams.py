"""TCP stream context for the packet list: relative sequence numbers and scaled windows.

Wireshark's Info column shows ``Seq=0`` for a SYN and ``Seq=1 Ack=1`` right after the
handshake: numbers relative to each direction's first sequence number, and the receive window
multiplied by the scale both ends agreed in their SYNs. Computed for every packet at once with
numpy. Taught in notebooks/01-sockets-and-4-tuples.ipynb and 02-osi-layers-and-packets.ipynb.

>>> from netcourse.packets.capture import _index
>>> from netcourse.packets.fast import decode
>>> index = _index("http")
>>> ctx = tcp_context(index, decode(index))
>>> ctx.rel_seq[:4].tolist(), ctx.rel_ack[:4].tolist()
([0, 0, 1, 1], [-1, 1, 1, 1])
>>> ctx.window[:3].tolist()
[64240, 65160, 64512]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TcpContext", "tcp_context", "tcp_option_shift"]

_SYN, _ACK = 0x02, 0x10


@dataclass(frozen=True)
class TcpContext:
    """Per packet: relative seq and ack (-1 when not TCP / unknown), the window as shown."""

    rel_seq: np.ndarray
    rel_ack: np.ndarray
    window: np.ndarray


def tcp_option_shift(options: bytes) -> int:
    """The window scale (shift count) in raw TCP options, or -1 when there is none.

    >>> tcp_option_shift(bytes([2, 4, 5, 180, 1, 3, 3, 7]))
    7
    """
    pos = 0
    while pos < len(options):
        kind = options[pos]
        if kind == 0:
            break
        if kind == 1:
            pos += 1
            continue
        if pos + 1 >= len(options) or options[pos + 1] < 2:
            break
        if kind == 3 and options[pos + 1] == 3 and pos + 2 < len(options):
            return min(options[pos + 2], 14)
        pos += options[pos + 1]
    return -1


def tcp_context(index, cols) -> TcpContext:
    """Relative sequence/ack numbers and scaled windows of every TCP packet of a capture."""
    n = len(cols.tcp_flags)
    rel_seq = np.full(n, -1, dtype=np.int64)
    rel_ack = np.full(n, -1, dtype=np.int64)
    window = cols.tcp_window.copy()
    rows = np.flatnonzero(cols.tcp_flags >= 0)
    if not len(rows):
        return TcpContext(rel_seq, rel_ack, window)
    ends_a = [cols.src_hi, cols.src_lo, cols.sport]
    ends_b = [cols.final_dst_hi, cols.final_dst_lo, cols.dport]  # a routing header's, as Wireshark
    version = cols.version[rows].astype(np.uint64)
    fwd = np.stack([version, *(a[rows].astype(np.uint64) for a in ends_a + ends_b)], axis=1)
    rev = np.stack([version, *(a[rows].astype(np.uint64) for a in ends_b + ends_a)], axis=1)
    both = np.ascontiguousarray(np.concatenate([fwd, rev]))
    void = both.view(np.dtype((np.void, both.dtype.itemsize * both.shape[1]))).ravel()
    _, ids = np.unique(void, return_inverse=True)
    ids = ids.ravel()
    direction, reverse = ids[: len(rows)], ids[len(rows) :]
    count = int(ids.max()) + 1
    # Like Wireshark, a direction's base is set by whichever comes first: its own first segment
    # (the SYN's seq, else seq - 1 as if a SYN had been missed) or an ACK from the other end
    # (ack - 1).
    never = len(rows)
    order = np.arange(len(rows))
    seq, ack = cols.tcp_seq[rows], cols.tcp_ack[rows]
    flags = cols.tcp_flags[rows]
    own = np.full(count, never, dtype=np.int64)
    np.minimum.at(own, direction, order)
    acked = np.full(count, never, dtype=np.int64)
    has_ack = (flags & _ACK) > 0
    np.minimum.at(acked, reverse[has_ack], order[has_ack])
    own_k, ack_k = np.minimum(own, never - 1), np.minimum(acked, never - 1)
    own_base = seq[own_k] - np.where(flags[own_k] & _SYN, 0, 1)
    base = np.where(own <= acked, own_base, ack[ack_k] - 1)
    seen = np.minimum(own, acked) < never
    rel_seq[rows] = (seq - base[direction]) % (1 << 32)
    known = seen[reverse] & has_ack
    rel_ack[rows] = np.where(known, (ack - base[reverse]) % (1 << 32), -1)

    shift = np.full(count, -1, dtype=np.int64)  # the scale each direction announced in its SYN
    buf = cols.buffer(index.buf)
    for k in np.flatnonzero(flags & _SYN):
        group = direction[k]
        if shift[group] != -1:
            continue
        at = int(cols.l4_offset[rows[k]])
        end = int(cols.bytes_end[rows[k]])
        header = min(at + (buf[at + 12] >> 4) * 4, end) if at + 12 < end else at
        shift[group] = tcp_option_shift(buf[at + 20 : header])
    agreed = (shift[direction] >= 0) & (shift[reverse] >= 0) & ((flags & _SYN) == 0)
    window[rows] = np.where(
        agreed, cols.tcp_window[rows] << np.maximum(shift[direction], 0), cols.tcp_window[rows]
    )
    return TcpContext(rel_seq, rel_ack, window)
