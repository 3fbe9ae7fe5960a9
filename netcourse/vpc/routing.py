"""Route tables: which gateway a subnet's traffic goes to, by longest prefix match.

A subnet uses the route table explicitly associated with it, or else its VPC's main table.
A table associated with an internet gateway instead (an *edge association*,
``Associations[].GatewayId``) is a *gateway route table*: it routes the traffic entering the
VPC through that gateway, for example to a middlebox appliance's network interface
(https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html).
Every table holds the ``local`` route for the VPC's CIDR, which is how subnets reach each
other: a VPC is a routed network, not one big LAN. A route whose target is gone (a deleted
NAT gateway, a detached internet gateway) is a ``blackhole``: traffic that matches it is
dropped, even if a shorter route would have worked. Taught in notebooks/05-aws-vpc.ipynb.

>>> rtb = RouteTable.from_aws({"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
...     {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
...     {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}]})
>>> rtb.lookup("10.0.2.7").target, rtb.lookup("203.0.113.9").target
('local', 'igw-1')
"""

from __future__ import annotations

import ipaddress
from dataclasses import KW_ONLY, dataclass, field, replace

from netcourse import cidr
from netcourse.errors import VpcError
from netcourse.html import Markup, table, unbroken
from netcourse.vpc.resources import (
    check_depth,
    name_tag,
    parse_addr,
    parse_net,
    read_dict,
    read_flag,
    read_list,
    read_text,
)

__all__ = ["Route", "RouteTable", "RouteDecision", "TARGET_KEYS", "target_kind"]

#: The keys of a route in ``describe-route-tables`` that name its target, in AWS's order.
TARGET_KEYS = (
    "GatewayId",
    "NatGatewayId",
    "VpcPeeringConnectionId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "EgressOnlyInternetGatewayId",
    "CarrierGatewayId",
    "LocalGatewayId",
)

#: Target id prefixes and what they are.
_KINDS = {
    "local": "local",
    "igw-": "internet-gateway",
    "nat-": "nat-gateway",
    "pcx-": "peering-connection",
    "vgw-": "vpn-gateway",
    "tgw-": "transit-gateway",
    "eni-": "network-interface",
    "i-": "instance",
    "eigw-": "egress-only-internet-gateway",
    "vpce-": "gateway-endpoint",
    "cagw-": "carrier-gateway",
    "lgw-": "local-gateway",
}


def target_kind(target: str) -> str:
    """What a route target id is: "local", "internet-gateway", "nat-gateway"...

    >>> target_kind("nat-0a1b"), target_kind("local")
    ('nat-gateway', 'local')
    """
    for prefix, kind in _KINDS.items():
        if target == prefix or (prefix.endswith("-") and target.startswith(prefix)):
            return kind
    return "unknown"


@dataclass(frozen=True)
class Route:
    """One route: destination CIDR, target (gateway id or "local") and state."""

    destination: str
    target: str
    _: KW_ONLY
    state: str = "active"
    reason: str = ""
    network: ipaddress.IPv4Network | ipaddress.IPv6Network = field(
        default=None, repr=False, compare=False
    )
    #: The prefix list this route came from (``DestinationPrefixListId``): one route per entry
    prefix_list: str = ""

    @property
    def kind(self) -> str:
        """What the target is ("local", "internet-gateway", "nat-gateway", ...)."""
        return target_kind(self.target)

    def describe(self) -> str:
        """One line: "0.0.0.0/0 -> igw-1 (active)"; "pl-1 (52.216.0.0/15) -> vpce-1 (active)"."""
        if self.prefix_list and self.prefix_list != self.destination:
            return f"{self.prefix_list} ({self.destination}) -> {self.target} ({self.state})"
        return f"{self.destination} -> {self.target} ({self.state})"


