"""The PDUs of a journey as real bytes, built and rewritten with scapy.

Every frame is built with explicit MAC addresses, IP addresses, ports, sequence numbers and
IP ids, so the same scenario always gives the same bytes. Rewriting a field (NAT, a router's
TTL and MACs) re-parses the frame, changes the field and lets scapy recompute the checksums.
Every value is read with the course's readers first, so a bad one ends as a JourneyError
naming it (``sport='abc'``), never as scapy's own error.

Taught in notebooks/06-packet-journey.ipynb.

>>> frame = tcp_frame(src_mac="02:00:00:00:00:07", dst_mac="02:00:00:00:00:01",
...                   src="10.0.1.7", dst="192.0.2.10", sport=51514, dport=80, flags="S")
>>> len(frame), four_tuple(frame)
(54, ('10.0.1.7', 51514, '192.0.2.10', 80))
>>> tcp_frame(src_mac="02:00:00:00:00:07", dst_mac="02:00:00:00:00:01",
...           src="10.0.1.7", dst="192.0.2.10", sport="abc", dport=80)
Traceback (most recent call last):
...
netcourse.errors.JourneyError: sport: 'abc': a port must be a number 1-65535
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

logging.getLogger("scapy").setLevel(logging.ERROR)

from scapy.layers.inet import IP, TCP  # noqa: E402
from scapy.layers.l2 import ARP, Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

from netcourse.errors import JourneyError, quote  # noqa: E402
from netcourse.journey.fields import read_field, read_ipv4, read_tcp_port  # noqa: E402
from netcourse.protocols import TcpFlags  # noqa: E402
from netcourse.readers import read_int, read_mac  # noqa: E402

__all__ = [
    "tcp_frame",
    "arp_frame",
    "rewrite",
    "four_tuple",
    "parse",
    "tls_record",
    "BROADCAST",
    "TLS_RECORD",
    "LINK_MACS",
    "UNRESOLVED_MAC",
    "CLIENT_ISN",
    "SERVER_ISN",
]

#: The Ethernet broadcast address, where ARP requests go.
BROADCAST = "ff:ff:ff:ff:ff:ff"
#: The most plaintext bytes one TLS record carries (RFC 8446, 2**14).
TLS_RECORD = 2**14
#: A frame's destination MAC before ARP has found the next hop's (the kernel holds the packet).
UNRESOLVED_MAC = "00:00:00:00:00:00"

#: The made-up MAC addresses of the routers' interfaces outside the home, declared once (the
#: home's own are the scenario's: the laptop, the printer, the home router's LAN and WAN sides).
#: Every layer-3 hop writes a new frame: source = its outgoing interface, destination = the
#: next hop's.
LINK_MACS = {
    #: the ISP's router on the home router's WAN link (its default gateway)
    "isp router": "02:00:00:00:01:01",
    #: the last internet router before AWS, on the link to AWS's border
    "transit router": "02:00:00:00:03:01",
    #: AWS's border router, where the internet gateway takes the packet in and out
    "aws edge": "02:00:00:00:02:01",
    #: the VPC router inside the VPC (the first address of every subnet answers with it)
    "vpc router": "0e:00:00:00:00:01",
}

#: The initial sequence numbers of the laptop's and the server's side of the connection
#: (random in a real stack, RFC 6528; fixed for stable bytes). The SYN carries CLIENT_ISN, the
#: SYN-ACK SERVER_ISN and ack CLIENT_ISN + 1; the first data byte is CLIENT_ISN + 1.
CLIENT_ISN, SERVER_ISN = 1000, 5000


def parse(frame: bytes) -> Ether:
    """The scapy packet of a frame's bytes.

    >>> parse(arp_frame("who-has", "02:00:00:00:00:07", "10.0.1.7", "10.0.1.1"))[ARP].pdst
    '10.0.1.1'
    """
    if not isinstance(frame, bytes | bytearray | memoryview):
        raise JourneyError(f"expected a frame's bytes, got {type(frame).__name__}")
    if len(frame) < 14:
        raise JourneyError(f"{len(frame)} bytes: an Ethernet header alone needs 14")
    return Ether(bytes(frame))


def _mac(value: Any) -> str:
    return read_mac(value, error=JourneyError)


def _number(what: str, high: int):
    def read(value: Any) -> int:
        return read_int(value, what=what, high=high, error=JourneyError)

    return read


def _flags(value: Any) -> str:
    """TCP flags as scapy spells them (``"PA"``), from letters, names or a number."""
    try:
        return TcpFlags.parse(value).letters
    except (ValueError, TypeError, AttributeError):
        raise JourneyError(
            f"{quote(value)}: TCP flags are letters of FSRPAUEC (such as 'PA') or names"
        ) from None


def _payload(value: Any) -> bytes:
    if not isinstance(value, bytes | bytearray):
        raise JourneyError(f"{quote(value)}: a payload is bytes, got {type(value).__name__}")
    return bytes(value)


def tcp_frame(
    *,
    src_mac: str,
    dst_mac: str,
    src: str,
    dst: str,
    sport: int,
    dport: int,
    flags: str = "PA",
    seq: int = 1,
    ack: int = 0,
    payload: bytes = b"",
    ttl: int = 64,
    ip_id: int = 1,
    window: int = 64240,
) -> bytes:
    """An Ethernet frame carrying one TCP segment, with every volatile field given.

    >>> parse(tcp_frame(src_mac="02:00:00:00:00:07", dst_mac="02:00:00:00:00:01",
    ...                 src="10.0.1.7", dst="192.0.2.10", sport=51514, dport=80,
    ...                 payload=b"GET / HTTP/1.1\\r\\n\\r\\n"))[TCP].flags
    <Flag 24 (PA)>
    """
    readers = {
        "src_mac": (_mac, src_mac),
        "dst_mac": (_mac, dst_mac),
        "src": (read_ipv4, src),
        "dst": (read_ipv4, dst),
        "sport": (read_tcp_port, sport),
        "dport": (read_tcp_port, dport),
        "flags": (_flags, flags),
        "seq": (_number("sequence number", 2**32 - 1), seq),
        "ack": (_number("acknowledgement number", 2**32 - 1), ack),
        "payload": (_payload, payload),
        "ttl": (_number("TTL", 255), ttl),
        "ip_id": (_number("IP id", 65535), ip_id),
        "window": (_number("window", 65535), window),
    }
    v = {name: read_field(read, value, name) for name, (read, value) in readers.items()}
    pkt = (
        Ether(src=v["src_mac"], dst=v["dst_mac"])
        / IP(src=v["src"], dst=v["dst"], ttl=v["ttl"], id=v["ip_id"], flags="DF")
        / TCP(
            sport=v["sport"],
            dport=v["dport"],
            flags=v["flags"],
            seq=v["seq"],
            ack=v["ack"],
            window=v["window"],
        )
    )
    if v["payload"]:
        pkt = pkt / Raw(load=v["payload"])
    return bytes(pkt)


def arp_frame(op: str, src_mac: str, src_ip: str, dst_ip: str, dst_mac: str | None = None) -> bytes:
    """An ARP request ("who-has", broadcast) or reply ("is-at", to ``dst_mac``) as a frame.

    >>> parse(arp_frame("is-at", "02:00:00:00:00:01", "10.0.1.1", "10.0.1.7",
    ...                 "02:00:00:00:00:07")).dst
    '02:00:00:00:00:07'
    """
    if op not in ("who-has", "is-at"):
        raise JourneyError(f"{quote(op)}: an ARP operation is 'who-has' or 'is-at'")
    src_mac = read_field(_mac, src_mac, "src_mac")
    src_ip = read_field(read_ipv4, src_ip, "src_ip")
    dst_ip = read_field(read_ipv4, dst_ip, "dst_ip")
    if op == "who-has":
        eth_dst, hwdst = BROADCAST, "00:00:00:00:00:00"
    else:
        if dst_mac is None:
            raise JourneyError("an ARP reply ('is-at') needs dst_mac, the asker's MAC")
        eth_dst = hwdst = read_field(_mac, dst_mac, "dst_mac")
    pkt = Ether(src=src_mac, dst=eth_dst) / ARP(
        op=op, hwsrc=src_mac, psrc=src_ip, hwdst=hwdst, pdst=dst_ip
    )
    return bytes(pkt)


#: Which layer and field each keyword of :func:`rewrite` changes, and how its value is read.
_FIELDS = {
    "src_mac": (Ether, "src", _mac),
    "dst_mac": (Ether, "dst", _mac),
    "src": (IP, "src", read_ipv4),
    "dst": (IP, "dst", read_ipv4),
    "ttl": (IP, "ttl", _number("TTL", 255)),
    "sport": (TCP, "sport", read_tcp_port),
    "dport": (TCP, "dport", read_tcp_port),
}


def rewrite(frame: bytes, **changes) -> bytes:
    """The frame with some fields changed and its IP and TCP checksums recomputed.

    Keywords: ``src_mac``, ``dst_mac``, ``src``, ``dst``, ``ttl``, ``sport``, ``dport``.

    >>> frame = tcp_frame(src_mac="02:00:00:00:00:07", dst_mac="02:00:00:00:00:01",
    ...                   src="10.0.1.7", dst="192.0.2.10", sport=51514, dport=80)
    >>> four_tuple(rewrite(frame, src="198.51.100.23", sport=40000))
    ('198.51.100.23', 40000, '192.0.2.10', 80)
    """
    pkt = parse(frame)
    for key, value in changes.items():
        if key not in _FIELDS:
            raise JourneyError(f"{quote(key)}: a frame can be rewritten in {', '.join(_FIELDS)}")
        layer, name, read = _FIELDS[key]
        if layer not in pkt:
            raise JourneyError(f"{key!r}: this frame has no {layer.__name__} layer")
        setattr(pkt[layer], name, read_field(read, value, key))
    if IP in pkt:
        del pkt[IP].chksum
    if TCP in pkt:
        del pkt[TCP].chksum
    return bytes(pkt)


def four_tuple(frame: bytes) -> tuple[str, int, str, int]:
    """The ``(src_ip, src_port, dst_ip, dst_port)`` of a TCP frame.

    >>> four_tuple(tcp_frame(src_mac="02:00:00:00:00:07", dst_mac="02:00:00:00:00:01",
    ...                      src="10.0.1.7", dst="192.0.2.10", sport=51514, dport=80))
    ('10.0.1.7', 51514, '192.0.2.10', 80)
    """
    pkt = parse(frame)
    if IP not in pkt or TCP not in pkt:
        raise JourneyError("this frame carries no TCP segment, so it has no 4-tuple")
    return (pkt[IP].src, int(pkt[TCP].sport), pkt[IP].dst, int(pkt[TCP].dport))


def tls_record(plaintext: bytes) -> bytes:
    """A stand-in TLS 1.2/1.3 application-data record carrying ``plaintext``, encrypted.

    The 5-byte header is real (type 23, version 3.3, length); the body stands in for the
    ciphertext and its 16-byte tag, derived from the plaintext so it is the same every run.
    Nobody on the path can read the HTTP request inside; only the two ends can.

    >>> record = tls_record(b"GET / HTTP/1.1\\r\\n\\r\\n")
    >>> record[:3].hex(), int.from_bytes(record[3:5], "big") == len(record) - 5
    ('170303', True)
    """
    plaintext = _payload(plaintext)
    if len(plaintext) > TLS_RECORD:
        raise JourneyError(f"{len(plaintext):,} bytes: one TLS record carries at most 16,384")
    body = hashlib.shake_256(b"netcourse-tls:" + plaintext).digest(len(plaintext) + 16)
    return b"\x17\x03\x03" + len(body).to_bytes(2, "big") + body
