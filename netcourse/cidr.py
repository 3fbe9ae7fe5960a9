"""Addresses, prefixes and subnets: read them, split them, plan them, route by them.

Taught in notebooks/03-cidr-and-subnets.ipynb; ``contains``, ``route_decision`` and
``longest_prefix_match`` come back in the firewall, VPC and journey lessons.

The arithmetic is the standard library's :mod:`ipaddress` and :mod:`netaddr`; this module
adds the reading of a learner's text with errors that name the bad part, the ``ipcalc``
meaning of "usable hosts", and the teaching views (binary, split, plan, a host's route).

>>> net = subnet("10.0.2.3/16")
>>> net.network, net.netmask, net.usable_hosts
('10.0.0.0/16', '255.255.0.0', 65534)
>>> contains("192.168.1.0/24", "192.168.7.1")
False
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import netaddr

from netcourse.errors import AddressError, quote
from netcourse.html import Cell, Markup, table
from netcourse.readers import MAX_PREFIX, IPInterface, read_int, read_interface, read_mac
from netcourse.style import PALETTE

__all__ = [
    "SPECIAL_RANGES",
    "Binary",
    "Subnet",
    "Subnets",
    "Allocation",
    "Plan",
    "HostRoute",
    "subnet",
    "binary",
    "contains",
    "overlaps",
    "summarize",
    "spanning",
    "split",
    "hosts_to_prefix",
    "plan",
    "route_decision",
    "longest_prefix_match",
    "Frame",
    "host_part",
]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Special-purpose ranges (IANA registries, RFC 6890 and the RFCs named) and their scope
#: label. A network takes the label of the most specific range that contains it.
SPECIAL_RANGES: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "this network (RFC 791)"),
    ("10.0.0.0/8", "private (RFC 1918)"),
    ("100.64.0.0/10", "shared address space (RFC 6598)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private (RFC 1918)"),
    ("192.0.0.0/24", "IETF protocol assignments (RFC 6890)"),
    ("192.0.2.0/24", "documentation"),
    ("192.168.0.0/16", "private (RFC 1918)"),
    ("198.18.0.0/15", "benchmarking (RFC 2544)"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved (RFC 1112)"),
    ("255.255.255.255/32", "limited broadcast"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::ffff:0:0/96", "IPv4-mapped"),
    ("64:ff9b::/96", "IPv4/IPv6 translation (RFC 6052)"),
    ("100::/64", "discard-only (RFC 6666)"),
    ("2001::/23", "IETF protocol assignments (RFC 2928)"),
    ("2001:db8::/32", "documentation"),
    ("fc00::/7", "unique local (RFC 4193)"),
    ("fe80::/10", "link-local"),
    ("ff00::/8", "multicast"),
)

_MAX_PREFIX = MAX_PREFIX
_INTERFACES = {4: ipaddress.IPv4Interface, 6: ipaddress.IPv6Interface}
#: The colours of network bits and host bits, in the tables and the figures alike.
NETWORK_COLOUR, HOST_COLOUR = PALETTE["blue"], PALETTE["orange"]


# --- reading text ---------------------------------------------------------------------------


def _text(value: object) -> str:
    """The text form of what a caller passed: a string, a Subnet or an ipaddress object."""
    if isinstance(value, Subnet):
        return f"{value.address}/{value.prefixlen}"
    if isinstance(value, str):
        return value
    if isinstance(
        value,
        ipaddress.IPv4Address
        | ipaddress.IPv6Address
        | ipaddress.IPv4Network
        | ipaddress.IPv6Network
        | ipaddress.IPv4Interface
        | ipaddress.IPv6Interface
        | netaddr.IPAddress
        | netaddr.IPNetwork,
    ):
        return str(value)
    raise AddressError(
        f"{quote(value)}: expected an address as text such as '10.0.2.3/16', "
        f"got {type(value).__name__}"
    )


def _network(value: object) -> IPNetwork:
    return read_interface(_text(value)).network


def _networks(networks: object, call: str) -> list[IPNetwork]:
    """Each network of a list a caller passed, or AddressError naming what was passed instead."""
    if isinstance(networks, str | bytes) or not isinstance(networks, Iterable):
        raise AddressError(
            f"{call}({quote(networks)}): expected a list of networks such as "
            "['10.0.0.0/24', '10.0.1.0/24']"
        )
    return [_network(item) for item in networks]


# --- one subnet -----------------------------------------------------------------------------


def _scope(net: IPNetwork) -> str:
    """The label of the most specific special range holding all of ``net``."""
    first, last = int(net.network_address), int(net.broadcast_address)
    best_len, best_label, overlapping = -1, None, False
    for version, low, high, prefixlen, label in _special_spans():
        if version != net.version or high < first or low > last:
            continue
        overlapping = True
        if low <= first and last <= high and prefixlen > best_len:
            best_len, best_label = prefixlen, label
    if best_label is not None:
        return best_label
    return "mixed (includes special ranges)" if overlapping else "public"


@cache
def _special_spans() -> tuple[tuple[int, int, int, int, str], ...]:
    """SPECIAL_RANGES as integer spans (version, first, last, prefixlen, label)."""
    spans = []
    for cidr, label in SPECIAL_RANGES:
        net = ipaddress.ip_network(cidr)
        spans.append(
            (
                net.version,
                int(net.network_address),
                int(net.broadcast_address),
                net.prefixlen,
                label,
            )
        )
    return tuple(spans)


def _usable(net: IPNetwork) -> int:
    """Usable hosts with ipcalc's meaning: 2**h - 2, but 2 for a /31, 1 for a /32."""
    if net.version == 6:
        return net.num_addresses
    host_bits = 32 - net.prefixlen
    return {0: 1, 1: 2}.get(host_bits, net.num_addresses - 2)


