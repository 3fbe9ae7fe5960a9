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
import re
from types import MappingProxyType

from netcourse.data import path as data_path
from netcourse.errors import VpcError, quote
from netcourse.html import Cell, abbreviate, id_cell, id_legend, short_ids, table, unbroken
from netcourse.readers import read_address
from netcourse.vpc.acls import DEFAULT_RULE, DEFAULT_RULE_V6, AclEntry, NetworkAcl
from netcourse.vpc.loader import Origins, load, local_route, read_files
from netcourse.vpc.matrix import Matrix, matrix
from netcourse.vpc.reachability import Path, trace
from netcourse.vpc.resources import (
    INTERNET_ADDR,
    Endpoint,
    Instance,
    InternetGateway,
    NetworkInterface,
    VpcNetwork,
    check_depth,
    reserved_addresses,
)
from netcourse.vpc.routing import RouteTable
from netcourse.vpc.security_groups import SecurityGroup, SgDecision, evaluate_groups

__all__ = ["Vpc", "Endpoint", "examples", "EXAMPLES"]

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
    "defaults": "the defaults AWS gives where nothing is changed: the default network ACL serving "
    "two subnets, a new custom ACL that denies everything, a subnet left on the main route table",
    "my-account": "a whole region as netcourse.tools.aws_dump writes it: the default VPC, a shop "
    "VPC with a bastion admitted from an office prefix list, a Lambda function's interface, an "
    "S3 gateway endpoint, and the region's AWS-managed prefix lists",
}


def examples() -> dict[str, str]:
    """The shipped example VPCs: name -> what it shows.

    >>> "three-tier" in examples()
    True
    """
    return dict(EXAMPLES)


