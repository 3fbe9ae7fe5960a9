"""Bogus and cut headers judged as Wireshark judges them, against tshark 4.0.

Each capture is built here with scapy (lengths patched by hand where scapy would fix them) and
written with a snap length where a header is to be cut. tshark is the oracle for which frames
each filter keeps (``-Y``), which conversations exist (``-z conv``) and which frames it marks
as errors; frames whose headers the snap length cut are marked malformed here too.
"""

from __future__ import annotations

import logging
import shutil
import struct
import subprocess

import pytest

from netcourse.packets import conversations, matching, read_capture

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")

FILTERS = [
    "ip",
    "ipv6",
    "tcp",
    "udp",
    "not ip",
    "icmp",
    "tcp.port == 8000",
    "tcp.srcport >= 40000",
    "udp.port == 9999",
    "ip.addr == 198.18.0.1",
    "ipv6.addr == fd00::1",
    "ip.proto == 6",
    "tcp and not ip",
    "tcp.flags.syn == 1",
    "tcp.len == 0",
    "tcp.len > 0",
    "ip.ttl == 64",
    "udp.length > 8",
    "frame.number in {1, 4, 13}",
]


def _pcap(path, records, linktype=1):
    """A pcap whose records are (captured bytes, length on the wire)."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype)]
    for i, (data, wire) in enumerate(records):
        out.append(struct.pack("<IIII", i, 0, len(data), wire) + data)
    path.write_bytes(b"".join(out))
    return path


def _patched(pkt, *, ihl=None, total=None, plen=None) -> bytes:
    data = bytearray(bytes(pkt))
    if ihl is not None:
        data[0] = 0x40 | ihl
    if total is not None:
        data[2:4] = struct.pack(">H", total)
    if plen is not None:
        data[4:6] = struct.pack(">H", plen)
    return bytes(data)


def _eth(ethertype=0x0800):
    return Ether(src="02:00:00:00:00:0a", dst="02:00:00:00:00:0b", type=ethertype)


def _v4():
    return IP(src="198.18.0.1", dst="198.18.0.2")


def _v6():
    return IPv6(src="fd00::1", dst="fd00::2")


def _syn(sport):
    return TCP(sport=sport, dport=8000, flags="S")


def ethernet_records() -> tuple[list[tuple[bytes, int]], set[int]]:
    """(records, numbers of the frames whose IP/TCP/UDP header the snap length cut)."""
    whole = [
        _eth() / _patched(_v4() / _syn(40001), ihl=4),  # header length 16
        _eth() / _patched(_v4() / _syn(40002), total=10),  # total length below the header's
        _eth() / _patched(_v4() / _syn(40003), total=0),  # TSO: the frame gives the length
        _eth(0x0800) / _v6() / _syn(40004),  # IPv6 behind the IPv4 EtherType
        _eth(0x86DD) / _v4() / _syn(40005),  # IPv4 behind the IPv6 EtherType
        _eth(0x86DD) / _patched(_v6() / _syn(40006), plen=500),  # beyond the frame
        _eth(0x86DD) / _patched(_v6() / _syn(40007), plen=10),  # shorter than TCP's header
        _eth() / _v4() / TCP(sport=40008, dport=8000, dataofs=4),  # TCP header length 16
        _eth() / _v4() / UDP(sport=40009, dport=9999, len=4) / b"abcd",  # below 8
        _eth() / _patched(_v4() / _syn(40010), total=30),  # 10 bytes of TCP's 20
        _eth() / _v4() / UDP(sport=40011, dport=9999, len=100) / b"x",  # beyond IP's
    ]
    records = [(bytes(f), len(bytes(f))) for f in whole]
    tcp4 = bytes(_eth() / _v4() / _syn(40012))
    udp4 = bytes(_eth() / _v4() / UDP(sport=40014, dport=9999) / b"hello")
    tcp6 = bytes(_eth(0x86DD) / _v6() / _syn(40016))
    cut = [
        (tcp4[: 14 + 20 + 10], len(tcp4)),  # 12: TCP cut after 10 bytes
        (tcp4[: 14 + 20], len(tcp4)),  # 13: nothing of TCP
        (udp4[: 14 + 20 + 4], len(udp4)),  # 14: UDP cut after its ports
        (tcp4[: 14 + 10], len(tcp4)),  # 15: IPv4 cut after 10 bytes
        (tcp6[: 14 + 40 + 12], len(tcp6)),  # 16: TCP behind IPv6 cut
        (tcp4, len(tcp4) + 100),  # 17: whole headers, the payload cut
    ]
    return records + cut, {12, 13, 14, 15, 16}


def raw_records(linktype) -> list[tuple[bytes, int]]:
    frames = {
        229: [_v4() / _syn(40020), _v6() / _syn(40021)],  # IPv4 under raw IPv6
        228: [_v6() / _syn(40022), _v4() / _syn(40023)],  # IPv6 under raw IPv4
        101: [_v6() / _syn(40024), _v4() / _syn(40025)],
    }[linktype]
    records = [(bytes(f), len(bytes(f))) for f in frames]
    if linktype == 101:  # version 5: neither
        bogus = b"\x50" + bytes(_v4() / _syn(40026))[1:]
        records.append((bogus, len(bogus)))
    return records


@pytest.fixture(scope="module")
def captures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("validation")
    records, cut = ethernet_records()
    out = {"ethernet": (_pcap(folder / "bogus.pcap", records), cut)}
    for linktype in (101, 228, 229):
        out[f"raw{linktype}"] = (
            _pcap(folder / f"raw{linktype}.pcap", raw_records(linktype), linktype),
            set(),
        )
    return out


def _tshark(path, *args) -> str:
    return subprocess.run(
        ["tshark", "-r", str(path), *args], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def _tshark_keeps(path, text) -> list[int]:
    return [int(n) for n in _tshark(path, "-Y", text, "-T", "fields", "-e", "frame.number").split()]


def _tshark_conversations(path, proto) -> list[tuple[str, ...]]:
    rows = []
    for line in _tshark(path, "-q", "-z", f"conv,{proto}").splitlines():
        if "<->" in line:
            words = line.split()
            rows.append((words[0], words[2], int(words[9]), int(words[10])))  # frames, bytes
    return sorted(rows)


def _ends(address: str, port: int) -> str:
    return f"{address}:{port}"


NAMES = ["ethernet", "raw101", "raw228", "raw229"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("text", FILTERS)
def test_filters_keep_what_tshark_keeps(captures, name, text):
    path, _ = captures[name]
    assert matching(read_capture(path), text).tolist() == _tshark_keeps(path, text)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("proto", ["tcp", "udp"])
def test_bogus_and_cut_headers_are_left_out_of_conversations(captures, name, proto):
    path, _ = captures[name]
    ours = sorted(
        (_ends(c.address_a, c.port_a), _ends(c.address_b, c.port_b), c.frames, c.bytes)
        for c in conversations(path, proto)
    )
    assert ours == _tshark_conversations(path, proto)


@pytest.mark.parametrize("name", NAMES)
def test_malformed_frames_are_marked_in_the_packet_list(captures, name):
    """Wireshark's errors, and the headers the snap length cut."""
    path, cut = captures[name]
    errors = set(_tshark_keeps(path, "_ws.malformed || _ws.expert.severity == error"))
    cap = read_capture(path)
    marked = {row.number for row in cap if row.malformed}
    assert marked == errors | cut
    assert "[Malformed]" in cap._repr_html_() or not marked


