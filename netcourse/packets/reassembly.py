"""IP fragments put together as Wireshark's default reassembly does, and the whole datagrams
they make, laid out like a capture of raw IP packets so :func:`netcourse.packets.fast.decode`
reads each one whole (a tunnel inside it followed) on the frame that completes it.
Taught in notebooks/02-osi-layers-and-packets.ipynb (fragments).

>>> from scapy.layers.inet import IP, UDP, fragment
>>> from netcourse.packets import Capture
>>> datagram = IP(src="198.18.0.1", dst="198.18.0.2", id=7) / UDP(dport=9999) / (b"x" * 100)
>>> cap = Capture.from_frames(fragment(datagram, 48))
>>> cap.columns.reassembled_in.tolist(), cap.columns.dport.tolist()
([2, 2, 2], [-1, -1, 9999])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netcourse.protocols import LINK_TYPES

__all__ = ["reassemble", "whole_datagrams", "datagram_bytes", "Datagrams", "DATAGRAM_LINKTYPE",
           "MAX_REASSEMBLY"]  # fmt: skip


def reassemble(net) -> tuple[np.ndarray, list[tuple[int, int, int, list]]]:
    """Put IP fragments together as Wireshark's default reassembly does.

    Fragments of one datagram share version, addresses, identification (and IPv4's protocol);
    the frame whose fragment makes the datagram whole (every byte up to the end the last
    fragment gives) completes it. Returns the completing frame of each fragment's datagram
    (or -1), and for each datagram made whole: (the completing frame, its first fragment's
    frame, the datagram's payload length, its pieces as (offset in the payload, where the
    bytes are, how many) in arrival order).
    """
    n = len(net.version)
    reassembled_in = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(net.fragment)
    if not len(rows):
        return reassembled_in, []
    net.first_fragment[rows] = False
    size = np.maximum(np.minimum(net.ip_end[rows], net.ends[rows]) - net.frag_data[rows], 0)
    wire = np.maximum(net.ip_end[rows] - net.frag_data[rows], 0)
    keys = zip(
        net.version[rows].tolist(), net.src_hi[rows].tolist(), net.src_lo[rows].tolist(),
        net.dst_hi[rows].tolist(), net.dst_lo[rows].tolist(), net.frag_id[rows].tolist(),
        np.where(net.version[rows] == 4, net.l4proto[rows], -1).tolist(),
    )  # fmt: skip
    pending: dict[tuple, dict] = {}
    done: list[tuple[int, int, int, list]] = []
    for row, key, offset, length, captured, at, more in zip(
        rows.tolist(), keys, net.frag_offset[rows].tolist(), wire.tolist(), size.tolist(),
        net.frag_data[rows].tolist(), net.frag_more[rows].tolist(),
    ):  # fmt: skip
        state = pending.setdefault(key, {"pieces": [], "frames": [], "total": None, "first": None})
        state["pieces"].append((offset, offset + length, at, captured))
        state["frames"].append(row)
        if not more:
            state["total"] = offset + length
        if offset == 0:
            state["first"] = row
        total = state["total"]
        if total is None or state["first"] is None:
            continue
        reach = 0
        for start, stop, _, _ in sorted(state["pieces"]):
            if start > reach:
                break
            reach = max(reach, stop)
        if reach < total:
            continue
        del pending[key]
        reassembled_in[state["frames"]] = row
        pieces = [(start, at, captured) for start, _, at, captured in state["pieces"]]
        done.append((row, state["first"], total, pieces))
    return reassembled_in, done


#: The link type a whole datagram is decoded with: raw IP, its version from its first nibble.
DATAGRAM_LINKTYPE = next(lt.number for lt in LINK_TYPES.values() if lt.decode == "ip")
#: How deep datagrams reassembled inside reassembled datagrams are decoded in turn.
MAX_REASSEMBLY = 2


@dataclass(frozen=True)
class Datagrams:
    """Reassembled datagrams laid out like a capture index of raw IP packets."""

    buf: bytes
    offsets: np.ndarray
    caplen: np.ndarray
    origlen: np.ndarray
    linktype: np.ndarray


def datagram_bytes(buf: bytes, header_at: int, data_at: int, version: int, first_data: int,
              total: int, pieces: list) -> bytes:  # fmt: skip
    """One whole datagram: the completing fragment's header made a whole datagram's (no
    fragment offset, no more-fragments flag, the whole length), then the payload from its
    pieces in order of offset, where two overlap the bytes of the lower offset kept."""
    header = bytearray(buf[header_at:data_at])
    payload = bytearray(total)
    reach = 0  # pieces by offset: each adds only what lies past those before it
    for start, at, captured in sorted(pieces, key=lambda piece: piece[0]):
        stop = start + min(captured, max(total - start, 0))
        if stop > reach:
            skip = max(reach - start, 0)
            payload[start + skip : stop] = buf[at + skip : at + stop - start]
            reach = stop
    if version == 4:
        header[2:4] = (len(header) + total).to_bytes(2, "big")
        header[6] &= 0x40  # keeps don't-fragment; offset and more-fragments cleared
        header[7] = 0
    else:
        header[4:6] = (len(header) - 40 + total).to_bytes(2, "big")
        header[-8] = buf[first_data - 8]  # the next header after the fragment header
        header[-6:-4] = b"\x00\x00"  # offset 0, no more fragments: an atomic fragment
    return bytes(header) + bytes(payload)


def whole_datagrams(buf: bytes, l3: np.ndarray, net, done: list) -> Datagrams:
    """The datagrams :func:`reassemble` made whole, one after another, each from its
    completing frame's IP header (at ``l3``) and its pieces' bytes in ``buf``."""
    parts = [
        datagram_bytes(buf, int(l3[row]), int(net.frag_data[row]), int(net.version[row]),
                       int(net.frag_data[first]), total, pieces)
        for row, first, total, pieces in done
    ]  # fmt: skip
    lengths = np.array([len(part) for part in parts], dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    return Datagrams(b"".join(parts), starts, lengths, lengths,
                     np.full(len(parts), DATAGRAM_LINKTYPE, dtype=np.int32))  # fmt: skip
