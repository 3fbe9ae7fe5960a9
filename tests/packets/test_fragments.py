"""IP fragments attributed as Wireshark does with its default reassembly, against tshark 4.0.

The capture (fragcaptures.py) holds IPv4 and IPv6 datagrams in order, reversed, incomplete,
overlapping and repeated. tshark is the oracle for conversations (the transport is credited
once, on the frame completing the datagram; every IPv4 fragment counts for ``conv,ip``, only
completing frames for ``conv,ipv6``), for filters, for which frame reassembles which, and for
the fragment headers' fields and offsets (``-T pdml``).
"""

from __future__ import annotations

import shutil

import pytest
from fragcaptures import fragment_frames
from test_dissect_vs_tshark import PROTO, _compare_fields, _pdml_protos
from test_tunnels import _our_conversations, _tshark, _tshark_conversations, _tshark_keeps

from netcourse.packets import matching, read_capture
from netcourse.packets.synthetic import write_capture

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")

FILTERS = [
    "ip",
    "ipv6",
    "udp",
    "tcp",
    "icmp",
    "udp.port == 9999",
    "udp.length > 1000",
    "tcp.len == 1000",
    "icmp.type == 8",
    "ip.proto == 17",
    "ip.addr == 198.18.0.3",
    "ipv6.addr == fd00::8",
    "not udp",
]


@pytest.fixture(scope="module")
def fragments(tmp_path_factory):
    frames = [bytes(f) for f in fragment_frames()]
    path = tmp_path_factory.mktemp("fragments") / "fragments.pcap"
    return write_capture(path, frames, [i * 0.001 for i in range(len(frames))])


@pytest.mark.parametrize("kind", ["eth", "ip", "ipv6", "tcp", "udp"])
def test_conversations_credit_the_completing_frame(fragments, kind):
    theirs = _tshark_conversations(fragments, kind)
    assert theirs
    assert _our_conversations(fragments, kind) == theirs


@pytest.mark.parametrize("text", FILTERS)
def test_filters_see_the_reassembled_datagram(fragments, text):
    assert matching(read_capture(fragments), text).tolist() == _tshark_keeps(fragments, text)


def test_each_fragment_knows_where_it_is_reassembled(fragments):
    out = _tshark(
        fragments, "-T", "fields", "-e", "frame.number", "-e", "ip.reassembled_in",
        "-e", "ipv6.reassembled.in", "-e", "ip.fragment", "-e", "ipv6.fragment",
    )  # fmt: skip
    cap = read_capture(fragments)
    cols = cap.columns
    completing = {}
    for line in out.splitlines():
        number, *fields = line.split("\t")
        fields = [f for f in fields if f]
        if fields and fields[0].isdigit():  # a fragment: where its datagram is reassembled
            assert int(cols.reassembled_in[int(number) - 1]) + 1 == int(fields[0]), number
            note = cap.dissect(int(number)).notes[0]
            assert f"reassembled in #{fields[0]}" in note and "fragment (offset" in note
        elif fields:  # the completing frame lists its fragments
            completing[int(number)] = sorted(int(f) for f in ",".join(fields).split(","))
    assert completing
    for number, frames in completing.items():
        ours = sorted(int(i) + 1 for i in (cols.reassembled_in == number - 1).nonzero()[0])
        assert ours == frames, number
        assert "reassembled from" in cap.dissect(number).notes[0]
    never = [n for n in range(1, len(cap) + 1) if cols.fragment[n - 1]]
    never = [n for n in never if cols.reassembled_in[n - 1] < 0]
    assert len(never) == 5  # IPv4 and IPv6 missing a middle fragment, and the repeated one
    assert all("never reassembled" in cap.dissect(n).notes[0] for n in never)
    assert not cap.dissect(len(cap)).notes


def test_fragment_headers_match_wireshark(fragments):
    assert _compare_fields(fragments, "fragments") > 0


def test_fragment_layers_start_where_wireshark_protocols_do(fragments):
    """Every frame but those completing a datagram (whose tree Wireshark builds from the
    reassembled bytes): a fragment's payload is data, not a transport header."""

    cap = read_capture(fragments)
    known = set(PROTO.values())
    compared = 0
    for number, protos in enumerate(_pdml_protos(fragments), start=1):
        if cap.columns.reassembled_in[number - 1] == number - 1:
            continue
        d = cap.dissect(number)
        assert not d.malformed, (number, d.problems)
        ours = [(PROTO[la.name], la.offset) for la in d.layers if la.name in PROTO]
        assert ours == [(p[0], p[1]) for p in protos if p[0] in known], number
        compared += 1
    assert compared > 10
