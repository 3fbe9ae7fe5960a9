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