@dataclass(frozen=True)
class RouteDecision:
    """Where a route table sends one destination: the chosen route (or none) and why."""

    route_table_id: str
    destination: str
    route: Route | None
    explanation: str

    @property
    def target(self) -> str | None:
        """The chosen route's target, or None when no route matches."""
        return self.route.target if self.route else None

    @property
    def forwarded(self) -> bool:
        """Whether the traffic leaves on an active route (not blackholed, not unrouted)."""
        return self.route is not None and self.route.state == "active"


@dataclass(frozen=True)
class RouteTable:
    """A route table: its routes, its subnet and gateway associations, whether it is the main
    table."""

    route_table_id: str
    vpc_id: str
    routes: tuple[Route, ...]
    _: KW_ONLY
    subnet_ids: tuple[str, ...] = ()
    main: bool = False
    name: str = ""
    #: Routes whose destination is a prefix list (``DestinationPrefixListId``, e.g. a gateway
    #: endpoint's route to S3): their addresses are not in describe-route-tables output.
    prefix_routes: tuple[Route, ...] = ()
    #: Gateways whose incoming traffic this table routes (edge associations: a gateway route
    #: table), from ``Associations[].GatewayId``.
    gateway_ids: tuple[str, ...] = ()

    @classmethod
    def from_aws(cls, data: dict) -> RouteTable:
        """A route table from one item of ``describe-route-tables``' ``RouteTables`` list.

        >>> RouteTable.from_aws({"RouteTableId": "rtb-1", "Routes": [  # doctest: +ELLIPSIS
        ...     {"DestinationCidrBlock": "10.0.0.0/33", "GatewayId": "local"}]})
        Traceback (most recent call last):
        ...
        netcourse.errors.VpcError: rtb-1 Routes[0] DestinationCidrBlock: not a CIDR block: ...
        """
        check_depth(data, "RouteTables")
        if not isinstance(data, dict):
            raise VpcError(f"RouteTables: each item must be a dict, got {type(data).__name__}")
        rtb_id = data.get("RouteTableId")
        if not rtb_id or not isinstance(rtb_id, str):
            raise VpcError("RouteTables: a route table has no RouteTableId")
        routes, prefix_routes = [], []
        for index, item in enumerate(read_list(data, "Routes", where=rtb_id)):
            spot = f"{rtb_id} Routes[{index}]"
            item = read_dict(item, where=rtb_id, field=f"Routes[{index}]")
            key = next(
                (k for k in ("DestinationCidrBlock", "DestinationIpv6CidrBlock") if item.get(k)),
                None,
            )
            if key is None and not item.get("DestinationPrefixListId"):
                raise VpcError(
                    f"{spot}: no DestinationCidrBlock, DestinationIpv6CidrBlock or "
                    "DestinationPrefixListId"
                )
            dest = read_text(item, key or "DestinationPrefixListId", where=spot)
            target = next(
                (read_text(item, k, where=spot) for k in TARGET_KEYS if item.get(k)), None
            )
            if target is None:
                raise VpcError(f"{rtb_id}: the route to {dest} has no target (GatewayId, ...)")
            if key is None:
                state = read_text(item, "State", where=spot, default="active")
                prefix_routes.append(Route(dest, target, state=state, prefix_list=dest))
                continue
            net = parse_net(dest, f"{spot} {key}")
            state = read_text(item, "State", where=spot, default="active")
            routes.append(Route(str(net), target, state=state, network=net))
        subnet_ids, gateway_ids, main = [], [], False
        for index, item in enumerate(read_list(data, "Associations", where=rtb_id)):
            spot = f"{rtb_id} Associations[{index}]"
            association = read_dict(item, where=rtb_id, field=f"Associations[{index}]")
            if association.get("SubnetId"):
                subnet_ids.append(read_text(association, "SubnetId", where=spot))
            if association.get("GatewayId"):
                gateway_ids.append(read_text(association, "GatewayId", where=spot))
            main = read_flag(association, "Main", where=spot) or main
        return cls(
            rtb_id,
            read_text(data, "VpcId", where=rtb_id),
            tuple(routes),
            subnet_ids=tuple(subnet_ids),
            main=main,
            name=name_tag(data, rtb_id),
            prefix_routes=tuple(prefix_routes),
            gateway_ids=tuple(gateway_ids),
        )

    def with_prefix_lists(self, lists: dict) -> RouteTable:
        """A copy where each route to a prefix list whose entries the data holds becomes one
        route per entry, after the CIDR routes: a route to a CIDR is preferred over a prefix
        list's route to the same block (longest prefix first, then CIDR routes). Routes to lists
        without entries stay in ``prefix_routes``.

        >>> from netcourse.vpc.resources import PrefixList
        >>> rtb = RouteTable.from_aws({"RouteTableId": "rtb-1", "Routes": [
        ...     {"DestinationPrefixListId": "pl-1", "GatewayId": "vpce-1"}]})
        >>> rtb = rtb.with_prefix_lists({"pl-1": PrefixList(pl_id="pl-1",
        ...     owner_id="AWS", entries=("52.216.0.0/15",))})
        >>> rtb.lookup("52.217.3.4").route.describe()
        'pl-1 (52.216.0.0/15) -> vpce-1 (active)'
        """
        routes, unknown = list(self.routes), []
        for route in self.prefix_routes:
            pl = lists.get(route.prefix_list)
            if pl is None or pl.entries is None:
                unknown.append(route)
                continue
            for net in pl.networks:
                routes.append(replace(route, destination=str(net), network=net))
        return replace(self, routes=tuple(routes), prefix_routes=tuple(unknown))

    def with_blackholes(self, missing: dict[str, str]) -> RouteTable:
        """A copy where routes to the targets in ``missing`` (id -> why) are blackholes."""
        routes = tuple(
            replace(r, state="blackhole", reason=missing[r.target]) if r.target in missing else r
            for r in self.routes
        )
        return replace(self, routes=routes)

    def lookup(self, addr: str) -> RouteDecision:
        """The route this table uses for ``addr``: the longest matching prefix.

        >>> RouteTable("rtb-1", "vpc-1", ()).lookup("10.0.0.1").route is None
        True
        """
        dest = parse_addr(addr, self.route_table_id)
        found = cidr.longest_prefix_match([(r.network, r) for r in self.routes], str(dest))
        match = None if found is None else found[1]
        if match is None:
            text = f"{self.route_table_id} has no route that matches {addr}"
            return RouteDecision(self.route_table_id, str(addr), None, text)
        if match.state != "active":
            why = f": {match.reason}" if match.reason else ""
            text = (
                f"{self.route_table_id}: the route {match.destination} -> {match.target} for "
                f"{addr} is a {match.state} route{why}; traffic that matches it is dropped"
            )
        else:
            text = f"{self.route_table_id}: {addr} matches {match.destination} -> {match.target}"
        return RouteDecision(self.route_table_id, str(addr), match, text)

    def associations(self) -> str:
        """What the table is associated with, for a heading: "main", its subnets, or the
        gateways of its edge associations.

        >>> RouteTable.from_aws({"RouteTableId": "rtb-1", "Routes": [], "Associations": [
        ...     {"GatewayId": "igw-1", "Main": False}]}).associations()
        'edge: igw-1'
        """
        if self.main:
            return "main"
        parts = list(self.subnet_ids) + [f"edge: {g}" for g in self.gateway_ids]
        return ", ".join(parts) or "no subnets"

    def __repr__(self) -> str:
        which = self.associations()
        lines = [f"RouteTable {self.route_table_id} ({which})"]
        lines += [f"  {r.describe()}" for r in self.routes + self.prefix_routes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        which = self.associations()
        return table(
            [(r.destination, r.target, r.state) for r in self.routes + self.prefix_routes],
            header=("destination", "target", "state"),
            # ids kept whole: the caption is only as wide as the table of three columns
            caption=Markup("<b>{}</b> ({})").format(unbroken(self.route_table_id), unbroken(which)),
            cls="netcourse-routes",
        )
