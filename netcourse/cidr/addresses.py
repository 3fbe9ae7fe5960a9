"""One address and its network, several networks, splitting: the arithmetic of lesson 03.

Part of :mod:`netcourse.cidr` (import from there). The arithmetic is the standard library's
:mod:`ipaddress` and :mod:`netaddr`; this module adds the reading of a learner's text with
errors that name the bad part, the ``ipcalc`` meaning of "usable hosts" (and IPv6's anycast
addresses, which no host may take), and the teaching views (binary, split).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import netaddr

from netcourse.errors import AddressError, quote
from netcourse.html import Cell, Markup, table
from netcourse.readers import MAX_PREFIX, IPInterface, read_int, read_interface
from netcourse.style import PALETTE

__all__ = [
    "SPECIAL_RANGES",
    "RESERVED_ANYCAST_IID",
    "RESERVED_ANYCAST_COUNT",
    "NETWORK_COLOUR",
    "HOST_COLOUR",
    "Binary",
    "Subnet",
    "Subnets",
    "subnet",
    "binary",
    "host_part",
    "contains",
    "overlaps",
    "summarize",
    "spanning",
    "split",
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


#: RFC 2526 §2: the 128 reserved subnet anycast addresses of a /64 have the interface
#: identifiers fdff:ffff:ffff:ff80 to fdff:ffff:ffff:ffff (57 one bits but the universal/local
#: bit, then a 7-bit anycast ID). On a longer prefix (no 64-bit identifier) they are the
#: highest 128 addresses. RFC 5453 lists both among the reserved interface identifiers.
RESERVED_ANYCAST_IID = 0xFDFF_FFFF_FFFF_FF80
#: How many reserved subnet anycast addresses a subnet has (RFC 2526: a 7-bit anycast ID).
RESERVED_ANYCAST_COUNT = 128


def _anycast(net: IPNetwork) -> tuple[int | None, tuple[int, int] | None, int]:
    """IPv6 addresses no host may take: (Subnet-Router anycast, RFC 2526 span, how many in all).

    The Subnet-Router anycast address is the prefix with an all-zeros interface identifier
    (RFC 4291 §2.6.1); a /127 does not use it (RFC 6164 §6) and a /128 has none. A /121 to
    /126 keeps only it: RFC 2526's 128 would fill a /121 entirely. A network
    wider than a /64 holds many /64 links: each has its own 129, the spans returned are the
    first /64's.
    """
    host_bits = 128 - net.prefixlen
    base = int(net.network_address)
    if host_bits <= 1:
        return None, None, 0
    if host_bits < 8:  # a 7-bit anycast ID would take the whole block (or not fit): none
        return base, None, 1
    count = _reserved6(host_bits)
    if host_bits < 64:  # no 64-bit interface identifier: the highest 128 addresses
        top = base + (1 << host_bits) - 1
        return base, (top - RESERVED_ANYCAST_COUNT + 1, top), count
    first = base + RESERVED_ANYCAST_IID
    return base, (first, first + RESERVED_ANYCAST_COUNT - 1), count


def _reserved6(host_bits: int) -> int:
    """How many addresses of an IPv6 block with ``host_bits`` host bits are anycast (above)."""
    if host_bits <= 1:
        return 0
    if host_bits < 8:
        return 1
    return (RESERVED_ANYCAST_COUNT + 1) << max(0, host_bits - 64)


def _usable_bits(host_bits: int, version: int) -> int:
    """Usable hosts of a block of ``host_bits``: ipcalc's 2**h - 2 for IPv4 (2 for a /31, 1 for
    a /32); for IPv6 every address but the anycast ones RFC 4291 and RFC 2526 reserve."""
    if version == 6:
        return (1 << host_bits) - _reserved6(host_bits)
    return {0: 1, 1: 2}.get(host_bits, (1 << host_bits) - 2)


def _usable(net: IPNetwork) -> int:
    """Usable hosts of ``net`` (see :func:`_usable_bits`)."""
    return _usable_bits(_MAX_PREFIX[net.version] - net.prefixlen, net.version)


@dataclass(frozen=True)
class Subnet:
    """One address with its prefix, and everything ``ipcalc`` says about its network.

    Address attributes are strings; ``broadcast`` is None for a /31, a /32 and all of IPv6
    (IPv6 has no broadcast). IPv6 has no broadcast but reserves anycast addresses instead:
    ``subnet_router_anycast`` (the prefix itself, RFC 4291 §2.6.1) and ``reserved_anycast``,
    the first and last of the 128 reserved subnet anycast addresses (RFC 2526); neither is
    counted in ``usable_hosts``. Taught in notebooks/03-cidr-and-subnets.ipynb.
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
    subnet_router_anycast: str | None = None
    reserved_anycast: tuple[str, str] | None = None

    def _rows(self) -> list[tuple[str, str]]:
        rows = [
            ("address", self.address),
            ("network", self.network),
            ("netmask", f"{self.netmask} = /{self.prefixlen}"),
            ("wildcard", self.wildcard),
            ("broadcast", self.broadcast or "none"),
        ]
        if self.subnet_router_anycast is not None:
            rows.append(("Subnet-Router anycast", self.subnet_router_anycast))
        if self.reserved_anycast is not None:
            each = " in each /64" if self.prefixlen < 64 else ""
            first, last = self.reserved_anycast
            rows.append((f"reserved anycast{each}", f"{first} - {last} (128)"))
        rows += [
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
    >>> v6 = subnet("2001:db8::1/64")
    >>> v6.subnet_router_anycast, v6.reserved_anycast
    ('2001:db8::', ('2001:db8::fdff:ffff:ffff:ff80', '2001:db8::fdff:ffff:ffff:ffff'))
    >>> v6.usable_hosts == 2**64 - 1 - 128
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
    router, span = None, None
    if net.version == 4 and host_bits >= 2:
        broadcast: str | None = str(last)
        first_host, last_host = first + 1, last - 1
    else:
        broadcast, first_host, last_host = None, first, last
    if net.version == 6:
        router, span, _ = _anycast(net)
        if router is not None:
            first_host += 1
        if span is not None and span[1] == int(last):  # the highest addresses are reserved
            last_host = type(last)(span[0] - 1)
    address = type(first)
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
        subnet_router_anycast=None if router is None else str(address(router)),
        reserved_anycast=None if span is None else (str(address(span[0])), str(address(span[1]))),
    )