def test_the_tree_says_what_is_bogus(captures):
    path, _ = captures["ethernet"]
    cap = read_capture(path)
    said = {n: "; ".join(cap.dissect(n).problems) for n in range(1, len(cap) + 1)}
    assert "Bogus IP header length (16, must be at least 20)" in said[1]
    assert "Bogus IP length (10, less than header length 20)" in said[2]
    assert not cap.dissect(3).malformed  # a TSO frame's zero length is not bogus
    assert "Bogus TCP header length (16, must be at least 20)" in said[8]
    assert "Bad UDP length value 4 < 8" in said[9]
    assert cap.dissect(4).malformed and cap.dissect(5).malformed
    assert not cap.dissect(17).malformed  # only the payload was cut


def dns_frames() -> list[bytes]:
    """DNS over UDP and TCP port 53, a TCP handshake and an empty datagram on port 53, mDNS,
    LLMNR, ARP and RARP."""
    from scapy.layers.dns import DNS, DNSQR
    from scapy.layers.l2 import ARP

    query = DNS(rd=1, qd=DNSQR(qname="example.com"))
    over_tcp = struct.pack(">H", len(bytes(query))) + bytes(query)
    mac = "02:00:00:00:00:0a"
    frames = [
        _eth() / _v4() / UDP(sport=40000, dport=53) / query,
        _eth() / _v4() / TCP(sport=40001, dport=53, flags="S"),
        _eth() / _v4() / TCP(sport=40001, dport=53, flags="PA") / over_tcp,
        _eth() / _v4() / TCP(sport=53, dport=40001, flags="A"),
        _eth() / _v4() / UDP(sport=5353, dport=5353) / query,
        _eth() / _v4() / UDP(sport=40002, dport=5355) / query,
        _eth() / _v4() / UDP(sport=40003, dport=53),
        _eth(0x0806) / ARP(hwsrc=mac, psrc="198.18.0.1", pdst="198.18.0.2"),
        _eth(0x8035) / ARP(op=3, hwsrc=mac, hwdst=mac),
    ]
    return [bytes(f) for f in frames]


@pytest.mark.parametrize("text", ["dns", "not dns", "arp", "dns and tcp", "udp and not dns"])
def test_protocol_names_mean_the_dissected_protocol(tmp_path, text):
    """dns is DNS that was there (not a handshake on port 53); arp includes RARP."""
    path = _pcap(tmp_path / "dns.pcap", [(f, len(f)) for f in dns_frames()])
    assert matching(read_capture(path), text).tolist() == _tshark_keeps(path, text)
