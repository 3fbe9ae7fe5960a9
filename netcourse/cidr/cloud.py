"""Cloud subnets: each provider's rules, declared once, and a subnet as a provider sees it.

Part of :mod:`netcourse.cidr` (import from there); the planner and the calculator's cloud mode
read the same table. Taught in notebooks/03-cidr-and-subnets.ipynb.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from netcourse.cidr.addresses import Subnet, _count, _subnet, _text
from netcourse.errors import AddressError, quote
from netcourse.html import Cell, table
from netcourse.readers import read_interface

__all__ = ["CLOUD_PROVIDERS", "CloudProvider", "CloudSubnet", "cloud_provider", "cloud_subnet"]


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
        #: last are reserved (netcourse.vpc.resources.RESERVED reads them from here).
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
