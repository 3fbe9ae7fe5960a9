"""PDUs on real bytes (netcourse.packets.pdus): spans of frames built with scapy and of the
shipped captures (against Wireshark), encapsulation, HTTP lines at layers 5-7, device reads."""

from __future__ import annotations

import logging
import shutil
import subprocess
import xml.etree.ElementTree as ET
from types import SimpleNamespace as NS

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.errors import PacketError
from netcourse.packets import (
    dissect,
    encapsulation,
    fields_read,
    frame,
    http_layers,
    payload,
    pdu_at,
    sample,
    spans,
)

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6  # noqa: E402
from scapy.layers.l2 import ARP, Dot1Q, Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
GET = b"GET / HTTP/1.1\r\nHost: 192.0.2.10\r\n\r\n"


def fake_dissection(pkt) -> NS:
    """A dissection built from scapy's own layer sizes (independent of netcourse.packets).

    Each layer gets one field covering its header and, where the protocol has one, its length
    field with the value scapy decoded, which is all that ``spans`` reads.
    """
    data = bytes(pkt)
    pkt = pkt.__class__(data)
    out, layer, offset = [], pkt, 0
    while layer is not None and not isinstance(layer, type(None)):
        whole = len(bytes(layer))
        carried = len(bytes(layer.payload)) if layer.payload else 0
        header = whole - carried
        fields = [NS(name="header", raw=None, offset=offset, length=header)]
        for name in ("len", "plen"):
            if name in layer.fields:
                fields.append(NS(name=name, raw=layer.getfieldval(name), offset=offset, length=0))
        out.append(NS(name=type(layer).__name__, fields=fields))
        offset += header
        layer = layer.payload if layer.payload else None
    return NS(layers=out, data=data)


def http_frame():
    return (
        Ether(src=MAC_A, dst=MAC_B)
        / IP(src="192.0.2.1", dst="192.0.2.10")
        / TCP(sport=40000, dport=80, flags="PA", seq=1, ack=1)
        / Raw(GET)
    )


def test_spans_of_an_http_frame():
    pkt = http_frame()
    found = spans(fake_dissection(pkt))
    # scapy decodes the payload as Raw, or as HTTP once scapy.layers.http is loaded
    assert [s.name for s in found[:3]] == ["Ether", "IP", "TCP"]
    assert all(s.protocol.osi == (5, 6, 7) for s in found[3:])
    eth, ip, tcp, raw = found[0], found[1], found[2], found[-1]
    data = bytes(pkt)
    assert (eth.start, eth.end) == (0, len(data))
    # the TCP segment is the IP packet's payload, which is the Ethernet frame's payload
    assert data[tcp.start : tcp.end] == bytes(pkt[IP].payload)
    assert data[ip.start : ip.end] == bytes(pkt[Ether].payload)
    assert (tcp.pdu, ip.pdu, eth.pdu) == ("segment", "packet", "frame")
    assert data[raw.start : raw.end] == GET
    assert ip.header_length == 20 and tcp.header_length == 20 and eth.header_length == 14


def test_udp_is_a_datagram_and_padding_is_not_payload():
    pkt = Ether(src=MAC_A, dst=MAC_B) / IP(src="192.0.2.1", dst="192.0.2.2") / UDP(dport=53)
    pkt = Ether(bytes(pkt) + b"\x00" * 18)  # padded to the 60-byte minimum
    found = spans(fake_dissection(pkt))
    by_name = {s.name: s for s in found}
    assert by_name["UDP"].pdu == "datagram"
    assert by_name["IP"].end == 14 + 28 and by_name["UDP"].end == 14 + 28
    assert by_name["Ether"].end == 60 and by_name["Padding"].start == 42


def test_vlan_and_ipv6_and_arp_spans():
    tagged = Ether(src=MAC_A, dst=MAC_B) / Dot1Q(vlan=20) / IP(src="192.0.2.1", dst="192.0.2.2")
    tagged = tagged / ICMP()
    found = spans(fake_dissection(tagged))
    assert [s.name for s in found] == ["Ether", "Dot1Q", "IP", "ICMP"]
    assert found[1].header_length == 4 and found[2].start == 18
    v6 = Ether(src=MAC_A, dst=MAC_B) / IPv6(src="fd00::1", dst="fd00::2") / ICMPv6EchoRequest()
    found = spans(fake_dissection(v6))
    assert found[1].header_length == 40 and found[1].end == len(bytes(v6))
    arp = Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="192.0.2.1", pdst="192.0.2.2")
    found = spans(fake_dissection(arp))
    assert found[1].protocol.label == "L2-L3" and found[1].header_length == 28


