"""The bulk work behind conversations() on big captures: decode in cache-sized chunks, keep
only each transport header's ends, group them, and write addresses as text in one pass.

Decoding a chunk of packets at a time keeps the bytes being read in the processor's cache
(a whole 200,000-packet capture at once reads each header from main memory dozens of times)
and keeps memory bounded: only the columns a conversation table needs outlive their chunk.
Taught in notebooks/02-osi-layers-and-packets.ipynb (the conversations table).

>>> from netcourse.packets.capture import _index
>>> found = transport_ends(_index("udp"), "udp")
>>> found.row.tolist(), found.dport.tolist()
([0, 1, 2], [7, 40000, 9])
>>> addresses(found.version, found.src_hi, found.src_lo)
['198.18.0.1', '198.18.0.2', '198.18.0.1']
"""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import dataclass

import numpy as np

from netcourse.packets.fast import Columns, decode
from netcourse.packets.instances import instances

__all__ = ["Ends", "transport_ends", "group_ends", "group_rows", "addresses", "CHUNK"]

#: Packets decoded at a time: their headers stay in cache, and the columns of one chunk are
#: all that is ever held beside the kept ends.
CHUNK = 1 << 15

_NAMES = ("row", "version", "src_hi", "src_lo", "dst_hi", "dst_lo", "sport", "dport", "flags",
          "seq")  # fmt: skip


@dataclass(frozen=True)
class Ends:
    """Each TCP or UDP header of a capture as conversations count them (a tunnel's outer UDP
    as well as its inner one; a routing header's final destination), in frame order: its
    frame (0-based), IP version (uint8), addresses as uint64 halves, ports (uint16), and the
    frame's TCP flags and sequence number (int64, -1 for UDP): 61 bytes a header."""

    row: np.ndarray
    version: np.ndarray
    src_hi: np.ndarray
    src_lo: np.ndarray
    dst_hi: np.ndarray
    dst_lo: np.ndarray
    sport: np.ndarray
    dport: np.ndarray
    flags: np.ndarray
    seq: np.ndarray


def _select(cols: Columns, kind: str) -> dict[str, np.ndarray]:
    """The ends of every ``kind`` header (``"tcp"`` or ``"udp"``) in one decoded chunk."""
    found = instances(cols, kind)
    rows = found.row
    return {
        "row": rows,
        "version": found.version.astype(np.uint8),
        "src_hi": found.src_hi,
        "src_lo": found.src_lo,
        "dst_hi": found.dst_hi,
        "dst_lo": found.dst_lo,
        "sport": found.sport.astype(np.uint16),
        "dport": found.dport.astype(np.uint16),
        "flags": cols.tcp_flags[rows].astype(np.int64),
        "seq": cols.tcp_seq[rows].astype(np.int64),
    }


def _chunk(index, start: int, stop: int):
    """The index of packets ``start``-``stop`` only (the same file bytes, sliced arrays)."""
    n = len(index.offsets)
    sliced = {
        f.name: getattr(index, f.name)[start:stop]
        for f in dataclasses.fields(index)
        if isinstance(getattr(index, f.name), np.ndarray) and len(getattr(index, f.name)) == n
    }
    return dataclasses.replace(index, **sliced)


def transport_ends(index, kind: str, *, chunk: int | None = None) -> Ends:
    """Every ``kind`` header (``"tcp"`` or ``"udp"``) of an indexed capture, as conversations
    count them, decoded ``chunk`` packets (by default :data:`CHUNK`) at a time.

    IP reassembly joins fragments that may lie in different chunks: a capture holding any
    fragment is decoded at once instead, so a datagram is credited on the frame that
    completes it whatever the chunk size.

    >>> from netcourse.packets.capture import _index
    >>> transport_ends(_index("http"), "tcp", chunk=5).row.tolist() == list(range(12))
    True
    """
    n = len(index.offsets)
    chunk = CHUNK if chunk is None else chunk
    parts = []
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        cols = decode(_chunk(index, start, stop), lean=True)
        if cols.fragment.any() and (start > 0 or stop < n):
            # reassembly state spans the whole file
            parts = [_select(decode(index, lean=True), kind)]
            break
        found = _select(cols, kind)
        del cols
        found["row"] = found["row"] + start
        parts.append(found)
    if not parts:
        parts = [_select(decode(_chunk(index, 0, 0), lean=True), kind)]
    # one column at a time, each chunk's piece dropped once joined: memory stays ~ one column
    return Ends(**{name: np.concatenate([p.pop(name) for p in parts]) for name in _NAMES})


#: Odd 64-bit multipliers mixing the key's columns into one number (splitmix64's constants).
_MIX = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93,
        0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3,
        0xC2B2AE3D27D4EB4F)  # fmt: skip


