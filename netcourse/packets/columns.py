"""Wireshark-style Source, Destination, Protocol and Info columns for one frame.

>>> from netcourse.packets import frame
>>> columns(frame("arp-icmp", 1))
('02:00:5e:00:00:0a', 'ff:ff:ff:ff:ff:ff', 'ARP', 'Who has 198.18.0.2? Tell 198.18.0.1')
>>> columns(frame("udp", 4))[2:]
('ICMP', 'Destination unreachable (Port unreachable)')
"""

from __future__ import annotations

import logging

from netcourse.errors import PacketError
from netcourse.packets.http import http_info
from netcourse.packets.link import scapy_class
from netcourse.protocols import HTTP_STARTS, IP_PROTOCOLS, IcmpType, TcpFlags
from netcourse.protocols import ICMP_TYPES as _ICMP
from netcourse.protocols import ICMPV6_TYPES as _ICMPV6

logging.getLogger("scapy").setLevel(logging.ERROR)

from scapy.layers import inet, inet6, l2  # noqa: E402
from scapy.packet import Packet, Raw  # noqa: E402

__all__ = [
    "columns",
    "PROTOCOL_LABELS",
    "ICMP_TYPES",
    "ICMP_CODES",
    "ICMPV6_TYPES",
    "TCP_FLAG_NAMES",
    "HTTP_STARTS",
    "IP_PROTOCOL_WORDS",
    "fragment_info",
]

#: IP protocol number -> how Wireshark's packet list names it (its ipproto table), for the
#: protocols of :data:`netcourse.protocols.IP_PROTOCOLS`.
IP_PROTOCOL_WORDS: dict[int, str] = {
    IP_PROTOCOLS[name]: words
    for name, words in (
        ("icmp", "ICMP"), ("igmp", "IGMP"), ("ipencap", "IPIP"), ("tcp", "TCP"),
        ("udp", "UDP"), ("dccp", "Datagram Congestion Control Protocol"), ("ipv6", "IPv6"),
        ("gre", "Generic Routing Encapsulation"), ("esp", "Encap Security Payload"),
        ("ah", "Authentication Header"), ("icmpv6", "ICMPv6"), ("ospf", "OSPF IGP"),
        ("pim", "PIM"), ("vrrp", "VRRP"), ("sctp", "SCTP"), ("udplite", "UDPLite"),
    )
}  # fmt: skip


def fragment_info(version: int, proto: int, offset: int, ident: int, more: bool) -> str:
    """The Info column of an IP fragment that completes no datagram, in Wireshark's words
    (a protocol outside :data:`IP_PROTOCOL_WORDS` is named ``Unknown``).

    >>> fragment_info(4, 47, 0, 0x67, True)
    'Fragmented IP protocol (proto=Generic Routing Encapsulation 47, off=0, ID=0067)'
    >>> fragment_info(6, 41, 0, 0x1F5, True)
    'IPv6 fragment (off=0 more=y ident=0x000001f5 nxt=41)'
    """
    if version == 4:
        words = IP_PROTOCOL_WORDS.get(proto, "Unknown")
        return f"Fragmented IP protocol (proto={words} {proto}, off={offset}, ID={ident:04x})"
    return (
        f"IPv6 fragment (off={offset} more={'y' if more else 'n'} ident=0x{ident:08x} nxt={proto})"
    )


#: scapy layer class name -> Wireshark's Protocol column (the innermost one listed wins).
PROTOCOL_LABELS = {
    "Ether": "Ethernet",
    "Dot3": "Ethernet",
    "CookedLinux": "SLL",
    "CookedLinuxV2": "SLL2",
    "Loopback": "NULL",
    "LoopbackOpenBSD": "NULL",
    "HDLC": "PPP",
    "PPP": "PPP",
    "RadioTap": "802.11",
    "Dot11": "802.11",
    "LLC": "LLC",
    "Dot1Q": "802.1Q",
    "ARP": "ARP",
    "IP": "IPv4",
    "IPv6": "IPv6",
    "TCP": "TCP",
    "UDP": "UDP",
    "ICMP": "ICMP",
    "DNS": "DNS",
}

