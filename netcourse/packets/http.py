"""HTTP messages over TCP as Wireshark's HTTP dissector finds them, with its default
reassembly of headers and bodies that span segments.

Each direction of a TCP stream is read in sequence order. A message starts with a request
method or ``HTTP/1.``, its head ends at the empty line, and its body is as long as
``Content-Length`` says (or runs through ``chunked`` chunks; a request without a length, a
1xx, 204 or 304 response has none). The frame whose segment brings a message's last byte is
the HTTP frame (Protocol HTTP, Info its first line and the body's content type); the frames
before it are "TCP segment of a reassembled PDU". A response with no length runs to the end
of the connection in Wireshark; here it is the frame it starts in (not reassembled). A frame's
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

from netcourse.protocols import HTTP_STARTS

__all__ = ["http_frames", "http_info", "REASSEMBLED"]

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


def _end(data: bytes) -> tuple[int | None, str]:
    """Where the message at the start of ``data`` ends (None: not yet), and its content type;
    -1 for a response whose length is the connection's."""
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return None, ""
    head = data[: head_end + 4]
    body_at = head_end + 4
    kind = _TYPE.search(head)
    content_type = kind[1].decode("latin-1").strip() if kind else ""
    if _CHUNKED.search(head):
        at = body_at
        while True:
            line_end = data.find(b"\r\n", at)
            if line_end < 0:
                return None, content_type
            size = data[at:line_end].split(b";")[0].strip()
            try:
                count = int(size, 16)
            except ValueError:
                return len(data), content_type  # a bogus chunk: Wireshark stops there too
            if count == 0:
                trailer = data.find(b"\r\n\r\n", line_end)
                if data[line_end : line_end + 4] == b"\r\n\r\n":
                    return line_end + 4, content_type
                return (None, content_type) if trailer < 0 else (trailer + 4, content_type)
            at = line_end + 2 + count + 2
            if at > len(data):
                return None, content_type
    length = _LENGTH.search(head)
    if length:
        return body_at + int(length[1]), content_type
    if data.startswith(b"HTTP/1."):
        status = data[9:12]
        if status[:1] == b"1" or status in (b"204", b"304"):
            return body_at, content_type
        return -1, content_type
    return body_at, content_type


def http_frames(segs) -> dict[int, HttpFrame]:
    """For each frame index (0-based) that carries HTTP bytes, its part (see HttpFrame):
    messages ending in it (several when requests are pipelined), or a segment whose message
    goes on later."""
    data = (segs.payload_len > 0) & ~segs.quoted
    if not data.any():
        return {}
    heads = {start[:4] for start in HTTP_STARTS}
    starts = [i for i in np.flatnonzero(data).tolist() if segs.payload(i)[:4] in heads]
    streams = set(segs.stream[starts].tolist()) if starts else set()
    out: dict[int, HttpFrame] = {}
    pending: dict[tuple[int, int], dict] = {}
    rows = np.flatnonzero(data & np.isin(segs.stream, list(streams)))
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
            if payload[:4] not in heads or len(payload) < length:
                continue
            state = pending[key] = {"buf": b"", "line": None, "frames": []}
        state["next"] = seq + length
        state["buf"] += payload
        state["frames"].append(frame)
        while state["buf"]:
            buf = state["buf"]
            if buf[:4] not in heads:
                pending.pop(key, None)
                break
            line = buf.split(b"\r\n", 1)[0].decode("latin-1")
            end, content_type = _end(buf)
            if end == -1:  # a response as long as the connection: not reassembled here
                _ended(out, frame, _message_info(line, content_type))
                pending.pop(key, None)
                break
            if end is None or end > len(buf):
                if len(buf) > _MAX_MESSAGE:
                    pending.pop(key, None)
                else:
                    first = frame == state["frames"][0]
                    out.setdefault(frame, ("segment", line if first else ""))
                break
            _ended(out, frame, _message_info(line, content_type))
            state["buf"] = buf[end:]
            state["frames"] = [frame]
        else:
            pending.pop(key, None)
    return out


def _ended(out: dict[int, HttpFrame], frame: int, words: str) -> None:
    """Note a message that ends in ``frame``: its words follow those of any ended before."""
    kind, text = out.get(frame, ("http", ""))
    out[frame] = ("http", text + words if kind == "http" else words)
