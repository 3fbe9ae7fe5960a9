"""Fixes to a VPC written as one line each, the way the console and ``describe()`` print them.

A troubleshooting lab (:mod:`netcourse.vpc.troubleshoot`) repairs a broken VPC with these;
each one reads a learner's line, checks every part of it, and returns new describe-* data
with the change made, as the AWS call that does it would:

===============  ==========================================  =================================
keyword          line                                        AWS call
===============  ==========================================  =================================
``route``        ``"0.0.0.0/0 -> igw"``                      ``create-route`` / ``replace-route``
``route_table``  ``"public"`` (Name tag) or ``"rtb-..."``    ``replace-route-table-association``
``sg``           ``"allow tcp 443 from 0.0.0.0/0"``          ``authorize-security-group-ingress``
``acl``          ``"120 allow tcp 1024-65535 to 0.0.0.0/0"`` ``create-network-acl-entry``
===============  ==========================================  =================================

``from`` makes an inbound rule, ``to`` an outbound one; a route's target may be ``igw`` or
``nat`` (the VPC's only one) or a gateway id. A bad line ends as a VpcError naming the part.

Taught in notebooks/05-aws-vpc.ipynb.

>>> from netcourse.vpc import Vpc
>>> broken = Vpc.example("sg-missing-port")
>>> web = broken.instance("web")
>>> data = add_sg_rule(broken.data, web.primary.group_ids[0], "allow tcp 443 from 0.0.0.0/0")
>>> Vpc(data).reachability("internet", "web", 443).reachable
True
>>> read_sg_rule("allow tcp 443 form 0.0.0.0/0")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
netcourse.errors.VpcError: sg 'allow tcp 443 form 0.0.0.0/0': 'form': expected 'from' ...
"""

from __future__ import annotations

import copy
import ipaddress
from dataclasses import dataclass

from netcourse.errors import NetcourseError, PortError, VpcError, quote
from netcourse.readers import read_int, read_port_range
from netcourse.vpc.acls import DEFAULT_RULE
from netcourse.vpc.model import Vpc
from netcourse.vpc.resources import (
    ICMP_PROTOCOLS,
    PORT_PROTOCOLS,
    parse_net,
    protocol_name,
    protocol_number,
)
from netcourse.vpc.routing import target_kind

__all__ = [
    "RuleLine",
    "read_route",
    "read_sg_rule",
    "read_acl_entry",
    "add_route",
    "associate_route_table",
    "add_sg_rule",
    "add_acl_entry",
    "check_loads",
    "ROUTE_TARGET_KEYS",
]

#: Which key of a describe-route-tables route holds a target of each kind.
ROUTE_TARGET_KEYS = {
    "internet-gateway": "GatewayId",
    "nat-gateway": "NatGatewayId",
    "peering-connection": "VpcPeeringConnectionId",
    "network-interface": "NetworkInterfaceId",
    "instance": "InstanceId",
    "egress-only-internet-gateway": "EgressOnlyInternetGatewayId",
}

#: The short target words a route line may use, and the kind of gateway each means.
_SHORT_TARGETS = {"igw": "internet-gateway", "nat": "nat-gateway"}


