"""The same small traffic behind every link type the course reads (1, 101, 113, 228, 229, 276).

Frames are built with scapy: IPv4 TCP (with options), UDP and ICMP (an echo and an error that
quotes a UDP header), IPv6 TCP, UDP and ICMPv6, and a VLAN-tagged frame behind the link layers
that carry an EtherType. Raw IPv4 (228) holds only the IPv4 frames, raw IPv6 (229) only the IPv6
ones. Ports avoid those Wireshark decodes further (53, 7, 80), so tshark's columns stay at
TCP/UDP and can be compared with ours.
"""

from __future__ import annotations

import logging
import struct
from pathlib import Path

from netcourse.packets.synthetic import write_capture
from netcourse.protocols import LINK_TYPES

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6  # noqa: E402
from scapy.layers.l2 import ARP, CookedLinux, CookedLinuxV2, Dot1Q, Ether  # noqa: E402

MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
#: The link-layer address the cooked headers carry (8 bytes: a MAC and 2 unused).
COOKED_ADDRESS = bytes.fromhex("02000000000a") + b"\x00\x00"
FORMATS = ("pcap", "pcapng")


def network_packets() -> tuple[list, list]:
    """(IPv4 packets, IPv6 packets), without any link-layer header."""
    quoted = IP(src="198.18.0.2", dst="198.18.0.1") / UDP(sport=40001, dport=9)
    v4 = [
        IP(src="198.18.0.1", dst="198.18.0.2")
        / TCP(sport=40000, dport=8000, flags="S", seq=1000, options=[("MSS", 1460), ("WScale", 7)]),
        IP(src="198.18.0.2", dst="198.18.0.1")
        / TCP(sport=8000, dport=40000, flags="SA", seq=5000, ack=1001, options=[("WScale", 9)]),
        IP(src="198.18.0.1", dst="198.18.0.2")
        / TCP(sport=40000, dport=8000, flags="A", seq=1001, ack=5001),
        IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=40001, dport=9999) / b"hello",
        IP(src="198.18.0.1", dst="198.18.0.2") / ICMP(type=8, id=7, seq=1) / b"ping",
        IP(src="198.18.0.2", dst="198.18.0.1") / ICMP(type=3, code=3) / bytes(quoted),
    ]
    v6 = [
        IPv6(src="fd00::1", dst="fd00::2") / TCP(sport=40002, dport=443, flags="S", seq=9),
        IPv6(src="fd00::2", dst="fd00::1") / UDP(sport=5000, dport=40003) / b"six",
        IPv6(src="fd00::1", dst="fd00::2") / ICMPv6EchoRequest(id=3, seq=4),
    ]
    return v4, v6


def _link_header(linktype: int, ethertype: int):
    if linktype == 1:
        return Ether(src=MAC_A, dst=MAC_B, type=ethertype)
    if linktype == 113:
        return CookedLinux(
            pkttype=4, lladdrtype=1, lladdrlen=6, src=COOKED_ADDRESS, proto=ethertype
        )
    if linktype == 276:
        return CookedLinuxV2(
            proto=ethertype, ifindex=2, lladdrtype=1, pkttype=4, lladdrlen=6, src=COOKED_ADDRESS
        )
    return None


def link_frames(linktype: int) -> list[bytes]:
    """The frames of one link type, as bytes."""
    v4, v6 = network_packets()
    decode = LINK_TYPES[linktype].decode
    if decode == "ipv4":
        return [bytes(p) for p in v4]
    if decode == "ipv6":
        return [bytes(p) for p in v6]
    if decode == "ip":
        return [bytes(p) for p in v4 + v6]
    frames = [bytes(_link_header(linktype, 0x0800) / p) for p in v4]
    frames += [bytes(_link_header(linktype, 0x86DD) / p) for p in v6]
    tagged = Dot1Q(vlan=42, type=0x0800) / v4[3]
    frames.append(bytes(_link_header(linktype, 0x8100) / tagged))
    arp = ARP(hwsrc=MAC_A, psrc="198.18.0.1", pdst="198.18.0.2")
    frames.append(bytes(_link_header(linktype, 0x0806) / arp))
    return frames


def write_link_captures(folder: Path) -> dict[tuple[int, str], Path]:
    """Write each link type's frames as pcap and pcapng under ``folder``."""
    out = {}
    for linktype in LINK_TYPES:
        frames = link_frames(linktype)
        times = [i * 0.25 for i in range(len(frames))]
        for fmt in FORMATS:
            path = folder / f"link{linktype}.{fmt}"
            out[(linktype, fmt)] = write_capture(path, frames, times, fmt=fmt, linktype=linktype)
    return out


def _block(btype: int, body: bytes) -> bytes:
    body += b"\x00" * (-len(body) % 4)
    size = 12 + len(body)
    return struct.pack("<II", btype, size) + body + struct.pack("<I", size)


def write_mixed_pcapng(path: Path) -> Path:
    """One pcapng with an interface per link type, each carrying that link type's frames
    (interleaved, so neighbouring packets have different link layers)."""
    linktypes = list(LINK_TYPES)
    parts = [_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))]
    parts += [_block(1, struct.pack("<HHI", lt, 0, 262144)) for lt in linktypes]
    queues = [link_frames(lt) for lt in linktypes]
    usec = 0
    while any(queues):
        for iface, queue in enumerate(queues):
            if queue:
                data = queue.pop(0)
                usec += 1000
                head = struct.pack(
                    "<IIIII", iface, usec >> 32, usec & 0xFFFFFFFF, len(data), len(data)
                )
                parts.append(_block(6, head + data))
    path.write_bytes(b"".join(parts))
    return path
