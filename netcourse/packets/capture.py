"""Read pcap and pcapng files: a lazy packet list with Wireshark's columns.

Opening a capture only indexes it (where each frame starts, its lengths and time), which takes
a fraction of a second even for 100,000 packets; the No., Time, Source, Destination, Protocol,
Length and Info columns are computed by scapy for the rows you look at, page by page.
Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> cap = read_capture(sample("http"))
>>> len(cap)
12
>>> row = cap[0]
>>> row.number, row.source, row.destination, row.protocol, row.length
(1, '198.18.0.1', '198.18.0.2', 'TCP', 74)
>>> row.info.split(" Seq=")[0]
'40000 → 8000 [SYN]'
>>> len(frame("http", 4))
166
"""

from __future__ import annotations

import mmap
import os
import struct
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from netcourse.errors import CaptureError, PacketError, quote
from netcourse.html import Markup, table
from netcourse.packets.analysis import PacketContext, packet_context
from netcourse.packets.bulk import _chunk
from netcourse.packets.columns import columns as packet_columns
from netcourse.packets.columns import fragment_info
from netcourse.packets.dissect import Dissection, dissect
from netcourse.packets.fast import Columns, address, decode
from netcourse.packets.http import http_frames
from netcourse.packets.instances import fragment_note
from netcourse.packets.link import link_name, link_type, link_type_of, supported
from netcourse.packets.reassembly import DATAGRAM_LINKTYPE
from netcourse.packets.samples import SAMPLES, sample
from netcourse.packets.synthetic import pcap_bytes
from netcourse.protocols import IPV6_EXTENSION_HEADERS, LINK_TYPES, LinkType

__all__ = ["PacketRow", "Capture", "read_capture", "frame", "as_dissection", "COLUMNS"]

#: The IPv6 extension headers by number, and the fragment header's.
_IPV6_EXTENSIONS = tuple(IPV6_EXTENSION_HEADERS)
_FRAGMENT_HEADER = next(n for n, name in IPV6_EXTENSION_HEADERS.items() if name == "fragment")

#: Wireshark's default packet-list columns, in order.
COLUMNS = ("No.", "Time", "Source", "Destination", "Protocol", "Length", "Info")

_PCAP_MAGIC = {
    b"\xa1\xb2\xc3\xd4": (">", 1_000),  # big-endian, microseconds
    b"\xd4\xc3\xb2\xa1": ("<", 1_000),
    b"\xa1\xb2\x3c\x4d": (">", 1),  # nanoseconds
    b"\x4d\x3c\xb2\xa1": ("<", 1),
}
_PCAPNG_SHB = b"\x0a\x0d\x0d\x0a"


@dataclass(frozen=True)
class _Index:
    """Where each frame of a capture file sits, with its lengths and time (numpy arrays)."""

    buf: bytes
    format: str
    offsets: np.ndarray  # int64: first byte of each frame in buf
    caplen: np.ndarray  # int64: bytes captured
    origlen: np.ndarray  # int64: bytes on the wire (Wireshark's Length)
    ts_ns: np.ndarray  # int64: nanoseconds since the epoch
    linktype: np.ndarray  # int32 per frame
    truncated: bool
    problem: str | None = None  # what ended the reading early, for a damaged file


def _link(number: int) -> LinkType:
    """The vocabulary's link type, or CaptureError naming the supported ones."""
    try:
        return link_type(number)
    except PacketError as exc:
        if isinstance(number, int) and not isinstance(number, bool):
            raise CaptureError(str(exc)) from None
        raise CaptureError(
            f"link type {quote(number)}: not supported; supported are {supported()}"
        ) from None


def _require_readable(index: _Index) -> None:
    """CaptureError naming the first link type of the capture that no decoder reads, if any:
    its frames would otherwise be missing from a table without a word of why."""
    numbers, counts = np.unique(index.linktype, return_counts=True)
    for number, count in zip(numbers.tolist(), counts.tolist()):
        if number not in LINK_TYPES:
            raise CaptureError(
                f"{count} of {len(index.linktype)} frames have link type {number} "
                f"({link_name(number)}), which the course does not decode; "
                f"supported are {supported()}"
            )


