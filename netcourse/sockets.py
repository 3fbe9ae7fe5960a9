"""Sockets and the TCP 4-tuple on real loopback connections, and who holds a port.

Taught in notebooks/01-sockets-and-4-tuples.ipynb. The model is pure Python: a
:class:`SocketLab` runs a small echo server on 127.0.0.1 and opens clients on demand, its
:meth:`SocketLab.table` lists the live sockets the kernel reports (psutil); the rest reads the
ephemeral port range, shows what EADDRINUSE and SO_REUSEADDR do, reads the shipped handshake
capture with its sequence arithmetic, and finds (and, asked to, stops) the process on a port.

>>> with SocketLab() as lab:
...     client = lab.open_client()
...     reply = reply_four_tuple(client.four_tuple)
...     (reply[1] == lab.port, reply[3] == client.four_tuple[1])
(True, True)
"""

from __future__ import annotations

import ctypes
import errno
import logging
import math
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import psutil

from netcourse.errors import CaptureError, NetcourseError, PortError, SocketLabError

__all__ = [
    "TCP_STATES",
    "TCP_TRANSITIONS",
    "TEARDOWN_ROLES",
    "PROTOCOL_STATE",
    "EXAMPLE_REQUEST",
    "StateTable",
    "protocol_state",
    "LOOPBACK",
    "check_port",
    "reply_four_tuple",
    "state_path",
    "socket_link",
    "Client",
    "SocketRow",
    "SocketTable",
    "Teardown",
    "SocketLab",
    "PortRange",
    "ephemeral_ports",
    "BindAttempt",
    "bind_in_use",
    "UdpDemo",
    "udp_demo",
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

#: The loopback address the lab uses: traffic never leaves this machine.
LOOPBACK = "127.0.0.1"

#: TCP states as the kernel (and psutil) names them, mapped to what ``ss`` prints.
TCP_STATES: dict[str, str] = {
    "CLOSE": "CLOSED",
    "LISTEN": "LISTEN",
    "SYN_SENT": "SYN-SENT",
    "SYN_RECV": "SYN-RECV",
    "ESTABLISHED": "ESTAB",
    "FIN_WAIT1": "FIN-WAIT-1",
    "FIN_WAIT2": "FIN-WAIT-2",
    "CLOSE_WAIT": "CLOSE-WAIT",
    "CLOSING": "CLOSING",
    "LAST_ACK": "LAST-ACK",
    "TIME_WAIT": "TIME-WAIT",
    "NONE": "UNCONN",  # what ss prints for a UDP socket: there is no connection state
}

#: The TCP state machine (RFC 9293, figure 5) as (from, to, event) with ss state names.
TCP_TRANSITIONS: tuple[tuple[str, str, str], ...] = (
    ("CLOSED", "LISTEN", "listen()"),
    ("CLOSED", "SYN-SENT", "connect(): send SYN"),
    ("LISTEN", "SYN-RECV", "recv SYN: send SYN-ACK"),
    ("SYN-SENT", "ESTAB", "recv SYN-ACK: send ACK"),
    ("SYN-RECV", "ESTAB", "recv ACK"),
    ("ESTAB", "FIN-WAIT-1", "close(): send FIN"),
    ("ESTAB", "CLOSE-WAIT", "recv FIN: send ACK"),
    ("FIN-WAIT-1", "FIN-WAIT-2", "recv ACK"),
    ("FIN-WAIT-1", "CLOSING", "recv FIN: send ACK"),
    ("FIN-WAIT-2", "TIME-WAIT", "recv FIN: send ACK"),
    ("CLOSING", "TIME-WAIT", "recv ACK"),
    ("CLOSE-WAIT", "LAST-ACK", "close(): send FIN"),
    ("LAST-ACK", "CLOSED", "recv ACK"),
    ("TIME-WAIT", "CLOSED", "2 MSL timeout"),
)

#: Who plays which part in a teardown: the side that closes first ends in TIME-WAIT.
TEARDOWN_ROLES: dict[str, tuple[str, ...]] = {
    "closes first": ("ESTAB", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "CLOSED"),
    "closes second": ("ESTAB", "CLOSE-WAIT", "LAST-ACK", "CLOSED"),
}

#: "What is the link between protocol and state?" as data: who keeps state for what.
PROTOCOL_STATE: tuple[tuple[str, str, str], ...] = (
    ("connection state in the endpoints", "yes: each socket has a TCP state", "no: none exists"),
    ("handshake before data", "yes: SYN, SYN-ACK, ACK", "no: the first datagram is data"),
    ("what ss shows as State", "LISTEN, ESTAB, TIME-WAIT ...", "UNCONN (no connection)"),
    ("teardown", "FIN/ACK each way, then TIME-WAIT", "nothing to tear down"),
    (
        "stateful firewall (lesson 04)",
        "tracks each connection: NEW, ESTABLISHED",
        "keeps its own per 4-tuple, with a timeout",
    ),
)


@dataclass(frozen=True)
class StateTable:
    """A small reference table (rows of strings) with a heading, shown as text or HTML."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __repr__(self) -> str:
        cells = [self.head, *self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.head))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in self.head)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in self.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def protocol_state() -> StateTable:
    """Where connection state lives for TCP and for UDP (:data:`PROTOCOL_STATE` as a table).

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> protocol_state().rows[0][2]
    'no: none exists'
    """
    return StateTable(("", "TCP", "UDP"), PROTOCOL_STATE)


#: A request's 4-tuple for exercises that need fixed numbers (documentation addresses).
EXAMPLE_REQUEST: tuple[str, int, str, int] = ("192.0.2.10", 51514, "203.0.113.5", 443)

_WAIT = 2.0  # seconds any lab operation may wait for the kernel or the server thread
_REAP = 10.0  # seconds to wait for a process to exit after SIGKILL, which it cannot ignore


def _quote(value: object, limit: int = 60) -> str:
    """A bounded repr of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _check_seconds(value: object, what: str, error: type[NetcourseError]) -> float:
    """``value`` as seconds in (0, 60], else ``error`` naming it."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= 60
        or math.isnan(value)
    ):
        raise error(f"{_quote(value)}: {what} must be a number of seconds in (0, 60]")
    return float(value)


# --- small helpers -------------------------------------------------------------------------


def check_port(port: object, what: str = "port") -> int:
    """Return ``port`` if it is an int in 1-65535, else raise PortError naming the value.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> check_port(8001)
    8001
    >>> check_port("8001")
    Traceback (most recent call last):
    ...
    netcourse.errors.PortError: '8001': a port must be an int in 1-65535, not a str
    """
    if isinstance(port, bool) or not isinstance(port, int):
        raise PortError(
            f"{port!r}: a {what} must be an int in 1-65535, not a {type(port).__name__}"
        )
    if not 1 <= port <= 65535:
        raise PortError(f"{port!r}: a {what} must be in 1-65535")
    return port


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
            f"{four_tuple!r}: a four_tuple is (src_ip, src_port, dst_ip, dst_port)"
        ) from None
    return (dst_ip, check_port(dst_port), src_ip, check_port(src_port))


def state_path(observed: Iterable[str]) -> tuple[str, ...]:
    """The states a socket went through, filling gaps between observed states by TCP's rules.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    Some states last microseconds on loopback (SYN-SENT, FIN-WAIT-1); the shortest path in
    :data:`TCP_TRANSITIONS` between two observed states says which were passed through.

    >>> state_path(["ESTAB", "FIN-WAIT-2", "TIME-WAIT"])
    ('CLOSED', 'SYN-SENT', 'ESTAB', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED')
    """
    states = [TCP_STATES.get(s, s) for s in observed]
    known = {a for a, _, _ in TCP_TRANSITIONS} | {b for _, b, _ in TCP_TRANSITIONS}
    for state in states:
        if state not in known:
            raise SocketLabError(f"{state!r}: not a TCP state; expected one of {sorted(known)}")
    if not states:
        return ()
    full = ["CLOSED"]
    for state in states:
        if state != full[-1]:
            full.extend(_shortest(full[-1], state)[1:])
    if full[-1] != "CLOSED":
        full.extend(_shortest(full[-1], "CLOSED")[1:])
    return tuple(full)


def _shortest(start: str, goal: str) -> list[str]:
    edges: dict[str, list[str]] = {}
    for a, b, _ in TCP_TRANSITIONS:
        edges.setdefault(a, []).append(b)
    queue, seen = deque([[start]]), {start}
    while queue:
        path = queue.popleft()
        if path[-1] == goal:
            return path
        for nxt in edges.get(path[-1], []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append([*path, nxt])
    raise SocketLabError(f"no TCP transition leads from {start} to {goal}")


def socket_link(fd: int, pid: int | None = None) -> str | None:
    """What ``/proc/<pid>/fd/<fd>`` points to, e.g. ``socket:[123456]`` (None off Linux).

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> s = socket.socket(); socket_link(s.fileno()).startswith("socket:[")
    True
    >>> s.close()
    """
    try:
        return os.readlink(f"/proc/{pid or os.getpid()}/fd/{fd}")
    except OSError:
        return None


def _addr(value) -> str:
    if not value:
        return "*:*"
    return f"{value[0]}:{value[1]}"


def _inode(link: str | None) -> int | None:
    if link and link.startswith("socket:["):
        return int(link[8:-1])
    return None


# --- the kernel's socket list ---------------------------------------------------------------


@dataclass(frozen=True)
class KernelSocket:
    """One socket the kernel lists: its process (None when unknown or no longer owned)."""

    pid: int | None
    fd: int | None
    laddr: tuple
    raddr: tuple
    status: str


@dataclass(frozen=True)
class SocketList:
    """Sockets of one kind and how far the list reached.

    ``scope`` is "system" (every socket, also those no process owns, such as TIME-WAIT),
    "processes" (only those of processes this user may inspect) or "none" (nothing could be
    read).
    """

    sockets: tuple[KernelSocket, ...]
    scope: str


_LIST_ERRORS = (psutil.AccessDenied, psutil.NoSuchProcess, OSError, NotImplementedError)


def _entry(conn, pid: int | None) -> KernelSocket:
    fd = getattr(conn, "fd", None)
    return KernelSocket(
        pid=getattr(conn, "pid", pid),
        fd=None if fd in (None, -1) else fd,
        laddr=tuple(conn.laddr or ()),
        raddr=tuple(conn.raddr or ()),
        status=conn.status,
    )


def list_sockets(
    kind: str = "tcp", *, pids: Iterable[int] | None = None, system: bool = True
) -> SocketList:
    """The kernel's sockets of ``kind`` (psutil's kinds: tcp, udp, udp4, ...).

    With ``system`` it reads the system-wide list; where that needs more permission (or
    with ``system=False``) it lists the sockets of ``pids`` one process at a time (default:
    every process this user may inspect), skipping those it may not read.

    >>> listed = list_sockets("tcp", pids=[os.getpid()])
    >>> listed.scope in ("system", "processes")
    True
    """
    if system:
        try:
            conns = psutil.net_connections(kind=kind)
        except (psutil.AccessDenied, OSError, NotImplementedError):
            pass
        else:
            return SocketList(tuple(_entry(c, None) for c in conns), "system")
    procs = psutil.process_iter() if pids is None else []
    if pids is not None:
        for pid in pids:
            try:
                procs.append(psutil.Process(pid))
            except _LIST_ERRORS:
                continue
    out: list[KernelSocket] = []
    read = 0
    for proc in procs:
        try:
            conns = proc.net_connections(kind=kind)
        except _LIST_ERRORS:
            continue
        read += 1
        out.extend(_entry(c, proc.pid) for c in conns)
    scope = "processes" if read or pids is None else "none"
    return SocketList(tuple(out), scope)


# --- child processes that die with their parent ---------------------------------------------

_PR_SET_PDEATHSIG = 1  #: prctl option from <linux/prctl.h>: a signal for when the parent dies
_spawner: ThreadPoolExecutor | None = None
_spawner_lock = threading.Lock()


def _death_signal_hook() -> Callable[[], None] | None:
    """A preexec function that has the kernel SIGKILL the child when this process dies."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved here, not in the child
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return hook


def _popen(argv: list[str], options: dict) -> subprocess.Popen:
    return subprocess.Popen(argv, preexec_fn=_death_signal_hook(), **options)


def spawn_child(argv: Sequence[str], **options) -> subprocess.Popen:
    """Start a child process that the kernel kills when this process dies (Linux).

    Uses ``prctl(PR_SET_PDEATHSIG, SIGKILL)``, so the child does not outlive a kernel that is
    killed or an interpreter that exits without cleaning up. That signal fires when the
    *thread* that started the child ends, so a child asked for from another thread than the
    main one is started from one long-lived thread instead. Elsewhere than Linux it is a plain
    ``subprocess.Popen``; the caller's finalizer still stops it at exit.

    >>> child = spawn_child([sys.executable, "-c", "pass"])
    >>> child.wait(timeout=30)
    0
    """
    argv = [os.fspath(part) for part in argv]
    if threading.current_thread() is threading.main_thread():
        return _popen(argv, options)
    global _spawner
    with _spawner_lock:
        if _spawner is None:
            _spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="netcourse-spawner")
    return _spawner.submit(_popen, argv, options).result(timeout=60)


