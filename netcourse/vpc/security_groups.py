"""Security groups: stateful allow-only firewalls at an instance's network interface.

Every rule of every group on the interface is considered (there are no deny rules and no
order); if one allows the traffic it passes. A rule's source or destination is a CIDR block
or another security group, which stands for the private addresses of that group's members.
Because a security group is stateful, the reply to allowed traffic always passes.
Taught in notebooks/05-aws-vpc.ipynb.

>>> sg = SecurityGroup.from_aws({
...     "GroupId": "sg-web", "GroupName": "web", "VpcId": "vpc-1",
...     "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
...                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
...     "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]})
>>> sg.allows("inbound", "tcp", "203.0.113.5", 443).allowed
True
>>> sg.allows("inbound", "tcp", "203.0.113.5", 22).allowed
False
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from netcourse.errors import VpcError, quote
from netcourse.html import Markup, table
from netcourse.readers import read_port
from netcourse.vpc.resources import (
    ICMP_PROTOCOLS,
    PORT_PROTOCOLS,
    QUESTION_ICMP_CODE,
    check_depth,
    direction_name,
    parse_addr,
    parse_net,
    port_range_text,
    protocol_name,
    protocol_number,
    read_dict,
    read_list,
    read_number,
    read_text,
)

__all__ = ["SgRule", "SecurityGroup", "SgDecision", "evaluate_groups"]

_ADDRESSES = (ipaddress.IPv4Address, ipaddress.IPv6Address)


@dataclass(frozen=True, kw_only=True)
class SgRule:
    """One security group rule: protocol, ports, and the CIDRs or groups it allows."""

    egress: bool
    protocol: int
    ports: tuple[int, int] | None
    cidrs: tuple[str, ...] = ()
    group_ids: tuple[str, ...] = ()
    #: Prefix lists (``PrefixListIds``) the rule allows; their entries, where the data holds
    #: them, are in ``networks`` (see :meth:`SecurityGroup.with_prefix_lists`)
    prefix_lists: tuple[str, ...] = ()
    #: The prefix lists of the rule whose entries are not in the data: whether an address is in
    #: them is unknown
    unknown_lists: tuple[str, ...] = ()
    #: The referenced groups that are not in the data (another account's, or a peer VPC's that
    #: was not dumped): whose addresses are their members is unknown
    unknown_groups: tuple[str, ...] = ()
    description: str = ""
    #: Private addresses of the members of ``group_ids`` (filled in by the VPC model).
    member_addrs: frozenset[str] = field(default=frozenset(), repr=False)
    networks: tuple = field(default=(), repr=False, compare=False)

    @property
    def port_text(self) -> str:
        """The ports as the console shows them ("all", "443", "1024-65535"; ICMP: "type 8").

        >>> SgRule(egress=False, protocol=58, ports=(128, -1)).port_text
        'type 128'
        """
        if self.protocol in ICMP_PROTOCOLS and self.ports is not None:
            kind, code = self.ports
            return f"type {kind}" + ("" if code == -1 else f" code {code}")
        return port_range_text(self.ports)

    def describe(self) -> str:
        """One line: "allow tcp 443 from 0.0.0.0/0, sg-app"."""
        way = "to" if self.egress else "from"
        peers = ", ".join(self.cidrs + self.group_ids + self.prefix_lists) or "nothing"
        if self.protocol == -1:
            return f"allow all traffic {way} {peers}"
        return f"allow {protocol_name(self.protocol)} {self.port_text} {way} {peers}"

    def covers(self, protocol: int, port: int | None) -> bool:
        """Whether the rule's protocol and ports (ICMP: type and code) cover the traffic.

        >>> SgRule(egress=False, protocol=6, ports=(443, 443)).covers(6, 443)
        True
        """
        if self.protocol != -1 and self.protocol != protocol:
            return False
        if self.ports is not None and port is not None:
            if self.protocol in ICMP_PROTOCOLS:
                return self.ports[0] in (-1, port) and self.ports[1] in (-1, QUESTION_ICMP_CODE)
            return self.ports[0] <= port <= self.ports[1]
        return True

    def matches(self, protocol: int, addr, port: int | None) -> bool:
        """Whether this rule allows traffic with that protocol, remote address and port."""
        if self.protocol != -1 and self.protocol != protocol:
            return False
        if self.ports is not None and port is not None:
            if self.protocol in ICMP_PROTOCOLS:  # ICMP: FromPort is the type, ToPort the code
                if self.ports[0] != -1 and self.ports[0] != port:
                    return False
                if self.ports[1] not in (-1, QUESTION_ICMP_CODE):
                    return False
            elif not self.ports[0] <= port <= self.ports[1]:
                return False
        if any(addr.version == net.version and addr in net for net in self.networks):
            return True
        return str(addr) in self.member_addrs


def _ports(perm: dict, protocol: int, where: str) -> tuple[int, int] | None:
    """FromPort/ToPort of a permission: a port range, or an ICMP type and code (-1: all)."""
    if protocol == -1 or "FromPort" not in perm:
        return None
    icmp = protocol in ICMP_PROTOCOLS
    what, top = ("ICMP type", 255) if icmp else ("port", 65535)
    low = read_number(
        perm["FromPort"], where=where, field="FromPort", what=what, high=top, all_value=True
    )
    high = read_number(
        perm.get("ToPort", perm["FromPort"]),
        where=where,
        field="ToPort",
        what="ICMP code" if icmp else "port",
        high=top,
        all_value=True,
    )
    if icmp:
        return None if low == -1 else (low, high)
    if protocol in PORT_PROTOCOLS and not 0 <= low <= high:
        raise VpcError(f"{where}: FromPort/ToPort {low}-{high} is not a port range")
    return (low, high)


def _peers(perm: dict, key: str, field_name: str, where: str) -> list[str]:
    """The ``field_name`` of every item of ``perm[key]`` that has one (CIDRs, group ids)."""
    values = []
    for index, item in enumerate(read_list(perm, key, where=where)):
        peer = read_dict(item, where=where, field=f"{key}[{index}]")
        if field_name in peer:
            values.append(read_text(peer, field_name, where=f"{where} {key}[{index}]"))
    return values


def _rules(permissions, egress: bool, where: str) -> list[SgRule]:
    if permissions is None:
        return []
    if not isinstance(permissions, list):
        raise VpcError(f"{where}: permissions should be a list, got {type(permissions).__name__}")
    rules = []
    for index, perm in enumerate(permissions):
        if not isinstance(perm, dict):
            raise VpcError(f"{where}: each permission must be a dict, got {type(perm).__name__}")
        spot = f"{where} {'IpPermissionsEgress' if egress else 'IpPermissions'}[{index}]"
        protocol = protocol_number(perm.get("IpProtocol", "-1"), where=spot, field="IpProtocol")
        ports = _ports(perm, protocol, spot)
        nets = tuple(
            parse_net(c, f"{spot} {key}[{k}] {name}")
            for key, name in (("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6"))
            for k, c in enumerate(_peers(perm, key, name, spot))
        )
        groups = tuple(_peers(perm, "UserIdGroupPairs", "GroupId", spot))
        lists = tuple(_peers(perm, "PrefixListIds", "PrefixListId", spot))
        texts = _peers(perm, "IpRanges", "Description", spot)
        rules.append(
            SgRule(
                egress=egress,
                protocol=protocol,
                ports=ports,
                cidrs=tuple(str(n) for n in nets),
                group_ids=groups,
                prefix_lists=lists,
                unknown_lists=lists,
                description=next((t for t in texts if t), ""),
                networks=nets,
            )
        )
    return rules


@dataclass(frozen=True, kw_only=True)
class SgDecision:
    """What the security groups of an interface decided: allowed, the rule that allowed, why."""

    group_ids: tuple[str, ...]
    direction: str
    allowed: bool
    group_id: str | None
    rule: SgRule | None
    protocol: int
    addr: str
    port: int | None
    explanation: str


@dataclass(frozen=True)
class SecurityGroup:
    """A security group: inbound and outbound allow rules, stateful."""

    group_id: str
    name: str
    vpc_id: str
    ingress: tuple[SgRule, ...]
    egress: tuple[SgRule, ...]

    @classmethod
    def from_aws(cls, data: dict) -> SecurityGroup:
        """A security group from one item of ``describe-security-groups``' ``SecurityGroups``.

        >>> SecurityGroup.from_aws({"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp",
        ...     "FromPort": "٤٤٣", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netcourse.errors.VpcError: sg-1 IpPermissions[0]: FromPort '٤٤٣': a port is written ...
        """
        check_depth(data, "SecurityGroups")
        if not isinstance(data, dict):
            raise VpcError(f"SecurityGroups: each item must be a dict, got {type(data).__name__}")
        group_id = data.get("GroupId")
        if not group_id or not isinstance(group_id, str):
            label = data.get("GroupName", "?")
            raise VpcError(
                f"security group {quote(label)}: no GroupId (every group has an sg-... id)"
            )
        return cls(
            group_id,
            read_text(data, "GroupName", where=group_id),
            read_text(data, "VpcId", where=group_id),
            tuple(_rules(data.get("IpPermissions"), False, group_id)),
            tuple(_rules(data.get("IpPermissionsEgress"), True, group_id)),
        )

    def with_members(
        self, members: dict[str, frozenset[str]], known: Iterable[str] | None = None
    ) -> SecurityGroup:
        """A copy whose group-referencing rules know each referenced group's member addresses.

        ``known`` are the ids of the groups the data holds; a rule naming another group keeps
        it in ``unknown_groups`` (its members are not in the data).
        """
        known = None if known is None else set(known)

        def fill(rule: SgRule) -> SgRule:
            if not rule.group_ids:
                return rule
            addrs = frozenset().union(*(members.get(g, frozenset()) for g in rule.group_ids))
            missing = () if known is None else tuple(g for g in rule.group_ids if g not in known)
            return replace(rule, member_addrs=addrs, unknown_groups=missing)

        return replace(
            self,
            ingress=tuple(fill(r) for r in self.ingress),
            egress=tuple(fill(r) for r in self.egress),
        )

    def with_prefix_lists(self, lists: dict) -> SecurityGroup:
        """A copy whose prefix-list rules match the entries of the lists the data holds.

        ``lists`` maps a prefix list id to its :class:`~netcourse.vpc.resources.PrefixList`;
        a list missing from it, or without entries, stays in the rule's ``unknown_lists``.
        """

        def fill(rule: SgRule) -> SgRule:
            if not rule.prefix_lists:
                return rule
            known = [
                lists[p] for p in rule.prefix_lists if p in lists and lists[p].entries is not None
            ]
            nets = tuple(n for pl in known for n in pl.networks)
            return replace(
                rule,
                networks=rule.networks + nets,
                unknown_lists=tuple(
                    p for p in rule.prefix_lists if p not in {k.pl_id for k in known}
                ),
            )

        return replace(
            self,
            ingress=tuple(fill(r) for r in self.ingress),
            egress=tuple(fill(r) for r in self.egress),
        )

    def rules(self, direction: str) -> tuple[SgRule, ...]:
        """The rules for one direction ("inbound" or "outbound")."""
        return self.ingress if direction_name(direction) == "inbound" else self.egress

    def allows(
        self, direction: str, protocol: str | int, addr: str, port: int | None = None
    ) -> SgDecision:
        """Whether this group allows new traffic from (inbound) or to (outbound) ``addr``.

        >>> SecurityGroup("sg-1", "empty", "vpc-1", (), ()).allows("inbound", "tcp",
        ...     "10.0.0.5", 22).allowed
        False
        """
        return evaluate_groups([self], direction, protocol, addr, port)

    def __repr__(self) -> str:
        lines = [f"SecurityGroup {self.group_id} ({self.name})"]
        for direction in ("inbound", "outbound"):
            rules = self.rules(direction)
            lines.append(f"  {direction}:")
            lines += [f"    {r.describe()}" for r in rules] or ["    (no rules: nothing allowed)"]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            (d, protocol_name(r.protocol), r.port_text, ", ".join(r.cidrs + r.group_ids))
            for d in ("inbound", "outbound")
            for r in self.rules(d)
        ]
        return table(
            rows,
            header=("direction", "protocol", "ports", "peer"),
            caption=Markup("<b>{}</b> ({})").format(self.group_id, self.name),
            cls="netcourse-sg",
        )


def evaluate_groups(
    groups: Iterable[SecurityGroup],
    direction: str,
    protocol: str | int,
    addr: str,
    port: int | None = None,
) -> SgDecision:
    """Decide new traffic against all the security groups of one interface (any rule allows).

    >>> evaluate_groups([], "outbound", "tcp", "10.0.0.5", 443).allowed
    False
    """
    groups = list(groups)
    direction = direction_name(direction)
    proto = protocol_number(protocol)
    if port is not None:
        port = read_port(port, low=0)
    remote = addr if isinstance(addr, _ADDRESSES) else parse_addr(addr, "address")
    ids = tuple(g.group_id for g in groups)
    way = "from" if direction == "inbound" else "to"
    port_text = "" if port is None else f" port {port}"
    what = f"{direction} {protocol_name(proto)}{port_text} {way} {addr}"
    for group in groups:
        for rule in group.rules(direction):
            if rule.matches(proto, remote, port):
                text = f"{group.group_id}: rule '{rule.describe()}' allows {what}"
                return SgDecision(
                    group_ids=ids,
                    direction=direction,
                    allowed=True,
                    group_id=group.group_id,
                    rule=rule,
                    protocol=proto,
                    addr=str(addr),
                    port=port,
                    explanation=text,
                )
    names = ", ".join(ids) or "no security group"
    text = f"none of the {direction} rules in {names} allow {what}"
    return SgDecision(
        group_ids=ids,
        direction=direction,
        allowed=False,
        group_id=None,
        rule=None,
        protocol=proto,
        addr=str(addr),
        port=port,
        explanation=text,
    )
