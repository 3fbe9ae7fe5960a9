"""Display filters: the packets they keep match tshark's ``-Y`` on the same file; errors are clear.

Like Wireshark, the headers an ICMP error quotes count: ``udp`` keeps a "port unreachable".
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from netcourse.errors import FilterError
from netcourse.packets import SAMPLES, read_capture
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


def test_http_is_recognised_by_its_first_bytes():
    assert matching(read_capture("http"), "http").tolist() == [4, 6]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tcp.prt == 80", "unknown field 'tcp.prt'; known fields: ip.addr"),
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
        ("tcp.port", "tcp.port needs a comparison, like tcp.port == 80"),
        ("tcp.port ==", "needs a value after it"),
        ("tcp # 1", "unexpected character '#'"),
        ("and tcp", "unexpected 'and'"),
    ],
)
def test_bad_filters_say_what_is_wrong(text, message):
    with pytest.raises(FilterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compile_filter(text)


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
