"""Tunnelled traffic for the encapsulation tests: every encapsulation Wireshark follows, with
several flows each and nested where that is natural (VXLAN inside QinQ, a VLAN tag inside
VXLAN, MPLS inside GRE).

Frames are built with scapy; outer addresses are 198.18.0.0/15 and fd00::/8, inner ones
192.0.2.0/24, 203.0.113.0/24 and fd00:1::/32, so a test can ask for either. Ports avoid those
Wireshark decodes further (53, 80, 443 ...), so its TCP/UDP trees end where ours do.
"""

from __future__ import annotations

import logging
from pathlib import Path

from netcourse.packets.synthetic import write_capture

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.contrib.erspan import ERSPAN_II, ERSPAN_III  # noqa: E402
from scapy.contrib.geneve import GENEVE  # noqa: E402
from scapy.contrib.mpls import MPLS  # noqa: E402
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import ARP, GRE, Dot1AD, Dot1Q, Ether  # noqa: E402
from scapy.layers.ppp import PPP, PPPoE  # noqa: E402
from scapy.layers.vxlan import VXLAN  # noqa: E402

OUTER_MACS = ("02:00:00:00:00:01", "02:00:00:00:00:02")
INNER_MACS = ("02:00:00:00:01:01", "02:00:00:00:01:02")


def _eth(macs=OUTER_MACS, **kw):
    return Ether(src=macs[0], dst=macs[1], **kw)


def _ip(a="198.18.0.1", b="198.18.0.2", **kw):
    return IP(src=a, dst=b, **kw)


def _ip6(a="fd00::1", b="fd00::2", **kw):
    return IPv6(src=a, dst=b, **kw)


def _flows(inner_ip):
    """A few inner flows behind one encapsulation: a TCP handshake's two first segments,
    a UDP datagram, an ICMP echo (or ICMPv6 for an IPv6 inner header is left to the caller)."""
    a, b = inner_ip
    return [
        IP(src=a, dst=b) / TCP(sport=41000, dport=8000, flags="S", seq=1),
        IP(src=b, dst=a) / TCP(sport=8000, dport=41000, flags="SA", seq=9, ack=2),
        IP(src=a, dst=b) / UDP(sport=41001, dport=9999) / b"data",
        IP(src=a, dst=b) / ICMP(type=8, id=1, seq=1) / b"ping",
    ]