def group_ends(found: Ends, src_first: np.ndarray, stream: np.ndarray | None = None) -> np.ndarray:
    """A conversation number for each header of ``found``: equal for the headers whose
    (version, lower end, higher end) are equal, where ``src_first`` says the source is the
    lower end (numbers in no particular order); with ``stream`` (uint64), equal also in it.

    The seven key columns are mixed into one 64-bit number one column at a time and those
    numbers grouped (a fast sort of plain integers); then every header is checked against
    its group's first, and a collision of two different keys, however unlikely, falls back
    to grouping the keys themselves.

    >>> columns = ([0, 1, 2], [4, 4, 4], [0, 0, 0], [1, 2, 1], [0, 0, 0], [2, 1, 2],
    ...            [9, 80, 10], [80, 9, 80])  # one conversation both ways, then another
    >>> ends = Ends(*(np.array(values, dtype=np.uint64) for values in columns), None, None)
    >>> first, reply, other = group_ends(ends, np.array([True, False, True]))
    >>> bool(first == reply != other)
    True
    """

    def columns():
        yield found.version.astype(np.uint64)
        for a, b in ((found.src_hi, found.dst_hi), (found.src_lo, found.dst_lo),
                     (found.sport, found.dport)):  # fmt: skip
            yield np.where(src_first, a, b).astype(np.uint64)
        for a, b in ((found.dst_hi, found.src_hi), (found.dst_lo, found.src_lo),
                     (found.dport, found.sport)):  # fmt: skip
            yield np.where(src_first, a, b).astype(np.uint64)
        if stream is not None:
            yield stream

    return group_rows(columns)


def group_rows(columns) -> np.ndarray:
    """A group number for each row of the key whose columns (uint64) ``columns()`` yields:
    equal rows get the same number, different rows different ones.

    >>> key = np.array([[1, 2], [3, 4], [1, 2]], dtype=np.uint64)
    >>> first, second, third = group_rows(lambda: iter(key.T))
    >>> bool(first == third != second)
    True
    """
    mixed = None
    with np.errstate(over="ignore"):
        for column, factor in zip(columns(), _MIX):
            if mixed is None:
                mixed = np.zeros(len(column), dtype=np.uint64)
            mixed ^= column * np.uint64(factor)
            mixed = (mixed ^ (mixed >> np.uint64(31))) * np.uint64(_MIX[0])
    if mixed is None or not len(mixed):
        return np.zeros(0, dtype=np.int64)
    _, first, group = np.unique(mixed, return_index=True, return_inverse=True)
    del mixed
    group = group.ravel().astype(np.int64)
    head = first[group]  # each row's group's first row
    if all(np.array_equal(column, column[head]) for column in columns()):
        return group
    key = np.ascontiguousarray(np.column_stack(list(columns())))
    void = key.view(np.dtype((np.void, key.itemsize * key.shape[1]))).ravel()
    return np.unique(void, return_inverse=True)[1].ravel().astype(np.int64)


#: Each octet's decimal digits (left-aligned, zero-padded) and how many there are.
_DIGITS = np.array([list(f"{v:<3}".encode()) for v in range(256)], dtype=np.uint8)
_DIGIT_COUNT = np.array([len(str(v)) for v in range(256)], dtype=np.int64)


def _dotted(values: np.ndarray) -> list[str]:
    """IPv4 addresses (the low 32 bits of ``values``) in dotted decimal, written with numpy
    into one text of lines that is split once: no Python step per address.

    >>> _dotted(np.array([0xC6120001, 0x0A00FF07], dtype=np.uint64))
    ['198.18.0.1', '10.0.255.7']
    """
    value = np.asarray(values, dtype=np.uint64) & np.uint64(0xFFFF_FFFF)
    octets = np.stack(
        [((value >> np.uint64(s)) & np.uint64(0xFF)).astype(np.int64) for s in (24, 16, 8, 0)], 1
    )
    count = _DIGIT_COUNT[octets]  # (n, 4)
    width = count + 1  # each octet and the dot (or the line's end) after it
    line = width.sum(1)
    first = np.cumsum(line) - line
    at = first[:, None] + np.cumsum(width, 1) - width  # where each octet starts
    text = np.empty(int(line.sum()), dtype=np.uint8)
    for k in range(3):
        has = k < count
        text[(at + k)[has]] = _DIGITS[octets, k][has]
    ends = at + count
    text[ends[:, :3].ravel()] = ord(".")
    text[ends[:, 3]] = ord("\n")
    return text.tobytes().decode("ascii").split("\n")[:-1]


def addresses(version: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> list[str]:
    """The text form of each address held as (hi, lo) 64-bit halves (IPv4 in ``lo``).

    >>> addresses(np.array([4, 6]), np.array([0, 0xFD00 << 48], dtype=np.uint64),
    ...           np.array([0xFFFF_C612_0001, 1], dtype=np.uint64))
    ['198.18.0.1', 'fd00::1']
    """
    version = np.asarray(version)
    lo = np.asarray(lo, dtype=np.uint64)
    out: list[str] = [""] * len(version)
    four = np.flatnonzero(version == 4)
    if len(four) == len(version):
        return _dotted(lo)
    if len(four):
        for i, text in zip(four.tolist(), _dotted(lo[four])):
            out[i] = text
    for i in np.flatnonzero(version != 4).tolist():
        out[i] = str(ipaddress.IPv6Address((int(hi[i]) << 64) | int(lo[i])))
    return out
