"""The OSI/TCP-IP reference data and PDU spans on frames built with scapy."""

from __future__ import annotations

import functools
import logging
from types import SimpleNamespace as NS

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse import layers
from netcourse.errors import NetcourseError, PacketError

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6  # noqa: E402
from scapy.layers.l2 import ARP, Dot1Q, Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
GET = b"GET / HTTP/1.1\r\nHost: 192.0.2.10\r\n\r\n"


def fake_dissection(pkt) -> NS:
    """A dissection built from scapy's own layer sizes (independent of netcourse.layers).

    Each layer gets one field covering its header and, where the protocol has one, its length
    field with the value scapy decoded, which is all that ``spans`` reads.
    """
    data = bytes(pkt)
    pkt = pkt.__class__(data)
    out, layer, offset = [], pkt, 0
    while layer is not None and not isinstance(layer, type(None)):
        whole = len(bytes(layer))
        payload = len(bytes(layer.payload)) if layer.payload else 0
        header = whole - payload
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


def test_every_layer_once_with_its_pdu():
    assert [entry.number for entry in layers.OSI] == list(range(1, 8))
    assert layers.layer(1).pdu == "bits"
    assert layers.layer(2).pdu == "frame"
    assert layers.layer(3).pdu == "packet"
    assert "segment" in layers.layer(4).pdu and "datagram" in layers.layer(4).pdu
    covered = sorted(n for numbers in layers.TCPIP.values() for n in numbers)
    assert covered == list(range(1, 8))
    for name, numbers in layers.TCPIP.items():
        assert all(layers.layer(n).tcpip == name for n in numbers)


def test_where_popular_tables_go_wrong():
    icmp = layers.layer_of("ICMP")
    assert icmp.osi == (3,) and "IP" in icmp.carried_in and "firewall" in icmp.note
    arp = layers.layer_of("ARP")
    assert arp.osi == (2, 3) and "not IP" in arp.carried_in
    assert {d.name for d in layers.devices_at(4)} >= {
        "firewall (stateful packet filter)",
        "load balancer (layer 4)",
    }
    at7 = {d.name for d in layers.devices_at(7)}
    assert "load balancer (layer 7)" in at7 and any("firewall" in name for name in at7)
    assert layers.layer_of("UDP").pdu == "datagram" and layers.layer_of("TCP").pdu == "segment"


@pytest.mark.parametrize(
    "name, osi",
    [
        ("Ether", (2,)),
        ("Dot1Q", (2,)),
        ("ARP", (2, 3)),
        ("IP", (3,)),
        ("IPv6", (3,)),
        ("ICMP", (3,)),
        ("ICMPv6EchoRequest", (3,)),
        ("ICMPv6ND_NS", (3,)),
        ("TCP", (4,)),
        ("UDP", (4,)),
        ("Raw", (5, 6, 7)),
        ("HTTP", (5, 6, 7)),
        ("HTTPRequest", (5, 6, 7)),
    ],
)
def test_layer_of_scapy_names(name, osi):
    assert layers.layer_of(name).osi == osi


_SCAPY_LAYERS = """
import json, logging
logging.getLogger("scapy").setLevel(logging.ERROR)
import scapy.layers.dns, scapy.layers.http, scapy.layers.inet, scapy.layers.inet6, scapy.layers.l2
from scapy.config import conf
print(json.dumps({cls.__name__: [f.name for f in cls.fields_desc] for cls in conf.layers}))
"""


@functools.lru_cache(maxsize=1)
def scapy_layers() -> dict[str, list[str]]:
    """Every scapy layer class and its field names, read in a child process.

    Importing scapy.layers.http rebinds TCP ports 80 and 8080 for the whole process, so the
    import happens in a child and never changes how other tests dissect.
    """
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _SCAPY_LAYERS], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_scapy_names_are_real_scapy_layers():
    real = set(scapy_layers())
    wanted = {
        "Ether",
        "Dot1Q",
        "ARP",
        "IP",
        "IPv6",
        "ICMP",
        "ICMPv6EchoRequest",
        "TCP",
        "UDP",
        "DNS",
    }
    wanted |= {"Raw", "Padding", "HTTP", "HTTPRequest", "HTTPResponse"}
    assert wanted <= real
    for name in wanted:
        assert name in layers.layer_of(name).scapy or name.startswith("ICMPv6")