def test_pdu_at_names_the_innermost_header():
    dis = fake_dissection(http_frame())
    assert pdu_at(dis, 0).pdu == "frame"
    assert pdu_at(dis, 14).pdu == "packet"
    assert pdu_at(dis, 34).pdu == "segment"
    assert pdu_at(dis, 54).protocol.osi == (5, 6, 7)
    with pytest.raises(PacketError, match="outside every header"):
        pdu_at(dis, 10_000)
    with pytest.raises(PacketError, match="whole number"):
        pdu_at(dis, "x")
    with pytest.raises(PacketError, match="no layers"):
        spans(NS(layers=[]))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=200), st.binary(max_size=40))
def test_every_byte_belongs_to_exactly_one_header(offset, payload):
    pkt = http_frame()
    pkt[Raw].load = payload or b"x"
    dis = fake_dissection(pkt)
    size = len(bytes(pkt))
    if offset >= size:
        with pytest.raises(PacketError):
            pdu_at(dis, offset)
        return
    span = pdu_at(dis, offset)
    assert span.start <= offset < span.header_end
    holders = [s for s in spans(dis) if s.start <= offset < s.header_end]
    assert holders == [span]


TSHARK_NAMES = {"eth": "Ether", "vlan": "Dot1Q", "arp": "ARP", "ip": "IP", "ipv6": "IPv6"}
TSHARK_NAMES |= {"tcp": "TCP", "udp": "UDP"}


def tshark_protos(capture) -> list[dict[str, tuple[int, int]]]:
    """Per frame, tshark's header position and size for each protocol it shows (PDML)."""
    out = subprocess.run(
        ["tshark", "-r", str(capture), "-T", "pdml"],
        capture_output=True,
        timeout=60,
        check=True,
    ).stdout
    frames = []
    for packet in ET.fromstring(out).iter("packet"):
        found = {}
        for proto in packet.findall("proto"):
            name = proto.get("name")
            if name in TSHARK_NAMES and TSHARK_NAMES[name] not in found:
                found[TSHARK_NAMES[name]] = (int(proto.get("pos")), int(proto.get("size")))
        frames.append(found)
    return frames


@pytest.mark.parametrize("name", ["http", "arp-icmp", "udp", "ipv6", "vlan"])
def test_spans_agree_with_tshark_on_real_captures(name):
    if shutil.which("tshark") is None:
        pytest.skip("tshark is not installed (CI installs it)")
    wanted = tshark_protos(sample(name))
    for number, expected in enumerate(wanted, 1):
        dis = dissect(frame(name, number))
        # ICMP errors quote the offending packet's headers: tshark lists those once
        got = {}
        for span in spans(dis):
            got.setdefault(span.name, (span.start, span.header_length))
        for proto, pos_size in expected.items():
            assert got.get(proto) == pos_size, (name, number, proto)


def test_segment_is_packet_payload_is_frame_payload_in_the_real_http_get():
    dis = dissect(frame("http", 4))
    eth, ip, tcp, data = spans(dis)[:4]
    assert (eth.pdu, ip.pdu, tcp.pdu) == ("frame", "packet", "segment")
    assert dis.data[eth.header_end : eth.end] == dis.data[ip.start : ip.end]
    assert dis.data[ip.header_end : ip.end] == dis.data[tcp.start : tcp.end]
    assert dis.data[data.start : data.end].startswith(b"GET ")
    enc = encapsulation(dis)
    assert enc.size == len(dis.data) == enc.header_bytes + enc.data_bytes
    assert enc.overhead == pytest.approx(enc.header_bytes / len(dis.data))
    assert "application bytes" in repr(enc) and "<table>" in enc._repr_html_()
    udp = spans(dissect(frame("udp", 3)))
    assert [s.pdu for s in udp[:3]] == ["frame", "packet", "datagram"]
    ping = encapsulation(dissect(frame("vlan", 3)))
    assert ping.data_bytes == 0 and [s.name for s in ping.headers][:2] == ["Ether", "Dot1Q"]


