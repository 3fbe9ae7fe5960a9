"""Ports: checking a port number, the reply's 4-tuple, the ephemeral range, EADDRINUSE.

Taught in notebooks/01-sockets-and-4-tuples.ipynb.

>>> reply_four_tuple(EXAMPLE_REQUEST)
('203.0.113.5', 443, '192.0.2.10', 51514)
>>> ephemeral_ports().size > 0
True
"""

from __future__ import annotations

import errno
import os
import socket
from dataclasses import dataclass

from netcourse.errors import PortError, SocketLabError, quote
from netcourse.protocols import EPHEMERAL_PORT_RANGES, IP_PROTOCOLS
from netcourse.readers import read_port
from netcourse.sockets.connections import LOOPBACK, WAIT, list_sockets, wait_until
from netcourse.sockets.states import StateTable

__all__ = [
    "EXAMPLE_REQUEST",
    "check_port",
    "reply_four_tuple",
    "five_tuple",
    "IANA_EPHEMERAL",
    "PortRange",
    "ephemeral_ports",
    "EphemeralRanges",
    "ephemeral_ranges",
    "BindAttempt",
    "bind_in_use",
]

#: A request's 4-tuple for exercises that need fixed numbers (documentation addresses).
EXAMPLE_REQUEST: tuple[str, int, str, int] = ("192.0.2.10", 51514, "203.0.113.5", 443)


def check_port(port: object, what: str = "port") -> int:
    """Return ``port`` if it is an int in 1-65535, else raise PortError naming the value.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb. The sockets API takes ints (as the
    socket module does); the range is checked by :func:`netcourse.readers.read_port`, so the
    wording is the course's.

    >>> check_port(8001)
    8001
    >>> check_port("8001")
    Traceback (most recent call last):
    ...
    netcourse.errors.PortError: '8001': a port must be an int in 1-65535, not a str
    """
    if isinstance(port, bool) or not isinstance(port, int):
        raise PortError(
            f"{quote(port)}: a {what} must be an int in 1-65535, not a {type(port).__name__}"
        )
    return read_port(port, what=what, error=PortError)


def reply_four_tuple(four_tuple: tuple[str, int, str, int]) -> tuple[str, int, str, int]:
    """The 4-tuple of the reply to a packet: source and destination swap places.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> reply_four_tuple(("192.0.2.10", 51514, "203.0.113.5", 443))
    ('203.0.113.5', 443, '192.0.2.10', 51514)
    """
    try:
        src_ip, src_port, dst_ip, dst_port = four_tuple
    except (TypeError, ValueError):
        raise SocketLabError(
            f"{quote(four_tuple)}: a four_tuple is (src_ip, src_port, dst_ip, dst_port)"
        ) from None
    return (dst_ip, check_port(dst_port), src_ip, check_port(src_port))


def five_tuple(
    four_tuple: tuple[str, int, str, int], protocol: str = "tcp"
) -> tuple[str, int, str, int, str]:
    """The 4-tuple with the protocol added: how conntrack, firewalls and flow logs key a flow.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb. A TCP and a UDP flow can share all four
    addresses and ports; the protocol (IP's protocol field) tells them apart.

    >>> five_tuple(("192.0.2.10", 51514, "203.0.113.5", 443), "udp")
    ('192.0.2.10', 51514, '203.0.113.5', 443, 'udp')
    """
    name = protocol.strip().lower() if isinstance(protocol, str) else protocol
    if name not in IP_PROTOCOLS:
        raise SocketLabError(
            f"{quote(protocol)}: not an IP protocol name; expected one of {sorted(IP_PROTOCOLS)}"
        )
    reply = reply_four_tuple(four_tuple)  # checks the 4-tuple
    return (reply[2], reply[3], reply[0], reply[1], name)


_RANGE_FILE = "/proc/sys/net/ipv4/ip_local_port_range"
_RESERVED_FILE = "/proc/sys/net/ipv4/ip_local_reserved_ports"
#: IANA's dynamic/private range (RFC 6335), used where the kernel's range cannot be read.
IANA_EPHEMERAL = EPHEMERAL_PORT_RANGES["IANA dynamic ports (RFC 6335)"]