@dataclass(frozen=True)
class Subnet:
    """One address with its prefix, and everything ``ipcalc`` says about its network.

    Address attributes are strings; ``broadcast`` is None for a /31, a /32 and all of IPv6
    (IPv6 has no broadcast). Taught in notebooks/03-cidr-and-subnets.ipynb.
    """

    address: str
    network: str
    prefixlen: int
    netmask: str
    wildcard: str
    broadcast: str | None
    first_host: str
    last_host: str
    size: int
    usable_hosts: int
    version: int
    scope: str

    def _rows(self) -> list[tuple[str, str]]:
        rows = [
            ("address", self.address),
            ("network", self.network),
            ("netmask", f"{self.netmask} = /{self.prefixlen}"),
            ("wildcard", self.wildcard),
            ("broadcast", self.broadcast or "none"),
            ("first host", self.first_host),
            ("last host", self.last_host),
            ("addresses", f"{self.size:,}"),
            ("usable hosts", f"{self.usable_hosts:,}"),
            ("scope", self.scope),
        ]
        return rows

    def _repr_html_(self) -> str:
        rows = [
            (
                Cell(label, header=True, style="text-align:left"),
                Cell(value, style="text-align:left;font-family:monospace"),
            )
            for label, value in self._rows()
        ]
        return table(rows, cls="netcourse-subnet")


def subnet(text: str) -> Subnet:
    """Read ``a.b.c.d/p``, ``a.b.c.d 255.255.0.0``, a bare address or IPv6 into a :class:`Subnet`.

    Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> net = subnet("10.0.2.3/16")
    >>> net.network, net.first_host, net.last_host, net.broadcast
    ('10.0.0.0/16', '10.0.0.1', '10.0.255.254', '10.0.255.255')
    >>> subnet("192.168.1.77 255.255.255.0").network
    '192.168.1.0/24'
    >>> subnet("2001:db8::1/64").usable_hosts == 2**64
    True
    >>> subnet("10.0.0.256/24")
    Traceback (most recent call last):
    netcourse.errors.AddressError: '10.0.0.256/24': the 4th number is 256, but each must be 0-255
    """
    iface = read_interface(_text(text))
    return _subnet(iface)


