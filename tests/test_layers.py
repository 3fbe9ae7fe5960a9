"""The OSI/TCP-IP reference data (netcourse.layers), with the lesson's figures, checks and
widgets built on it. PDUs on real bytes are tested in tests/packets/test_pdus.py."""

from __future__ import annotations

import functools
import logging
import re

import pytest

from netcourse import layers
from netcourse.errors import NetcourseError, PacketError
from netcourse.packets import encapsulation, spans

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.l2 import Dot1Q  # noqa: E402


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
    assert html.startswith('<table class="netcourse-layers">') and "datagram" in html
    assert [int(n) for n in re.findall(r'<tr class="layer-(\d)">', html)] == [7, 6, 5, 4, 3, 2, 1]


# --- the lesson's figures --------------------------------------------------------------------


def test_encapsulation_figure_draws_the_real_byte_counts():
    from netcourse.packets import dissect, frame
    from netcourse.plots.layers import encapsulation_figure, layer_models_figure

    enc = encapsulation(dissect(frame("http", 4)))
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
    found = spans(dissect(frame("http", 4)))
    for span in found:
        view.select(span.name)
        (head, _, solid, colour), (body, end, light, same) = view.bytes_view.marks
        assert (solid, light, colour) == ("solid", "light", same)  # one colour, two strengths
        assert (head, body, end) == (span.start, span.start + span.header_length, span.end)
        assert f"bytes {span.start}-{span.end - 1}" in view.detail.value
        assert "font-weight:bold" in view.table.value
    view.select("segment")
    assert view.span.name == "TCP" and repr(view) == "PduView(166-byte frame, TCP segment selected)"
    with pytest.raises(PacketError, match="this frame's layers are"):
        view.select("DNS")
    view.choice.value = 1
    assert view.span.name == "IP" and view.errors.value == ""
    view.bytes_view.answer({"kind": "byte", "offset": 40})  # a byte clicked: TCP's header
    assert view.span.name == "TCP" and view.bytes_view.data == frame("http", 4)


# --- the layer inspector widget, headless ----------------------------------------------------


def test_layer_inspector_lights_up_whole_pdus_in_the_inspector():
    from netcourse.packets import dissect, frame
    from netcourse.widgets.layers import LayerInspector

    view = LayerInspector("http")
    view.inspector.show_packet(4)
    dis = view.inspector.dissection  # the inspector may decode HTTP where dissect() does not
    assert dis.data == frame("http", 4)
    for span in spans(dis):
        shown = view.show_pdu(span.name)
        assert shown == span
        assert view.inspector.hex.lit == list(range(span.start, span.end))
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
    assert view.inspector.hex.data == first and view.inspector.hex.lit == list(range(len(first)))


def test_protocol_stacks_cover_layers_3_to_7_once():
    from netcourse.plots.layers import protocol_stacks_figure

    for name, parts in layers.STACKS.items():
        assert sorted(number for _, number in parts) == [3, 4, 5, 6, 7], name
    assert "UDP" in dict((n, t) for t, n in layers.STACKS["HTTP/3"])[4]
    assert "protobuf" in dict((n, t) for t, n in layers.STACKS["gRPC"])[6]
    ax = protocol_stacks_figure().axes[0]
    assert len(ax.patches) == sum(len(parts) for parts in layers.STACKS.values())
    assert [t.get_text() for t in ax.get_xticklabels()] == list(layers.STACKS)


def test_layer_inspector_marks_what_each_device_reads():
    from netcourse.widgets.layers import LayerInspector, marked_hex_html

    view = LayerInspector("http")
    view.inspector.show_packet(4)
    dis = view.inspector.dissection
    router = view.show_device("router")
    # RFC 791: TTL is byte 8 of the IP header, the destination bytes 16-19 (after 14 of Ethernet)
    assert {(f.offset, f.end) for f in router} == {(22, 23), (30, 34)}
    assert view.inspector.hex.lit == [22, 30, 31, 32, 33] and view.inspector.hex.data == dis.data
    assert "byte 22" in view.note.value and repr(view).endswith("what a router reads)")
    assert view.show_device("hub") == () and "reads nothing" in view.note.value
    view.show_pdu("segment")  # a PDU replaces the device's marks
    assert view.device.value == "" and "TCP segment" in repr(view)
    view.device.value = "switch"  # choosing from the menu works like show_device
    assert view.inspector.hex.lit == list(range(12))
    view.device.value = "web application firewall"
    assert "PacketError" not in view.errors.value and view.errors.value == ""
    with pytest.raises(NetcourseError, match="is not a device"):
        view.show_device("toaster")
    assert marked_hex_html(bytes(range(20)), [(3, 5)]).count("<mark") == 4  # hex and ASCII


