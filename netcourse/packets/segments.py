"""TCP segments as Wireshark numbers them: every segment with its ``tcp.stream`` index.

Wireshark gives each TCP conversation an index, counting from 0 in the order conversations
first appear in the capture. A SYN that reuses the ports of an earlier conversation with
another initial sequence number starts a new one ("TCP Port numbers reused"); a TCP header
quoted inside an ICMP error belongs to (or opens) a conversation too. This module computes
that index, the segment lengths and the relative sequence numbers for every segment at once
from a capture's record index and decoded columns (it needs no Capture, so the packet list
can use it); :func:`netcourse.packets.tcpstream.tcp_segments` is the public entry.

>>> from netcourse.packets.capture import _index
>>> from netcourse.packets.fast import decode
>>> index = _index("http")
>>> segments(index, decode(index)).stream[:4].tolist()
[0, 0, 0, 0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netcourse.packets.fast import ICMP_ERROR_TYPES, address
from netcourse.packets.streams import tcp_option_shift
from netcourse.protocols import LINK_TYPES, VLAN_ETHERTYPES, TcpFlags

__all__ = ["TcpSegments", "segments", "SEQ_MASK"]

#: TCP sequence numbers are 32-bit and wrap around.
SEQ_MASK = 0xFFFF_FFFF

_SYN, _ACK = int(TcpFlags.SYN), int(TcpFlags.ACK)

#: How a SYN or SYN/ACK met an existing conversation (``TcpSegments.reuse``).
REUSE_NONE, REUSE_NEW, REUSE_SAME_SYN, REUSE_SYNACK = 0, 1, 2, 3


@dataclass(frozen=True)
class TcpSegments:
    """Every TCP segment of a capture in frame order (numpy arrays, one entry per segment).

    ``seglen`` is the segment's data length from the IP header (-1 when Wireshark cannot know
    it: a TCP header quoted in an ICMP error, or a header longer than the IP payload);
    ``payload_at``/``payload_len`` locate the data bytes that were captured. ``rel_seq`` and
    ``rel_ack`` are relative to each flow's first sequence number, as Wireshark shows them.
    ``flow`` is 0 or 1, the two directions of a stream; ``quoted`` marks headers inside ICMP.
    """

    frame: np.ndarray
    stream: np.ndarray
    flow: np.ndarray
    seq: np.ndarray
    ack: np.ndarray
    flags: np.ndarray
    window: np.ndarray
    seglen: np.ndarray
    header_len: np.ndarray
    header_complete: np.ndarray  #: the whole TCP header, options included, was captured
    payload_at: np.ndarray
    payload_len: np.ndarray
    time_ns: np.ndarray
    wscale: np.ndarray  #: the window scale option's shift in this segment, -1 when none
    reuse: np.ndarray  #: REUSE_* : how a SYN met an earlier conversation with the same ports
    rel_seq: np.ndarray
    rel_ack: np.ndarray
    quoted: np.ndarray
    version: np.ndarray
    src: np.ndarray  #: addresses as Python ints (IPv4 in the low 32 bits, v4-mapped)
    sport: np.ndarray
    dst: np.ndarray
    dport: np.ndarray
    streams: int
    first: np.ndarray  #: per stream: the index of its first segment
    buf: bytes

    def __len__(self) -> int:
        return len(self.frame)

    def payload(self, i: int) -> bytes:
        """The captured data bytes of segment ``i``."""
        at = int(self.payload_at[i])
        return self.buf[at : at + int(self.payload_len[i])]

    def endpoints(self, stream: int) -> tuple[tuple[str, int], tuple[str, int]]:
        """``((address, port), (address, port))`` of a stream, the sender of its first segment
        first."""
        return self.endpoints_of(int(self.first[stream]))

    def endpoints_of(self, i: int) -> tuple[tuple[str, int], tuple[str, int]]:
        """``((address, port), (address, port))`` of segment ``i``: its source, then its
        destination."""
        version = int(self.version[i])
        src, dst = int(self.src[i]), int(self.dst[i])
        low = 2**64 - 1
        return (
            (address(version, src >> 64, src & low), int(self.sport[i])),
            (address(version, dst >> 64, dst & low), int(self.dport[i])),
        )

    def rows(self, stream: int) -> np.ndarray:
        """Indices of the segments of one stream (see :func:`check_stream` for the number)."""
        return np.flatnonzero(self.stream == stream)


def _u8(raw: np.ndarray, pos: np.ndarray, ends: np.ndarray) -> np.ndarray:
    inside = (pos >= 0) & (pos < ends)
    return np.where(inside, raw[np.clip(pos, 0, len(raw) - 1)].astype(np.int64), 0)


def _u16(raw, pos, ends):
    return (_u8(raw, pos, ends) << 8) | _u8(raw, pos + 1, ends)


def _u32(raw, pos, ends):
    return (_u16(raw, pos, ends) << 16) | _u16(raw, pos + 2, ends)


def _network_start(raw, base, ends, linktype) -> np.ndarray:
    """Where the IP header starts: after the link header and up to two VLAN tags."""
    l3 = base.copy()
    for number, link in LINK_TYPES.items():
        mine = linktype == number
        if not mine.any():
            continue
        l3[mine] = base[mine] + link.header
        if link.proto_offset is None:
            continue
        kind = _u16(raw, base[mine] + link.proto_offset, ends[mine])
        at = l3[mine]
        for _ in range(2):  # at most two stacked tags, as the bulk decoder reads them
            tagged = np.isin(kind, VLAN_ETHERTYPES)
            kind = np.where(tagged, _u16(raw, at + 2, ends[mine]), kind)
            at = np.where(tagged, at + 4, at)
        l3[mine] = at
    return l3


def _found_ip(raw, l3, l4, version, ends) -> np.ndarray:
    """The IP header's start where the link header guess misses it (PPP, loopback, ...): the
    IPv4 header whose own length ends where the transport starts, or the IPv6 header 40
    bytes before it."""
    first = _u8(raw, l3, ends)
    ok = np.where(
        version == 4, (first >> 4 == 4) & ((first & 0x0F) * 4 == l4 - l3), first >> 4 == 6
    )
    ok &= l3 < l4
    if ok.all():
        return l3
    out = l3.copy()
    for words in range(15, 4, -1):  # the shortest header that fits wins
        at = l4 - 4 * words
        hit = ~ok & (version == 4) & (_u8(raw, at, ends) == 0x40 | words)
        out[hit] = at[hit]
    six = ~ok & (version == 6) & (_u8(raw, l4 - 40, ends) >> 4 == 6)
    out[six] = (l4 - 40)[six]
    return out


def segments(index, cols) -> TcpSegments:
    """Every TCP segment of a capture's record index and decoded columns, in frame order."""
    buf = cols.buffer(index.buf)  # a reassembled datagram's headers lie past the file's
    raw = np.frombuffer(buf, dtype=np.uint8)
    rows = np.flatnonzero(cols.tcp_flags >= 0)
    base, caplen, origlen = index.offsets[rows], index.caplen[rows], index.origlen[rows]
    ends = cols.bytes_end[rows]
    reported_end = np.maximum(base + np.maximum(origlen, caplen), ends)
    l4 = cols.l4_offset[rows]
    version = cols.version[rows]
    # the decoder says where the innermost IP header starts (behind any tunnel); the guess
    # from the link header is kept for a row it leaves without one
    l3 = cols.l3_offset[rows]
    unknown = np.flatnonzero(l3 < 0)
    if len(unknown):
        l3 = l3.copy()
        r = rows[unknown]
        guess = _network_start(raw, base[unknown], ends[unknown], index.linktype[r])
        l3[unknown] = _found_ip(raw, guess, l4[unknown], version[unknown], ends[unknown])
    v4 = version == 4
    ihl = (_u8(raw, l3, ends) & 0x0F) * 4
    total = np.where(v4, _u16(raw, l3 + 2, ends), _u16(raw, l3 + 4, ends) + 40)
    total = np.where(v4 & (total == 0), reported_end - l3, total)  # 0: segmentation offload
    fragment = v4 & ((_u16(raw, l3 + 6, ends) & 0x3FFF) != 0)
    valid = ~fragment & ~(v4 & ((ihl < 20) | (total < ihl)))
    rows, base, ends, reported_end, l4, l3, total = (
        a[valid] for a in (rows, base, ends, reported_end, l4, l3, total)
    )
    ip_end = l3 + np.minimum(total, reported_end - l3)
    header_len = (_u8(raw, l4 + 12, ends) >> 4) * 4
    reported = ip_end - l4
    seglen = np.where(reported >= header_len, reported - header_len, -1)
    payload_at = l4 + header_len
    payload_len = np.maximum(np.minimum(ends, ip_end) - payload_at, 0)
    header_complete = l4 + np.maximum(header_len, 20) <= ends
    wscale = np.full(len(rows), -1, dtype=np.int64)
    for k in np.flatnonzero(header_len > 20):
        at, end = int(l4[k]), min(int(l4[k] + header_len[k]), int(ends[k]))
        wscale[k] = tcp_option_shift(buf[at + 20 : end])

    quoted = _quoted(raw, index, cols)
    n = len(rows) + len(quoted["rows"])
    frame = np.concatenate([rows, quoted["rows"]]) + 1
    order = np.argsort(frame, kind="stable")

    def both(mine, theirs):
        return np.concatenate([np.asarray(mine, dtype=np.int64), theirs])[order]

    def pick(array):
        return array[rows]

    seg = {
        "frame": frame[order],
        "seq": both(pick(cols.tcp_seq), quoted["seq"]),
        "ack": both(pick(cols.tcp_ack), quoted["ack"]),
        "flags": both(pick(cols.tcp_flags), quoted["flags"]),
        "window": both(pick(cols.tcp_window), quoted["window"]),
        "seglen": both(seglen, np.full(len(quoted["rows"]), -1)),
        "header_len": both(header_len, quoted["header_len"]),
        "header_complete": both(header_complete, quoted["header_complete"]).astype(bool),
        "payload_at": both(payload_at, np.zeros(len(quoted["rows"]), dtype=np.int64)),
        "payload_len": both(payload_len, np.zeros(len(quoted["rows"]), dtype=np.int64)),
        "wscale": both(wscale, quoted["wscale"]),
        "quoted": np.concatenate([np.zeros(len(rows), bool), np.ones(len(quoted["rows"]), bool)])[
            order
        ],
        "version": both(pick(cols.version), quoted["version"]),
        "sport": both(pick(cols.sport), quoted["sport"]),
        "dport": both(pick(cols.dport), quoted["dport"]),
    }
    seg["time_ns"] = index.ts_ns[seg["frame"] - 1]
    src = [(int(h) << 64) | int(lo) for h, lo in zip(pick(cols.src_hi), pick(cols.src_lo))]
    # a routing header's final destination, as Wireshark keys TCP conversations
    dst = [
        (int(h) << 64) | int(lo) for h, lo in zip(pick(cols.final_dst_hi), pick(cols.final_dst_lo))
    ]
    src = np.array(src + quoted["src"], dtype=object)[order] if n else np.zeros(0, object)
    dst = np.array(dst + quoted["dst"], dtype=object)[order] if n else np.zeros(0, object)
    numbered = _number(seg, src, dst)
    return TcpSegments(**seg, **numbered, src=src, dst=dst, buf=buf)


