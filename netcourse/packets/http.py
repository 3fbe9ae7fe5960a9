"""HTTP messages over TCP as Wireshark's HTTP dissector finds them, with its default
reassembly of headers and bodies that span segments.

Each direction of a TCP stream is read in sequence order. A message starts with a request
method or ``HTTP/1.``, its head ends at the empty line, and its body is as long as
``Content-Length`` says (or runs through ``chunked`` chunks; a request without a length, a
1xx, 204 or 304 response has none). The frame whose segment brings a message's last byte is
the HTTP frame (Protocol HTTP, Info its first line and the body's content type); the frames
before it are "TCP segment of a reassembled PDU". A response with no length runs to the end
of the connection: its HTTP frame is the one with the server's FIN (with or without data);
a connection reset or never closed leaves it unfinished, all its frames segments. A frame's
kind depends only on the frames before it, as in Wireshark's single pass. Taught in
notebooks/02-osi-layers-and-packets.ipynb (the packet list).

>>> from netcourse.packets import read_capture
>>> found = http_frames(read_capture("http").tcp_context.segments)
>>> found[3], found[5], found[7]
(('http', 'GET /hello.txt HTTP/1.1 '), ('segment', 'HTTP/1.1 200 OK'), ('http', \
'HTTP/1.1 200 OK  (text/plain)'))
"""

from __future__ import annotations

import re

import numpy as np

from netcourse.protocols import HTTP_STARTS, TcpFlags

__all__ = ["http_frames", "http_info", "REASSEMBLED", "HEAD_WORDS"]

#: A frame's part in HTTP: ("http", its Info) where messages end in it, ("segment", the first
#: line of the message it starts, or "") where its message goes on later.
HttpFrame = tuple[str, str]

#: What Wireshark adds to the Info of a segment whose bytes an HTTP message reassembles later.
REASSEMBLED = "[TCP segment of a reassembled PDU]"
#: The most bytes of one message held while waiting for the rest (Wireshark has no such limit;
#: a capture of a large download is followed as far as this).
_MAX_MESSAGE = 1 << 24
_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$", re.I | re.M)
_TYPE = re.compile(rb"^content-type[ \t]*:[ \t]*([^;\r\n]*)", re.I | re.M)
_CHUNKED = re.compile(rb"^transfer-encoding[ \t]*:.*chunked", re.I | re.M)
#: The first four bytes of a request or response, as bytes and as big-endian numbers.
_HEADS = frozenset(start[:4] for start in HTTP_STARTS)
_FIN = int(TcpFlags.FIN)
HEAD_WORDS = np.array(sorted(int.from_bytes(head, "big") for head in _HEADS), dtype=np.uint32)


def http_info(part: HttpFrame, tcp_info: str) -> str:
    """The Info column of a frame with an HTTP part, as Wireshark writes it; ``tcp_info`` is
    what TCP's own Info would be.

    >>> http_info(("http", "HTTP/1.1 200 OK  (text/plain)"), "")
    'HTTP/1.1 200 OK  (text/plain)'
    >>> http_info(("segment", "HTTP/1.1 200 OK"), "")
    'HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]'
    >>> http_info(("segment", ""), "80 → 50000 [ACK] Len=10")
    '80 → 50000 [ACK] Len=10 [TCP segment of a reassembled PDU]'
    """
    kind, text = part
    if kind == "http":
        return text
    return f"{text}  {REASSEMBLED}" if text else f"{tcp_info} {REASSEMBLED}"


def _message_info(line: str, content_type: str) -> str:
    """One message's words in the Info column: its first line, and its body's type."""
    return f"{line} " + (f" ({content_type})" if content_type else "")


def _head(head: bytes) -> tuple[int | str | None, str]:
    """What a message's head (through its empty line) says of its body: its length after the
    head, "chunked", or None for a response as long as the connection; and its type."""
    kind = _TYPE.search(head)
    content_type = kind[1].decode("latin-1").strip() if kind else ""
    if _CHUNKED.search(head):
        return "chunked", content_type
    length = _LENGTH.search(head)
    if length:
        return int(length[1]), content_type
    if head.startswith(b"HTTP/1."):
        status = head[9:12]
        if status[:1] == b"1" or status in (b"204", b"304"):
            return 0, content_type
        return None, content_type
    return 0, content_type


def _chunks(data: bytearray, at: int) -> tuple[int | None, int]:
    """Where a chunked body whose next chunk starts at ``at`` ends (None: not yet), and where
    the first chunk not yet whole starts (the search goes on from there)."""
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            return None, at
        try:
            count = int(bytes(data[at:line_end]).split(b";")[0].strip(), 16)
        except ValueError:
            return len(data), at  # a bogus chunk: Wireshark stops there too
        if count == 0:
            trailer = data.find(b"\r\n\r\n", line_end)
            return (None, at) if trailer < 0 else (trailer + 4, at)
        if line_end + 2 + count + 2 > len(data):
            return None, at
        at = line_end + 2 + count + 2


