"""Fixtures of the sockets lesson's tests: real child processes, always stopped and reaped.

The shared helpers (sockets_procs) are found by name.
"""

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sockets_procs import SERVER  # noqa: E402


@pytest.fixture
def child():
    """Start a small python server on 127.0.0.1; always stopped and reaped afterwards."""
    procs = []

    def start(mode="plain"):
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVER, mode], stdout=subprocess.PIPE, text=True
        )
        procs.append(proc)
        port = int(proc.stdout.readline())
        return SimpleNamespace(proc=proc, pid=proc.pid, port=port)

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()


@pytest.fixture
def procs():
    """Processes a test starts (see sockets_procs.start): killed and reaped afterwards."""
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
