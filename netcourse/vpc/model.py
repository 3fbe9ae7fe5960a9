"""The VPC model: AWS resources read from describe-* output, and questions about traffic.

``Vpc`` holds one or more VPCs of an account (peered VPCs are loaded together) and answers
"can A reach B on this port, and if not, what stops it?" with the per-component evaluators
it is built from: the network ACL of a subnet, the route table of a subnet, the security
groups of an interface. Taught in notebooks/05-aws-vpc.ipynb.

>>> vpc = Vpc.example("three-tier")
>>> vpc.reachability("internet", "web", port=443).reachable
True
>>> vpc.nacl_for_subnet(vpc.instance("web").subnet_id).evaluate(
...     "inbound", "tcp", "198.51.100.7", 443).rule
'100'
"""

from __future__ import annotations

import copy
import ipaddress
from dataclasses import dataclass
from html import escape
from types import MappingProxyType

from netcourse.errors import VpcError
from netcourse.vpc.acls import AclEntry, NetworkAcl
from netcourse.vpc.loader import load, read_outputs
from netcourse.vpc.resources import (
    INTERNET_ADDR,
    Instance,
    InternetGateway,
    NetworkInterface,
    reserved_addresses,
)
from netcourse.vpc.routing import Route, RouteTable
from netcourse.vpc.security_groups import SecurityGroup, SgDecision, evaluate_groups

__all__ = ["Vpc", "Endpoint", "examples"]

#: The shipped examples under netcourse/data/vpc/, and what each teaches.
EXAMPLES = {
    "three-tier": "public web subnet with an internet gateway; private app and db subnets "
    "behind a NAT gateway",
    "missing-igw-route": "the web subnet's route table has no route to the internet gateway",
    "no-public-ip": "the web instance has no public IPv4 address",
    "sg-missing-port": "the web security group does not allow HTTPS",
    "acl-no-ephemeral": "the web subnet's network ACL does not allow the return traffic",
    "deleted-nat": "the NAT gateway was deleted: the private subnets' default route is a blackhole",
    "peering-not-transitive": "three VPCs peered A-B and B-C: A cannot reach C through B",
}


def examples() -> dict[str, str]:
    """The shipped example VPCs: name -> what it shows.

    >>> "three-tier" in examples()
    True
    """
    return dict(EXAMPLES)


@dataclass(frozen=True)
class Endpoint:
    """One end of a path: a network interface (by its private or public address) or outside."""

    label: str
    addr: str
    interface: NetworkInterface | None = None
    public: bool = False
    named: bool = False

    @property
    def outside(self) -> bool:
        """Whether this end is outside every VPC (the internet or an outside address)."""
        return self.interface is None

    @property
    def component(self) -> str:
        """The id that names this end: the instance id, ENI id, or the address."""
        if self.interface is None:
            return "internet" if self.addr == INTERNET_ADDR else self.addr
        return self.interface.instance_id or self.interface.eni_id


