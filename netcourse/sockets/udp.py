"""UDP for contrast: one datagram each way, no handshake and no connection state.

Taught in notebooks/01-sockets-and-4-tuples.ipynb.

>>> udp_demo(b"hi").payload
b'hi'
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from netcourse.errors import SocketLabError, quote
from netcourse.sockets.connections import (
    LOOPBACK,
    WAIT,
    address_text,
    list_sockets,
    socket_inode,
    socket_link,
)
from netcourse.sockets.lab import SocketRow
from netcourse.sockets.states import TCP_STATES

__all__ = ["UdpDemo", "udp_demo"]

_MOST = 65507  # the largest UDP payload in one IPv4 datagram: 65535 - 20 (IP) - 8 (UDP)


@dataclass(frozen=True)
class UdpDemo:
    """One datagram each way between two UDP sockets, and the socket rows the kernel showed."""

    request: tuple[str, int, str, int]
    reply: tuple[str, int, str, int]
    rows: tuple[SocketRow, ...]
    payload: bytes

    @property
    def states(self) -> tuple[str, ...]:
        """The state column of every UDP socket: always UNCONN, there is no connection."""
        return tuple(row.state for row in self.rows)

    def __repr__(self) -> str:
        return (
            f"UdpDemo(request {self.request[0]}:{self.request[1]} -> "
            f"{self.request[2]}:{self.request[3]}, reply swaps them, states {self.states})"
        )


def udp_demo(payload: bytes = b"hello\n") -> UdpDemo:
    """Send one UDP datagram and its echo on loopback; no handshake, no state.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> demo = udp_demo(); demo.states
    ('UNCONN', 'UNCONN')
    >>> from netcourse.sockets.ports import reply_four_tuple
    >>> reply_four_tuple(demo.request) == demo.reply
    True
    """
    if not isinstance(payload, bytes | bytearray) or len(payload) > _MOST:
        raise SocketLabError(
            f"{quote(payload)}: a payload is bytes, at most {_MOST} (one IPv4 UDP datagram)"
        )
    payload = bytes(payload)
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        server.settimeout(WAIT)
        client.settimeout(WAIT)
        server.bind((LOOPBACK, 0))
        client.bind((LOOPBACK, 0))
        sport, cport = server.getsockname()[1], client.getsockname()[1]
        client.sendto(payload, (LOOPBACK, sport))  # the very first packet carries data
        data, peer = server.recvfrom(65536)
        server.sendto(data, peer)
        client.recvfrom(65536)
        conns = list_sockets("udp4", pids=[os.getpid()], system=False).sockets
        rows = []
        for conn in conns:
            if conn.laddr and conn.laddr[1] in (sport, cport):
                role = "server" if conn.laddr[1] == sport else "client"
                link = socket_link(conn.fd)
                rows.append(
                    SocketRow(
                        role,
                        conn.fd,
                        socket_inode(link),
                        address_text(conn.laddr),
                        address_text(conn.raddr),
                        TCP_STATES.get(conn.status, conn.status),
                        os.getpid(),
                    )
                )
        rows.sort(key=lambda r: r.role)
        request = (LOOPBACK, cport, LOOPBACK, sport)
        return UdpDemo(request, (LOOPBACK, sport, LOOPBACK, cport), tuple(rows), data)
    finally:
        server.close()
        client.close()
