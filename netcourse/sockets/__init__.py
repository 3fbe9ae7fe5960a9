"""Sockets and the TCP 4-tuple on real loopback connections, and who holds a port.

Taught in notebooks/01-sockets-and-4-tuples.ipynb. The model is pure Python, one concept a
module: :mod:`~netcourse.sockets.states` (TCP's states and transitions),
:mod:`~netcourse.sockets.lab` (a :class:`SocketLab` runs a small echo server on 127.0.0.1 and
opens clients on demand; its :meth:`SocketLab.table` lists the live sockets the kernel
reports), :mod:`~netcourse.sockets.ports` (the ephemeral port range, what EADDRINUSE and
SO_REUSEADDR do), :mod:`~netcourse.sockets.udp` (UDP for contrast),
:mod:`~netcourse.sockets.timewait` (TIME-WAIT's timers as the kernel counts them),
:mod:`~netcourse.sockets.handshake` (the shipped capture with its sequence arithmetic) and
:mod:`~netcourse.sockets.owners` (who holds a port and, asked to, stopping it). Under them,
:mod:`~netcourse.sockets.connections` reads the kernel's socket list and
:mod:`~netcourse.sockets.children` starts child processes that die with their parent.

>>> with SocketLab() as lab:
...     client = lab.open_client()
...     reply = reply_four_tuple(client.four_tuple)
...     (reply[1] == lab.port, reply[3] == client.four_tuple[1])
(True, True)
"""

from __future__ import annotations

from netcourse.sockets.connections import LOOPBACK, dup_socket, socket_link
from netcourse.sockets.handshake import HANDSHAKE_CAPTURE, Handshake, HandshakeStep, handshake
from netcourse.sockets.lab import Client, SocketLab, SocketRow, SocketTable, Teardown
from netcourse.sockets.owners import (
    FreePortResult,
    PortAction,
    PortHolder,
    PortUser,
    PortUsers,
    free_port,
    hold_port,
    lsof_command,
    ss_command,
    who_uses,
)
from netcourse.sockets.ports import (
    EXAMPLE_REQUEST,
    IANA_EPHEMERAL,
    BindAttempt,
    EphemeralRanges,
    PortRange,
    bind_in_use,
    check_port,
    ephemeral_ports,
    ephemeral_ranges,
    five_tuple,
    reply_four_tuple,
)
from netcourse.sockets.states import (
    LINUX_TIME_WAIT_SECONDS,
    MSL_SECONDS,
    PROTOCOL_STATE,
    RFC_TIME_WAIT_SECONDS,
    TCP_STATES,
    TCP_TRANSITIONS,
    TEARDOWN_ROLES,
    TIME_WAIT_PURPOSES,
    StateTable,
    protocol_state,
    state_path,
)
from netcourse.sockets.timewait import TimeWait, time_wait, time_wait_timers
from netcourse.sockets.udp import UdpDemo, udp_demo

__all__ = [
    "TCP_STATES",
    "TCP_TRANSITIONS",
    "TEARDOWN_ROLES",
    "PROTOCOL_STATE",
    "MSL_SECONDS",
    "RFC_TIME_WAIT_SECONDS",
    "LINUX_TIME_WAIT_SECONDS",
    "TIME_WAIT_PURPOSES",
    "EXAMPLE_REQUEST",
    "StateTable",
    "protocol_state",
    "LOOPBACK",
    "check_port",
    "reply_four_tuple",
    "five_tuple",
    "state_path",
    "socket_link",
    "dup_socket",
    "Client",
    "SocketRow",
    "SocketTable",
    "Teardown",
    "SocketLab",
    "IANA_EPHEMERAL",
    "PortRange",
    "ephemeral_ports",
    "EphemeralRanges",
    "ephemeral_ranges",
    "BindAttempt",
    "bind_in_use",
    "UdpDemo",
    "udp_demo",
    "TimeWait",
    "time_wait",
    "time_wait_timers",
    "HandshakeStep",
    "Handshake",
    "handshake",
    "HANDSHAKE_CAPTURE",
    "PortUser",
    "PortUsers",
    "who_uses",
    "PortAction",
    "FreePortResult",
    "free_port",
    "lsof_command",
    "ss_command",
    "PortHolder",
    "hold_port",
]