class Vpc:
    """One or more AWS VPCs read from describe-* output; ask it what can reach what."""

    def __init__(self, data: dict):
        """Read ``data`` (one dict of describe-* outputs); see :meth:`from_aws`."""
        resources = load(data)
        self._data = copy.deepcopy(data)
        self._r = resources
        self._by_name = {}
        for inst in resources.instances.values():
            if inst.name:
                self._by_name.setdefault(inst.name, inst.instance_id)
        self._by_addr: dict[str, NetworkInterface] = {}
        for eni in resources.interfaces.values():
            self._by_addr[eni.private_ip] = eni
            if eni.public_ip:
                self._by_addr[eni.public_ip] = eni
        self._acl_of = {}
        defaults = {a.vpc_id: a for a in resources.acls.values() if a.is_default}
        for acl in resources.acls.values():
            for subnet_id in acl.subnet_ids:
                self._acl_of[subnet_id] = acl
        for subnet in resources.subnets.values():
            if subnet.subnet_id not in self._acl_of:
                acl = defaults.get(subnet.vpc_id) or _aws_default_acl(subnet.vpc_id)
                self._acl_of[subnet.subnet_id] = acl
        self._rtb_of = {}
        mains = {t.vpc_id: t for t in resources.route_tables.values() if t.main}
        for rtb in resources.route_tables.values():
            for subnet_id in rtb.subnet_ids:
                self._rtb_of[subnet_id] = rtb
        for subnet in resources.subnets.values():
            if subnet.subnet_id not in self._rtb_of:
                vpc = resources.vpcs[subnet.vpc_id]
                self._rtb_of[subnet.subnet_id] = mains.get(subnet.vpc_id) or RouteTable(
                    f"main-of-{vpc.vpc_id}",
                    vpc.vpc_id,
                    tuple(
                        Route(c, "local", "active", "", ipaddress.ip_network(c)) for c in vpc.cidrs
                    ),
                    (),
                    True,
                )
        self._igw_of = {}
        for igw in resources.igws.values():
            for vpc_id in igw.vpc_ids:
                self._igw_of.setdefault(vpc_id, igw)

    # --- construction ------------------------------------------------------------------

    @classmethod
    def from_aws(cls, data: dict) -> Vpc:
        """Read one dict holding describe-* outputs under their usual top-level keys.

        >>> Vpc.from_aws({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}).vpc_ids
        ('vpc-1',)
        """
        return cls(data)

    @classmethod
    def from_aws_files(cls, paths_or_directory) -> Vpc:
        """Read describe-* JSON files: a directory of them or a list of paths.

        >>> from netcourse.data import path
        >>> len(Vpc.from_aws_files(path("vpc", "three-tier")).instances)
        3
        """
        return cls(read_outputs(paths_or_directory))

    @classmethod
    def example(cls, name: str = "three-tier") -> Vpc:
        """A shipped example (see :func:`examples`).

        >>> Vpc.example("deleted-nat").nat_gateways["nat-0a1b2c3d4e5f60001"].state
        'deleted'
        """
        if name not in EXAMPLES:
            raise VpcError(
                f"example {name!r}: no such example; expected one of {', '.join(EXAMPLES)}"
            )
        from netcourse.data import path

        return cls.from_aws_files(path("vpc", name))

    def with_acl_entries(self, acl_id: str, entries: list[dict]) -> Vpc:
        """A new model where the network ACL ``acl_id`` also has these ``Entries`` dicts.

        An entry with the same RuleNumber and Egress as an existing one replaces it, as
        ``aws ec2 replace-network-acl-entry`` would.

        >>> broken = Vpc.example("acl-no-ephemeral")
        >>> fixed = broken.with_acl_entries("acl-0a1b2c3d4e5f60001", [{"RuleNumber": 100,
        ...     "Protocol": "6", "RuleAction": "allow", "Egress": True, "CidrBlock": "0.0.0.0/0",
        ...     "PortRange": {"From": 1024, "To": 65535}}])
        >>> fixed.reachability("internet", "web", 443).reachable
        True
        """
        if acl_id not in self._r.acls:
            raise VpcError(f"{acl_id!r}: no such network ACL; known: {', '.join(self._r.acls)}")
        if not isinstance(entries, (list, tuple)):
            raise VpcError(
                f"entries for {acl_id}: expected a list of dicts, got {type(entries).__name__}"
            )
        for entry in entries:
            AclEntry.from_aws(entry, acl_id)  # check each before building
        data = copy.deepcopy(self._data)
        for acl in data["NetworkAcls"]:
            if acl.get("NetworkAclId") == acl_id:
                keys = {(bool(e.get("Egress")), int(e["RuleNumber"])) for e in entries}
                kept = [
                    e
                    for e in acl.get("Entries", [])
                    if (bool(e.get("Egress")), int(e["RuleNumber"])) not in keys
                ]
                acl["Entries"] = kept + [dict(e) for e in entries]
        return Vpc(data)

    # --- resources ---------------------------------------------------------------------

    @property
    def data(self) -> dict:
        """A copy of the describe-* data this model was read from.

        >>> len(Vpc.example().data["Subnets"])
        3
        """
        return copy.deepcopy(self._data)

    @property
    def vpc_ids(self) -> tuple[str, ...]:
        """The ids of the VPCs in this model.

        >>> len(Vpc.example("peering-not-transitive").vpc_ids)
        3
        """
        return tuple(self._r.vpcs)

    vpcs = property(lambda self: MappingProxyType(self._r.vpcs), doc="VPCs by id.")
    subnets = property(lambda self: MappingProxyType(self._r.subnets), doc="Subnets by id.")
    instances = property(lambda self: MappingProxyType(self._r.instances), doc="Instances by id.")
    interfaces = property(lambda self: MappingProxyType(self._r.interfaces), doc="ENIs by id.")
    security_groups = property(
        lambda self: MappingProxyType(self._r.groups), doc="Security groups by id."
    )
    network_acls = property(lambda self: MappingProxyType(self._r.acls), doc="Network ACLs by id.")
    route_tables = property(
        lambda self: MappingProxyType(self._r.route_tables), doc="Route tables by id."
    )
    internet_gateways = property(
        lambda self: MappingProxyType(self._r.igws), doc="Internet gateways by id."
    )
    nat_gateways = property(lambda self: MappingProxyType(self._r.nats), doc="NAT gateways by id.")
    peering_connections = property(
        lambda self: MappingProxyType(self._r.peerings), doc="VPC peering connections by id."
    )

    def instance(self, name_or_id: str) -> Instance:
        """An instance by id or by its Name tag.

        >>> Vpc.example().instance("db").private_ip
        '10.0.3.10'
        """
        key = self._by_name.get(name_or_id, name_or_id)
        try:
            return self._r.instances[key]
        except KeyError:
            known = ", ".join(sorted(self._by_name) + sorted(self._r.instances))
            raise VpcError(f"{name_or_id!r}: no such instance; known: {known}") from None

    def nacl_for_subnet(self, subnet_id: str) -> NetworkAcl:
        """The network ACL of a subnet: its explicit association, else the VPC's default ACL.

        >>> Vpc.example().nacl_for_subnet("subnet-0a1b2c3d4e5f60001").acl_id
        'acl-0a1b2c3d4e5f60001'
        """
        try:
            return self._acl_of[subnet_id]
        except KeyError:
            raise VpcError(f"{subnet_id!r}: no such subnet") from None

    def route_table_for_subnet(self, subnet_id: str) -> RouteTable:
        """The route table of a subnet: its explicit association, else the VPC's main table.

        >>> Vpc.example().route_table_for_subnet("subnet-0a1b2c3d4e5f60002").main
        False
        """
        try:
            return self._rtb_of[subnet_id]
        except KeyError:
            raise VpcError(f"{subnet_id!r}: no such subnet") from None

    def reserved_addresses(self, subnet_id: str) -> dict[str, str]:
        """The addresses AWS keeps in a subnet (network, router, DNS, future, broadcast).

        >>> list(Vpc.example().reserved_addresses("subnet-0a1b2c3d4e5f60001"))[:2]
        ['10.0.1.0', '10.0.1.1']
        """
        if subnet_id not in self._r.subnets:
            raise VpcError(f"{subnet_id!r}: no such subnet; known: {', '.join(self._r.subnets)}")
        return reserved_addresses(self._r.subnets[subnet_id].cidr)

    def usable_addresses(self, subnet_id: str) -> int:
        """How many addresses of a subnet can go to instances (all but AWS's five).

        >>> Vpc.example().usable_addresses("subnet-0a1b2c3d4e5f60001")
        251
        """
        return self._r.subnets[subnet_id].network.num_addresses - len(
            self.reserved_addresses(subnet_id)
        )

    def internet_gateway_for(self, vpc_id: str) -> InternetGateway | None:
        """The internet gateway attached to a VPC, or None.

        >>> Vpc.example().internet_gateway_for("vpc-0a1b2c3d4e5f60001").igw_id
        'igw-0a1b2c3d4e5f60001'
        """
        return self._igw_of.get(vpc_id)

    def is_public(self, subnet_id: str) -> bool:
        """Whether a subnet is public: its route table sends 0.0.0.0/0 to an internet gateway.

        >>> vpc = Vpc.example()
        >>> [vpc.is_public(s) for s in vpc.subnets]
        [True, False, False]
        """
        decision = self.route_table_for_subnet(subnet_id).lookup(INTERNET_ADDR)
        return decision.forwarded and decision.route.kind == "internet-gateway"

    def security_groups_for(self, endpoint: str | NetworkInterface) -> tuple[SecurityGroup, ...]:
        """The security groups of an instance's primary interface, or of an ENI.

        >>> [g.group_id for g in Vpc.example().security_groups_for("db")]
        ['sg-0a1b2c3d4e5f60003']
        """
        eni = (
            endpoint
            if isinstance(endpoint, NetworkInterface)
            else self.endpoint(endpoint).interface
        )
        if eni is None:
            raise VpcError(f"{endpoint!r}: outside the VPC, so it has no security groups")
        return tuple(self._r.groups[g] for g in eni.group_ids)

    def sg_decision(
        self, endpoint, direction: str, protocol: str, addr: str, port: int | None
    ) -> SgDecision:
        """What the security groups of an interface decide for new traffic to or from ``addr``.

        >>> Vpc.example().sg_decision("db", "inbound", "tcp", "10.0.2.10", 5432).allowed
        True
        """
        return evaluate_groups(self.security_groups_for(endpoint), direction, protocol, addr, port)

    def endpoint(self, text: str) -> Endpoint:
        """Resolve an endpoint: instance id or Name, ENI id, private or public IP, "internet".

        >>> Vpc.example().endpoint("internet").outside
        True
        """
        if isinstance(text, Endpoint):
            return text
        if not isinstance(text, str) or not text.strip():
            raise VpcError(
                f"endpoint {text!r}: expected an instance id, ENI id, IP address or 'internet'"
            )
        key = text.strip()
        if key.lower() == "internet":
            return Endpoint("internet", INTERNET_ADDR)
        if key in self._r.interfaces:
            eni = self._r.interfaces[key]
            return Endpoint(key, eni.private_ip, eni, named=True)
        if key in self._r.instances or key in self._by_name:
            eni = self.instance(key).primary
            return Endpoint(key, eni.private_ip, eni, named=True)
        try:
            addr = ipaddress.ip_address(key)
        except ValueError:
            known = ", ".join(sorted(self._by_name) + sorted(self._r.instances))
            raise VpcError(
                f"endpoint {key!r}: not an instance, ENI, IP address or 'internet'; "
                f"instances: {known}"
            ) from None
        eni = self._by_addr.get(str(addr))
        if eni is not None:
            return Endpoint(key, str(addr), eni, public=eni.public_ip == str(addr))
        for vpc in self._r.vpcs.values():
            if vpc.contains(addr):
                raise VpcError(
                    f"endpoint {key!r}: inside {vpc.vpc_id} ({', '.join(vpc.cidrs)}) but no "
                    "network interface has this address"
                )
        if addr.version != 4:
            raise VpcError(f"endpoint {key!r}: this model follows IPv4 paths only")
        return Endpoint(key, str(addr))

    # --- questions ---------------------------------------------------------------------

    def reachability(self, src, dst, port: int | None = 443, protocol: str = "tcp"):
        """Can ``src`` open a connection to ``dst`` on ``port``? A :class:`Path` says why.

        >>> path = Vpc.example().reachability("internet", "db", port=5432)
        >>> path.reachable, path.blocked_by
        (False, 'i-0a1b2c3d4e5f60003')
        """
        from netcourse.vpc.reachability import trace

        return trace(self, src, dst, port, protocol)

    def matrix(self, port: int | None = 443, protocol: str = "tcp", internet: bool = True):
        """All-pairs reachability between instances (and the internet) as a :class:`Matrix`.

        >>> m = Vpc.example().matrix(port=5432)
        >>> m.can_reach("app", "db"), m.can_reach("web", "db")
        (True, False)
        """
        from netcourse.vpc.matrix import matrix

        return matrix(self, port, protocol, internet)

    def __repr__(self) -> str:
        r = self._r
        return (
            f"Vpc({', '.join(r.vpcs)}: {len(r.subnets)} subnets, {len(r.instances)} instances, "
            f"{len(r.route_tables)} route tables, {len(r.acls)} network ACLs, "
            f"{len(r.groups)} security groups, {len(r.igws)} internet gateways, "
            f"{len(r.nats)} NAT gateways, {len(r.peerings)} peering connections)"
        )

    def _repr_html_(self) -> str:
        rows = []
        for subnet in self._r.subnets.values():
            kind = "public" if self.is_public(subnet.subnet_id) else "private"
            names = ", ".join(
                i.label for i in self._r.instances.values() if i.subnet_id == subnet.subnet_id
            )
            rows.append(
                f"<tr><td>{escape(subnet.vpc_id)}</td><td>{escape(subnet.subnet_id)}</td>"
                f"<td>{escape(subnet.name)}</td><td>{subnet.cidr}</td><td>{kind}</td>"
                f"<td>{escape(self.route_table_for_subnet(subnet.subnet_id).route_table_id)}</td>"
                f"<td>{escape(self.nacl_for_subnet(subnet.subnet_id).acl_id)}</td>"
                f"<td>{escape(names)}</td></tr>"
            )
        head = "".join(
            f"<th>{h}</th>"
            for h in (
                "vpc",
                "subnet",
                "name",
                "cidr",
                "kind",
                "route table",
                "network ACL",
                "instances",
            )
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _aws_default_acl(vpc_id: str) -> NetworkAcl:
    """The default network ACL AWS creates with a VPC: allow everything in and out."""
    entries = []
    for egress in (False, True):
        entries.append(
            AclEntry.from_aws(
                {
                    "RuleNumber": 100,
                    "Protocol": "-1",
                    "RuleAction": "allow",
                    "Egress": egress,
                    "CidrBlock": "0.0.0.0/0",
                },
                f"default ACL of {vpc_id}",
            )  # fmt: skip
        )
    return NetworkAcl(f"default-acl-of-{vpc_id}", vpc_id, tuple(entries), (), True)
