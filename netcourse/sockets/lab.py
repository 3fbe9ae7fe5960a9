"""The loopback lab: an echo server on 127.0.0.1, clients on demand, the kernel's table.

Taught in notebooks/01-sockets-and-4-tuples.ipynb.

>>> with SocketLab() as lab:
...     first, second = lab.open_client(), lab.open_client()
...     first.port != second.port, lab.close_client(first).time_wait_side
(True, 'client')
>>> lab.close_client(first).note  # closed already: the record of that close, not an error
'client #1 was closed already (the client closed first): these are the states of that close'
"""

from __future__ import annotations

import os
import selectors
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from netcourse.errors import SocketLabError, quote
from netcourse.html import Cell, Markup, table
from netcourse.sockets.connections import (
    LOOPBACK,
    WAIT,
    KernelSocket,
    address_text,
    check_seconds,
    list_sockets,
    socket_inode,
    socket_link,
)
from netcourse.sockets.states import TCP_STATES, state_path

__all__ = ["Client", "SocketRow", "SocketTable", "Teardown", "SocketLab"]


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
        pad = "padding:2px 10px;text-align:left"
        rows = [[Cell(c, style=pad) for c in cells] for cells in self._cells()]
        html = table(rows, header=[Cell(h, style=pad) for h in self._HEAD], cls="netcourse-sockets")
        return html + Markup("<p>{} sockets; source: {}</p>").format(len(self.rows), self.source)