def tunnel_frames() -> dict[str, list]:
    """Frames by encapsulation name, each a list of scapy packets (Ethernet first)."""
    vxlan_udp = UDP(sport=50000, dport=4789)
    out: dict[str, list] = {}
    out["qinq"] = [
        _eth() / Dot1AD(vlan=100) / Dot1Q(vlan=200) / inner
        for inner in _flows(("192.0.2.1", "192.0.2.2"))
    ] + [
        _eth() / Dot1Q(vlan=300, type=0x9100) / Dot1Q(vlan=301) / inner
        for inner in _flows(("192.0.2.3", "192.0.2.4"))[:2]
    ]
    out["vxlan"] = [
        _eth() / Dot1AD(vlan=110) / Dot1Q(vlan=210) / _ip() / vxlan_udp / VXLAN(vni=42)
        / _eth(INNER_MACS) / inner
        for inner in _flows(("192.0.2.11", "192.0.2.12"))
    ] + [
        _eth() / _ip("198.18.0.3", "198.18.0.4") / UDP(sport=50001, dport=4789) / VXLAN(vni=43)
        / _eth(INNER_MACS) / Dot1Q(vlan=220) / inner
        for inner in _flows(("203.0.113.1", "203.0.113.2"))[:3]
    ] + [
        _eth() / _ip() / vxlan_udp / VXLAN(vni=42) / _eth(INNER_MACS, type=0x0806)
        / ARP(hwsrc=INNER_MACS[0], psrc="192.0.2.11", pdst="192.0.2.12"),
        _eth() / _ip6() / UDP(sport=50002, dport=4789) / VXLAN(vni=44) / _eth(INNER_MACS)
        / _ip6("fd00:1::1", "fd00:1::2") / UDP(sport=41002, dport=9999) / b"six",
    ]  # fmt: skip
    out["gre"] = [
        _eth() / _ip("198.18.0.5", "198.18.0.6") / GRE() / inner
        for inner in _flows(("192.0.2.21", "192.0.2.22"))
    ] + [
        _eth() / _ip("198.18.0.5", "198.18.0.6") / GRE(key_present=1, key=7, seqnum_present=1,
                                                       sequence_number=3)
        / _ip6("fd00:1::21", "fd00:1::22") / UDP(sport=41003, dport=9999) / b"x",
        _eth() / _ip("198.18.0.5", "198.18.0.6") / GRE(chksum_present=1, proto=0x6558)
        / _eth(INNER_MACS) / _ip("192.0.2.23", "192.0.2.24") / TCP(sport=41004, dport=8000),
        _eth(type=0x86DD) / _ip6() / GRE() / _ip("192.0.2.25", "192.0.2.26") / ICMP(),
    ]  # fmt: skip
    out["ipip"] = [
        _eth() / _ip("198.18.0.7", "198.18.0.8") / inner
        for inner in _flows(("192.0.2.31", "192.0.2.32"))
    ] + [
        _eth() / _ip("198.18.0.7", "198.18.0.8") / _ip6("fd00:1::31", "fd00:1::32")
        / UDP(sport=41005, dport=9999) / b"6in4",
        _eth() / _ip6() / _ip("192.0.2.33", "192.0.2.34") / ICMP(type=8),
        _eth() / _ip6() / _ip6("fd00:1::33", "fd00:1::34") / TCP(sport=41006, dport=8000),
        _eth() / _ip("198.18.0.7", "198.18.0.8") / _ip("198.18.0.9", "198.18.0.10")
        / _ip("192.0.2.35", "192.0.2.36") / UDP(sport=41007, dport=9999),
    ]  # fmt: skip
    out["mpls"] = [
        _eth(type=0x8847) / MPLS(label=16, s=0, ttl=64) / MPLS(label=17, s=1, ttl=64) / inner
        for inner in _flows(("192.0.2.41", "192.0.2.42"))
    ] + [
        _eth(type=0x8847) / MPLS(label=18, s=1, ttl=64) / _ip6("fd00:1::41", "fd00:1::42")
        / UDP(sport=41008, dport=9999) / b"m6",
        _eth() / _ip("198.18.0.11", "198.18.0.12") / GRE(proto=0x8847)
        / MPLS(label=19, s=1, ttl=9) / _ip("192.0.2.43", "192.0.2.44") / TCP(sport=41009),
    ]  # fmt: skip
    out["geneve"] = [
        _eth() / _ip("198.18.0.13", "198.18.0.14") / UDP(sport=50003, dport=6081)
        / GENEVE(vni=5, proto=0x6558) / _eth(INNER_MACS) / inner
        for inner in _flows(("192.0.2.51", "192.0.2.52"))
    ] + [
        _eth() / _ip("198.18.0.13", "198.18.0.14") / UDP(sport=50004, dport=6081)
        / GENEVE(vni=6, proto=0x0800, optionlen=2, options=b"\x01\x02\x03\x01abcd")
        / _ip("192.0.2.53", "192.0.2.54") / UDP(sport=41010, dport=9999) / b"g",
    ]  # fmt: skip
    out["pppoe"] = [
        _eth(type=0x8864) / PPPoE(sessionid=0x1234) / PPP(proto=0x0021) / inner
        for inner in _flows(("192.0.2.61", "192.0.2.62"))
    ] + [
        _eth(type=0x8864) / PPPoE(sessionid=0x1234) / PPP(proto=0x0057)
        / _ip6("fd00:1::61", "fd00:1::62") / TCP(sport=41011, dport=8000, flags="S"),
    ]  # fmt: skip
    erspan_ip = _ip("198.18.0.15", "198.18.0.16")
    out["erspan"] = [
        _eth() / erspan_ip / GRE(proto=0x88BE) / _eth(INNER_MACS) / inner
        for inner in _flows(("192.0.2.71", "192.0.2.72"))[:2]
    ] + [
        _eth() / erspan_ip / GRE(proto=0x88BE, seqnum_present=1, sequence_number=1)
        / ERSPAN_II(session_id=3) / _eth(INNER_MACS) / inner
        for inner in _flows(("192.0.2.73", "192.0.2.74"))[1:]
    ] + [
        _eth() / erspan_ip / GRE(proto=0x22EB, seqnum_present=1, sequence_number=2)
        / ERSPAN_III(session_id=4) / _eth(INNER_MACS) / inner
        for inner in _flows(("192.0.2.75", "192.0.2.76"))[:3]
    ]  # fmt: skip
    return out