@dataclass(frozen=True)
class PortRange:
    """The ephemeral (source) port range clients draw from, and where it was read."""

    low: int
    high: int
    reserved: int
    source: str
    explanation: str

    @property
    def size(self) -> int:
        """How many ports the range holds."""
        return self.high - self.low + 1

    @property
    def connections_per_destination(self) -> int:
        """Connections one client address can hold open to one server ip:port at once.

        Each needs its own source port, since the other three parts of the 4-tuple are equal.
        """
        return self.size - self.reserved

    def __repr__(self) -> str:
        return (
            f"PortRange({self.low}-{self.high}: {self.size} ports, {self.reserved} reserved; "
            f"from {self.source})"
        )


_MOST = 1 << 16  # bytes read from a port file: the kernel's are a few dozen


def _read_text(path: str | os.PathLike) -> str | None:
    """A port file's text, None when it cannot be read; PortError when it is not text."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"a port file is a path (str or Path), not a {type(path).__name__}")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MOST + 1)
    except OSError:
        return None
    if len(raw) > _MOST:
        raise PortError(f"{path}: over {_MOST} bytes, not a port range file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PortError(f"{path}: not a text file of port numbers") from None


def _file_port(text: str, path: str | os.PathLike) -> int:
    try:
        return read_port(text.strip(), error=PortError)
    except PortError as exc:
        raise PortError(f"{path}: {exc}") from None


def ephemeral_ports(
    range_file: str | os.PathLike = _RANGE_FILE, reserved_file: str | os.PathLike = _RESERVED_FILE
) -> PortRange:
    """Read the kernel's ephemeral port range (Linux), else IANA's 49152-65535 with a note.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> r = ephemeral_ports(); r.size == r.high - r.low + 1
    True
    """
    text = _read_text(range_file)
    if text is None:
        low, high = IANA_EPHEMERAL
        return PortRange(
            low,
            high,
            0,
            "IANA's dynamic range (RFC 6335)",
            f"{range_file} could not be read (not Linux?): macOS and Windows use IANA's "
            f"{low}-{high} by default (check with `sysctl net.inet.ip.portrange` on macOS, "
            "`netsh int ipv4 show dynamicport tcp` on Windows).",
        )
    fields = text.split()
    if len(fields) != 2:
        raise PortError(
            f"{range_file}: expected two ports, low and high, found {quote(text.strip())}"
        )
    low, high = (_file_port(field, range_file) for field in fields)
    if low > high:
        raise PortError(f"{range_file}: the range {low}-{high} runs backwards")
    spans = []
    for part in filter(None, (_read_text(reserved_file) or "").strip().split(",")):
        a, _, b = part.partition("-")
        first, last = _file_port(a, reserved_file), _file_port(b or a, reserved_file)
        if first > last:
            raise PortError(f"{reserved_file}: {first}-{last} runs backwards")
        spans.append((max(first, low), min(last, high)))
    reserved, covered = 0, low - 1  # count each port once, however the spans overlap
    for first, last in sorted(spans):
        first = max(first, covered + 1)
        if first <= last:
            reserved += last - first + 1
            covered = last
    return PortRange(
        low,
        high,
        reserved,
        str(range_file),
        f"the kernel picks each client's source port from {low}-{high}"
        + (f", skipping {reserved} reserved ports" if reserved else ""),
    )


@dataclass(frozen=True)
class EphemeralRanges:
    """Who draws source ports from which range (:data:`EPHEMERAL_PORT_RANGES`) and this machine."""

    ranges: dict[str, tuple[int, int]]
    here: PortRange

    @property
    def covering(self) -> tuple[int, int]:
        """The smallest range holding every listed one: what a stateless filter must open."""
        lows, highs = zip(*self.ranges.values())
        return (min(lows), max(highs))

    def table(self) -> StateTable:
        """The ranges as a table, this machine's last."""
        rows = [
            (who, f"{low}-{high}", str(high - low + 1)) for who, (low, high) in self.ranges.items()
        ]
        rows.append(
            (
                f"this machine ({self.here.source})",
                f"{self.here.low}-{self.here.high}",
                str(self.here.size),
            )
        )
        return StateTable(("who", "ephemeral ports", "how many"), tuple(rows))

    def __repr__(self) -> str:
        low, high = self.covering
        return f"{self.table()!r}\ncovering them all: {low}-{high}"

    def _repr_html_(self) -> str:
        low, high = self.covering
        return self.table()._repr_html_() + f"<p>covering them all: {low}-{high}</p>"