def _quoted(raw, index, cols) -> dict:
    """TCP headers quoted inside ICMP errors: enough of them (16 bytes) for Wireshark to read
    ports, numbers, flags and window, and so to look up the conversation."""
    numbers = ("rows", "seq", "ack", "flags", "window", "header_len", "version", "wscale")
    out = {k: [] for k in (*numbers, "header_complete")}
    out.update({"sport": [], "dport": [], "src": [], "dst": []})
    buf = cols.buffer(index.buf)
    for ver, types in ICMP_ERROR_TYPES.items():
        hits = (cols.version == ver) & np.isin(cols.icmp_type, types)
        hits &= (cols.inner_version == ver) & (cols.inner_l4proto == 6)
        for r in np.flatnonzero(hits):
            end = int(cols.bytes_end[r])
            ip = int(cols.l4_offset[r]) + 8
            at = ip + ((buf[ip] & 0x0F) * 4 if ver == 4 else 40)
            if ver == 4 and (buf[ip] & 0x0F) < 5:
                continue
            if at + 16 > end:
                continue
            out["rows"].append(r)
            out["seq"].append(int.from_bytes(buf[at + 4 : at + 8], "big"))
            out["ack"].append(int.from_bytes(buf[at + 8 : at + 12], "big"))
            out["flags"].append(int.from_bytes(buf[at + 12 : at + 14], "big") & 0x01FF)
            out["window"].append(int.from_bytes(buf[at + 14 : at + 16], "big"))
            header_len = (buf[at + 12] >> 4) * 4
            complete = at + max(header_len, 20) <= end
            out["header_len"].append(header_len)
            out["header_complete"].append(complete)
            shift = tcp_option_shift(buf[at + 20 : at + header_len]) if complete else -1
            out["wscale"].append(shift)
            out["version"].append(ver)
            out["sport"].append(int.from_bytes(buf[at : at + 2], "big"))
            out["dport"].append(int.from_bytes(buf[at + 2 : at + 4], "big"))
            for name, hi, lo in (("src", cols.inner_src_hi, cols.inner_src_lo),
                                 ("dst", cols.inner_dst_hi, cols.inner_dst_lo)):  # fmt: skip
                out[name].append((int(hi[r]) << 64) | int(lo[r]))
    for key in numbers:
        out[key] = np.array(out[key], dtype=np.int64)
    out["header_complete"] = np.array(out["header_complete"], dtype=bool)
    out["sport"] = np.array(out["sport"], dtype=np.int64)
    out["dport"] = np.array(out["dport"], dtype=np.int64)
    return out


