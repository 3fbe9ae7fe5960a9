"""dissect() against Wireshark: field values and byte offsets from ``tshark -T pdml``.

For every frame of every shipped capture, each field we map to a Wireshark field must have
the same value and the same bytes (pos/size). Bit fields are credited with the bytes that hold
them, so their span must lie within Wireshark's (Wireshark credits IPv6's traffic class with the
whole first 32-bit word; we credit the two bytes it actually touches).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from netcourse.packets import SAMPLES, read_capture, sample
from netcourse.protocols import LINK_TYPES

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")

#: our layer name -> Wireshark protocol name
PROTO = {
    "Ether": "eth",
    "CookedLinux": "sll",
    "CookedLinuxV2": "sll",
    "Loopback": "null",
    "LoopbackOpenBSD": "null",
    "PPP": "ppp",
    "RadioTap": "radiotap",
    "Dot11": "wlan",
    "Dot11FCS": "wlan",
    "LLC": "llc",
    "Dot1Q": "vlan",
    "ARP": "arp",
    "IP": "ip",
    "IPerror": "ip",
    "IPv6": "ipv6",
    "TCP": "tcp",
    "UDP": "udp",
    "UDPerror": "udp",
    "ICMP": "icmp",
    "Dot1AD": "ieee8021ad",
    "MPLS": "mpls",
    "PPPoE": "pppoes",
    "GRE": "gre",
    "ERSPAN_I": "erspan",
    "ERSPAN_II": "erspan",
    "ERSPAN_III": "erspan",
    "VXLAN": "vxlan",
    "GENEVE": "geneve",
    "EoMCW": "pwethcw",
    "Dot3": "eth",
}

#: (our layer, our field) -> (Wireshark field, how Wireshark's `show` relates to our raw value)
FIELDS = {
    ("Ether", "dst"): ("eth.dst", "str"),
    ("Ether", "src"): ("eth.src", "str"),
    ("Ether", "type"): ("eth.type", 1),
    ("CookedLinux", "pkttype"): ("sll.pkttype", 1),
    ("CookedLinux", "lladdrtype"): ("sll.hatype", 1),
    ("CookedLinux", "lladdrlen"): ("sll.halen", 1),
    ("CookedLinux", "proto"): ("sll.etype", 1),
    ("CookedLinuxV2", "proto"): ("sll.etype", 1),
    ("CookedLinuxV2", "ifindex"): ("sll.ifindex", 1),
    ("CookedLinuxV2", "lladdrtype"): ("sll.hatype", 1),
    ("CookedLinuxV2", "pkttype"): ("sll.pkttype", 1),
    ("CookedLinuxV2", "lladdrlen"): ("sll.halen", 1),
    ("Loopback", "type"): ("null.family", 1),
    ("LoopbackOpenBSD", "type"): ("null.family", 1),
    ("PPP", "address"): ("ppp.address", 1),
    ("PPP", "control"): ("ppp.control", 1),
    ("PPP", "proto"): ("ppp.protocol", 1),
    ("RadioTap", "version"): ("radiotap.version", 1),
    ("RadioTap", "pad"): ("radiotap.pad", 1),
    ("RadioTap", "len"): ("radiotap.length", 1),
    ("RadioTap", "mac_timestamp"): ("radiotap.mactime", 1),
    ("Dot11FCS", "fcs"): ("wlan.fcs", 1),
    ("Dot11", "ID"): ("wlan.duration", 1),
    ("Dot11", "addr1"): ("wlan.ra", "str"),
    ("Dot11", "addr2"): ("wlan.ta", "str"),
    ("LLC", "dsap"): ("llc.dsap", 1),
    ("LLC", "ssap"): ("llc.ssap", 1),
    ("LLC", "ctrl"): ("llc.control", 1),
    ("Dot1Q", "prio"): ("vlan.priority", 1),
    ("Dot1Q", "dei"): ("vlan.dei", 1),
    ("Dot1Q", "vlan"): ("vlan.id", 1),
    ("Dot1Q", "type"): ("vlan.etype", 1),
    ("ARP", "hwtype"): ("arp.hw.type", 1),
    ("ARP", "ptype"): ("arp.proto.type", 1),
    ("ARP", "hwlen"): ("arp.hw.size", 1),
    ("ARP", "plen"): ("arp.proto.size", 1),
    ("ARP", "op"): ("arp.opcode", 1),
    ("ARP", "hwsrc"): ("arp.src.hw_mac", "str"),
    ("ARP", "psrc"): ("arp.src.proto_ipv4", "str"),
    ("ARP", "hwdst"): ("arp.dst.hw_mac", "str"),
    ("ARP", "pdst"): ("arp.dst.proto_ipv4", "str"),
    ("IP", "version"): ("ip.version", 1),
    ("IP", "ihl"): ("ip.hdr_len", 4),
    ("IP", "tos"): ("ip.dsfield", 1),
    ("IP", "len"): ("ip.len", 1),
    ("IP", "id"): ("ip.id", 1),
    ("IP", "flags"): ("ip.flags", 1),
    ("IP", "frag"): ("ip.frag_offset", 1),  # in 8-byte units, as scapy holds it
    ("IP", "ttl"): ("ip.ttl", 1),
    ("IP", "proto"): ("ip.proto", 1),
    ("IP", "chksum"): ("ip.checksum", 1),
    ("IP", "src"): ("ip.src", "str"),
    ("IP", "dst"): ("ip.dst", "str"),
    ("IPv6", "version"): ("ipv6.version", 1),
    ("IPv6", "tc"): ("ipv6.tclass", 1),
    ("IPv6", "fl"): ("ipv6.flow", 1),
    ("IPv6", "plen"): ("ipv6.plen", 1),
    ("IPv6", "nh"): ("ipv6.nxt", 1),
    ("IPv6", "hlim"): ("ipv6.hlim", 1),
    ("IPv6", "src"): ("ipv6.src", "str"),
    ("IPv6", "dst"): ("ipv6.dst", "str"),
    ("TCP", "sport"): ("tcp.srcport", 1),
    ("TCP", "dport"): ("tcp.dstport", 1),
    ("TCP", "seq"): ("tcp.seq_raw", 1),
    ("TCP", "ack"): ("tcp.ack_raw", 1),
    ("TCP", "dataofs"): ("tcp.hdr_len", 4),
    ("TCP", "flags"): ("tcp.flags", 1),
    ("TCP", "window"): ("tcp.window_size_value", 1),
    ("TCP", "chksum"): ("tcp.checksum", 1),
    ("TCP", "urgptr"): ("tcp.urgent_pointer", 1),
    ("TCP", "options"): ("tcp.options", "hex"),
    ("UDP", "sport"): ("udp.srcport", 1),
    ("UDP", "dport"): ("udp.dstport", 1),
    ("UDP", "len"): ("udp.length", 1),
    ("UDP", "chksum"): ("udp.checksum", 1),
    ("ICMP", "type"): ("icmp.type", 1),
    ("ICMP", "code"): ("icmp.code", 1),
    ("ICMP", "chksum"): ("icmp.checksum", 1),
    ("ICMP", "id"): ("icmp.ident", 1),
    ("ICMP", "seq"): ("icmp.seq", 1),
    ("Dot1AD", "prio"): ("ieee8021ad.priority", 1),
    ("Dot1AD", "dei"): ("ieee8021ad.dei", 1),
    ("Dot1AD", "vlan"): ("ieee8021ad.id", 1),
    ("MPLS", "label"): ("mpls.label", 1),
    ("MPLS", "cos"): ("mpls.exp", 1),
    ("MPLS", "s"): ("mpls.bottom", 1),
    ("MPLS", "ttl"): ("mpls.ttl", 1),
    ("PPPoE", "version"): ("pppoe.version", 1),
    ("PPPoE", "type"): ("pppoe.type", 1),
    ("PPPoE", "code"): ("pppoe.code", 1),
    ("PPPoE", "sessionid"): ("pppoe.session_id", 1),
    ("PPPoE", "len"): ("pppoe.payload_length", 1),
    ("GRE", "chksum_present"): ("gre.flags.checksum", 1),
    ("GRE", "key_present"): ("gre.flags.key", 1),
    ("GRE", "seqnum_present"): ("gre.flags.sequence_number", 1),
    ("GRE", "version"): ("gre.flags.version", 1),
    ("GRE", "proto"): ("gre.proto", 1),
    ("GRE", "chksum"): ("gre.checksum", 1),
    ("GRE", "key"): ("gre.key", 1),
    ("GRE", "sequence_number"): ("gre.sequence_number", 1),
    ("ERSPAN_II", "ver"): ("erspan.version", 1),
    ("ERSPAN_II", "vlan"): ("erspan.vlan", 1),
    ("ERSPAN_II", "cos"): ("erspan.cos", 1),
    ("ERSPAN_II", "session_id"): ("erspan.spanid", 1),
    ("ERSPAN_II", "index"): ("erspan.index", 1),
    ("ERSPAN_III", "ver"): ("erspan.version", 1),
    ("ERSPAN_III", "vlan"): ("erspan.vlan", 1),
    ("ERSPAN_III", "cos"): ("erspan.cos", 1),
    ("ERSPAN_III", "session_id"): ("erspan.spanid", 1),
    ("ERSPAN_III", "timestamp"): ("erspan.timestamp", 1),
    ("ERSPAN_III", "o"): ("erspan.o", 1),
    ("VXLAN", "vni"): ("vxlan.vni", 1),
    ("GENEVE", "version"): ("geneve.version", 1),
    ("GENEVE", "proto"): ("geneve.proto_type", 1),
    ("GENEVE", "vni"): ("geneve.vni", 1),
    ("EoMCW", "seq"): ("pweth.cw.sequence_number", 1),
}
for (layer, name), target in list(FIELDS.items()):
    if layer in ("IP", "UDP"):
        FIELDS[(f"{layer}error", name)] = target
    if layer == "Dot11":  # the same MAC header, with a frame check sequence at the end
        FIELDS[("Dot11FCS", name)] = target

#: IPv6 extension headers, each a protocol of its own inside Wireshark's IPv6 tree.
PROTO.update({
    "IPv6ExtHdrFragment": "ipv6.fraghdr",
    "IPv6ExtHdrHopByHop": "ipv6.hopopts",
    "IPv6ExtHdrRouting": "ipv6.routing",
    "IPv6ExtHdrSegmentRouting": "ipv6.routing",
    "IPv6ExtHdrDestOpt": "ipv6.dstopts",
})  # fmt: skip
FIELDS.update({
    ("IPv6ExtHdrFragment", "nh"): ("ipv6.fraghdr.nxt", 1),
    ("IPv6ExtHdrFragment", "res1"): ("ipv6.fraghdr.reserved_octet", 1),
    ("IPv6ExtHdrFragment", "offset"): ("ipv6.fraghdr.offset", 1),
    ("IPv6ExtHdrFragment", "m"): ("ipv6.fraghdr.more", 1),
    ("IPv6ExtHdrFragment", "id"): ("ipv6.fraghdr.ident", 1),
    ("IPv6ExtHdrHopByHop", "nh"): ("ipv6.hopopts.nxt", 1),
    ("IPv6ExtHdrHopByHop", "len"): ("ipv6.hopopts.len", 1),
    ("IPv6ExtHdrDestOpt", "nh"): ("ipv6.dstopts.nxt", 1),
    ("IPv6ExtHdrDestOpt", "len"): ("ipv6.dstopts.len", 1),
    ("IPv6ExtHdrRouting", "nh"): ("ipv6.routing.nxt", 1),
    ("IPv6ExtHdrRouting", "len"): ("ipv6.routing.len", 1),
    ("IPv6ExtHdrRouting", "type"): ("ipv6.routing.type", 1),
    ("IPv6ExtHdrRouting", "segleft"): ("ipv6.routing.segleft", 1),
    ("IPv6ExtHdrSegmentRouting", "nh"): ("ipv6.routing.nxt", 1),
    ("IPv6ExtHdrSegmentRouting", "len"): ("ipv6.routing.len", 1),
    ("IPv6ExtHdrSegmentRouting", "type"): ("ipv6.routing.type", 1),
    ("IPv6ExtHdrSegmentRouting", "segleft"): ("ipv6.routing.segleft", 1),
    ("IPv6ExtHdrSegmentRouting", "lastentry"): ("ipv6.routing.srh.last_entry", 1),
})  # fmt: skip

#: Whole-byte fields Wireshark credits with the whole word around them (an MPLS label stack
#: entry's TTL shows the entry's 4 bytes): our bytes must lie within Wireshark's.
CREDITED_WITH_WORD = {"mpls.ttl"}

#: Layers every shipped capture together must exercise.
REQUIRED = {"Ether", "Dot1Q", "ARP", "IP", "IPv6", "TCP", "UDP", "ICMP"}


@functools.cache
def _pdml_protos(path) -> list[list[tuple[str, int, dict[str, ET.Element]]]]:
    """Per packet, the protocols in document order: name, pos, its first field of each name."""
    out = subprocess.run(
        ["tshark", "-r", str(path), "-T", "pdml"], capture_output=True, check=True, timeout=60
    ).stdout
    packets = []
    for packet in ET.fromstring(out).iter("packet"):
        protos: list[tuple[str, int, dict[str, ET.Element]]] = []

        def walk(elem, current, protos=protos):
            for child in elem:
                if child.tag == "proto":
                    entry = (child.get("name"), int(child.get("pos", 0)), {})
                    protos.append(entry)
                    walk(child, entry[2], protos)
                elif child.tag == "field":
                    if current is not None:
                        current.setdefault(child.get("name"), child)
                    walk(child, current, protos)

        walk(packet, None)
        packets.append(protos)
    return packets


def _expected(kind, elem: ET.Element):
    show = elem.get("show")
    if kind == "str":
        return show
    if kind == "hex":
        return bytes.fromhex(elem.get("value"))
    return int(show, 0) // kind


def _compare_fields(path, name) -> int:
    """Compare every mapped field of every frame with Wireshark's; the number compared."""
    cap = read_capture(path)
    pdml = _pdml_protos(path)
    assert len(pdml) == len(cap)
    compared = 0
    for number, protos in enumerate(pdml, start=1):
        d = cap.dissect(number)  # with the frame's own link type
        assert not d.malformed, (number, d.problems)
        cursor = 0
        for layer in d.layers:
            ws_name = PROTO.get(layer.name)
            if ws_name is None:
                continue
            while protos[cursor][0] != ws_name:  # Wireshark's protos in the same order
                cursor += 1
            ws_fields = protos[cursor][2]
            cursor += 1
            for fld in layer.fields:
                target = FIELDS.get((layer.name, fld.name))
                if target is None:
                    continue
                ws_field, kind = target
                elem = ws_fields.get(ws_field)
                assert elem is not None, f"frame {number}: Wireshark shows no {ws_field}"
                where = f"{name} frame {number} {layer.name}.{fld.name} vs {ws_field}"
                assert fld.raw == _expected(kind, elem), where
                pos, size = int(elem.get("pos")), int(elem.get("size"))
                if fld.is_bits or ws_field in CREDITED_WITH_WORD:
                    assert pos <= fld.offset and fld.end <= pos + size, where
                else:
                    assert (fld.offset, fld.length) == (pos, size), where
                compared += 1
    return compared


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_fields_match_wireshark(name):
    assert _compare_fields(sample(name), name) > 0


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
@pytest.mark.parametrize("linktype", sorted(LINK_TYPES))
def test_fields_match_wireshark_on_every_link_type(link_captures, linktype, fmt):
    """Raw IPv4, raw IPv6, raw IP, both Linux cooked headers and Ethernet: same fields, same
    bytes as Wireshark, the link header's fields included."""
    path = link_captures[(linktype, fmt)]
    assert _compare_fields(path, f"link type {linktype}") > 0
    link = LINK_TYPES[linktype]
    first = read_capture(path).dissect(1)  # an IPv4 frame, or IPv6 behind raw IPv6
    assert first.layers[0].name == link.scapy
    if link.fixed_header:
        network = first.layers[1] if link.header else first.layers[0]
        assert network.name in ("IP", "IPv6") and network.offset == link.header
    else:  # PPP, radiotap: where the network layer starts is checked against Wireshark's below
        network = next(la for la in first.layers if la.name in ("IP", "IPv6"))
        assert network.offset >= link.header


def test_shipped_captures_cover_every_layer():
    seen = set()
    for name in SAMPLES:
        cap = read_capture(name)
        for number in range(1, len(cap) + 1):
            seen.update(layer.name for layer in cap.dissect(number).layers)
    assert REQUIRED <= seen


def test_layer_spans_match_wireshark_protocols(link_captures):
    """Each layer's header starts where Wireshark's protocol does, in the same order."""
    for path in [sample(name) for name in SAMPLES] + list(link_captures.values()):
        name = path.name
        cap = read_capture(path)
        for number, protos in enumerate(_pdml_protos(path), start=1):
            d = cap.dissect(number)
            ours = [(PROTO[la.name], la.offset) for la in d.layers if la.name in PROTO]
            theirs = [(p[0], p[1]) for p in protos if p[0] in set(PROTO.values())]
            assert ours == theirs, (name, number)