def test_unknown_names_give_course_errors():
    with pytest.raises(PacketError, match="'Bogus': no layer placement"):
        layers.layer_of("Bogus")
    assert layers.layer_of("Bogus", default=None) is None
    with pytest.raises(NetcourseError, match="expected a number 1-7"):
        layers.layer(8)
    with pytest.raises(NetcourseError, match="is not a device"):
        layers.device("toaster")
    with pytest.raises(NetcourseError, match="ambiguous"):
        layers.device("load balancer")
    assert layers.layer("L3") is layers.layer("network") is layers.layer(3)


def test_device_fields_name_real_scapy_fields():
    known = scapy_layers()
    for dev in layers.DEVICES:
        for dotted in dev.fields:
            cls_name, field = dotted.split(".")
            assert field in known[cls_name], dotted
    assert layers.device("hub").fields == ()
    assert layers.device("switch").osi == (2,)


def test_table_top_down_text_and_html():
    tab = layers.table()
    assert [row.number for row in tab.rows] == [7, 6, 5, 4, 3, 2, 1]
    text = repr(tab)
    assert text.splitlines()[1].startswith("7") and "Application" in text
    html = tab._repr_html_()
    assert html.count("<tr data-layer=") == 7 and "datagram" in html


def test_spans_of_an_http_frame():
    pkt = http_frame()
    found = layers.spans(fake_dissection(pkt))
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
    found = layers.spans(fake_dissection(pkt))
    by_name = {s.name: s for s in found}
    assert by_name["UDP"].pdu == "datagram"
    assert by_name["IP"].end == 14 + 28 and by_name["UDP"].end == 14 + 28
    assert by_name["Ether"].end == 60 and by_name["Padding"].start == 42


def test_vlan_and_ipv6_and_arp_spans():
    tagged = Ether(src=MAC_A, dst=MAC_B) / Dot1Q(vlan=20) / IP(src="192.0.2.1", dst="192.0.2.2")
    tagged = tagged / ICMP()
    found = layers.spans(fake_dissection(tagged))
    assert [s.name for s in found] == ["Ether", "Dot1Q", "IP", "ICMP"]
    assert found[1].header_length == 4 and found[2].start == 18
    v6 = Ether(src=MAC_A, dst=MAC_B) / IPv6(src="fd00::1", dst="fd00::2") / ICMPv6EchoRequest()
    found = layers.spans(fake_dissection(v6))
    assert found[1].header_length == 40 and found[1].end == len(bytes(v6))
    arp = Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="192.0.2.1", pdst="192.0.2.2")
    found = layers.spans(fake_dissection(arp))
    assert found[1].protocol.label == "L2-L3" and found[1].header_length == 28


def test_pdu_at_names_the_innermost_header():
    dis = fake_dissection(http_frame())
    assert layers.pdu_at(dis, 0).pdu == "frame"
    assert layers.pdu_at(dis, 14).pdu == "packet"
    assert layers.pdu_at(dis, 34).pdu == "segment"
    assert layers.pdu_at(dis, 54).protocol.osi == (5, 6, 7)
    with pytest.raises(PacketError, match="outside every header"):
        layers.pdu_at(dis, 10_000)
    with pytest.raises(PacketError, match="whole number"):
        layers.pdu_at(dis, "x")
    with pytest.raises(PacketError, match="no layers"):
        layers.spans(NS(layers=[]))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=200), st.binary(max_size=40))
def test_every_byte_belongs_to_exactly_one_header(offset, payload):
    pkt = http_frame()
    pkt[Raw].load = payload or b"x"
    dis = fake_dissection(pkt)
    size = len(bytes(pkt))
    if offset >= size:
        with pytest.raises(PacketError):
            layers.pdu_at(dis, offset)
        return
    span = layers.pdu_at(dis, offset)
    assert span.start <= offset < span.header_end
    holders = [s for s in layers.spans(dis) if s.start <= offset < s.header_end]
    assert holders == [span]