#: An IPv6 address's bits are drawn on two lines of 64 (four groups of 16 each): 128 bits on one
#: line are about 1100px wide, more than a laptop screen leaves a notebook. The line ends where
#: the usual /64 network part ends.
IPV6_BITS_PER_LINE = 64
#: The rows of an IPv6 address's bits, tighter than a widget's text lines (28px each).
_TIGHT_BITS = ";line-height:1.4;padding-top:0.2em;padding-bottom:0.2em"


def _wrapped(net: str, host: str, every: int) -> tuple[str, str]:
    """(network, host) bits with a line break after each ``every`` bits (after the group's
    separator), wherever the network/host cut falls.

    >>> _wrapped("1111:11", "00:0000", 8)
    ('1111:11', '00:\\n0000')
    """
    total = sum(char in "01" for char in net + host)

    def wrap(part: str, seen: int) -> tuple[str, int]:
        out = []
        for char in part:
            out.append(char)
            if char in "01":
                seen += 1
            elif seen % every == 0 and 0 < seen < total:
                out.append("\n")
        return "".join(out), seen

    net_text, seen = wrap(net, 0)
    return net_text, wrap(host, seen)[0]


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
        tight = _TIGHT_BITS if self.version == 6 else ""  # two lines of IPv6 bits, rows tight
        rows = [
            (
                Cell(label, style="padding-right:1em"),
                Cell(
                    bits.format(NETWORK_COLOUR, net_text, HOST_COLOUR, host_text),
                    style=f"font-family:monospace;white-space:pre{tight}",
                ),
                Cell(text, style="font-family:monospace;padding-left:1em"),
            )
            for label, net, host, text in self.rows()
            for net_text, host_text in [_wrapped(net, host, IPV6_BITS_PER_LINE)]
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

    def _row(self, index: int) -> tuple[str, str, str, Cell]:
        part = self[index]
        hosts = f"{part.first_host} - {part.last_host}"
        usable = Cell(power_form(part.usable_hosts), title=f"{part.usable_hosts:,}")
        return (f"{index:,}", part.network, hosts, usable)

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


# --- helpers the other parts share ------------------------------------------------------------


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_form(number: int) -> str:
    """A count as a learner reads it: whole up to a trillion, beyond that (IPv6's counts) as
    the power of two it is or is near, with the exact rest, as the lesson writes them.

    >>> power_form(254), power_form(2**64 - 1 - 128), power_form(2**64), power_form(2**80 + 3)
    ('254', '2⁶⁴ − 129', '2⁶⁴', '2⁸⁰ + 3')
    >>> power_form(10**15)  # near no power of two: whole
    '1,000,000,000,000,000'
    """
    if number < 10**12:
        return f"{number:,}"
    below = number.bit_length() - 1  # 2**below <= number < 2**(below + 1)
    for power in (below, below + 1):
        rest = number - (1 << power)
        if abs(rest) < 10**6:
            sign = "" if rest == 0 else f" + {rest:,}" if rest > 0 else f" − {-rest:,}"
            return f"2{str(power).translate(_SUPERSCRIPT)}{sign}"
    return f"{number:,}"


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