def _text(value: object, what: str, example: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise VpcError(f"{what} {quote(value)}: expected one line of text such as {example!r}")
    return " ".join(value.split())


# --- reading the lines -----------------------------------------------------------------------


def read_route(text: str) -> tuple[str, str]:
    """A route line ``DESTINATION -> TARGET`` as ``(destination CIDR, target word or id)``.

    >>> read_route("0.0.0.0/0 -> igw")
    ('0.0.0.0/0', 'igw')
    >>> read_route("0.0.0.0/0 igw")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.VpcError: route '0.0.0.0/0 igw': expected 'DESTINATION -> TARGET', ...
    """
    line = _text(text, "route", "0.0.0.0/0 -> igw")
    where = f"route {quote(line)}"
    arrow = "->" if "->" in line else "→" if "→" in line else None
    if arrow is None or line.count(arrow) != 1:
        raise VpcError(
            f"{where}: expected 'DESTINATION -> TARGET', such as '198.51.100.0/24 -> igw'"
        )
    dest, _, target = (part.strip() for part in line.partition(arrow))
    if not dest or not target or " " in dest or " " in target:
        raise VpcError(f"{where}: expected one CIDR before '->' and one target after it")
    if "/" not in dest:
        raise VpcError(
            f"{where}: destination {quote(dest)}: a route's destination is a CIDR "
            "block such as 0.0.0.0/0"
        )
    network = parse_net(dest, f"{where}: destination")
    if target.lower() in _SHORT_TARGETS:
        target = target.lower()
    elif target_kind(target) not in ROUTE_TARGET_KEYS:
        raise VpcError(
            f"{where}: target {quote(target)}: expected igw, nat or the id of an internet "
            "gateway, NAT gateway, peering connection, interface or instance (igw-..., nat-...)"
        )
    return str(network), target


@dataclass(frozen=True)
class RuleLine:
    """A security group rule or network ACL entry read from one line.

    ``ports`` is a port range for TCP and UDP, ``(type, -1)`` for ICMP, None for all.
    """

    number: int | None
    action: str
    protocol: int
    ports: tuple[int, int] | None
    egress: bool
    peer: str

    def describe(self) -> str:
        """The line as :meth:`~netcourse.vpc.AclEntry.describe` prints it.

        >>> read_acl_entry("rule 120: allow tcp 1024-65535 to 0.0.0.0/0").describe()
        'rule 120: allow tcp 1024-65535 to 0.0.0.0/0'
        """
        way = "to" if self.egress else "from"
        head = "" if self.number is None else f"rule {self.number}: "
        if self.protocol == -1:
            return f"{head}{self.action} all traffic {way} {self.peer}"
        if self.ports is None:
            ports = "all types" if self.protocol in ICMP_PROTOCOLS else "all"
        elif self.protocol in ICMP_PROTOCOLS:
            ports = f"type {self.ports[0]}"
        else:
            low, high = self.ports
            ports = str(low) if low == high else f"{low}-{high}"
        return f"{head}{self.action} {protocol_name(self.protocol)} {ports} {way} {self.peer}"


def _rule_line(text: str, what: str, example: str, *, numbered: bool) -> RuleLine:
    """Read ``[rule] N[:] allow|deny PROTO [PORTS] from|to PEER`` (the ACL form when numbered)."""
    line = _text(text, what, example)
    where = f"{what} {quote(line)}"
    words = line.split()
    number = None
    if numbered:
        if words and words[0].lower() == "rule":
            words = words[1:]
        if not words:
            raise VpcError(f"{where}: expected a rule number first, such as {example!r}")
        first = words.pop(0).rstrip(":")
        try:
            number = read_int(
                first, what="rule number", low=1, high=DEFAULT_RULE - 1, error=VpcError
            )
        except VpcError:
            raise VpcError(
                f"{where}: {quote(first)}: expected a rule number 1-{DEFAULT_RULE - 1} first "
                f"(rules are tried from the lowest number up), such as {example!r}"
            ) from None
    if not words:
        raise VpcError(f"{where}: expected allow or deny after the rule number")
    action = words.pop(0).lower()
    if action not in ("allow", "deny"):
        raise VpcError(f"{where}: {quote(action)}: expected 'allow' or 'deny'")
    if not numbered and action == "deny":
        raise VpcError(
            f"{where}: security groups have allow rules only (whatever no rule allows is "
            "denied); a deny rule belongs in a network ACL"
        )
    if not words:
        raise VpcError(f"{where}: expected a protocol (tcp, udp, icmp or all) after {action}")
    proto_word = words.pop(0)
    if proto_word.lower() == "all" and words and words[0].lower() == "traffic":
        words.pop(0)
    try:
        protocol = protocol_number(proto_word)
    except VpcError:
        raise VpcError(
            f"{where}: protocol {quote(proto_word)}: expected tcp, udp, icmp, icmpv6, all or a "
            "protocol number 0-255"
        ) from None
    ports = None
    if words and words[0].lower() not in ("from", "to"):
        ports = _ports(words.pop(0), protocol, where, words)
    elif protocol in PORT_PROTOCOLS:
        raise VpcError(
            f"{where}: {protocol_name(protocol)} needs a port or a range before from/to, "
            "such as 8080 or 8000-8099"
        )
    if not words:
        raise VpcError(f"{where}: expected 'from' (inbound) or 'to' (outbound) and an address")
    way = words.pop(0)
    if way.lower() not in ("from", "to"):
        raise VpcError(
            f"{where}: {quote(way)}: expected 'from' (an inbound rule) or 'to' (an outbound "
            "rule) before the address"
        )
    if len(words) != 1:
        extra = f"{quote(' '.join(words))}" if words else "nothing"
        raise VpcError(f"{where}: expected one CIDR block after {way.lower()}, got {extra}")
    peer = words[0].rstrip(",")
    if not numbered and peer.startswith("sg-"):
        return RuleLine(None, action, protocol, ports, way.lower() == "to", peer)
    if "/" not in peer:
        raise VpcError(
            f"{where}: {quote(peer)}: expected a CIDR block such as 0.0.0.0/0 or 192.0.2.0/24"
            + ("" if numbered else " (or a security group id, sg-...)")
        )
    network = parse_net(peer, f"{where}: address")
    return RuleLine(number, action, protocol, ports, way.lower() == "to", str(network))


def _ports(word: str, protocol: int, where: str, rest: list[str]) -> tuple[int, int] | None:
    if protocol in ICMP_PROTOCOLS:
        if word.lower() == "type" and rest and rest[0].lower() not in ("from", "to"):
            word = rest.pop(0)
        if word.lower() in ("all", "all types"):
            return None
        kind = read_int(word, what="ICMP type", high=255, error=VpcError)
        return (kind, -1)
    if protocol not in PORT_PROTOCOLS:
        raise VpcError(
            f"{where}: {quote(word)}: {protocol_name(protocol)} has no ports; write "
            "from/to and the address right after the protocol"
        )
    if word.lower() == "all":
        return (0, 65535)
    try:
        return read_port_range(word, separators="-", low=0, error=VpcError)
    except (VpcError, PortError) as exc:
        raise VpcError(
            f"{where}: ports {quote(word)}: expected a port 0-65535 or a range such as "
            f"1024-65535 ({exc})"
        ) from None


def read_sg_rule(text: str) -> RuleLine:
    """A security group rule line: ``allow PROTO PORTS from|to CIDR-or-sg-id``.

    >>> rule = read_sg_rule("allow tcp 443 from 0.0.0.0/0")
    >>> rule.egress, rule.ports, rule.peer
    (False, (443, 443), '0.0.0.0/0')
    """
    return _rule_line(text, "sg", "allow tcp 8080 from 10.0.0.0/16", numbered=False)


def read_acl_entry(text: str) -> RuleLine:
    """A network ACL entry line: ``[rule] N[:] allow|deny PROTO [PORTS] from|to CIDR``.

    >>> entry = read_acl_entry("120 allow tcp 1024-65535 to 0.0.0.0/0")
    >>> entry.number, entry.egress, entry.ports
    (120, True, (1024, 65535))
    """
    return _rule_line(text, "acl", "140 allow udp 53 to 10.0.0.2/32", numbered=True)


# --- applying them to describe-* data ----------------------------------------------------------


def _find(data: dict, key: str, id_key: str, ident: str) -> dict:
    for item in data.get(key) or []:
        if isinstance(item, dict) and item.get(id_key) == ident:
            return item
    raise VpcError(f"{quote(ident)}: not in the data's {key}")


def _tags(item: dict) -> dict:
    return {t.get("Key"): t.get("Value") for t in item.get("Tags") or [] if isinstance(t, dict)}


def _vpc_of_table(data: dict, rtb_id: str) -> str:
    return _find(data, "RouteTables", "RouteTableId", rtb_id).get("VpcId", "")


def _route_target(data: dict, vpc_id: str, target: str, where: str) -> tuple[str, str]:
    """The key and id a route's target is written with, checked against the data."""
    if target in _SHORT_TARGETS:
        kind = _SHORT_TARGETS[target]
        if kind == "internet-gateway":
            ids = [
                g["InternetGatewayId"]
                for g in data.get("InternetGateways") or []
                if any(a.get("VpcId") == vpc_id for a in g.get("Attachments") or [])
            ]
        else:
            ids = [
                n["NatGatewayId"]
                for n in data.get("NatGateways") or []
                if n.get("VpcId") == vpc_id and n.get("State") == "available"
            ]
        if len(ids) != 1:
            has = f"{len(ids)}" if ids else "no"
            raise VpcError(
                f"{where}: target {target!r}: {vpc_id} has {has} {kind.replace('-', ' ')}s"
                + (f" ({', '.join(ids)}); name one by its id" if ids else "")
            )
        return ROUTE_TARGET_KEYS[kind], ids[0]
    kind = target_kind(target)
    known = {
        "internet-gateway": ("InternetGateways", "InternetGatewayId"),
        "nat-gateway": ("NatGateways", "NatGatewayId"),
        "peering-connection": ("VpcPeeringConnections", "VpcPeeringConnectionId"),
    }.get(kind)
    if known:
        ids = [item.get(known[1]) for item in data.get(known[0]) or []]
        if target not in ids:
            raise VpcError(
                f"{where}: target {quote(target)}: no such {kind.replace('-', ' ')} in the data"
                + (f"; there is {', '.join(i for i in ids if i)}" if any(ids) else "")
            )
    return ROUTE_TARGET_KEYS[kind], target


def add_route(data: dict, rtb_id: str, text: str) -> dict:
    """New data in which route table ``rtb_id`` has the route of ``text`` (same destination:
    replaced, as ``aws ec2 replace-route`` does).

    >>> from netcourse.vpc import Vpc
    >>> broken = Vpc.example("missing-igw-route")
    >>> rtb = broken.route_table_for_subnet(broken.instance("web").subnet_id).route_table_id
    >>> fixed = Vpc(add_route(broken.data, rtb, "0.0.0.0/0 -> igw"))
    >>> fixed.reachability("internet", "web").reachable
    True
    """
    dest, target = read_route(text)
    where = f"route {quote(' '.join(text.split()))}"
    new = copy.deepcopy(data)
    table = _find(new, "RouteTables", "RouteTableId", rtb_id)
    key, ident = _route_target(new, table.get("VpcId", ""), target, where)
    dest_key = (
        "DestinationIpv6CidrBlock"
        if ipaddress.ip_network(dest).version == 6
        else "DestinationCidrBlock"
    )
    routes = [r for r in table.get("Routes") or [] if r.get(dest_key) != dest]
    local = any(
        r.get(dest_key) == dest and r.get("GatewayId") == "local" for r in table.get("Routes") or []
    )
    if local:
        raise VpcError(f"{where}: {dest} is the VPC's local route, which cannot be replaced")
    routes.append({dest_key: dest, key: ident, "Origin": "CreateRoute", "State": "active"})
    table["Routes"] = routes
    return new


def associate_route_table(data: dict, subnet_id: str, text: str) -> dict:
    """New data in which ``subnet_id`` uses the route table named ``text`` (id or Name tag).

    >>> from netcourse.vpc import Vpc
    >>> vpc = Vpc(associate_route_table(Vpc.example().data, "subnet-0a1b2c3d4e5f60001",
    ...                                 "private"))
    >>> vpc.route_table_for_subnet("subnet-0a1b2c3d4e5f60001").name
    'private'
    """
    name = _text(text, "route_table", "public")
    where = f"route_table {quote(name)}"
    new = copy.deepcopy(data)
    tables = [t for t in new.get("RouteTables") or [] if isinstance(t, dict)]
    chosen = [t for t in tables if name in (t.get("RouteTableId"), _tags(t).get("Name"))]
    if len(chosen) != 1:
        known = ", ".join(
            f"{t.get('RouteTableId')} ({_tags(t).get('Name') or 'no name'})" for t in tables
        )
        many = "names several route tables" if chosen else "is no route table's id or Name tag"
        raise VpcError(f"{where}: {many}; the route tables are {known}")
    table = chosen[0]
    subnet = _find(new, "Subnets", "SubnetId", subnet_id)
    if table.get("VpcId") != subnet.get("VpcId"):
        raise VpcError(f"{where}: {table.get('RouteTableId')} belongs to another VPC")
    for other in tables:
        other["Associations"] = [
            a for a in other.get("Associations") or [] if a.get("SubnetId") != subnet_id
        ]
    table["Associations"].append(
        {
            "Main": False,
            "RouteTableAssociationId": f"rtbassoc-{subnet_id.removeprefix('subnet-')}",
            "RouteTableId": table.get("RouteTableId"),
            "SubnetId": subnet_id,
            "AssociationState": {"State": "associated"},
        }
    )
    return new


def add_sg_rule(data: dict, group_id: str, text: str) -> dict:
    """New data in which security group ``group_id`` also has the rule of ``text``."""
    rule = read_sg_rule(text)
    new = copy.deepcopy(data)
    group = _find(new, "SecurityGroups", "GroupId", group_id)
    perm: dict = {"IpProtocol": "-1" if rule.protocol == -1 else str(rule.protocol)}
    if rule.protocol in PORT_PROTOCOLS and rule.ports is not None:
        perm["FromPort"], perm["ToPort"] = rule.ports
    elif rule.protocol in ICMP_PROTOCOLS:
        perm["FromPort"], perm["ToPort"] = rule.ports or (-1, -1)
    if rule.peer.startswith("sg-"):
        ids = [g.get("GroupId") for g in new.get("SecurityGroups") or []]
        if rule.peer not in ids:
            raise VpcError(f"sg {quote(text)}: {quote(rule.peer)}: no such security group")
        perm["UserIdGroupPairs"] = [{"GroupId": rule.peer}]
    elif ipaddress.ip_network(rule.peer).version == 6:
        perm["Ipv6Ranges"] = [{"CidrIpv6": rule.peer}]
    else:
        perm["IpRanges"] = [{"CidrIp": rule.peer}]
    perms = group.setdefault("IpPermissionsEgress" if rule.egress else "IpPermissions", [])
    if not any(_covers(old, perm) for old in perms):  # AWS refuses a duplicate: nothing to add
        perms.append(perm)
    return new


def _peers_of(perm: dict) -> set[str]:
    return {
        str(item.get(field))
        for key, field in (
            ("IpRanges", "CidrIp"),
            ("Ipv6Ranges", "CidrIpv6"),
            ("UserIdGroupPairs", "GroupId"),
        )
        for item in perm.get(key) or []
        if isinstance(item, dict)
    }


def _covers(old: object, perm: dict) -> bool:
    """Whether the existing permission ``old`` already holds the rule ``perm``."""
    if not isinstance(old, dict):
        return False
    try:
        same_proto = protocol_number(old.get("IpProtocol", "-1")) == int(perm["IpProtocol"])
    except (VpcError, ValueError):
        return False
    ports = (old.get("FromPort"), old.get("ToPort")) == (perm.get("FromPort"), perm.get("ToPort"))
    return same_proto and ports and _peers_of(perm) <= _peers_of(old)


def add_acl_entry(data: dict, acl_id: str, text: str) -> dict:
    """New data in which network ACL ``acl_id`` has the entry of ``text`` (an entry with the
    same number and direction is replaced, as ``replace-network-acl-entry`` does)."""
    entry = read_acl_entry(text)
    raw: dict = {
        "RuleNumber": entry.number,
        "Protocol": str(entry.protocol),
        "RuleAction": entry.action,
        "Egress": entry.egress,
    }
    raw["Ipv6CidrBlock" if ":" in entry.peer else "CidrBlock"] = entry.peer
    if entry.protocol in PORT_PROTOCOLS and entry.ports is not None:
        raw["PortRange"] = {"From": entry.ports[0], "To": entry.ports[1]}
    if entry.protocol in ICMP_PROTOCOLS:
        raw["IcmpTypeCode"] = {"Type": entry.ports[0] if entry.ports else -1, "Code": -1}
    new = copy.deepcopy(data)
    acl = _find(new, "NetworkAcls", "NetworkAclId", acl_id)
    kept = [
        e
        for e in acl.get("Entries") or []
        if (int(e.get("RuleNumber", -1)), bool(e.get("Egress"))) != (entry.number, entry.egress)
    ]
    acl["Entries"] = kept + [raw]
    return new


def check_loads(data: dict, what: str) -> None:
    """Raise a VpcError naming ``what`` when the model cannot read ``data``."""
    try:
        Vpc(data)
    except NetcourseError as exc:
        raise VpcError(f"{what}: {exc}") from None
