"""Every header instance of a decoded capture, as Wireshark's taps and fields count them: a
tunnel's outer IP and UDP as well as the inner ones (conversations count each; a display
filter field matches if any instance does), and the fragment notes of the packet list.

Read from :class:`netcourse.packets.fast.Columns` (its innermost columns and its sparse
``layers`` table). Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> from netcourse.packets.capture import _index
>>> from netcourse.packets.fast import decode
>>> instances(decode(_index("udp")), "udp").dport.tolist()
[7, 40000, 9]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netcourse.packets.fast import _KIND, _TCP, _UDP, _UNSIGNED, Columns

__all__ = ["Instances", "INSTANCE_KINDS", "instances", "present", "occurrences", "fragment_note"]


@dataclass(frozen=True)
class Instances:
    """Every instance of one layer in a capture (a tunnelled frame has several), in frame
    order and outermost first: what Wireshark's conversation taps see."""

    row: np.ndarray  # the frame (0-based)
    version: np.ndarray  # 4 or 6 for IP and its transports, 0 for Ethernet
    src_hi: np.ndarray  # uint64; a MAC address is in src_lo/dst_lo
    src_lo: np.ndarray
    dst_hi: np.ndarray
    dst_lo: np.ndarray
    sport: np.ndarray  # ports for TCP/UDP, else 0
    dport: np.ndarray


#: The layers :func:`instances` lists.
INSTANCE_KINDS = ("eth", "ip", "ipv6", "tcp", "udp")


def instances(cols: Columns, kind: str) -> Instances:
    """Every Ethernet, IPv4, IPv6, TCP or UDP header of every frame, as conversations count them.

    >>> from netcourse.packets.capture import _index
    >>> from netcourse.packets.fast import decode
    >>> found = instances(decode(_index("udp")), "udp")
    >>> found.row.tolist(), found.dport.tolist()
    ([0, 1, 2], [7, 40000, 9])
    """
    if kind not in INSTANCE_KINDS:
        raise ValueError(f"kind={kind!r}: expected one of {', '.join(INSTANCE_KINDS)}")
    zero = np.zeros(len(cols.version), dtype=np.uint64)
    if kind == "eth":
        rows = np.flatnonzero(cols.eth_src >= 0)
        main = (0, zero, cols.eth_src.astype(np.uint64), zero, cols.eth_dst.astype(np.uint64),
                zero, zero)  # fmt: skip
    elif kind in ("ip", "ipv6"):
        rows = cols.version == (4 if kind == "ip" else 6)
        if kind == "ipv6":  # Wireshark's IPv6 tap skips a fragment that completes nothing
            rows &= ~cols.fragment | (cols.reassembled_in == np.arange(len(rows)))
        rows = np.flatnonzero(rows)
        main = (cols.version, cols.src_hi, cols.src_lo, cols.dst_hi, cols.dst_lo, zero, zero)
    else:
        number = _TCP if kind == "tcp" else _UDP
        rows = np.flatnonzero((cols.l4proto == number) & (cols.sport >= 0))
        # a routing header's final destination, as Wireshark's transport conversations take it
        main = (cols.version, cols.src_hi, cols.src_lo, cols.final_dst_hi, cols.final_dst_lo,
                cols.sport.astype(np.uint64), cols.dport.astype(np.uint64))  # fmt: skip
    layers = cols.layers
    extra = np.flatnonzero(layers.kind == _KIND.get(kind, -1))
    if kind == "udp":  # a tunnel's UDP header: its addresses are the IP layer's before it
        ip = np.isin(layers.kind, (_KIND["ip"], _KIND["ipv6"]))
        before = np.maximum.accumulate(np.where(ip, np.arange(len(layers)), -1))[extra]
        extra = extra[before >= 0]
        source = before[before >= 0]
    else:
        source = extra
    names = ("version", "src_hi", "src_lo", "dst_hi", "dst_lo", "sport", "dport")
    out = {"row": np.concatenate([layers.row[extra], rows])}
    for name, values in zip(names, main):
        values = np.broadcast_to(values, zero.shape)[rows]
        dtype = np.int64 if name == "version" else np.uint64
        if name in ("sport", "dport"):
            theirs = getattr(layers, name)[extra]
        else:
            theirs = getattr(layers, name)[source]
        out[name] = np.concatenate([theirs.astype(dtype), values.astype(dtype)])
    order = np.argsort(out["row"], kind="stable")
    return Instances(**{name: values[order] for name, values in out.items()})


def present(cols: Columns, kind: str) -> np.ndarray:
    """True for each frame holding at least one layer of ``kind`` in :attr:`Columns.layers`.

    >>> from netcourse.packets.capture import _index
    >>> from netcourse.packets.fast import decode
    >>> present(decode(_index("udp")), "vxlan").tolist()
    [False, False, False, False]
    """
    out = np.zeros(len(cols.version), dtype=bool)
    out[cols.layers.row[cols.layers.kind == _KIND[kind]]] = True
    return out


def occurrences(cols: Columns, kind: str, name: str) -> list[np.ndarray]:
    """A field of the layers of ``kind`` in :attr:`Columns.layers`, as one array per
    occurrence (the first such layer of each frame, the second ...), -1 (or 0 for the
    address halves) where a frame has no such occurrence: a filter matches if any does.

    >>> from netcourse.packets.capture import _index
    >>> from netcourse.packets.fast import decode
    >>> occurrences(decode(_index("udp")), "vlan", "value")
    []
    """
    layers = cols.layers
    sel = np.flatnonzero(layers.kind == _KIND[kind])
    if not len(sel):
        return []
    rows, values = layers.row[sel], getattr(layers, name)[sel]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    out = []
    for j in range(int(rank.max()) + 1):
        arr = np.full(len(cols.version), 0 if name in _UNSIGNED else -1, dtype=values.dtype)
        arr[rows[rank == j]] = values[rank == j]
        out.append(arr)
    return out


def fragment_note(cols: Columns, i: int) -> str | None:
    """What Wireshark says of frame ``i`` (0-based) as an IP fragment or the frame completing
    a datagram, or None for a frame that is neither.

    >>> from netcourse.packets.capture import _index
    >>> from netcourse.packets.fast import decode
    >>> fragment_note(decode(_index("udp")), 0) is None
    True
    """
    if not cols.fragment[i]:
        return None
    # a completing frame's columns may hold a tunnelled packet: its datagram's own version
    version = cols.datagrams[i][2] if i in cols.datagrams else cols.version[i]
    kind = "IPv4" if version == 4 else "IPv6"
    ident = f"0x{int(cols.fragment_id[i]):0{4 if kind == 'IPv4' else 8}x}"
    done = int(cols.reassembled_in[i])
    if done == i:
        frames = np.flatnonzero(cols.reassembled_in == i) + 1
        listed = ", ".join(f"#{f}" for f in frames.tolist())
        return f"{kind} datagram {ident} reassembled from {len(frames)} fragments: frames {listed}"
    where = (
        f"reassembled in #{done + 1}" if done >= 0 else "never reassembled (a fragment is missing)"
    )
    offset = int(cols.fragment_offset[i])
    return f"{kind} fragment (offset {offset}) of datagram {ident}, {where}"