# Views of netcourse.protocols, spelled as this module has always offered them.
#: ICMP (IPv4) type -> Wireshark's description.
ICMP_TYPES: dict[int, str] = {number: kind.description for number, kind in _ICMP.items()}
#: (ICMP type, code) -> Wireshark's description of the code.
ICMP_CODES: dict[tuple[int, int], str] = {
    (number, code.code): code.description
    for number, kind in _ICMP.items()
    for code in kind.codes.values()
}
#: ICMPv6 type -> Wireshark's description.
ICMPV6_TYPES: dict[int, str] = {number: kind.description for number, kind in _ICMPV6.items()}
#: TCP flag letter (scapy) -> Wireshark's name, in Wireshark's (bit) order.
TCP_FLAG_NAMES: dict[str, str] = {flag.letters: str(flag.name) for flag in TcpFlags}


def _named(table: dict[int, IcmpType], *names: str) -> tuple[int, ...]:
    """The type numbers of the named ICMP types, in the order named."""
    by_name = {kind.name: number for number, kind in table.items()}
    return tuple(by_name[name] for name in names)


#: Echo request and reply types: Info shows their id and sequence number.
_ECHO = {
    4: _named(_ICMP, "echo-request", "echo-reply"),
    6: _named(_ICMPV6, "echo-request", "echo-reply"),
}
#: ICMPv6 neighbour solicitation and advertisement: Info shows the target address.
_NEIGHBOUR = _named(_ICMPV6, "neighbour-solicitation", "neighbour-advertisement")


def _code(kind: IcmpType, code: object) -> str:
    found = kind.codes.get(code) if isinstance(code, int) else None
    return found.description if found else f"code {code}"


def _flags(value: str) -> str:
    return ", ".join(name for letter, name in TCP_FLAG_NAMES.items() if letter in value)


def _first(pkt: Packet, cls):
    try:
        return pkt.getlayer(cls)
    except Exception:
        return None


def _option_words(options, ack_base: int | None = None) -> list[str]:
    """TCP options the way Wireshark's Info column lists them (SACK edges relative to the
    other side's base, ``ack_base``, when it is known)."""
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
        elif name == "SAck" and isinstance(value, tuple):
            base = ack_base or 0
            for left, right in zip(value[::2], value[1::2]):
                words.append(f"SLE={(left - base) % 2**32} SRE={(right - base) % 2**32}")
    return words


def _info(pkt: Packet, label: str, tcp_context=None, analysis: tuple[str, ...] = ()) -> str:
    arp = _first(pkt, l2.ARP)
    if label == "ARP" and arp is not None:
        if arp.op == 1:
            return f"Who has {arp.pdst}? Tell {arp.psrc}"
        if arp.op == 2:
            return f"{arp.psrc} is at {arp.hwsrc}"
    icmp = _first(pkt, inet.ICMP)
    if label == "ICMP" and icmp is not None:
        text = ICMP_TYPES.get(icmp.type, f"type {icmp.type}")
        if icmp.type in _ECHO[4]:
            return f"{text}  id=0x{icmp.id:04x}, seq={icmp.seq}"
        if icmp.type in _ICMP and _ICMP[icmp.type].codes:  # Wireshark pads the type to 20
            return f"{text:<20} ({_code(_ICMP[icmp.type], icmp.code)})"
        return text
    if label == "ICMPv6":
        layer = pkt.getlayer(inet6.IPv6).payload
        kind = getattr(layer, "type", None)
        text = ICMPV6_TYPES.get(kind, f"type {kind}")
        if kind in _ECHO[6]:
            return f"{text} id=0x{layer.id:04x}, seq={layer.seq}"
        if kind in _NEIGHBOUR:
            return f"{text} {'for ' if kind == _NEIGHBOUR[0] else ''}{layer.tgt}"
        if kind in _ICMPV6 and _ICMPV6[kind].codes:
            return f"{text} ({_code(_ICMPV6[kind], getattr(layer, 'code', None))})"
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
        ack_base = (tcp.ack - ack) % 2**32 if tcp_context and ack >= 0 else None
        text = " ".join([text, *_option_words(tcp.options, ack_base)])
        return "".join(f"[{label}] " for label in analysis) + text
    udp = _first(pkt, inet.UDP)
    if udp is not None and label == "UDP":
        return f"{udp.sport} → {udp.dport} Len={len(_payload(udp))}"
    return pkt.summary()


