"""Record real TCP trouble: two Linux TCP stacks talking across an impaired link.

Needs root, ``ip`` (iproute2), ``ethtool`` and ``dumpcap`` (comes with tshark). Learners never
run this: the resulting small file is committed as ``netcourse/data/captures/impaired.pcapng``
and opened with ``sample("impaired")``. Re-record it with::

    sudo .venv/bin/python -m netcourse.tools.capture_impaired
    sudo .venv/bin/python -m netcourse.tools.capture_impaired --seed 7 --out /tmp/caps

The kernel here has no netem qdisc, so the impairment is done in user space. Three network
namespaces are joined in a line::

    nc-imp-a (client)  veth-a ==== veth-ma  nc-imp-m (bridge)  veth-mb ==== veth-b  nc-imp-b
    198.18.0.1/24                       mon0 ---- mon1 (dumpcap)                198.18.0.2/24

A small bridge in the middle reads every frame from one veth with an AF_PACKET socket and
writes it to the other, with a seeded random generator deciding for each data or ACK segment
whether to drop it, delay it, duplicate it or hold it back so that the next one overtakes it
(SYN, FIN and RST pass untouched). Every frame the bridge delivers is also copied to ``mon0``,
where dumpcap records it on ``mon1``, except a few that the bridge "forgets" to copy: the
receiver got them, the capture did not. Offloads are off on every veth (``ethtool -K DEV tso
off gso off gro off tx off``) so that each frame is one real segment with a real checksum.

The traffic, all from 198.18.0.1:40000:

1. to 198.18.0.2:8000, a bulk upload of text across the impaired link (retransmissions, fast
   and spurious retransmissions, duplicate ACKs, out-of-order and unseen segments); then the
   connection idles with keep-alives on (TCP_KEEPIDLE 1 s), and the client resets it
   (SO_LINGER 0);
2. to port 8001, a smaller upload to a server that reads slowly from a small receive buffer
   (zero windows, window updates, full windows);
3. to port 8000 again, a short request and answer (port numbers reused after a RST), which the
   server closes first;
4. one more on the same ports (reused after a FIN).

Namespaces and processes are always removed, also when something fails; every wait is
bounded. Nothing touches the host's interfaces.

>>> NAMESPACES
('nc-imp-a', 'nc-imp-m', 'nc-imp-b')
>>> Impairment(seed=1).decide(b"\\x00" * 10) is None  # not TCP: passes untouched
True
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import heapq
import os
import random
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from netcourse.protocols import ETHERTYPES, IP_PROTOCOLS, TcpFlags
from netcourse.tools import netns

__all__ = ["NAMESPACES", "FILE_NAME", "Impairment", "record", "main"]

NS_A, NS_M, NS_B = NAMESPACES = ("nc-imp-a", "nc-imp-m", "nc-imp-b")
MAC_A, MAC_B = "02:00:5e:00:00:0a", "02:00:5e:00:00:0b"
IP_A, IP_B = "198.18.0.1", "198.18.0.2"
CLIENT_PORT, SERVER_PORT, SLOW_PORT = 40000, 8000, 8001
#: A small MTU: more segments (and more trouble) for each kilobyte, and a small file.
MTU = 600
#: What the client uploads in the first connection, and to the slow reader.
BULK_BYTES = 48_000
SLOW_BYTES = 12_000
#: The server's receive buffer (the kernel doubles it): small, so that the window closes.
SERVER_RCVBUF = 2048
FILE_NAME = "impaired.pcapng"
DEFAULT_SEED = 1
#: Every step, and the whole recording, ends within this many seconds.
STEP_TIMEOUT = 60

_SELF = "netcourse.tools.capture_impaired"
_ETH_P_ALL = 0x0003
_SIOCOUTQ = 0x5411  # unsent and unacknowledged bytes in a socket's send queue


@dataclass
class Impairment:
    """What the bridge does to each frame, decided by a seeded random generator.

    Probabilities apply to TCP segments without SYN, FIN or RST; every frame is delayed by
    ``delay`` seconds plus up to ``jitter``.
    """

    seed: int = DEFAULT_SEED
    drop: float = 0.04  #: lost on the link: the receiver never gets it
    duplicate: float = 0.05  #: delivered twice, the copy later
    reorder: float = 0.04  #: held back, so that the next frames overtake it
    unseen: float = 0.03  #: delivered, but not copied to the capture
    delay: float = 0.002
    jitter: float = 0.0005
    hold: float = 0.006  #: how long a reordered frame is held back

    def __post_init__(self):
        self._rng = random.Random(self.seed)

    def decide(self, frame: bytes) -> list[tuple[float, bool]] | None:
        """``[(delay, copy_to_capture), ...]`` for each copy to deliver, ``[]`` to drop the
        frame, or None for a frame that passes untouched (not a plain TCP segment)."""
        if len(frame) < 14 + 20 + 20:
            return None
        if int.from_bytes(frame[12:14], "big") != ETHERTYPES["ipv4"]:
            return None
        if frame[14 + 9] != IP_PROTOCOLS["tcp"]:
            return None
        tcp = 14 + (frame[14] & 0x0F) * 4
        if tcp + 14 > len(frame):
            return None
        if frame[tcp + 13] & (TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST):
            return [(self.delay, True)]
        rng = self._rng
        base = self.delay + rng.random() * self.jitter
        if rng.random() < self.drop:
            return []
        if rng.random() < self.reorder:
            base += self.hold
        copies = [(base, rng.random() >= self.unseen)]
        if rng.random() < self.duplicate:
            copies.append((base + 0.004 + rng.random() * 0.01, True))
        return copies


# --- running commands in namespaces ------------------------------------------------------------


_run = netns.run
_stop = netns.stop


def _spawn(ns: str, *args: str, stdout=subprocess.DEVNULL) -> subprocess.Popen:
    """Start one of this module's steps inside a namespace."""
    return subprocess.Popen(
        ["ip", "netns", "exec", ns, sys.executable, "-m", _SELF, *args],
        stdout=stdout,
        stderr=subprocess.DEVNULL,
    )


