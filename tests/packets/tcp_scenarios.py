"""TCP conversations built with scapy for the Follow and Expert Info tests, and what tshark
4.0 makes of them: ``tcp.stream``, ``-z follow,tcp,raw,N`` and the ``tcp.analysis`` flags.

Each scenario returns frames and their times; sequence numbers are absolute and chosen by hand
so that the expected trouble (a hole, a retransmission, a zero window) is what tshark reports.
"""

from __future__ import annotations

import logging
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.inet import IP, TCP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import Dot1Q, Ether  # noqa: E402

from netcourse.data import path as data_path  # noqa: E402
from netcourse.packets.synthetic import write_capture  # noqa: E402

needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")

#: Every capture file the course ships, named or not in SAMPLES.
SHIPPED = sorted(p for p in data_path("captures").iterdir() if p.suffix in (".pcap", ".pcapng"))
#: The real capture across an impaired link (netcourse/tools/capture_impaired.py).
IMPAIRED = data_path("captures", "impaired.pcapng")

#: The tcp.analysis fields compared with tshark (every one expert() reports).
FLAGS = (
    "retransmission", "fast_retransmission", "spurious_retransmission", "duplicate_ack",
    "zero_window", "zero_window_probe", "zero_window_probe_ack", "window_full", "window_update",
    "keep_alive", "keep_alive_ack", "out_of_order", "lost_segment", "ack_lost_segment",
    "reused_ports",
)  # fmt: skip

C_ISN, S_ISN = 1_000_000, 3_000_000_000
T0 = 1_700_000_000.0


def segment(
    fwd: bool,
    flags: str,
    seq: int,
    ack: int,
    data: bytes = b"",
    *,
    window: int = 502,
    options=(),
    ports: tuple[int, int] = (50000, 443),
    v6: bool = False,
    vlan: int | None = None,
) -> bytes:
    """One Ethernet frame from the client (``fwd``) or the server."""
    if v6:
        ends = ("fd00::10", "fd00::20")
        net = IPv6
    else:
        ends = ("192.0.2.10", "198.51.100.20")
        net = IP
    src, dst = ends if fwd else ends[::-1]
    sport, dport = ports if fwd else ports[::-1]
    eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    if vlan is not None:
        eth = eth / Dot1Q(vlan=vlan)
    tcp = TCP(sport=sport, dport=dport, flags=flags, seq=seq % 2**32, ack=ack % 2**32,
              window=window, options=list(options))  # fmt: skip
    return bytes(eth / net(src=src, dst=dst) / tcp / data)


class Script:
    """Frames with times, each ``gap`` seconds after the previous one."""

    def __init__(self, **common):
        self.frames: list[bytes] = []
        self.times: list[float] = []
        self.clock = T0
        self.common = common

    def add(self, fwd, flags, seq, ack, data=b"", gap=0.001, **extra) -> Script:
        self.clock += gap
        self.frames.append(segment(fwd, flags, seq, ack, data, **{**self.common, **extra}))
        self.times.append(self.clock)
        return self

    def handshake(self, c=C_ISN, s=S_ISN, wscale=(7, 7)) -> Script:
        self.add(True, "S", c, 0, options=[("MSS", 1460), ("WScale", wscale[0])])
        self.add(False, "SA", s, c + 1, options=[("MSS", 1460), ("WScale", wscale[1])])
        return self.add(True, "A", c + 1, s + 1, gap=0.0005)

    def write(self, path: Path) -> Path:
        return write_capture(path, self.frames, self.times)


def _lines(n: int) -> list[bytes]:
    return [f"line {i:03d} of a followed stream\n".encode() for i in range(n)]


def basic(**common) -> Script:
    """Handshake, a request and a response in two segments, both sides close."""
    c, s = C_ISN + 1, S_ISN + 1
    sc = Script(**common).handshake()
    sc.add(True, "PA", c, s, b"GET /x HTTP/1.1\r\n\r\n")
    sc.add(False, "A", s, c + 19)
    sc.add(False, "PA", s, c + 19, b"HTTP/1.1 200 OK\r\n")
    sc.add(False, "PA", s + 17, c + 19, b"\r\nhello <world> & \x00\xff\n")
    sc.add(True, "A", c + 19, s + 17 + 21)
    sc.add(True, "FA", c + 19, s + 38)
    sc.add(False, "FA", s + 38, c + 20)
    return sc.add(True, "A", c + 20, s + 39)