# --- on the shipped real captures, against Wireshark ---------------------------------------

TSHARK_NAMES = {"eth": "Ether", "vlan": "Dot1Q", "arp": "ARP", "ip": "IP", "ipv6": "IPv6"}
TSHARK_NAMES |= {"tcp": "TCP", "udp": "UDP"}


def tshark_protos(capture) -> list[dict[str, tuple[int, int]]]:
    """Per frame, tshark's header position and size for each protocol it shows (PDML)."""
    import subprocess
    import xml.etree.ElementTree as ET

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
    import shutil

    from netcourse.packets import dissect, sample
    from netcourse.packets import frame as read_frame

    if shutil.which("tshark") is None:
        pytest.skip("tshark is not installed (CI installs it)")
    wanted = tshark_protos(sample(name))
    for number, expected in enumerate(wanted, 1):
        dis = dissect(read_frame(name, number))
        # ICMP errors quote the offending packet's headers: tshark lists those once
        got = {}
        for span in layers.spans(dis):
            got.setdefault(span.name, (span.start, span.header_length))
        for proto, pos_size in expected.items():
            assert got.get(proto) == pos_size, (name, number, proto)


def test_segment_is_packet_payload_is_frame_payload_in_the_real_http_get():
    from netcourse.packets import dissect, frame

    dis = dissect(frame("http", 4))
    eth, ip, tcp, data = layers.spans(dis)[:4]
    assert (eth.pdu, ip.pdu, tcp.pdu) == ("frame", "packet", "segment")
    assert dis.data[eth.header_end : eth.end] == dis.data[ip.start : ip.end]
    assert dis.data[ip.header_end : ip.end] == dis.data[tcp.start : tcp.end]
    assert dis.data[data.start : data.end].startswith(b"GET ")
    enc = layers.encapsulation(dis)
    assert enc.size == len(dis.data) == enc.header_bytes + enc.data_bytes
    assert enc.overhead == pytest.approx(enc.header_bytes / len(dis.data))
    assert "application bytes" in repr(enc) and "<table>" in enc._repr_html_()
    udp = layers.spans(dissect(frame("udp", 3)))
    assert [s.pdu for s in udp[:3]] == ["frame", "packet", "datagram"]
    ping = layers.encapsulation(dissect(frame("vlan", 3)))
    assert ping.data_bytes == 0 and [s.name for s in ping.headers][:2] == ["Ether", "Dot1Q"]


def test_encapsulation_figure_draws_the_real_byte_counts():
    from netcourse.packets import dissect, frame
    from netcourse.plots.layers import encapsulation_figure, layer_models_figure

    enc = layers.encapsulation(dissect(frame("http", 4)))
    fig = encapsulation_figure("http", 4)
    ax = fig.axes[0]
    texts = " ".join(t.get_text() for t in ax.texts)
    for span in enc.spans:
        assert f"{span.header_length} B" in texts
    assert f"{enc.size}-byte frame" in ax.get_title() and ax.get_ylabel()
    assert len(ax.get_yticklabels()) == len(enc.spans)
    tagged = encapsulation_figure(dissect(frame("vlan", 3)))  # a dissection works too
    assert "Dot1Q" in " ".join(t.get_text() for t in tagged.axes[0].texts)
    with pytest.raises(PacketError, match="frame number"):
        encapsulation_figure("http", None)
    models = layer_models_figure().axes[0]
    labels = " ".join(t.get_text() for t in models.texts)
    assert all(entry.name in labels for entry in layers.OSI)
    assert all(name in labels for name in layers.TCPIP)


# --- the lesson's checks ---------------------------------------------------------------------


def _assert_hidden(feedback, *answers):
    assert feedback.ok is False
    for answer in answers:
        assert str(answer) not in feedback.message + feedback.hint


