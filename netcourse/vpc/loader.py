"""Read the output of ``aws ec2 describe-*`` commands into the VPC model's resources.

One dict holds every command's output under its usual top-level key (``Vpcs``, ``Subnets``,
``RouteTables``, ``InternetGateways``, ``NatGateways``, ``NetworkAcls``, ``SecurityGroups``,
``Reservations``, ``VpcPeeringConnections``); a missing key means none of that resource.
Broken input raises :class:`~netcourse.errors.VpcError` naming the resource.
Taught in notebooks/05-aws-vpc.ipynb.

>>> merge_outputs([{"Vpcs": [{"VpcId": "vpc-1"}]}, {"Subnets": []}])
{'Vpcs': [{'VpcId': 'vpc-1'}], 'Subnets': []}
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from netcourse.errors import VpcError
from netcourse.vpc.acls import NetworkAcl
from netcourse.vpc.resources import (
    Instance,
    InternetGateway,
    NatGateway,
    NetworkInterface,
    PeeringConnection,
    Subnet,
    VpcNetwork,
    parse_addr,
    parse_net,
)
from netcourse.vpc.routing import Route, RouteTable
from netcourse.vpc.security_groups import SecurityGroup

__all__ = ["KEYS", "Resources", "load", "merge_outputs", "read_outputs"]

#: Top-level key of each describe-* command's output, and the command that prints it.
KEYS = {
    "Vpcs": "describe-vpcs",
    "Subnets": "describe-subnets",
    "RouteTables": "describe-route-tables",
    "InternetGateways": "describe-internet-gateways",
    "NatGateways": "describe-nat-gateways",
    "NetworkAcls": "describe-network-acls",
    "SecurityGroups": "describe-security-groups",
    "Reservations": "describe-instances",
    "VpcPeeringConnections": "describe-vpc-peering-connections",
}


@dataclass(frozen=True)
class Resources:
    """Everything read from the describe-* outputs, keyed by id, before any traffic question."""

    vpcs: dict[str, VpcNetwork]
    subnets: dict[str, Subnet]
    route_tables: dict[str, RouteTable]
    acls: dict[str, NetworkAcl]
    groups: dict[str, SecurityGroup]
    instances: dict[str, Instance]
    interfaces: dict[str, NetworkInterface]
    igws: dict[str, InternetGateway]
    nats: dict[str, NatGateway]
    peerings: dict[str, PeeringConnection]


def merge_outputs(outputs: Iterable[dict]) -> dict:
    """Merge several describe-* outputs (dicts) into the one dict ``Vpc.from_aws`` reads."""
    merged: dict = {}
    for index, output in enumerate(outputs):
        if not isinstance(output, dict):
            raise VpcError(f"output {index}: expected a dict, got {type(output).__name__}")
        for key, value in output.items():
            if key in merged and isinstance(merged[key], list) and isinstance(value, list):
                merged[key] = merged[key] + value
            else:
                merged[key] = value
    return merged


def read_outputs(paths_or_directory) -> dict:
    """Read describe-* JSON files (a directory of them, or a list of paths) into one dict."""
    if isinstance(paths_or_directory, (str, Path)):
        root = Path(paths_or_directory)
        if root.is_dir():
            paths = sorted(root.glob("*.json"))
            if not paths:
                raise VpcError(f"{str(root)!r}: no .json files in this directory")
        else:
            paths = [root]
    else:
        paths = [Path(p) for p in paths_or_directory]
    outputs = []
    for path in paths:
        try:
            outputs.append(json.loads(path.read_text()))
        except OSError as exc:
            raise VpcError(f"{str(path)!r}: cannot read ({exc.strerror})") from None
        except ValueError as exc:
            raise VpcError(f"{str(path)!r}: not JSON ({exc})") from None
    return merge_outputs(outputs)


def _items(data: dict, key: str) -> list:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise VpcError(f"{key} ({KEYS[key]}): expected a list, got {type(value).__name__}")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise VpcError(f"{key}[{index}]: expected a dict, got {type(item).__name__}")
    return value


def _need(item: dict, field: str, what: str):
    value = item.get(field)
    if not value:
        raise VpcError(f"{what}: no {field}")
    if not isinstance(value, str):
        raise VpcError(f"{what}: {field} should be text, got {value!r}")
    return value


def _name(item: dict) -> str:
    for tag in item.get("Tags", []) or []:
        if isinstance(tag, dict) and tag.get("Key") == "Name":
            return str(tag.get("Value", ""))
    return ""


def load(data: dict) -> Resources:
    """Check and read one dict of describe-* outputs into :class:`Resources`.

    >>> load({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}).vpcs["vpc-1"].cidrs
    ('10.0.0.0/16',)
    """
    where = ["describe-* data"]
    try:
        return _load(data, where)
    except VpcError:
        raise
    except (AttributeError, TypeError, KeyError, ValueError, IndexError) as exc:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise VpcError(
            f"{where[-1]}: a field has an unexpected value ({detail}); expected the shape that "
            "aws ec2 describe-* prints"
        ) from None


def _load(data: dict, where: list[str]) -> Resources:
    if not isinstance(data, dict):
        raise VpcError(
            f"describe-* data: expected a dict with keys such as {', '.join(list(KEYS)[:3])}, "
            f"got {type(data).__name__}"
        )
    unknown = sorted(k for k in data if k not in KEYS and k not in ("NextToken",))
    if unknown:
        raise VpcError(f"describe-* data: unknown key {unknown[0]!r}; expected {', '.join(KEYS)}")

    vpcs = {}
    for index, item in enumerate(_items(data, "Vpcs")):
        where.append(f"Vpcs[{index}] {item.get('VpcId', '')}".strip())
        vpc_id = _need(item, "VpcId", f"Vpcs[{index}]")
        cidrs = [
            a["CidrBlock"]
            for a in item.get("CidrBlockAssociationSet", [])
            if a.get("CidrBlock")
            and a.get("CidrBlockState", {}).get("State", "associated") == "associated"
        ]
        primary = _need(item, "CidrBlock", vpc_id)
        cidrs = [primary] + [c for c in cidrs if c != primary]
        cidrs = [str(parse_net(c, vpc_id)) for c in cidrs]
        vpcs[vpc_id] = VpcNetwork(vpc_id, tuple(cidrs), _name(item))

    subnets: dict[str, Subnet] = {}
    for index, item in enumerate(_items(data, "Subnets")):
        where.append(f"Subnets[{index}] {item.get('SubnetId', '')}".strip())
        subnet_id = _need(item, "SubnetId", f"Subnets[{index}]")
        vpc_id = _need(item, "VpcId", subnet_id)
        net = parse_net(_need(item, "CidrBlock", subnet_id), subnet_id)
        if vpc_id not in vpcs:
            raise VpcError(f"{subnet_id}: its VpcId {vpc_id!r} is not in Vpcs")
        vpc = vpcs[vpc_id]
        if not any(net.subnet_of(v) for v in vpc.networks if v.version == net.version):
            raise VpcError(
                f"{subnet_id}: CidrBlock {net} is outside its VPC {vpc_id} "
                f"({', '.join(vpc.cidrs)}); a subnet must lie inside its VPC's CIDR"
            )
        for other in subnets.values():
            if other.vpc_id == vpc_id and net.overlaps(other.network):
                raise VpcError(
                    f"{subnet_id}: CidrBlock {net} overlaps {other.subnet_id} ({other.cidr}); "
                    "subnets of one VPC must not overlap"
                )
        subnets[subnet_id] = Subnet(
            subnet_id, vpc_id, str(net), str(item.get("AvailabilityZone", "")), _name(item)
        )

    groups = {}
    for index, item in enumerate(_items(data, "SecurityGroups")):
        where.append(f"SecurityGroups[{index}] {item.get('GroupId', '')}".strip())
        group = SecurityGroup.from_aws(item)
        groups[group.group_id] = group

    where.append("Reservations")
    instances, interfaces = _instances(data, subnets, groups, where)

    members: dict[str, set[str]] = {}
    for eni in interfaces.values():
        for group_id in eni.group_ids:
            members.setdefault(group_id, set()).add(eni.private_ip)
    frozen = {k: frozenset(v) for k, v in members.items()}
    groups = {k: g.with_members(frozen) for k, g in groups.items()}

    igws = {}
    for index, item in enumerate(_items(data, "InternetGateways")):
        where.append(f"InternetGateways[{index}]")
        igw_id = _need(item, "InternetGatewayId", f"InternetGateways[{index}]")
        attached = tuple(
            _text(a["VpcId"], f"{igw_id} attachment VpcId")
            for a in item.get("Attachments", [])
            if a.get("VpcId") and a.get("State", "available") in ("available", "attached")
        )
        igws[igw_id] = InternetGateway(igw_id, attached, _name(item))

    nats = {}
    for index, item in enumerate(_items(data, "NatGateways")):
        where.append(f"NatGateways[{index}] {item.get('NatGatewayId', '')}".strip())
        nat_id = _need(item, "NatGatewayId", f"NatGateways[{index}]")
        subnet_id = _need(item, "SubnetId", nat_id)
        if subnet_id not in subnets:
            raise VpcError(f"{nat_id}: its SubnetId {subnet_id!r} is not in Subnets")
        addrs = item.get("NatGatewayAddresses", []) or [{}]
        nats[nat_id] = NatGateway(
            nat_id,
            subnet_id,
            subnets[subnet_id].vpc_id,
            str(item.get("State", "available")),
            addrs[0].get("PrivateIp"),
            addrs[0].get("PublicIp"),
            str(item.get("ConnectivityType", "public")),
            _name(item),
        )

    peerings = {}
    for index, item in enumerate(_items(data, "VpcPeeringConnections")):
        where.append(f"VpcPeeringConnections[{index}]")
        pcx_id = _need(item, "VpcPeeringConnectionId", f"VpcPeeringConnections[{index}]")
        requester = _need(item.get("RequesterVpcInfo", {}), "VpcId", f"{pcx_id} RequesterVpcInfo")
        accepter = _need(item.get("AccepterVpcInfo", {}), "VpcId", f"{pcx_id} AccepterVpcInfo")
        status = str(item.get("Status", {}).get("Code", "active"))
        peerings[pcx_id] = PeeringConnection(pcx_id, requester, accepter, status, _name(item))

    acls = {}
    for index, item in enumerate(_items(data, "NetworkAcls")):
        where.append(f"NetworkAcls[{index}] {item.get('NetworkAclId', '')}".strip())
        acl = NetworkAcl.from_aws(item)
        acls[acl.acl_id] = acl

    route_tables = {}
    for index, item in enumerate(_items(data, "RouteTables")):
        where.append(f"RouteTables[{index}] {item.get('RouteTableId', '')}".strip())
        rtb = RouteTable.from_aws(item)
        rtb = _with_local_routes(rtb, vpcs)
        rtb = rtb.with_blackholes(_missing_targets(rtb, igws, nats, peerings, interfaces))
        route_tables[rtb.route_table_id] = rtb

    where.append("references between resources")
    _check_references(vpcs, subnets, acls, route_tables, peerings)
    return Resources(
        vpcs, subnets, route_tables, acls, groups, instances, interfaces, igws, nats, peerings
    )


def _text(value, what: str) -> str:
    """A resource id or other text field, or a VpcError naming it."""
    if not isinstance(value, str) or not value:
        raise VpcError(f"{what}: expected an id (text), got {value!r}")
    return value


def _check_references(vpcs, subnets, acls, route_tables, peerings) -> None:
    """Every VpcId and SubnetId that one resource names must be a resource of the data."""
    for acl in acls.values():
        if _text(acl.vpc_id, f"{acl.acl_id} VpcId") not in vpcs:
            raise VpcError(f"{acl.acl_id}: its VpcId {acl.vpc_id!r} is not in Vpcs")
        for subnet_id in acl.subnet_ids:
            if _text(subnet_id, f"{acl.acl_id} association SubnetId") not in subnets:
                raise VpcError(f"{acl.acl_id}: associated with {subnet_id!r}, not in Subnets")
    for rtb in route_tables.values():
        for subnet_id in rtb.subnet_ids:
            if _text(subnet_id, f"{rtb.route_table_id} association SubnetId") not in subnets:
                raise VpcError(
                    f"{rtb.route_table_id}: associated with {subnet_id!r}, not in Subnets"
                )
    for pcx in peerings.values():
        _text(pcx.requester_vpc, f"{pcx.pcx_id} RequesterVpcInfo VpcId")
        _text(pcx.accepter_vpc, f"{pcx.pcx_id} AccepterVpcInfo VpcId")


def _instances(data, subnets, groups, where):
    instances: dict[str, Instance] = {}
    interfaces: dict[str, NetworkInterface] = {}
    for r_index, reservation in enumerate(_items(data, "Reservations")):
        for index, item in enumerate(reservation.get("Instances", [])):
            if not isinstance(item, dict):
                raise VpcError(f"Reservations[{r_index}].Instances[{index}]: expected a dict")
            instance_id = _need(item, "InstanceId", f"Reservations[{r_index}].Instances[{index}]")
            where.append(f"Reservations[{r_index}].Instances[{index}] {instance_id}")
            state = str(item.get("State", {}).get("Name", "running"))
            if state == "terminated":
                continue
            subnet_id = _need(item, "SubnetId", instance_id)
            if subnet_id not in subnets:
                raise VpcError(f"{instance_id}: its SubnetId {subnet_id!r} is not in Subnets")
            nics = item.get("NetworkInterfaces") or [
                {
                    "NetworkInterfaceId": f"eni-of-{instance_id}",
                    "SubnetId": subnet_id,
                    "PrivateIpAddress": item.get("PrivateIpAddress"),
                    "Groups": item.get("SecurityGroups", []),
                    "Attachment": {"DeviceIndex": 0},
                    **(
                        {"Association": {"PublicIp": item["PublicIpAddress"]}}
                        if item.get("PublicIpAddress")
                        else {}
                    ),
                }
            ]
            enis = []
            for nic in nics:
                eni = _interface(nic, instance_id, subnet_id, subnets, groups)
                if eni.eni_id in interfaces:
                    raise VpcError(f"{eni.eni_id}: listed twice")
                enis.append(eni)
            enis.sort(key=lambda e: e.device_index)
            primary = enis[0]
            public = item.get("PublicIpAddress") or primary.public_ip
            if public and not primary.public_ip:
                primary = NetworkInterface(
                    primary.eni_id, primary.subnet_id, primary.vpc_id, primary.private_ip,
                    str(parse_addr(public, instance_id)), primary.group_ids, instance_id,
                    primary.device_index,
                )  # fmt: skip
                enis[0] = primary
            for eni in enis:
                interfaces[eni.eni_id] = eni
            instances[instance_id] = Instance(
                instance_id,
                subnet_id,
                subnets[subnet_id].vpc_id,
                primary.private_ip,
                primary.public_ip,
                tuple(enis),
                _name(item),
                state,
            )
    return instances, interfaces


def _interface(nic, instance_id, subnet_id, subnets, groups) -> NetworkInterface:
    eni_id = nic.get("NetworkInterfaceId") or f"eni-of-{instance_id}"
    eni_subnet = nic.get("SubnetId") or subnet_id
    if eni_subnet not in subnets:
        raise VpcError(f"{eni_id} of {instance_id}: its SubnetId {eni_subnet!r} is not in Subnets")
    private = nic.get("PrivateIpAddress")
    if not private:
        raise VpcError(f"{eni_id} of {instance_id}: no PrivateIpAddress")
    addr = parse_addr(private, eni_id)
    subnet = subnets[eni_subnet]
    if addr not in ipaddress.ip_network(subnet.cidr):
        raise VpcError(f"{eni_id}: PrivateIpAddress {addr} is outside {eni_subnet} ({subnet.cidr})")
    group_ids = []
    for group in nic.get("Groups", []):
        group_id = group.get("GroupId") if isinstance(group, dict) else None
        if not group_id:
            raise VpcError(f"{eni_id}: a security group in Groups has no GroupId")
        if group_id not in groups:
            raise VpcError(f"{eni_id}: security group {group_id!r} is not in SecurityGroups")
        group_ids.append(group_id)
    public = (nic.get("Association") or {}).get("PublicIp")
    return NetworkInterface(
        eni_id,
        eni_subnet,
        subnet.vpc_id,
        str(addr),
        str(parse_addr(public, eni_id)) if public else None,
        tuple(group_ids),
        instance_id,
        int((nic.get("Attachment") or {}).get("DeviceIndex", 0)),
    )


def _with_local_routes(rtb: RouteTable, vpcs: dict[str, VpcNetwork]) -> RouteTable:
    """Add the local route for each VPC CIDR if the data left it out (AWS always has it)."""
    vpc = vpcs.get(rtb.vpc_id)
    if vpc is None:
        raise VpcError(f"{rtb.route_table_id}: its VpcId {rtb.vpc_id!r} is not in Vpcs")
    have = {r.destination for r in rtb.routes if r.target == "local"}
    extra = tuple(
        Route(c, "local", "active", "", ipaddress.ip_network(c)) for c in vpc.cidrs if c not in have
    )
    if not extra:
        return rtb
    return RouteTable(
        rtb.route_table_id, rtb.vpc_id, extra + rtb.routes, rtb.subnet_ids, rtb.main, rtb.name
    )


def _missing_targets(rtb, igws, nats, peerings, interfaces) -> dict[str, str]:
    """Targets that do not exist or cannot carry traffic, with the reason AWS would give."""
    missing = {}
    for route in rtb.routes:
        target, kind = route.target, route.kind
        if kind == "internet-gateway":
            igw = igws.get(target)
            if igw is None:
                missing[target] = f"{target} does not exist"
            elif rtb.vpc_id not in igw.vpc_ids:
                missing[target] = f"{target} is not attached to {rtb.vpc_id}"
        elif kind == "nat-gateway":
            nat = nats.get(target)
            if nat is None:
                missing[target] = f"{target} does not exist"
            elif not nat.available:
                missing[target] = f"{target} is {nat.state}"
        elif kind == "peering-connection":
            pcx = peerings.get(target)
            if pcx is None:
                missing[target] = f"{target} does not exist"
            elif not pcx.active:
                missing[target] = f"{target} is {pcx.status}"
            elif pcx.peer_of(rtb.vpc_id) is None:
                missing[target] = f"{target} does not connect {rtb.vpc_id}"
        elif kind == "network-interface" and target not in interfaces:
            missing[target] = f"{target} does not exist"
    return missing