def test_http_lines_are_placed_at_layers_5_to_7():
    request = (
        b"POST /api HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    )
    parts = http_layers(request)
    assert [line.osi for line in parts.lines] == [7, 7, 5, 6, 5, 6]
    assert parts.at(6)[-1].text == "(body: 2 bytes)" and "application/json" in parts.at(6)[-1].why
    response = http_layers(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
    assert [line.osi for line in response.lines] == [7, 5]
    assert "L5" in repr(response)
    with pytest.raises(PacketError, match="not an HTTP/1.x start line"):
        http_layers(b"SSH-2.0-OpenSSH\r\n\r\n")
    with pytest.raises(PacketError, match="not ASCII"):
        http_layers(b"\xff\xfe\r\n\r\n")
    with pytest.raises(PacketError, match="expected the HTTP message's bytes"):
        http_layers("GET / HTTP/1.1")


def test_http_layers_on_the_real_capture():
    request = http_layers(payload(dissect(frame("http", 4))))
    assert request.lines[0].text.startswith("GET ") and request.lines[0].osi == 7
    head = payload(dissect(frame("http", 6)))
    body = payload(dissect(frame("http", 8)))
    response = http_layers(head + body)
    length = next(line for line in response.lines if line.text.lower().startswith("content-length"))
    assert length.osi == 5 and int(length.text.split(":")[1]) == len(body)
    assert any(line.text.lower().startswith("content-type") for line in response.at(6))


def test_fields_read_point_at_standard_offsets():
    dis = dissect(frame("http", 4))
    switch = {(f.name, f.offset, f.length) for f in fields_read("switch", dis)}
    assert switch == {("dst", 0, 6), ("src", 6, 6)}  # no VLAN tag in this frame
    router = {(f.name, f.offset, f.length) for f in fields_read("router", dis)}
    assert router == {("dst", 30, 4), ("ttl", 22, 1)}  # RFC 791 offsets after 14 bytes
    assert fields_read("hub", dis) == ()
    tagged = fields_read("switch", dissect(frame("vlan", 3)))
    assert [f.name for f in tagged] == ["dst", "src", "vlan"]


def test_payload_is_what_tcp_or_udp_carries():
    get = dissect(frame("http", 4))
    ip_len, ihl = get["IP"]["len"].raw, get["IP"]["ihl"].raw * 4
    tcp_header = get["TCP"]["dataofs"].raw * 4
    data = payload(get)
    assert len(data) == ip_len - ihl - tcp_header and data.startswith(b"GET ")
    assert payload(dissect(frame("http", 1))) == b""  # a SYN carries nothing
    udp = dissect(frame("udp", 3))
    assert len(payload(udp)) == udp["UDP"]["len"].raw - 8
    with pytest.raises(PacketError, match="no TCP or UDP layer"):
        payload(dissect(frame("arp-icmp", 1)))


_REAL = [("http", 4), ("http", 1), ("udp", 3), ("udp", 4), ("arp-icmp", 1), ("vlan", 3)]
_REAL += [("ipv6", 1), ("ipv6", 3)]


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(_REAL),
    st.integers(min_value=0, max_value=260),
    st.binary(min_size=1, max_size=4),
    st.integers(min_value=0, max_value=200),
)
def test_spans_of_mutated_real_frames_stay_inside_the_frame(where, at, patch, cut):
    data = bytearray(frame(*where))
    at %= len(data)
    data[at : at + len(patch)] = patch
    data = bytes(data[: max(14, len(data) - cut)])
    try:
        dis = dissect(data)
        found = spans(dis)
    except PacketError:
        return
    for span in found:
        assert 0 <= span.start <= span.header_end <= len(data)
        assert span.header_end <= span.end <= len(data)
    enc = encapsulation(dis)
    assert 0 <= enc.header_bytes <= enc.size == len(data)
    for offset in (0, len(data) // 2, len(data) - 1):
        try:
            span = pdu_at(dis, offset)
        except PacketError:
            continue
        assert span.start <= offset < span.header_end
