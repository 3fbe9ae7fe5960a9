"""The record index as it was before the faster walk: a reference for the differential test.

Copied from netcourse/packets/capture.py (commit 90b5119) unchanged, except that the shared
helpers are imported from capture.py. tests/packets/test_index_walk.py checks that the
current index gives the same arrays, flags, problem text and errors on any bytes.
"""

from __future__ import annotations

import struct

import numpy as np

from netcourse.errors import CaptureError
from netcourse.packets.capture import (
    _PCAP_MAGIC,
    _block_problem,
    _Index,
    _least,
    _progress_every,
    _tsresol,
)


def _index_pcap(buf: bytes, progress) -> _Index:
    order, unit_ns = _PCAP_MAGIC[buf[:4]]
    if len(buf) < 24:
        raise CaptureError(f"a pcap file of {len(buf)} bytes: its 24-byte header is cut short")
    linktype = struct.unpack_from(order + "I", buf, 20)[0] & 0xFFFF
    caplen_at = struct.Struct(order + "I").unpack_from
    offsets: list[int] = []
    append = offsets.append
    off, size, truncated = 24, len(buf), False
    problem = None
    step = 0
    while off + 16 <= size:
        length = caplen_at(buf, off + 8)[0]
        if off + 16 + length > size:
            truncated = True
            problem = (
                f"the packet record at byte {off} says {length} bytes were captured, "
                f"but the file ends {size - off - 16} bytes after its header"
            )
            break
        append(off)
        off += 16 + length
        step += 1
        if progress is not None and step % 8192 == 0:
            progress(off, size)
    if off < size and not truncated:
        truncated = True
        problem = f"the file ends inside a packet record header at byte {off}"
    heads = np.array(offsets, dtype=np.int64)
    raw = np.frombuffer(buf, dtype=np.uint8)
    dtype = np.dtype(order + "u4")
    cols = raw[heads[:, None] + np.arange(16)].copy().view(dtype).reshape(-1, 4).astype(np.int64)
    _progress_every(progress, size, size)
    return _Index(
        buf=buf,
        format="pcap",
        offsets=heads + 16,
        caplen=cols[:, 2],
        origlen=cols[:, 3],
        ts_ns=cols[:, 0] * 1_000_000_000 + cols[:, 1] * unit_ns,
        linktype=np.full(len(heads), linktype, dtype=np.int32),
        truncated=truncated,
        problem=problem,
    )


