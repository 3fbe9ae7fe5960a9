"""The PDUs of a journey as real bytes, built and rewritten with scapy.

Every frame is built with explicit MAC addresses, IP addresses, ports, sequence numbers and
IP ids, so the same scenario always gives the same bytes. Rewriting a field (NAT, a router's
TTL and MACs) re-parses the frame, changes the field and lets scapy recompute the checksums.

Taught in notebooks/06-packet-journey.ipynb.

>>> frame = tcp_frame("02:00:00:00:00:07", "02:00:00:00:00:01", "10.0.1.7", "192.0.2.10",
...                   51514, 80, flags="S")
>>> len(frame), four_tuple(frame)
(54, ('10.0.1.7', 51514, '192.0.2.10', 80))
"""

from __future__ import annotations

import logging

logging.getLogger("scapy").setLevel(logging.ERROR)

from scapy.layers.inet import IP, TCP  # noqa: E402
from scapy.layers.l2 import ARP, Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

from netcourse.errors import JourneyError  # noqa: E402

__all__ = ["tcp_frame", "arp_frame", "rewrite", "four_tuple", "parse", "tls_record", "BROADCAST"]

#: The Ethernet broadcast address, where ARP requests go.
BROADCAST = "ff:ff:ff:ff:ff:ff"


def parse(frame: bytes) -> Ether:
    """The scapy packet of a frame's bytes.

    >>> parse(arp_frame("who-has", "02:00:00:00:00:07", "10.0.1.7", "10.0.1.1"))[ARP].pdst
    '10.0.1.1'
    """
    return Ether(bytes(frame))


def tcp_frame(
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

    >>> parse(tcp_frame("02:00:00:00:00:07", "02:00:00:00:00:01", "10.0.1.7", "192.0.2.10",
    ...                 51514, 80, payload=b"GET / HTTP/1.1\\r\\n\\r\\n"))[TCP].flags
    <Flag 24 (PA)>
    """
    pkt = (
        Ether(src=src_mac, dst=dst_mac)
        / IP(src=src, dst=dst, ttl=ttl, id=ip_id, flags="DF")
        / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=window)
    )
    if payload:
        pkt = pkt / Raw(load=payload)
    return bytes(pkt)


def arp_frame(op: str, src_mac: str, src_ip: str, dst_ip: str, dst_mac: str | None = None) -> bytes:
    """An ARP request ("who-has", broadcast) or reply ("is-at", to ``dst_mac``) as a frame.

    >>> parse(arp_frame("is-at", "02:00:00:00:00:01", "10.0.1.1", "10.0.1.7",
    ...                 "02:00:00:00:00:07")).dst
    '02:00:00:00:00:07'
    """
    if op not in ("who-has", "is-at"):
        raise JourneyError(f"{op!r}: an ARP operation is 'who-has' or 'is-at'")
    if op == "who-has":
        eth_dst, hwdst = BROADCAST, "00:00:00:00:00:00"
    else:
        if dst_mac is None:
            raise JourneyError("an ARP reply ('is-at') needs dst_mac, the asker's MAC")
        eth_dst = hwdst = dst_mac
    pkt = Ether(src=src_mac, dst=eth_dst) / ARP(
        op=op, hwsrc=src_mac, psrc=src_ip, hwdst=hwdst, pdst=dst_ip
    )
    return bytes(pkt)


#: Which layer and field each keyword of :func:`rewrite` changes.
_FIELDS = {
    "src_mac": (Ether, "src"),
    "dst_mac": (Ether, "dst"),
    "src": (IP, "src"),
    "dst": (IP, "dst"),
    "ttl": (IP, "ttl"),
    "sport": (TCP, "sport"),
    "dport": (TCP, "dport"),
}


def rewrite(frame: bytes, **changes) -> bytes:
    """The frame with some fields changed and its IP and TCP checksums recomputed.

    Keywords: ``src_mac``, ``dst_mac``, ``src``, ``dst``, ``ttl``, ``sport``, ``dport``.

    >>> frame = tcp_frame("02:00:00:00:00:07", "02:00:00:00:00:01", "10.0.1.7", "192.0.2.10",
    ...                   51514, 80)
    >>> four_tuple(rewrite(frame, src="198.51.100.23", sport=40000))
    ('198.51.100.23', 40000, '192.0.2.10', 80)
    """
    pkt = parse(frame)
    for key, value in changes.items():
        if key not in _FIELDS:
            raise JourneyError(f"{key!r}: a frame can be rewritten in {', '.join(_FIELDS)}")
        layer, name = _FIELDS[key]
        if layer not in pkt:
            raise JourneyError(f"{key!r}: this frame has no {layer.__name__} layer")
        setattr(pkt[layer], name, value)
    if IP in pkt:
        del pkt[IP].chksum
    if TCP in pkt:
        del pkt[TCP].chksum
    return bytes(pkt)


def four_tuple(frame: bytes) -> tuple[str, int, str, int]:
    """The ``(src_ip, src_port, dst_ip, dst_port)`` of a TCP frame.

    >>> four_tuple(tcp_frame("02:00:00:00:00:07", "02:00:00:00:00:01", "10.0.1.7",
    ...                      "192.0.2.10", 51514, 80))
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
    import hashlib

    body = hashlib.shake_256(b"netcourse-tls:" + bytes(plaintext)).digest(len(plaintext) + 16)
    return b"\x17\x03\x03" + len(body).to_bytes(2, "big") + body
