"""The kernel's socket list, read once for the whole lesson, and waiting for it to change.

:func:`list_sockets` is the one place that asks psutil for sockets: system-wide where this
user may, otherwise process by process, saying how far it reached. The lab's table,
``who_uses``, the UDP demo, ``bind_in_use`` and the port holder all read it.
Taught in notebooks/01-sockets-and-4-tuples.ipynb.

>>> import socket
>>> with socket.socket() as s:
...     s.bind((LOOPBACK, 0))
...     s.listen()
...     port = s.getsockname()[1]
...     [k.status for k in list_sockets("tcp", pids=[os.getpid()]).sockets if k.laddr[1] == port]
['LISTEN']
"""

from __future__ import annotations

import math
import os
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import psutil

from netcourse.errors import NetcourseError, SocketLabError, quote

__all__ = [
    "LOOPBACK",
    "WAIT",
    "KernelSocket",
    "SocketList",
    "list_sockets",
    "socket_link",
    "Duplicate",
    "dup_socket",
    "socket_inode",
    "udp_status",
    "address_text",
    "check_seconds",
    "wait_until",
]

#: The loopback address the lab uses: traffic never leaves this machine.
LOOPBACK = "127.0.0.1"
#: Seconds any lab operation may wait for the kernel or the server thread.
WAIT = 2.0


def check_seconds(value: object, what: str, error: type[NetcourseError]) -> float:
    """``value`` as a number of seconds in (0, 60], else ``error`` naming it.

    >>> check_seconds(2, "wait", NetcourseError)
    2.0
    >>> check_seconds(-1, "wait", NetcourseError)
    Traceback (most recent call last):
    ...
    netcourse.errors.NetcourseError: -1: wait must be a number of seconds in (0, 60]
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or math.isnan(value)
        or not 0 < value <= 60
    ):
        raise error(f"{quote(value)}: {what} must be a number of seconds in (0, 60]")
    return float(value)


def wait_until(predicate: Callable[[], bool], timeout: float = WAIT) -> bool:
    """Poll ``predicate`` every 10 ms until it is true (True) or ``timeout`` passes (False).

    >>> wait_until(lambda: True)
    True
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def socket_link(fd: int, pid: int | None = None) -> str | None:
    """What ``/proc/<pid>/fd/<fd>`` points to, e.g. ``socket:[123456]`` (None off Linux).

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> import socket
    >>> s = socket.socket(); socket_link(s.fileno()).startswith("socket:[")
    True
    >>> s.close()
    """
    try:
        return os.readlink(f"/proc/{pid or os.getpid()}/fd/{fd}")
    except OSError:
        return None


@dataclass(frozen=True)
class Duplicate:
    """A file descriptor and its copy from ``dup()``: two numbers, one socket (one inode)."""

    fd: int
    copy: int
    link: str | None
    copy_link: str | None

    @property
    def same_socket(self) -> bool:
        """True when both descriptors name the same socket: their inodes are equal."""
        return self.link is not None and self.link == self.copy_link

    def __repr__(self) -> str:
        return (
            f"Duplicate(fd={self.fd} -> {self.link}, its dup() fd={self.copy} -> "
            f"{self.copy_link}: {'one socket' if self.same_socket else 'different sockets'})"
        )


def dup_socket(fd: int) -> Duplicate:
    """Duplicate ``fd`` with ``os.dup()``, read both /proc links, close the copy again.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb: descriptors are numbers a process uses
    to name kernel objects, and dup(2) (or fork(2)) gives one socket several of them. Whether
    two descriptors are one socket is decided by the inode, not by the numbers.

    >>> import socket
    >>> with socket.socket() as s:
    ...     dup_socket(s.fileno()).same_socket
    True
    """
    if isinstance(fd, bool) or not isinstance(fd, int) or fd < 0:
        raise SocketLabError(f"{quote(fd)}: a file descriptor is a whole number, 0 or more")
    try:
        copy = os.dup(fd)
    except OSError as exc:
        raise SocketLabError(f"fd {fd}: cannot be duplicated ({exc.strerror})") from None
    try:
        return Duplicate(fd, copy, socket_link(fd), socket_link(copy))
    finally:
        os.close(copy)


def address_text(value: tuple) -> str:
    """An (ip, port) as ``ip:port`` the way ss prints it, ``*:*`` for none.

    >>> address_text(("127.0.0.1", 8001)), address_text(())
    ('127.0.0.1:8001', '*:*')
    """
    if not value:
        return "*:*"
    return f"{value[0]}:{value[1]}"


def socket_inode(link: str | None) -> int | None:
    """The inode number in a ``socket:[N]`` fd link, None for anything else.

    >>> socket_inode("socket:[123456]"), socket_inode("pipe:[7]")
    (123456, None)
    """
    if link and link.startswith("socket:["):
        return int(link[8:-1])
    return None


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
    raddr = tuple(conn.raddr or ())
    return KernelSocket(
        pid=getattr(conn, "pid", pid),
        fd=None if fd in (None, -1) else fd,
        laddr=tuple(conn.laddr or ()),
        raddr=raddr,
        status=udp_status(raddr)
        if getattr(conn, "type", None) == socket.SOCK_DGRAM
        else conn.status,
    )


def udp_status(raddr: tuple) -> str:
    """A UDP socket's kernel state: ESTABLISHED once ``connect()`` stored a peer, else NONE.

    psutil reports every UDP socket as NONE; the kernel does not. ``connect()`` on a UDP
    socket stores the peer and sets the socket's state to TCP_ESTABLISHED (``ss`` prints
    ESTAB, ``/proc/net/udp`` state 01), and from then on the socket accepts datagrams only
    from that peer; disconnecting clears the peer and the state goes back to TCP_CLOSE
    (``ss``: UNCONN, state 07). See connect(2) and udp(7).

    >>> udp_status(("127.0.0.1", 53)), udp_status(())
    ('ESTABLISHED', 'NONE')
    """
    return "ESTABLISHED" if raddr else psutil.CONN_NONE


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
