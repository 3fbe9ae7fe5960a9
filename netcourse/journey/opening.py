"""What crosses the home network before the request: the DNS lookup and TLS's ClientHello.

Before the browser can connect it asks a resolver for the server's address: a DNS query over
UDP port 53 (RFC 1035), in cleartext. It leaves the laptop for the default gateway like any
off-subnet packet, and the home router's NAT rewrites it with the same MASQUERADE model as the
request (:class:`~netcourse.journey.home.NatTable`, here for UDP). After TCP's handshake, the
first bytes the browser sends are TLS's ClientHello (RFC 8446 section 4.1.2); its server_name
extension (RFC 6066 section 3) carries the host name in cleartext, so every device on the path
can read which site is asked for, even though everything after the handshake is encrypted.

The frames are real bytes built with scapy (the DNS messages with its DNS layer; the
ClientHello byte by byte, so no TLS layer is bound to port 443), and :func:`server_name` reads
the name back with its offset in the frame. Importing this module registers scapy's DNS
dissector for UDP port 53, so :func:`netcourse.packets.dissect` shows the DNS layer.

Taught in notebooks/06-packet-journey.ipynb.

>>> from netcourse.journey import scenario
>>> lookup = dns_exchange(scenario("healthy"))
>>> lookup.answer, lookup.nat.outside
('203.0.113.10', ('198.51.100.23', 50123))
>>> server_name(client_hello(scenario("healthy"))).name
'www.example.com'
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

logging.getLogger("scapy").setLevel(logging.ERROR)

from scapy.layers.dns import DNS, DNSQR, DNSRR  # noqa: E402  (binds UDP port 53 to DNS)
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

from netcourse.cidr import route_decision  # noqa: E402
from netcourse.errors import JourneyError, quote  # noqa: E402
from netcourse.journey import pdu, vpc_side  # noqa: E402
from netcourse.journey.home import NatEntry, NatTable  # noqa: E402
from netcourse.protocols import service_port  # noqa: E402

__all__ = [
    "DnsExchange",
    "ServerName",
    "dns_exchange",
    "client_hello",
    "server_name",
    "HOST_NAME",
    "RESOLVER",
    "DNS_QUERY_PORT",
    "TLS_HANDSHAKE",
    "CLIENT_HELLO",
    "SERVER_NAME_EXTENSION",
]

#: The name the browser looks up (a name reserved for examples, RFC 2606).
HOST_NAME = "www.example.com"
#: The home ISP's resolver, in the ISP's network beside the router's public address.
RESOLVER = "198.51.100.53"
#: The laptop's source port for the query (a resolver library draws one; fixed for stable bytes).
DNS_QUERY_PORT = 50123
#: The DNS message id of the query and its response (fixed for stable bytes).
_DNS_ID = 0x2B1D
#: TLS record content type 22, handshake (RFC 8446 section 5.1).
TLS_HANDSHAKE = 22
#: Handshake message type 1, client_hello (RFC 8446 section 4).
CLIENT_HELLO = 1
#: Extension type 0, server_name (RFC 6066 section 3); its name type 0 is host_name.
SERVER_NAME_EXTENSION = 0

_DNS = service_port("domain", "udp")
_HTTPS = service_port("https", "tcp")


@dataclass(frozen=True)
class DnsExchange:
    """The DNS query for ``name`` and its answer, as frames on each side of the home router."""

    name: str
    answer: str
    #: the query as the laptop sends it, to the gateway's MAC
    query: bytes
    #: the query after the home router's NAT, on the WAN
    query_out: bytes
    #: the resolver's response as it reaches the router's public address
    response: bytes
    #: the response after the NAT undid its rewrite, delivered to the laptop
    response_in: bytes
    #: the router's NAT mapping for the query (proto udp)
    nat: NatEntry

    @property
    def frames(self) -> tuple[bytes, ...]:
        """The four frames in order (for lesson 02's Inspector)."""
        return (self.query, self.query_out, self.response, self.response_in)


@dataclass(frozen=True)
class ServerName:
    """The host name of a ClientHello's server_name extension, and where its bytes sit."""

    name: str
    #: offset of the name's first byte in the frame
    offset: int
    length: int


def _resolver_mac(sc) -> str:
    """The MAC the laptop sends the query to: the gateway's (the resolver is off-subnet)."""
    laptop = sc.laptop
    decision = route_decision(laptop.interface, RESOLVER, gateway=laptop.gateway)
    if decision.direct:
        raise JourneyError(
            f"the laptop's netmask {laptop.netmask} puts the resolver {RESOLVER} on its own LAN, "
            "where nobody has that address: the lookup gets no answer"
        )
    if not laptop.gateway:
        raise JourneyError(
            f"the laptop has no default gateway, so the query to {RESOLVER} cannot leave it"
        )
    return sc.router.lan_mac


def dns_exchange(sc, name: str = HOST_NAME) -> DnsExchange:
    """The laptop's DNS query for ``name`` and the resolver's answer: the server's public IP.

    >>> from netcourse.journey import scenario
    >>> from netcourse.packets import dissect
    >>> dissect(dns_exchange(scenario("healthy")).query).summary
    'Ether / IP / UDP / DNS'
    """
    if not isinstance(name, str) or not name.strip(".") or len(name) > 253:
        raise JourneyError(f"name {quote(name)}: expected a host name such as 'www.example.com'")
    laptop, router = sc.laptop, sc.router
    answer = vpc_side.public_ip(sc)
    question = DNSQR(qname=name, qtype="A")
    query_dns = DNS(id=_DNS_ID, rd=1, qd=question)
    reply_dns = DNS(
        id=_DNS_ID,
        qr=1,
        rd=1,
        ra=1,
        qd=question,
        an=DNSRR(rrname=name, type="A", ttl=300, rdata=answer),
    )
    inside = (laptop.ip, DNS_QUERY_PORT, RESOLVER, _DNS)
    _, entry = NatTable().outbound(inside, router.wan_ip, router.nat_first_port, proto="udp")
    outside = entry.outside

    def frame(src_mac, dst_mac, src, dst, sport, dport, ttl, message) -> bytes:
        return bytes(
            Ether(src=src_mac, dst=dst_mac)
            / IP(src=src, dst=dst, ttl=ttl, id=_DNS_ID)
            / UDP(sport=sport, dport=dport)
            / message
        )

    gateway_mac = _resolver_mac(sc)
    query = frame(laptop.mac, gateway_mac, laptop.ip, RESOLVER, DNS_QUERY_PORT, _DNS, 64, query_dns)
    query_out = frame(
        router.wan_mac, router.isp_mac, outside[0], RESOLVER, outside[1], _DNS, 63, query_dns
    )
    response = frame(
        router.isp_mac, router.wan_mac, RESOLVER, outside[0], _DNS, outside[1], 64, reply_dns
    )
    back = NatTable((entry,)).inbound((RESOLVER, _DNS, *outside), proto="udp")
    if back != entry:  # the router's own model must map the answer back
        raise JourneyError("the home router's NAT has no mapping for the DNS answer")
    response_in = frame(
        router.lan_mac, laptop.mac, RESOLVER, laptop.ip, _DNS, DNS_QUERY_PORT, 63, reply_dns
    )
    return DnsExchange(name, answer, query, query_out, response, response_in, entry)


def _extension(kind: int, body: bytes) -> bytes:
    return kind.to_bytes(2, "big") + len(body).to_bytes(2, "big") + body


def _vector(body: bytes, size: int) -> bytes:
    """A TLS vector: its length in ``size`` bytes, then the bytes (RFC 8446 section 3.4)."""
    return len(body).to_bytes(size, "big") + body


def client_hello(sc, name: str = HOST_NAME) -> bytes:
    """The laptop's TLS 1.3 ClientHello to the server, with ``name`` in server_name.

    The first data segment of the connection, after TCP's handshake, numbered as the journey's
    handshake leaves it (``seq`` CLIENT_ISN + 1, ``ack`` SERVER_ISN + 1, from
    :mod:`netcourse.journey.pdu`):
    one handshake record offering TLS 1.3 (supported_versions), an X25519 key share, three
    cipher suites and two signature schemes, every random value derived from the name so the
    bytes are the same every run.

    >>> from netcourse.journey import scenario
    >>> hello = client_hello(scenario("healthy"))
    >>> pdu.four_tuple(hello)[2:], hello[54], hello[59]
    (('203.0.113.10', 443), 22, 1)
    """
    if not isinstance(name, str) or not name or len(name) > 253 or not name.isascii():
        raise JourneyError(f"name {quote(name)}: expected an ASCII host name")
    seed = hashlib.shake_256(b"netcourse-clienthello:" + name.encode()).digest(64)
    host = name.encode()
    extensions = b"".join(
        (
            _extension(SERVER_NAME_EXTENSION, _vector(b"\x00" + _vector(host, 2), 2)),
            _extension(10, _vector(b"\x00\x1d", 2)),  # supported_groups: x25519
            _extension(13, _vector(b"\x08\x04\x04\x03", 2)),  # rsa_pss_rsae_sha256, ecdsa p256
            _extension(43, _vector(b"\x03\x04", 1)),  # supported_versions: TLS 1.3
            _extension(51, _vector(b"\x00\x1d" + _vector(seed[32:], 2), 2)),  # key_share
        )
    )
    body = (
        b"\x03\x03"  # legacy_version: TLS 1.2, as TLS 1.3 requires
        + seed[:32]  # random
        + _vector(b"", 1)  # legacy_session_id
        + _vector(b"\x13\x01\x13\x02\x13\x03", 2)  # cipher_suites
        + _vector(b"\x00", 1)  # legacy_compression_methods: null
        + _vector(extensions, 2)
    )
    handshake = bytes([CLIENT_HELLO]) + _vector(body, 3)
    record = bytes([TLS_HANDSHAKE]) + b"\x03\x01" + _vector(handshake, 2)
    return pdu.tcp_frame(
        src_mac=sc.laptop.mac,
        dst_mac=_resolver_mac(sc),
        src=sc.laptop.ip,
        dst=vpc_side.public_ip(sc),
        sport=sc.client_port,
        dport=sc.server.port,
        flags="PA",
        seq=pdu.CLIENT_ISN + 1,
        ack=pdu.SERVER_ISN + 1,
        payload=record,
    )


class _Reader:
    """Reads a ClientHello's fields in order; a short or wrong field ends as a JourneyError."""

    def __init__(self, data: bytes, start: int):
        self.data, self.pos = data, start

    def take(self, size: int, what: str) -> bytes:
        if self.pos + size > len(self.data):
            raise JourneyError(f"the ClientHello ends inside its {what}")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def number(self, size: int, what: str) -> int:
        return int.from_bytes(self.take(size, what), "big")


def server_name(frame: bytes) -> ServerName:
    """The host name in a TLS ClientHello's server_name extension, read from a frame's bytes.

    >>> from netcourse.journey import scenario
    >>> hello = client_hello(scenario("healthy"))
    >>> found = server_name(hello)
    >>> hello[found.offset : found.offset + found.length]
    b'www.example.com'
    """
    pkt = pdu.parse(frame)
    if TCP not in pkt or pkt[TCP].dport != _HTTPS and pkt[TCP].sport != _HTTPS:
        raise JourneyError("this frame carries no TCP segment to or from port 443")
    start = 14 + pkt[IP].ihl * 4 + pkt[TCP].dataofs * 4  # Ethernet, IP and TCP headers
    read = _Reader(bytes(frame)[: 14 + pkt[IP].len], start)
    if read.number(1, "record type") != TLS_HANDSHAKE:
        raise JourneyError("the TCP payload is not a TLS handshake record (type 22)")
    read.take(4, "record header")
    if read.number(1, "handshake type") != CLIENT_HELLO:
        raise JourneyError("the handshake message is not a ClientHello (type 1)")
    read.take(3 + 2 + 32, "ClientHello header")
    read.take(read.number(1, "session id length"), "session id")
    read.take(read.number(2, "cipher suites length"), "cipher suites")
    read.take(read.number(1, "compression methods length"), "compression methods")
    end = read.number(2, "extensions length") + read.pos
    while read.pos < end:
        kind, size = read.number(2, "extension type"), read.number(2, "extension length")
        if kind != SERVER_NAME_EXTENSION:
            read.take(size, f"extension {kind}")
            continue
        read.take(2, "server name list length")
        if read.number(1, "name type") != 0:
            raise JourneyError("the server_name entry is not a host_name (type 0)")
        length = read.number(2, "host name length")
        offset = read.pos
        name = read.take(length, "host name").decode("ascii", "replace")
        return ServerName(name, offset, length)
    raise JourneyError("this ClientHello has no server_name extension")