def retransmission() -> Script:
    """A client segment sent again after a timeout, then acknowledged."""
    c, s = C_ISN + 1, S_ISN + 1
    sc = Script().handshake()
    sc.add(True, "PA", c, s, b"first try\n")
    sc.add(True, "PA", c, s, b"first try\n", gap=0.3)
    return sc.add(False, "A", s, c + 10)


def out_of_order() -> Script:
    """Three client segments, the second overtaken by the third (1 ms apart)."""
    c, s = C_ISN + 1, S_ISN + 1
    a, b, d = _lines(3)
    sc = Script().handshake()
    sc.add(True, "PA", c, s, a)
    sc.add(True, "PA", c + 2 * len(a), s, d)
    sc.add(True, "PA", c + len(a), s, b)
    return sc.add(False, "A", s, c + 3 * len(a))


def overlap() -> Script:
    """Segments that overlap: the second repeats the end of the first and adds more."""
    c, s = C_ISN + 1, S_ISN + 1
    text = b"0123456789abcdefghijklmnopqrstuvwxyz"
    sc = Script().handshake()
    sc.add(True, "PA", c, s, text[:20])
    sc.add(True, "PA", c + 10, s, text[10:30], gap=0.01)
    sc.add(True, "PA", c + 25, s, text[25:], gap=0.01)
    return sc.add(False, "A", s, c + len(text))


def missing() -> Script:
    """A client segment the receiver got but the capture missed: the ACK covers it."""
    c, s = C_ISN + 1, S_ISN + 1
    a, b, d = _lines(3)
    sc = Script().handshake()
    sc.add(True, "PA", c, s, a)
    sc.add(True, "PA", c + 2 * len(a), s, d)  # the one before it never reached the capture
    sc.add(False, "A", s, c + 3 * len(a))
    return sc.add(False, "PA", s, c + 3 * len(a), b"got it all\n")


def fast_retransmission() -> Script:
    """A lost segment, three duplicate ACKs, and the fast retransmission 2 ms later."""
    c, s = C_ISN + 1, S_ISN + 1
    parts = _lines(5)
    n = len(parts[0])
    sc = Script().handshake()
    sc.add(True, "PA", c, s, parts[0])
    for k in (2, 3, 4):  # part 1 is lost on the way
        sc.add(True, "PA", c + k * n, s, parts[k])
    sc.add(False, "A", s, c + n, gap=0.01)
    for _ in range(3):
        sc.add(False, "A", s, c + n, gap=0.0005)
    sc.add(True, "PA", c + n, s, parts[1], gap=0.002)
    return sc.add(False, "A", s, c + 5 * n)


def spurious_retransmission() -> Script:
    """A segment sent again after the receiver had acknowledged it."""
    c, s = C_ISN + 1, S_ISN + 1
    sc = Script().handshake()
    sc.add(True, "PA", c, s, b"only once\n")
    sc.add(False, "A", s, c + 10)
    return sc.add(True, "PA", c, s, b"only once\n", gap=0.3)


def zero_window() -> Script:
    """The server's window fills (window full, zero window), a 1-byte zero window probe and its
    ACK, then a window update."""
    c, s = C_ISN + 1, S_ISN + 1
    sc = Script().handshake(wscale=(0, 0))
    sc.add(False, "A", s, c, window=20)
    sc.add(True, "PA", c, s, b"x" * 20)
    sc.add(False, "A", s, c + 20, window=0)
    sc.add(True, "A", c + 20, s, b"y", gap=0.2)
    sc.add(False, "A", s, c + 20, window=0)
    sc.add(False, "A", s, c + 20, window=600, gap=0.2)
    return sc.add(True, "PA", c + 20, s, b"y" * 10)


def keep_alive() -> Script:
    """An idle connection: a keep-alive one byte behind, and its ACK."""
    c, s = C_ISN + 1, S_ISN + 1
    sc = Script().handshake()
    sc.add(True, "PA", c, s, b"hello\n")
    sc.add(False, "A", s, c + 6)
    sc.add(True, "A", c + 5, s, gap=1.0)
    return sc.add(False, "A", s, c + 6)


def window_update() -> Script:
    """A pure ACK that only opens the window."""
    c, s = C_ISN + 1, S_ISN + 1
    sc = Script().handshake()
    sc.add(True, "PA", c, s, b"data\n")
    sc.add(False, "A", s, c + 5, window=100)
    return sc.add(False, "A", s, c + 5, window=900)


