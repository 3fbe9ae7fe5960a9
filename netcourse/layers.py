"""The OSI and TCP/IP models, declared once: layers, PDUs, protocols, devices and what they read.

Taught in notebooks/02-osi-layers-and-packets.ipynb. The lesson's table, the encapsulation
figure and the packet inspector's layer labels all read these tables, so a correction made
here shows everywhere. Three places where popular tables go wrong are right here:

* ICMP is a network-layer protocol (it rides inside IP, protocol 1), even though firewalls
  filter it beside TCP and UDP;
* ARP sits between layers 2 and 3: it travels directly in an Ethernet frame, not in IP, and
  its job is to map layer-3 addresses to layer-2 ones;
* firewalls and load balancers exist both at layer 4 (addresses and ports) and at layer 7
  (HTTP host, path, headers).

>>> layer(4).pdu
'segment (TCP) or datagram (UDP)'
>>> layer_of("ICMP").osi, layer_of("ARP").label
((3,), 'L2-L3')
>>> sorted(d.name for d in devices_at(4))
['firewall (stateful packet filter)', 'load balancer (layer 4)']
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from netcourse.errors import NetcourseError, PacketError

__all__ = [
    "OsiLayer",
    "Protocol",
    "Device",
    "Span",
    "LayerTable",
    "OSI",
    "TCPIP",
    "PROTOCOLS",
    "DEVICES",
    "layer",
    "layer_of",
    "device",
    "devices_at",
    "table",
    "spans",
    "pdu_at",
    "Encapsulation",
    "encapsulation",
    "HTTP_HEADER_LAYERS",
    "HttpLine",
    "HttpLayers",
    "http_layers",
    "fields_read",
    "payload",
    "STACKS",
]


@dataclass(frozen=True)
class OsiLayer:
    """One OSI layer: its number, names in both models, its PDU, examples and its job."""

    number: int
    name: str
    tcpip: str
    pdu: str
    protocols: tuple[str, ...]
    devices: tuple[str, ...]
    job: str

    @property
    def label(self) -> str:
        """Short label such as ``'L3 network'``."""
        return f"L{self.number} {self.name.lower()}"


@dataclass(frozen=True)
class Protocol:
    """Where one protocol sits: OSI layer(s), TCP/IP layer, its PDU and what carries it.

    ``scapy`` lists the scapy layer class names that dissect as this protocol, so the packet
    inspector can label each layer of a real frame.
    """

    name: str
    scapy: tuple[str, ...]
    osi: tuple[int, ...]
    tcpip: str
    pdu: str
    carried_in: str
    note: str = ""

    @property
    def label(self) -> str:
        """``'L3'`` for one layer, ``'L2-L3'`` for a protocol between or across layers."""
        if len(self.osi) == 1:
            return f"L{self.osi[0]}"
        return f"L{self.osi[0]}-L{self.osi[-1]}"

    @property
    def layers(self) -> tuple[OsiLayer, ...]:
        """The OSI layer entries this protocol belongs to, lowest first."""
        return tuple(layer(n) for n in self.osi)


@dataclass(frozen=True)
class Device:
    """A network device: the OSI layers it works at, the fields it reads and what it decides.

    ``fields`` names header fields as ``Layer.field`` with scapy's names (the names
    ``netcourse.packets.dissect`` reports), so a lesson can highlight them in a real frame.
    """

    name: str
    osi: tuple[int, ...]
    reads: str
    fields: tuple[str, ...]
    decides: str

    @property
    def label(self) -> str:
        """``'L2'`` or ``'L3-L4'``."""
        if len(self.osi) == 1:
            return f"L{self.osi[0]}"
        return f"L{self.osi[0]}-L{self.osi[-1]}"


#: The seven OSI layers, bottom up. TCP/IP names follow RFC 1122 (link, internet, transport,
#: application); RFC 1122's link layer covers both OSI 1 and 2.
OSI: tuple[OsiLayer, ...] = (
    OsiLayer(
        1,
        "Physical",
        "Link",
        "bits",
        ("Ethernet PHY (1000BASE-T)", "Wi-Fi radio (802.11 PHY)", "fibre", "DSL"),
        ("hub", "repeater", "cable", "media converter"),
        "turn bits into signals on a medium and back",
    ),
    OsiLayer(
        2,
        "Data link",
        "Link",
        "frame",
        ("Ethernet II", "802.1Q VLAN tag", "Wi-Fi (802.11 MAC)", "PPP", "ARP (2-3)"),
        ("switch", "bridge", "wireless access point"),
        "deliver a frame to the next device on the same link, by MAC address",
    ),
    OsiLayer(
        3,
        "Network",
        "Internet",
        "packet",
        ("IPv4", "IPv6", "ICMP", "ICMPv6 (incl. neighbour discovery)", "IPsec"),
        ("router", "layer-3 switch"),
        "carry a packet across networks, hop by hop, by IP address",
    ),
    OsiLayer(
        4,
        "Transport",
        "Transport",
        "segment (TCP) or datagram (UDP)",
        ("TCP", "UDP", "QUIC (over UDP)"),
        ("firewall (stateful packet filter)", "load balancer (layer 4)", "NAT"),
        "deliver to the right process (ports); TCP adds order and retransmission",
    ),
    OsiLayer(
        5,
        "Session",
        "Application",
        "message",
        ("HTTP keep-alive / connection reuse", "TLS session resumption", "RPC sessions"),
        (),
        "keep a conversation going across many requests",
    ),
    OsiLayer(
        6,
        "Presentation",
        "Application",
        "message",
        ("JSON", "XML", "protobuf", "Avro", "UTF-8", "gzip", "TLS encryption"),
        (),
        "agree how data is encoded, compressed or encrypted",
    ),
    OsiLayer(
        7,
        "Application",
        "Application",
        "message",
        ("HTTP", "DNS", "SMTP", "SSH", "gRPC", "WebSocket"),
        ("load balancer (layer 7)", "web application firewall", "HTTP proxy"),
        "the request itself: what the program wants",
    ),
)

#: The four TCP/IP (RFC 1122) layers and the OSI layers each covers.
TCPIP: dict[str, tuple[int, ...]] = {
    "Link": (1, 2),
    "Internet": (3,),
    "Transport": (4,),
    "Application": (5, 6, 7),
}

#: Where each protocol sits. ``scapy`` holds the class names scapy gives its layers.
PROTOCOLS: tuple[Protocol, ...] = (
    Protocol(
        "Ethernet II",
        ("Ether",),
        (2,),
        "Link",
        "frame",
        "the physical medium",
        "14-byte header: destination MAC, source MAC, EtherType",
    ),
    Protocol(
        "802.1Q VLAN tag",
        ("Dot1Q", "Dot1AD"),
        (2,),
        "Link",
        "frame",
        "Ethernet II (EtherType 0x8100)",
        "4 bytes between the source MAC and the EtherType: priority, DEI, 12-bit VLAN id",
    ),
    Protocol(
        "Ethernet padding",
        ("Padding",),
        (2,),
        "Link",
        "frame",
        "Ethernet II",
        "zero bytes that bring a short frame up to Ethernet's 60-byte minimum",
    ),
    Protocol(
        "ARP",
        ("ARP",),
        (2, 3),
        "Link",
        "ARP message",
        "Ethernet II (EtherType 0x0806), not IP",
        "between layers 2 and 3: it rides in a frame and maps IP addresses to MAC addresses",
    ),
    Protocol(
        "IPv4",
        ("IP",),
        (3,),
        "Internet",
        "packet",
        "Ethernet II (EtherType 0x0800)",
        "source and destination IP, TTL, and the protocol number of what it carries",
    ),
    Protocol(
        "IPv6",
        ("IPv6", "IPv6ExtHdrHopByHop", "IPv6ExtHdrRouting", "IPv6ExtHdrFragment"),
        (3,),
        "Internet",
        "packet",
        "Ethernet II (EtherType 0x86dd)",
        "40-byte fixed header; extension headers chain by next-header",
    ),
    Protocol(
        "ICMP",
        ("ICMP", "IPerror", "TCPerror", "UDPerror", "ICMPerror"),
        (3,),
        "Internet",
        "ICMP message",
        "IPv4 (protocol 1)",
        "a network-layer protocol carried inside IP; firewalls filter it beside TCP and UDP, "
        "which is why it is often drawn at layer 4",
    ),
    Protocol(
        "ICMPv6",
        ("ICMPv6",),
        (3,),
        "Internet",
        "ICMPv6 message",
        "IPv6 (next header 58)",
        "also carries neighbour discovery, IPv6's replacement for ARP",
    ),
    Protocol(
        "TCP",
        ("TCP",),
        (4,),
        "Transport",
        "segment",
        "IP (protocol 6)",
        "ports, sequence and acknowledgement numbers: ordered, retransmitted byte stream",
    ),
    Protocol(
        "UDP",
        ("UDP",),
        (4,),
        "Transport",
        "datagram",
        "IP (protocol 17)",
        "ports, length, checksum: no connection, no retransmission",
    ),
    Protocol(
        "DNS",
        ("DNS",),
        (7,),
        "Application",
        "message",
        "UDP or TCP (port 53)",
        "names to addresses",
    ),
    Protocol(
        "TLS",
        ("TLS", "SSLv2", "TLS13"),
        (5, 6),
        "Application",
        "record",
        "TCP (port 443 for HTTPS)",
        "sessions (handshake, resumption) and encryption: layers 5 and 6 together",
    ),
    Protocol(
        "HTTP/1.1",
        ("HTTP", "HTTPRequest", "HTTPResponse"),
        (5, 6, 7),
        "Application",
        "message",
        "TCP (port 80)",
        "request line and headers are layer 7, the body's encoding (Content-Type) layer 6, "
        "keep-alive and connection reuse layer 5",
    ),
    Protocol(
        "HTTP/2",
        ("H2Frame",),
        (5, 6, 7),
        "Application",
        "frame (HTTP/2 frame)",
        "TLS over TCP",
        "binary frames; many streams multiplexed over one connection (layer 5), "
        "HPACK header compression (layer 6)",
    ),
    Protocol(
        "WebSocket",
        (),
        (5, 7),
        "Application",
        "message (in WebSocket frames)",
        "TCP, after an HTTP/1.1 Upgrade",
        "one long-lived, two-way session that starts as an HTTP request",
    ),
    Protocol(
        "gRPC",
        (),
        (6, 7),
        "Application",
        "message (5-byte length prefix + protobuf)",
        "HTTP/2",
        "remote procedure calls: protobuf bodies (layer 6) over HTTP/2 streams",
    ),
    Protocol(
        "payload",
        ("Raw",),
        (5, 6, 7),
        "Application",
        "message",
        "TCP or UDP",
        "bytes the dissector did not decode further; above TCP or UDP that is application data",
    ),
)

#: Devices, what they read from a frame and what they decide with it.
DEVICES: tuple[Device, ...] = (
    Device(
        "hub",
        (1,),
        "nothing: it repeats bits",
        (),
        "nothing: every bit goes out of every other port",
    ),
    Device(
        "switch",
        (2,),
        "destination and source MAC, VLAN tag",
        ("Ether.dst", "Ether.src", "Dot1Q.vlan"),
        "which port to send the frame out of (or flood it), learning from the source MAC",
    ),
    Device(
        "router",
        (3,),
        "destination IP and TTL",
        ("IP.dst", "IP.ttl", "IPv6.dst", "IPv6.hlim"),
        "the next hop, by longest-prefix match; it rewrites the MACs and decrements the TTL",
    ),
    Device(
        "firewall (stateful packet filter)",
        (3, 4),
        "IP addresses, protocol, ports, TCP flags, ICMP type",
        (
            "IP.src",
            "IP.dst",
            "IP.proto",
            "TCP.sport",
            "TCP.dport",
            "TCP.flags",
            "UDP.sport",
            "UDP.dport",
            "ICMP.type",
        ),
        "accept or drop, by rule and by connection state",
    ),
    Device(
        "web application firewall",
        (7,),
        "the HTTP request: method, path, headers, body",
        ("HTTPRequest.Method", "HTTPRequest.Path", "HTTPRequest.Host", "Raw.load"),
        "block requests that look like attacks (SQL injection, bad bots)",
    ),
    Device(
        "load balancer (layer 4)",
        (4,),
        "destination IP and port (the 4-tuple, for hashing)",
        ("IP.src", "IP.dst", "TCP.sport", "TCP.dport", "UDP.sport", "UDP.dport"),
        "which backend gets the whole connection",
    ),
    Device(
        "load balancer (layer 7)",
        (7,),
        "the HTTP request: Host header, path, cookies",
        ("HTTPRequest.Method", "HTTPRequest.Path", "HTTPRequest.Host", "Raw.load"),
        "which backend gets each request (it terminates TCP and opens its own connections)",
    ),
)


#: Web protocol stacks from layer 3 up: each part is (what does the job, OSI layer). HTTP/1.1,
#: HTTP/2, WebSockets, gRPC and HTTP/3 keep HTTP's meaning at layer 7 and differ below it.
STACKS: dict[str, tuple[tuple[str, int], ...]] = {
    "HTTP/1.1": (
        ("request line, headers, status", 7),
        ("Content-Type of the body", 6),
        ("keep-alive, Content-Length", 5),
        ("TCP", 4),
        ("IP", 3),
    ),
    "HTTP/2": (
        ("same methods, headers, status", 7),
        ("binary frames, HPACK headers", 6),
        ("streams multiplexed on 1 connection", 5),
        ("TCP (with TLS)", 4),
        ("IP", 3),
    ),
    "WebSocket": (
        ("the application's messages", 7),
        ("text or binary frames", 6),
        ("one long session after an Upgrade", 5),
        ("TCP", 4),
        ("IP", 3),
    ),
    "gRPC": (
        ("service methods (RPC)", 7),
        ("protobuf + 5-byte prefix", 6),
        ("HTTP/2 streams", 5),
        ("TCP (with TLS)", 4),
        ("IP", 3),
    ),
    "HTTP/3": (
        ("same methods, headers, status", 7),
        ("QPACK headers", 6),
        ("QUIC streams", 5),
        ("QUIC over UDP", 4),
        ("IP", 3),
    ),
}


# --- look-ups ------------------------------------------------------------------------------

_BY_SCAPY = {name: proto for proto in PROTOCOLS for name in proto.scapy}
_BY_NAME = {proto.name.lower(): proto for proto in PROTOCOLS}


def layer(number_or_name: int | str) -> OsiLayer:
    """The OSI layer with this number (1-7) or name (``"network"``, ``"data link"``).

    >>> layer(3).name, layer("transport").number
    ('Network', 4)
    """
    key = str(number_or_name).strip().lower().removeprefix("l")
    for entry in OSI:
        if key in (str(entry.number), entry.name.lower()):
            return entry
    names = ", ".join(entry.name.lower() for entry in OSI)
    raise NetcourseError(
        f"{number_or_name!r}: no such OSI layer; expected a number 1-7 or one of {names}"
    )


_MISSING: Any = object()


def layer_of(name: str, default: Any = _MISSING) -> Protocol:
    """Where a protocol sits, by scapy class name (``"Ether"``, ``"TCP"``) or protocol name.

    Returns the :class:`Protocol` entry: ``.osi`` holds its OSI layer number(s), ``.label``
    reads ``'L3'`` or ``'L2-L3'`` and ``.layers`` gives the :class:`OsiLayer` entries. scapy's
    ICMPv6 classes (``ICMPv6EchoRequest``, ``ICMPv6ND_NS``, ...) all map to ICMPv6. An unknown
    name raises :class:`PacketError` unless ``default`` is given.

    >>> layer_of("Dot1Q").osi, layer_of("UDP").pdu, layer_of("ICMPv6ND_NS").name
    ((2,), 'datagram', 'ICMPv6')
    >>> layer_of("Raw").label
    'L5-L7'
    """
    key = str(name).strip()
    found = _BY_SCAPY.get(key) or _BY_NAME.get(key.lower())
    if found is None and key.startswith("ICMPv6"):
        found = _BY_SCAPY["ICMPv6"]
    if found is None and key.startswith("IPv6ExtHdr"):
        found = _BY_SCAPY["IPv6"]
    if found is None and key.upper().startswith("HTTP"):
        found = _BY_SCAPY["HTTP"]
    if found is not None:
        return found
    if default is not _MISSING:
        return default
    known = ", ".join(sorted(_BY_SCAPY))
    raise PacketError(f"{name!r}: no layer placement for this protocol; known names: {known}")


def device(name: str) -> Device:
    """The device entry with this name (``"switch"``, ``"router"``, ...); prefixes suffice.

    >>> device("switch").fields[:2]
    ('Ether.dst', 'Ether.src')
    """
    key = str(name).strip().lower()
    exact = [d for d in DEVICES if d.name == key]
    matches = exact or [d for d in DEVICES if d.name.startswith(key)]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(d.name for d in DEVICES)
    what = "is ambiguous" if matches else "is not a device in the table"
    raise NetcourseError(f"{name!r} {what}; expected one of: {names}")


def devices_at(number: int) -> tuple[Device, ...]:
    """Every device that works at OSI layer ``number``.

    >>> [d.name for d in devices_at(7)]
    ['web application firewall', 'load balancer (layer 7)']
    """
    layer(number)  # validates
    return tuple(d for d in DEVICES if int(number) in d.osi)


# --- the table for the lesson --------------------------------------------------------------


@dataclass(frozen=True)
class LayerTable:
    """The OSI layers top down beside TCP/IP, PDUs, protocols and devices (text and HTML)."""

    rows: tuple[OsiLayer, ...]

    _HEAD = ("OSI", "name", "TCP/IP", "PDU", "protocols", "devices")

    def _cells(self, row: OsiLayer) -> tuple[str, ...]:
        return (
            str(row.number),
            row.name,
            row.tcpip,
            row.pdu,
            ", ".join(row.protocols),
            ", ".join(row.devices) or "-",
        )

    def __repr__(self) -> str:
        lines = [f"{'OSI':<4}{'name':<14}{'TCP/IP':<13}{'PDU':<33}devices"]
        for row in self.rows:
            cells = self._cells(row)
            lines.append(f"{cells[0]:<4}{cells[1]:<14}{cells[2]:<13}{cells[3]:<33}{cells[5]}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in self._HEAD)
        body = "".join(
            f'<tr data-layer="{row.number}">'
            + "".join(f"<td>{escape(cell)}</td>" for cell in self._cells(row))
            + "</tr>"
            for row in self.rows
        )
        return (
            '<table class="netcourse-layers"><thead><tr>'
            f"{head}</tr></thead><tbody>{body}</tbody></table>"
        )


def table() -> LayerTable:
    """The OSI/TCP-IP reference table, layer 7 at the top as it is usually drawn.

    >>> table().rows[0].name, table().rows[-1].pdu
    ('Application', 'bits')
    """
    return LayerTable(tuple(reversed(OSI)))


# --- PDUs on real bytes --------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """One layer of a frame on the wire: its header bytes and the whole PDU it starts.

    ``start``..``header_end`` is the layer's own header; ``start``..``end`` is the whole PDU
    (header plus everything it carries). All offsets count bytes from the start of the frame.
    """

    name: str
    protocol: Protocol
    pdu: str
    start: int
    header_end: int
    end: int

    def __repr__(self) -> str:
        return (
            f"Span({self.name} {self.pdu}, {self.protocol.label}: bytes {self.start}-"
            f"{self.end - 1}, header {self.start}-{self.header_end - 1})"
        )

    @property
    def header_length(self) -> int:
        """Bytes of this layer's own header."""
        return self.header_end - self.start

    @property
    def length(self) -> int:
        """Bytes of the whole PDU (header plus payload)."""
        return self.end - self.start

    @property
    def payload_length(self) -> int:
        """Bytes this layer carries for the layers above it."""
        return self.end - self.header_end