class _Flow:
    __slots__ = ("base", "base_set")

    def __init__(self):
        self.base = 0
        self.base_set = False


def _number(seg: dict, src, dst) -> dict:
    """Wireshark's conversation lookup, segment by segment: stream index, flow, relative
    sequence numbers, and how SYNs met earlier conversations with the same ports."""
    n = len(seg["frame"])
    stream = np.zeros(n, dtype=np.int64)
    flow_of = np.zeros(n, dtype=np.int64)
    reuse = np.zeros(n, dtype=np.int64)
    rel_seq = seg["seq"].copy()
    rel_ack = seg["ack"].copy()
    first: list[int] = []
    latest: dict[tuple, tuple[int, list[_Flow]]] = {}
    seqs, acks, flags = seg["seq"].tolist(), seg["ack"].tolist(), seg["flags"].tolist()
    seglens, versions = seg["seglen"].tolist(), seg["version"].tolist()
    sports, dports = seg["sport"].tolist(), seg["dport"].tolist()
    for i in range(n):
        a, b = (src[i], sports[i]), (dst[i], dports[i])
        key = (versions[i], a, b) if a <= b else (versions[i], b, a)
        if src[i] != dst[i]:
            flow = 0 if src[i] > dst[i] else 1
        else:
            flow = 0 if sports[i] > dports[i] else 1
        conv = latest.get(key)
        if conv is None:
            conv = latest[key] = (len(first), [_Flow(), _Flow()])
            first.append(i)
        fwd = conv[1][flow]
        seq, ack, f = seqs[i], acks[i], flags[i]
        if f & (_SYN | _ACK) == _SYN and fwd.base_set:
            if seq != fwd.base:
                conv = latest[key] = (len(first), [_Flow(), _Flow()])
                first.append(i)
                fwd = conv[1][flow]
                reuse[i] = REUSE_NEW
            else:
                reuse[i] = REUSE_SAME_SYN
        if f & (_SYN | _ACK) == _SYN | _ACK and fwd.base_set and seq != fwd.base:
            fwd.base = seq
            reuse[i] = REUSE_SYNACK
        rev = conv[1][1 - flow]
        stream[i], flow_of[i] = conv[0], flow
        if seglens[i] < 0:
            continue
        if not fwd.base_set:
            fwd.base = seq if f & _SYN else (seq - 1) & SEQ_MASK
            fwd.base_set = True
        if not rev.base_set and f & _ACK:
            rev.base = (ack - 1) & SEQ_MASK
            rev.base_set = True
        rel_seq[i] = (seq - fwd.base) & SEQ_MASK
        if f & _ACK:
            rel_ack[i] = (ack - rev.base) & SEQ_MASK
    return {
        "stream": stream,
        "flow": flow_of,
        "reuse": reuse,
        "rel_seq": rel_seq,
        "rel_ack": rel_ack,
        "streams": len(first),
        "first": np.array(first, dtype=np.int64),
    }
