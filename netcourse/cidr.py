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
from types import MappingProxyType

import netaddr

from netcourse.errors import AddressError, quote
from netcourse.html import Cell, Markup, table
from netcourse.readers import MAX_PREFIX, IPInterface, read_int, read_interface, read_mac
from netcourse.style import PALETTE

__all__ = [
    "SPECIAL_RANGES",
    "CLOUD_PROVIDERS",
    "RESERVED_ANYCAST_IID",
    "CloudProvider",
    "CloudSubnet",
    "cloud_provider",
    "cloud_subnet",
    "LINK_LOCAL_PREFIX",
    "link_local",
    "solicited_node",
    "router_advertisement",
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


# --- cloud subnets --------------------------------------------------------------------------


@dataclass(frozen=True)
class CloudProvider:
    """One cloud's rules for an IPv4 subnet: the prefixes it allows and the addresses it keeps.

    ``reserved`` pairs an offset from the subnet's start (negative: from its end, -1 the last
    address) with the role the provider gives that address. ``smallest`` is the longest prefix
    allowed, ``largest`` the shortest (None: the provider states no limit the course checks).
    """

    key: str
    name: str
    smallest: int
    largest: int | None
    reserved: tuple[tuple[int, str], ...]
    source: str

    @property
    def prefixes(self) -> range:
        """The prefix lengths a subnet may have (shortest first)."""
        return range(self.largest if self.largest is not None else 0, self.smallest + 1)

    def usable(self, prefixlen: int) -> int:
        """Addresses an instance can get in a subnet of ``prefixlen``: all but the reserved."""
        return (1 << (32 - prefixlen)) - len(self.reserved)

    def limits(self) -> str:
        """The allowed sizes in words, for messages: ``'/16 to /28'``."""
        if self.largest is None:
            return f"/{self.smallest} or larger"
        return f"/{self.largest} to /{self.smallest}"

    def check_prefix(self, prefixlen: int, what: str) -> None:
        """Raise AddressError naming ``what`` when ``prefixlen`` breaks this provider's limits."""
        if prefixlen > self.smallest:
            raise AddressError(
                f"{what}: /{prefixlen} is smaller than {self.name}'s smallest subnet "
                f"/{self.smallest}; {self.name} subnets are {self.limits()}"
            )
        if self.largest is not None and prefixlen < self.largest:
            raise AddressError(
                f"{what}: /{prefixlen} is larger than {self.name}'s largest subnet "
                f"/{self.largest}; {self.name} subnets are {self.limits()}"
            )

    def prefix_for(self, hosts: int) -> int:
        """The longest allowed prefix whose subnet has at least ``hosts`` usable addresses."""
        bits = max(32 - self.smallest, (hosts + len(self.reserved) - 1).bit_length())
        prefixlen = 32 - bits
        largest = self.largest if self.largest is not None else 0
        if bits > 32:
            raise AddressError(
                f"a subnet for {_count(hosts)} hosts in {self.name}: more than an IPv4 network "
                f"can hold; a /{largest} in {self.name} has {self.usable(largest):,} usable "
                "addresses"
            )
        if prefixlen < largest:
            raise AddressError(
                f"a subnet for {_count(hosts)} hosts in {self.name} needs a /{prefixlen}, but "
                f"{self.name}'s largest subnet is /{largest} ({self.usable(largest):,} usable "
                "addresses)"
            )
        return prefixlen


#: The cloud providers' IPv4 subnet rules, by key: the one table the calculator, the planner
#: and the checks read.
CLOUD_PROVIDERS: Mapping[str, CloudProvider] = MappingProxyType(
    {
        #: AWS VPC User Guide, "Subnet CIDR blocks" (docs.aws.amazon.com/vpc/latest/userguide/
        #: subnet-sizing.html): an IPv4 subnet is /16 to /28; the first four addresses and the
        #: last are reserved (netcourse.vpc.resources.RESERVED says the same for lesson 05).
        "aws": CloudProvider(
            key="aws",
            name="AWS",
            smallest=28,
            largest=16,
            reserved=(
                (0, "network address"),
                (1, "VPC router"),
                (2, "Amazon DNS"),
                (3, "future use"),
                (-1, "broadcast address (unused: a VPC has no broadcast)"),
            ),
            source="AWS VPC User Guide, Subnet CIDR blocks",
        ),
        #: Azure Virtual Network FAQ (learn.microsoft.com/azure/virtual-network/
        #: virtual-networks-faq): "the smallest supported IPv4 subnet is /29, and the largest
        #: is /2"; x.x.x.0 network, x.x.x.1 default gateway, x.x.x.2 and x.x.x.3 map the Azure
        #: DNS IPs into the virtual network, x.x.x.255 broadcast.
        "azure": CloudProvider(
            key="azure",
            name="Azure",
            smallest=29,
            largest=2,
            reserved=(
                (0, "network address"),
                (1, "default gateway"),
                (2, "Azure DNS"),
                (3, "Azure DNS"),
                (-1, "broadcast address"),
            ),
            source="Azure Virtual Network FAQ",
        ),
        #: Google Cloud VPC docs, "Subnets" (cloud.google.com/vpc/docs/subnets), reserved IP
        #: addresses in IPv4 subnets: network, default gateway, the second-to-last address
        #: (reserved for potential future use) and broadcast; the smallest range is /29. The
        #: course enforces no largest size for Google Cloud.
        "gcp": CloudProvider(
            key="gcp",
            name="Google Cloud",
            smallest=29,
            largest=None,
            reserved=(
                (0, "network address"),
                (1, "default gateway"),
                (-2, "future use"),
                (-1, "broadcast address"),
            ),
            source="Google Cloud VPC docs, Subnets",
        ),
    }
)

#: Other spellings a learner may type for a provider key.
_PROVIDER_NAMES = {
    "amazon": "aws",
    "amazon web services": "aws",
    "microsoft azure": "azure",
    "google": "gcp",
    "google cloud": "gcp",
    "google cloud platform": "gcp",
}


def cloud_provider(provider: str | CloudProvider) -> CloudProvider:
    """The rules of a cloud provider by key or name ("aws", "Azure", "Google Cloud", ...).

    >>> cloud_provider("AWS").limits(), cloud_provider("google cloud").name
    ('/16 to /28', 'Google Cloud')
    >>> cloud_provider("ibm")
    Traceback (most recent call last):
    netcourse.errors.AddressError: provider 'ibm': unknown; the providers are 'aws', 'azure', 'gcp'
    """
    if isinstance(provider, CloudProvider):
        return provider
    if isinstance(provider, str):
        key = " ".join(provider.lower().split())
        key = _PROVIDER_NAMES.get(key, key)
        if key in CLOUD_PROVIDERS:
            return CLOUD_PROVIDERS[key]
    known = ", ".join(repr(key) for key in CLOUD_PROVIDERS)
    raise AddressError(f"provider {quote(provider)}: unknown; the providers are {known}")


@dataclass(frozen=True)
class CloudSubnet:
    """A subnet as a cloud provider sees it: the addresses it keeps, named, and what is left.

    ``subnet`` is the plain :class:`Subnet`; ``reserved`` pairs each kept address with its role.
    Taught in notebooks/03-cidr-and-subnets.ipynb; lesson 05 asks why an AWS /28 has 11.
    """

    provider: str
    subnet: Subnet
    reserved: tuple[tuple[str, str], ...]
    usable_hosts: int
    first_usable: str
    last_usable: str

    @property
    def network(self) -> str:
        """The subnet's network, like ``'10.0.0.0/28'``."""
        return self.subnet.network

    def _rows(self) -> list[tuple[str, str]]:
        rows = [("network", self.network), ("provider", self.provider)]
        width = max(len(address) for address, _ in self.reserved)
        rows += [("reserved", f"{address:<{width}}  {role}") for address, role in self.reserved]
        rows += [
            ("usable range", f"{self.first_usable} - {self.last_usable}"),
            ("addresses", f"{self.subnet.size:,}"),
            ("usable", f"{self.usable_hosts:,} ({self.subnet.size:,} - {len(self.reserved)})"),
        ]
        return rows

    def __repr__(self) -> str:
        width = max(len(label) for label, _ in self._rows())
        return "\n".join(f"{label:<{width}}  {value}" for label, value in self._rows())

    def _repr_html_(self) -> str:
        rows = [
            (
                Cell(label, header=True, style="text-align:left"),
                Cell(value, style="text-align:left;font-family:monospace"),
            )
            for label, value in self._rows()
        ]
        return table(rows, cls="netcourse-cloud-subnet")


def cloud_subnet(text: str, provider: str | CloudProvider) -> CloudSubnet:
    """A subnet under a cloud provider's rules: its reserved addresses, named, and usable count.

    Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> aws = cloud_subnet("10.0.0.0/28", provider="aws")
    >>> aws.usable_hosts, aws.first_usable, aws.last_usable
    (11, '10.0.0.4', '10.0.0.14')
    >>> dict(aws.reserved)["10.0.0.1"], cloud_subnet("10.0.0.0/28", "gcp").usable_hosts
    ('VPC router', 12)
    >>> cloud_subnet("10.0.0.0/29", provider="aws")
    Traceback (most recent call last):
    netcourse.errors.AddressError: '10.0.0.0/29' in AWS: /29 is smaller than AWS's smallest \
subnet /28; AWS subnets are /16 to /28
    """
    rules = cloud_provider(provider)
    iface = read_interface(_text(text))
    what = f"{quote(_text(text))} in {rules.name}"
    if iface.version != 4:
        raise AddressError(
            f"{what}: the cloud mode knows {rules.name}'s IPv4 subnet rules only; "
            "give an IPv4 network such as '10.0.0.0/24'"
        )
    rules.check_prefix(iface.network.prefixlen, what)
    net = iface.network
    kept = sorted((offset % net.num_addresses, role) for offset, role in rules.reserved)
    taken = {offset for offset, _ in kept}
    first_free = next(o for o in range(net.num_addresses) if o not in taken)
    last_free = next(o for o in range(net.num_addresses - 1, -1, -1) if o not in taken)
    return CloudSubnet(
        provider=rules.name,
        subnet=_subnet(iface),
        reserved=tuple((str(net[offset]), role) for offset, role in kept),
        usable_hosts=rules.usable(net.prefixlen),
        first_usable=str(net[first_free]),
        last_usable=str(net[last_free]),
    )


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


def hosts_to_prefix(hosts: int, version: int = 4, provider: str | None = None) -> int:
    """The longest prefix whose block has at least ``hosts`` usable hosts (never /31 or /32).

    Exact integer arithmetic: an IPv4 block of ``h`` host bits has ``2**h - 2`` usable hosts
    (ipcalc's meaning), an IPv6 block ``2**h`` addresses less its anycast ones (a /64 keeps
    ``2**64 - 129``). With a cloud ``provider`` ("aws", "azure", "gcp") the block loses the
    provider's reserved addresses instead, and is never smaller than its smallest subnet.

    >>> hosts_to_prefix(254), hosts_to_prefix(255), hosts_to_prefix(1)
    (24, 23, 30)
    >>> hosts_to_prefix(2**64 - 129, 6), hosts_to_prefix(2**64, 6)
    (64, 63)
    >>> hosts_to_prefix(300, provider="aws"), hosts_to_prefix(3, provider="aws")
    (23, 28)
    >>> hosts_to_prefix(10**40, 6)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.AddressError: more than 2**132 hosts: more than an IPv6 network can hold; ...
    """
    version = _version(version)
    if isinstance(hosts, int) and not isinstance(hosts, bool) and hosts < 1:
        raise AddressError(f"{quote(hosts)} hosts: expected a whole number of hosts, at least 1")
    number = read_int(hosts, what="number of hosts", low=1, error=AddressError)
    if provider is not None:
        return cloud_provider(provider).prefix_for(number)
    top = _MAX_PREFIX[version]
    if version == 6:
        bits = (number - 1).bit_length()  # the smallest h with 2**h >= number, then up
        while bits <= top and _usable_bits(bits, 6) < number:
            bits += 1
        if bits > top:
            most = _usable_bits(top, 6)
            raise AddressError(
                f"{_count(number)} hosts: more than an IPv6 network can hold; the most is "
                f"{most:,} usable hosts (the whole ::/0, 2**128 addresses less its anycast ones)"
            )
        return top - bits
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
    #: the cloud provider whose rules the plan follows (its name), or None for a plain LAN
    provider: str | None = None

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
        if self.provider is not None:
            lines.append(self._rules())
        return "\n".join(lines)

    def _rules(self) -> str:
        """The line that says whose rules the usable counts follow."""
        return (
            f"usable counts follow {self.provider}'s rules (its reserved addresses are not usable)"
        )

    def _repr_html_(self) -> str:
        foot = Markup("<p>used {} of {} addresses in {}; free: {}</p>").format(
            self.used, self.size, self.parent, ", ".join(self.free) or "nothing"
        )
        if self.provider is not None:
            foot += Markup("<p>{}</p>").format(self._rules())
        return table(self._table(), header=self._HEAD, cls="netcourse-plan") + foot


def plan(parent: str, needs: Mapping[str, int], provider: str | None = None) -> Plan:
    """Allocate one block per named need inside ``parent``, largest first (VLSM).

    Each need is a number of usable hosts; each block is the smallest that holds it. With a
    cloud ``provider`` ("aws", "azure", "gcp") each block loses the provider's reserved
    addresses, is never smaller than its smallest subnet, and a need larger than its largest
    subnet is refused, saying why. Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> office = plan("192.168.10.0/24", {"staff": 100, "guests": 50, "printers": 10})
    >>> for row in office.allocations:
    ...     print(row.name, row.network)
    staff 192.168.10.0/25
    guests 192.168.10.128/26
    printers 192.168.10.192/28
    >>> office.free
    ('192.168.10.208/28', '192.168.10.224/27')
    >>> cloud = plan("10.0.0.0/24", {"web": 20, "db": 3}, provider="aws")
    >>> [(row.network, row.usable_hosts) for row in cloud.allocations]
    [('10.0.0.0/27', 27), ('10.0.0.32/28', 11)]
    >>> plan("10.0.0.0/16", {"big": 70000}, provider="aws")
    Traceback (most recent call last):
    netcourse.errors.AddressError: plan: need 'big': a subnet for 70,000 hosts in AWS needs a \
/15, but AWS's largest subnet is /16 (65,531 usable addresses)
    """
    net = _network(parent)
    rules = None if provider is None else cloud_provider(provider)
    if not isinstance(needs, Mapping) or not needs:
        raise AddressError(
            f"plan({quote(parent)}, ...): expected needs like {{'A': 254, 'B': 100}}"
        )
    top = _MAX_PREFIX[net.version]
    if rules is not None:
        if net.version != 4:
            raise AddressError(
                f"plan({quote(parent)}, provider={quote(provider)}): the cloud mode knows "
                f"{rules.name}'s IPv4 subnet rules only; give an IPv4 parent such as '10.0.0.0/16'"
            )
        if net.prefixlen > rules.smallest:
            raise AddressError(
                f"plan: the parent {net} is a /{net.prefixlen}, smaller than {rules.name}'s "
                f"smallest subnet /{rules.smallest}: no {rules.name} subnet fits in it"
            )
    blocks = []
    for name, hosts in needs.items():
        try:
            prefix = hosts_to_prefix(hosts, net.version, provider=rules)
        except AddressError as exc:
            raise AddressError(f"plan: need {quote(name)}: {exc}") from None
        blocks.append((str(name), read_int(hosts, low=1, error=AddressError), prefix))
    blocks.sort(key=lambda block: block[2])  # largest first; sort is stable: ties keep order
    needed = sum(1 << (top - prefix) for _, _, prefix in blocks)
    if needed > net.num_addresses:
        missing = needed - net.num_addresses
        fits = top - (needed - 1).bit_length()
        advice = f"a /{fits} would fit them" if fits >= 0 else f"no IPv{net.version} network would"
        where = (
            ""
            if rules is None
            else (
                f" in {rules.name} (each subnet keeps {len(rules.reserved)} reserved addresses and "
                f"is at least a /{rules.smallest})"
            )
        )
        raise AddressError(
            f"plan: the needs take {_count(needed)} addresses{where} but {net} holds "
            f"{_count(net.num_addresses)}: {_count(missing)} addresses are missing; {advice}"
        )
    # Largest first from the parent's start: every block starts aligned, right after the last.
    start = int(net.network_address)
    rows = []
    for name, hosts, prefix in blocks:
        got = _subnet(_INTERFACES[net.version]((start, prefix)))
        usable, first, last = got.usable_hosts, got.first_host, got.last_host
        if rules is not None:
            cloud = cloud_subnet(got.network, rules)
            usable, first, last = cloud.usable_hosts, cloud.first_usable, cloud.last_usable
        rows.append(
            Allocation(
                name=name,
                hosts=hosts,
                network=got.network,
                prefixlen=prefix,
                usable_hosts=usable,
                first_host=first,
                last_host=last,
                broadcast=got.broadcast,
            )
        )
        start += 1 << (top - prefix)
    return Plan(
        parent=str(net),
        allocations=tuple(rows),
        free=_free(net, start),
        provider=None if rules is None else rules.name,
    )


def _free(parent: IPNetwork, start: int) -> tuple[str, ...]:
    """The fewest networks covering the parent from address ``start`` to its end."""
    end = int(parent.broadcast_address)
    if start > end:
        return ()
    address = type(parent.network_address)
    return tuple(str(n) for n in ipaddress.summarize_address_range(address(start), address(end)))


# --- IPv6 on the link -----------------------------------------------------------------------

#: Every IPv6 interface has an address in this prefix, valid on its own link only (RFC 4291
#: §2.5.6); a router's address here is what hosts use as their default gateway (RFC 4861).
LINK_LOCAL_PREFIX = "fe80::/10"


def link_local(mac: str) -> str:
    """The link-local address an interface makes from its MAC address (modified EUI-64).

    RFC 4291 appendix A: ff:fe goes between the MAC's halves and the universal/local bit (0x02
    of the first byte) flips; the result follows ``fe80::`` (RFC 4862 §5.3). Linux does this
    when an interface comes up (``addr_gen_mode`` eui64, its default).

    >>> link_local("02:00:5e:00:00:0a")
    'fe80::5eff:fe00:a'
    >>> subnet(link_local("52:54:00:12:34:56")).scope
    'link-local'
    """
    octets = bytes.fromhex(_mac(mac).replace(":", ""))
    iid = bytes([octets[0] ^ 0x02]) + octets[1:3] + b"\xff\xfe" + octets[3:]
    return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + iid))