def _field(layer_obj: Any, name: str) -> Any:
    for fld in getattr(layer_obj, "fields", ()):
        if fld.name == name:
            return fld
    return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def spans(dissection: Any) -> tuple[Span, ...]:
    """The PDU span of each layer of a dissected frame, outermost first.

    ``dissection`` is what ``netcourse.packets.dissect(data)`` returns (layers with fields
    that carry byte offsets). A header spans the layer's ``offset``/``length`` where the
    layer has them, else its fields; the PDU runs to the end of the frame,
    except where a length field says it stops sooner (IPv4 total length, IPv6 payload length,
    UDP length), so Ethernet padding is not counted as IP payload.

    >>> from types import SimpleNamespace as NS
    >>> f = lambda name, raw, at, n: NS(name=name, raw=raw, offset=at, length=n)
    >>> eth = NS(name="Ether", fields=[f("dst", "", 0, 6), f("type", 0x800, 12, 2)])
    >>> ip = NS(name="IP", fields=[f("ihl", 5, 14, 1), f("len", 28, 16, 2), f("dst", "", 30, 4)])
    >>> udp = NS(name="UDP", fields=[f("sport", 1, 34, 2), f("len", 8, 38, 2)])
    >>> udp.fields.append(f("chksum", 0, 40, 2))
    >>> pad = NS(name="Padding", fields=[f("load", b"", 42, 18)])
    >>> for s in spans(NS(layers=[eth, ip, udp, pad])):
    ...     print(s.name, s.pdu, s.start, s.header_end, s.end)
    Ether frame 0 14 60
    IP packet 14 34 42
    UDP datagram 34 42 42
    Padding frame 42 60 60
    """
    layers = list(getattr(dissection, "layers", ()))
    if not layers:
        raise PacketError("this dissection has no layers; expected dissect(frame_bytes)")
    bounds = []
    for item in layers:
        offset, length = getattr(item, "offset", None), getattr(item, "length", None)
        if isinstance(offset, int) and isinstance(length, int):  # the dissector knows the header
            bounds.append((offset, offset + length) if length else None)
            continue
        fields = [f for f in item.fields if f.length is not None and f.offset is not None]
        if not fields:
            bounds.append(None)
            continue
        bounds.append((min(f.offset for f in fields), max(f.offset + f.length for f in fields)))
    known = [b for b in bounds if b]
    if not known:
        raise PacketError("no field in this dissection carries a byte offset")
    frame_end = max(end for _, end in known)
    data = getattr(dissection, "data", None)
    if isinstance(data, (bytes, bytearray)) and len(data) >= frame_end:
        frame_end = len(data)
    result: list[Span] = []
    limit = frame_end
    for item, bound in zip(layers, bounds, strict=True):
        if bound is None:
            continue
        start, header_end = bound
        proto = layer_of(item.name, default=None) or Protocol(
            item.name, (item.name,), (), "", "data", "", "not in the course's table"
        )
        if item.name == "Padding":
            end = frame_end
        else:
            end = limit
            if item.name == "IP":
                total = _int(getattr(_field(item, "len"), "raw", None))
                if total:
                    end = min(limit, start + total)
            elif item.name == "IPv6":
                plen = _int(getattr(_field(item, "plen"), "raw", None))
                if plen is not None:
                    end = min(limit, start + 40 + plen)
            elif item.name == "UDP":
                ulen = _int(getattr(_field(item, "len"), "raw", None))
                if ulen:
                    end = min(limit, start + ulen)
            limit = end
        pdu = proto.pdu
        if item.name in ("Dot1Q", "Dot1AD"):  # inserted into the Ethernet header
            end, pdu = header_end, "tag (in the frame)"
        if item.name == "Raw" and result and max(result[-1].protocol.osi or (0,)) < 4:
            proto, pdu = result[-1].protocol, f"{result[-1].pdu} (data)"  # e.g. ping data
        result.append(Span(item.name, proto, pdu, start, header_end, max(end, header_end)))
    return tuple(result)


