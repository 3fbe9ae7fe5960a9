"""Who holds a port, stopping it safely, and a child process that holds one for the lesson.

Taught in notebooks/01-sockets-and-4-tuples.ipynb.

>>> lsof_command(8001, "udp"), ss_command(8001, "udp")
('lsof -n -P -i UDP:8001', "ss -uanp 'sport = :8001'")
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import psutil

from netcourse.errors import PortError, SocketLabError, quote
from netcourse.html import Markup, table
from netcourse.sockets.children import REAP, spawn_child, stop_child
from netcourse.sockets.connections import (
    LOOPBACK,
    address_text,
    check_seconds,
    list_sockets,
    wait_until,
)
from netcourse.sockets.ports import check_port
from netcourse.sockets.states import TCP_STATES

__all__ = [
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
        rows = [
            (
                f"pid={u.pid}" if u.pid is not None else "?",
                u.name or "?",
                u.user or "?",
                u.local,
                u.remote,
                u.state,
                u.command,
            )
            for u in self.users
        ]
        head = ("pid", "name", "user", "local", "remote", "state", "command")
        html = Markup("<p>{} port {}: {} sockets</p>").format(self.proto, self.port, len(rows))
        html += table(rows, header=head)
        if self.unseen:
            items = Markup("").join(
                Markup("<li>could not see: {}</li>").format(note) for note in self.unseen
            )
            html += Markup("<ul>{}</ul>").format(items)
        return html


_PROTOS = ("tcp", "udp")


def _check_proto(proto: object) -> str:
    if proto not in _PROTOS:
        raise PortError(f"{quote(proto)}: proto must be one of {_PROTOS}")
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

    >>> from netcourse.sockets.lab import SocketLab
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
                conn.pid,
                name,
                cmdline,
                user,
                address_text(conn.laddr),
                address_text(conn.raddr),
                state,
                proto,
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

    >>> from netcourse.sockets.lab import SocketLab
    >>> with SocketLab() as lab:
    ...     result = free_port(lab.port)
    >>> result.actions[0].action
    'refused'
    """
    check_port(port)
    if not isinstance(confirm, bool):
        raise PortError(f"{quote(confirm)}: confirm must be True or False")
    timeout = check_seconds(timeout, "timeout", PortError)
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
    how = _exited(proc, REAP)
    if how is None:
        return PortAction(
            pid, user.name, user.user, "still running", f"survived SIGKILL for {REAP:g} s"
        )
    return PortAction(
        pid, user.name, user.user, "killed", f"ignored SIGTERM for {timeout:g} s; SIGKILL{how}"
    )


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
        self.wait = check_seconds(wait, "wait", PortError)
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
        if not wait_until(self._listening, self.wait):
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