def test_check_pdu_at_offset():
    from netcourse.checks import layers as check
    from netcourse.packets import dissect, frame

    dis = dissect(frame(*check.PDU_FRAME))
    holder = next(
        layer
        for layer in reversed(dis.layers)
        if layer.offset <= check.PDU_OFFSET < layer.offset + layer.length
    )
    right = layers.layer_of(holder.name).pdu
    assert check.pdu_at_offset.feedback(right).ok
    assert check.pdu_at_offset.feedback(f"  {right.upper()} ").ok
    for bad in ("frame", "packet", "segment", "message", "bits"):
        if bad != right:
            _assert_hidden(check.pdu_at_offset.feedback(bad), right)
    _assert_hidden(check.pdu_at_offset.feedback("banana"), right)
    assert check.pdu_at_offset.feedback(...).ok is None


def test_check_segment_bytes():
    from netcourse.checks import layers as check
    from netcourse.packets import dissect, frame

    dis = dissect(frame(*check.SEGMENT_FRAME))
    total_ip = dis["IP"]["len"].raw
    ihl = dis["IP"]["ihl"].raw * 4
    segment = total_ip - ihl  # RFC 791: total length minus the IP header
    assert check.segment_bytes.feedback(segment).ok
    data_offset = dis["TCP"]["dataofs"].raw * 4
    for bad in (len(dis.data), total_ip, data_offset, segment - data_offset, 1, "132"):
        _assert_hidden(check.segment_bytes.feedback(bad), segment)


def test_check_device_layers():
    from netcourse.checks import layers as check

    right = {"hub": 1, "switch": 2, "router": 3}
    right |= {"firewall (stateful packet filter)": 4, "web application firewall": 7}
    assert set(right) == set(check.DEVICES_ASKED)
    assert check.device_layers.feedback(right).ok
    assert check.device_layers.feedback({**right, "router": "network"}).ok
    wrong = check.device_layers.feedback({**right, "switch": 3})
    _assert_hidden(wrong, "2")
    assert "switch" in wrong.message
    assert check.device_layers.feedback({"hub": 1}).ok is False
    assert check.device_layers.feedback([1, 2, 3]).ok is False


def test_check_switch_action():
    from netcourse.checks import layers as check

    # worked out by hand from the VLAN plan: C is on a VLAN-20 port, A was learned in VLAN 10
    # only, so the frame is an unknown unicast in VLAN 20 and floods to VLAN 20's other port
    vlan20 = [p for p, vlan in check.SWITCH_PORTS.items() if vlan == 20]
    sender_port = check.SWITCH_HOSTS["C"][1]
    right = ("flood", tuple(p for p in vlan20 if p != sender_port))
    assert check.switch_action.feedback(right).ok
    assert check.switch_action.feedback(["FLOOD", list(right[1])]).ok
    for bad in (("forward", (1,)), ("flood", (1, 2, 4, 5)), ("filter", ()), ("jump", (4,))):
        assert check.switch_action.feedback(bad).ok is False
    assert check.switch_action.feedback("flood").ok is False


def test_check_vlan_id():
    from netcourse.checks import layers as check
    from netcourse.data import path

    logging_quiet = __import__("logging").getLogger("scapy")
    logging_quiet.setLevel(40)
    from scapy.utils import rdpcap

    name, number = check.VLAN_FRAME
    pkt = rdpcap(str(next(path("captures").glob(f"{name}.pcap*"))))[number - 1]
    right = pkt[Dot1Q].vlan
    assert check.vlan_id.feedback(right).ok
    for bad in (0x8100, (pkt[Dot1Q].prio << 13) | right | 0x1000, right + 1, "x"):
        _assert_hidden(check.vlan_id.feedback(bad), right)


def test_check_grpc_size():
    from netcourse.checks import layers as check
    from netcourse.encodings import encode

    body = encode(check.GRPC_RECORD, "protobuf").data
    assert check.grpc_size.feedback(5 + len(body)).ok
    for bad in (len(body), len(encode(check.GRPC_RECORD, "JSON").data) + 5, 4 + len(body)):
        _assert_hidden(check.grpc_size.feedback(bad), 5 + len(body))


# --- the PDU view widget, headless -----------------------------------------------------------


