"""Conversations: Wireshark's Statistics > Conversations table, computed with numpy.

A conversation is every frame between two (address, port) ends, both directions together:
the same table as ``tshark -q -z conv,tcp`` (bytes are frame lengths on the wire). A is the
end that sent the conversation's first frame. A TCP port pair reused by a new connection (a
SYN with another initial sequence number) starts a new conversation, as Wireshark's
``tcp.stream`` does. Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> [conv] = conversations(sample("http"))
>>> conv.address_a, conv.port_a, conv.address_b, conv.port_b
('198.18.0.1', 40000, '198.18.0.2', 8000)
>>> conv.frames, conv.frames_a_to_b, conv.bytes
(12, 7, 1116)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from netcourse.errors import CaptureError, quote
from netcourse.html import table
from netcourse.packets.bulk import Ends, addresses, group_ends, transport_ends
from netcourse.packets.capture import Capture, _index, _require_readable
from netcourse.packets.fast import decode
from netcourse.packets.samples import sample  # noqa: F401  (used by the doctest)
from netcourse.packets.tcpstream import tcp_segments
from netcourse.protocols import TcpFlags, protocol_table

__all__ = ["Conversation", "ConversationTable", "conversations", "PROTOCOLS"]

#: Transport names conversations() accepts -> IP protocol number.
PROTOCOLS = protocol_table(["tcp", "udp"])


class Conversation(NamedTuple):
    """One row of the conversations table (times in seconds, bytes are frame lengths).

    A named tuple: a table of 20,000 rows is built in a few milliseconds."""

    address_a: str
    port_a: int
    address_b: str
    port_b: int
    frames_a_to_b: int
    bytes_a_to_b: int
    frames_b_to_a: int
    bytes_b_to_a: int
    frames: int
    bytes: int
    start: float
    duration: float

    @property
    def four_tuple(self) -> tuple[str, int, str, int]:
        """``(src_ip, src_port, dst_ip, dst_port)`` as A sent its first frame."""
        return (self.address_a, self.port_a, self.address_b, self.port_b)


_NAMES = Conversation._fields
#: A Conversation from its values, as Conversation._make makes it without its Python frame.
_new_row = partial(tuple.__new__, Conversation)


class ConversationTable(tuple):
    """A tuple of Conversation rows that shows itself as a table in a notebook."""

    def _repr_html_(self) -> str:
        rows = [[f"{v:.6f}" if isinstance(v, float) else v for v in conv] for conv in self]
        return str(table(rows, header=_NAMES))


def conversations(
    path: str | Path,
    proto: str = "tcp",
    progress: Callable[[int, int], Any] | None = None,
) -> ConversationTable:
    """The TCP (or UDP) conversations of a pcap/pcapng file, in order of their first frame.

    >>> [(c.port_a, c.port_b, c.frames) for c in conversations("udp", proto="udp")]
    [(40000, 7, 2), (40000, 9, 1)]
    """
    if not isinstance(proto, str) or proto.lower() not in PROTOCOLS:
        raise CaptureError(
            f"proto={quote(proto)}: expected one of {', '.join(map(repr, PROTOCOLS))}"
        )
    index = _index(path, progress, mapped=True)  # read once, kept by nothing: mapped
    _require_readable(index)
    # every TCP/UDP header of a frame counts, a tunnel's outer UDP as well as its inner one;
    # decoded a chunk at a time
    found = transport_ends(index, proto.lower())
    rows = found.row
    if not len(rows):
        return ConversationTable()
    s_hi, s_lo, sp = found.src_hi, found.src_lo, found.sport
    d_hi, d_lo, dp = found.dst_hi, found.dst_lo, found.dport
    # order the two ends so both directions of a conversation get the same key
    src_first = (s_hi < d_hi) | ((s_hi == d_hi) & ((s_lo < d_lo) | ((s_lo == d_lo) & (sp <= dp))))
    group = group_ends(found, src_first)  # the key (version, lower end, higher end)
    if proto.lower() == "tcp":
        stream = _streams(index, found, group, src_first)
        if stream is not None:  # a reused port pair: split it by tcp.stream
            group = group_ends(found, src_first, stream)
    count = int(group.max()) + 1
    # the first frame of each group (rows are in capture order) decides which end is A
    first = np.full(count, len(rows), dtype=np.int64)
    np.minimum.at(first, group, np.arange(len(rows)))
    a_is_src_first = src_first[first]
    a_to_b = src_first == a_is_src_first[group]
    length = index.origlen[rows]
    frames_ab = np.bincount(group, weights=a_to_b, minlength=count).astype(np.int64)
    frames_all = np.bincount(group, minlength=count).astype(np.int64)
    bytes_ab = np.bincount(group, weights=length * a_to_b, minlength=count).astype(np.int64)
    bytes_all = np.bincount(group, weights=length, minlength=count).astype(np.int64)
    ts = index.ts_ns[rows]
    last = np.full(count, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, group, ts)
    t0 = int(index.ts_ns[0])
    shown = np.argsort(first, kind="stable")
    at = first[shown]  # each conversation's first frame, as rows of ``found``
    sources = addresses(found.version[at], s_hi[at], s_lo[at])
    targets = addresses(found.version[at], d_hi[at], d_lo[at])
    starts = index.ts_ns[rows[at]]
    forward = a_is_src_first[shown] == src_first[at]  # always: A sent the first frame
    if not forward.all():  # kept as a guard: A is then the first frame's destination
        sources, targets = (
            [s if f else t for s, t, f in zip(sources, targets, forward.tolist())],
            [t if f else s for s, t, f in zip(sources, targets, forward.tolist())],
        )
    port_a = np.where(forward, sp[at], dp[at])
    port_b = np.where(forward, dp[at], sp[at])
    ab, every = frames_ab[shown], frames_all[shown]
    bab, ball = bytes_ab[shown], bytes_all[shown]
    # plain Python values, column by column, zipped into rows (a numpy scalar costs more)
    columns = (sources, port_a.tolist(), targets, port_b.tolist(), ab.tolist(), bab.tolist(),
               (every - ab).tolist(), (ball - bab).tolist(), every.tolist(), ball.tolist(),
               ((starts - t0) / 1e9).tolist(), ((last[shown] - starts) / 1e9).tolist())  # fmt: skip
    return ConversationTable(map(_new_row, zip(*columns)))


_SYN, _ACK = int(TcpFlags.SYN), int(TcpFlags.ACK)


def _streams(index, found: Ends, pair: np.ndarray, forward: np.ndarray) -> np.ndarray | None:
    """Wireshark's tcp.stream of each header of ``found`` where a port pair (numbered by
    ``pair``) may have been reused by a new connection, else None (each port pair is one
    stream, decided without a Python loop)."""
    side = pair * 2 + forward  # one direction of one port pair
    flags = found.flags
    syn, ack = (flags & _SYN) != 0, (flags & _ACK) != 0
    if not np.count_nonzero(syn) or not _maybe_reused(side, syn, ack, found.seq):
        return None
    cap = Capture(Path("<conversations>"), index)
    cap._columns = decode(index)
    segs = tcp_segments(cap)
    mine = ~segs.quoted
    stream = np.full(len(index.offsets), -1, dtype=np.int64)
    stream[segs.frame[mine] - 1] = segs.stream[mine]
    out = stream[found.row]
    latest: dict[int, int] = {}
    for i, (g, s) in enumerate(zip(pair.tolist(), out.tolist())):
        if s >= 0:  # rows the numbering leaves out join their pair's latest stream
            latest[g] = s
        else:
            out[i] = latest.get(g, 0)
    return (out + 1).astype(np.uint64)


def _maybe_reused(side: np.ndarray, syn: np.ndarray, ack: np.ndarray, seq: np.ndarray) -> bool:
    """Whether a SYN could start a new connection on a port pair: one direction's SYNs carry
    different sequence numbers, or a SYN comes after that direction's sequence numbers were
    already known (from its own segments or from the other direction's ACKs)."""
    count = (int(side.max()) | 1) + 1
    order = np.arange(len(side))
    first = np.full(count, len(side), dtype=np.int64)
    np.minimum.at(first, side, order)
    first_ack = np.full(count, len(side), dtype=np.int64)
    np.minimum.at(first_ack, side[ack], order[ack])
    syn_sides = np.unique(side[syn])
    if not syn[first[syn_sides]].all() or (first_ack[syn_sides ^ 1] < first[syn_sides]).any():
        return True
    low = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    high = np.full(count, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(low, side[syn], seq[syn])
    np.maximum.at(high, side[syn], seq[syn])
    return bool((low[syn_sides] != high[syn_sides]).any())
