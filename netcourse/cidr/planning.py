"""Planning: the smallest block for a number of hosts, and VLSM allocation (with cloud rules).

Part of :mod:`netcourse.cidr` (import from there). Taught in notebooks/03-cidr-and-subnets.ipynb.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from netcourse.cidr.addresses import (
    _INTERFACES,
    _MAX_PREFIX,
    IPNetwork,
    _count,
    _network,
    _subnet,
    _usable_bits,
    _version,
)
from netcourse.cidr.cloud import CloudProvider, cloud_provider, cloud_subnet
from netcourse.errors import AddressError, quote
from netcourse.html import Markup, table
from netcourse.readers import read_int

__all__ = ["Allocation", "Plan", "hosts_to_prefix", "plan"]


def hosts_to_prefix(
    hosts: int, version: int = 4, provider: str | CloudProvider | None = None
) -> int:
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


def plan(
    parent: str, needs: Mapping[str, int], provider: str | CloudProvider | None = None
) -> Plan:
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
