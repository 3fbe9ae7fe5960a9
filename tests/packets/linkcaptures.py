"""The same small traffic behind every link type the course reads (each of LINK_TYPES).

Frames are built with scapy: IPv4 TCP (with options), UDP and ICMP (an echo and an error that
quotes a UDP header), IPv6 TCP, UDP and ICMPv6, and a VLAN-tagged frame behind the link layers
that carry an EtherType. Raw IPv4 (228) holds only the IPv4 frames, raw IPv6 (229) only the IPv6
ones. Ports avoid those Wireshark decodes further (53, 7, 80), so tshark's columns stay at
TCP/UDP and can be compared with ours.

Behind BSD loopback (0, 108) IPv6 comes with each BSD's family number (24, 28, 30), and link
type 0 repeats two UDP frames as a big-endian machine writes them. PPP (9) leaves out the
address and control bytes of some frames and compresses some protocol fields; radiotap (127)
carries 802.11 data frames to and from the access point, QoS ones, one with a radiotap TSFT
field before its flags and one whose flags say it ends in an FCS.
"""

from __future__ import annotations

import logging
import struct
import zlib
from pathlib import Path

from netcourse.packets.synthetic import write_capture
from netcourse.protocols import LINK_TYPES

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.dot11 import Dot11, Dot11QoS, RadioTap  # noqa: E402
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6  # noqa: E402
from scapy.layers.l2 import (  # noqa: E402
    ARP,
    LLC,
    SNAP,
    CookedLinux,
    CookedLinuxV2,
    Dot1Q,
    Ether,
)

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


#: The address families of IPv6 behind a BSD loopback header, one per frame in turn.
IPV6_FAMILIES = (24, 28, 30)
AP = "02:00:00:00:00:01"


def _loopback_frames(linktype: int, v4, v6) -> list[bytes]:
    order = "<" if linktype == 0 else ">"
    frames = [struct.pack(f"{order}I", 2) + bytes(p) for p in v4]
    frames += [struct.pack(f"{order}I", IPV6_FAMILIES[i % 3]) + bytes(p) for i, p in enumerate(v6)]
    if linktype == 0:  # the same UDP frames from a big-endian machine
        frames += [struct.pack(">I", 2) + bytes(v4[3]), struct.pack(">I", 30) + bytes(v6[1])]
    return frames


def _ppp_frames(linktype: int, v4, v6) -> list[bytes]:
    hdlc = b"\xff\x03"
    frames = [hdlc + b"\x00\x21" + bytes(p) for p in v4] + [
        hdlc + b"\x00\x57" + bytes(p) for p in v6
    ]
    if linktype == 9:  # compressed: no address and control, a 1-byte protocol
        frames += [
            b"\x00\x21" + bytes(v4[3]),
            b"\x21" + bytes(v4[4]),
            hdlc + b"\x57" + bytes(v6[1]),
        ]
    return frames


def _wifi(pkt, ethertype: int, i: int, *, qos: bool = False, radiotap=None) -> bytes:
    to_ap = i % 2 == 0  # to-DS from station A, else from-DS to station A
    addrs = (AP, MAC_A, MAC_B) if to_ap else (MAC_A, AP, MAC_B)
    mac = Dot11(type=2, subtype=8 if qos else 0, FCfield=1 if to_ap else 2, SC=16 * i)
    mac.addr1, mac.addr2, mac.addr3 = addrs
    head = radiotap if radiotap is not None else RadioTap()
    body = mac / (Dot11QoS() if qos else b"") / LLC() / SNAP(code=ethertype) / pkt
    return bytes(head) + bytes(body)


def _radiotap_frames(v4, v6) -> list[bytes]:
    frames = [_wifi(p, 0x0800, i, qos=i % 3 == 2) for i, p in enumerate(v4)]
    frames += [_wifi(p, 0x86DD, i, qos=i == 1) for i, p in enumerate(v6)]
    arp = ARP(hwsrc=MAC_A, psrc="198.18.0.1", pdst="198.18.0.2")
    frames.append(_wifi(arp, 0x0806, 0))
    tsft = RadioTap(present="TSFT+Flags", mac_timestamp=123456789, Flags=0)
    frames.append(_wifi(v4[3], 0x0800, 1, radiotap=tsft))
    with_fcs = RadioTap(present="Flags", Flags="FCS")
    body = _wifi(v6[1], 0x86DD, 2)[len(bytes(RadioTap())) :]
    frames.append(bytes(with_fcs) + body + struct.pack("<I", zlib.crc32(body)))
    return frames


def link_frames(linktype: int) -> list[bytes]:
    """The frames of one link type, as bytes."""
    v4, v6 = network_packets()
    decode = LINK_TYPES[linktype].decode
    if decode in ("null", "loop"):
        return _loopback_frames(linktype, v4, v6)
    if decode == "ppp":
        return _ppp_frames(linktype, v4, v6)
    if decode == "radiotap":
        return _radiotap_frames(v4, v6)
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