def _index_pcapng(buf: bytes, progress) -> _Index:
    """Index a pcapng file. A block cut short or too small for its own fields ends the reading
    there, like a cut pcap record: the packets before it are kept and ``truncated`` is set."""
    size = len(buf)
    raw = np.frombuffer(buf, dtype=np.uint8)
    off = 0
    order = "<"
    head = struct.Struct("<II").unpack_from
    interfaces: list[tuple[int, int, int, int]] = []  # linktype, snaplen, num, den
    iface_keys: list[tuple[int, int, int]] = []  # (linktype, num, den) of all sections
    # (byte order, iface base, EPB offsets, the section's interfaces)
    sections: list[tuple[str, int, list[int], list[tuple[int, int, int, int]]]] = []
    epbs: list[int] = []
    # the rare other packet blocks: (offset of data, caplen, origlen, ts units, iface key)
    others: list[tuple[int, int, int, int, int]] = []
    truncated = False
    problem = None
    step = 0
    while off + 12 <= size:
        btype, blen = head(buf, off)
        if btype == 0x0A0D0D0A:  # section header: byte order, interfaces start again
            bom = buf[off + 8 : off + 12]
            if bom == b"\x4d\x3c\x2b\x1a":
                order = "<"
            elif bom == b"\x1a\x2b\x3c\x4d":
                order = ">"
            else:
                raise CaptureError(f"pcapng section at byte {off}: unknown byte-order mark")
            head = struct.Struct(order + "II").unpack_from
            btype, blen = head(buf, off)
            interfaces = []
            epbs = []
            sections.append((order, len(iface_keys), epbs, interfaces))
        if blen < 12 or blen % 4 or off + blen > size or (blen < 32 and blen < _least(btype)):
            problem = _block_problem(btype, blen, off, size)  # stop here, saying why
            truncated = True
            break
        if btype == 6:  # enhanced packet block: decoded below, all at once
            epbs.append(off)
        elif btype == 1:  # interface description
            linktype, _, snaplen = struct.unpack_from(order + "HHI", buf, off + 8)
            num, den = 1_000, 1
            pos = off + 16
            while pos + 4 <= off + blen - 4:
                code, olen = struct.unpack_from(order + "HH", buf, pos)
                if code == 0:
                    break
                if code == 9 and olen >= 1:
                    num, den = _tsresol(buf[pos + 4])
                pos += 4 + ((olen + 3) & ~3)
            interfaces.append((linktype, snaplen, num, den))
            iface_keys.append((linktype, num, den))
        elif btype == 2:  # obsolete packet block
            iface, _, high, low, caplen, origlen = struct.unpack_from(
                order + "HHIIII", buf, off + 8
            )
            if iface >= len(interfaces):
                raise CaptureError(f"pcapng block at byte {off}: unknown interface {iface}")
            key = len(iface_keys) - len(interfaces) + iface
            others.append((off + 28, min(caplen, blen - 32), origlen, (high << 32) | low, key))
        elif btype == 3:  # simple packet block: no timestamp
            if not interfaces:
                raise CaptureError(f"pcapng block at byte {off}: a packet before any interface")
            origlen = struct.unpack_from(order + "I", buf, off + 8)[0]
            snaplen = interfaces[0][1] or origlen
            key = len(iface_keys) - len(interfaces)
            others.append((off + 12, min(origlen, snaplen, blen - 16), origlen, 0, key))
        off += blen
        step += 1
        if progress is not None and step % 8192 == 0:
            progress(off, size)
    if off < size and not truncated:
        truncated = True
        problem = f"the file ends inside a block header at byte {off}"
    _progress_every(progress, size, size)

    parts = []
    for sec_order, base, offs, described in sections:
        if not offs:
            continue
        at = np.array(offs, dtype=np.int64)
        words = raw[at[:, None] + np.arange(4, 28)].copy().view(np.dtype(sec_order + "u4"))
        words = words.reshape(-1, 6).astype(np.int64)  # blen, iface, high, low, caplen, origlen
        unknown = np.flatnonzero(words[:, 1] >= len(described))
        if len(unknown):
            first = int(unknown[0])
            raise CaptureError(
                f"pcapng block at byte {int(at[first])}: a packet on interface "
                f"{int(words[first, 1])}, but its section describes {len(described)} "
                f"interface{'s' if len(described) != 1 else ''}"
            )
        units = (words[:, 2].astype(np.uint64) << np.uint64(32)) | words[:, 3].astype(np.uint64)
        caplen = np.minimum(words[:, 4], words[:, 0] - 32)
        parts.append((at + 28, caplen, words[:, 5], units, words[:, 1] + base))
    if others:
        cols = np.array(others, dtype=np.uint64).T
        parts.append(
            (
                cols[0].astype(np.int64),
                cols[1].astype(np.int64),
                cols[2].astype(np.int64),
                cols[3],
                cols[4].astype(np.int64),
            )
        )
    if parts:
        offsets, caplens, origlens, unit_arr, iface_idx = (
            np.concatenate([p[i] for p in parts]) for i in range(5)
        )
        order_idx = np.argsort(offsets, kind="stable")  # file order when block kinds mix
        offsets, caplens, origlens = offsets[order_idx], caplens[order_idx], origlens[order_idx]
        unit_arr, iface_idx = unit_arr[order_idx].astype(np.uint64), iface_idx[order_idx]
    else:
        offsets = caplens = origlens = iface_idx = np.zeros(0, dtype=np.int64)
        unit_arr = np.zeros(0, dtype=np.uint64)
    keys = np.array(iface_keys or [(1, 1000, 1)], dtype=np.int64).reshape(-1, 3)
    num = keys[iface_idx, 1].astype(np.uint64)
    den = keys[iface_idx, 2].astype(np.uint64)
    ts = ((unit_arr // den) * num + (unit_arr % den) * num // den).astype(np.int64)
    return _Index(
        buf=buf,
        format="pcapng",
        offsets=offsets.astype(np.int64),
        caplen=caplens.astype(np.int64),
        origlen=origlens.astype(np.int64),
        ts_ns=ts,
        linktype=keys[iface_idx, 0].astype(np.int32),
        truncated=truncated,
        problem=problem,
    )
