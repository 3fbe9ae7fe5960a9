"""IPv4 and IPv6 fragments for the reassembly tests, built with scapy.

Each datagram has its own address pair (so tshark's per-conversation byte counts stay below
the 10 kB where it starts printing ``kB``): in order, reversed, with a fragment missing (never
reassembled), with overlapping fragments, a fragment repeated after its datagram was complete,
ICMP and TCP carried in fragments, and IPv6 fragment headers in order, reversed and incomplete.
"""

from __future__ import annotations

import logging

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.inet import ICMP, IP, TCP, UDP, fragment  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment, fragment6  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402


def _eth(i):
    """Four MAC pairs in turn, so no Ethernet conversation reaches 10 kB either."""
    return Ether(src=f"02:00:00:00:00:0{i % 4}", dst="02:00:00:00:01:00")


def _v4(n, ident, payload):
    return IP(src=f"198.18.0.{n}", dst=f"198.18.1.{n}", id=ident) / payload


def _v6(n, ident, payload):
    return IPv6(src=f"fd00::{n}", dst=f"fd00::1:{n}") / IPv6ExtHdrFragment(id=ident) / payload


def _overlapping(n):
    """Three IPv4 fragments whose second overlaps the first by 200 bytes."""
    whole = bytes(_v4(n, 50, UDP(sport=40050, dport=9999) / (b"o" * 1200)))
    header, body = whole[:20], whole[20:]
    out = []
    for start, stop, more in ((0, 608, True), (408, 1008, True), (1008, len(body), False)):
        pkt = IP(header)
        pkt.frag, pkt.flags = start // 8, "MF" if more else 0
        pkt.remove_payload()
        pkt.len, pkt.chksum = None, None
        out.append(IP(bytes(pkt / body[start:stop])))
    return out


def fragment_frames() -> list:
    """Every frame of the fragments capture, Ethernet first, in capture order."""
    udp = lambda port, size: UDP(sport=port, dport=9999) / (b"u" * size)  # noqa: E731
    in_order = fragment(_v4(1, 1, udp(40001, 1400)), 600)
    reversed_ = fragment(_v4(2, 2, udp(40002, 1000)), 600)[::-1]
    missing = fragment(_v4(3, 3, udp(40003, 1400)), 600)
    icmp = fragment(_v4(4, 4, ICMP(type=8, id=1, seq=1) / (b"p" * 1000)), 600)
    tcp = fragment(_v4(5, 5, TCP(sport=40005, dport=8000, flags="PA") / (b"t" * 1000)), 600)
    v6 = fragment6(_v6(6, 6, UDP(sport=40006, dport=9999) / (b"s" * 1400)), 700)
    v6_reversed = fragment6(_v6(7, 7, UDP(sport=40007, dport=9999) / (b"r" * 1000)), 700)[::-1]
    v6_missing = fragment6(_v6(8, 8, UDP(sport=40008, dport=9999) / (b"m" * 1400)), 700)
    whole = [_v4(9, 9, udp(40009, 10)), IPv6(src="fd00::9", dst="fd00::1:9") / udp(40010, 10)]
    packets = [
        *in_order,
        *reversed_,
        missing[0],
        missing[2],
        *icmp,
        *tcp,
        *_overlapping(10),
        *v6,
        *v6_reversed,
        v6_missing[0],
        v6_missing[2],
        in_order[1],  # repeated after its datagram was complete: a new, incomplete one
        *whole,
    ]
    return [_eth(i) / pkt for i, pkt in enumerate(packets)]