def pdu_at(dissection: Any, offset: int) -> Span:
    """The innermost layer whose own header holds the byte at ``offset``.

    Use ``.pdu`` for its name: the byte at offset 34 of an untagged TCP/IPv4 frame starts the
    TCP header, so ``pdu_at(d, 34).pdu == 'segment'``.

    >>> from types import SimpleNamespace as NS
    >>> f = lambda name, offset, length: NS(name=name, raw=0, offset=offset, length=length)
    >>> eth = NS(name="Ether", fields=[f("dst", 0, 6), f("type", 12, 2)])
    >>> tcp = NS(name="TCP", fields=[f("sport", 14, 2), f("options", 30, 4)])
    >>> pdu_at(NS(layers=[eth, tcp]), 20).pdu
    'segment'
    """
    all_spans = spans(dissection)
    try:
        where = int(offset)
    except (TypeError, ValueError):
        raise PacketError(f"{offset!r}: expected a byte offset, a whole number") from None
    for span in reversed(all_spans):
        if span.start <= where < span.header_end:
            return span
    size = max(span.end for span in all_spans)
    raise PacketError(
        f"offset {where} is outside every header of this frame; expected 0-{size - 1}"
    )


@dataclass(frozen=True)
class Encapsulation:
    """A frame's layers as nested PDUs: each header's bytes and its share of the frame."""

    spans: tuple[Span, ...]
    size: int

    @property
    def headers(self) -> tuple[Span, ...]:
        """The spans that are protocol headers (not application data, not padding)."""
        return tuple(
            s
            for s in self.spans
            if s.protocol.osi and max(s.protocol.osi) <= 4 and s.name not in ("Raw", "Padding")
        )

    @property
    def header_bytes(self) -> int:
        """Bytes of headers from layer 2 to layer 4."""
        return sum(s.header_length for s in self.headers)

    @property
    def data_bytes(self) -> int:
        """Bytes the application handed down: everything after the last layer-4 header."""
        app = [s for s in self.spans if s.protocol.osi and min(s.protocol.osi) >= 5]
        return sum(s.header_length for s in app)

    @property
    def overhead(self) -> float:
        """Header bytes as a share of the frame (0-1)."""
        return self.header_bytes / self.size if self.size else 0.0

    def __repr__(self) -> str:
        wide = max([6, *(len(s.name) + 1 for s in self.spans)])
        pdu = max([4, *(len(s.pdu) + 1 for s in self.spans)])
        lines = [f"{'layer':<{wide}}{'OSI':<7}{'PDU':<{pdu}}{'starts':>6}{'header':>7}{'bytes':>6}"]
        for s in self.spans:
            lines.append(
                f"{s.name:<{wide}}{s.protocol.label:<7}{s.pdu:<{pdu}}{s.start:>6}"
                f"{s.header_length:>7}{s.length:>6}"
            )
        lines.append(
            f"{self.size} bytes on the wire, {self.header_bytes} of them headers "
            f"({self.overhead:.0%}), {self.data_bytes} application bytes"
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th>{h}</th>" for h in ("layer", "OSI", "PDU", "starts at", "header", "PDU bytes")
        )
        body = "".join(
            f"<tr><td>{escape(s.name)}</td><td>{escape(s.protocol.label)}</td>"
            f"<td>{escape(s.pdu)}</td><td>{s.start}</td><td>{s.header_length}</td>"
            f"<td>{s.length}</td></tr>"
            for s in self.spans
        )
        foot = (
            f"<caption>{self.size} bytes on the wire, {self.header_bytes} of them headers "
            f"({self.overhead:.0%}), {self.data_bytes} application bytes</caption>"
        )
        return f"<table>{foot}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def encapsulation(dissection: Any) -> Encapsulation:
    """The nested PDUs of a dissected frame, with header bytes and overhead.

    >>> from netcourse.packets import dissect, frame
    >>> enc = encapsulation(dissect(frame("http", 1)))
    >>> [(s.name, s.header_length) for s in enc.headers]
    [('Ether', 14), ('IP', 20), ('TCP', 40)]
    """
    found = spans(dissection)
    data = getattr(dissection, "data", None)
    size = len(data) if isinstance(data, (bytes, bytearray)) else max(s.end for s in found)
    return Encapsulation(found, size)