def _link(a: str, ns_a: str, b: str, ns_b: str, mac_a: str | None = None, mac_b=None) -> None:
    cmd = ["ip", "link", "add", a, "netns", ns_a]
    cmd += ["address", mac_a] if mac_a else []
    cmd += ["type", "veth", "peer", "name", b, "netns", ns_b]
    cmd += ["address", mac_b] if mac_b else []
    _run(*cmd)


@contextlib.contextmanager
def _namespaces():
    """Client, bridge and server namespaces in a line, offloads off; always deleted."""
    try:
        for ns in NAMESPACES:
            _run("ip", "netns", "add", ns)
            _run("ip", "link", "set", "lo", "up", ns=ns)
            for key in ("all", "default"):  # no IPv6: no router or neighbour chatter
                _run("sysctl", "-q", "-w", f"net.ipv6.conf.{key}.disable_ipv6=1", ns=ns)
        _link("veth-a", NS_A, "veth-ma", NS_M, mac_a=MAC_A)
        _link("veth-mb", NS_M, "veth-b", NS_B, mac_b=MAC_B)
        _link("mon0", NS_M, "mon1", NS_M)
        for ns, dev in (
            (NS_A, "veth-a"),
            (NS_M, "veth-ma"),
            (NS_M, "veth-mb"),
            (NS_M, "mon0"),
            (NS_M, "mon1"),
            (NS_B, "veth-b"),
        ):
            _run("ip", "link", "set", dev, "mtu", str(MTU), ns=ns)
            _run("ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off", "tx", "off", ns=ns)
            _run("ip", "link", "set", dev, "up", ns=ns)
        for dev in ("veth-ma", "veth-mb", "mon1"):
            _run("ip", "link", "set", dev, "promisc", "on", ns=NS_M)
        for ns, dev, mine, peer, peer_mac in (
            (NS_A, "veth-a", IP_A, IP_B, MAC_B),
            (NS_B, "veth-b", IP_B, IP_A, MAC_A),
        ):
            _run("ip", "addr", "add", f"{mine}/24", "dev", dev, ns=ns)
            _run(
                "ip",
                "neigh",
                "replace",
                peer,
                "lladdr",
                peer_mac,
                "dev",
                dev,
                "nud",
                "permanent",
                ns=ns,
            )
        time.sleep(0.3)  # let the links come up
        yield
    finally:
        netns.delete(NAMESPACES)


