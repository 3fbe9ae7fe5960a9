"""Checks for the exercises of notebooks/02-osi-layers-and-packets.ipynb (solutions/, exercises/).

Each exercise's question is declared once below (the notebooks quote it); the expected answer
is computed from the shipped captures with :func:`netcourse.packets.dissect`, from the tables
in :mod:`netcourse.layers`, by running :class:`netcourse.switch.Switch` or the encoders in
:mod:`netcourse.encodings`. No message gives the answer away.

>>> pdu_at_offset.feedback("datagram").ok
True
>>> switch_action.feedback(("forward", (1,))).ok
False
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from netcourse import layers
from netcourse.checks import Feedback, correct, exercise, wrong
from netcourse.encodings import RECORD, encode, grpc_frame
from netcourse.packets import dissect, frame, pdu_at, spans
from netcourse.switch import BROADCAST, Switch

__all__ = [
    "PDU_FRAME",
    "PDU_OFFSET",
    "SEGMENT_FRAME",
    "DEVICES_ASKED",
    "SWITCH_PORTS",
    "SWITCH_HOSTS",
    "SWITCH_HISTORY",
    "SWITCH_QUESTION",
    "VLAN_FRAME",
    "GRPC_RECORD",
    "WIRE_FRAME",
    "pdu_at_offset",
    "segment_bytes",
    "device_layers",
    "switch_action",
    "vlan_id",
    "grpc_size",
    "wire_bytes",
]

LESSON = "02-osi-layers-and-packets"

#: Exercise "pdu-at-offset": in this frame (sample, number), whose header holds this byte?
PDU_FRAME, PDU_OFFSET = ("udp", 3), 38
#: Exercise "segment-bytes": how many bytes long is the TCP segment in this frame?
SEGMENT_FRAME = ("http", 4)
#: Exercise "device-layers": the highest OSI layer each of these devices reads.
DEVICES_ASKED = (
    "hub",
    "switch",
    "router",
    "firewall (stateful packet filter)",
    "web application firewall",
)
#: Exercise "switch-action": a switch with these ports (port -> VLAN), hosts on ports ...
SWITCH_PORTS = {1: 10, 2: 10, 3: 20, 4: 20, 5: 10}
SWITCH_HOSTS = {
    "A": ("02:00:5e:00:00:0a", 1),
    "B": ("02:00:5e:00:00:0b", 2),
    "C": ("02:00:5e:00:00:0c", 3),
    "D": ("02:00:5e:00:00:0d", 4),
    "E": ("02:00:5e:00:00:0e", 5),
}
#: ... has seen these frames (sender, receiver), in order ...
SWITCH_HISTORY = (("A", "broadcast"), ("B", "A"), ("D", "C"))
#: ... and now this one arrives: what does it do, and out of which ports?
SWITCH_QUESTION = ("C", "A")
#: Exercise "vlan-id": the VLAN id in the 802.1Q tag of this frame.
VLAN_FRAME = ("vlan", 3)
#: Exercise "grpc-size": bytes of the whole gRPC message (prefix + protobuf body) for this.
GRPC_RECORD = {**RECORD, "id": 7, "name": "Grace Hopper", "email": "grace@example.com"}
#: Exercise "wire-bytes": byte times this (short) frame takes on an Ethernet wire.
WIRE_FRAME = ("arp-icmp", 1)


def _dissect(where: tuple[str, int]):
    return dissect(frame(*where))


def _words(answer: Any) -> str | None:
    return " ".join(answer.lower().split()) if isinstance(answer, str) else None


@exercise(LESSON, "pdu-at-offset")
def pdu_at_offset(answer: str) -> Feedback:
    """The name of the PDU whose header holds byte PDU_OFFSET of frame PDU_FRAME (a str)."""
    span = pdu_at(_dissect(PDU_FRAME), PDU_OFFSET)
    text = _words(answer)
    if text is None:
        return wrong(
            f"expected a word such as 'frame', got {type(answer).__name__}.", mistake="wrong-type"
        )
    names = {span.pdu.lower(), f"{span.protocol.name.lower()} {span.pdu.lower()}"}
    if text in names:
        return correct(
            f"byte {PDU_OFFSET} lies in the {span.protocol.name} header "
            f"(bytes {span.start}-{span.header_end - 1}), the start of a {span.pdu}."
        )
    pdus = {layer.pdu.lower() for layer in layers.OSI} | {"segment", "datagram"}
    found = spans(_dissect(PDU_FRAME))
    if text in {s.protocol.name.lower() for s in found} | {s.name.lower() for s in found}:
        return wrong(
            f"{answer!r} names a protocol, not a PDU.",
            "each layer calls its PDU by its own name: the PDU column of layers.table().",
            mistake="protocol-not-pdu",
        )
    if text not in pdus and not any(word in pdus for word in text.split()):
        return wrong(
            f"{answer!r} is not a PDU name from the layer table.",
            "the PDU column of layers.table() lists the names.",
            mistake="unknown-pdu",
        )
    words = text.split()  # "ip datagram" names the IP layer's PDU, whatever word it uses
    named = [s for s in found if s.protocol.name.lower() in words or s.name.lower() in words]
    named = named or [s for s in found if s.pdu.lower() in words]
    if named and named[0].header_end <= PDU_OFFSET < named[0].end:
        return wrong(
            f"byte {PDU_OFFSET} is inside the {text}, but past its header, in what it carries.",
            f"a PDU carries the next layer's PDU: find the innermost header that holds byte "
            f"{PDU_OFFSET}.",
            mistake="outer-pdu",
        )
    if named and named[0].start > PDU_OFFSET:
        return wrong(
            f"the {text} starts after byte {PDU_OFFSET}.",
            f"byte {PDU_OFFSET} belongs to a header in front of it: find the innermost one that "
            "holds it.",
            mistake="inner-pdu",
        )
    if named and (named[0].start, named[0].name) == (span.start, span.name):
        return wrong(
            f"that is the right header, but {words[-1]!r} is not what its protocol calls its PDU.",
            "the PDU column of layers.table() lists each layer's name for it.",
            mistake="pdu-name",
        )
    if text == layers.OSI[0].pdu.lower():
        return wrong(
            f"{layers.OSI[0].pdu} are what the physical layer sends; a capture holds no "
            "physical-layer header.",
            f"look for the innermost header that holds byte {PDU_OFFSET}.",
            mistake="bits",
        )
    if "segment" in text.split() and span.pdu.lower() != "segment":
        return wrong(
            "segment is the name TCP gives its PDU; is it TCP's header that holds the byte?",
            "dissect the frame: which protocol's header holds the byte, and what does that "
            "protocol call its PDU?",
            mistake="tcp-name",
        )
    return wrong(
        f"byte {PDU_OFFSET} is not in the header of a {text}.",
        f"dissect(frame{PDU_FRAME}) and find the innermost layer whose offset..end holds "
        f"byte {PDU_OFFSET}; layers.layer_of(its name).pdu names its PDU.",
        mistake="wrong-pdu",
    )


@exercise(LESSON, "segment-bytes")
def segment_bytes(answer: int) -> Feedback:
    """How many bytes long the TCP segment in frame SEGMENT_FRAME is (an int)."""
    dis = _dissect(SEGMENT_FRAME)
    found = {span.name: span for span in spans(dis)}
    tcp, ip = found["TCP"], found["IP"]
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong(
            f"expected a whole number of bytes, got {type(answer).__name__}.", mistake="wrong-type"
        )
    if answer == tcp.length:
        return correct(
            "the TCP segment is the IP packet's payload: header plus data, "
            f"from byte {tcp.start} to the end of the IP packet."
        )
    if answer == tcp.header_length:
        return wrong(
            "that is the TCP header alone.",
            "a segment is the header plus its data.",
            mistake="header-only",
        )
    if answer == len(dis.data) or answer == ip.length:
        return wrong(
            "that counts headers of lower layers too.",
            "the segment starts where the IP header ends.",
            mistake="includes-lower-headers",
        )
    if answer == tcp.payload_length:
        return wrong(
            "that is the data alone.", "a segment includes the TCP header.", mistake="data-only"
        )
    return wrong(
        "that is not the segment's length.",
        "spans(dissect(frame(...))) gives each PDU's start and end.",
        mistake="other",
    )


def _layer_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return layers.layer(value).number
        except Exception:
            return None
    return None


@exercise(LESSON, "device-layers")
def device_layers(answer: Mapping[str, int]) -> Feedback:
    """A dict: each device in DEVICES_ASKED -> the highest OSI layer it reads (1-7)."""
    if not isinstance(answer, Mapping):
        return wrong(
            f"expected a dict device -> layer number, got {type(answer).__name__}.",
            'for example {"hub": 1, ...}.',
            mistake="wrong-type",
        )
    missing = [name for name in DEVICES_ASKED if name not in answer]
    if missing:
        return wrong(
            f"the dict has no entry for {', '.join(missing)}.",
            "use the names given.",
            mistake="missing-devices",
        )
    off = [
        name
        for name in DEVICES_ASKED
        if _layer_number(answer[name]) != max(layers.device(name).osi)
    ]
    if not off:
        return correct("each device reads up to the layer whose header it must decide on.")
    return wrong(
        f"not right for: {', '.join(off)}.",
        "layers.device(name).osi and .reads say what each one looks at.",
        mistake="wrong-layers",
    )


def _switch() -> tuple[Switch, dict[str, str]]:
    sw = Switch(SWITCH_PORTS)
    macs = {name: mac for name, (mac, _) in SWITCH_HOSTS.items()}
    macs["broadcast"] = BROADCAST
    for sender, receiver in SWITCH_HISTORY:
        sw.send(SWITCH_HOSTS[sender][1], macs[sender], macs[receiver])
    return sw, macs


def _ports(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        items = list(value)
        if all(isinstance(p, int) and not isinstance(p, bool) for p in items):
            return tuple(sorted(items))
    return None


@exercise(LESSON, "switch-action")
def switch_action(answer: tuple[str, tuple[int, ...]]) -> Feedback:
    """(action, out ports) for SWITCH_QUESTION after SWITCH_HISTORY, e.g. ("flood", (2, 3))."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return wrong(
            "expected a pair (action, ports), like ('forward', (2,)).",
            "action is one of 'forward', 'flood', 'filter', 'drop'.",
            mistake="wrong-type",
        )
    action, ports = answer
    sw, macs = _switch()
    sender, receiver = SWITCH_QUESTION
    decision = sw.send(SWITCH_HOSTS[sender][1], macs[sender], macs[receiver])
    if not isinstance(action, str) or action.strip().lower() not in (
        "forward",
        "flood",
        "filter",
        "drop",
    ):
        return wrong(
            f"{action!r} is not a switch action.",
            "use forward, flood, filter or drop.",
            mistake="unknown-action",
        )
    action = action.strip().lower()
    got = _ports(ports)
    if got is None:
        return wrong(
            "the ports should be a tuple of port numbers (it may be empty).",
            mistake="ports-not-tuple",
        )
    if action != decision.action:
        return wrong(
            f"the switch does not {action} this frame.",
            f"which VLAN is port {SWITCH_HOSTS[sender][1]} in, and what has the table "
            "learned in that VLAN?",
            mistake="wrong-action",
        )
    if got != tuple(sorted(decision.out_ports)):
        return wrong(
            "right action, but not the right ports.",
            "a frame never leaves its own VLAN, nor the port it came in on.",
            mistake="wrong-ports",
        )
    return correct(f"{decision.reason}.")


