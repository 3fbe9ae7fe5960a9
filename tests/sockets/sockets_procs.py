"""Helpers the sockets tests share: run Python in a child, watch processes and listeners."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import psutil

PY = sys.executable
#: Children import this worktree's netcourse, as the tests do.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}

#: A server child: prints its listening port, sleeps; "ignore-term" makes it ignore SIGTERM.
SERVER = textwrap.dedent(
    """
    import signal, socket, sys, time
    if sys.argv[1] == "ignore-term":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    print(s.getsockname()[1], flush=True)
    time.sleep(60)
    """
)


def run(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter to the end (bounded) and return what it printed."""
    return subprocess.run(
        [PY, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
        check=False,
    )


def start(procs: list, code: str, *args: str) -> subprocess.Popen:
    """Start ``code`` in a fresh interpreter with pipes; the ``procs`` fixture cleans up."""
    proc = subprocess.Popen(
        [PY, "-c", textwrap.dedent(code), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    procs.append(proc)
    return proc


def gone(pid: int, within: float = 5.0) -> bool:
    """True once ``pid`` no longer runs (exited and reaped, or a zombie), within a bound."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.02)
    return False


def listening(port: int) -> list:
    """The kernel's LISTEN sockets on ``port`` (every process's)."""
    return [
        c
        for c in psutil.net_connections(kind="tcp")
        if c.laddr and c.laddr[1] == port and c.status == "LISTEN"
    ]


def fds() -> set[str]:
    """This process's open file descriptors (empty off Linux)."""
    return set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else set()
