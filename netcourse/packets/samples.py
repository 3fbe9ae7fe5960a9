"""The small real captures shipped with the course, by name.

They were recorded from real traffic between two network namespaces by
``netcourse/tools/capture_samples.py`` (which says how to re-record them), so a learner needs
no root and no network to open them. Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> sample("http").name
'http.pcap'
>>> sorted(SAMPLES)
['arp-icmp', 'http', 'impaired', 'ipv6', 'udp', 'vlan']
"""

from __future__ import annotations

from pathlib import Path

from netcourse import data
from netcourse.errors import CaptureError

__all__ = ["SAMPLES", "sample"]

#: name -> (file under netcourse/data/captures, what it shows)
SAMPLES: dict[str, tuple[str, str]] = {
    "arp-icmp": ("arp-icmp.pcap", "ARP who-has / is-at, then two ICMP echo requests and replies"),
    "http": ("http.pcap", "TCP handshake, an HTTP/1.1 GET and its response, TCP teardown"),
    "udp": ("udp.pcap", "a UDP echo exchange, then a datagram to a closed port: ICMP unreachable"),
    "ipv6": ("ipv6.pcapng", "IPv6 neighbour solicitation / advertisement, then two ICMPv6 pings"),
    "vlan": ("vlan.pcap", "ARP and ICMP echo on 802.1Q VLAN 100, tagged on the wire"),
    "impaired": (
        "impaired.pcapng",
        "TCP across a lossy, reordering link: retransmissions, duplicate ACKs, zero windows, "
        "keep-alives, port reuse",
    ),
}


def sample(name: str) -> Path:
    """The path of a shipped capture: "http", "arp-icmp", "udp", "ipv6", "vlan" or "impaired".

    >>> sample("ipv6").suffix
    '.pcapng'
    >>> try:
    ...     sample("dns")
    ... except CaptureError as exc:
    ...     print(exc)
    'dns': no such sample capture; the samples are: arp-icmp, http, udp, ipv6, vlan, impaired
    """
    if not isinstance(name, str) or name not in SAMPLES:
        raise CaptureError(
            f"{name!r}: no such sample capture; the samples are: {', '.join(SAMPLES)}"
        )
    return data.path("captures", SAMPLES[name][0])