# --- HTTP/1.1 across layers 5-7 ------------------------------------------------------------

#: HTTP/1.1 header names (lower case) that do a session (5) or presentation (6) job, and why.
#: Every other line of a request or response is the application's own (layer 7).
HTTP_HEADER_LAYERS: dict[str, tuple[int, str]] = {
    "connection": (5, "keep the TCP connection open for the next request, or close it"),
    "keep-alive": (5, "how long and for how many requests the connection stays open"),
    "content-length": (5, "where this message ends, so the connection can carry the next one"),
    "transfer-encoding": (5, "chunked framing: the message ends at a zero-length chunk"),
    "upgrade": (5, "switch this connection to another protocol (WebSocket, h2c)"),
    "content-type": (6, "how the body is encoded (text/plain, application/json, ...)"),
    "content-encoding": (6, "compression applied to the body (gzip, br)"),
    "accept-encoding": (6, "which compressions the client can decode"),
    "accept": (6, "which body formats the client can read"),
    "accept-charset": (6, "which character encodings the client can read"),
}


@dataclass(frozen=True)
class HttpLine:
    """One line of an HTTP/1.1 message and the OSI layer whose job it does."""

    text: str
    osi: int
    why: str


@dataclass(frozen=True)
class HttpLayers:
    """An HTTP/1.1 message split into lines, each placed at layer 5, 6 or 7."""

    lines: tuple[HttpLine, ...]

    def at(self, number: int) -> tuple[HttpLine, ...]:
        """The lines doing layer ``number``'s job."""
        return tuple(line for line in self.lines if line.osi == number)

    def __repr__(self) -> str:
        return "\n".join(f"L{line.osi}  {line.text:<44.44}  {line.why}" for line in self.lines)


