"""Wireshark-style Source, Destination, Protocol and Info columns for one frame.

>>> from netcourse.packets import frame
>>> columns(frame("arp-icmp", 1))
('02:00:5e:00:00:0a', 'ff:ff:ff:ff:ff:ff', 'ARP', 'Who has 198.18.0.2? Tell 198.18.0.1')
>>> columns(frame("udp", 4))[2:]
('ICMP', 'Destination unreachable (Port unreachable)')
"""

from __future__ import annotations

import logging

logging.getLogger("scapy").setLevel(logging.ERROR)

from scapy.layers import inet, inet6, l2  # noqa: E402
from scapy.packet import Packet, Raw  # noqa: E402

__all__ = [
    "columns",
    "PROTOCOL_LABELS",
    "ICMP_TYPES",
    "ICMP_CODES",
    "TCP_FLAG_NAMES",
    "HTTP_STARTS",
]

#: scapy layer class name -> Wireshark's Protocol column (the innermost one listed wins).
PROTOCOL_LABELS = {
    "Ether": "Ethernet",
    "Dot3": "Ethernet",
    "CookedLinux": "SLL",
    "CookedLinuxV2": "SLL2",
    "Dot1Q": "802.1Q",
    "ARP": "ARP",
    "IP": "IPv4",
    "IPv6": "IPv6",
    "TCP": "TCP",
    "UDP": "UDP",
    "ICMP": "ICMP",
    "DNS": "DNS",
}

#: ICMP (IPv4) type -> Wireshark's description.
ICMP_TYPES = {
    0: "Echo (ping) reply",
    3: "Destination unreachable",
    5: "Redirect",
    8: "Echo (ping) request",
    11: "Time-to-live exceeded",
}

#: (ICMP type, code) -> Wireshark's description of the code.
ICMP_CODES = {
    (3, 0): "Network unreachable",
    (3, 1): "Host unreachable",
    (3, 2): "Protocol unreachable",
    (3, 3): "Port unreachable",
    (3, 4): "Fragmentation needed",
    (3, 9): "Network administratively prohibited",
    (3, 10): "Host administratively prohibited",
    (3, 13): "Communication administratively filtered",
    (11, 0): "Time to live exceeded in transit",
    (11, 1): "Fragment reassembly time exceeded",
}

#: ICMPv6 type -> Wireshark's description.
ICMPV6_TYPES = {
    1: "Destination Unreachable",
    3: "Time Exceeded",
    128: "Echo (ping) request",
    129: "Echo (ping) reply",
    133: "Router Solicitation",
    134: "Router Advertisement",
    135: "Neighbor Solicitation",
    136: "Neighbor Advertisement",
}

#: TCP flag letter (scapy) -> Wireshark's name, in Wireshark's order.
TCP_FLAG_NAMES = {
    "F": "FIN",
    "S": "SYN",
    "R": "RST",
    "P": "PSH",
    "A": "ACK",
    "U": "URG",
    "E": "ECE",
    "C": "CWR",
}

#: First bytes of an HTTP/1.x request or response.
HTTP_STARTS = (b"GET ", b"POST ", b"PUT ", b"HEAD ", b"DELETE ", b"OPTIONS ", b"PATCH ", b"HTTP/1.")


def _flags(value: str) -> str:
    return ", ".join(name for letter, name in TCP_FLAG_NAMES.items() if letter in value)


def _first(pkt: Packet, cls):
    try:
        return pkt.getlayer(cls)
    except Exception:
        return None


def _option_words(options) -> list[str]:
    """TCP options the way Wireshark's Info column lists them."""
    words = []
    for name, value in options:
        if name == "MSS":
            words.append(f"MSS={value}")
        elif name == "SAckOK":
            words.append("SACK_PERM")
        elif name == "Timestamp":
            words.append(f"TSval={value[0]} TSecr={value[1]}")
        elif name == "WScale":
            words.append(f"WS={2 ** min(value, 14)}")
    return words