def test_pdu_view_highlights_each_span():
    from netcourse.packets import dissect, frame
    from netcourse.widgets.layers import PduView

    view = PduView("http", 4)
    found = layers.spans(dissect(frame("http", 4)))
    for span in found:
        view.select(span.name)
        html = view.bytes_view.value
        assert html.count("color:white") == span.header_length
        assert html.count('40"') == span.length - span.header_length  # light payload bytes
        assert f"bytes {span.start}-{span.end - 1}" in view.detail.value
        assert "font-weight:bold" in view.table.value
    view.select("segment")
    assert view.span.name == "TCP" and repr(view) == "PduView(166-byte frame, TCP segment selected)"
    with pytest.raises(PacketError, match="this frame's layers are"):
        view.select("DNS")
    view.choice.value = 1
    assert view.span.name == "IP" and view.errors.value == ""


# --- HTTP/1.1 across layers 5-7, and what each device reads ----------------------------------


def test_http_lines_are_placed_at_layers_5_to_7():
    request = (
        b"POST /api HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    )
    parts = layers.http_layers(request)
    assert [line.osi for line in parts.lines] == [7, 7, 5, 6, 5, 6]
    assert parts.at(6)[-1].text == "(body: 2 bytes)" and "application/json" in parts.at(6)[-1].why
    response = layers.http_layers(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
    assert [line.osi for line in response.lines] == [7, 5]
    assert "L5" in repr(response)
    with pytest.raises(PacketError, match="not an HTTP/1.x start line"):
        layers.http_layers(b"SSH-2.0-OpenSSH\r\n\r\n")
    with pytest.raises(PacketError, match="not ASCII"):
        layers.http_layers(b"\xff\xfe\r\n\r\n")
    with pytest.raises(PacketError, match="expected the HTTP message's bytes"):
        layers.http_layers("GET / HTTP/1.1")


def test_http_layers_on_the_real_capture():
    from netcourse.packets import dissect, frame

    request = layers.http_layers(layers.payload(dissect(frame("http", 4))))
    assert request.lines[0].text.startswith("GET ") and request.lines[0].osi == 7
    head = layers.payload(dissect(frame("http", 6)))
    body = layers.payload(dissect(frame("http", 8)))
    response = layers.http_layers(head + body)
    length = next(line for line in response.lines if line.text.lower().startswith("content-length"))
    assert length.osi == 5 and int(length.text.split(":")[1]) == len(body)
    assert any(line.text.lower().startswith("content-type") for line in response.at(6))


def test_fields_read_point_at_standard_offsets():
    from netcourse.packets import dissect, frame

    dis = dissect(frame("http", 4))
    switch = {(f.name, f.offset, f.length) for f in layers.fields_read("switch", dis)}
    assert switch == {("dst", 0, 6), ("src", 6, 6)}  # no VLAN tag in this frame
    router = {(f.name, f.offset, f.length) for f in layers.fields_read("router", dis)}
    assert router == {("dst", 30, 4), ("ttl", 22, 1)}  # RFC 791 offsets after 14 bytes
    assert layers.fields_read("hub", dis) == ()
    tagged = layers.fields_read("switch", dissect(frame("vlan", 3)))
    assert [f.name for f in tagged] == ["dst", "src", "vlan"]


def test_layer_inspector_lights_up_whole_pdus_in_the_inspector():
    from netcourse.packets import dissect, frame
    from netcourse.widgets.layers import LayerInspector
    from netcourse.widgets.packets import hex_dump_html

    view = LayerInspector("http")
    view.inspector.show_packet(4)
    dis = view.inspector.dissection  # the inspector may decode HTTP where dissect() does not
    assert dis.data == frame("http", 4)
    for span in layers.spans(dis):
        shown = view.show_pdu(span.name)
        assert shown == span
        assert view.inspector.hex.value == hex_dump_html(dis.data, span.start, span.end)
        assert f"bytes {span.start}-{span.end - 1}" in view.note.value
    view.show_pdu("packet")
    assert repr(view) == "LayerInspector(packet 4, IP packet: bytes 14-165)"
    with pytest.raises(PacketError, match="this packet's PDUs are"):
        view.show_pdu("datagram")
    view.inspector.show_packet(1)  # another packet: the menu follows it, nothing selected
    assert view.pdu.value == -1 and repr(view) == "LayerInspector(packet 1)"
    view.inspector.select_field("TCP", "sport")
    assert view.table.value.count("font-weight:bold") == 1  # the TCP row only
    view.pdu.value = 0  # choosing from the menu works like show_pdu
    first = dissect(frame("http", 1)).data
    assert view.inspector.hex.value == hex_dump_html(first, 0, len(first))


def test_payload_is_what_tcp_or_udp_carries():
    from netcourse.packets import dissect, frame

    get = dissect(frame("http", 4))
    ip_len, ihl = get["IP"]["len"].raw, get["IP"]["ihl"].raw * 4
    tcp_header = get["TCP"]["dataofs"].raw * 4
    data = layers.payload(get)
    assert len(data) == ip_len - ihl - tcp_header and data.startswith(b"GET ")
    assert layers.payload(dissect(frame("http", 1))) == b""  # a SYN carries nothing
    udp = dissect(frame("udp", 3))
    assert len(layers.payload(udp)) == udp["UDP"]["len"].raw - 8
    with pytest.raises(PacketError, match="no TCP or UDP layer"):
        layers.payload(dissect(frame("arp-icmp", 1)))


def test_protocol_stacks_cover_layers_3_to_7_once():
    from netcourse.plots.layers import protocol_stacks_figure

    for name, parts in layers.STACKS.items():
        assert sorted(number for _, number in parts) == [3, 4, 5, 6, 7], name
    assert "UDP" in dict((n, t) for t, n in layers.STACKS["HTTP/3"])[4]
    assert "protobuf" in dict((n, t) for t, n in layers.STACKS["gRPC"])[6]
    ax = protocol_stacks_figure().axes[0]
    assert len(ax.patches) == sum(len(parts) for parts in layers.STACKS.values())
    assert [t.get_text() for t in ax.get_xticklabels()] == list(layers.STACKS)


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
    from netcourse.packets import dissect, frame

    data = bytearray(frame(*where))
    at %= len(data)
    data[at : at + len(patch)] = patch
    data = bytes(data[: max(14, len(data) - cut)])
    try:
        dis = dissect(data)
        found = layers.spans(dis)
    except PacketError:
        return
    for span in found:
        assert 0 <= span.start <= span.header_end <= len(data)
        assert span.header_end <= span.end <= len(data)
    enc = layers.encapsulation(dis)
    assert 0 <= enc.header_bytes <= enc.size == len(data)
    for offset in (0, len(data) // 2, len(data) - 1):
        try:
            span = layers.pdu_at(dis, offset)
        except PacketError:
            continue
        assert span.start <= offset < span.header_end


def test_layer_inspector_marks_what_each_device_reads():
    from netcourse.widgets.layers import LayerInspector, marked_hex_html

    view = LayerInspector("http")
    view.inspector.show_packet(4)
    dis = view.inspector.dissection
    router = view.show_device("router")
    # RFC 791: TTL is byte 8 of the IP header, the destination bytes 16-19 (after 14 of Ethernet)
    assert {(f.offset, f.end) for f in router} == {(22, 23), (30, 34)}
    assert view.inspector.hex.value == marked_hex_html(dis.data, [(22, 23), (30, 34)])
    assert "byte 22" in view.note.value and repr(view).endswith("what a router reads)")
    assert view.show_device("hub") == () and "reads nothing" in view.note.value
    view.show_pdu("segment")  # a PDU replaces the device's marks
    assert view.device.value == "" and "TCP segment" in repr(view)
    view.device.value = "switch"  # choosing from the menu works like show_device
    assert view.inspector.hex.value == marked_hex_html(dis.data, [(0, 6), (6, 12)])
    view.device.value = "web application firewall"
    assert "PacketError" not in view.errors.value and view.errors.value == ""
    with pytest.raises(NetcourseError, match="is not a device"):
        view.show_device("toaster")
    assert marked_hex_html(bytes(range(20)), [(3, 5)]).count("<mark") == 4  # hex and ASCII
