"""How long TIME-WAIT lasts, as the kernel counts it, beside what RFC 9293 says.

Taught in notebooks/01-sockets-and-4-tuples.ipynb. The kernel lists each TIME-WAIT socket in
``/proc/net/tcp`` (and ``tcp6``) with its timer: the ``tr`` column is 3 (the TIME-WAIT timer)
and ``tm->when`` the ticks left (``ss -o`` prints the same as ``timer:(timewait,59sec,0)``).

>>> tw = time_wait(1)
>>> tw.linux_seconds, tw.rfc_seconds
(60, 240)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from netcourse.sockets.ports import check_port
from netcourse.sockets.states import (
    LINUX_TIME_WAIT_SECONDS,
    RFC_TIME_WAIT_SECONDS,
    TIME_WAIT_PURPOSES,
)

__all__ = ["TimeWait", "time_wait", "time_wait_timers"]

_TCP_FILES = ("/proc/net/tcp", "/proc/net/tcp6")
_FIN_TIMEOUT_FILE = "/proc/sys/net/ipv4/tcp_fin_timeout"
_TIME_WAIT = "06"  # the kernel's TCP_TIME_WAIT, as /proc/net/tcp writes the st column
_TIMER_TIME_WAIT = "03"  # the tr column of a socket whose TIME-WAIT timer runs


def time_wait_timers(port: int, files: tuple[str, ...] = _TCP_FILES) -> tuple[float, ...] | None:
    """Seconds left on each TIME-WAIT socket with ``port`` at either end (None off Linux).

    >>> time_wait_timers(1, files=("/nonexistent",)) is None
    True
    """
    port = check_port(port)
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    left: list[float] = []
    read = False
    for path in files:
        try:
            with open(path, encoding="ascii") as handle:
                lines = handle.read().splitlines()[1:]
        except OSError:
            continue
        read = True
        for line in lines:
            fields = line.split()
            if len(fields) < 6 or fields[3] != _TIME_WAIT:
                continue
            ports = {int(fields[1].rsplit(":", 1)[1], 16), int(fields[2].rsplit(":", 1)[1], 16)}
            timer, _, when = fields[5].partition(":")
            if port in ports and timer == _TIMER_TIME_WAIT:
                left.append(int(when, 16) / ticks)
    return tuple(sorted(left)) if read else None


def _fin_timeout() -> int | None:
    try:
        with open(_FIN_TIMEOUT_FILE, encoding="ascii") as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class TimeWait:
    """The TIME-WAIT sockets of a port and their timers, beside RFC 9293 and Linux's rules.

    ``left`` holds the seconds each one still waits (empty where the kernel's list cannot be
    read: ``source`` says so). ``fin_timeout`` is net.ipv4.tcp_fin_timeout, which sets how
    long an orphaned socket waits in FIN-WAIT-2, not TIME-WAIT.
    """

    port: int
    left: tuple[float, ...]
    fin_timeout: int | None
    source: str
    linux_seconds: int = LINUX_TIME_WAIT_SECONDS
    rfc_seconds: int = RFC_TIME_WAIT_SECONDS
    purposes: tuple[str, ...] = TIME_WAIT_PURPOSES

    @property
    def within_linux_limit(self) -> bool:
        """True when every timer has at most Linux's fixed 60 s left."""
        return all(0 <= seconds <= self.linux_seconds for seconds in self.left)

    def __repr__(self) -> str:
        fin = "unknown" if self.fin_timeout is None else f"{self.fin_timeout} s"
        return (
            f"TimeWait({len(self.left)} socket(s) in TIME-WAIT on the port, each with at most "
            f"{self.linux_seconds} s left: {self.within_linux_limit} (from {self.source}); "
            f"RFC 9293 asks 2 x MSL = {self.rfc_seconds} s, Linux waits a fixed "
            f"{self.linux_seconds} s; tcp_fin_timeout = {fin} times FIN-WAIT-2, not TIME-WAIT)"
        )


def time_wait(port: int) -> TimeWait:
    """The TIME-WAIT sockets on ``port`` (either end) with the seconds the kernel has left.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> time_wait(1).within_linux_limit
    True
    """
    timers = time_wait_timers(port)
    if timers is None:
        source = "nowhere: /proc/net/tcp could not be read (not Linux?)"
    else:
        source = "/proc/net/tcp"
    return TimeWait(check_port(port), timers or (), _fin_timeout(), source)