def http_layers(payload: bytes) -> HttpLayers:
    """Place each line of an HTTP/1.1 request or response at OSI layer 5, 6 or 7.

    The start line and most headers are the application's (7); the headers in
    :data:`HTTP_HEADER_LAYERS` manage the connection (5) or the body's encoding (6); the body
    itself is presentation-layer data in the format Content-Type names.

    >>> parts = http_layers(b"GET / HTTP/1.1\\r\\nHost: x\\r\\nAccept-Encoding: gzip\\r\\n\\r\\n")
    >>> [(line.osi, line.text) for line in parts.lines]
    [(7, 'GET / HTTP/1.1'), (7, 'Host: x'), (6, 'Accept-Encoding: gzip')]
    """
    if not isinstance(payload, (bytes, bytearray)):
        raise PacketError(f"expected the HTTP message's bytes, got {type(payload).__name__}")
    head, sep, body = bytes(payload).partition(b"\r\n\r\n")
    try:
        text = head.decode("ascii")
    except UnicodeDecodeError:
        raise PacketError("these bytes are not an HTTP/1.1 header (not ASCII text)") from None
    rows = text.split("\r\n")
    start = rows[0]
    words = start.split(" ")
    if not (start.startswith("HTTP/") or (len(words) == 3 and words[2].startswith("HTTP/"))):
        raise PacketError(
            f"{start[:40]!r}: not an HTTP/1.x start line; expected 'GET /path HTTP/1.1' "
            "or 'HTTP/1.1 200 OK'"
        )
    lines = [HttpLine(start, 7, "the request or status line: what is asked, what happened")]
    content_type = ""
    for row in rows[1:]:
        name = row.split(":", 1)[0].strip().lower()
        if name == "content-type":
            content_type = row.split(":", 1)[1].strip()
        osi, why = HTTP_HEADER_LAYERS.get(name, (7, "application header"))
        lines.append(HttpLine(row, osi, why))
    if body:
        form = content_type or "no Content-Type given"
        lines.append(HttpLine(f"(body: {len(body)} bytes)", 6, f"data encoded as {form}"))
    return HttpLayers(tuple(lines))