def _link_address(layer: Packet) -> str:
    """A cooked header's link-layer address: a MAC where it holds one, else its hex bytes."""
    size = min(int(getattr(layer, "lladdrlen", 0) or 0), 8)
    address = bytes(getattr(layer, "src", b"") or b"")[:size]
    return address.hex(":")


#: 802.11 (source, destination) by the To DS and From DS bits: which address field holds each.
_WIFI_ADDRESSES = {
    0: ("addr2", "addr1"),
    1: ("addr2", "addr3"),
    2: ("addr3", "addr1"),
    3: ("addr4", "addr3"),
}


def _wifi_addresses(layer: Packet) -> tuple[str, str]:
    """An 802.11 frame's source and destination addresses, as Wireshark's columns show them."""
    ds = int(layer.FCfield) & 3
    src, dst = _WIFI_ADDRESSES[ds]
    return str(getattr(layer, src, "") or ""), str(getattr(layer, dst, "") or "")


def _payload(layer: Packet) -> bytes:
    data = bytes(layer.payload)
    pad = layer.getlayer("Padding")
    if pad is not None:
        data = data[: len(data) - len(bytes(pad))]
    return data


def columns(
    data: bytes,
    linktype: int = 1,
    tcp=None,
    *,
    analysis: tuple[str, ...] = (),
    http: tuple[str, str] | None = None,
) -> tuple[str, str, str, str]:
    """(Source, Destination, Protocol, Info) of one frame, the way Wireshark lists them.

    ``tcp`` is (relative seq, relative ack, shown window) from the capture's TCP context;
    without it the Info column shows the raw numbers. ``analysis`` holds Wireshark's labels
    for the frame's TCP analysis flags (``"TCP Retransmission"``), which a TCP frame's Info
    starts with in brackets. ``http`` is the frame's part in HTTP messages (see
    :func:`netcourse.packets.http.http_frames`; ``("tcp", "")`` for none): the frame a message
    ends in is HTTP, the segments before it TCP; without it a TCP payload that starts like
    HTTP is HTTP.

    >>> from netcourse.packets import frame
    >>> columns(frame("http", 3), tcp=(1, 1, 64512), analysis=("TCP Dup ACK 2#1",))[3][:40]
    '[TCP Dup ACK 2#1] 40000 → 8000 [ACK] Seq'
    """
    try:
        cls = scapy_class(linktype, data)
    except PacketError:  # a link type no reader knows: say which, as Wireshark does
        return "", "", f"LINKTYPE {linktype}", f"{len(data)} bytes"
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
        if name in ("Dot11", "Dot11FCS"):
            source, destination = _wifi_addresses(layer)
        if name in ("CookedLinux", "CookedLinuxV2"):  # the sender's address only, like Wireshark
            source = _link_address(layer)
        if name == "TCP" and (
            http[0] == "http" if http else _payload(layer).startswith(HTTP_STARTS)
        ):
            label = "HTTP"
        if name in ("ICMP",):
            break
    try:
        info = _info(pkt, label, tcp, analysis)
    except Exception:
        info = pkt.summary()
    if http and http[0] != "tcp" and label in ("TCP", "HTTP"):
        info = http_info(http, info)
    return source, destination, label, info