def _info(pkt: Packet, label: str, tcp_context=None) -> str:
    arp = _first(pkt, l2.ARP)
    if label == "ARP" and arp is not None:
        if arp.op == 1:
            return f"Who has {arp.pdst}? Tell {arp.psrc}"
        if arp.op == 2:
            return f"{arp.psrc} is at {arp.hwsrc}"
    icmp = _first(pkt, inet.ICMP)
    if label == "ICMP" and icmp is not None:
        text = ICMP_TYPES.get(icmp.type, f"type {icmp.type}")
        if icmp.type in (0, 8):
            return f"{text}  id=0x{icmp.id:04x}, seq={icmp.seq}"
        if icmp.type in (3, 11):
            return f"{text} ({ICMP_CODES.get((icmp.type, icmp.code), f'code {icmp.code}')})"
        return text
    if label == "ICMPv6":
        layer = pkt.getlayer(inet6.IPv6).payload
        kind = getattr(layer, "type", None)
        text = ICMPV6_TYPES.get(kind, f"type {kind}")
        if kind in (128, 129):
            return f"{text} id=0x{layer.id:04x}, seq={layer.seq}"
        if kind in (135, 136):
            return f"{text} {'for ' if kind == 135 else ''}{layer.tgt}"
        return text
    tcp = _first(pkt, inet.TCP)
    if tcp is not None and label in ("TCP", "HTTP"):
        payload = bytes(tcp.payload) if not isinstance(tcp.payload, Raw) else tcp.payload.load
        if label == "HTTP":
            return payload.split(b"\r\n", 1)[0].decode("latin-1")
        seq, ack, window = tcp_context if tcp_context else (tcp.seq, tcp.ack, tcp.window)
        text = f"{tcp.sport} → {tcp.dport} [{_flags(str(tcp.flags))}] Seq={seq}"
        if "A" in str(tcp.flags):
            text += f" Ack={ack if ack >= 0 else tcp.ack}"
        text += f" Win={window} Len={len(_payload(tcp))}"
        return " ".join([text, *_option_words(tcp.options)])
    udp = _first(pkt, inet.UDP)
    if udp is not None and label == "UDP":
        return f"{udp.sport} → {udp.dport} Len={len(_payload(udp))}"
    return pkt.summary()


def _payload(layer: Packet) -> bytes:
    data = bytes(layer.payload)
    pad = layer.getlayer("Padding")
    if pad is not None:
        data = data[: len(data) - len(bytes(pad))]
    return data


def columns(data: bytes, linktype: int = 1, tcp=None) -> tuple[str, str, str, str]:
    """(Source, Destination, Protocol, Info) of one frame, the way Wireshark lists them.

    ``tcp`` is (relative seq, relative ack, shown window) from the capture's TCP context;
    without it the Info column shows the raw numbers.
    """
    from netcourse.packets.dissect import LINKTYPES

    cls = LINKTYPES.get(linktype, (None,))[0]
    if cls is None:
        return "", "", f"LINKTYPE {linktype}", f"{len(data)} bytes"
    if linktype == 101 and data[:1] and data[0] >> 4 == 6:
        cls = inet6.IPv6
    try:
        pkt = cls(data)
    except Exception:
        return "", "", "?", f"{len(data)} bytes that do not dissect"
    source = destination = ""
    label = "?"
    for layer in pkt.iterpayloads():
        name = type(layer).__name__
        if name in ("IPerror", "IPerror6"):
            break
        if name in PROTOCOL_LABELS:
            label = PROTOCOL_LABELS[name]
        elif name.startswith("ICMPv6"):
            label = "ICMPv6"
            break
        if name in ("Ether", "Dot3", "IP", "IPv6") and hasattr(layer, "src"):
            source, destination = str(layer.src), str(layer.dst)
        if name == "TCP" and _payload(layer).startswith(HTTP_STARTS):
            label = "HTTP"
        if name in ("ICMP",):
            break
    try:
        info = _info(pkt, label, tcp)
    except Exception:
        info = pkt.summary()
    return source, destination, label, info