def port_reuse(close: str) -> Script:
    """A connection that ends with FIN (or RST), then a new one on the same ports."""
    c, s = C_ISN + 1, S_ISN + 1
    sc = Script().handshake()
    sc.add(True, "PA", c, s, b"one\n")
    sc.add(False, "PA", s, c + 4, b"ONE\n")
    if close == "fin":
        sc.add(True, "FA", c + 4, s + 4)
        sc.add(False, "FA", s + 4, c + 5)
        sc.add(True, "A", c + 5, s + 5)
    else:
        sc.add(True, "RA", c + 4, s + 4)
    c2, s2 = C_ISN + 777_777, S_ISN + 55_555
    sc.handshake(c2, s2)
    sc.add(True, "PA", c2 + 1, s2 + 1, b"two\n")
    return sc.add(False, "PA", s2 + 1, c2 + 5, b"TWO\n")


def syn_retransmission() -> Script:
    """A SYN sent twice with the same initial sequence number: one stream."""
    sc = Script()
    sc.add(True, "S", C_ISN, 0)
    sc.add(True, "S", C_ISN, 0, gap=1.0)
    sc.add(False, "SA", S_ISN, C_ISN + 1)
    sc.add(True, "A", C_ISN + 1, S_ISN + 1)
    return sc.add(True, "PA", C_ISN + 1, S_ISN + 1, b"after a lost SYN\n")


def two_streams_interleaved() -> Script:
    """Two connections from different client ports, their segments interleaved."""
    sc = Script()
    for port, isn in ((50001, C_ISN), (50002, C_ISN + 99)):
        sc.add(True, "S", isn, 0, ports=(port, 443))
    for port, isn in ((50002, C_ISN + 99), (50001, C_ISN)):
        sc.add(False, "SA", S_ISN, isn + 1, ports=(port, 443))
    for port, isn in ((50001, C_ISN), (50002, C_ISN + 99)):
        sc.add(True, "PA", isn + 1, S_ISN + 1, f"from {port}\n".encode(), ports=(port, 443))
    return sc


#: A scapy capture for each flag: tshark reports the flag on it (checked by the tests).
FLAG_SCENARIOS = {
    "retransmission": retransmission,
    "fast_retransmission": fast_retransmission,
    "spurious_retransmission": spurious_retransmission,
    "duplicate_ack": fast_retransmission,
    "zero_window": zero_window,
    "zero_window_probe": zero_window,
    "zero_window_probe_ack": zero_window,
    "window_full": zero_window,
    "window_update": window_update,
    "keep_alive": keep_alive,
    "keep_alive_ack": keep_alive,
    "out_of_order": out_of_order,
    "lost_segment": missing,
    "ack_lost_segment": missing,
    "reused_ports": lambda: port_reuse("fin"),
}

#: Named scapy captures for Follow and the stream numbering.
SCENARIOS = {
    "basic": basic,
    "basic-ipv6-vlan": lambda: basic(v6=True, vlan=42),
    "retransmission": retransmission,
    "out-of-order": out_of_order,
    "overlap": overlap,
    "missing": missing,
    "fast-retransmission": fast_retransmission,
    "zero-window": zero_window,
    "keep-alive": keep_alive,
    "reuse-after-fin": lambda: port_reuse("fin"),
    "reuse-after-rst": lambda: port_reuse("rst"),
    "syn-retransmission": syn_retransmission,
    "interleaved": two_streams_interleaved,
}