def _first_line(data: bytearray) -> str:
    end = data.find(b"\r\n", 0, 8192)
    return bytes(data[: end if end >= 0 else min(len(data), 8192)]).decode("latin-1")


def http_frames(segs) -> dict[int, HttpFrame]:
    """For each frame index (0-based) that carries HTTP bytes, its part (see HttpFrame):
    messages ending in it (several when requests are pipelined), or a segment whose message
    goes on later. Each segment's bytes are read once (a head is searched for its end only in
    what arrived since), so a long download costs time in proportion to its size."""
    data = (segs.payload_len > 0) & ~segs.quoted
    fin = ((segs.flags & _FIN) != 0) & ~segs.quoted  # ends a response as long as the connection
    rows = np.flatnonzero(data & (segs.payload_len >= 4))
    if not len(rows):
        return {}
    raw = np.frombuffer(segs.buf, dtype=np.uint8)
    at = segs.payload_at[rows]
    word = np.zeros(len(rows), dtype=np.uint32)
    for k in range(4):
        word = (word << np.uint32(8)) | raw[at + k].astype(np.uint32)
    starts = rows[np.isin(word, HEAD_WORDS)]
    if not len(starts):
        return {}
    rows = np.flatnonzero((data | fin) & np.isin(segs.stream, np.unique(segs.stream[starts])))
    out: dict[int, HttpFrame] = {}
    pending: dict[tuple[int, int], dict] = {}
    for i in rows.tolist():
        key = (int(segs.stream[i]), int(segs.flow[i]))
        seq, length = int(segs.rel_seq[i]), int(segs.seglen[i])
        state = pending.get(key)
        if state is not None and seq != state["next"]:
            if seq < state["next"]:
                continue  # bytes already read (a retransmission)
            del pending[key]  # a gap: Wireshark cannot finish the message either
            state = None
        payload = segs.payload(i)
        frame = int(segs.frame[i]) - 1
        if state is None:
            if payload[:4] not in _HEADS or len(payload) < length:
                continue
            state = pending[key] = _fresh(frame)
            state["frames"] = []
        if payload:
            state["next"] = seq + length
            state["buf"] += payload
            state["frames"].append(frame)
            if not _read(state, frame, out):
                pending.pop(key, None)
                continue
        if fin[i] and state["end"] == "close":  # the connection's end ends the body
            _ended(out, frame, _message_info(state["line"], state["type"]))
            pending.pop(key, None)
    return out


def _fresh(frame: int) -> dict:
    """The state of one direction at the start of a message (its bytes from ``frame`` on)."""
    return {"buf": bytearray(), "frames": [frame], "searched": 0, "end": None, "line": "",
            "type": "", "chunk": 0, "next": 0}  # fmt: skip


def _read(state: dict, frame: int, out: dict[int, HttpFrame]) -> bool:
    """Read the messages the bytes so far hold; False when the direction is done with HTTP."""
    while True:
        buf = state["buf"]
        if not buf:
            return False
        if state["end"] is None:  # the head is not over yet
            if bytes(buf[:4]) not in _HEADS:
                return False
            state["line"] = _first_line(buf)
            head_end = buf.find(b"\r\n\r\n", max(state["searched"] - 3, 0))
            if head_end < 0:
                state["searched"] = len(buf)
                return _waiting(state, frame, out)
            body, state["type"] = _head(bytes(buf[: head_end + 4]))
            state["chunk"] = head_end + 4
            if body is None:  # a response as long as the connection: until its FIN
                state["end"] = "close"
                return _waiting(state, frame, out)
            state["end"] = "chunked" if body == "chunked" else head_end + 4 + body
        if state["end"] == "close":  # only the head is kept: nothing in the body is read
            del buf[state["chunk"] :]
            return _waiting(state, frame, out)
        if state["end"] == "chunked":
            end, state["chunk"] = _chunks(buf, state["chunk"])
            if end is None:
                return _waiting(state, frame, out)
            state["end"] = end
        if len(buf) < state["end"]:
            return _waiting(state, frame, out)
        _ended(out, frame, _message_info(state["line"], state["type"]))
        rest = buf[state["end"] :]
        state.update(_fresh(frame), next=state["next"])
        state["buf"] = rest


def _waiting(state: dict, frame: int, out: dict[int, HttpFrame]) -> bool:
    """A message that goes on after this frame: the frame is one of its segments."""
    if len(state["buf"]) > _MAX_MESSAGE:
        return False
    out.setdefault(frame, ("segment", state["line"] if frame == state["frames"][0] else ""))
    return True


def _ended(out: dict[int, HttpFrame], frame: int, words: str) -> None:
    """Note a message that ends in ``frame``: its words follow those of any ended before."""
    kind, text = out.get(frame, ("http", ""))
    out[frame] = ("http", text + words if kind == "http" else words)