@lru_cache(maxsize=4096)
def _subnet(iface: IPInterface) -> Subnet:
    net = iface.network
    first, last = net.network_address, net.broadcast_address
    host_bits = _MAX_PREFIX[net.version] - net.prefixlen
    if net.version == 4 and host_bits >= 2:
        broadcast: str | None = str(last)
        first_host, last_host = first + 1, last - 1
    else:
        broadcast, first_host, last_host = None, first, last
    return Subnet(
        address=str(iface.ip),
        network=str(net),
        prefixlen=net.prefixlen,
        netmask=str(net.netmask),
        wildcard=str(net.hostmask),
        broadcast=broadcast,
        first_host=str(first_host),
        last_host=str(last_host),
        size=net.num_addresses,
        usable_hosts=_usable(net),
        version=net.version,
        scope=_scope(net),
    )


@dataclass(frozen=True)
class Binary:
    """An address, its mask and its network as bits, split at the prefix.

    Each bit string keeps netaddr's separators ("." every 8 bits for IPv4, ":" every 16 for
    IPv6); :meth:`parts` cuts one at the network/host boundary.
    """

    address: str
    netmask: str
    network: str
    prefixlen: int
    version: int
    address_text: str
    netmask_text: str
    network_text: str

    def parts(self, bits: str) -> tuple[str, str]:
        """(network part, host part) of one of this view's bit strings."""
        group = 8 if self.version == 4 else 16
        cut = self.prefixlen + self.prefixlen // group
        if self.prefixlen % group == 0 and 0 < self.prefixlen < _MAX_PREFIX[self.version]:
            cut -= 1  # keep the separator with the host part at an exact group boundary
        return bits[:cut], bits[cut:]

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(label, network bits, host bits, text) for address, netmask and network."""
        return [
            (label, *self.parts(bits), text)
            for label, bits, text in (
                ("address", self.address, self.address_text),
                ("netmask", self.netmask, self.netmask_text),
                ("network", self.network, self.network_text),
            )
        ]

    def __repr__(self) -> str:
        return "\n".join(
            f"{label:<8} {net}|{host}  {text}" for label, net, host, text in self.rows()
        )

    def _repr_html_(self) -> str:
        """The bits as a table, network bits blue and bold, host bits orange, with a legend."""
        bits = Markup(
            "<span class='net-bits' style='color:{};font-weight:bold'>{}</span>"
            "<span class='host-bits' style='color:{}'>{}</span>"
        )
        rows = [
            (
                Cell(label, style="padding-right:1em"),
                Cell(
                    bits.format(NETWORK_COLOUR, net, HOST_COLOUR, host),
                    style="font-family:monospace;white-space:pre",
                ),
                Cell(text, style="font-family:monospace;padding-left:1em"),
            )
            for label, net, host, text in self.rows()
        ]
        legend = Markup(
            "<div><span style='color:{};font-weight:bold'>network bits: {}</span> &nbsp; "
            "<span style='color:{}'>host bits: {}</span></div>"
        ).format(
            NETWORK_COLOUR,
            self.prefixlen,
            HOST_COLOUR,
            _MAX_PREFIX[self.version] - self.prefixlen,
        )
        return table(rows, cls="netcourse-binary") + legend


def binary(text: str) -> Binary:
    """The address, mask and network of ``text`` as bits, with the network/host boundary.

    Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> binary("10.0.2.3/16")
    address  00001010.00000000|.00000010.00000011  10.0.2.3
    netmask  11111111.11111111|.00000000.00000000  255.255.0.0
    network  00001010.00000000|.00000000.00000000  10.0.0.0
    """
    iface = read_interface(_text(text))
    net = iface.network
    bits = [netaddr.IPAddress(int(a), net.version).bits() for a in (iface.ip, net.netmask)]
    return Binary(
        address=bits[0],
        netmask=bits[1],
        network=netaddr.IPAddress(int(net.network_address), net.version).bits(),
        prefixlen=net.prefixlen,
        version=net.version,
        address_text=str(iface.ip),
        netmask_text=str(net.netmask),
        network_text=str(net.network_address),
    )


def host_part(text: str) -> str:
    """The host part of an address: the address with its network bits set to 0.

    Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> host_part("10.0.2.3/16")
    '0.0.2.3'
    """
    iface = read_interface(_text(text))
    return str(type(iface.ip)(int(iface.ip) & int(iface.network.hostmask)))


# --- several networks -----------------------------------------------------------------------


def contains(net: str, addr: str) -> bool:
    """Whether ``addr`` (an address, or a whole network) lies inside ``net``.

    Taught in notebooks/03-cidr-and-subnets.ipynb; used again by the firewall and VPC lessons.

    >>> contains("10.0.1.0/24", "10.0.1.13"), contains("10.0.1.0/24", "10.0.2.13")
    (True, False)
    >>> contains("10.0.0.0/16", "10.0.2.0/24")
    True
    """
    outer = _network(net)
    inner = read_interface(_text(addr))
    if inner.version != outer.version:
        return False
    text = _text(addr)
    if "/" in text or len(text.split()) > 1:
        return inner.network.subnet_of(outer)
    return inner.ip in outer


def overlaps(networks: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """Every pair of networks that share addresses (with CIDR, one then contains the other).

    Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> overlaps(["10.0.0.0/16", "10.0.1.0/24", "10.1.0.0/16"])
    (('10.0.0.0/16', '10.0.1.0/24'),)
    """
    nets = sorted(
        set(_networks(networks, "overlaps")),
        key=lambda n: (n.version, int(n.network_address), n.prefixlen),
    )
    pairs: list[tuple[str, str]] = []
    open_nets: list[IPNetwork] = []  # a chain of networks, each containing the next
    for net in nets:
        while open_nets and (
            open_nets[-1].version != net.version
            or int(open_nets[-1].broadcast_address) < int(net.network_address)
        ):
            open_nets.pop()
        pairs.extend((str(outer), str(net)) for outer in open_nets)
        open_nets.append(net)
    return tuple(pairs)


def summarize(networks: Iterable[str]) -> tuple[str, ...]:
    """The smallest set of networks covering exactly the same addresses (merged, deduplicated).

    Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> summarize(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/25"])
    ('10.0.0.0/23', '10.0.2.0/24', '10.0.3.0/25')
    """
    nets = _networks(networks, "summarize")
    merged = []
    for version in (4, 6):
        same = [n for n in nets if n.version == version]
        merged.extend(str(n) for n in ipaddress.collapse_addresses(same))
    return tuple(merged)


def spanning(networks: Iterable[str]) -> str:
    """The single smallest network containing all of ``networks`` (it may cover extra space).

    Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> spanning(["10.0.1.0/24", "10.0.2.0/24"])
    '10.0.0.0/22'
    """
    nets = _networks(networks, "spanning")
    if not nets:
        raise AddressError("spanning([]): expected at least one network")
    if len({n.version for n in nets}) > 1:
        raise AddressError("spanning(...): IPv4 and IPv6 networks cannot share one supernet")
    # netaddr's spanning_cidr compares network starts only: give it the lowest and highest address
    low = min(n.network_address for n in nets)
    high = max(n.broadcast_address for n in nets)
    return str(netaddr.spanning_cidr([str(low), str(high)]))


class Subnets:
    """The subnets of one network at a longer prefix, computed on demand (a lazy sequence).

    ``len()``, indexing (negative too) and iteration work without building a list, so
    splitting a /8 into /30s costs nothing until you look.
    """

    def __init__(self, parent: IPNetwork, new_prefix: int) -> None:
        self.parent = parent
        self.new_prefix = new_prefix
        self.step = 1 << (_MAX_PREFIX[parent.version] - new_prefix)
        self.count = 1 << (new_prefix - parent.prefixlen)

    def __len__(self) -> int:
        if self.count > 2**62:  # len() must fit a machine integer; .count never overflows
            raise AddressError(
                f"{self.parent} holds {self.count:,} /{self.new_prefix}s, too many for len(); "
                "use .count"
            )
        return self.count

    def __getitem__(self, index: int) -> Subnet:
        if not isinstance(index, int):
            raise TypeError("Subnets indices must be integers")
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(f"subnet index out of range (there are {self.count:,})")
        start = int(self.parent.network_address) + index * self.step
        # by the parent's class: ip_interface((0, 0)) would read the number 0 as IPv4
        return _subnet(_INTERFACES[self.parent.version]((start, self.new_prefix)))

    def __iter__(self) -> Iterator[Subnet]:
        return (self[i] for i in range(self.count))

    def __repr__(self) -> str:
        shown = min(self.count, 4)
        head = ", ".join(self[i].network for i in range(shown))
        more = f", ... ({self.count:,} in all)" if self.count > shown else ""
        return f"Subnets({self.parent} into /{self.new_prefix}: {head}{more})"

    #: How many subnets the HTML table lists before it skips to the last one.
    SHOWN = 8

    def _row(self, index: int) -> tuple[str, str, str, str]:
        part = self[index]
        hosts = f"{part.first_host} - {part.last_host}"
        return (f"{index:,}", part.network, hosts, f"{part.usable_hosts:,}")

    def _repr_html_(self) -> str:
        """The first subnets, then the last one: a /8 into /30s costs nine subnets, not 4M.

        >>> html = split("10.0.0.0/8", 30)._repr_html_()
        >>> "4,194,304" in html, "10.255.255.252/30" in html, html.count("<tr>")
        (True, True, 11)
        """
        if self.count <= self.SHOWN + 1:
            rows = [self._row(index) for index in range(self.count)]
        else:
            skipped = Cell(f"{self.count - self.SHOWN - 1:,} more", colspan=3)
            rows = [self._row(index) for index in range(self.SHOWN)]
            rows += [("...", skipped), self._row(self.count - 1)]
        caption = Markup("{} splits into <b>{}</b> subnets of /{}").format(
            str(self.parent), f"{self.count:,}", self.new_prefix
        )
        header = ("#", "subnet", "hosts", "usable")
        return table(rows, header=header, caption=caption, cls="netcourse-split")


def split(net: str, new_prefix: int) -> Subnets:
    """The subnets of ``net`` at ``new_prefix``, lazily (a sequence with len and indexing).

    Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> parts = split("10.0.0.0/8", 30)
    >>> len(parts), parts[1].network, parts[-1].network
    (4194304, '10.0.0.4/30', '10.255.255.252/30')
    """
    parent = _network(net)
    top = _MAX_PREFIX[parent.version]
    call = f"split({quote(net)}, {quote(new_prefix)})"
    text = new_prefix.strip().removeprefix("/") if isinstance(new_prefix, str) else new_prefix
    try:
        number = read_int(text, what="new prefix", error=AddressError)
    except AddressError:
        raise AddressError(
            f"{call}: the new prefix must be a number {parent.prefixlen}-{top} "
            "(digits 0-9, like 26 or '/26')"
        ) from None
    if not parent.prefixlen <= number <= top:
        raise AddressError(
            f"{call}: cannot split a /{parent.prefixlen} into "
            f"/{number}s; the new prefix must be {parent.prefixlen}-{top}"
        )
    return Subnets(parent, number)


# --- planning -------------------------------------------------------------------------------


def _count(number: int) -> str:
    """A count for a message: with thousands separators, or its size when it is enormous."""
    if number < 10**30:
        return f"{number:,}"
    power = number.bit_length() - 1
    return f"2**{power}" if number == 1 << power else f"more than 2**{power}"


def _version(version: object) -> int:
    if isinstance(version, bool) or not isinstance(version, int) or version not in _MAX_PREFIX:
        raise AddressError(f"version={quote(version)}: an IP version is 4 or 6")
    return version


def hosts_to_prefix(hosts: int, version: int = 4) -> int:
    """The longest prefix whose block has at least ``hosts`` usable hosts (never /31 or /32).

    Exact integer arithmetic: an IPv4 block of ``h`` host bits has ``2**h - 2`` usable hosts
    (ipcalc's meaning), an IPv6 block ``2**h`` addresses.

    >>> hosts_to_prefix(254), hosts_to_prefix(255), hosts_to_prefix(1)
    (24, 23, 30)
    >>> hosts_to_prefix(2**64, 6), hosts_to_prefix(2**64 + 1, 6)
    (64, 63)
    >>> hosts_to_prefix(10**40, 6)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.AddressError: more than 2**132 hosts: more than an IPv6 network can hold; ...
    """
    version = _version(version)
    if isinstance(hosts, int) and not isinstance(hosts, bool) and hosts < 1:
        raise AddressError(f"{quote(hosts)} hosts: expected a whole number of hosts, at least 1")
    number = read_int(hosts, what="number of hosts", low=1, error=AddressError)
    if version == 6:
        bits = (number - 1).bit_length()  # the smallest h with 2**h >= number
        if bits > 128:
            raise AddressError(
                f"{_count(number)} hosts: more than an IPv6 network can hold; the most is "
                f"2**128 = {2**128:,} addresses (the whole ::/0)"
            )
        return 128 - bits
    bits = max(2, (number + 1).bit_length())  # the smallest h with 2**h - 2 >= number
    if bits > 32:
        raise AddressError(
            f"{_count(number)} hosts: more than an IPv4 network can hold; the most is "
            f"{2**32 - 2:,} usable hosts (the whole 0.0.0.0/0)"
        )
    return 32 - bits


@dataclass(frozen=True)
class Allocation:
    """One row of a :class:`Plan`: a named need and the block it got."""

    name: str
    hosts: int
    network: str
    prefixlen: int
    usable_hosts: int
    first_host: str
    last_host: str
    broadcast: str | None


@dataclass(frozen=True)
class Plan:
    """A VLSM allocation: the parent, one row per need (largest first) and what is left free."""

    parent: str
    allocations: tuple[Allocation, ...]
    free: tuple[str, ...]

    @property
    def used(self) -> int:
        """Addresses handed out."""
        top = _MAX_PREFIX[_network(self.parent).version]
        return sum(1 << (top - a.prefixlen) for a in self.allocations)

    @property
    def size(self) -> int:
        """Addresses in the parent."""
        return _network(self.parent).num_addresses

    def __getitem__(self, name: str) -> Allocation:
        for row in self.allocations:
            if row.name == name:
                return row
        raise KeyError(name)

    _HEAD = ("name", "hosts", "network", "usable", "first host", "last host", "broadcast")

    def _table(self) -> list[tuple[str, ...]]:
        return [
            (
                a.name,
                str(a.hosts),
                a.network,
                str(a.usable_hosts),
                a.first_host,
                a.last_host,
                a.broadcast or "none",
            )
            for a in self.allocations
        ]

    def __repr__(self) -> str:
        rows = [self._HEAD, *self._table()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self._HEAD))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
            for r in rows
        ]
        lines.append(f"used {self.used} of {self.size} addresses in {self.parent}")
        lines.append(f"free: {', '.join(self.free) or 'nothing'}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        foot = Markup("<p>used {} of {} addresses in {}; free: {}</p>").format(
            self.used, self.size, self.parent, ", ".join(self.free) or "nothing"
        )
        return table(self._table(), header=self._HEAD, cls="netcourse-plan") + foot


def plan(parent: str, needs: Mapping[str, int]) -> Plan:
    """Allocate one block per named need inside ``parent``, largest first (VLSM).

    Each need is a number of usable hosts; each block is the smallest that holds it.
    Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> office = plan("192.168.10.0/24", {"staff": 100, "guests": 50, "printers": 10})
    >>> for row in office.allocations:
    ...     print(row.name, row.network)
    staff 192.168.10.0/25
    guests 192.168.10.128/26
    printers 192.168.10.192/28
    >>> office.free
    ('192.168.10.208/28', '192.168.10.224/27')
    """
    net = _network(parent)
    if not isinstance(needs, Mapping) or not needs:
        raise AddressError(
            f"plan({quote(parent)}, ...): expected needs like {{'A': 254, 'B': 100}}"
        )
    top = _MAX_PREFIX[net.version]
    blocks = []
    for name, hosts in needs.items():
        try:
            prefix = hosts_to_prefix(hosts, net.version)
        except AddressError as exc:
            raise AddressError(f"plan: need {quote(name)}: {exc}") from None
        blocks.append((str(name), read_int(hosts, low=1, error=AddressError), prefix))
    blocks.sort(key=lambda block: block[2])  # largest first; sort is stable: ties keep order
    needed = sum(1 << (top - prefix) for _, _, prefix in blocks)
    if needed > net.num_addresses:
        missing = needed - net.num_addresses
        fits = top - (needed - 1).bit_length()
        advice = f"a /{fits} would fit them" if fits >= 0 else f"no IPv{net.version} network would"
        raise AddressError(
            f"plan: the needs take {_count(needed)} addresses but {net} holds "
            f"{_count(net.num_addresses)}: {_count(missing)} addresses are missing; {advice}"
        )
    # Largest first from the parent's start: every block starts aligned, right after the last.
    start = int(net.network_address)
    rows = []
    for name, hosts, prefix in blocks:
        got = _subnet(_INTERFACES[net.version]((start, prefix)))
        rows.append(
            Allocation(
                name=name,
                hosts=hosts,
                network=got.network,
                prefixlen=prefix,
                usable_hosts=got.usable_hosts,
                first_host=got.first_host,
                last_host=got.last_host,
                broadcast=got.broadcast,
            )
        )
        start += 1 << (top - prefix)
    return Plan(parent=str(net), allocations=tuple(rows), free=_free(net, start))


def _free(parent: IPNetwork, start: int) -> tuple[str, ...]:
    """The fewest networks covering the parent from address ``start`` to its end."""
    end = int(parent.broadcast_address)
    if start > end:
        return ()
    address = type(parent.network_address)
    return tuple(str(n) for n in ipaddress.summarize_address_range(address(start), address(end)))


# --- routing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostRoute:
    """What a host does with a packet: deliver it directly, or hand it to its gateway.

    The host's own decision, made from its interface and gateway (what :func:`route_decision`
    returns); a VPC route table's lookup is :class:`netcourse.vpc.RouteDecision`.
    """

    interface: str
    network: str
    destination: str
    gateway: str | None
    direct: bool
    next_hop: str | None
    explanation: str

    def frame(self, src_mac: str, macs: Mapping[str, str]) -> Frame:
        """The Ethernet and IP addresses of the frame the host sends, given known MACs.

        ``macs`` maps IP addresses to MAC addresses (what ARP would answer).

        >>> decision = route_decision("10.0.1.7/24", "10.0.2.13", gateway="10.0.1.1")
        >>> decision.frame("02:00:00:00:01:07", {"10.0.1.1": "02:00:00:00:01:01"})
        Frame(eth_src='02:00:00:00:01:07', eth_dst='02:00:00:00:01:01', ip_src='10.0.1.7', \
ip_dst='10.0.2.13')
        """
        if self.next_hop is None:
            raise AddressError(f"no route to {self.destination}: no frame is sent")
        if self.next_hop not in macs:
            raise AddressError(
                f"no MAC known for {self.next_hop}: ARP would ask 'who has {self.next_hop}?'"
            )
        return Frame(
            eth_src=_mac(src_mac),
            eth_dst=_mac(macs[self.next_hop]),
            ip_src=self.interface.split("/")[0],
            ip_dst=self.destination,
        )


@dataclass(frozen=True)
class Frame:
    """Addresses in a frame's headers: Ethernet and IP, each source and destination."""

    eth_src: str
    eth_dst: str
    ip_src: str
    ip_dst: str


def _mac(text: str) -> str:
    return read_mac(text, error=AddressError)


def route_decision(interface: str, destination: str, gateway: str | None = None) -> HostRoute:
    """Decide, as the host with ``interface`` (address/prefix) would, where a packet goes next.

    Same subnet: resolve the destination's own MAC (ARP, or neighbour discovery in IPv6) and
    send it the frame. Otherwise: resolve the gateway's MAC and send the frame there, with the
    destination IP unchanged. Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> inside = route_decision("10.0.1.7/24", "10.0.1.13", gateway="10.0.1.1")
    >>> inside.direct, inside.next_hop
    (True, '10.0.1.13')
    >>> outside = route_decision("10.0.1.7/24", "10.0.2.9", gateway="10.0.1.1")
    >>> outside.direct, outside.next_hop
    (False, '10.0.1.1')
    """
    iface = read_interface(_text(interface))
    dest = read_interface(_text(destination)).ip
    net = iface.network
    resolve = "ARP" if net.version == 4 else "neighbour discovery"
    gw = None
    if gateway is not None:
        gw = read_interface(_text(gateway)).ip
        if gw.version != net.version or gw not in net:
            raise AddressError(
                f"gateway {gw} is not inside {net}, the interface's network: a host can only "
                "reach a gateway on its own subnet"
            )
    if dest.version != net.version:
        raise AddressError(
            f"{dest} is IPv{dest.version} but the interface {iface} is IPv{net.version}"
        )
    base = dict(interface=str(iface), network=str(net), destination=str(dest))
    gateway_text = None if gw is None else str(gw)
    if dest in net:
        return HostRoute(
            **base,
            gateway=gateway_text,
            direct=True,
            next_hop=str(dest),
            explanation=(
                f"{dest} is inside {net}, the interface's own network, so the host uses "
                f"{resolve} to find {dest}'s MAC address and sends the frame straight to it; "
                "no router is involved."
            ),
        )
    if gw is None:
        return HostRoute(
            **base,
            gateway=None,
            direct=False,
            next_hop=None,
            explanation=(
                f"{dest} is outside {net} and no gateway is configured, so the host has no "
                "route: the send fails with 'network is unreachable'."
            ),
        )
    return HostRoute(
        **base,
        gateway=gateway_text,
        direct=False,
        next_hop=str(gw),
        explanation=(
            f"{dest} is outside {net}, so the host uses {resolve} to find the gateway {gw}'s "
            f"MAC address and sends it the frame; the packet's destination IP stays {dest} "
            "(only the frame's destination MAC is the gateway's; nothing is NATed)."
        ),
    )


def longest_prefix_match(
    routes: Mapping[str, object] | Iterable[tuple[str, object]], destination: str
) -> tuple[str, object] | None:
    """The most specific route containing ``destination``, as ``(route, target)``, or None.

    ``routes`` is a mapping or pairs ``(cidr, target)``; the route is returned as written.
    Among equally specific routes the first wins. Taught in notebooks/03-cidr-and-subnets.ipynb;
    used again by the VPC and journey lessons.

    >>> table = {"0.0.0.0/0": "igw", "10.0.0.0/16": "local", "10.0.2.0/24": "vpn"}
    >>> longest_prefix_match(table, "10.0.2.9"), longest_prefix_match(table, "10.0.9.9")
    (('10.0.2.0/24', 'vpn'), ('10.0.0.0/16', 'local'))
    >>> longest_prefix_match({"10.0.0.0/8": "a"}, "192.0.2.1") is None
    True
    """
    pairs = routes.items() if isinstance(routes, Mapping) else routes
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
        raise AddressError(
            f"{quote(routes)}: expected routes as a dict or (cidr, target) pairs, such as "
            "{'0.0.0.0/0': 'igw'}"
        )
    dest = read_interface(_text(destination)).ip
    best: tuple[str, object] | None = None
    best_len = -1
    for number, pair in enumerate(pairs, 1):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise AddressError(f"route {number} {quote(pair)}: expected a pair (cidr, target)")
        cidr, target = pair
        net = _network(cidr)
        if net.version == dest.version and net.prefixlen > best_len and dest in net:
            best, best_len = (cidr, target), net.prefixlen
    return best