def ephemeral_ranges(here: PortRange | None = None) -> EphemeralRanges:
    """The ephemeral port ranges of IANA, common systems and AWS, beside this machine's.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb. ``here`` defaults to
    :func:`ephemeral_ports` (the kernel's file, or IANA's range with a note where it cannot
    be read).

    >>> ephemeral_ranges().covering
    (1024, 65535)
    """
    return EphemeralRanges(dict(EPHEMERAL_PORT_RANGES), here or ephemeral_ports())


# --- EADDRINUSE and SO_REUSEADDR -----------------------------------------------------------


@dataclass(frozen=True)
class BindAttempt:
    """What happened when a second socket tried to bind a port that was in use."""

    situation: str
    reuseaddr: bool
    ok: bool
    error: str | None
    explanation: str

    def __repr__(self) -> str:
        outcome = "bound" if self.ok else f"failed with {self.error}"
        flag = "with" if self.reuseaddr else "without"
        return f"BindAttempt({self.situation}, {flag} SO_REUSEADDR: {outcome})"


_BIND_SITUATIONS = ("listening", "time-wait", "udp")


def bind_in_use(situation: str = "listening", reuseaddr: bool = False) -> BindAttempt:
    """Bind a loopback port that is in use and report what happened (never raises).

    Taught in notebooks/01-sockets-and-4-tuples.ipynb, like every public name here.

    ``situation`` "listening": another socket still listens there. "time-wait": the old
    server closed its connection first (so TIME-WAIT sits on its port) and exited, as when a
    server is restarted. "udp": a UDP socket is bound to the port (the TCP bind succeeds: the
    protocol is part of what the kernel keys sockets by). ``reuseaddr`` sets SO_REUSEADDR on
    both the old and new socket.

    >>> bind_in_use("listening").error
    'EADDRINUSE'
    """
    if situation not in _BIND_SITUATIONS:
        raise SocketLabError(f"{quote(situation)}: situation must be one of {_BIND_SITUATIONS}")
    if not isinstance(reuseaddr, bool):
        raise SocketLabError(f"{quote(reuseaddr)}: reuseaddr must be True or False")
    opened: list[socket.socket] = []

    def new() -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        opened.append(sock)
        if reuseaddr:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        return sock

    try:
        if situation == "udp":
            old = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            opened.append(old)
            old.bind((LOOPBACK, 0))
        else:
            old = new()
            old.bind((LOOPBACK, 0))
            old.listen()
        port = old.getsockname()[1]
        if situation == "time-wait":
            client = socket.create_connection((LOOPBACK, port), timeout=WAIT)
            opened.append(client)
            accepted, _ = old.accept()
            opened.append(accepted)
            accepted.close()  # the server closes first: TIME-WAIT lands on the server's port
            client.recv(1)  # read the FIN
            client.close()
            old.close()
            wait_until(lambda: _tcp_states(port) == {"TIME_WAIT"})
        attempt = new()
        try:
            attempt.bind((LOOPBACK, port))
            attempt.listen()
        except OSError as exc:
            name = errno.errorcode.get(exc.errno or 0, str(exc.errno))
            return BindAttempt(situation, reuseaddr, False, name, _BIND_WHY[situation, False])
        return BindAttempt(situation, reuseaddr, True, None, _BIND_WHY[situation, True])
    finally:
        for sock in opened:
            sock.close()


_BIND_WHY = {
    ("listening", False): "a port can have only one listening socket per address: the bind "
    "fails with EADDRINUSE, with or without SO_REUSEADDR (sharing needs SO_REUSEPORT)",
    ("listening", True): "this system let two sockets listen on one port",
    ("time-wait", False): "the old connection waits in TIME-WAIT on that port, which blocks a "
    "plain bind; setting SO_REUSEADDR (on old and new server) allows it",
    ("time-wait", True): "SO_REUSEADDR lets a restarted server bind although its old "
    "connection still waits in TIME-WAIT on the port",
    ("udp", False): "this system refused a TCP bind on a port a UDP socket holds",
    ("udp", True): "a UDP socket on the port does not stop a TCP socket binding it: the kernel "
    "tells sockets apart by protocol too, as conntrack keys flows by the 5-tuple",
}


def _tcp_states(port: int) -> set[str]:
    listed = list_sockets("tcp", pids=())
    return {c.status for c in listed.sockets if c.laddr and c.laddr[1] == port}