def solicited_node(address: str) -> str:
    """The solicited-node multicast group a Neighbor Solicitation for ``address`` goes to.

    IPv6 has no broadcast, so instead of ARP's "who has" to everyone, Neighbor Discovery asks
    the group ``ff02::1:ff`` + the address's last 24 bits (RFC 4291 §2.7.1, RFC 4861 §7.2.2).

    >>> solicited_node("fd00::2"), solicited_node("2001:db8::5eff:fe00:a")
    ('ff02::1:ff00:2', 'ff02::1:ff00:a')
    """
    ip = read_interface(_text(address)).ip
    if ip.version != 6:
        raise AddressError(
            f"{quote(address)}: solicited-node groups are IPv6; IPv4 asks with ARP instead"
        )
    group = int(ipaddress.IPv6Address("ff02::1:ff00:0")) | (int(ip) & 0xFFFFFF)
    return str(ipaddress.IPv6Address(group))


def router_advertisement(router_mac: str, prefix: str, lifetime: int = 1800) -> bytes:
    """The bytes of a Router Advertisement (RFC 4861 §4.2) a router sends to all nodes.

    From the router's link-local address to ``ff02::1``, hop limit 255, with the router's MAC
    and ``prefix`` (a /64, on-link and for address autoconfiguration). A host takes the
    source address as its default gateway. Built with scapy; dissect it with
    :func:`netcourse.packets.dissect`. Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> from netcourse.packets import dissect
    >>> ra = dissect(router_advertisement("02:00:5e:00:00:01", "2001:db8:1::/64"))
    >>> ra.summary
    'Ether / IPv6 / ICMPv6ND_RA / ICMPv6NDOptSrcLLAddr / ICMPv6NDOptPrefixInfo'
    >>> ra["IPv6"]["src"].value, ra["IPv6"]["dst"].value
    ('fe80::5eff:fe00:1', 'ff02::1')
    """
    mac = _mac(router_mac)
    net = _network(prefix)
    if net.version != 6 or net.prefixlen != 64:
        raise AddressError(
            f"{quote(prefix)}: a Router Advertisement's prefix for autoconfiguration is an "
            "IPv6 /64, such as '2001:db8:1::/64'"
        )
    seconds = read_int(lifetime, what="router lifetime", low=0, error=AddressError)
    if seconds > 9000:
        raise AddressError(f"lifetime {seconds}: a router lifetime is 0-9000 seconds")
    from scapy.layers.inet6 import (
        ICMPv6ND_RA,
        ICMPv6NDOptPrefixInfo,
        ICMPv6NDOptSrcLLAddr,
        IPv6,
    )
    from scapy.layers.l2 import Ether

    packet = (
        Ether(src=mac, dst="33:33:00:00:00:01")
        / IPv6(src=link_local(mac), dst="ff02::1", hlim=255)
        / ICMPv6ND_RA(chlim=64, prf=0, routerlifetime=seconds)
        / ICMPv6NDOptSrcLLAddr(lladdr=mac)
        / ICMPv6NDOptPrefixInfo(prefix=str(net.network_address), prefixlen=64, L=1, A=1)
    )
    return bytes(packet)


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

    In IPv6 the gateway is usually the router's link-local address, learned from its Router
    Advertisements (RFC 4861 §6.3.4):

    >>> route_decision("2001:db8:1::7/64", "2001:db8:9::1", gateway="fe80::5eff:fe00:1").next_hop
    'fe80::5eff:fe00:1'
    """
    iface = read_interface(_text(interface))
    dest = read_interface(_text(destination)).ip
    net = iface.network
    resolve = "ARP" if net.version == 4 else "neighbour discovery"
    gw = None
    if gateway is not None:
        gw = read_interface(_text(gateway)).ip
        on_link = gw.version == 6 == net.version and gw in _network(LINK_LOCAL_PREFIX)
        if gw.version != net.version or not (gw in net or on_link):
            link = " (or, in IPv6, a link-local fe80:: address)" if net.version == 6 else ""
            raise AddressError(
                f"gateway {gw} is not inside {net}, the interface's network: a host can only "
                f"reach a gateway on its own subnet{link}"
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