@exercise(LESSON, "vlan-id")
def vlan_id(answer: int) -> Feedback:
    """The VLAN id in the 802.1Q tag of frame VLAN_FRAME (an int)."""
    tag = _dissect(VLAN_FRAME)["Dot1Q"]
    wanted = tag["vlan"].raw
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong(f"expected a whole number, got {type(answer).__name__}.", mistake="wrong-type")
    if answer == wanted:
        return correct(
            f"the VLAN id is the low 12 bits of bytes {tag['vlan'].offset}-"
            f"{tag['vlan'].end - 1}; a switch keeps this frame inside that VLAN."
        )
    if answer == 0x8100:
        return wrong(
            "that is the tag's type (TPID), not the VLAN.", "read the 'vlan' field.", mistake="tpid"
        )
    tci = int.from_bytes(_dissect(VLAN_FRAME).data[tag.offset : tag.offset + 2], "big")
    if answer == tci:
        return wrong(
            "that is the whole 16-bit field after the TPID, priority bits included.",
            "the VLAN id is only its low 12 bits.",
            mistake="whole-tci",
        )
    return wrong(
        "that is not the VLAN id.",
        "dissect the frame and read Dot1Q's 'vlan' field.",
        mistake="other",
    )


@exercise(LESSON, "grpc-size")
def grpc_size(answer: int) -> Feedback:
    """Bytes of the gRPC message (5-byte prefix + protobuf body) carrying GRPC_RECORD (an int)."""
    body = encode(GRPC_RECORD, "protobuf").data
    whole = len(grpc_frame(body))
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong(
            f"expected a whole number of bytes, got {type(answer).__name__}.", mistake="wrong-type"
        )
    if answer == whole:
        return correct("the 5-byte prefix (flag and length) plus the protobuf body.")
    if answer == len(body):
        return wrong(
            "that is the protobuf body alone.",
            "gRPC puts a prefix in front of it.",
            mistake="protobuf-only",
        )
    if answer == len(encode(GRPC_RECORD, "JSON").data) + 5:
        return wrong(
            "gRPC carries protobuf, not JSON.", "encode the record as protobuf.", mistake="json"
        )
    return wrong(
        "that is not the message's size.",
        "encode with protobuf, then grpc_frame().",
        mistake="other",
    )