class Vpc:
    """One or more AWS VPCs read from describe-* output; ask it what can reach what."""

    def __init__(self, data: dict, *, origins: Origins | None = None):
        """Read ``data`` (one dict of describe-* outputs); see :meth:`from_aws`.

        ``origins`` names the file each resource came from (see :meth:`from_aws_files`).
        """
        resources = load(data, origins=origins)
        self._data = copy.deepcopy(data)
        self._r = resources
        self._by_name = {}
        self._same_name: dict[str, list[str]] = {}
        for inst in resources.instances.values():
            if inst.name:
                self._by_name.setdefault(inst.name, inst.instance_id)
                self._same_name.setdefault(inst.name, []).append(inst.instance_id)
        self._by_addr: dict[str, NetworkInterface] = {}
        #: addresses held by interfaces in more than one VPC (unpeered VPCs with one CIDR)
        self._shared: dict[str, list[NetworkInterface]] = {}
        for eni in resources.interfaces.values():
            for addr in (*eni.addresses, *(public for _, public in eni.public_ips)):
                if not addr:
                    continue
                if addr in self._by_addr:
                    self._shared.setdefault(addr, [self._by_addr[addr]]).append(eni)
                else:
                    self._by_addr[addr] = eni
        self._acl_of = {}
        defaults = {a.vpc_id: a for a in resources.acls.values() if a.is_default}
        for acl in resources.acls.values():
            for subnet_id in acl.subnet_ids:
                self._acl_of[subnet_id] = acl
        for subnet in resources.subnets.values():
            if subnet.subnet_id not in self._acl_of:
                acl = defaults.get(subnet.vpc_id) or _aws_default_acl(resources.vpcs[subnet.vpc_id])
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
                    tuple(local_route(c) for c in vpc.cidrs),
                    main=True,
                )
        self._edge_of = {
            gateway_id: rtb
            for rtb in resources.route_tables.values()
            for gateway_id in rtb.gateway_ids
        }
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
        data, origins = read_files(paths_or_directory)
        return cls(data, origins=origins)

    @classmethod
    def example(cls, name: str = "three-tier") -> Vpc:
        """A shipped example (see :func:`examples`).

        >>> Vpc.example("deleted-nat").nat_gateways["nat-0a1b2c3d4e5f60001"].state
        'deleted'
        """
        if not isinstance(name, str) or name not in EXAMPLES:
            raise VpcError(
                f"example {quote(name)}: no such example; expected one of {', '.join(EXAMPLES)}"
            )
        return cls.from_aws_files(data_path("vpc", name))

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
        if not isinstance(acl_id, str) or acl_id not in self._r.acls:
            raise VpcError(
                f"{quote(acl_id)}: no such network ACL; known: {', '.join(self._r.acls)}"
            )
        if not isinstance(entries, (list, tuple)):
            raise VpcError(
                f"entries for {acl_id}: expected a list of dicts, got {type(entries).__name__}"
            )
        check_depth(entries, f"entries for {acl_id}")
        new = [AclEntry.from_aws(entry, acl_id) for entry in entries]  # check each first
        keys = {(e.egress, e.rule_number) for e in new}

        def key(raw: dict) -> tuple[bool, int]:
            entry = AclEntry.from_aws(raw, acl_id)
            return entry.egress, entry.rule_number

        data = copy.deepcopy(self._data)
        for acl in data["NetworkAcls"]:
            if acl.get("NetworkAclId") == acl_id:
                kept = [e for e in acl.get("Entries") or [] if key(e) not in keys]
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
    prefix_lists = property(
        lambda self: MappingProxyType(self._r.prefix_lists), doc="Managed prefix lists by id."
    )
    egress_only_gateways = property(
        lambda self: MappingProxyType(self._r.eigws), doc="Egress-only internet gateways by id."
    )

    def prefix_list_text(self, pl_id: str) -> str:
        """A prefix list for a message: its id, name and owner, or that it is not in the data.

        >>> Vpc.example().prefix_list_text("pl-63a5400a")
        'pl-63a5400a (not in describe-managed-prefix-lists)'
        """
        pl = self._r.prefix_lists.get(pl_id)
        if pl is None:
            return f"{pl_id} (not in describe-managed-prefix-lists)"
        return pl.describe()

    def instance(self, name_or_id: str) -> Instance:
        """An instance by id or by its Name tag.

        >>> Vpc.example().instance("db").private_ip
        '10.0.3.10'
        """
        same = self._same_name.get(name_or_id, ()) if isinstance(name_or_id, str) else ()
        if len(same) > 1:
            raise VpcError(
                f"{quote(name_or_id)}: {len(same)} instances have this Name tag "
                f"({', '.join(same)}); use the instance id"
            )
        key = self._by_name.get(name_or_id, name_or_id) if isinstance(name_or_id, str) else None
        if key not in self._r.instances:
            known = _some(sorted(self._by_name) + sorted(self._r.instances))
            raise VpcError(f"{quote(name_or_id)}: no such instance; known: {known}")
        return self._r.instances[key]

    def nacl_for_subnet(self, subnet_id: str) -> NetworkAcl:
        """The network ACL of a subnet: its explicit association, else the VPC's default ACL.

        >>> Vpc.example().nacl_for_subnet("subnet-0a1b2c3d4e5f60001").acl_id
        'acl-0a1b2c3d4e5f60001'
        """
        return self._acl_of[self._subnet_id(subnet_id)]

    def route_table_for_subnet(self, subnet_id: str) -> RouteTable:
        """The route table of a subnet: its explicit association, else the VPC's main table.

        >>> Vpc.example().route_table_for_subnet("subnet-0a1b2c3d4e5f60002").main
        False
        """
        return self._rtb_of[self._subnet_id(subnet_id)]

    def route_table_for_gateway(self, gateway_id: str) -> RouteTable | None:
        """The gateway route table of an internet gateway (its edge association), or None.

        Traffic entering the VPC through the gateway follows this table; without one it
        follows the VPC's local routing straight to the destination's subnet (the subnets'
        own tables route only the traffic that leaves them).

        >>> Vpc.example().route_table_for_gateway("igw-0a1b2c3d4e5f60001") is None
        True
        """
        return self._edge_of.get(gateway_id)

    def ingress_routing(self, gateway_id: str) -> RouteTable:
        """The routes that traffic entering through ``gateway_id`` follows: the gateway's route
        table if one is associated with it, else the VPC's local routes alone.

        >>> Vpc.example().ingress_routing("igw-0a1b2c3d4e5f60001").lookup("10.0.1.10").target
        'local'
        """
        edge = self.route_table_for_gateway(gateway_id)
        if edge is not None:
            return edge
        igw = self._r.igws.get(gateway_id) if isinstance(gateway_id, str) else None
        if igw is None or not igw.vpc_ids:
            known = ", ".join(g for g in self._r.igws if self._r.igws[g].vpc_ids) or "none"
            raise VpcError(
                f"{quote(gateway_id)}: no internet gateway attached to a VPC here; known: {known}"
            )
        vpc = self._r.vpcs[igw.vpc_ids[0]]
        return RouteTable(
            f"local routing of {vpc.vpc_id}",
            vpc.vpc_id,
            tuple(local_route(c) for c in vpc.cidrs),
        )

    def _subnet_id(self, subnet_id: object) -> str:
        """``subnet_id`` if it names a subnet of the model, else a VpcError listing them."""
        if not isinstance(subnet_id, str) or subnet_id not in self._r.subnets:
            raise VpcError(
                f"{quote(subnet_id)}: no such subnet; known: {', '.join(self._r.subnets)}"
            )
        return subnet_id

    def reserved_addresses(self, subnet_id: str) -> dict[str, str]:
        """The addresses AWS keeps in a subnet (network, router, DNS, future, broadcast).

        >>> list(Vpc.example().reserved_addresses("subnet-0a1b2c3d4e5f60001"))[:2]
        ['10.0.1.0', '10.0.1.1']
        """
        return reserved_addresses(self._r.subnets[self._subnet_id(subnet_id)].cidr)

    def usable_addresses(self, subnet_id: str) -> int:
        """How many addresses of a subnet can go to instances (all but AWS's five).

        >>> Vpc.example().usable_addresses("subnet-0a1b2c3d4e5f60001")
        251
        """
        reserved = self.reserved_addresses(subnet_id)
        return self._r.subnets[subnet_id].network.num_addresses - len(reserved)

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
            raise VpcError(f"{quote(endpoint)}: outside the VPC, so it has no security groups")
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
        """Resolve an endpoint: an instance or ENI (id or Name), an IP address, or "internet".

        Every address of every network interface is an endpoint: primary and secondary private
        IPv4, IPv6, and each public IPv4 or Elastic IP (which stands for the private address it
        translates). An instance's id or Name means its primary interface.

        >>> Vpc.example().endpoint("internet").outside
        True
        >>> Vpc.example().endpoint("10.0.1.300")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netcourse.errors.VpcError: endpoint: '10.0.1.300': the 4th number is 300, but each ...
        """
        if isinstance(text, Endpoint):
            return text
        if not isinstance(text, str) or not text.strip():
            raise VpcError(
                f"endpoint {quote(text)}: expected an instance id, ENI id, IP address or 'internet'"
            )
        key = text.strip()
        if key.lower() == "internet":
            return Endpoint("internet", INTERNET_ADDR)
        if key in self._r.interfaces:
            eni = self._r.interfaces[key]
            return Endpoint(key, eni.addresses[0], eni, named=True)
        named = [e for e in self._r.interfaces.values() if e.name == key]
        if named and key not in self._by_name:  # an interface's Name tag (a Lambda's, say)
            if len(named) > 1:
                raise VpcError(
                    f"{quote(key)}: {len(named)} network interfaces have this Name tag "
                    f"({', '.join(e.eni_id for e in named)}); use the ENI id"
                )
            return Endpoint(key, named[0].addresses[0], named[0], named=True)
        if key in self._r.instances or key in self._by_name:
            eni = self.instance(key).primary
            return Endpoint(key, eni.addresses[0], eni, named=True)
        try:
            addr = read_address(key, error=VpcError)
        except VpcError as exc:
            if _LOOKS_LIKE_ADDRESS.match(key):
                raise VpcError(f"endpoint: {exc}") from None
            known = _some(sorted(self._by_name) + sorted(self._r.instances))
            raise VpcError(
                f"endpoint {quote(key)}: not an instance, ENI, IP address or 'internet'; "
                f"instances: {known}"
            ) from None
        holders = self._shared.get(str(addr))
        if holders:
            named = ", ".join(f"{e.instance_id or e.eni_id} in {e.vpc_id}" for e in holders)
            raise VpcError(
                f"endpoint {quote(key)}: this address is held by {len(holders)} interfaces "
                f"({named}); name the instance or ENI id instead"
            )
        eni = self._by_addr.get(str(addr))
        if eni is not None:  # a primary, secondary, IPv6 or public address of an interface
            return Endpoint(key, str(addr), eni, public=eni.private_for(str(addr)) is not None)
        for vpc in self._r.vpcs.values():
            if vpc.contains(addr):
                raise VpcError(
                    f"endpoint {quote(key)}: inside {vpc.vpc_id} ({', '.join(vpc.cidrs)}) but no "
                    "network interface has this address"
                )
        return Endpoint(key, str(addr))

    # --- questions ---------------------------------------------------------------------

    def reachability(self, src, dst, port: int | None = 443, protocol: str = "tcp") -> Path:
        """Can ``src`` open a connection to ``dst`` on ``port``? A :class:`Path` says why.

        >>> path = Vpc.example().reachability("internet", "db", port=5432)
        >>> path.reachable, path.blocked_by
        (False, 'i-0a1b2c3d4e5f60003')
        """
        return trace(self, src, dst, port, protocol)

    def matrix(
        self, port: int | None = 443, protocol: str = "tcp", internet: bool = True
    ) -> Matrix:
        """All-pairs reachability between instances (and the internet) as a :class:`Matrix`.

        >>> m = Vpc.example().matrix(port=5432)
        >>> m.can_reach("app", "db"), m.can_reach("web", "db")
        (True, False)
        """
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
        subnets = []
        for subnet in self._r.subnets.values():
            labels = [
                i.label for i in self._r.instances.values() if i.subnet_id == subnet.subnet_id
            ]
            ids = (
                subnet.vpc_id,
                subnet.subnet_id,
                self.route_table_for_subnet(subnet.subnet_id).route_table_id,
                self.nacl_for_subnet(subnet.subnet_id).acl_id,
            )
            subnets.append((subnet, ids, labels))
        # ids shortened to their last digits (full ids in the tooltips and the legend below):
        # seven columns of 17-digit ids do not fit a screen
        short = short_ids(text for _subnet, ids, labels in subnets for text in (*ids, *labels))
        rows = []
        for subnet, (vpc_id, subnet_id, rtb_id, acl_id), labels in subnets:
            names = ", ".join(labels)
            shown = ", ".join(abbreviate(label, short) for label in labels)
            rows.append(
                (
                    id_cell(vpc_id, short),
                    id_cell(subnet_id, short),
                    subnet.name,
                    ", ".join(map(str, subnet.networks)),
                    "public" if self.is_public(subnet.subnet_id) else "private",
                    id_cell(rtb_id, short),
                    id_cell(acl_id, short),
                    Cell(unbroken(shown), title=names if shown != names else None),
                )
            )
        header = (
            "vpc",
            "subnet",
            "name",
            "cidr",
            "kind",
            "route table",
            "network ACL",
            "instances",
        )
        return table(rows, header=header, cls="netcourse-vpc") + id_legend(short)


