"""The home network: the laptop, its neighbours, and the home router with its NAT table.

No earlier lesson owns these, so they live here: a :class:`HomeHost` with an address, mask and
gateway; the :class:`HomeRouter` (LAN side, WAN side, routing table); and the
:class:`NatTable` whose entries rewrite the source address and port of outgoing packets and
undo exactly that for the replies. The NAT is decided by the firewall lesson's model
(:meth:`netcourse.firewall.Firewall.traverse`) running the router's nat table, a MASQUERADE
ruleset (:func:`home_ruleset`): like Linux, the router keeps the laptop's source port unless
another connection already uses it. Which hosts answer an ARP request is data too: each host
answers for its own address and nobody answers for an address that is not on the LAN.

Every field is read with the course's readers when a host or router is made, so a bad value
ends as a JourneyError naming the field: ``HomeRouter(lan_ip="bad/24")`` says ``lan_ip``.

Taught in notebooks/06-packet-journey.ipynb.

>>> nat = NatTable()
>>> nat, entry = nat.outbound(("10.0.1.7", 51514, "192.0.2.10", 80), "198.51.100.23", 40000)
>>> entry.outside
('198.51.100.23', 51514)
>>> nat.inbound(("192.0.2.10", 80, "198.51.100.23", 51514)) == entry
True
>>> nat.inbound(("192.0.2.10", 80, "198.51.100.23", 51515)) is None
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from netcourse.cidr import subnet
from netcourse.errors import JourneyError, quote
from netcourse.firewall import ConnTrack, Firewall, Packet
from netcourse.journey.events import Table
from netcourse.journey.fields import (
    FourTuple,
    read_field,
    read_fields,
    read_four_tuple,
    read_ipv4,
    read_tcp_port,
)
from netcourse.journey.pdu import LINK_MACS
from netcourse.readers import read_int, read_interface, read_mac, read_netmask

__all__ = [
    "HomeHost",
    "HomeRouter",
    "NatEntry",
    "NatTable",
    "arp_answer",
    "mask_bits",
    "home_ruleset",
    "LAN_IFACE",
    "WAN_IFACE",
]

#: The most ports the home switch has.
SWITCH_PORTS = 64


def mask_bits(netmask: str) -> int:
    """The prefix length of a dotted netmask, e.g. 24 for ``255.255.255.0``.

    >>> mask_bits("255.255.255.0"), mask_bits("255.0.0.0")
    (24, 8)
    >>> mask_bits("255.0.255.0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.JourneyError: '255.0.255.0': the mask 255.0.255.0 is not contiguous: ...
    """
    return read_netmask(netmask, error=JourneyError)


def _netmask(value: Any) -> str:
    """A netmask, written dotted (``/24`` and ``24`` are read too)."""
    return subnet(f"0.0.0.0/{mask_bits(value)}").netmask


def _gateway(value: Any) -> str | None:
    return None if value is None else read_ipv4(value)


def _mac(value: Any) -> str:
    return read_mac(value, error=JourneyError)


def _switch_port(value: Any) -> int:
    return read_int(value, what="switch port", low=1, high=SWITCH_PORTS, error=JourneyError)


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise JourneyError(f"{quote(value)}: a name is non-empty text, such as 'laptop'")
    return value


@dataclass(frozen=True)
class HomeHost:
    """A host on the home LAN: its address and mask, its MAC, its gateway, its switch port.

    (A host of lesson 02's learning switch is :class:`netcourse.switch.Host`.)
    """

    name: str
    ip: str
    netmask: str
    mac: str
    gateway: str | None
    switch_port: int

    #: How each field is read.
    FIELDS: ClassVar[dict[str, Callable[[Any], Any]]] = {
        "name": _name,
        "ip": read_ipv4,
        "netmask": _netmask,
        "mac": _mac,
        "gateway": _gateway,
        "switch_port": _switch_port,
    }

    def __post_init__(self) -> None:
        read_fields(self, self.FIELDS)

    @property
    def interface(self) -> str:
        """The interface's address with its prefix, e.g. ``10.0.1.7/24``.

        >>> HomeHost("laptop", "10.0.1.7", "255.255.255.0", "02:00:00:00:00:07", "10.0.1.1", 1
        ...          ).interface
        '10.0.1.7/24'
        """
        return f"{self.ip}/{mask_bits(self.netmask)}"


@dataclass(frozen=True)
class HomeRouter:
    """The home router: a LAN side, a WAN side with the one public address, and NAT.

    >>> HomeRouter(lan_ip="bad/24")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.JourneyError: lan_ip: 'bad/24': expected one address without a '/prefix'
    """

    lan_ip: str = "10.0.1.1"
    lan_netmask: str = "255.255.255.0"
    lan_mac: str = "02:00:00:00:00:01"
    wan_ip: str = "198.51.100.23"
    wan_mac: str = "02:00:00:00:01:17"
    isp_gateway: str = "198.51.100.1"
    isp_mac: str = LINK_MACS["isp router"]
    switch_port: int = 4
    nat_first_port: int = 40000

    #: How each field is read.
    FIELDS: ClassVar[dict[str, Callable[[Any], Any]]] = {
        "lan_ip": read_ipv4,
        "lan_netmask": _netmask,
        "lan_mac": _mac,
        "wan_ip": read_ipv4,
        "wan_mac": _mac,
        "isp_gateway": read_ipv4,
        "isp_mac": _mac,
        "switch_port": _switch_port,
        "nat_first_port": read_tcp_port,
    }

    def __post_init__(self) -> None:
        read_fields(self, self.FIELDS)

    @property
    def lan(self) -> str:
        """The LAN's network, e.g. ``10.0.1.0/24``.

        >>> HomeRouter().lan
        '10.0.1.0/24'
        """
        return str(read_interface(f"{self.lan_ip}/{mask_bits(self.lan_netmask)}").network)

    @property
    def routes(self) -> tuple[tuple[str, str], ...]:
        """The router's routing table as (destination network, where to) pairs.

        >>> HomeRouter().routes[1]
        ('0.0.0.0/0', 'via 198.51.100.1 (ISP) on wan')
        """
        return (
            (self.lan, "connected on lan"),
            ("0.0.0.0/0", f"via {self.isp_gateway} (ISP) on wan"),
        )


def arp_answer(hosts, router: HomeRouter, target: str) -> tuple[str, str] | None:
    """Who answers "who has ``target``?" on the LAN: ``(name, mac)``, or None (nobody).

    A host answers only for its own address; the router answers for its LAN address (no
    proxy ARP), so an address that is not on the LAN gets no answer at all.

    >>> laptop = HomeHost("laptop", "10.0.1.7", "255.255.255.0", "02:00:00:00:00:07", "10.0.1.1",
    ...                   1)
    >>> arp_answer([laptop], HomeRouter(), "10.0.1.1")
    ('home router', '02:00:00:00:00:01')
    >>> arp_answer([laptop], HomeRouter(), "192.0.2.10") is None
    True
    """
    if target == router.lan_ip:
        return ("home router", router.lan_mac)
    for host in hosts:
        if host.ip == target:
            return (host.name, host.mac)
    return None


@dataclass(frozen=True)
class NatEntry:
    """One NAT mapping: the inside endpoint, the outside endpoint it became, the remote one."""

    proto: str
    inside_addr: str
    inside_port: int
    outside_addr: str
    outside_port: int
    remote_addr: str
    remote_port: int

    @property
    def inside(self) -> tuple[str, int]:
        """The private ``(addr, port)`` the connection really comes from."""
        return (self.inside_addr, self.inside_port)

    @property
    def outside(self) -> tuple[str, int]:
        """The public ``(addr, port)`` the remote end sees."""
        return (self.outside_addr, self.outside_port)

    def row(self) -> tuple[str, ...]:
        """The entry as a table row."""
        return (
            self.proto,
            f"{self.inside_addr}:{self.inside_port}",
            f"{self.outside_addr}:{self.outside_port}",
            f"{self.remote_addr}:{self.remote_port}",
        )


@dataclass(frozen=True)
class NatTable:
    """The NAT (masquerade) table of a home router: immutable, each change returns a new one."""

    entries: tuple[NatEntry, ...] = ()
    #: The MASQUERADE rule's lowest outside port (``--to-ports FIRST-65535``).
    first_port: int = 40000

    COLUMNS = ("proto", "inside", "outside", "remote")

    def outbound(
        self,
        four_tuple: FourTuple,
        public_addr: str,
        first_port: int,
        proto: str = "tcp",
    ) -> tuple[NatTable, NatEntry]:
        """The table with a mapping for an outgoing connection, and that mapping.

        The firewall model decides, running :func:`home_ruleset`'s MASQUERADE: the source
        becomes ``public_addr``; its port is kept if it is ``first_port`` or above and no
        connection already answers on it, else the first free port from ``first_port``. A
        connection already mapped (same inside endpoint and remote end) keeps its mapping.
        """
        src, sport, dst, dport = read_four_tuple(four_tuple)
        public_addr = read_field(read_ipv4, public_addr, "public_addr")
        first_port = read_field(read_tcp_port, first_port, "first_port")
        for entry in self.entries:
            if (entry.proto, entry.inside, entry.remote_addr, entry.remote_port) == (
                proto,
                (src, sport),
                dst,
                dport,
            ):
                return self, entry
        out = _Masquerade(public_addr, first_port, self.entries).send(
            proto, (src, sport, dst, dport)
        )
        entry = NatEntry(
            proto=proto,
            inside_addr=src,
            inside_port=sport,
            outside_addr=out.src,
            outside_port=out.sport,
            remote_addr=dst,
            remote_port=dport,
        )
        return NatTable((*self.entries, entry), first_port), entry

    def inbound(self, four_tuple: FourTuple, proto: str = "tcp") -> NatEntry | None:
        """The mapping an incoming packet belongs to (all four numbers must match), or None.

        The firewall model decides: a reply its conntrack table knows is translated back to
        the inside endpoint; anything else is no mapping (the router drops it).
        """
        src, sport, dst, dport = read_four_tuple(four_tuple)
        if not self.entries:
            return None
        router = _Masquerade(self.entries[0].outside_addr, self.first_port, self.entries)
        back = router.answer(proto, (src, sport, dst, dport))
        if back is None:
            return None
        for entry in self.entries:
            if (entry.proto, entry.inside, entry.remote_addr, entry.remote_port) == (
                proto,
                (back.dst, back.dport),
                src,
                sport,
            ):
                return entry
        return None

    def table(self, match: NatEntry | None = None, note: str = "") -> Table:
        """The NAT table as a :class:`Table`, with ``match`` marked.

        >>> nat, e = NatTable().outbound(("10.0.1.7", 51514, "192.0.2.10", 80), "198.51.100.23",
        ...                              40000)
        >>> nat.table(e).matched
        ('tcp', '10.0.1.7:51514', '198.51.100.23:51514', '192.0.2.10:80')
        """
        rows = tuple(entry.row() for entry in self.entries)
        index = self.entries.index(match) if match in self.entries else None
        return Table("NAT table (home router)", self.COLUMNS, rows, index, note)

    @staticmethod
    def translate_out(four_tuple: FourTuple, entry: NatEntry):
        """The 4-tuple after the outgoing rewrite: source becomes the outside endpoint.

        >>> e = NatEntry("tcp", "10.0.1.7", 51514, "198.51.100.23", 40000, "192.0.2.10", 80)
        >>> NatTable.translate_out(("10.0.1.7", 51514, "192.0.2.10", 80), e)
        ('198.51.100.23', 40000, '192.0.2.10', 80)
        """
        src, sport, dst, dport = read_four_tuple(four_tuple)
        if (src, sport) != entry.inside:
            raise JourneyError(f"{src}:{sport} is not the inside endpoint of this NAT entry")
        return (entry.outside_addr, entry.outside_port, dst, dport)

    @staticmethod
    def translate_in(four_tuple: FourTuple, entry: NatEntry):
        """The 4-tuple after the reply's rewrite: destination goes back to the inside endpoint.

        >>> e = NatEntry("tcp", "10.0.1.7", 51514, "198.51.100.23", 40000, "192.0.2.10", 80)
        >>> NatTable.translate_in(("192.0.2.10", 80, "198.51.100.23", 40000), e)
        ('192.0.2.10', 80, '10.0.1.7', 51514)
        """
        src, sport, dst, dport = read_four_tuple(four_tuple)
        if (dst, dport) != entry.outside:
            raise JourneyError(f"{dst}:{dport} is not the outside endpoint of this NAT entry")
        return (src, sport, entry.inside_addr, entry.inside_port)


#: The router's interface names in its nat ruleset: the LAN side and the WAN side.
LAN_IFACE, WAN_IFACE = "lan", "wan"


def home_ruleset(first_port: int = 40000) -> str:
    """The home router's tables as ``iptables-save`` text: MASQUERADE out of the WAN side
    (ports below ``first_port`` are moved up to it) and a stateful FORWARD chain.

    >>> print(home_ruleset().splitlines()[5])
    -A POSTROUTING -o wan -p tcp -j MASQUERADE --to-ports 40000-65535
    """
    first_port = read_field(read_tcp_port, first_port, "first_port")
    ports = f"--to-ports {first_port}-65535"
    return "\n".join(
        [
            "*nat",
            ":PREROUTING ACCEPT [0:0]",
            ":INPUT ACCEPT [0:0]",
            ":OUTPUT ACCEPT [0:0]",
            ":POSTROUTING ACCEPT [0:0]",
            f"-A POSTROUTING -o {WAN_IFACE} -p tcp -j MASQUERADE {ports}",
            f"-A POSTROUTING -o {WAN_IFACE} -p udp -j MASQUERADE {ports}",
            f"-A POSTROUTING -o {WAN_IFACE} -j MASQUERADE",
            "COMMIT",
            "*filter",
            ":INPUT DROP [0:0]",
            ":FORWARD DROP [0:0]",
            ":OUTPUT ACCEPT [0:0]",
            f"-A INPUT -i {LAN_IFACE} -j ACCEPT",
            "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            f"-A FORWARD -i {LAN_IFACE} -o {WAN_IFACE} -j ACCEPT",
            "COMMIT",
        ]
    )


@functools.lru_cache(maxsize=32)
def _home_firewall(first_port: int) -> Firewall:
    return Firewall.from_iptables(home_ruleset(first_port))


class _Masquerade:
    """The home router's firewall with ``entries``' connections tracked again (replayed in
    order: the model is deterministic, so each gets the mapping it had)."""

    def __init__(self, public_addr: str, first_port: int, entries: tuple[NatEntry, ...]):
        self.fw = _home_firewall(first_port)
        self.interfaces = {WAN_IFACE: public_addr}
        self.conntrack = ConnTrack()
        for entry in entries:
            self.send(entry.proto, (*entry.inside, entry.remote_addr, entry.remote_port))

    def _packet(self, proto: str, four: tuple, *, inbound: bool) -> Packet:
        src, sport, dst, dport = four
        flags = {"tcp": {"flags": "SA" if inbound else "S"}}.get(proto, {})
        ifaces = (WAN_IFACE, LAN_IFACE) if inbound else (LAN_IFACE, WAN_IFACE)
        return Packet(
            proto,
            src=src,
            dst=dst,
            sport=sport,
            dport=dport,
            in_iface=ifaces[0],
            out_iface=ifaces[1],
            **flags,
        )

    def send(self, proto: str, four: tuple) -> Packet:
        """The outgoing first packet as it leaves the router."""
        pkt = self._packet(proto, four, inbound=False)
        t = self.fw.traverse(pkt, interfaces=self.interfaces, conntrack=self.conntrack)
        return t.packet

    def answer(self, proto: str, four: tuple) -> Packet | None:
        """A packet from the WAN as it leaves to the LAN, or None when the router drops it."""
        pkt = self._packet(proto, four, inbound=True)
        t = self.fw.traverse(pkt, interfaces=self.interfaces, conntrack=self.conntrack)
        return t.packet if t.delivered == "forwarded" else None