def chaotic(rng: random.Random) -> Script:
    """A random two-port conversation: arbitrary flags, windows, numbers a little off, port
    reuse, window scale options; meant to reach every rule of the analysis."""
    sc = Script()
    nxt = {True: rng.randrange(2**32), False: rng.randrange(2**32)}
    for _ in range(rng.randrange(5, 40)):
        fwd = rng.random() < 0.55
        ports = (50000, 443) if rng.random() < 0.9 else (50001, 443)
        kind = rng.random()
        options: list = []
        data = b""
        if kind < 0.06:
            flags = "S" if fwd else "SA"
            if rng.random() < 0.5:
                nxt[fwd] = rng.randrange(2**32)
            if rng.random() < 0.7:
                options = [("WScale", rng.randrange(0, 15))]
        elif kind < 0.1:
            flags = rng.choice(["F", "FA", "R", "RA"])
        else:
            flags = rng.choice(["A", "PA", "A"])
            size = rng.choice([0, 0, 0, 1, rng.randrange(1, 60)])
            data = bytes(rng.randrange(97, 123) for _ in range(size))
        seq = nxt[fwd]
        roll = rng.random()
        if roll < 0.15:
            seq -= rng.randrange(1, 80)
        elif roll < 0.25:
            seq += rng.randrange(1, 80)
        elif roll < 0.3:
            seq -= 1
        ack = nxt[not fwd]
        roll = rng.random()
        if roll < 0.15:
            ack -= rng.randrange(1, 80)
        elif roll < 0.2:
            ack += rng.randrange(1, 80)
        window = rng.choice([0, 0, 502, 502, 502, 1024, rng.randrange(65536)])
        gap = rng.choice([0.0001, 0.001, 0.002, 0.004, 0.01, 0.03, 0.2])
        sc.add(fwd, flags, seq, ack, data, gap=gap, window=window, options=options, ports=ports)
        if rng.random() < 0.85:
            nxt[fwd] = (seq + len(data) + (1 if set(flags) & {"S", "F"} else 0)) % 2**32
    return sc


# --- tshark's view ---------------------------------------------------------------------------


def _tshark(*args: str) -> str:
    return subprocess.run(
        ["tshark", *args], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def tshark_streams(path) -> list[tuple[int, int]]:
    """(frame, tcp.stream) for every frame that has a TCP header (ICMP quotes included)."""
    out = _tshark("-r", str(path), "-T", "fields", "-e", "frame.number", "-e", "tcp.stream")
    rows = (line.split("\t") for line in out.splitlines())
    return [(int(frame), int(stream)) for frame, stream in rows if stream]


def tshark_flags(path) -> set[tuple[int, str]]:
    """(frame, flag) for every tcp.analysis field tshark sets."""
    cmd = ["-r", str(path), "-T", "fields", "-e", "frame.number"]
    for flag in FLAGS:
        cmd += ["-e", f"tcp.analysis.{flag}"]
    got = set()
    for line in _tshark(*cmd).splitlines():
        number, *values = line.split("\t")
        got.update((int(number), flag) for flag, value in zip(FLAGS, values) if value)
    return got


def tshark_expert_counts(path) -> dict[tuple[str, str], int]:
    """``tshark -z expert``'s (severity, summary) -> count for TCP's sequence group."""
    out = _tshark("-r", str(path), "-q", "-z", "expert")
    counts: dict[tuple[str, str], int] = {}
    severity = None
    for line in out.splitlines():
        head = re.match(r"(Errors|Warns|Notes|Chats|Comments) \(\d+\)", line)
        if head:
            severity = {"Warns": "warning", "Notes": "note", "Chats": "chat"}.get(head[1])
            continue
        row = re.match(r"\s+(\d+)\s+Sequence\s+TCP\s+(.*\S)\s*$", line)
        if row and severity:
            counts[(severity, row[2])] = counts.get((severity, row[2]), 0) + int(row[1])
    return counts


_MISSING = re.compile(rb"\[(-?\d+) bytes missing in capture file\]\x00")


def tshark_follow(path, stream: int) -> tuple[list[tuple[str, bytes]], list[tuple[str, int]]]:
    """``-z follow,tcp,raw,N``: the data records (direction, bytes) and the missing-bytes
    markers (direction, length), consecutive records of one direction joined."""
    out = _tshark("-r", str(path), "-q", "-z", f"follow,tcp,raw,{stream}")
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Node 1:")) + 1
    chunks, gaps = [], []
    for line in lines[start:]:
        if line.startswith("====="):
            break
        direction = "server" if line.startswith("\t") else "client"
        data = bytes.fromhex(line.strip())
        marker = _MISSING.fullmatch(data)
        if marker:
            gaps.append((direction, int(marker[1])))
        else:
            chunks.append((direction, data))
    return joined(chunks), gaps


def joined(chunks) -> list[tuple[str, bytes]]:
    """Consecutive chunks of one direction as one."""
    out: list[tuple[str, bytes]] = []
    for direction, data in chunks:
        if out and out[-1][0] == direction:
            out[-1] = (direction, out[-1][1] + data)
        else:
            out.append((direction, data))
    return out