def _resolve(source: str | Path) -> Path:
    if isinstance(source, str) and source in SAMPLES and not Path(source).exists():
        return sample(source)
    if not isinstance(source, (str, Path)):
        raise CaptureError(
            f"expected a capture file path or a sample name, not {type(source).__name__}"
        )
    path = Path(source)
    if not path.is_file():
        raise CaptureError(
            f"{str(source)!r}: no such capture file (the samples are: {', '.join(SAMPLES)})"
        )
    return path


def _progress_every(progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _words(buf, at: np.ndarray, count: int, order: str) -> np.ndarray:
    """The ``count`` 32-bit words from each offset of ``at`` in ``buf``, as int64 (n, count).

    Gathered from a view of the buffer with a 32-bit word at every byte (strides of 1), one
    gather per word, so no index array per byte is built (that took 128 bytes per packet).
    The offsets are those of whole records or blocks, so every word read is in the file."""
    out = np.empty((count, len(at)), dtype=np.int64)  # a word's values side by side
    view = np.ndarray((max(len(buf) - 3, 0),), dtype=order + "u4", buffer=buf, strides=(1,))
    for k in range(count):
        out[k] = view[at + 4 * k]
    return out.T


#: Records walked between two progress calls while a file is indexed.
_PROGRESS_STEP = 8192


def _walk_pcap(buf, order: str, progress) -> tuple[array, int, int | None]:
    """The offset of each whole record of a pcap file, where the walk stopped, and the
    offset of a last record whose data runs past the end of the file (not listed), if any.

    Records follow each other at no fixed step, so each one's place comes from the one
    before: the walk is the chain of successors from the first (a record at ``p`` is followed
    by one at ``p + 16 + caplen``). The successors are found at once for a window of
    candidate places, the bytes where the upper half of a record's seconds word could be the
    current record's (timestamps of one capture rarely cross 18 hours of seconds), and the
    chain is followed through them; a candidate inside packet data is one no link reaches
    (a Python step where the chain passes over one). Where the chain leaves the candidates
    (the seconds moved on, the window ended) it resumes from the record it reached, so the
    result is the one-record-at-a-time walk's (:func:`_step_pcap`), which serves a capture
    whose seconds keep changing half."""
    size = len(buf)
    last = size - 16
    offsets = array("q")
    off = 24
    if off > last:
        return offsets, off, None
    hi = 2 if order == "<" else 0  # where the seconds word's upper half is
    # 16-bit words at even and at odd places, each a plain array (compared a vector at a time)
    halves = [np.frombuffer(buf, dtype=order + "u2", count=(size - k) // 2, offset=k)
              for k in (0, 1)]  # fmt: skip
    words = np.ndarray((size - 3,), dtype=order + "u4", buffer=buf, strides=(1,))
    window = 1 << 16
    while off <= last:
        stop = min(off + window, last + 1)  # candidates whose 16-byte header is in the file
        key = halves[(off + hi) & 1][(off + hi) >> 1]
        cand = np.sort(kind="stable", a=np.concatenate([
            np.flatnonzero(half[(off + hi - k + 1) >> 1 : (stop + hi - k + 1) >> 1] == key) * 2
            + (((off + hi - k + 1) >> 1) * 2 + k - hi)
            for k, half in enumerate(halves)
        ]))  # fmt: skip
        following = cand + 16 + words[cand + 8].astype(np.int64)
        at = np.searchsorted(cand, following)
        inside = np.flatnonzero(at < len(cand))
        succ = np.full(len(cand), -1, dtype=np.int64)
        linked = inside[cand[at[inside]] == following[inside]]
        succ[linked] = at[linked]
        breaks = np.flatnonzero(succ != np.arange(1, len(cand) + 1))  # the last is always one
        i, found = 0, 0
        while True:
            k = int(breaks[np.searchsorted(breaks, i)])
            offsets.frombytes(cand[i : k + 1].tobytes())
            found += k + 1 - i
            if succ[k] < 0:
                break
            i = int(succ[k])
        off = int(following[k])
        if progress is not None and off <= last:
            progress(off, size)
        if found < 16 or len(cand) > 4 * found:  # the seconds change, or data looks alike
            off = _step_pcap(buf, order, off, offsets)
            window = 1 << 16
        elif off >= stop:
            window = min(window * 2, 1 << 22)  # the chain ran through: a longer window
    if off > size:  # the last record's data is cut: it is not a frame
        return offsets, off, offsets.pop()
    return offsets, off, None


def _step_pcap(buf, order: str, off: int, offsets: array) -> int:
    """Walk up to :data:`_PROGRESS_STEP` records from ``off`` one at a time, appending their
    offsets; returns where the walk stopped (past the end for a cut last record)."""
    at = struct.Struct(order + "8xI").unpack_from  # a record header's captured length
    append = offsets.append
    last = len(buf) - 16
    for _ in range(_PROGRESS_STEP):
        if off > last:
            break
        append(off)
        off += 16 + at(buf, off)[0]
    return off


def _index_pcap(buf: bytes, progress) -> _Index:
    order, unit_ns = _PCAP_MAGIC[buf[:4]]
    if len(buf) < 24:
        raise CaptureError(f"a pcap file of {len(buf)} bytes: its 24-byte header is cut short")
    linktype = struct.unpack_from(order + "I", buf, 20)[0] & 0xFFFF
    size = len(buf)
    offsets, off, start = _walk_pcap(buf, order, progress)
    truncated, problem = False, None
    if start is not None:
        length = off - start - 16
        truncated = True
        problem = (
            f"the packet record at byte {start} says {length} bytes were captured, "
            f"but the file ends {size - start - 16} bytes after its header"
        )
    elif off < size:
        truncated = True
        problem = f"the file ends inside a packet record header at byte {off}"
    heads = np.frombuffer(offsets, dtype=np.int64) if offsets else np.zeros(0, dtype=np.int64)
    cols = _words(buf, heads, 4, order)  # seconds, fraction, captured and original lengths
    _progress_every(progress, size, size)
    return _Index(
        buf=buf,
        format="pcap",
        offsets=heads + 16,
        caplen=cols[:, 2].copy(),  # copies, so the rest of ``cols`` is freed
        origlen=cols[:, 3].copy(),
        ts_ns=cols[:, 0] * 1_000_000_000 + cols[:, 1] * unit_ns,
        linktype=np.full(len(heads), linktype, dtype=np.int32),
        truncated=truncated,
        problem=problem,
    )


def _tsresol(value: int) -> tuple[int, int]:
    """(numerator, denominator) of nanoseconds per timestamp unit for a pcapng if_tsresol."""
    exp = value & 0x7F
    if (value & 0x80 and exp > 62) or (not value & 0x80 and exp > 18):
        raise CaptureError(
            f"pcapng if_tsresol 0x{value:02x}: a timestamp resolution finer than "
            "2^-62 or 10^-18 seconds is not supported"
        )
    if value & 0x80:
        return 1_000_000_000, 2**exp
    return (10 ** (9 - exp), 1) if exp <= 9 else (1, 10 ** (exp - 9))


#: The shortest each pcapng block can be (its fixed fields and both length words), by type.
_PCAPNG_MIN_BLOCK = {
    0x0A0D0D0A: 28,  # section header: byte-order mark, version, section length
    1: 20,  # interface description: link type, reserved, snap length
    2: 32,  # obsolete packet: interface, drops, timestamp, captured and original lengths
    3: 16,  # simple packet: original length
    6: 32,  # enhanced packet: interface, timestamp, captured and original lengths
}
_PCAPNG_NAMES = {
    0x0A0D0D0A: "section header",
    1: "interface description",
    2: "packet",
    3: "simple packet",
    6: "enhanced packet",
}


def _least(btype: int) -> int:
    """The shortest a pcapng block of this type can be."""
    return _PCAPNG_MIN_BLOCK.get(btype, 12)


def _block_problem(btype: int, blen: int, off: int, size: int) -> str:
    """What is wrong with a pcapng block's total length (one of the checks failed)."""
    name = _PCAPNG_NAMES.get(btype, f"type 0x{btype:08x}")
    least = _least(btype)
    if blen < least:
        return f"the {name} block at byte {off} is {blen} bytes, but one needs at least {least}"
    if blen % 4:
        return f"the {name} block at byte {off} is {blen} bytes, not a multiple of 4"
    return (
        f"the {name} block at byte {off} says {blen} bytes, "
        f"but the file ends {size - off} bytes after its start"
    )


def _epb_run(buf, off: int, order: str) -> tuple[np.ndarray, int]:
    """The offsets of the run of whole enhanced packet blocks that starts with the one at
    ``off``, and where the run stops: at the first block that is not one (or the file's end).

    Without a step per block: blocks start on 4-byte boundaries, so every 32-bit word of
    type 6 is a candidate block, each candidate's successor is found from its length at
    once, and the run is the chain of successors from the first. A word of 6 inside a
    packet's data is a candidate no chain reaches; only where the chain passes over one is
    there a Python step (once per such word, not per block). The words are read a window at
    a time, doubling while the run goes on, so a short run costs little.
    """
    size = len(buf)
    words = np.frombuffer(buf, dtype=order + "u4", count=size // 4)
    spans: list[np.ndarray] = []
    pos, window = off // 4, 1 << 12  # pos: a word where a whole EPB starts
    while True:
        stop = min(pos + window, len(words) - 1)  # a candidate needs its length word
        cand = np.flatnonzero(words[pos:stop] == 6) + pos  # cand[0] == pos
        blen = words[cand + 1].astype(np.int64)
        whole = (blen >= 32) & ((blen & 3) == 0) & (cand * 4 + blen <= size)
        following = cand + blen // 4  # the word where the next block starts
        at = np.searchsorted(cand, following)
        succ = np.full(len(cand), -1, dtype=np.int64)
        inside = np.flatnonzero(at < len(cand))
        linked = inside[cand[at[inside]] == following[inside]]
        linked = linked[whole[at[linked]]]
        succ[linked] = at[linked]
        breaks = np.flatnonzero(succ != np.arange(1, len(cand) + 1))  # the last is always one
        i = 0
        while True:
            k = int(breaks[np.searchsorted(breaks, i)])
            spans.append(cand[i : k + 1])
            if succ[k] < 0:
                break
            i = int(succ[k])
        nxt = int(following[k])
        if nxt < stop or nxt + 1 >= len(words) or words[nxt] != 6:
            break  # the block after the run is in the window and not a whole EPB, or absent
        length = int(words[nxt + 1])
        if length < 32 or length & 3 or nxt * 4 + length > size:
            break
        pos, window = nxt, min(window * 2, 1 << 22)  # the run goes on past the window
    return np.concatenate(spans) * 4, nxt * 4


def _index_pcapng(buf: bytes, progress) -> _Index:
    """Index a pcapng file. A block cut short or too small for its own fields ends the reading
    there, like a cut pcap record: the packets before it are kept and ``truncated`` is set."""
    size = len(buf)
    off = 0
    order = "<"
    head = struct.Struct("<II").unpack_from
    interfaces: list[tuple[int, int, int, int]] = []  # linktype, snaplen, num, den
    iface_keys: list[tuple[int, int, int]] = []  # (linktype, num, den) of all sections
    # (byte order, iface base, EPB offsets, the section's interfaces)
    sections: list[tuple[str, int, array, list[tuple[int, int, int, int]]]] = []
    epbs = array("q")
    # the rare other packet blocks: (offset of data, caplen, origlen, ts units, iface key)
    others: list[tuple[int, int, int, int, int]] = []
    truncated = False
    problem = None
    step = 0
    reported = 0  # where progress was last told
    while off + 12 <= size:
        btype, blen = head(buf, off)
        if btype == 6 and blen >= 32 and not blen & 3 and off + blen <= size:
            # the common case: a run of whole enhanced packet blocks, found at once (their
            # fields are decoded below, all at once too)
            run, off = _epb_run(buf, off, order)
            epbs.frombytes(run.tobytes())
            if progress is not None and off + 12 <= size and off - reported >= size >> 6:
                progress(off, size)
                reported = off
            continue
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
            epbs = array("q")
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
        at = np.frombuffer(offs, dtype=np.int64)
        words = _words(buf, at + 4, 6, sec_order)  # blen, iface, high, low, caplen, origlen
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


#: The fewest frames the packet list analyses before it shows a row (see Capture._context_of).
_EARLY_FRAMES = 4096

#: Files from this size on are mapped rather than read when the caller asks (conversations()).
_MAP_AT_LEAST = 1 << 22


def _read(path: Path, mapped: bool):
    """The file's bytes: read into memory, or with ``mapped`` (and a file of at least
    :data:`_MAP_AT_LEAST` bytes) mapped read-only, so only the pages touched are read and
    nothing is copied. A mapping lives as long as an array over it; a caller that keeps
    the index (a Capture) must not ask for one, as a file cut short under it would fault."""
    if mapped:
        try:
            with path.open("rb") as handle:
                if os.fstat(handle.fileno()).st_size >= _MAP_AT_LEAST:
                    return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            pass  # not mappable (a pipe, a special file): read it
    return path.read_bytes()


def _index(
    source: str | Path,
    progress: Callable[[int, int], Any] | None = None,
    *,
    mapped: bool = False,
) -> _Index:
    path = _resolve(source)
    try:
        buf = _read(path, mapped)
    except OSError as exc:
        raise CaptureError(f"{str(path)!r}: cannot be read ({exc.strerror})") from None
    head = buf[:4]
    if head in _PCAP_MAGIC:
        return _index_pcap(buf, progress)
    if head == _PCAPNG_SHB:
        return _index_pcapng(buf, progress)
    raise CaptureError(
        f"{str(path)!r}: not a pcap or pcapng file (it starts with {head.hex(' ') or 'nothing'}, "
        "expected a1 b2 c3 d4, d4 c3 b2 a1, a1 b2 3c 4d, 4d 3c b2 a1 or 0a 0d 0d 0a)"
    )


@dataclass(frozen=True)
class PacketRow:
    """One line of the packet list, with Wireshark's columns."""

    number: int
    time: float
    source: str
    destination: str
    protocol: str
    length: int
    info: str
    #: a bogus or cut IP/TCP/UDP header, which Wireshark marks and leaves out of its statistics
    malformed: bool = False

    def as_tuple(self) -> tuple:
        """The columns in Wireshark's order (see COLUMNS)."""
        return (
            self.number,
            self.time,
            self.source,
            self.destination,
            self.protocol,
            self.length,
            self.info,
        )


class Capture(Sequence):
    """A capture file's packets as a lazy list of PacketRow (index 0 is Wireshark's No. 1)."""

    def __init__(self, path: Path, index: _Index):
        self.path = path
        self._index = index
        self._rows: dict[int, PacketRow] = {}
        self._columns = None
        self._tcp = None
        self._early: tuple[int, PacketContext] | None = None  # (frames, their TCP context)
        self._http: tuple[PacketContext, dict] | None = None  # a context, its HTTP frames
        first = int(index.ts_ns[0]) if len(index.ts_ns) else 0
        self.times = (index.ts_ns - first) / 1e9  # seconds since the first packet

    @property
    def format(self) -> str:
        """'pcap' or 'pcapng'."""
        return self._index.format

    @property
    def truncated(self) -> bool:
        """True when the file is cut or damaged: the packets before that point are read and
        :attr:`problem` says what stopped the reading."""
        return self._index.truncated

    @property
    def problem(self) -> str | None:
        """What ended the reading early in a damaged or cut file, or None.

        >>> read_capture("http").problem is None
        True
        """
        return self._index.problem

    @classmethod
    def from_frames(cls, frames, times=None, *, linktype: int | None = None) -> Capture:
        """A capture held in memory, from frame bytes or scapy packets (built in a cell).

        ``linktype`` (one of :data:`netcourse.protocols.LINK_TYPES`) says what the frames start
        with; by default scapy packets say it themselves (``IP()/TCP()`` is raw IP, 101) and
        bytes are Ethernet frames.

        >>> Capture.from_frames([frame("arp-icmp", 1)])[0].info
        'Who has 198.18.0.2? Tell 198.18.0.1'
        >>> Capture.from_frames([frame("udp", 1)[14:]], linktype=228).linktype(1)
        228
        """
        data, outer = [], set()
        for item in frames:
            if isinstance(item, (bytes, bytearray, memoryview)):
                data.append(bytes(item))
                outer.add("bytes")
            elif hasattr(item, "build") and hasattr(item, "time"):
                data.append(bytes(item))
                outer.add(type(item).__name__)
            else:
                raise CaptureError(
                    f"expected frame bytes or scapy packets, not {type(item).__name__}"
                )
        if linktype is None:
            linktype = link_type_of(outer) or LINK_TYPES[1].number
        else:
            _link(linktype)
        if times is None:
            times = [float(i) for i in range(len(data))]
        buf = pcap_bytes(data, times, linktype=linktype)
        return cls(Path("<frames>"), _index_pcap(buf, None))

    @property
    def columns(self) -> Columns:
        """Header fields of every packet decoded at once (see netcourse.packets.fast)."""
        if self._columns is None:
            self._columns = decode(self._index)
        return self._columns

    @property
    def tcp_context(self) -> PacketContext:
        """Relative TCP sequence numbers, shown windows and Wireshark's analysis labels, per
        tcp.stream (see netcourse.packets.analysis)."""
        if self._tcp is None:
            self._tcp = packet_context(self._index, self.columns)
        return self._tcp

    @property
    def lengths(self) -> np.ndarray:
        """Each packet's length on the wire (Wireshark's Length column)."""
        return self._index.origlen

    def __len__(self) -> int:
        return len(self._index.offsets)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, item):
        if isinstance(item, slice):
            return [self[i] for i in range(*item.indices(len(self)))]
        if not isinstance(item, (int, np.integer)):
            raise CaptureError(f"a packet index must be an integer, not {type(item).__name__}")
        i = int(item)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise CaptureError(f"packet index {item}: this capture has {len(self)} packets")
        if i not in self._rows:
            if len(self._rows) > 4096:
                self._rows.clear()
            self._rows[i] = self._row(i)
        return self._rows[i]

    def frame(self, number: int) -> bytes:
        """The bytes of packet ``number`` (1-based, like Wireshark's No. column)."""
        if isinstance(number, bool) or not isinstance(number, (int, np.integer)):
            raise CaptureError(f"a packet number must be an integer, not {number!r}")
        if not 1 <= number <= len(self):
            raise CaptureError(
                f"packet number {number}: this capture has packets 1-{len(self)} "
                "(numbers start at 1, like Wireshark's No. column)"
            )
        i = int(number) - 1
        start = int(self._index.offsets[i])
        return self._index.buf[start : start + int(self._index.caplen[i])]

    def linktype(self, number: int) -> int:
        """The pcap link-layer type of packet ``number`` (1 is Ethernet).

        >>> read_capture("ipv6").linktype(1), read_capture("ipv6").link(1).description
        (1, 'Ethernet')
        """
        self.frame(number)
        return int(self._index.linktype[number - 1])

    def link(self, number: int) -> LinkType:
        """The link type of packet ``number`` from :data:`netcourse.protocols.LINK_TYPES`;
        CaptureError for one that no reader of the course knows."""
        return _link(self.linktype(number))

    def dissect(self, number: int, http: bool = False) -> Dissection:
        """Dissect packet ``number`` (1-based); see :func:`netcourse.packets.dissect`.

        A fragment's dissection notes which frame reassembles its datagram; on the frame
        completing it, :meth:`reassembled` dissects the whole datagram."""
        found = dissect(self.frame(number), linktype=self.linktype(number), http=http)
        note = fragment_note(self.columns, number - 1)
        return found if note is None else replace(found, notes=(note,))

    def reassembled(self, number: int, http: bool = False) -> Dissection | None:
        """The whole datagram that packet ``number`` completes, dissected from its IP header
        (what Wireshark dissects on that frame after the fragment's own IP header: a tunnel
        in it, the transport), or None for a frame completing no datagram.

        Its IP header is the completing fragment's, made a whole datagram's (no fragment
        offset or more-fragments flag, the whole length); offsets count from its start.

        >>> read_capture("http").reassembled(1) is None
        True
        """
        self.frame(number)
        span = self.columns.datagrams.get(number - 1)
        if span is None:
            return None
        data = self.columns.buffer(self._index.buf)[span[0] : span[1]]
        found = dissect(data, linktype=DATAGRAM_LINKTYPE, http=http)
        return replace(found, notes=(fragment_note(self.columns, number - 1),))

    def page(self, page: int, size: int = 50) -> list[PacketRow]:
        """Rows of page ``page`` (0-based) of ``size`` rows."""
        return self[page * size : (page + 1) * size]

    def _context_of(self, i: int) -> PacketContext:
        """A TCP context that holds frame ``i``: the whole capture's once it is known, else
        that of the first frames up to one past ``i`` at least (Wireshark's analysis of a
        frame reads only the frames before it), grown by doubling. So the first page of a
        big capture shows its labels without the whole capture's analysis."""
        if self._tcp is not None:
            return self._tcp
        if self._early is not None and i < self._early[0]:
            return self._early[1]
        known = self._early[0] if self._early is not None else 0
        frames = max(2 * known, i + 1, _EARLY_FRAMES)
        if frames * 2 >= len(self):
            return self.tcp_context
        index = _chunk(self._index, 0, frames)
        self._early = (frames, packet_context(index, decode(index)))
        return self._early[1]

    def _http_of(self, ctx: PacketContext) -> dict[int, tuple[str, str]]:
        """The HTTP messages of the segments of a TCP context (kept for the latest one)."""
        if self._http is None or self._http[0] is not ctx:
            self._http = (ctx, http_frames(ctx.segments))
        return self._http[1]

    def _row(self, i: int) -> PacketRow:
        number = i + 1
        tcp, labels, http = None, (), None
        if self.columns.tcp_flags[i] >= 0:
            ctx = self._context_of(i)
            tcp = (int(ctx.rel_seq[i]), int(ctx.rel_ack[i]), int(ctx.window[i]))
            labels = ctx.labels.get(i, ())
            http = self._http_of(ctx).get(i, ("tcp", ""))
        data, linktype = self.frame(number), self.linktype(number)
        span = self.columns.datagrams.get(i)
        if span is not None:  # Wireshark lists the packet of the datagram this frame completes
            data = self.columns.buffer(self._index.buf)[span[0] : span[1]]
            linktype = DATAGRAM_LINKTYPE
        if self.columns.fragment[i] and span is None:  # a piece of a datagram, no more
            source, destination, protocol, info = self._fragment_columns(i)
        else:
            source, destination, protocol, info = packet_columns(
                data, linktype, tcp=tcp, analysis=labels, http=http
            )
        return PacketRow(
            number=number,
            time=round(float(self.times[i]), 6),
            source=source,
            destination=destination,
            protocol=protocol,
            length=int(self._index.origlen[i]),
            info=info,
            malformed=bool(self.columns.malformed[i]),
        )

    def _fragment_columns(self, i: int) -> tuple[str, str, str, str]:
        """Source, Destination, Protocol and Info of frame ``i``, an IP fragment completing
        no datagram: its own IP header's addresses, and what Wireshark says of a fragment."""
        cols = self.columns
        version = int(cols.version[i])
        source = address(version, cols.src_hi[i], cols.src_lo[i])
        destination = address(version, cols.dst_hi[i], cols.dst_lo[i])
        offset, ident = int(cols.fragment_offset[i]), int(cols.fragment_id[i])
        if version == 4:
            info = fragment_info(4, int(cols.ip_proto[i]), offset, ident, True)
            return source, destination, "IPv4", info
        buf, at = self._index.buf, int(cols.l3_offset[i])
        nxt, at = buf[at + 6], at + 40
        end = int(self._index.offsets[i] + self._index.caplen[i])
        while nxt != _FRAGMENT_HEADER and nxt in _IPV6_EXTENSIONS and at + 8 <= end:
            nxt, at = buf[at], at + (buf[at + 1] + 1) * 8  # the headers before the fragment's
        more = bool(buf[at + 3] & 1) if at + 4 <= end else False
        info = fragment_info(6, buf[at] if at < end else -1, offset, ident, more)
        return source, destination, "IPv6", info

    def __repr__(self) -> str:
        return f"<Capture {self.path.name}: {len(self)} packets, {self.format}>"

    def _repr_html_(self) -> str:
        rows = []
        for row in self[:20]:
            cells = list(row.as_tuple())
            cells[1] = f"{row.time:.6f}"
            if row.malformed:
                cells[-1] = f"{row.info} [Malformed]"
            rows.append(cells)
        html = table(rows, header=COLUMNS)
        if len(self) > 20:
            html += Markup("<p>... {} more packets</p>").format(len(self) - 20)
        return str(html)


def read_capture(path: str | Path, progress: Callable[[int, int], Any] | None = None) -> Capture:
    """Open a pcap or pcapng file (or a sample name) as a lazy list of packet rows.

    ``progress(done_bytes, total_bytes)`` is called while the file is indexed, so a notebook
    can show a progress bar for a long load.

    >>> cap = read_capture("arp-icmp")
    >>> [row.protocol for row in cap]
    ['ARP', 'ARP', 'ICMP', 'ICMP', 'ICMP', 'ICMP']
    """
    resolved = _resolve(path)
    return Capture(resolved, _index(resolved, progress))


_CACHE: dict[tuple, Capture] = {}


def _cached(name_or_path: str | Path) -> Capture:
    """The capture of a sample or file, read once while the file stays the same."""
    path = _resolve(name_or_path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[key] = read_capture(path)
    return _CACHE[key]


def frame(name_or_path: str | Path, number: int) -> bytes:
    """The bytes of packet ``number`` (1-based like Wireshark's No.) of a sample or file.

    >>> frame("arp-icmp", 1)[:6].hex(":")
    'ff:ff:ff:ff:ff:ff'
    """
    return _cached(name_or_path).frame(number)


def as_dissection(source: Any, number: int | None = None) -> Any:
    """A dissection of what a lesson hands over: a Dissection, a frame's bytes, a scapy packet,
    or a sample name or capture path with the frame's ``number`` (dissected with its file's
    link type).

    >>> as_dissection("http", 4).summary, as_dissection(frame("udp", 1)).summary
    ('Ether / IP / TCP / Raw', 'Ether / IP / UDP / Raw')
    """
    if isinstance(source, Dissection) or isinstance(getattr(source, "layers", None), (list, tuple)):
        return source  # a dissection already (or one built by hand with the same shape)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return dissect(bytes(source))
    if hasattr(source, "build") and callable(source.build):  # a scapy packet
        return dissect(bytes(source))
    if number is None:
        raise PacketError(f"{quote(source)}: give the frame number too, e.g. ('http', 4)")
    return _cached(source).dissect(number)