def stop_child(process: subprocess.Popen, wait: float) -> None:
    """Stop a child if it still runs (SIGTERM, ``wait`` seconds, SIGKILL) and always reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            process.kill()
    try:
        process.wait(timeout=_REAP)  # SIGKILL cannot be ignored: this reaps the child
    except subprocess.TimeoutExpired:
        raise SocketLabError(
            f"pid {process.pid} did not exit {_REAP:g} s after SIGKILL (stuck in the kernel?)"
        ) from None


# --- the lab -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    """One client connection the lab opened: its number, fd and 4-tuple (client's view)."""

    number: int
    fd: int
    four_tuple: tuple[str, int, str, int]

    @property
    def port(self) -> int:
        """The client's ephemeral source port."""
        return self.four_tuple[1]

    def __repr__(self) -> str:
        src_ip, sport, dst_ip, dport = self.four_tuple
        return f"Client(#{self.number}, fd={self.fd}, {src_ip}:{sport} -> {dst_ip}:{dport})"


@dataclass(frozen=True)
class SocketRow:
    """One socket the kernel reports: who holds it, its fd and inode, addresses and state."""

    role: str
    fd: int | None
    inode: int | None
    local: str
    remote: str
    state: str
    pid: int | None
    client: int | None = None

    @property
    def four_tuple(self) -> tuple[str, int, str, int] | None:
        """(src_ip, src_port, dst_ip, dst_port) from this socket's side; None when listening."""
        if self.remote == "*:*":
            return None
        lip, lport = self.local.rsplit(":", 1)
        rip, rport = self.remote.rsplit(":", 1)
        return (lip, int(lport), rip, int(rport))


_ROLE_ORDER = {
    "listening": 0,
    "client": 1,
    "accepted": 2,
    "no owner: client": 3,
    "no owner: server": 4,
}


@dataclass(frozen=True)
class SocketTable:
    """The lab's sockets as the kernel lists them, and where the list came from."""

    port: int
    rows: tuple[SocketRow, ...]
    source: str

    def __iter__(self) -> Iterator[SocketRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def by_role(self, role: str) -> tuple[SocketRow, ...]:
        """The rows with this role: listening, client, accepted, no owner: client/server."""
        return tuple(row for row in self.rows if row.role == role)

    def states(self) -> dict[str, int]:
        """How many sockets are in each state."""
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.state] = counts.get(row.state, 0) + 1
        return counts

    def _cells(self) -> list[tuple[str, ...]]:
        out = []
        for row in self.rows:
            fd = "-" if row.fd is None else f"fd={row.fd}"
            inode = "-" if row.inode is None else f"socket:[{row.inode}]"
            who = "-" if row.client is None else f"#{row.client}"
            out.append((row.role, who, fd, inode, row.local, row.remote, row.state))
        return out

    _HEAD = ("role", "client", "fd", "/proc link", "local", "remote", "state")
    #: Column widths fit the widest value of each kind (fd=99999, socket:[4294967295],
    #: 255.255.255.255:65535), so the layout does not shift with the numbers of a run.
    _WIDTHS = (16, 6, 8, 19, 21, 21, 10)

    def __repr__(self) -> str:
        cells = [self._HEAD, *self._cells()]
        widths = [
            max(minimum, *(len(row[i]) for row in cells)) for i, minimum in enumerate(self._WIDTHS)
        ]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
        return "\n".join([*lines, f"({len(self.rows)} sockets; source: {self.source})"])

    def _repr_html_(self) -> str:
        pad = 'style="padding:2px 10px;text-align:left"'
        head = "".join(f"<th {pad}>{h}</th>" for h in self._HEAD)
        body = "".join(
            "<tr>" + "".join(f"<td {pad}>{escape(c)}</td>" for c in cells) + "</tr>"
            for cells in self._cells()
        )
        return (
            f'<table class="netcourse-sockets"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>"
            f"<p>{len(self.rows)} sockets; source: {escape(self.source)}</p>"
        )


@dataclass(frozen=True)
class Teardown:
    """What a close did: which side closed first and the states seen after each step."""

    client: int
    first: str
    after_first_close: dict[str, str] = field(hash=False)
    after_second_close: dict[str, str] = field(hash=False)

    @property
    def time_wait_side(self) -> str | None:
        """The side left in TIME-WAIT ("client" or "server"), if any."""
        for side, state in self.after_second_close.items():
            if state == "TIME-WAIT":
                return side
        return None

    def path(self, side: str) -> tuple[str, ...]:
        """The states this side went through, from connect/accept to CLOSED."""
        if side not in ("client", "server"):
            raise SocketLabError(f"{side!r}: side must be 'client' or 'server'")
        seen = ["ESTAB", self.after_first_close[side], self.after_second_close[side]]
        full = state_path([s for s in seen if s != "CLOSED"])
        if side == "server":  # the accepted socket grew out of the listening one
            full = ("CLOSED", "LISTEN", "SYN-RECV", *full[full.index("ESTAB") :])
        return full

    def __repr__(self) -> str:
        return (
            f"Teardown(client #{self.client}, {self.first} closed first: "
            f"after 1st close {self.after_first_close}, after 2nd {self.after_second_close})"
        )


class _LabCore:
    """Every socket, the selector and the server thread of one :class:`SocketLab`.

    Kept apart from the lab so that the server thread and the lab's finalizer reach them
    without keeping the lab alive: a lab dropped without ``close()`` is collected, and its
    finalizer closes all of this. One lock guards the client numbering and every socket list.
    """

    def __init__(self, family: socket.AddressFamily, wait: float) -> None:
        self.family = family
        self.wait = wait
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.stop = threading.Event()
        self.listener: socket.socket | None = None
        self.selector: selectors.BaseSelector | None = None
        self.thread: threading.Thread | None = None
        self.clients: dict[int, tuple[Client, socket.socket]] = {}
        self.accepted: dict[int, socket.socket] = {}  # client port -> server-side socket
        self.eof: set[int] = set()  # client ports whose FIN the server has read
        self.history: dict[int, int] = {}  # client port -> client number
        self.next = 1
        self.port: int | None = None
        self.closed = False
        self.error: BaseException | None = None

    def start(self, host: str) -> None:
        self.listener = socket.socket(self.family, socket.SOCK_STREAM)
        self.listener.bind((host, 0))
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.thread = threading.Thread(
            target=self.serve, name=f"netcourse-socketlab-{self.port}", daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        """Stop the server thread (bounded wait), then close every socket and the selector."""
        self.stop.set()
        thread = self.thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=self.wait + 1)
        with self.lock:
            for _, sock in self.clients.values():
                sock.close()
            for sock in self.accepted.values():
                sock.close()
            self.clients.clear()
            self.accepted.clear()
            if self.selector is not None:
                self.selector.close()
            if self.listener is not None:
                self.listener.close()
            self.closed = True

    # the server thread
    def serve(self) -> None:
        assert self.selector is not None
        try:
            while not self.stop.is_set():
                for key, _ in self.selector.select(timeout=0.05):
                    with self.changed:
                        if not self.stop.is_set():
                            self.handle(key.fileobj)
        except Exception as exc:  # kept for the caller; the lab reports it on the next call
            self.error = exc

    def handle(self, sock) -> None:
        assert self.selector is not None and self.listener is not None
        if sock is self.listener:
            try:
                conn, peer = sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            conn.setblocking(False)
            self.accepted[peer[1]] = conn
            self.selector.register(conn, selectors.EVENT_READ)
            self.changed.notify_all()
            return
        port = next((p for p, s in self.accepted.items() if s is sock), None)
        if port is None:
            return
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data:  # an echo server; a blocking send with a timeout, so no byte is dropped
            sock.settimeout(self.wait)
            try:
                sock.sendall(data)
            except OSError:
                pass  # the client went away or stopped reading: its problem, not the lab's
            finally:
                sock.setblocking(False)
            return
        # the client closed first: stop reading, but keep the socket (CLOSE-WAIT) until
        # the lab closes it, so the state in between can be seen
        self.selector.unregister(sock)
        self.eof.add(port)
        self.changed.notify_all()

    def drop_server(self, port: int, keep=None) -> None:
        """Forget the accepted socket of a client port and close it (unless it is ``keep``)."""
        sock = self.accepted.pop(port, None)
        self.eof.discard(port)
        if sock is None:
            return
        if sock.fileno() != -1 and self.selector is not None:
            try:
                self.selector.unregister(sock)
            except (KeyError, ValueError):
                pass
        if keep is None:
            sock.close()


class SocketLab:
    """A TCP echo server on 127.0.0.1 (ephemeral port) plus clients opened on demand.

    Use it as a context manager: leaving the block (also on error) closes every socket and
    stops the server thread. A lab that is dropped without ``close()``, or still open when
    the interpreter exits, is closed by its finalizer. Clients may be opened from several
    threads at once. Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> with SocketLab() as lab:
    ...     client = lab.open_client()
    ...     sorted(row.role for row in lab.table())
    ['accepted', 'client', 'listening']
    >>> lab.closed
    True
    """

    def __init__(self, host: str = LOOPBACK, wait: float = _WAIT) -> None:
        if not isinstance(host, str) or host not in (LOOPBACK, "::1"):
            raise SocketLabError(f"{host!r}: the lab only runs on loopback (127.0.0.1 or ::1)")
        self.host = host
        self.wait = _check_seconds(wait, "wait", SocketLabError)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._core = _LabCore(family, self.wait)
        self._finalizer = weakref.finalize(self, self._core.close)

    # lifecycle
    def __enter__(self) -> SocketLab:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        """True once the lab is closed (it cannot be started again)."""
        return self._core.closed

    def start(self) -> SocketLab:
        """Listen on an ephemeral port and start the server thread."""
        if self._core.listener is not None and not self.closed:
            return self
        if self.closed:
            raise SocketLabError("this lab is closed; start a new SocketLab()")
        try:
            self._core.start(self.host)
        except OSError as exc:
            self.close()
            raise SocketLabError(
                f"could not start the lab's server on {self.host}: {exc}"
            ) from None
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Close every client, accepted and listening socket and stop the server thread."""
        self._finalizer()

    def _wait_for(self, predicate, what: str) -> None:
        with self._core.changed:
            if not self._core.changed.wait_for(predicate, timeout=self.wait):
                raise SocketLabError(f"timed out after {self.wait} s waiting for {what}")

    def _check_open(self) -> None:
        if self._core.error is not None:
            raise SocketLabError(f"the server thread failed: {self._core.error}")
        if self.closed or self._core.listener is None:
            raise SocketLabError("the lab is not running: use `with SocketLab() as lab:`")

    # what a learner calls
    @property
    def port(self) -> int:
        """The server's ephemeral port."""
        self._check_open()
        assert self._core.port is not None
        return self._core.port

    @property
    def address(self) -> tuple[str, int]:
        """The server's (ip, port)."""
        return (self.host, self.port)

    @property
    def listener_fd(self) -> int:
        """The listening socket's file descriptor in this process."""
        self._check_open()
        assert self._core.listener is not None
        return self._core.listener.fileno()

    @property
    def clients(self) -> tuple[Client, ...]:
        """The open clients, oldest first."""
        with self._core.lock:
            return tuple(client for client, _ in self._core.clients.values())

    def client(self, number: int | Client | None = None) -> Client:
        """An open client by its number (default: the newest)."""
        if isinstance(number, Client):
            number = number.number
        with self._core.lock:
            clients = self._core.clients
            if not clients:
                raise SocketLabError("no client is open: call lab.open_client() first")
            if number is None:
                number = max(clients)
            if isinstance(number, bool) or not isinstance(number, int):
                raise SocketLabError(f"{number!r}: a client is chosen by its number, an int")
            if number not in clients:
                raise SocketLabError(f"client #{number} is not open; open ones: {sorted(clients)}")
            return clients[number][0]

    def open_client(self) -> Client:
        """Connect a new client; returns once the server has accepted it (thread-safe)."""
        self._check_open()
        core = self._core
        sock = socket.socket(core.family, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.wait)
            sock.connect(self.address)
            local = sock.getsockname()
        except OSError as exc:
            sock.close()
            raise SocketLabError(f"could not connect to {self.host}:{self.port}: {exc}") from None
        with core.lock:  # number and record the client in one step: no number is handed out twice
            if core.closed:
                sock.close()
                raise SocketLabError("the lab is not running: use `with SocketLab() as lab:`")
            client = Client(core.next, sock.fileno(), (local[0], local[1], self.host, core.port))
            core.next += 1
            core.clients[client.number] = (client, sock)
            core.history[client.port] = client.number
        self._wait_for(lambda: client.port in core.accepted, "the server to accept")
        return client

    def _socket(self, client: Client) -> socket.socket:
        with self._core.lock:
            return self._core.clients[client.number][1]

    def exchange(self, client: int | Client | None = None, data: bytes = b"hello\n") -> bytes:
        """Send ``data`` from a client and return what the echo server sent back."""
        chosen = self.client(client)
        if not isinstance(data, bytes) or not data or len(data) > 65536:
            raise SocketLabError(f"{_quote(data)}: send between 1 and 65536 bytes (a bytes value)")
        sock = self._socket(chosen)
        sock.sendall(data)
        received = b""
        deadline = time.monotonic() + self.wait
        while len(received) < len(data) and time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
        return received

    def server_side(self, client: int | Client | None = None) -> tuple[str, int, str, int]:
        """The accepted socket's 4-tuple for a client: the client's, mirrored."""
        chosen = self.client(client)
        with self._core.lock:
            sock = self._core.accepted[chosen.port]
            local, peer = sock.getsockname(), sock.getpeername()
        return (local[0], local[1], peer[0], peer[1])

    def accepted_fd(self, client: int | Client | None = None) -> int:
        """The file descriptor of the server's accepted socket for a client."""
        chosen = self.client(client)
        with self._core.lock:
            return self._core.accepted[chosen.port].fileno()

    def close_client(self, client: int | Client | None = None, first: str = "client") -> Teardown:
        """Close one connection, ``first`` ("client" or "server") closing first; return states.

        The side that closes first goes through FIN-WAIT and ends in TIME-WAIT; the other
        sees CLOSE-WAIT until it closes too.
        """
        if first not in ("client", "server"):
            raise SocketLabError(f"{_quote(first)}: first must be 'client' or 'server'")
        chosen = self.client(client)
        port = chosen.port
        core = self._core
        with core.lock:
            client_sock = core.clients[chosen.number][1]
            server_sock = core.accepted.get(port)
        if first == "client":
            client_sock.close()
            self._wait_for(lambda: port in core.eof, "the server to read the client's FIN")
            middle = self._states(port, {"client": "FIN-WAIT-2", "server": "CLOSE-WAIT"})
            with core.lock:
                core.drop_server(port)
                core.clients.pop(chosen.number)
            end = self._states(port, {"client": "TIME-WAIT"})
        else:
            with core.lock:
                core.drop_server(port, keep=server_sock)
            server_sock.close()
            middle = self._states(port, {"client": "CLOSE-WAIT", "server": "FIN-WAIT-2"})
            client_sock.close()
            with core.lock:
                core.clients.pop(chosen.number)
            end = self._states(port, {"server": "TIME-WAIT"})
        return Teardown(chosen.number, first, middle, end)

    def _states(self, port: int, expect: dict[str, str]) -> dict[str, str]:
        """Both sides' states of the connection with this client port (bounded wait)."""
        deadline = time.monotonic() + self.wait
        while True:
            found = {"client": "CLOSED", "server": "CLOSED"}
            for row in self.table():
                if row.role == "listening":
                    continue
                local_port = int(row.local.rsplit(":", 1)[1])
                remote_port = int(row.remote.rsplit(":", 1)[1])
                if local_port == port and remote_port == self.port:
                    found["client"] = row.state
                elif remote_port == port and local_port == self.port:
                    found["server"] = row.state
            if all(found[k] == v for k, v in expect.items()) or time.monotonic() > deadline:
                return found
            time.sleep(0.01)

    def table(self) -> SocketTable:
        """The lab's sockets as the kernel lists them: listening, each client and accepted one.

        Reads ``psutil.net_connections`` (every socket on the lab's port, including those no
        process owns any more, such as TIME-WAIT); falls back to this process's own sockets,
        then to what the lab knows itself, saying which source it used.
        """
        self._check_open()
        core = self._core
        pid = os.getpid()
        with core.lock:
            client_fds = {sock.fileno(): client.number for client, sock in core.clients.values()}
            accepted_fds = {
                sock.fileno(): core.history.get(port) for port, sock in core.accepted.items()
            }
            listener_fd = core.listener.fileno()
        entries, source = self._connections()
        rows = []
        for conn in entries:
            local, remote = conn.laddr, conn.raddr
            if not local or local[0] != self.host:
                continue
            if self.port not in (local[1], remote[1] if remote else None):
                continue
            if conn.pid not in (None, pid):
                continue
            fd = conn.fd if conn.pid == pid else None
            if fd == listener_fd and not remote:
                role, number = "listening", None
            elif fd in client_fds:
                role, number = "client", client_fds[fd]
            elif fd in accepted_fds:
                role, number = "accepted", accepted_fds[fd]
            elif fd is None:  # closed by its process; the kernel finishes the teardown
                role = "no owner: server" if local[1] == self.port else "no owner: client"
                their = remote[1] if local[1] == self.port else local[1]
                number = core.history.get(their)
            else:  # another socket of this process on the port: not the lab's
                continue
            inode = _inode(socket_link(fd)) if fd is not None else None
            state = TCP_STATES.get(conn.status, conn.status)
            rows.append(
                SocketRow(role, fd, inode, _addr(local), _addr(remote), state, conn.pid, number)
            )
        rows.sort(key=lambda r: (r.client or 0, _ROLE_ORDER[r.role], r.local))
        return SocketTable(self.port, tuple(rows), source)

    def _connections(self) -> tuple[tuple[KernelSocket, ...], str]:
        listed = list_sockets("tcp", pids=[os.getpid()])
        if listed.scope == "system":
            return listed.sockets, "psutil.net_connections (every socket)"
        if listed.scope == "processes":
            return (
                listed.sockets,
                "psutil.Process().net_connections (own sockets only: the system-wide list "
                "needs more permission, so sockets no process owns, e.g. TIME-WAIT, are hidden)",
            )
        return self._own_entries(), "the lab's own sockets (psutil could not list connections)"

    def _own_entries(self) -> tuple[KernelSocket, ...]:
        core = self._core
        with core.lock:
            socks = [core.listener, *(s for _, s in core.clients.values())]
            socks += list(core.accepted.values())
        out = []
        for sock in socks:
            if sock is None or sock.fileno() == -1:
                continue
            try:
                peer = sock.getpeername()
                status = "ESTABLISHED"
            except OSError:
                peer = ()
                status = "LISTEN" if sock is core.listener else "CLOSE"
            out.append(
                KernelSocket(
                    pid=os.getpid(),
                    fd=sock.fileno(),
                    laddr=tuple(sock.getsockname()[:2]),
                    raddr=tuple(peer[:2]),
                    status=status,
                )
            )
        return tuple(out)

    def __repr__(self) -> str:
        if self.closed:
            return "SocketLab(closed)"
        if self._core.listener is None:
            return "SocketLab(not started)"
        with self._core.lock:
            count = len(self._core.clients)
        return f"SocketLab(listening on {self.host}:{self._core.port}, {count} clients open)"


# --- ephemeral ports -----------------------------------------------------------------------

_RANGE_FILE = "/proc/sys/net/ipv4/ip_local_port_range"
_RESERVED_FILE = "/proc/sys/net/ipv4/ip_local_reserved_ports"
#: IANA's dynamic/private range (RFC 6335), used where the kernel's range cannot be read.
IANA_EPHEMERAL = (49152, 65535)


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


def ephemeral_ports(
    range_file: str | os.PathLike = _RANGE_FILE, reserved_file: str | os.PathLike = _RESERVED_FILE
) -> PortRange:
    """Read the kernel's ephemeral port range (Linux), else IANA's 49152-65535 with a note.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> r = ephemeral_ports(); r.size == r.high - r.low + 1
    True
    """
    try:
        low, high = (int(x) for x in Path(range_file).read_text().split())
    except (OSError, ValueError):
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
    reserved = 0
    try:
        text = Path(reserved_file).read_text().strip()
    except OSError:
        text = ""
    for part in filter(None, text.split(",")):
        a, _, b = part.partition("-")
        first, last = int(a), int(b or a)
        reserved += max(0, min(last, high) - max(first, low) + 1)
    return PortRange(
        low,
        high,
        reserved,
        str(range_file),
        f"the kernel picks each client's source port from {low}-{high}"
        + (f", skipping {reserved} reserved ports" if reserved else ""),
    )


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


_BIND_SITUATIONS = ("listening", "time-wait")


def bind_in_use(situation: str = "listening", reuseaddr: bool = False) -> BindAttempt:
    """Bind a loopback port that is in use and report what happened (never raises).

    Taught in notebooks/01-sockets-and-4-tuples.ipynb, like every public name here.

    ``situation`` "listening": another socket still listens there. "time-wait": the old
    server closed its connection first (so TIME-WAIT sits on its port) and exited, as when a
    server is restarted. ``reuseaddr`` sets SO_REUSEADDR on both the old and new socket.

    >>> bind_in_use("listening").error
    'EADDRINUSE'
    """
    if situation not in _BIND_SITUATIONS:
        raise SocketLabError(f"{situation!r}: situation must be one of {_BIND_SITUATIONS}")
    opened: list[socket.socket] = []

    def new() -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        opened.append(sock)
        if reuseaddr:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        return sock

    try:
        old = new()
        old.bind((LOOPBACK, 0))
        old.listen()
        port = old.getsockname()[1]
        if situation == "time-wait":
            client = socket.create_connection((LOOPBACK, port), timeout=_WAIT)
            opened.append(client)
            accepted, _ = old.accept()
            opened.append(accepted)
            accepted.close()  # the server closes first: TIME-WAIT lands on the server's port
            client.recv(1)  # read the FIN
            client.close()
            old.close()
            _wait_until(lambda: _tcp_states(port) == {"TIME_WAIT"})
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
}