@exercise(LESSON, "wire-bytes")
def wire_bytes(answer: int) -> Feedback:
    """Byte times frame WIRE_FRAME takes on the wire: padding, FCS, preamble and SFD, gap."""
    captured = len(frame(*WIRE_FRAME))
    cost = layers.wire_cost(captured)
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong(
            f"expected a whole number of byte times, got {type(answer).__name__}.",
            mistake="wrong-type",
        )
    if answer == cost.total:
        return correct(
            "a short frame is padded to the minimum, then FCS, preamble and SFD and the "
            "inter-frame gap come on top."
        )
    if answer == captured:
        return wrong(
            "that is the captured frame alone.",
            "a capture leaves out what the NIC adds around the frame (IEEE 802.3).",
            mistake="captured-only",
        )
    extras = sum(layers.ETHERNET_WIRE.values())
    if answer == captured + extras:
        return wrong(
            "FCS, preamble, SFD and gap are counted, but the frame is too short to send as is.",
            f"Ethernet pads frames shorter than {layers.ETHERNET_MIN_FRAME} bytes first.",
            mistake="no-padding",
        )
    if answer in (
        captured + layers.ETHERNET_WIRE["FCS"],
        cost.total - cost.gap - cost.preamble_sfd,
    ):
        return wrong(
            "that counts the frame (with its FCS), not the line's time around it.",
            "the preamble and SFD come before it and the inter-frame gap after it.",
            mistake="frame-only",
        )
    return wrong(
        "that is not the frame's cost on the wire.",
        "look at encapsulation(...).wire.",
        mistake="other",
    )
