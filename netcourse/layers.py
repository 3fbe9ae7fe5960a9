"""The OSI and TCP/IP models, declared once: layers, PDUs, protocols, devices and what they read.

Taught in notebooks/02-osi-layers-and-packets.ipynb. The lesson's table, the encapsulation
figure and the packet inspector's layer labels all read these tables, so a correction made
here shows everywhere (:mod:`netcourse.packets.pdus` finds these PDUs in a real frame's bytes).
Three places where popular tables go wrong are right here:

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
from typing import Any

from netcourse.errors import NetcourseError, PacketError
from netcourse.html import table as html_table

__all__ = [
    "OsiLayer",
    "Protocol",
    "Device",
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
    "HTTP_HEADER_LAYERS",
    "STACKS",
    "ETHERNET_WIRE",
    "ETHERNET_MIN_FRAME",
    "WireCost",
    "wire_cost",
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
        "TCP: over TLS (h2), or in cleartext (h2c, RFC 9113 section 3.3)",
        "binary frames; many streams multiplexed over one connection (layer 5), "
        "HPACK header compression (layer 6); h2c, sent with prior knowledge, is common "
        "between gRPC services inside a network",
    ),
    Protocol(
        "WebSocket",
        (),
        (5, 7),
        "Application",
        "message (in WebSocket frames)",
        "TCP after an HTTP/1.1 Upgrade (RFC 6455), or one HTTP/2 stream (RFC 8441)",
        "one long-lived, two-way session that starts as an HTTP request: an Upgrade on "
        "HTTP/1.1, an extended CONNECT on HTTP/2 (one stream of a shared connection)",
    ),
    Protocol(
        "gRPC",
        (),
        (6, 7),
        "Application",
        "message (5-byte length prefix + protobuf)",
        "HTTP/2",
        "remote procedure calls: protobuf bodies (layer 6) over HTTP/2 streams, with TLS or "
        "in cleartext (h2c)",
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
        "the 5-tuple: IP addresses, protocol and ports, hashed to pick a backend",
        ("IP.src", "IP.dst", "IP.proto", "TCP.sport", "TCP.dport", "UDP.sport", "UDP.dport"),
        "which backend gets the whole connection (every packet of one 5-tuple, the same)",
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
        ("TCP (TLS, or cleartext h2c)", 4),
        ("IP", 3),
    ),
    "WebSocket": (
        ("the application's messages", 7),
        ("text or binary frames", 6),
        ("Upgrade (HTTP/1.1) or HTTP/2 stream", 5),
        ("TCP", 4),
        ("IP", 3),
    ),
    "gRPC": (
        ("service methods (RPC)", 7),
        ("protobuf + 5-byte prefix", 6),
        ("HTTP/2 streams", 5),
        ("TCP (TLS, or cleartext h2c)", 4),
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


#: What an Ethernet frame costs on the wire beyond the bytes a capture holds (IEEE 802.3,
#: clauses 3 and 4), in byte times. Captures, Linux's included, leave all of these out.
ETHERNET_WIRE: dict[str, int] = {
    "FCS": 4,  #: the frame check sequence, a CRC-32 at the frame's end
    "preamble and SFD": 8,  #: 7 bytes of preamble and the start frame delimiter
    "inter-frame gap": 12,  #: the idle line after each frame: 96 bit times
}
#: The shortest Ethernet frame without its FCS (64 bytes with it): shorter ones are padded.
ETHERNET_MIN_FRAME = 60


@dataclass(frozen=True)
class WireCost:
    """One Ethernet frame's cost on the wire, in byte times, from its captured size.

    ``captured`` is the frame as a capture holds it (no FCS); ``payload`` the application's
    bytes in it, when known. ``total`` adds padding, FCS, preamble and SFD and the gap.
    """

    captured: int
    payload: int | None
    padding: int
    fcs: int
    preamble_sfd: int
    gap: int

    @property
    def total(self) -> int:
        """Byte times the frame takes on the line, gap included."""
        return self.captured + self.padding + self.fcs + self.preamble_sfd + self.gap

    @property
    def bits(self) -> int:
        """Bit times: what the line's rate (bits per second) is spent on."""
        return self.total * 8

    @property
    def overhead(self) -> float | None:
        """The share of the wire's byte times that is not application data (None if unknown)."""
        return None if self.payload is None else 1 - self.payload / self.total

    def __repr__(self) -> str:
        share = "" if self.overhead is None else f"; {self.payload} application bytes: "
        share += "" if self.overhead is None else f"{self.overhead:.0%} overhead"
        return (
            f"WireCost({self.captured} captured + {self.padding} padding + {self.fcs} FCS + "
            f"{self.preamble_sfd} preamble and SFD + {self.gap} inter-frame gap = "
            f"{self.total} byte times{share})"
        )


def wire_cost(captured: int, payload: int | None = None) -> WireCost:
    """What a captured Ethernet frame of ``captured`` bytes costs on the wire.

    Pads a short frame to :data:`ETHERNET_MIN_FRAME`, then adds :data:`ETHERNET_WIRE`.

    >>> wire_cost(166, payload=100).total, f"{wire_cost(166, payload=100).overhead:.0%}"
    (190, '47%')
    >>> wire_cost(42).total  # an ARP frame: padded to 60, the 84-byte minimum
    84
    """
    for value, what in ((captured, "captured"), (payload, "payload")):
        if value is None and what == "payload":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PacketError(f"{what}={value!r}: expected a whole number of bytes, 0 or more")
    if payload is not None and payload > captured:
        raise PacketError(f"payload={payload}: more than the {captured} captured bytes")
    return WireCost(
        captured=captured,
        payload=payload,
        padding=max(0, ETHERNET_MIN_FRAME - captured),
        fcs=ETHERNET_WIRE["FCS"],
        preamble_sfd=ETHERNET_WIRE["preamble and SFD"],
        gap=ETHERNET_WIRE["inter-frame gap"],
    )


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
        return str(
            html_table(
                [self._cells(row) for row in self.rows],
                header=self._HEAD,
                cls="netcourse-layers",
                row_classes=[f"layer-{row.number}" for row in self.rows],
            )
        )


def table() -> LayerTable:
    """The OSI/TCP-IP reference table, layer 7 at the top as it is usually drawn.

    >>> table().rows[0].name, table().rows[-1].pdu
    ('Application', 'bits')
    """
    return LayerTable(tuple(reversed(OSI)))


# --- HTTP/1.1 across layers 5-7 ------------------------------------------------------------

#: HTTP/1.1 header names (lower case) that do a session (5) or presentation (6) job, and why.
#: Every other line of a request or response is the application's own (layer 7).
HTTP_HEADER_LAYERS: dict[str, tuple[int, str]] = {
    "connection": (5, "keep the TCP connection open for the next request, or close it"),
    "keep-alive": (5, "how long and for how many requests the connection stays open"),
    "content-length": (5, "where this message ends, so the connection can carry the next one"),
    "transfer-encoding": (5, "chunked framing: the message ends at a zero-length chunk"),
    "upgrade": (5, "switch this connection to another protocol (WebSocket)"),
    "content-type": (6, "how the body is encoded (text/plain, application/json, ...)"),
    "content-encoding": (6, "compression applied to the body (gzip, br)"),
    "accept-encoding": (6, "which compressions the client can decode"),
    "accept": (6, "which body formats the client can read"),
    "accept-charset": (6, "which character encodings the client can read"),
}