def _tcp_states(port: int) -> set[str]:
    listed = list_sockets("tcp", pids=())
    return {c.status for c in listed.sockets if c.laddr and c.laddr[1] == port}


def _wait_until(predicate, timeout: float = _WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


# --- UDP for contrast ----------------------------------------------------------------------


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
    >>> reply_four_tuple(demo.request) == demo.reply
    True
    """
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        server.settimeout(_WAIT)
        client.settimeout(_WAIT)
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
                        _inode(link),
                        _addr(conn.laddr),
                        _addr(conn.raddr),
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


# --- the handshake capture -----------------------------------------------------------------

#: The shipped capture of one loopback TCP connection (made by tools/capture_handshake.py).
HANDSHAKE_CAPTURE = ("captures", "handshake.pcap")

_FLAG_NAMES = (("S", "SYN"), ("A", "ACK"), ("P", "PSH"), ("F", "FIN"), ("R", "RST"))


@dataclass(frozen=True)
class HandshakeStep:
    """One TCP segment of the capture with absolute and relative numbers and why they are so."""

    number: int
    sender: str
    four_tuple: tuple[str, int, str, int]
    flags: str
    seq: int
    ack: int | None
    relative_seq: int
    relative_ack: int | None
    length: int
    phase: str
    arithmetic: tuple[str, ...]

    @property
    def next_seq(self) -> int:
        """The seq the sender uses next: seq + data length, +1 for SYN or FIN."""
        return self.seq + self.length + ("SYN" in self.flags) + ("FIN" in self.flags)

    def __repr__(self) -> str:
        ack = "" if self.ack is None else f" ack={self.ack} (rel {self.relative_ack})"
        return (
            f"#{self.number} {self.sender:>6} {self.flags:<8} seq={self.seq} "
            f"(rel {self.relative_seq}){ack} len={self.length}"
        )


@dataclass(frozen=True)
class Handshake:
    """Every segment of one captured TCP connection: handshake, data and teardown."""

    steps: tuple[HandshakeStep, ...]
    client_isn: int
    server_isn: int
    path: str

    def __iter__(self) -> Iterator[HandshakeStep]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index: int) -> HandshakeStep:
        return self.steps[index]

    def phase(self, name: str) -> tuple[HandshakeStep, ...]:
        """The steps of one phase: handshake, data or teardown."""
        return tuple(step for step in self.steps if step.phase == name)

    def __repr__(self) -> str:
        head = f"Handshake({len(self.steps)} segments; ISNs client {self.client_isn}, "
        head += f"server {self.server_isn})"
        return "\n".join([head, *(repr(step) for step in self.steps)])

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th>{h}</th>"
            for h in ("#", "from", "flags", "seq", "rel seq", "ack", "rel ack", "len", "phase")
        )
        rows = []
        for s in self.steps:
            cells = (
                s.number,
                s.sender,
                s.flags,
                s.seq,
                s.relative_seq,
                "" if s.ack is None else s.ack,
                "" if s.relative_ack is None else s.relative_ack,
                s.length,
                s.phase,
            )
            rows.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _flags(value) -> str:
    text = str(value)
    return "+".join(name for letter, name in _FLAG_NAMES if letter in text)


def _read_tcp(path: Path) -> list:
    logging.getLogger("scapy").setLevel(logging.ERROR)
    from scapy.error import Scapy_Exception
    from scapy.layers.inet import IP, TCP
    from scapy.layers.inet6 import IPv6
    from scapy.utils import PcapReader

    out = []
    try:
        with PcapReader(str(path)) as reader:
            for pkt in reader:
                if TCP not in pkt:
                    continue
                ip = pkt[IP] if IP in pkt else pkt[IPv6]
                tcp = pkt[TCP]
                out.append(
                    (
                        ip.src,
                        int(tcp.sport),
                        ip.dst,
                        int(tcp.dport),
                        _flags(tcp.flags),
                        int(tcp.seq),
                        int(tcp.ack),
                        len(bytes(tcp.payload)),
                    )
                )
    except (OSError, EOFError, ValueError, Scapy_Exception) as exc:
        raise CaptureError(f"{path}: cannot be read as a capture ({exc})") from None
    return out


def handshake(path: str | os.PathLike | None = None) -> Handshake:
    """Read a capture of one TCP connection and spell out its seq/ack arithmetic.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    Defaults to the shipped capture of a loopback connection, so no root is needed.

    >>> hs = handshake()
    >>> [step.flags for step in hs.phase("handshake")]
    ['SYN', 'SYN+ACK', 'ACK']
    >>> hs[1].ack == hs.client_isn + 1
    True
    """
    from netcourse import data

    where = Path(path) if path is not None else data.path(*HANDSHAKE_CAPTURE)
    if not where.exists():
        raise CaptureError(f"{str(where)!r}: no such capture file")
    segments = _read_tcp(where)
    syn = next((s for s in segments if s[4] == "SYN"), None)
    if syn is None:
        raise CaptureError(f"{where}: no SYN found, so the connection's start is not captured")
    client = (syn[0], syn[1])
    server = (syn[2], syn[3])
    isn = {"client": syn[5]}
    segments = [s for s in segments if {(s[0], s[1]), (s[2], s[3])} == {client, server}]
    synack = next((s for s in segments if s[4] == "SYN+ACK"), None)
    if synack is None:
        raise CaptureError(f"{where}: no SYN-ACK answers the SYN")
    isn["server"] = synack[5]
    sent = {"client": None, "server": None}  # each side's next expected seq
    data_before = {"client": 0, "server": 0}  # data bytes each side sent so far
    fin_before = {"client": False, "server": False}
    fin_seen = False
    steps = []
    for number, (src, sport, dst, dport, flags, seq, ack, length) in enumerate(segments, 1):
        sender = "client" if (src, sport) == client else "server"
        other = "server" if sender == "client" else "client"
        has_ack = "ACK" in flags
        rel_seq = (seq - isn[sender]) % 2**32
        rel_ack = (ack - isn[other]) % 2**32 if has_ack else None
        lines = []
        if "SYN" in flags and not has_ack:
            lines.append(f"seq = {seq}: the {sender}'s random initial sequence number (ISN)")
        elif "SYN" in flags:
            lines.append(f"seq = {seq}: the {sender}'s own random ISN")
        else:
            parts = ["its SYN (1)"]
            if data_before[sender]:
                parts.append(f"{data_before[sender]} data bytes")
            if fin_before[sender]:
                parts.append("its FIN (1)")
            numbers = "sequence number" if rel_seq == 1 else "sequence numbers"
            lines.append(
                f"seq = ISN {isn[sender]} + {rel_seq} = {seq}: the {sender} has used "
                f"{rel_seq} {numbers} so far: {' + '.join(parts)}"
            )
        if has_ack:
            lines.append(
                f"ack = {other} ISN {isn[other]} + {rel_ack} = {ack}: the next byte the "
                f"{sender} expects from the {other}"
            )
        step = HandshakeStep(
            number,
            sender,
            (src, sport, dst, dport),
            flags,
            seq,
            ack if has_ack else None,
            rel_seq,
            rel_ack,
            length,
            "",
            (),
        )
        if length:
            lines.append(
                f"carries {length} bytes: the {sender}'s next seq is {seq} + {length} "
                f"= {step.next_seq}"
            )
        if "SYN" in flags or "FIN" in flags:
            what = "SYN" if "SYN" in flags else "FIN"
            lines.append(
                f"a {what} counts as one byte: the {sender}'s next seq is {seq} + "
                f"{length} + 1 = {step.next_seq}, so the reply acks {step.next_seq}"
            )
        if "FIN" in flags or "RST" in flags:
            fin_seen = True
        phase = "handshake" if number <= 3 and not length else "teardown" if fin_seen else "data"
        if phase == "data" and not length and has_ack:
            lines.append(f"acknowledges the {other}'s data: no bytes of its own")
        expected = sent[other]
        if has_ack and expected is not None and expected != ack:
            lines.append(f"(the {other}'s next seq was {expected}: an earlier segment is acked)")
        sent[sender] = step.next_seq
        data_before[sender] += length
        fin_before[sender] = fin_before[sender] or "FIN" in flags
        steps.append(
            HandshakeStep(
                number,
                sender,
                step.four_tuple,
                flags,
                seq,
                step.ack,
                rel_seq,
                rel_ack,
                length,
                phase,
                tuple(lines),
            )
        )
    return Handshake(tuple(steps), isn["client"], isn["server"], str(where))


# --- who holds a port, and freeing it ------------------------------------------------------


@dataclass(frozen=True)
class PortUser:
    """One socket on a port and the process that holds it (None where it could not be seen)."""

    pid: int | None
    name: str | None
    cmdline: tuple[str, ...]
    user: str | None
    local: str
    remote: str
    state: str
    proto: str

    @property
    def command(self) -> str:
        """The command line as one string, with the program shortened to its file name."""
        if not self.cmdline:
            return "?" if self.pid is not None else ""
        return " ".join([os.path.basename(self.cmdline[0]), *self.cmdline[1:]])

    def __repr__(self) -> str:
        return (
            f"PortUser(pid={self.pid}, name={self.name!r}, user={self.user!r}, "
            f"local={self.local!r}, state={self.state!r}, command={self.command!r})"
        )


@dataclass(frozen=True)
class PortUsers:
    """Every socket on one port with its process, and what could not be seen."""

    port: int
    proto: str
    users: tuple[PortUser, ...]
    unseen: tuple[str, ...]

    def __iter__(self) -> Iterator[PortUser]:
        return iter(self.users)

    def __len__(self) -> int:
        return len(self.users)

    def __getitem__(self, index: int) -> PortUser:
        return self.users[index]

    @property
    def pids(self) -> tuple[int, ...]:
        """The distinct pids holding the port, in order."""
        return tuple(dict.fromkeys(u.pid for u in self.users if u.pid is not None))

    @property
    def commands(self) -> tuple[str, ...]:
        """The shell commands that show the same: lsof and ss."""
        return (lsof_command(self.port, self.proto), ss_command(self.port, self.proto))

    def __repr__(self) -> str:
        lines = [f"PortUsers({self.proto} port {self.port}: {len(self.users)} sockets)"]
        lines += [f"  {user!r}" for user in self.users]
        lines += [f"  could not see: {note}" for note in self.unseen]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th>{h}</th>" for h in ("pid", "name", "user", "local", "remote", "state", "command")
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{escape(str(c))}</td>"
                for c in (
                    f"pid={u.pid}" if u.pid is not None else "?",
                    u.name or "?",
                    u.user or "?",
                    u.local,
                    u.remote,
                    u.state,
                    u.command,
                )
            )
            + "</tr>"
            for u in self.users
        )
        notes = "".join(f"<li>could not see: {escape(n)}</li>" for n in self.unseen)
        return (
            f"<p>{self.proto} port {self.port}: {len(self.users)} sockets</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            + (f"<ul>{notes}</ul>" if notes else "")
        )


_PROTOS = ("tcp", "udp")


def _check_proto(proto: object) -> str:
    if proto not in _PROTOS:
        raise PortError(f"{proto!r}: proto must be one of {_PROTOS}")
    return proto  # type: ignore[return-value]


def lsof_command(port: int, proto: str = "tcp") -> str:
    """The ``lsof`` command that lists who uses a port (run with sudo to see every user).

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> lsof_command(8001)
    'lsof -n -P -i TCP:8001'
    """
    return f"lsof -n -P -i {_check_proto(proto).upper()}:{check_port(port)}"


def ss_command(port: int, proto: str = "tcp") -> str:
    """The ``ss`` command that lists sockets on a local port with their processes.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> ss_command(8001)
    "ss -tanp 'sport = :8001'"
    """
    letter = "t" if _check_proto(proto) == "tcp" else "u"
    return f"ss -{letter}anp 'sport = :{check_port(port)}'"


def _process_info(pid: int) -> tuple[str | None, tuple[str, ...], str | None, str | None]:
    """(name, cmdline, user, what could not be read) for a pid."""

    try:
        proc = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None, (), None, f"pid {pid} exited while being looked at"
    name = cmdline = user = None
    missing = []
    for attr in ("name", "cmdline", "username"):
        try:
            value = getattr(proc, attr)()
        except psutil.AccessDenied:
            missing.append(attr)
            continue
        except psutil.NoSuchProcess:
            return None, (), None, f"pid {pid} exited while being looked at"
        if attr == "name":
            name = value
        elif attr == "cmdline":
            cmdline = tuple(value)
        else:
            user = value
    note = f"pid {pid}: no permission to read its {', '.join(missing)}" if missing else None
    return name, cmdline or (), user, note


def who_uses(port: int, proto: str = "tcp") -> PortUsers:
    """Which processes have a socket whose local port is ``port`` (like ``lsof -i :PORT``).

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    Sockets whose process cannot be seen (another user's, without root) are still listed,
    with pid None, and ``unseen`` says what is missing instead of failing.

    >>> with SocketLab() as lab:
    ...     os.getpid() in who_uses(lab.port).pids
    True
    """
    check_port(port)
    _check_proto(proto)
    unseen: list[str] = []
    listed = list_sockets(proto)
    if listed.scope != "system":
        unseen.append(
            "the system-wide socket list needs more permission here; only processes this "
            f"user may inspect were searched (try: sudo {lsof_command(port, proto)})"
        )
    users = []
    hidden = 0
    for conn in listed.sockets:
        if not conn.laddr or conn.laddr[1] != port:
            continue
        state = TCP_STATES.get(conn.status, conn.status)
        name, cmdline, user = None, (), None
        if conn.pid is not None:
            name, cmdline, user, note = _process_info(conn.pid)
            if note:
                unseen.append(note)
        elif state not in ("TIME-WAIT", "FIN-WAIT-2", "LAST-ACK", "CLOSING"):
            hidden += 1
        users.append(
            PortUser(
                conn.pid, name, cmdline, user, _addr(conn.laddr), _addr(conn.raddr), state, proto
            )
        )
    if hidden and os.geteuid() != 0:
        unseen.append(
            f"{hidden} socket(s) have an owner this user may not see (another user's process): "
            f"run `sudo {lsof_command(port, proto)}` to see it"
        )
    users.sort(key=lambda u: (u.state != "LISTEN", u.pid is None, u.pid or 0, u.local, u.remote))
    return PortUsers(port, proto, tuple(users), tuple(dict.fromkeys(unseen)))


def _holds(user: PortUser) -> bool:
    """True when this socket holds its port: it listens (TCP) or is bound, unconnected (UDP)."""
    if user.proto == "udp":
        return user.remote == "*:*"
    return user.state == "LISTEN"


@dataclass(frozen=True)
class PortAction:
    """What free_port did (or would do) to one process."""

    pid: int
    name: str | None
    user: str | None
    action: str
    detail: str

    def __repr__(self) -> str:
        return f"PortAction(pid={self.pid}, name={self.name!r}, {self.action}: {self.detail})"


@dataclass(frozen=True)
class FreePortResult:
    """What free_port found and did; ``confirmed`` False means a dry run (nothing sent)."""

    port: int
    proto: str
    confirmed: bool
    actions: tuple[PortAction, ...]
    notes: tuple[str, ...]

    @property
    def freed(self) -> bool:
        """True when, after acting, no process listens on (or binds) the port any more."""
        return self.confirmed and not any(
            u.pid is not None and _holds(u) for u in who_uses(self.port, self.proto)
        )

    def __repr__(self) -> str:
        mode = "done" if self.confirmed else "dry run, nothing sent"
        lines = [f"FreePortResult({self.proto} port {self.port}, {mode})"]
        lines += [f"  {action!r}" for action in self.actions]
        lines += [f"  note: {note}" for note in self.notes]
        if not self.actions:
            lines.append("  no process holds this port")
        return "\n".join(lines)


def _ancestors() -> dict[int, str]:
    """This process's ancestors by pid, each with its relation: parent, grandparent, ..."""
    try:
        parents = psutil.Process().parents()
    except psutil.Error:
        return {}
    out = {}
    for generation, proc in enumerate(parents, 1):
        if generation == 1:
            relation = "parent"
        elif generation <= 4:
            relation = "great-" * (generation - 2) + "grandparent"
        else:
            relation = f"ancestor ({generation} generations up)"
        out[proc.pid] = relation
    return out


def _not_holding(pid: int, name: str, sockets: list[PortUser], port: int, served: bool) -> str:
    """Why a process whose sockets on the port do not hold it is left alone."""
    kinds = []
    for user in sockets[:3]:
        if served and user.proto == "tcp":
            kinds.append(f"an accepted connection from {user.remote} ({user.state})")
        else:
            kinds.append(
                f"the source port of an outgoing connection to {user.remote} ({user.state})"
            )
    more = f" and {len(sockets) - 3} more" if len(sockets) > 3 else ""
    return (
        f"pid {pid} ({name}) does not listen on or bind port {port}: it uses it only as "
        f"{'; '.join(kinds)}{more}. Stopping it would not free the port"
    )


def free_port(
    port: int, confirm: bool = False, proto: str = "tcp", timeout: float = 3.0
) -> FreePortResult:
    """Stop the processes holding a port: a dry run unless ``confirm=True``.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    With confirm it sends SIGTERM, waits up to ``timeout`` seconds, then SIGKILL. It only
    signals processes that listen on the port (TCP) or are bound to it (UDP), and refuses
    pid 1, this process, every ancestor of it (such as the Jupyter server that runs this
    kernel), and (unless root) other users' processes; each refusal says which process and
    why.

    >>> with SocketLab() as lab:
    ...     result = free_port(lab.port)
    >>> result.actions[0].action
    'refused'
    """
    check_port(port)
    if not isinstance(confirm, bool):
        raise PortError(f"{_quote(confirm)}: confirm must be True or False")
    timeout = _check_seconds(timeout, "timeout", PortError)
    users = who_uses(port, proto)
    me, root = os.getpid(), os.geteuid() == 0
    ancestors = _ancestors()
    served = any(u.state == "LISTEN" for u in users)
    notes = list(users.unseen)
    if any(u.pid is None and u.state not in ("TIME-WAIT",) for u in users):
        notes.append("sockets without a visible process cannot be signalled")
    if any(u.state == "TIME-WAIT" for u in users):
        notes.append(
            "TIME-WAIT sockets belong to no process; they expire on their own (about 60 s)"
        )
    actions = []
    targets = []
    for pid in users.pids:
        sockets = [u for u in users if u.pid == pid]
        user = sockets[0]
        name = user.name or "?"
        proc = None
        refusal = None
        if pid == 1:
            refusal = "pid 1 is the init process: stopping it would bring the system down"
        elif pid == me:
            refusal = "that is this very process (the notebook's kernel): close its socket instead"
        elif pid in ancestors:
            refusal = (
                f"pid {pid} ({name}) is this process's {ancestors[pid]}: stopping it would stop "
                "this process too (for a notebook: the Jupyter server that runs its kernel)"
            )
        elif not any(_holds(u) for u in sockets):
            refusal = _not_holding(pid, name, sockets, port, served)
        else:
            try:
                proc = psutil.Process(pid)
            except psutil.NoSuchProcess:
                actions.append(PortAction(pid, user.name, user.user, "gone", "already exited"))
                continue
            try:
                owner = proc.uids().real
            except psutil.AccessDenied:
                owner = None
            except psutil.NoSuchProcess:
                actions.append(PortAction(pid, user.name, user.user, "gone", "already exited"))
                continue
            if not root and owner != os.getuid():
                refusal = f"pid {pid} belongs to user {user.user or '?'}; only root may stop it"
        if refusal:
            actions.append(PortAction(pid, user.name, user.user, "refused", refusal))
            continue
        if not confirm:
            actions.append(
                PortAction(
                    pid,
                    user.name,
                    user.user,
                    "would stop",
                    f"SIGTERM, then SIGKILL after {timeout:g} s if still running "
                    "(pass confirm=True to do it)",
                )
            )
            continue
        targets.append((proc, user))
    for proc, user in targets:
        actions.append(_stop(proc, user, timeout))
    return FreePortResult(port, proto, confirm, tuple(actions), tuple(dict.fromkeys(notes)))


def _exited(proc: psutil.Process, timeout: float) -> str | None:
    """Wait (bounded) for a signalled process to exit: None while it still runs, else how.

    Reaps it when it is this process's child; a zombie (exited, but its parent has not
    collected its status yet) counts as exited: it runs no code and holds no socket.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            proc.wait(timeout=0)
            return ""
        except psutil.TimeoutExpired:
            pass
        except psutil.NoSuchProcess:
            return ""
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                return (
                    f"; it is a zombie until its parent (pid {proc.ppid()}) collects its exit "
                    "status, and holds no socket"
                )
        except psutil.NoSuchProcess:
            return ""
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.01)


def _stop(proc: psutil.Process, user: PortUser, timeout: float) -> PortAction:
    pid = proc.pid
    try:
        proc.send_signal(signal.SIGTERM)
    except psutil.NoSuchProcess:
        return PortAction(pid, user.name, user.user, "gone", "exited before it was signalled")
    except psutil.AccessDenied:
        return PortAction(pid, user.name, user.user, "refused", "the system denied SIGTERM")
    how = _exited(proc, timeout)
    if how is not None:
        return PortAction(pid, user.name, user.user, "terminated", f"exited after SIGTERM{how}")
    try:
        proc.send_signal(signal.SIGKILL)
    except psutil.NoSuchProcess:
        return PortAction(pid, user.name, user.user, "terminated", "exited after SIGTERM")
    how = _exited(proc, _REAP)
    if how is None:
        return PortAction(
            pid, user.name, user.user, "still running", f"survived SIGKILL for {_REAP:g} s"
        )
    return PortAction(
        pid, user.name, user.user, "killed", f"ignored SIGTERM for {timeout:g} s; SIGKILL{how}"
    )


# --- a process that holds a port, for the lesson -------------------------------------------


class PortHolder:
    """A child ``python -m http.server`` on 127.0.0.1: the "process on the port I need".

    A context manager; leaving it stops the child (SIGTERM, then SIGKILL) and reaps it. So
    does the holder's finalizer when it is dropped or the interpreter exits without ``stop()``,
    and on Linux the child dies with this process even when that is killed.

    >>> with hold_port() as holder:
    ...     holder.pid in who_uses(holder.port).pids
    True
    """

    def __init__(self, port: int | None = None, wait: float = 5.0) -> None:
        self._want = None if port is None else check_port(port)
        self.wait = _check_seconds(wait, "wait", PortError)
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self._finalizer: weakref.finalize | None = None

    @property
    def pid(self) -> int:
        """The child's process id."""
        if self.process is None:
            raise SocketLabError("the holder is not running: use `with hold_port() as holder:`")
        return self.process.pid

    def start(self) -> PortHolder:
        """Start the child and wait (bounded) until it listens."""
        if self.running:
            return self
        self.stop()
        port = self._want or _pick_port()
        self.process = spawn_child(
            [sys.executable, "-m", "http.server", "--bind", LOOPBACK, str(port)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._finalizer = weakref.finalize(self, stop_child, self.process, self.wait)
        self.port = port
        if not _wait_until(self._listening, self.wait):
            self.stop()
            raise SocketLabError(f"the child server did not listen on port {port} in time")
        if self.process.poll() is not None:
            self.stop()
            raise PortError(f"{port}: the child server could not listen there (is it in use?)")
        return self

    def _listening(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            return True  # stop waiting: it exited
        listed = list_sockets("tcp", pids=[self.process.pid], system=False)
        return any(s.status == "LISTEN" and s.laddr[1] == self.port for s in listed.sockets)

    def stop(self) -> None:
        """Stop the child if it still runs (SIGTERM, bounded wait, SIGKILL) and reap it."""
        if self._finalizer is not None:
            self._finalizer()

    @property
    def running(self) -> bool:
        """True while the child process runs."""
        return self.process is not None and self.process.poll() is None

    def __enter__(self) -> PortHolder:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"PortHolder(python -m http.server on {LOOPBACK}:{self.port}, {state})"


def hold_port(port: int | None = None, *, wait: float = 5.0) -> PortHolder:
    """A :class:`PortHolder` (not started; use it in a ``with`` block).

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> holder = hold_port()
    >>> holder.running
    False
    """
    return PortHolder(port, wait=wait)


def _pick_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]
