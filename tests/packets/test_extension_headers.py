"""IPv6 extension headers against tshark 4.0: hop-by-hop and destination options, routing
headers of type 0, 2 and segment routing (with segments left and without), each dissected
with Wireshark's fields and offsets; TCP/UDP conversations keyed by a routing header's final
destination while segments are left (as Wireshark's are), IPv6 conversations and address
filters by the header's own destination.
"""

from __future__ import annotations

import logging
import shutil

import pytest
from test_dissect_vs_tshark import PROTO, _compare_fields, _pdml_protos
from test_tunnels import _our_conversations, _tshark_conversations, _tshark_keeps

from netcourse.packets import conversations, matching, read_capture
from netcourse.packets.synthetic import write_capture

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.inet import TCP, UDP  # noqa: E402
from scapy.layers.inet6 import (  # noqa: E402
    ICMPv6EchoRequest,
    IPv6,
    IPv6ExtHdrDestOpt,
    IPv6ExtHdrFragment,
    IPv6ExtHdrHopByHop,
    IPv6ExtHdrRouting,
    IPv6ExtHdrSegmentRouting,
)
from scapy.layers.l2 import Ether  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")


def extension_frames() -> list:
    def v6(dst="fd00::a", src="fd00::1"):
        return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IPv6(src=src, dst=dst)

    def udp(port):
        return UDP(sport=port, dport=9999) / b"data"

    route0 = IPv6ExtHdrRouting(type=0, addresses=["fd00::b", "fd00::c"], segleft=2)
    return [
        v6() / route0 / udp(40000),
        v6() / IPv6ExtHdrRouting(type=0, addresses=["fd00::b", "fd00::c"], segleft=1)
        / udp(40000),
        v6("fd00::1", "fd00::c") / UDP(sport=9999, dport=40000) / b"reply",  # no routing
        v6() / IPv6ExtHdrRouting(type=0, addresses=["fd00::b", "fd00::c"], segleft=0)
        / udp(40001),
        v6() / IPv6ExtHdrRouting(type=2, addresses=["fd00::d"], segleft=1) / udp(40002),
        v6() / IPv6ExtHdrSegmentRouting(addresses=["fd00::f", "fd00::e"], segleft=1,
                                        lastentry=1) / udp(40003),
        v6() / IPv6ExtHdrSegmentRouting(addresses=["fd00::f", "fd00::e"], segleft=0,
                                        lastentry=1) / udp(40004),
        v6("fd00::2") / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / TCP(sport=40005, dport=8000),
        v6("fd00::2") / IPv6ExtHdrHopByHop() / route0 / IPv6ExtHdrDestOpt()
        / TCP(sport=40006, dport=8000, flags="S"),
        v6("fd00::2") / IPv6ExtHdrDestOpt() / ICMPv6EchoRequest(),
        v6("fd00::2") / IPv6ExtHdrHopByHop() / IPv6ExtHdrFragment(id=1, offset=0, m=0)
        / udp(40007),  # an atomic fragment: offset 0, no more
    ]  # fmt: skip


FILTERS = [
    "ipv6",
    "udp",
    "tcp",
    "icmpv6",
    "ipv6.dst == fd00::c",
    "ipv6.addr == fd00::a",
    "udp.port == 40000",
    "tcp.flags.syn == 1",
]


@pytest.fixture(scope="module")
def extensions(tmp_path_factory):
    frames = [bytes(f) for f in extension_frames()]
    path = tmp_path_factory.mktemp("extensions") / "extensions.pcap"
    return write_capture(path, frames, [i * 0.001 for i in range(len(frames))])


@pytest.mark.parametrize("kind", ["ipv6", "tcp", "udp"])
def test_conversations_key_by_final_destination(extensions, kind):
    assert _our_conversations(extensions, kind) == _tshark_conversations(extensions, kind)


def test_routed_flow_and_its_reply_are_one_conversation(extensions):
    [routed] = [c for c in conversations(extensions, "udp") if c.port_a == 40000]
    assert (routed.address_b, routed.frames) == ("fd00::c", 3)


@pytest.mark.parametrize("text", FILTERS)
def test_filters_read_past_extension_headers(extensions, text):
    assert matching(read_capture(extensions), text).tolist() == _tshark_keeps(extensions, text)


def test_extension_header_fields_match_wireshark(extensions):
    assert _compare_fields(extensions, "extensions") > 0


def test_extension_headers_start_where_wireshark_says(extensions):
    cap = read_capture(extensions)
    known = set(PROTO.values())
    for number, protos in enumerate(_pdml_protos(extensions), start=1):
        d = cap.dissect(number)
        assert not d.malformed, (number, d.problems)
        ours = [(PROTO[la.name], la.offset) for la in d.layers if la.name in PROTO]
        assert ours == [(p[0], p[1]) for p in protos if p[0] in known], number