#: The order the encapsulations are added in (the order the course follows them).
NAMES = ("qinq", "vxlan", "gre", "ipip", "mpls", "geneve", "pppoe", "erspan")


def write_tunnel_captures(folder: Path) -> dict[str, Path]:
    """One pcap per encapsulation, and ``all`` with every frame; returns their paths."""
    frames = tunnel_frames()
    out = {}
    every = []
    for name in NAMES:
        data = [bytes(pkt) for pkt in frames[name]]
        every.extend(data)
        out[name] = write_capture(
            folder / f"{name}.pcap", data, [i * 0.001 for i in range(len(data))]
        )
    out["all"] = write_capture(folder / "all.pcap", every, [i * 0.001 for i in range(len(every))])
    return out


#: Ethernet prefixes Wireshark 4.0's manuf file names a maker for (Intel, Cisco), and one
#: locally administered address, which it does not.
REGISTERED_MACS = ("00:1b:21:00:01:01", "00:00:0c:00:01:02")
LOCAL_MACS = INNER_MACS


def pseudowire_frames() -> list:
    """Ethernet pseudowires behind MPLS label stacks, as Wireshark's pw_eth_heuristic tells
    them apart: with a control word (sequence numbers 0 and 7, inner MACs registered or
    not), without one (the destination MAC's first nibble 0 to f: 0 with registered
    addresses is Ethernet, 4 and 6 are taken for IP, 1 for a PW associated channel, the
    rest are data), a VLAN tag and IPv6 inside, and a TCP exchange each way."""
    from scapy.contrib.mpls import EoMCW

    def stack(*labels):
        out = _eth(type=0x8847)
        for i, label in enumerate(labels):
            out = out / MPLS(label=label, s=int(i == len(labels) - 1), ttl=64)
        return out

    def tcp(a, b, sport, dport, **kw):
        return IP(src=a, dst=b) / TCP(sport=sport, dport=dport, **kw)

    a, b = "192.0.2.101", "192.0.2.102"
    reg, loc = REGISTERED_MACS, LOCAL_MACS
    out = [
        stack(200) / EoMCW(seq=0) / _eth(reg) / tcp(a, b, 41030, 8000, flags="S", seq=1),
        stack(201) / EoMCW(seq=7) / _eth(reg[::-1]) / tcp(b, a, 8000, 41030, flags="SA", seq=9,
                                                          ack=2),
        stack(16, 202) / EoMCW(seq=8) / _eth(loc) / tcp(a, b, 41031, 8000, flags="S"),
        stack(203) / EoMCW(seq=9) / _eth(reg) / Dot1Q(vlan=30)
        / IPv6(src="fd00:1::101", dst="fd00:1::102") / UDP(sport=41032, dport=9999) / b"pw6",
        stack(204) / _eth(reg) / tcp(a, b, 41033, 8000, flags="S"),  # no control word
        stack(17, 205) / _eth(reg[::-1]) / tcp(b, a, 8000, 41033, flags="SA"),
    ]  # fmt: skip
    for nibble in range(16):  # no control word, the destination's first nibble 0 to f
        dst = f"{nibble:x}2:00:00:00:01:02"
        src = reg[0] if nibble == 0 else loc[0]
        out.append(stack(206) / Ether(dst=dst, src=src) / tcp(a, b, 41040 + nibble, 8000))
    return out


def write_pseudowire_capture(path: Path) -> Path:
    """The frames of :func:`pseudowire_frames` in one pcap."""
    data = [bytes(pkt) for pkt in pseudowire_frames()]
    return write_capture(path, data, [i * 0.001 for i in range(len(data))])
