"""Tunnels inside reassembled IP fragments, against tshark 4.0.

Wireshark reassembles a fragmented outer datagram and dissects the tunnel it carries (GRE,
IP in IP, VXLAN over UDP, over IPv4 and IPv6 fragment headers) on the frame completing it:
the inner packet's conversations, filter fields, tcp.stream and Follow TCP Stream all belong
to that frame. The capture (fragcaptures.tunnel_fragment_frames) holds a TCP exchange behind
GRE whose data travels in fragments (one reply out of order), a VXLAN datagram whose inner
headers span three of its fifteen fragments, one datagram never completed, and fragments
carried inside VXLAN and GRE (reassembled behind the tunnel).
The packet list's rows of fragments are compared too: the completing frame lists the inner
packet, any other fragment says it is one.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from fragcaptures import fragment_frames, tunnel_fragment_frames
from tcp_scenarios import joined, tshark_follow, tshark_streams
from test_dissect_vs_tshark import CREDITED_WITH_WORD, FIELDS, PROTO, _expected, _pdml_protos
from test_tunnels import _our_conversations, _tshark_conversations, _tshark_keeps

from netcourse.packets import conversations, matching, read_capture
from netcourse.packets.follow import follow
from netcourse.packets.synthetic import write_capture
from netcourse.packets.tcpstream import tcp_segments

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")

FILTERS = [
    "ip",
    "ipv6",
    "tcp",
    "udp",
    "gre",
    "vxlan",
    "eth.addr == 02:00:00:00:01:01",
    "ip.addr == 192.0.2.83",
    "ip.addr == 198.18.2.1",
    "ip.src == 192.0.2.0/24",
    "ipv6.addr == fd00:1::85",
    "ip.proto == 47",
    "ip.proto == 6",
    "tcp.port == 8000",
    "tcp.flags.syn == 1",
    "tcp.len == 700",
    "tcp.len > 800",
    "udp.port == 4789",
    "udp.port == 9999",
    "udp.length > 900",
    "tcp.stream == 0",
    "tcp.stream == 2",
    "udp.port == 50020",
    "ip.addr == 192.0.2.97",
    "not tcp",
]


@pytest.fixture(scope="module")
def captures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tunnel-fragments")
    out = {}
    for name, frames in (("tunnels", tunnel_fragment_frames()), ("plain", fragment_frames())):
        data = [bytes(f) for f in frames]
        out[name] = write_capture(
            folder / f"{name}.pcap", data, [i * 0.001 for i in range(len(data))]
        )
    return out


@pytest.mark.parametrize("kind", ["eth", "ip", "ipv6", "tcp", "udp"])
def test_inner_conversations_are_the_completing_frames(captures, kind):
    theirs = _tshark_conversations(captures["tunnels"], kind)
    assert theirs
    assert _our_conversations(captures["tunnels"], kind) == theirs


@pytest.mark.parametrize("proto", ["tcp", "udp"])
def test_conversations_table(captures, proto):
    path = captures["tunnels"]
    ours = sorted(
        (*sorted((f"{c.address_a}:{c.port_a}", f"{c.address_b}:{c.port_b}")), c.frames, c.bytes)
        for c in conversations(path, proto)
    )
    assert ours == _tshark_conversations(path, proto)


@pytest.mark.parametrize("text", FILTERS)
def test_filters_see_the_inner_packet(captures, text):
    path = captures["tunnels"]
    assert matching(read_capture(path), text).tolist() == _tshark_keeps(path, text)


@pytest.mark.parametrize("name", ["tunnels", "plain"])
def test_streams_and_follow(captures, name):
    """tcp.stream of every segment (those in reassembled datagrams included) and the bytes
    Follow TCP Stream shows, which for a fragmented segment come from its datagram."""
    path = captures[name]
    segs = tcp_segments(path)
    theirs = tshark_streams(path)
    assert len(theirs) >= (5 if name == "tunnels" else 1)
    assert list(zip(segs.frame.tolist(), segs.stream.tolist())) == theirs
    for stream in range(segs.streams):
        chunks, gaps = tshark_follow(path, stream)
        ours = follow(path, stream)
        assert joined(ours.chunks) == chunks, (name, stream)
        assert [(g.direction, g.length) for g in ours.gaps] == gaps, (name, stream)
    if name == "tunnels":
        assert follow(path, 0).client == b"g" * 700 and follow(path, 0).server == b"h" * 900


def _reassembled_part(protos):
    """The protocols Wireshark dissects from the reassembled datagram: those after the point
    where positions start again from 0 (they count from the datagram's payload)."""
    for k in range(1, len(protos)):
        if protos[k][1] < protos[k - 1][1] and protos[k][0] in PROTO.values():
            return protos[k:]
    return []


@pytest.mark.parametrize("name", ["tunnels", "plain"])
def test_reassembled_datagram_dissects_as_wireshark_does(captures, name):
    """Capture.reassembled(n): the layers after the datagram's IP header, their fields'
    values and bytes (counted from the payload, as Wireshark's reassembled data source)."""
    path = captures[name]
    cap = read_capture(path)
    checked = fields = 0
    for number, protos in enumerate(_pdml_protos(path), start=1):
        d = cap.reassembled(number)
        theirs = _reassembled_part(protos)
        if d is None:
            assert not theirs, number
            continue
        assert not d.malformed, (number, d.problems)
        assert "reassembled from" in d.notes[0]
        head = d.layers[0].end if d.layers[0].name == "IP" else d["IPv6ExtHdrFragment"].end
        inner = [la for la in d.layers if la.offset >= head and la.name in PROTO]
        known = set(PROTO.values())
        assert [(PROTO[la.name], la.offset - head) for la in inner] == [
            (p[0], p[1]) for p in theirs if p[0] in known
        ], number
        cursor = 0
        for layer in inner:
            while theirs[cursor][0] != PROTO[layer.name]:
                cursor += 1
            ws_fields = theirs[cursor][2]
            cursor += 1
            for fld in layer.fields:
                target = FIELDS.get((layer.name, fld.name))
                if target is None:
                    continue
                elem = ws_fields[target[0]]
                assert fld.raw == _expected(target[1], elem), (number, fld)
                pos, size = int(elem.get("pos")), int(elem.get("size"))
                if fld.is_bits or target[0] in CREDITED_WITH_WORD:
                    assert pos <= fld.offset - head and fld.end - head <= pos + size
                else:
                    assert (fld.offset - head, fld.length) == (pos, size), (number, fld)
                fields += 1
        checked += 1
    assert checked == (9 if name == "tunnels" else 7)  # the datagrams completed in each
    assert fields >= 4 * checked


def _tshark_columns(path) -> list[list[str]]:
    out = subprocess.run(
        ["tshark", "-r", str(path), "-T", "fields", "-E", "separator=\t", "-e", "_ws.col.Source",
         "-e", "_ws.col.Destination", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    return [line.split("\t") for line in out.splitlines()]


@pytest.mark.parametrize("name", ["tunnels", "plain"])
def test_fragment_rows_are_listed_as_wireshark_lists_them(captures, name):
    """The packet list's rows of fragments: a frame completing a datagram shows the packet the
    datagram carries (Source, Destination, Protocol, Info), any other fragment Wireshark's
    words for a fragment, with its own IP header's addresses."""
    path = captures[name]
    theirs = _tshark_columns(path)
    cap = read_capture(path)
    rows = [i for i in range(len(cap)) if cap.columns.fragment[i]]
    assert len(rows) >= 20 and len(cap.columns.datagrams) == (9 if name == "tunnels" else 7)
    for i in rows:
        row = cap[i]
        expected = theirs[i]
        if row.protocol == "ICMP":  # the course's echo Info leaves out "/256, ttl=64"
            expected[3] = row.info if expected[3].startswith(row.info) else expected[3]
        assert [row.source, row.destination, row.protocol, row.info] == expected, (name, i + 1)


def test_fragments_name_their_protocol_as_wireshark_does(tmp_path):
    """A first fragment of each IP protocol of the course's vocabulary."""
    from fragcaptures import IP, _eth, fragment

    from netcourse.protocols import IP_PROTOCOLS

    frames = [
        _eth(0) / fragment(IP(src="198.18.0.1", dst="198.18.0.2", id=k + 1, proto=number)
                           / (b"\0" * 100), 48)[0]
        for k, number in enumerate(IP_PROTOCOLS.values())
    ]  # fmt: skip
    path = _write_frames(tmp_path / "protocols.pcap", frames)
    cap = read_capture(path)
    assert [[r.source, r.destination, r.protocol, r.info] for r in cap] == _tshark_columns(path)


def _write_frames(path, frames):
    data = [bytes(f) for f in frames]
    return write_capture(path, data, [i * 0.001 for i in range(len(data))])
