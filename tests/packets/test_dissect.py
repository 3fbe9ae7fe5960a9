"""dissect(): field spans tile every header, errors speak to a learner, speed per packet."""

from __future__ import annotations

import logging
import time

import pytest

from netcourse.errors import PacketError
from netcourse.packets import SAMPLES, dissect, frame, read_capture
from netcourse.packets.dissect import _header_name

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import ARP, Dot1Q, Ether  # noqa: E402


def _all_frames():
    for name in SAMPLES:
        cap = read_capture(name)
        for number in range(1, len(cap) + 1):
            yield name, number, cap.frame(number)


@pytest.mark.parametrize(("name", "number", "data"), list(_all_frames()))
def test_field_bits_tile_each_header_and_layers_tile_the_frame(name, number, data):
    d = dissect(data)
    assert not d.malformed
    position = 0
    for layer in d.layers:
        assert layer.offset == position, (layer.name, "layers must follow each other")
        bit = layer.offset * 8
        for fld in layer.fields:
            assert fld.bit_offset == bit, (layer.name, fld.name, "gap or overlap in bits")
            bit += fld.bit_length
            assert fld.offset == fld.bit_offset // 8
            assert fld.end == -(-(fld.bit_offset + fld.bit_length) // 8)
        assert bit == layer.end * 8, (layer.name, "fields must cover the whole header")
        position = layer.end
    assert position == len(data)


def test_bit_fields_are_credited_with_the_bytes_that_hold_them():
    d = dissect(frame("http", 1))
    ip, tcp = d["IP"], d["TCP"]
    assert (ip["version"].offset, ip["version"].length) == (14, 1)
    assert (ip["ihl"].offset, ip["ihl"].length) == (14, 1)
    assert (ip["flags"].offset, ip["flags"].length, ip["flags"].value) == (20, 1, "DF")
    assert (ip["frag"].offset, ip["frag"].length) == (20, 2)
    assert (tcp["flags"].offset, tcp["flags"].length, tcp["flags"].raw) == (46, 2, 0x02)
    assert ip["proto"].value == "tcp" and ip["proto"].raw == 6
    assert dissect(frame("http", 2))["TCP"]["flags"].value == "SA"


def test_raw_values_are_wire_values():
    pkt = (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src="192.0.2.1", dst="198.51.100.7", ttl=3)
        / UDP(sport=5353, dport=53)
    )
    d = dissect(bytes(pkt))
    assert d["IP"]["src"].raw == "192.0.2.1"
    assert d["IP"]["ttl"].raw == 3
    assert d["UDP"]["dport"].raw == 53
    assert d["Ether"]["type"].raw == 0x0800
    assert bytes(pkt)[d["IP"]["ttl"].offset] == 3


def test_field_at_maps_bytes_back_to_fields():
    d = dissect(frame("vlan", 3))
    for layer in d.layers:
        for fld in layer.fields:
            found_layer, found = d.field_at(fld.offset)
            assert found_layer is layer
            assert found.offset <= fld.offset < found.end
    assert d.field_at(len(d.data)) is None
    assert d.field_at(14)[1].name == "prio"  # the tag's first byte holds prio, dei and vlan


def test_accepts_a_scapy_packet_and_bytearray():
    pkt = Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") / ARP(
        psrc="192.0.2.1", pdst="192.0.2.2"
    )
    assert dissect(pkt).summary == "Ether / ARP"
    assert dissect(bytearray(bytes(pkt))).summary == "Ether / ARP"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x00" * 13, "too short for an Ethernet header"),
        ("45000054", "takes the frame's bytes, not str"),
        (12, "not int"),
        (b"\x00" * 300_000, "larger than any capturable frame"),
    ],
)
def test_bad_input_raises_packet_error(data, message):
    with pytest.raises(PacketError, match=message):
        dissect(data)


def test_unknown_linktype_names_supported_ones():
    with pytest.raises(PacketError, match="link type 9999: not supported; supported are 1"):
        dissect(b"\x00" * 20, linktype=9999)


def test_unknown_layer_and_field_errors():
    d = dissect(frame("arp-icmp", 1))
    with pytest.raises(PacketError, match="no 'TCP' layer; its layers are: Ether, ARP"):
        d["TCP"]
    with pytest.raises(PacketError, match="ARP has no field 'ttl'"):
        d["ARP"]["ttl"]


@pytest.mark.parametrize("cut", [20, 30, 40, 50, 60])
def test_truncated_frames_are_marked_malformed(cut):
    data = frame("http", 1)[:cut]  # 74 bytes: Ether 14 + IP 20 + TCP 40
    d = dissect(data)
    assert d.malformed
    assert d.problems
    assert d.layers[0].name == "Ether"
    assert sum(layer.length for layer in d.layers) == cut


