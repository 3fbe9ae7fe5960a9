"""Display filters: the packets they keep match tshark's ``-Y`` on the same file; errors are clear.

Like Wireshark, the headers an ICMP error quotes count: ``udp`` keeps a "port unreachable".
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from netcourse.errors import FilterError
from netcourse.packets import SAMPLES, read_capture, sample
from netcourse.packets.filters import compile_filter, matching
from netcourse.packets.synthetic import synthetic_traffic, write_capture
from netcourse.protocols import LINK_TYPES

needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")

FILTERS = [
    "udp",
    "udp.dstport == 9 and ip.proto == 17",
    "arp or icmpv6",
    "vlan.id == 100 and icmp.type == 8 or tcp.srcport == 40000 and tcp.dstport == 8000",
    "ip.src == 198.18.0.0/24 and not icmp",
    "ip.dst == 198.18.100.2 || ipv6.addr == fd00::2",
    "ipv6.src == fd00::/8 and tcp",
    "tcp.port == 443 or udp.port == 53 or ip.addr == 203.0.113.9",
    "tcp.port == 8000 or udp.port == 7",
    "udp.dstport != 9 and ip",
    "not (tcp or udp) and frame.len > 50 and frame.len <= 86",
    # the fields and operators a learner reaches for, with Wireshark's meaning
    "tcp.flags.syn == 1",
    "tcp.flags.syn == 1 && tcp.flags.ack == 0",
    "tcp.flags.reset == 1 || tcp.flags.fin == 1",
    "tcp.flags.push == 1 and tcp.len > 0",
    "tcp.flags == 0x012",
    "!tcp.flags.ack == 1",
    "tcp.len == 0 and tcp",
    "frame.number <= 5 or frame.number in {10, 12, 40}",
    "ip.ttl == 64 or ip.ttl < 2",
    "udp.length > 20",
    "tcp.port in {8000, 443}",
    "ip.addr in {198.18.0.1, 198.18.100.2}",
    "dns or arp",
    "not dns and udp",
    "eth.addr == 02:00:5e:00:00:0a",
    "eth.dst == ff:ff:ff:ff:ff:ff or eth.src in {02:00:5e:00:00:0b}",
    "eth.src != 02:00:5e:00:00:0a and arp",
    # bare fields: the packet has the field (quoted headers in ICMP errors count)
    "tcp.port",
    "udp.port and not dns",
    "ip.addr and not tcp",
    "ipv6.addr",
    "eth.addr and vlan.id",
    "tcp.flags.syn and frame.len < 70",
    # the TCP analysis and stream numbers (shipped frames, the impaired capture's among them)
    "tcp.stream == 1",
    "tcp.stream in {0, 2, 5} and tcp.len > 0",
    "tcp.stream >= 3 && tcp.stream lt 6",
    "tcp.analysis.flags",
    "tcp.analysis.flags && !tcp.analysis.window_update",
    "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission or tcp.analysis.spurious_retransmission",
    "tcp.analysis.duplicate_ack",
    "tcp.analysis.zero_window || tcp.analysis.window_full",
    "tcp.analysis.lost_segment or tcp.analysis.ack_lost_segment",
    "tcp.analysis.out_of_order",
    "tcp.analysis.keep_alive or tcp.analysis.keep_alive_ack",
    "tcp.analysis.reused_ports",
    "tcp.analysis.window_update",
    # payload fields: DNS over UDP and TCP, not DNS on another port; HTTP requests
    "dns",
    "dns and tcp",
    "dns.qry.name",
    'dns.qry.name == "www.example.com"',
    "dns.qry.name eq mail.example.org",
    'dns.qry.name contains "example"',
    'dns.qry.name contains "ample.or" or dns.qry.name == "<Root>"',
    'dns.qry.name != "www.example.com"',
    'dns.qry.name in {"a.example.net", "www.example.com"}',
    "http.request.method",
    'http.request.method == "GET"',
    'http.request.method in {"POST", "PUT"}',
    'http.request.method contains "ET"',
]


def _icmp_errors() -> list[bytes]:
    """ICMP errors quoting IPv4/TCP and IPv6/UDP headers (their quoted fields count)."""
    import logging

    logging.getLogger("scapy").setLevel(logging.ERROR)
    from scapy.layers.inet import ICMP, IP, TCP, UDP
    from scapy.layers.inet6 import ICMPv6DestUnreach, IPv6
    from scapy.layers.l2 import Ether

    eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    quoted4 = IP(src="198.18.0.1", dst="203.0.113.9") / TCP(sport=40001, dport=443)
    quoted6 = IPv6(src="fd00::1", dst="fd00::99") / UDP(sport=40002, dport=53)
    return [
        bytes(eth / IP(src="198.51.100.1", dst="198.18.0.1") / ICMP(type=11) / bytes(quoted4)[:28]),
        bytes(eth / IPv6(src="fd00::2", dst="fd00::1") / ICMPv6DestUnreach(code=4) / quoted6),
    ]


def _dns_and_http() -> list[bytes]:
    """DNS queries and answers over UDP and TCP (several questions, a compressed answer, the
    root), DNS-shaped bytes on a port Wireshark does not take for DNS, and HTTP requests."""
    import logging

    logging.getLogger("scapy").setLevel(logging.ERROR)
    from scapy.layers.dns import DNS, DNSQR, DNSRR
    from scapy.layers.inet import IP, TCP, UDP
    from scapy.layers.l2 import Ether

    eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    ip = IP(src="198.18.0.1", dst="198.18.0.53")
    back = IP(src="198.18.0.53", dst="198.18.0.1")
    query = DNS(id=1, rd=1, qd=DNSQR(qname="www.example.com"))
    two = DNS(id=2, qd=[DNSQR(qname="mail.example.org"), DNSQR(qname="a.example.net")])
    answer = DNS(id=1, qr=1, qd=DNSQR(qname="www.example.com"),
                 an=DNSRR(rrname="www.example.com", rdata="192.0.2.7"))  # fmt: skip
    root = DNS(id=3, qd=DNSQR(qname=".", qtype="NS"))
    over_tcp = bytes(DNS(id=4, qd=DNSQR(qname="tcp.example.com")))
    frames = [
        eth / ip / UDP(sport=40053, dport=53) / query,
        eth / back / UDP(sport=53, dport=40053) / answer,
        eth / ip / UDP(sport=40054, dport=53) / two,
        eth / ip / UDP(sport=40055, dport=53) / root,
        eth / ip / UDP(sport=40056, dport=5300) / query,  # Wireshark's DNS heuristic takes it
        eth / ip / UDP(sport=40056, dport=5300) / DNS(id=5, opcode=2, qd=DNSQR(qname="x.org")),
        eth / ip / UDP(sport=40058, dport=5301) / (b"\x00\x07\x81\x80\x00\x02" + b"\x00" * 20),
        eth / ip / TCP(sport=40057, dport=53, flags="S", seq=10),
        eth / back / TCP(sport=53, dport=40057, flags="SA", seq=50, ack=11),
        eth / ip / TCP(sport=40057, dport=53, flags="A", seq=11, ack=51),
        eth
        / ip
        / TCP(sport=40057, dport=53, flags="PA", seq=11, ack=51)
        / (len(over_tcp).to_bytes(2, "big") + over_tcp),
    ]
    http = IP(src="198.18.0.1", dst="198.18.0.80")
    for port, line in ((40081, b"POST /form HTTP/1.1"), (40082, b"PUT /x HTTP/1.1")):
        frames.append(
            eth / http / TCP(sport=port, dport=80, flags="PA", seq=1, ack=1)
            / (line + b"\r\nHost: example.com\r\n\r\n")
        )  # fmt: skip
    return [bytes(f) for f in frames]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """All shipped frames plus synthetic IPv4/IPv6/VLAN TCP and UDP, in one pcap."""
    frames = []
    for name in SAMPLES:
        cap = read_capture(name)
        frames += [cap.frame(n) for n in range(1, len(cap) + 1)]
    extra, _ = synthetic_traffic(120, seed=11, conversations=10)
    frames += extra
    frames += _icmp_errors()
    frames += _dns_and_http()
    path = tmp_path_factory.mktemp("filters") / "mixed.pcap"
    return write_capture(path, frames, [i * 0.01 for i in range(len(frames))])


def _tshark_keeps(path, text: str) -> set[int]:
    out = subprocess.run(
        ["tshark", "-r", str(path), "-Y", text, "-T", "fields", "-e", "frame.number"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return {int(n) for n in out.split()}


@needs_tshark
@pytest.mark.parametrize("text", FILTERS)
def test_filter_keeps_what_tshark_keeps(mixed, text):
    cap = read_capture(mixed)
    theirs = _tshark_keeps(mixed, text)
    ours = set(matching(cap, text).tolist())
    assert ours == theirs
    assert "not" in text or "!=" in text or ours, "each filter should keep something"


#: Filters that tell the link types apart, on top of FILTERS.
LINK_FILTERS = [*FILTERS, "eth", "not eth", "vlan", "vlan.id == 42", "ipv6 and udp", "icmpv6"]


@needs_tshark
@pytest.mark.parametrize("text", LINK_FILTERS)
def test_filters_keep_what_tshark_keeps_on_every_link_type(mixed_links, text):
    """The bulk decoder finds the same headers behind every link type: one pcapng whose
    interfaces have all of them, frames interleaved."""
    cap = read_capture(mixed_links)
    assert {cap.linktype(n) for n in range(1, len(cap) + 1)} == set(LINK_TYPES)
    assert set(matching(cap, text).tolist()) == _tshark_keeps(mixed_links, text)


def test_empty_filter_keeps_everything():
    cap = read_capture("http")
    assert matching(cap, "  ").tolist() == list(range(1, 13))


def test_http_is_the_frame_a_message_ends_in():
    # the response's head is in frame 6 and its body in frame 8: Wireshark (and tshark -Y
    # http) shows the message in frame 8
    assert matching(read_capture("http"), "http").tolist() == [4, 8]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "tcp.prt == 80",
            "unknown field 'tcp.prt' (did you mean tcp.port, tcp.srcport or tcp.dstport?); "
            "known tcp fields: tcp.port, tcp.srcport, tcp.dstport, tcp.stream",
        ),
        ("foo.bar", "unknown field 'foo.bar'; known fields start with: dns, eth, frame, http"),
        ("dns.qry.nme", "unknown field 'dns.qry.nme' (did you mean dns.qry.name?)"),
        ("tcp.analysis.retransmision", "did you mean tcp.analysis.retransmission"),
        ("tcp.analysis.retransmission == 1", "is a flag a frame has or not: write it alone"),
        ("dns.qry.name > 3", "dns.qry.name is text: compare it with ==, != or contains"),
        ('dns.qry.name == "abc', "is a string that is never closed"),
        ("tcp.port contains 80", "tcp.port is a number"),
        ("tcp.stream == -1", "'-1' is not a number"),
        ("tpc", "unknown protocol 'tpc'; known protocols: eth"),
        ("tcp.port == http", "'http' is not a port number (0-65535)"),
        ("tcp.port == 70000", "'70000' is not a port number"),
        ("ip.addr == 10.0.0.256", "'10.0.0.256' is not an IPv4 address"),
        ("ip.addr == fd00::1", "is an IPv6 address: compare it with ipv6.addr"),
        ("ip.addr > 10.0.0.1", "addresses compare with == or !="),
        ("tcp and", "the filter ends too early"),
        ("tcp.port in 80", "tcp.port' in needs a set of values, like {80, 443}"),
        ("tcp.port in {80 443}", "the values in {...} are separated by commas"),
        ("tcp.port in {80,", "a '{' is never closed"),
        ("tcp.port in {}", "expected a value, not '}'"),
        ("tcp.prt in {80}", "unknown field 'tcp.prt'"),
        ("tcp.flags.syn == 2", "'2' is not a number (0-1)"),
        ("eth.addr == 02:00", "'02:00': not a MAC address"),
        ("eth.addr > 02:00:00:00:00:01", "MAC addresses compare with == or !="),
        ("(tcp or udp", "a '(' is never closed"),
        ("tcp udp", "unexpected 'udp': expected 'and', 'or' or the end"),
        ("tcp.port ==", "needs a value after it"),
        ("tcp # 1", "unexpected character '#'"),
        ("and tcp", "unexpected 'and'"),
    ],
)
def test_bad_filters_say_what_is_wrong(text, message):
    with pytest.raises(FilterError, match=re.escape(message)):
        compile_filter(text)


@needs_tshark
def test_a_bare_field_is_an_existence_test_as_in_tshark(mixed):
    """tshark takes a bare ``tcp.port`` as "the packet has a TCP port" (it used to be an
    error here); the quoted TCP header of an ICMP error has one too."""
    cap = read_capture(mixed)
    ours = set(matching(cap, "tcp.port").tolist())
    assert ours == _tshark_keeps(mixed, "tcp.port")
    assert ours > set(matching(cap, "tcp").tolist()) - set(matching(cap, "icmp").tolist())


def test_capture_fields_need_the_capture():
    cap = read_capture("impaired")
    flt = compile_filter("tcp.stream == 0")
    with pytest.raises(FilterError, match="tcp.stream is computed from the whole capture"):
        flt.mask(cap.columns, cap.lengths)
    assert flt.mask(cap.columns, cap.lengths, capture=cap).sum() == 204


def test_column_filters_stay_fast_on_200k_packets(tmp_path):
    """A filter of header fields reads numpy columns only: well under a second."""
    import time

    frames, times = synthetic_traffic(200_000, seed=3, conversations=300)
    cap = read_capture(write_capture(tmp_path / "big.pcap", frames, times))
    assert len(cap.columns.l4proto) == 200_000
    start = time.thread_time()
    kept = matching(cap, "tcp.port in {80, 443} && ip.ttl >= 1 || udp and !(frame.len < 60)")
    assert time.thread_time() - start < 1.0 and len(kept) > 0
    assert cap._tcp is None  # no TCP analysis was needed


def test_filter_must_be_text():
    with pytest.raises(FilterError, match="a filter is text, not int"):
        compile_filter(80)


@pytest.mark.parametrize(
    "text",
    [
        "(" * 5000 + "tcp" + ")" * 5000,
        "not " * 5000 + "tcp",
        "! " * 5000 + "udp",
        "(not " * 60 + "tcp" + ")" * 60,
        "(" * 5000,
    ],
)
def test_deep_nesting_is_a_filter_error_not_a_recursion_error(text):
    with pytest.raises(FilterError, match=r"nesting deeper than 100 levels of '\(' and 'not'"):
        compile_filter(text)


def test_nesting_up_to_the_limit_works_like_wireshark():
    cap = read_capture("udp")
    assert matching(cap, "(" * 100 + "icmp" + ")" * 100).tolist() == [4]
    assert matching(cap, "not " * 100 + "icmp").tolist() == [4]  # an even number of nots
    assert matching(cap, "not " * 99 + "icmp").tolist() == [1, 2, 3]
    assert matching(cap, " or ".join(["icmp"] * 5000)).tolist() == [4]  # long, but flat


def test_a_long_bad_filter_gives_a_short_message():
    with pytest.raises(FilterError) as info:
        compile_filter("tcp.port == " + "9" * 100_000)
    assert len(str(info.value)) < 300


#: Filters checked on each shipped capture as it is (real timings for the TCP analysis).
SHIPPED_FILTERS = [
    "tcp.analysis.flags",
    "tcp.analysis.retransmission || tcp.analysis.duplicate_ack",
    "tcp.analysis.zero_window and tcp.stream == 1",
    "tcp.stream eq 2 and tcp.len > 0",
    "tcp.port and not tcp.analysis.flags",
    "http.request.method or dns or arp",
]


@needs_tshark
@pytest.mark.parametrize("text", SHIPPED_FILTERS)
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_shipped_captures_filter_like_tshark(name, text):

    assert set(matching(read_capture(name), text).tolist()) == _tshark_keeps(sample(name), text)