def _some(names: list[str], limit: int = 12) -> str:
    """Names for a message, at most ``limit`` of them (a dump may hold thousands).

    >>> _some(["a", "b", "c"], limit=2)
    'a, b and 1 more'
    """
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


#: Text that a learner meant as an IP address, not as a name: an IPv6 colon, or digits and a dot.
_LOOKS_LIKE_ADDRESS = re.compile(r".*:|\d+\.")


def _aws_default_acl(vpc: VpcNetwork) -> NetworkAcl:
    """The default network ACL AWS creates with a VPC: allow everything in and out.

    With an IPv6 block AWS also adds rule 101 (allow ``::/0``) in each direction, and the
    IPv6 catch-all 32768 (https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html).
    """
    v6 = any(net.version == 6 for net in vpc.networks)
    rules = [
        (100, "allow", "CidrBlock", "0.0.0.0/0"),
        (DEFAULT_RULE, "deny", "CidrBlock", "0.0.0.0/0"),
    ]
    if v6:
        rules += [
            (101, "allow", "Ipv6CidrBlock", "::/0"),
            (DEFAULT_RULE_V6, "deny", "Ipv6CidrBlock", "::/0"),
        ]
    entries = tuple(
        AclEntry.from_aws(
            {
                "RuleNumber": number,
                "Protocol": "-1",
                "RuleAction": action,
                "Egress": egress,
                key: block,
            },
            f"default ACL of {vpc.vpc_id}",
        )
        for egress in (False, True)
        for number, action, key, block in rules
    )
    entries = tuple(sorted(entries, key=lambda e: (e.egress, e.rule_number)))
    return NetworkAcl(f"default-acl-of-{vpc.vpc_id}", vpc.vpc_id, entries, is_default=True)