def test_length_field_beyond_the_frame_is_malformed():
    pkt = Ether() / IP(src="192.0.2.1", dst="192.0.2.2", len=500) / ICMP()
    d = dissect(bytes(pkt))
    assert d.malformed
    assert "IP len says 500 bytes" in d.problems[0]


def test_ipv6_vlan_and_tcp_built_in_a_cell():
    pkt = (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / Dot1Q(vlan=42)
        / IPv6(src="fd00::1", dst="fd00::2")
        / TCP(sport=1234, dport=443, flags="S")
    )
    d = dissect(bytes(pkt))
    assert [la.name for la in d.layers] == ["Ether", "Dot1Q", "IPv6", "TCP"]
    assert d["Dot1Q"]["vlan"].raw == 42
    assert d["IPv6"]["src"].offset == 14 + 4 + 8
    assert not d.malformed


def test_dissect_one_packet_under_5_ms():
    data = frame("http", 4)
    dissect(data)
    best = min(_timed(dissect, data) for _ in range(20))
    assert best < 0.005, f"dissect took {best * 1000:.2f} ms"


def _timed(fn, arg) -> float:
    start = time.perf_counter()
    fn(arg)
    return time.perf_counter() - start


def test_repr_and_html():
    d = dissect(frame("udp", 1))
    assert repr(d) == "<Dissection 53 bytes: Ether / IP / UDP / Raw>"
    assert "<table>" in d._repr_html_() and "sport" in d._repr_html_()


@pytest.fixture
def scapy_http():
    """scapy's HTTP layer, unbound from TCP again afterwards (importing it binds ports 80/8080
    for the whole test session, which other tests must not see)."""
    saved = list(TCP.payload_guess)
    from scapy.layers import http

    yield http
    TCP.payload_guess[:] = saved


def test_http_header_names_are_scapys(scapy_http):
    for cls in (scapy_http.HTTPRequest, scapy_http.HTTPResponse):
        for fld in cls.fields_desc:
            if fld.name not in ("Unknown_Headers", "Method", "Path", "Http_Version"):
                assert _header_name(fld.name.lower()) == fld.name


@pytest.mark.parametrize("number", [4, 6])
def test_http_heads_become_layers_whose_values_scapy_agrees_with(number, scapy_http):
    HTTP = scapy_http.HTTP

    data = frame("http", number)
    plain = dissect(data)
    assert plain.layers[-1].name == "Raw"  # the default stays scapy's view
    d = dissect(data, http=True)
    http = d.layers[3]
    assert http.name in ("HTTPRequest", "HTTPResponse")
    assert http.offset == plain.layers[-1].offset
    theirs = HTTP(data[http.offset :]).payload
    assert type(theirs).__name__ == http.name
    for fld in http.fields:
        if fld.name == "end_of_headers":
            assert data[fld.offset : fld.end] == b"\r\n"
            continue
        if fld.name in {f.name for f in theirs.fields_desc}:
            expected = theirs.getfieldval(fld.name)
        else:  # a header scapy does not name goes to Unknown_Headers
            expected = theirs.Unknown_Headers[fld.name.replace("_", "-").encode()]
        assert fld.raw == expected, fld.name
        assert fld.raw in data[fld.offset : fld.end]
    bit = http.offset * 8
    for fld in http.fields:
        assert fld.bit_offset == bit
        bit += fld.bit_length
    assert bit == http.end * 8


def test_http_with_a_body_keeps_the_body_raw(scapy_http):
    pkt = (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src="192.0.2.1", dst="192.0.2.2")
        / TCP(sport=40000, dport=8080, flags="PA")
        / b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
    )
    d = dissect(bytes(pkt), http=True)
    assert [la.name for la in d.layers] == ["Ether", "IP", "TCP", "HTTPRequest", "Raw"]
    assert d["HTTPRequest"]["Method"].value == "POST"
    assert d["Raw"]["load"].raw == b"hi"
    half = bytes(pkt)[:-20]  # the head is cut: no HTTP layer, the payload stays Raw
    assert dissect(half, http=True).layers[-1].name == "Raw"
    on_80 = bytes(pkt.__class__(bytes(pkt)))  # scapy binds its HTTP layer to port 80 once
    on_80 = on_80[:36] + (80).to_bytes(2, "big") + on_80[38:]  # imported: same view for us
    assert [la.name for la in dissect(on_80).layers][-1] == "Raw"
    assert not dissect(on_80).malformed
    assert dissect(on_80, http=True)["HTTPRequest"]["Host"].value == "a"
