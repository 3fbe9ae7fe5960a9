"""Write capture files (pcap in either byte order, nanosecond pcap, pcapng) and synthetic traffic.

Used by the tests and benchmarks to check the readers on every file variant, and by lessons
that need a big capture in a second. Frames are built once with scapy and then copied with
their addresses and ports patched, so 200,000 packets take about a second.

>>> import tempfile, pathlib
>>> frames, times = synthetic_traffic(10, seed=1)
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.pcapng"
>>> write_capture(path, frames, times, fmt="pcapng").stat().st_size > 0
True
>>> from netcourse.packets import read_capture
>>> len(read_capture(path))
10
"""

from __future__ import annotations

import logging
import random
import struct
from collections.abc import Sequence
from pathlib import Path

from netcourse.errors import CaptureError

logging.getLogger("scapy").setLevel(logging.ERROR)

__all__ = ["write_capture", "pcap_bytes", "synthetic_traffic", "FORMATS"]

#: Capture file variants write_capture() can produce.
FORMATS = ("pcap", "pcap-be", "pcap-ns", "pcap-ns-be", "pcapng", "pcapng-be")


def pcap_bytes(
    frames: Sequence[bytes],
    times: Sequence[float] | None = None,
    fmt: str = "pcap",
    *,
    linktype: int = 1,
) -> bytes:
    """The bytes of a capture file holding ``frames`` (see write_capture).

    >>> pcap_bytes([b"\\x00" * 60])[:4].hex()
    'd4c3b2a1'
    """
    return _build(frames, times, fmt, linktype)


def write_capture(
    path: str | Path,
    frames: Sequence[bytes],
    times: Sequence[float] | None = None,
    fmt: str = "pcap",
    linktype: int = 1,
) -> Path:
    """Write Ethernet frames to a capture file in one of FORMATS; return its path.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "one.pcap"
    >>> write_capture(out, [b"\\x00" * 60], [0.5], fmt="pcap-ns-be").read_bytes()[:4].hex()
    'a1b23c4d'
    """
    target = Path(path)
    target.write_bytes(_build(frames, times, fmt, linktype))
    return target


def _build(frames, times, fmt: str, linktype: int) -> bytes:
    if fmt not in FORMATS:
        raise CaptureError(f"fmt={fmt!r}: expected one of {', '.join(FORMATS)}")
    times = list(times) if times is not None else [float(i) for i in range(len(frames))]
    if len(times) != len(frames):
        raise CaptureError(f"{len(frames)} frames but {len(times)} timestamps")
    order = ">" if fmt.endswith("-be") else "<"
    ns = "-ns" in fmt
    parts: list[bytes] = []
    if fmt.startswith("pcapng"):
        shb_body = struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1)
        parts.append(
            struct.pack(order + "II", 0x0A0D0D0A, 28) + shb_body + struct.pack(order + "I", 28)
        )
        opts = (
            struct.pack(order + "HH", 9, 1) + b"\x09\x00\x00\x00" + struct.pack(order + "HH", 0, 0)
        )
        idb_body = struct.pack(order + "HHI", linktype, 0, 262144) + opts
        size = 12 + len(idb_body)
        parts.append(struct.pack(order + "II", 1, size) + idb_body + struct.pack(order + "I", size))
        for data, when in zip(frames, times):
            units = round(when * 1_000_000_000)
            pad = (-len(data)) % 4
            size = 32 + len(data) + pad
            head = struct.pack(
                order + "IIIIIII", 6, size, 0, units >> 32, units & 0xFFFFFFFF, len(data), len(data)
            )
            parts.append(head + data + b"\x00" * pad + struct.pack(order + "I", size))
    else:
        magic = 0xA1B23C4D if ns else 0xA1B2C3D4
        parts.append(struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 262144, linktype))
        scale = 1_000_000_000 if ns else 1_000_000
        rec = struct.Struct(order + "IIII")
        for data, when in zip(frames, times):
            units = round(when * scale)
            sec, frac = divmod(units, scale)
            parts.append(rec.pack(sec, frac, len(data), len(data)) + data)
    return b"".join(parts)


def _templates() -> list[tuple[bytes, int, int, int, int]]:
    """(frame, src offset, dst offset, address length, sport offset) for each kind of packet."""
    # scapy (heavy) is needed only to build these templates, not to write capture files
    from scapy.layers.inet import IP, TCP, UDP
    from scapy.layers.inet6 import IPv6
    from scapy.layers.l2 import Dot1Q, Ether

    eth = Ether(src="02:00:5e:00:00:0a", dst="02:00:5e:00:00:0b")
    payload = b"x" * 40
    kinds = [
        (
            eth
            / IP(src="198.18.0.1", dst="198.18.0.2")
            / TCP(sport=1, dport=2, flags="PA")
            / payload,
            26,
            30,
            4,
            34,
        ),
        (
            eth / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=1, dport=2) / payload,
            26,
            30,
            4,
            34,
        ),
        (
            eth / IPv6(src="fd00::1", dst="fd00::2") / TCP(sport=1, dport=2, flags="A") / payload,
            22,
            38,
            16,
            54,
        ),
        (
            eth
            / Dot1Q(vlan=7)
            / IP(src="198.18.0.1", dst="198.18.0.2")
            / TCP(sport=1, dport=2)
            / payload,
            30,
            34,
            4,
            38,
        ),
        (
            eth
            / Dot1Q(vlan=8)
            / IPv6(src="fd00::1", dst="fd00::2")
            / UDP(sport=1, dport=2)
            / payload,
            26,
            42,
            16,
            58,
        ),
    ]
    return [(bytes(pkt), src, dst, size, sport) for pkt, src, dst, size, sport in kinds]


def synthetic_traffic(
    count: int, seed: int = 0, conversations: int = 200
) -> tuple[list[bytes], list[float]]:
    """``count`` frames of TCP/UDP traffic over IPv4, IPv6 and VLANs, with their timestamps.

    Each of ``conversations`` conversations has a fixed kind, ends and ports; frames go both ways.
    Addresses come from 198.18.0.0/15 and fd00::/8.
    """
    rng = random.Random(seed)
    templates = _templates()
    convs = []
    for i in range(conversations):
        kind = rng.randrange(len(templates))
        frame, src_at, dst_at, size, sport_at = templates[kind]
        if size == 4:
            a = bytes([198, 18 + rng.randrange(2), rng.randrange(256), rng.randrange(1, 255)])
            b = bytes([198, 18 + rng.randrange(2), rng.randrange(256), rng.randrange(1, 255)])
        else:
            a = b"\xfd" + rng.randbytes(15)
            b = b"\xfd" + rng.randbytes(15)
        ports = (1024 + i, rng.choice((80, 443, 53, 8000, 5353)))
        convs.append((frame, src_at, dst_at, sport_at, a, b, ports))
    frames, times = [], []
    clock = 1_700_000_000.0
    pack = struct.Struct(">HH").pack
    for _ in range(count):
        frame, src_at, dst_at, sport_at, a, b, (pa, pb) = convs[rng.randrange(len(convs))]
        if rng.random() < 0.5:
            a, b, pa, pb = b, a, pb, pa
        size = len(a)
        data = bytearray(frame)
        data[src_at : src_at + size] = a
        data[dst_at : dst_at + size] = b
        data[sport_at : sport_at + 4] = pack(pa, pb)
        frames.append(bytes(data))
        clock += rng.random() * 0.001
        times.append(clock)
    return frames, times