def _dumpcap(out: Path):
    """Capture on mon1 inside the bridge namespace into ``out`` until the block ends."""
    return netns.dumpcap(out, ns=NS_M, interface="mon1", capture_filter="tcp")


def _wait_line(proc: subprocess.Popen, expected: bytes, timeout: float) -> None:
    """Wait (bounded) for a step to print ``expected`` on its standard output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if line.strip() == expected:
                return
            if not line:
                break
        if proc.poll() is not None:
            break
    raise RuntimeError(f"a capture step did not report {expected.decode()!r} in {timeout} s")


def record(out_dir: Path, seed: int = DEFAULT_SEED) -> Path:
    """Record the impaired capture (root only) into ``out_dir`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / FILE_NAME
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)
        raw = Path(tmp) / FILE_NAME
        with _namespaces():
            bridge = server = None
            try:
                bridge = _spawn(
                    NS_M, "--step", "bridge", "--seed", str(seed), stdout=subprocess.PIPE
                )
                _wait_line(bridge, b"bridging", 10)
                server = _spawn(NS_B, "--step", "server", stdout=subprocess.PIPE)
                _wait_line(server, b"listening", 10)
                with _dumpcap(raw):
                    _run(
                        sys.executable,
                        "-m",
                        _SELF,
                        "--step",
                        "client",
                        ns=NS_A,
                        timeout=STEP_TIMEOUT,
                    )
                    server.wait(timeout=STEP_TIMEOUT)
            finally:
                _stop(server)
                _stop(bridge)
        shutil.copyfile(raw, target)
    return target


# --- the steps, each run inside a namespace by `--step NAME` ---------------------------------


def _packet_socket(dev: str) -> socket.socket:
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(_ETH_P_ALL))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind((dev, 0))
    return sock


def _bridge(seed: int, lifetime: float = 2 * STEP_TIMEOUT) -> None:
    """Forward frames between veth-ma and veth-mb with impairments, copying them to mon0."""
    impair = Impairment(seed=seed)
    ends = {"veth-ma": _packet_socket("veth-ma"), "veth-mb": _packet_socket("veth-mb")}
    other = {"veth-ma": ends["veth-mb"], "veth-mb": ends["veth-ma"]}
    mirror = _packet_socket("mon0")
    by_fd = {sock.fileno(): name for name, sock in ends.items()}
    queue: list[tuple[float, int, socket.socket, bytes, bool]] = []
    count = 0
    stop = time.monotonic() + lifetime
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("bridging", flush=True)
    while time.monotonic() < stop:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, frame, copy = heapq.heappop(queue)
            out.send(frame)
            if copy:
                mirror.send(frame)
        wait = min(0.05, max(0.0, queue[0][0] - now)) if queue else 0.05
        ready, _, _ = select.select(list(ends.values()), [], [], wait)
        for sock in ready:
            frame, addr = sock.recvfrom(65535)
            if addr[2] == socket.PACKET_OUTGOING:
                continue  # our own frame, sent out of this interface
            plan = impair.decide(frame)
            if plan is None:
                plan = [(impair.delay, True)]
            for delay, copy in plan:
                count += 1
                heapq.heappush(
                    queue,
                    (time.monotonic() + delay, count, other[by_fd[sock.fileno()]], frame, copy),
                )


def _bulk_text(size: int) -> bytes:
    lines = []
    total = 0
    number = 0
    while total < size:
        number += 1
        line = f"netcourse impaired link, line {number:05d}: the quick brown fox\n".encode()
        lines.append(line)
        total += len(line)
    return b"".join(lines)[:size]


def _listener(port: int, rcvbuf: int | None = None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf is not None:  # before listen(), so that the handshake announces it
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((IP_B, port))
    sock.listen(4)
    sock.settimeout(STEP_TIMEOUT)
    return sock


def _drain(conn: socket.socket, pause: float = 0.0, chunk: int = 65536) -> int:
    """Read until the peer closes or resets, pausing between reads; return the byte count."""
    received = 0
    with contextlib.suppress(OSError):
        while True:
            data = conn.recv(chunk)
            if not data:
                break
            received += len(data)
            if pause:
                time.sleep(pause)
    return received


def _server() -> None:
    """Accept the four connections in turn: read the first fast, the second slowly from a
    small buffer, answer the last two."""
    with _listener(SERVER_PORT) as fast, _listener(SLOW_PORT, SERVER_RCVBUF) as slow:
        print("listening", flush=True)
        conn, _ = fast.accept()
        with conn:
            conn.settimeout(STEP_TIMEOUT / 2)
            _drain(conn)
        conn, _ = slow.accept()
        with conn:
            conn.settimeout(STEP_TIMEOUT / 2)
            time.sleep(0.8)  # let the small buffer fill: the window closes
            _drain(conn, pause=0.02, chunk=400)  # a slow reader
        for number, server_closes in ((3, True), (4, False)):
            conn, _ = fast.accept()
            with conn:
                conn.settimeout(10)
                request = conn.recv(1024)
                conn.sendall(b"answer " + str(number).encode() + b" to " + request)
                if not server_closes:
                    _drain(conn)


def _connect_from_client_port(port: int, keepalive: bool = False) -> socket.socket:
    """A TCP connection from 198.18.0.1:40000, retried while the port is still in use."""
    deadline = time.monotonic() + 15
    while True:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if keepalive:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 5)
        sock.settimeout(10)
        try:
            sock.bind((IP_A, CLIENT_PORT))
            sock.connect((IP_B, port))
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _unacked(sock: socket.socket) -> int:

    return struct.unpack("i", fcntl.ioctl(sock.fileno(), _SIOCOUTQ, b"\0" * 4))[0]


def _upload(sock: socket.socket, size: int) -> None:
    """Send ``size`` bytes of text and wait (bounded) until the server acknowledged them."""
    sock.settimeout(STEP_TIMEOUT / 2)
    sock.sendall(_bulk_text(size))
    deadline = time.monotonic() + STEP_TIMEOUT / 2
    while _unacked(sock) and time.monotonic() < deadline:
        time.sleep(0.05)


def _client() -> None:
    """Upload and idle with keep-alives, then reset; upload to the slow reader; then two short
    exchanges on the first connection's ports."""
    sock = _connect_from_client_port(SERVER_PORT, keepalive=True)
    _upload(sock, BULK_BYTES)
    time.sleep(3.5)  # idle: keep-alive probes every second
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # SO_LINGER 0: the connection ends with a RST
    time.sleep(0.3)
    with _connect_from_client_port(SLOW_PORT) as sock:
        _upload(sock, SLOW_BYTES)
    time.sleep(0.5)
    for number in (3, 4):
        with _connect_from_client_port(SERVER_PORT) as sock:
            sock.sendall(f"request {number}\n".encode())
            answer = b""
            with contextlib.suppress(OSError):
                while not answer.endswith(b"\n"):
                    data = sock.recv(1024)
                    if not data:
                        break
                    answer += data
            if number == 3:  # the server closes first: wait for its FIN
                _drain(sock)
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    """Record the impaired capture (into netcourse/data/captures unless ``--out``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step == "bridge":
        _bridge(args.seed)
        return 0
    if args.step == "server":
        _server()
        return 0
    if args.step == "client":
        _client()
        return 0
    if args.step:
        raise SystemExit(f"unknown step {args.step!r}")
    if os.geteuid() != 0:
        print("capture_impaired needs root (network namespaces and dumpcap)", file=sys.stderr)
        return 2
    missing = [tool for tool in ("ip", "ethtool", "dumpcap") if shutil.which(tool) is None]
    if missing:
        print(f"capture_impaired needs {', '.join(missing)}", file=sys.stderr)
        return 2
    out = args.out or Path(__file__).resolve().parent.parent / "data" / "captures"
    start = time.monotonic()
    path = record(out, seed=args.seed)
    took = time.monotonic() - start
    print(f"impaired: {path} ({path.stat().st_size} bytes, recorded in {took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
