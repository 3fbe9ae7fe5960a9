"""Fields inside TCP and UDP payloads for display filters: DNS query names, HTTP methods.

Read from the captured bytes only for the frames a filter asks about (those the ``dns`` or
``http`` protocol test keeps), so a filter of header fields never pays for them. DNS names are
read as Wireshark's ``dns.qry.name`` shows them (labels joined by dots, compression pointers
followed, ``<Root>`` for the root); over TCP, a DNS message starts after its 2-byte length.
Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> from netcourse.packets import read_capture
>>> cap = read_capture("http")
>>> http_methods(cap, np.array([3, 5]))
{3: 'GET'}
"""

from __future__ import annotations

import numpy as np

from netcourse.protocols import HTTP_STARTS, IP_PROTOCOLS

__all__ = ["dns_query_names", "http_methods", "payload_bytes", "dns_heuristic", "MAX_QUESTIONS"]

_TCP, _UDP = IP_PROTOCOLS["tcp"], IP_PROTOCOLS["udp"]
#: At most this many questions are read from one DNS message (real ones carry one).
MAX_QUESTIONS = 32
#: At most this many labels and pointers per name (a pointer loop ends here).
_MAX_STEPS = 128
#: HTTP request methods: the starts of a request line (a response starts with "HTTP/1.").
_METHODS = tuple(start.decode().strip() for start in HTTP_STARTS if not start.startswith(b"HTTP"))


def payload_bytes(capture, row: int) -> bytes:
    """The captured TCP or UDP payload of frame index ``row`` (0-based), or b""."""
    cols, index = capture.columns, capture._index
    at = int(cols.l4_offset[row])
    size = int(cols.payload_len[row])
    if at < 0 or size <= 0:
        return b""
    buf = cols.buffer(index.buf)
    end = int(cols.bytes_end[row])
    if cols.l4proto[row] == _UDP:
        start = at + 8
    elif cols.l4proto[row] == _TCP and at + 12 < end:
        start = at + (buf[at + 12] >> 4) * 4
    else:
        return b""
    return bytes(buf[start : min(start + size, end)])


def dns_heuristic(capture) -> np.ndarray:
    """Per frame: a UDP payload that Wireshark 4.0's DNS heuristic (``dissect_dns_heur``)
    takes for DNS on a port not registered for it: a standard query with one question and no
    answers, or a response with at most one question, 100 answers and 10 authority records;
    at most 10 additional records, a question or an answer, and room for all of them."""
    cols, index = capture.columns, capture._index
    raw = np.frombuffer(cols.buffer(index.buf), dtype=np.uint8)
    size = cols.udp_length - 8  # the payload's reported length
    udp = (cols.l4proto == _UDP) & (cols.l4_offset >= 0) & (size > 12)
    rows = np.flatnonzero(udp)
    out = np.zeros(len(cols.l4proto), dtype=bool)
    if not len(rows):
        return out
    start = cols.l4_offset[rows] + 8
    end = cols.bytes_end[rows]

    def u16(at: int) -> np.ndarray:
        pos = start + at
        inside = pos + 1 < end
        pos = np.clip(pos, 0, len(raw) - 2)
        return np.where(inside, (raw[pos].astype(np.int64) << 8) | raw[pos + 1], -1)

    flags, quest, ans, auth, add = (u16(at) for at in (2, 4, 6, 8, 10))
    query = (flags & 0x8000) == 0
    ok = (flags >= 0) & (add >= 0) & ((flags & 0x7800) == 0)
    ok &= np.where(query, (quest == 1) & (ans == 0) & (auth == 0),
                   (quest <= 1) & (ans <= 100) & (auth <= 10))  # fmt: skip
    ok &= (add <= 10) & (quest + ans > 0)
    ok &= quest * 6 + (ans + auth + add) * 11 <= size[rows] - 12
    out[rows] = ok
    return out


def _name(msg: bytes, pos: int) -> tuple[str | None, int]:
    """A DNS name at ``pos``: (the name or None when cut or bogus, the position after it)."""
    labels: list[str] = []
    after = None
    for _ in range(_MAX_STEPS):
        if pos >= len(msg):
            return None, len(msg)
        size = msg[pos]
        if size == 0:
            text = ".".join(labels) if labels else "<Root>"
            return text, after if after is not None else pos + 1
        if size & 0xC0 == 0xC0:
            if pos + 1 >= len(msg):
                return None, len(msg)
            if after is None:
                after = pos + 2
            pos = ((size & 0x3F) << 8) | msg[pos + 1]
            continue
        if size & 0xC0:
            return None, len(msg)
        label = msg[pos + 1 : pos + 1 + size]
        if len(label) < size:
            return None, len(msg)
        labels.append(label.decode("latin-1"))
        pos += 1 + size
    return None, len(msg)


def _questions(msg: bytes) -> list[str]:
    if len(msg) < 12:
        return []
    count = min(int.from_bytes(msg[4:6], "big"), MAX_QUESTIONS)
    names, pos = [], 12
    for _ in range(count):
        name, pos = _name(msg, pos)
        if name is None:
            break
        names.append(name)
        pos += 4  # type and class
    return names


def dns_query_names(capture, rows: np.ndarray) -> dict[int, list[str]]:
    """``dns.qry.name`` values of the given frame indices (0-based) that hold DNS questions."""
    out: dict[int, list[str]] = {}
    for row in np.asarray(rows).tolist():
        data = payload_bytes(capture, row)
        if capture.columns.l4proto[row] == _TCP:
            data = data[2:]
        names = _questions(data)
        if names:
            out[row] = names
    return out


def http_methods(capture, rows: np.ndarray) -> dict[int, str]:
    """``http.request.method`` of the given frame indices (0-based) that start a request."""
    out: dict[int, str] = {}
    for row in np.asarray(rows).tolist():
        word = payload_bytes(capture, row)[:16].split(b" ", 1)[0].decode("latin-1")
        if word in _METHODS:
            out[row] = word
    return out
