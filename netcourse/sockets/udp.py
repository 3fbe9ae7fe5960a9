"""UDP for contrast: one datagram each way, no handshake; a connected socket keeps its peer.

Taught in notebooks/01-sockets-and-4-tuples.ipynb. The client calls ``connect()``, the
server does not: ``ss`` shows the client ESTAB and the server UNCONN. UNCONN means "not
connected", not "no state": every UDP socket has its bound address and its queue, and a
connected one also keeps its peer, from which alone it then accepts datagrams (connect(2),
udp(7)).

>>> udp_demo(b"hi").payload
b'hi'
"""

from __future__ import annotations

import os
import select
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
    """One datagram each way between two UDP sockets, and the socket rows the kernel showed.

    ``connected`` says whether the client called ``connect()`` (the server never does).
    ``stranger`` is what became of a datagram a third socket sent to the client: "refused"
    (no socket would take it, so the kernel answered ICMP port unreachable), "delivered", or
    "lost" (neither was seen in time).
    """

    request: tuple[str, int, str, int]
    reply: tuple[str, int, str, int]
    rows: tuple[SocketRow, ...]
    payload: bytes
    connected: bool = True
    stranger: str = "refused"

    @property
    def states(self) -> tuple[str, ...]:
        """The state column of the client's and the server's socket, as ``ss`` prints it."""
        return tuple(row.state for row in self.rows)

    def __repr__(self) -> str:
        return (
            f"UdpDemo(request {self.request[0]}:{self.request[1]} -> "
            f"{self.request[2]}:{self.request[3]}, reply swaps them, "
            f"client {'connected' if self.connected else 'not connected'}: "
            f"states (client, server) {self.states}, a stranger's datagram {self.stranger})"
        )


def udp_demo(payload: bytes = b"hello\n", connect: bool = True) -> UdpDemo:
    """Send one UDP datagram and its echo on loopback; no handshake, no teardown.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb. With ``connect`` the client calls
    ``connect()`` to the server first, so the kernel stores its peer: ``ss`` shows it ESTAB,
    and a datagram from any other address is refused. The server never connects (UNCONN).

    >>> demo = udp_demo(); demo.states, demo.stranger
    (('ESTAB', 'UNCONN'), 'refused')
    >>> udp_demo(connect=False).states, udp_demo(connect=False).stranger
    (('UNCONN', 'UNCONN'), 'delivered')
    >>> from netcourse.sockets.ports import reply_four_tuple
    >>> reply_four_tuple(demo.request) == demo.reply
    True
    """
    if not isinstance(payload, bytes | bytearray) or len(payload) > _MOST:
        raise SocketLabError(
            f"{quote(payload)}: a payload is bytes, at most {_MOST} (one IPv4 UDP datagram)"
        )
    if not isinstance(connect, bool):
        raise SocketLabError(f"{quote(connect)}: connect must be True or False")
    payload = bytes(payload)
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for sock in (server, client, stranger):
            sock.settimeout(WAIT)
            sock.bind((LOOPBACK, 0))
        sport, cport = server.getsockname()[1], client.getsockname()[1]
        if connect:
            client.connect((LOOPBACK, sport))  # no packet: the kernel only stores the peer
        client.sendto(payload, (LOOPBACK, sport))  # the very first packet carries data
        data, peer = server.recvfrom(65536)
        server.sendto(data, peer)
        client.recvfrom(65536)
        rows = _rows(sport, cport)
        fate = _stranger(stranger, client, cport)
        request = (LOOPBACK, cport, LOOPBACK, sport)
        reply = (LOOPBACK, sport, LOOPBACK, cport)
        return UdpDemo(request, reply, rows, data, connect, fate)
    finally:
        for sock in (server, client, stranger):
            sock.close()


def _rows(sport: int, cport: int) -> tuple[SocketRow, ...]:
    """The kernel's rows for the demo's client and server socket, client first."""
    rows = []
    for conn in list_sockets("udp4", pids=[os.getpid()], system=False).sockets:
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
    return tuple(sorted(rows, key=lambda r: r.role))


def _stranger(stranger: socket.socket, client: socket.socket, cport: int) -> str:
    """Send the client a datagram from a third socket: "delivered" or "refused".

    The stranger connects to the client, so an ICMP port unreachable coming back (no socket
    took the datagram) shows as ECONNREFUSED on its next receive.
    """
    stranger.connect((LOOPBACK, cport))
    stranger.send(b"from a stranger")
    ready, _, _ = select.select([client, stranger], [], [], WAIT)
    if client in ready:
        return "delivered" if client.recv(65536) == b"from a stranger" else "lost"
    if stranger in ready:
        try:
            stranger.recv(65536)
        except ConnectionRefusedError:
            return "refused"
    return "lost"