def fields_read(device_name: str, dissection: Any) -> tuple[Any, ...]:
    """The fields of a dissected frame that a device reads (those present in this frame).

    >>> from netcourse.packets import dissect, frame
    >>> [(f.name, f.offset) for f in fields_read("switch", dissect(frame("http", 1)))]
    [('dst', 0), ('src', 6)]
    """
    dev = device(device_name)
    out = []
    for dotted in dev.fields:
        layer_name, field_name = dotted.split(".")
        for item in getattr(dissection, "layers", ()):
            if item.name == layer_name:
                out.extend(f for f in item.fields if f.name == field_name)
                break
    return tuple(out)


def payload(dissection: Any) -> bytes:
    """The bytes TCP or UDP carries in this frame: the application's message (may be empty).

    Works whether the dissector left the payload as ``Raw`` or decoded it (HTTP).

    >>> from netcourse.packets import dissect, frame
    >>> payload(dissect(frame("http", 4)))[:14]
    b'GET /hello.txt'
    """
    data = getattr(dissection, "data", None)
    if not isinstance(data, (bytes, bytearray)):
        raise PacketError("expected a dissection with the frame's bytes: dissect(frame_bytes)")
    transport = [s for s in spans(dissection) if s.name in ("TCP", "UDP")]
    if not transport:
        names = ", ".join(layer.name for layer in dissection.layers)
        raise PacketError(f"this frame has no TCP or UDP layer (its layers are: {names})")
    last = transport[-1]
    return bytes(data[last.header_end : last.end])
