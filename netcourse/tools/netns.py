"""What the recorders share: commands inside network namespaces, stopping what they started,
and dumpcap running for the length of a ``with`` block.

Used by :mod:`netcourse.tools.capture_samples` and :mod:`netcourse.tools.capture_impaired`
(root only; learners never run them). Every call is bounded by a timeout.

>>> run("true").returncode
0
>>> import sys; proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
>>> stop(proc); proc.returncode is not None
True
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["run", "stop", "delete", "dumpcap"]


def run(*cmd: str, ns: str | None = None, timeout: float = 20) -> subprocess.CompletedProcess:
    """Run ``cmd`` (inside namespace ``ns`` when given), raising on failure, output captured."""
    prefix = ["ip", "netns", "exec", ns] if ns else []
    return subprocess.run(
        [*prefix, *cmd], check=True, timeout=timeout, capture_output=True, text=True
    )


def stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    """Stop a process this recorder started: ``sig`` first, then kill after 10 s; reaped."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def delete(namespaces: Sequence[str]) -> None:
    """Delete namespaces (those already gone are fine); used in ``finally`` blocks."""
    for ns in namespaces:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=20)


@contextlib.contextmanager
def dumpcap(
    out: Path, *, ns: str, interface: str, capture_filter: str, pcapng: bool = True
) -> Iterator[None]:
    """Capture on ``interface`` inside ``ns`` into ``out`` while the block runs.

    Waits (at most 10 s) until dumpcap says it is capturing, so nothing of the block is lost;
    stops it with SIGINT so it closes the file properly. Raises RuntimeError with dumpcap's own
    message when it wrote nothing.
    """
    cmd = ["ip", "netns", "exec", ns, "dumpcap", "-q", "-n" if pcapng else "-P"]
    cmd += ["-i", interface, "-f", capture_filter, "-w", str(out)]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # dumpcap announces itself once it captures
            log.seek(0)
            if b"Capturing on" in log.read() or proc.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(0.3)
        yield
        time.sleep(0.5)
    finally:
        stop(proc, signal.SIGINT)
        log.seek(0)
        message = log.read().decode(errors="replace")
        log.close()
        if not out.exists():
            raise RuntimeError(f"dumpcap wrote nothing: {message}")