def tunnel_fragment_frames() -> list:
    """Tunnels whose outer datagram is fragmented (Wireshark dissects the inner packet on the
    frame completing it): a TCP exchange with data behind GRE, its data segment's datagram in
    two fragments and its reply in three out of order; UDP in IP in IP; TCP behind VXLAN whose
    first fragment holds only 24 bytes (the inner headers span three fragments); over IPv6,
    GRE and IPv6 in IPv6 behind fragment headers; 4in6; an incomplete one; and fragments
    carried inside VXLAN and GRE, reassembled behind the tunnel."""
    from scapy.layers.inet6 import IPv6  # noqa: F401  (imported above too)
    from scapy.layers.l2 import GRE
    from scapy.layers.vxlan import VXLAN

    def outer(n, ident, **kw):
        return IP(src=f"198.18.2.{n}", dst=f"198.18.3.{n}", id=ident, **kw)

    def outer6(n):
        return IPv6(src=f"fd00::2:{n}", dst=f"fd00::3:{n}")

    def tcp(a, b, sport, **kw):
        return IP(src=a, dst=b) / TCP(sport=sport, dport=8000, **kw)

    a, b = "192.0.2.81", "192.0.2.82"
    gre = [
        outer(1, 101) / GRE() / tcp(a, b, 41020, flags="S", seq=100),
        outer(1, 102) / GRE() / IP(src=b, dst=a) / TCP(sport=8000, dport=41020, flags="SA",
                                                       seq=500, ack=101),
        outer(1, 103) / GRE() / tcp(a, b, 41020, flags="PA", seq=101, ack=501) / (b"g" * 700),
        outer(1, 104) / GRE() / IP(src=b, dst=a) / TCP(sport=8000, dport=41020, flags="PA",
                                                       seq=501, ack=801) / (b"h" * 900),
    ]  # fmt: skip
    inner_eth = Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02")
    vxlan = (
        outer(2, 201) / UDP(sport=50010, dport=4789) / VXLAN(vni=9) / inner_eth
        / tcp("192.0.2.83", "192.0.2.84", 41021, flags="PA", seq=1, ack=1) / (b"v" * 300)
    )  # fmt: skip
    ipip = outer(3, 301) / IP(src="192.0.2.85", dst="192.0.2.86") / UDP(sport=41022, dport=9999)
    ipip = ipip / (b"i" * 900)
    v6_gre = (
        outer6(4) / IPv6ExtHdrFragment(id=401) / GRE()
        / IP(src="192.0.2.87", dst="192.0.2.88") / UDP(sport=41023, dport=9999) / (b"w" * 1000)
    )  # fmt: skip
    v6_v6 = (
        outer6(5) / IPv6ExtHdrFragment(id=501)
        / IPv6(src="fd00:1::85", dst="fd00:1::86") / TCP(sport=41024, dport=8000, flags="S")
        / (b"x" * 1000)
    )  # fmt: skip
    v4_in_6 = outer6(6) / IPv6ExtHdrFragment(id=601) / tcp("192.0.2.89", "192.0.2.90", 41025,
                                                            flags="S") / (b"y" * 1000)  # fmt: skip
    # the other way round: fragments inside a tunnel, reassembled behind it
    inner_v4 = IP(src="192.0.2.95", dst="192.0.2.96", id=77) / UDP(sport=41050, dport=9999)
    inner_tcp = IP(src="192.0.2.97", dst="192.0.2.98", id=78) / TCP(sport=41051, dport=8000,
                                                                     flags="PA")  # fmt: skip
    behind_vxlan = [
        outer(8, 801) / UDP(sport=50020, dport=4789) / VXLAN(vni=3) / inner_eth / piece
        for piece in fragment(inner_v4 / (b"q" * 900), 400)
    ]
    behind_gre = [
        outer(9, 901) / GRE() / piece for piece in fragment(inner_tcp / (b"r" * 700), 400)
    ]
    lost = fragment(outer(7, 701) / GRE() / tcp("192.0.2.91", "192.0.2.92", 41026) / (b"z" * 900),
                    400)  # fmt: skip
    packets = [
        gre[0],
        gre[1],
        *fragment(gre[2], 400),
        *fragment(gre[3], 400)[::-1],
        *fragment(vxlan, 24),
        *fragment(ipip, 400),
        *fragment6(v6_gre, 600),
        *fragment6(v6_v6, 600),
        *fragment6(v4_in_6, 600),
        lost[0],
        lost[2],
        *behind_vxlan,
        *behind_gre,
    ]
    return [_eth(i) / pkt for i, pkt in enumerate(packets)]