# --- the wire's cost, beyond the captured bytes -------------------------------------------


def test_wire_cost_adds_fcs_preamble_sfd_and_gap():
    from netcourse.packets import dissect, frame

    get = frame("http", 4)
    captured = len(get)
    assert captured == 166
    # IEEE 802.3: FCS 4, preamble 7 + SFD 1, inter-frame gap 96 bits = 12 bytes
    expected = captured + 4 + (7 + 1) + 96 // 8
    wire = encapsulation(dissect(get)).wire
    assert (wire.total, wire.bits) == (expected, expected * 8) == (190, 1520)
    assert wire.payload == 100 and wire.overhead == pytest.approx((190 - 100) / 190)
    assert f"{wire.overhead:.0%}" == "47%"
    assert "190 byte times" in repr(encapsulation(dissect(get)))


def test_short_frames_are_padded_and_give_the_known_line_rate():
    # a 42-byte ARP frame is padded to 60, then 64 with its FCS: 84 byte times in all, the
    # figure behind "14.88 million frames per second" on 10 Gb/s Ethernet
    assert layers.wire_cost(42).padding == 18
    assert layers.wire_cost(42).total == 84 == layers.wire_cost(60).total
    assert round(10e9 / layers.wire_cost(42).bits) == 14_880_952
    # a full 1514-byte frame (1500 bytes of IP): 1538 byte times
    assert layers.wire_cost(1514).total == 1538
    assert layers.wire_cost(42).overhead is None


def test_wire_cost_is_none_off_ethernet_and_refuses_bad_sizes():
    from netcourse.packets import dissect, frame

    raw_ip = dissect(frame("udp", 3)[14:], linktype=228)  # the same packet, no Ethernet header
    assert encapsulation(raw_ip).spans[0].name == "IP" and encapsulation(raw_ip).wire is None
    assert "on the wire" not in repr(encapsulation(raw_ip))
    assert encapsulation(dissect(frame("udp", 3))).wire is not None
    for bad in (-1, 1.5, "166", True):
        with pytest.raises(PacketError, match="captured="):
            layers.wire_cost(bad)
    with pytest.raises(PacketError, match="payload=200: more than"):
        layers.wire_cost(166, payload=200)


def test_check_wire_bytes():
    from netcourse.checks import layers as check
    from netcourse.packets import frame

    size = len(frame(*check.WIRE_FRAME))
    right = max(size, 60) + 4 + 8 + 12  # computed here from IEEE 802.3, not by the model
    assert check.wire_bytes.feedback(right).ok
    for bad in (size, size + 24, size + 4, 64, right + 1, "84"):
        fb = check.wire_bytes.feedback(bad)
        assert not fb.ok and str(right) not in fb.message + fb.hint, bad
    assert "pads" in check.wire_bytes.feedback(size + 24).hint


# --- HTTP/2 in cleartext, WebSockets over HTTP/2, the 5-tuple -----------------------------


def test_http2_runs_over_tls_or_in_cleartext_and_websockets_over_http2_too():
    h2 = layers.layer_of("HTTP/2")
    assert "h2c" in h2.carried_in and "RFC 9113" in h2.carried_in and "TLS" in h2.carried_in
    ws = layers.layer_of("WebSocket")
    assert "HTTP/2" in ws.carried_in and "RFC 8441" in ws.carried_in
    assert "cleartext" in layers.layer_of("gRPC").note
    for name in ("HTTP/2", "gRPC"):
        (transport,) = [t for t, n in layers.STACKS[name] if n == 4]
        assert "h2c" in transport and "TLS" in transport, name
    (session,) = [t for t, n in layers.STACKS["WebSocket"] if n == 5]
    assert "HTTP/2" in session


def test_a_layer_4_load_balancer_reads_the_5_tuple():
    lb = layers.device("load balancer (layer 4)")
    assert "5-tuple" in lb.reads and "4-tuple" not in lb.reads
    assert {"IP.src", "IP.dst", "IP.proto"} <= set(lb.fields)
    assert {"TCP.sport", "TCP.dport", "UDP.sport", "UDP.dport"} <= set(lb.fields)
