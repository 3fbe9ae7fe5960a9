"""Child processes that die with the process that started them.

The lesson starts helper processes (the port holder's ``http.server``, the capture tool's
``dumpcap``); none may outlive a notebook kernel that is killed, restarted or exits without
cleaning up. Taught in notebooks/01-sockets-and-4-tuples.ipynb.

>>> child = spawn_child([sys.executable, "-c", "import time; time.sleep(30)"])
>>> stop_child(child, wait=5)
>>> child.returncode
-15
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from netcourse.errors import SocketLabError

__all__ = ["REAP", "spawn_child", "stop_child"]

#: Seconds to wait for a process to exit after SIGKILL, which it cannot ignore.
REAP = 10.0
#: prctl option from <linux/prctl.h>: the signal a child gets when its parent dies.
_PR_SET_PDEATHSIG = 1
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
        process.wait(timeout=REAP)  # SIGKILL cannot be ignored: this reaps the child
    except subprocess.TimeoutExpired:
        raise SocketLabError(
            f"pid {process.pid} did not exit {REAP:g} s after SIGKILL (stuck in the kernel?)"
        ) from None