@dataclass(frozen=True)
class Teardown:
    """What a close did: which side closed first and the states seen after each step."""

    client: int
    first: str
    after_first_close: dict[str, str] = field(hash=False)
    after_second_close: dict[str, str] = field(hash=False)
    #: Set when the client had been closed already: this is the record of that earlier close.
    note: str = field(default="", compare=False)

    @property
    def time_wait_side(self) -> str | None:
        """The side left in TIME-WAIT ("client" or "server"), if any."""
        for side, state in self.after_second_close.items():
            if state == "TIME-WAIT":
                return side
        return None

    def path(self, side: str) -> tuple[str, ...]:
        """The states this side's socket went through, from its start to CLOSED.

        The client's socket starts CLOSED and connects. The server's is the accepted child
        socket: the kernel made it in SYN-RECV when the SYN came in, it reached ESTAB with
        the client's ACK, and accept() returned it. The listening socket is another socket,
        and stays in LISTEN all along.

        >>> seen = {"client": "FIN-WAIT-2", "server": "CLOSE-WAIT"}
        >>> Teardown(1, "client", seen, {"client": "TIME-WAIT", "server": "CLOSED"}).path("server")
        ('SYN-RECV', 'ESTAB', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED')
        """
        if side not in ("client", "server"):
            raise SocketLabError(f"{quote(side)}: side must be 'client' or 'server'")
        seen = ["ESTAB", self.after_first_close[side], self.after_second_close[side]]
        full = state_path([s for s in seen if s != "CLOSED"])
        if side == "server":  # the accepted child socket: born in SYN-RECV, never in LISTEN
            full = ("SYN-RECV", *full[full.index("ESTAB") :])
        return full

    _SIDES = ("client", "server")

    def _states_text(self, states: dict[str, str]) -> str:
        return ", ".join(f"{side} {states.get(side, 'CLOSED')}" for side in self._SIDES)

    def __repr__(self) -> str:
        """Plain words, no dicts.

        >>> seen = {"client": "FIN-WAIT-2", "server": "CLOSE-WAIT"}
        >>> teardown = Teardown(1, "client", seen, {"client": "TIME-WAIT", "server": "CLOSED"})
        >>> print(repr(teardown).replace("; ", ";\\n"))
        Teardown(client #1, the client closed first;
        after the first close: client FIN-WAIT-2, server CLOSE-WAIT;
        after both: client TIME-WAIT, server CLOSED)
        """
        text = (
            f"Teardown(client #{self.client}, the {self.first} closed first; "
            f"after the first close: {self._states_text(self.after_first_close)}; "
            f"after both: {self._states_text(self.after_second_close)})"
        )
        return f"{text}\nnote: {self.note}" if self.note else text

    def _repr_html_(self) -> str:
        side = self.time_wait_side
        summary = Markup("<p>client #{}: the {} closed first; TIME-WAIT: {}</p>").format(
            self.client, self.first, f"the {side}'s side" if side else "neither side"
        )
        pad = "padding:2px 10px;text-align:left"  # inline: a widget's page has no stylesheet
        rows = [
            [
                Cell(name, header=True, style=pad),
                Cell(self.after_first_close.get(name, "CLOSED"), style=pad),
                Cell(self.after_second_close.get(name, "CLOSED"), style=pad),
            ]
            for name in self._SIDES
        ]
        head = ("socket", "after the first close", "after both closed")
        html = summary + table(
            rows, header=[Cell(h, style=pad) for h in head], cls="netcourse-teardown"
        )
        if self.note:
            html += Markup("<p><i>{}</i></p>").format(self.note)
        return html


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
        self.teardowns: dict[int, Teardown] = {}  # client number -> how it was closed
        self.next = 1
        self.port: int | None = None
        self.closed = False
        self.release_on_exit = False
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
        """Stop the server thread (bounded wait), then close every socket and the selector.

        A finalizer may run in any thread, the server thread too, which may hold the lock
        right then: there, closing is left to the thread itself once it leaves its loop.
        """
        self.stop.set()
        thread = self.thread
        if thread is threading.current_thread():
            self.release_on_exit = True
            return
        if thread is not None:
            thread.join(timeout=self.wait + 1)
        self.release()

    def release(self) -> None:
        """Close every socket and the selector (the server thread has stopped)."""
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
            self.changed.notify_all()  # no one waits for a closed lab

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
        finally:
            if self.release_on_exit:  # close() was called from this very thread
                self.release()

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

    def __init__(self, host: str = LOOPBACK, wait: float = WAIT) -> None:
        if not isinstance(host, str) or host not in (LOOPBACK, "::1"):
            raise SocketLabError(f"{quote(host)}: the lab only runs on loopback (127.0.0.1 or ::1)")
        self.host = host
        self.wait = check_seconds(wait, "wait", SocketLabError)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._core = _LabCore(family, self.wait)
        self._finalizer = weakref.finalize(self, self._core.close)
        self._on_change: list[Callable[[str], None]] = []
        self._callbacks_lock = threading.Lock()

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
        """Close every client, accepted and listening socket and stop the server thread.

        Then tells what :meth:`on_change` registered ("close"), once, and forgets it. Closing
        again does nothing.
        """
        self._finalizer()
        with self._callbacks_lock:
            callbacks, self._on_change = self._on_change, []
        self._tell(callbacks, "close")

    def on_change(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(event)`` after each change the lab makes, until it is closed.

        The events: "open_client" (a client connected and was accepted), "close_client" (one
        connection closed) and, last, "close" (the lab closed: right now, if it is closed
        already). A view of the lab uses it so it never shows sockets that are gone. The lab
        keeps the callback until it closes (a view should pass a function that holds the
        view weakly). A lab closed only by its finalizer (dropped, or at interpreter exit)
        calls none. Every callback runs, even if one before it raised; then the first error
        is raised.

        >>> lab, seen = SocketLab().start(), []
        >>> lab.on_change(seen.append)
        >>> client = lab.open_client()
        >>> lab.close(); lab.close(); seen
        ['open_client', 'close']
        """
        if not callable(callback):
            raise SocketLabError(f"{quote(callback)}: on_change takes a function to call")
        with self._callbacks_lock:
            if not self.closed:
                self._on_change.append(callback)
                return
        callback("close")

    def _changed(self, event: str) -> None:
        with self._callbacks_lock:
            callbacks = list(self._on_change)
        self._tell(callbacks, event)

    @staticmethod
    def _tell(callbacks: list[Callable[[str], None]], event: str) -> None:
        failed: Exception | None = None
        for callback in callbacks:  # every one runs, even if one before it failed
            try:
                callback(event)
            except Exception as exc:
                failed = failed or exc
        if failed is not None:
            raise failed

    def _wait_for(self, predicate, what: str) -> None:
        core = self._core
        with core.changed:
            if not core.changed.wait_for(lambda: core.closed or predicate(), timeout=self.wait):
                raise SocketLabError(f"timed out after {self.wait} s waiting for {what}")
            if core.closed:
                raise SocketLabError(f"the lab was closed while waiting for {what}")

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
            if number is None and clients:
                number = max(clients)
            if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
                raise SocketLabError(f"{quote(number)}: a client is chosen by its number, an int")
            closed = self._core.teardowns.get(number) if number is not None else None
            if closed is not None:
                still = f"open ones: {sorted(clients)}" if clients else "none is open now"
                raise SocketLabError(
                    f"client #{number} is closed already (the {closed.first} closed first); {still}"
                )
            if not clients:
                raise SocketLabError("no client is open: call lab.open_client() first")
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
            if core.closed:  # it was open when this call began: closed while connecting
                sock.close()
                raise SocketLabError("the lab was closed while waiting for the server to accept")
            client = Client(core.next, sock.fileno(), (local[0], local[1], self.host, core.port))
            core.next += 1
            core.clients[client.number] = (client, sock)
            core.history[client.port] = client.number
        self._wait_for(lambda: client.port in core.accepted, "the server to accept")
        self._changed("open_client")
        return client

    def _socket(self, client: Client) -> socket.socket:
        with self._core.lock:
            return self._core.clients[client.number][1]

    def exchange(self, client: int | Client | None = None, data: bytes = b"hello\n") -> bytes:
        """Send ``data`` from a client and return what the echo server sent back."""
        chosen = self.client(client)
        if not isinstance(data, bytes) or not data or len(data) > 65536:
            raise SocketLabError(f"{quote(data)}: send between 1 and 65536 bytes (a bytes value)")
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
        sees CLOSE-WAIT until it closes too. A client that was closed already (from the
        socket table, say) is not an error: its earlier Teardown comes back, with a
        ``note`` saying so.
        """
        if first not in ("client", "server"):
            raise SocketLabError(f"{quote(first)}: first must be 'client' or 'server'")
        earlier = self._earlier_close(client, first)
        if earlier is not None:
            return earlier
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
        done = Teardown(chosen.number, first, middle, end)
        with core.lock:
            core.teardowns[chosen.number] = done
        self._changed("close_client")
        return done

    def _earlier_close(self, client: int | Client | None, first: str) -> Teardown | None:
        """The record of a close already done to this client, with a note; None if open."""
        number = client.number if isinstance(client, Client) else client
        if number is None or isinstance(number, bool) or not isinstance(number, int):
            return None
        with self._core.lock:
            done = self._core.teardowns.get(number)
        if done is None:
            return None
        note = (
            f"client #{number} was closed already (the {done.first} closed first): "
            "these are the states of that close"
        )
        if first != done.first:
            note += f", and first={first!r} changed nothing"
        return replace(done, note=note)

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
            inode = socket_inode(socket_link(fd)) if fd is not None else None
            state = TCP_STATES.get(conn.status, conn.status)
            rows.append(
                SocketRow(
                    role,
                    fd,
                    inode,
                    address_text(local),
                    address_text(remote),
                    state,
                    conn.pid,
                    number,
                )
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
