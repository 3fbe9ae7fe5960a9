"""IP protocol numbers, declared once: the firewall, the VPC model and the packet tools read them.

Each tool keeps its own spelling of "every protocol" (iptables says ``all`` and means 0, AWS
writes ``-1``), so each derives its table from this one and adds that entry itself.

>>> IP_PROTOCOLS["tcp"], IP_PROTOCOLS["icmpv6"]
(6, 58)
>>> protocol_table(["tcp", "udp"])
{'tcp': 6, 'udp': 17}
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["IP_PROTOCOLS", "protocol_table"]

#: IANA's assigned internet protocol numbers for the protocols the course meets, by the
#: lower-case names of /etc/protocols (``icmpv6`` for IPv6-ICMP, as AWS and iptables spell it).
IP_PROTOCOLS: dict[str, int] = {
    "icmp": 1,
    "igmp": 2,
    "tcp": 6,
    "udp": 17,
    "gre": 47,
    "esp": 50,
    "ah": 51,
    "icmpv6": 58,
    "sctp": 132,
    "udplite": 136,
}


def protocol_table(names: Iterable[str]) -> dict[str, int]:
    """The numbers of the named protocols, in the order given (a tool's own subset)."""
    return {name: IP_PROTOCOLS[name] for name in names}
