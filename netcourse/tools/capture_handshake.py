"""Record one real loopback TCP connection (handshake, data, teardown) into a pcap file.

Needs root (capturing on ``lo``). Learners never run it: its output is shipped as
``netcourse/data/captures/handshake.pcap`` and read by :func:`netcourse.sockets.handshake`,
taught in notebooks/01-sockets-and-4-tuples.ipynb. Run it to re-record::

    sudo .venv/bin/python -m netcourse.tools.capture_handshake [--out PATH]

It starts an echo server on 127.0.0.1 (ephemeral port), captures only that port with
``dumpcap`` (Wireshark's capture engine; ``tshark`` works too) or, without either, scapy's
sniffer, then connects, sends one line, reads the echo, and the client closes first.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from netcourse import data
from netcourse.sockets.children import spawn_child
from netcourse.sockets.handshake import handshake

__all__ = ["record", "main"]

MESSAGE = b"hello, netcourse\n"
_WAIT = 5.0


def _conversation(server: socket.socket) -> None:
    """Client connects, sends MESSAGE, reads the echo, closes first; the server then closes."""
    port = server.getsockname()[1]
    done = threading.Event()

    def serve() -> None:
        server.settimeout(_WAIT)
        try:
            conn, _ = server.accept()
        except OSError:  # the client never came: record() reports the short capture
            done.set()
            return
        with conn:
            conn.settimeout(_WAIT)
            data = conn.recv(1024)
            conn.sendall(data)
            conn.recv(1024)  # b"": the client's FIN
        done.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with socket.create_connection(("127.0.0.1", port), timeout=_WAIT) as client:
        client.sendall(MESSAGE)
        echoed = b""
        while len(echoed) < len(MESSAGE):
            chunk = client.recv(1024)
            if not chunk:
                break
            echoed += chunk
    done.wait(_WAIT)
    thread.join(_WAIT)


def _with_dumpcap(tool: str, server: socket.socket, out: Path) -> None:
    port = server.getsockname()[1]
    folder = Path(tempfile.mkdtemp())
    raw, log = folder / "raw.pcap", folder / "stderr.txt"
    pcap_format = ["-P"] if Path(tool).name == "dumpcap" else ["-F", "pcap"]
    try:
        with open(log, "wb") as errors:
            # dies with this process too (killed or not), so no capture is left running
            proc = spawn_child(
                [tool, "-q", "-i", "lo", "-f", f"tcp port {port}", *pcap_format, "-w", str(raw)],
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        try:
            deadline = time.monotonic() + _WAIT
            while not (raw.exists() and raw.stat().st_size >= 24) and time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise SystemExit(f"{tool} stopped: {log.read_text(errors='replace').strip()}")
                time.sleep(0.05)
            time.sleep(0.5)  # the capture filter is compiled and attached just after the header
            _conversation(server)
            time.sleep(0.5)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=_WAIT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=_WAIT)
        shutil.copyfile(raw, out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _with_scapy(server: socket.socket, out: Path) -> None:
    logging.getLogger("scapy").setLevel(logging.ERROR)
    # heavy: scapy loads only when neither dumpcap nor tshark is installed
    from scapy.sendrecv import AsyncSniffer
    from scapy.utils import wrpcap

    port = server.getsockname()[1]
    sniffer = AsyncSniffer(iface="lo", filter=f"tcp port {port}")
    sniffer.start()
    time.sleep(0.5)
    try:
        _conversation(server)
        time.sleep(0.5)
    finally:
        packets = sniffer.stop()
    wrpcap(str(out), packets)


def record(out: Path) -> str:
    """Record the conversation into ``out``; return the capture method used."""
    if os.geteuid() != 0:
        raise SystemExit("capturing on lo needs root: run with sudo")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        for tool in ("dumpcap", "tshark"):
            path = shutil.which(tool)
            if path:
                _with_dumpcap(path, server, out)
                return tool
        _with_scapy(server, out)
        return "scapy"


def main(argv: list[str] | None = None) -> int:
    """Record the shipped handshake capture (or one at ``--out``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = data.path("captures") / "handshake.pcap"
    method = record(args.out)
    steps = handshake(args.out)
    print(f"{args.out}: {len(steps)} TCP segments recorded with {method}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
