"""Tests for netcourse.sockets.children: children die with their parent and are reaped."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from sockets_procs import gone, run

from netcourse.sockets import children

_PARENT = """
    import os, signal, sys, threading
    from netcourse.sockets.children import spawn_child
    box = []
    start = lambda: box.append(spawn_child([sys.executable, "-c", "import time; time.sleep(60)"]))
    if sys.argv[1] == "thread":
        worker = threading.Thread(target=start)
        worker.start()
        worker.join()
    else:
        start()
    print(box[0].pid, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("where", ["main", "thread"])
def test_a_child_dies_with_its_killed_parent(where):
    out = run(_PARENT, where)
    pid = int(out.stdout)
    assert gone(pid, within=5), f"child {pid} outlived its parent (started from the {where})"


def test_a_child_started_from_a_thread_outlives_that_thread():
    box = []
    worker = threading.Thread(
        target=lambda: box.append(
            children.spawn_child([sys.executable, "-c", "import time; time.sleep(60)"])
        )
    )
    worker.start()
    worker.join()
    time.sleep(0.3)
    try:
        assert box[0].poll() is None
    finally:
        children.stop_child(box[0], wait=2)
    assert box[0].returncode == -15


def test_stop_child_kills_what_ignores_sigterm_and_reaps_it():
    child = children.spawn_child(
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print(flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    child.stdout.readline()  # the handler is set
    started = time.monotonic()
    children.stop_child(child, wait=0.3)
    child.stdout.close()
    assert child.returncode == -9 and time.monotonic() - started < 5
    children.stop_child(child, wait=0.3)  # a second stop is harmless
