"""HTTP over TCP as Wireshark's HTTP dissector reassembles it: for each written exchange (a
response in three segments, chunked bodies, pipelined requests, a request body, a
retransmitted head, bodiless responses) the Protocol and Info columns and the frames the
``http`` filter keeps are tshark's."""

from __future__ import annotations

import subprocess

import pytest
from tcp_scenarios import C_ISN, S_ISN, Script, needs_tshark

from netcourse.packets import matching, read_capture
from netcourse.packets.http import http_frames


def _head(status: str = "200 OK", **fields: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k.replace('_', '-')}: {v}" for k, v in fields.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _exchange(
    request: list[bytes],
    response: list[bytes],
    *,
    resend: int | None = None,
    end: str = "client-fin",
):
    """A handshake on port 80, the request's segments, then the response's (segment
    ``resend`` of the response sent twice), each acknowledged; then the end: both sides
    close, the client first (``client-fin``) or the server first (``server-fin``), the
    server's FIN riding on its last segment (``fin-with-data``), the server resets the
    connection (``reset``) or it stays open (``open``)."""
    c, s = C_ISN + 1, S_ISN + 1
    sc = Script(ports=(50000, 80)).handshake()
    for part in request:
        sc.add(True, "PA", c, s, part)
        c += len(part)
    sc.add(False, "A", s, c)
    for k, part in enumerate(response):
        last = k == len(response) - 1
        flags = "FPA" if last and end == "fin-with-data" else "PA"
        sc.add(False, flags, s, c, part)
        if k == resend:
            sc.add(False, "PA", s, c, part, gap=0.2)
        s += len(part) + (flags == "FPA")
        sc.add(True, "A", c, s)
    if end == "client-fin":
        sc.add(True, "FA", c, s)
        sc.add(False, "FA", s, c + 1)
        return sc.add(True, "A", c + 1, s + 1)
    if end == "server-fin":
        sc.add(False, "FA", s, c)
        sc.add(True, "FA", c, s + 1)
        return sc.add(False, "A", s + 1, c + 1)
    if end == "fin-with-data":
        sc.add(True, "FA", c, s)
        return sc.add(False, "A", s, c + 1)
    if end == "reset":
        return sc.add(False, "R", s, 0)
    return sc  # open


GET = b"GET /x HTTP/1.1\r\nHost: example\r\n\r\n"
EXCHANGES = {
    "one-segment": lambda: _exchange([GET], [_head(Content_Length="5") + b"hello"]),
    "three-segments": lambda: _exchange(
        [GET], [_head(Content_Type="text/html", Content_Length="20"), b"0123456789", b"abcdefghij"]
    ),
    "head-split": lambda: _exchange(
        [GET], [b"HTTP/1.1 200 OK\r\nContent-", b"Length: 2\r\n\r\nok"]
    ),
    "chunked": lambda: _exchange(
        [GET],
        [
            _head(Content_Type="text/plain", Transfer_Encoding="chunked") + b"5\r\nhello\r\n",
            b"0\r\n\r\n",
        ],
    ),  # fmt: skip
    "pipelined": lambda: _exchange(
        [GET + b"GET /y HTTP/1.1\r\nHost: example\r\n\r\n"],
        [_head(Content_Length="1") + b"a", _head(Content_Length="1") + b"b"],
    ),
    "post-body": lambda: _exchange(
        [
            b"POST /form HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 7\r\n\r\na=1",
            b"&b=22",
        ],
        [_head("204 No Content")],
    ),  # fmt: skip
    "retransmitted-head": lambda: _exchange([GET], [_head(Content_Length="4"), b"body"], resend=0),
    "not-modified": lambda: _exchange([GET], [_head("304 Not Modified", ETag='"v1"')]),
    # no Content-Length, not chunked: the body runs until the server closes the connection
    **{
        f"to-close-{end}": lambda end=end: _exchange(
            [GET], [_head(Content_Type="text/plain") + b"one ", b"two ", b"three"], end=end
        )
        for end in ("client-fin", "server-fin", "fin-with-data", "reset", "open")
    },
    "to-close-head-alone": lambda: _exchange(
        [GET], [_head(Connection="close"), b"body 1", b"body 2"], end="server-fin"
    ),
}


def _tshark_rows(path) -> list[tuple[str, str]]:
    out = subprocess.run(
        ["tshark", "-r", str(path), "-T", "fields", "-E", "separator=\t",
         "-e", "_ws.col.Protocol", "-e", "_ws.col.Info"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    return [tuple(line.split("\t")) for line in out.splitlines()]


def _tshark_http(path) -> list[int]:
    out = subprocess.run(
        ["tshark", "-r", str(path), "-Y", "http", "-T", "fields", "-e", "frame.number"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    return [int(n) for n in out.split()]


@needs_tshark
@pytest.mark.parametrize("name", sorted(EXCHANGES))
def test_http_frames_and_segments_are_tsharks(tmp_path, name):
    path = EXCHANGES[name]().write(tmp_path / f"{name}.pcap")
    theirs = _tshark_rows(path)
    rows = read_capture(path)
    http = [i + 1 for i, (proto, _) in enumerate(theirs) if proto == "HTTP"]
    assert http, "the exchange must show HTTP to tshark"
    for row, (proto, info) in zip(rows, theirs):
        assert (row.protocol, row.info) == (proto, info), (name, row.number)
    assert matching(rows, "http").tolist() == _tshark_http(path) == http


def test_a_message_cut_by_a_gap_is_never_finished(tmp_path):
    sc = Script(ports=(50000, 80)).handshake()
    c, s = C_ISN + 1, S_ISN + 1
    sc.add(True, "PA", c, s, GET)
    sc.add(False, "PA", s, c + len(GET), _head(Content_Length="10"))
    sc.add(False, "PA", s + 60, c + len(GET), b"0123456789")  # bytes 38-59 never captured
    cap = read_capture(sc.write(tmp_path / "gap.pcap"))
    found = http_frames(cap.tcp_context.segments)
    assert found[3][0] == "http" and found[4][0] == "segment" and 5 not in found
