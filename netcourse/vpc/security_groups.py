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
from html import escape

from netcourse.errors import VpcError
from netcourse.vpc.acls import direction_name
from netcourse.vpc.resources import (
    parse_addr,
    parse_net,
    port_range_text,
    protocol_name,
    protocol_number,
)

__all__ = ["SgRule", "SecurityGroup", "SgDecision", "evaluate_groups"]


@dataclass(frozen=True)
class SgRule:
    """One security group rule: protocol, ports, and the CIDRs or groups it allows."""

    egress: bool
    protocol: int
    ports: tuple[int, int] | None
    cidrs: tuple[str, ...] = ()
    group_ids: tuple[str, ...] = ()
    description: str = ""
    #: Private addresses of the members of ``group_ids`` (filled in by the VPC model).
    member_addrs: frozenset[str] = field(default=frozenset(), repr=False)
    networks: tuple = field(default=(), repr=False, compare=False)

    @property
    def port_text(self) -> str:
        """The ports as the console shows them ("all", "443", "1024-65535")."""
        return port_range_text(self.ports)

    def describe(self) -> str:
        """One line: "allow tcp 443 from 0.0.0.0/0, sg-app"."""
        way = "to" if self.egress else "from"
        peers = ", ".join(self.cidrs + self.group_ids) or "nothing"
        if self.protocol == -1:
            return f"allow all traffic {way} {peers}"
        return f"allow {protocol_name(self.protocol)} {self.port_text} {way} {peers}"

    def matches(self, protocol: int, addr, port: int | None) -> bool:
        """Whether this rule allows traffic with that protocol, remote address and port."""
        if self.protocol != -1 and self.protocol != protocol:
            return False
        if self.ports is not None and port is not None:
            if self.protocol in (1, 58):  # ICMP: FromPort is the type, -1 means every type
                if self.ports[0] != -1 and self.ports[0] != port:
                    return False
            elif not self.ports[0] <= port <= self.ports[1]:
                return False
        if any(addr.version == net.version and addr in net for net in self.networks):
            return True
        return str(addr) in self.member_addrs


def _rules(permissions, egress: bool, where: str) -> list[SgRule]:
    rules = []
    for perm in permissions or []:
        if not isinstance(perm, dict):
            raise VpcError(f"{where}: each permission must be a dict, got {type(perm).__name__}")
        protocol = protocol_number(perm.get("IpProtocol", "-1"))
        ports = None
        if protocol != -1 and "FromPort" in perm:
            low, high = int(perm["FromPort"]), int(perm.get("ToPort", perm["FromPort"]))
            if protocol in (6, 17) and not (0 <= low <= high <= 65535):
                raise VpcError(f"{where}: FromPort/ToPort {low}-{high} is not a port range")
            if not (protocol in (1, 58) and low == -1):
                ports = (low, high)
        cidrs = [r["CidrIp"] for r in perm.get("IpRanges", []) if "CidrIp" in r]
        cidrs += [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", []) if "CidrIpv6" in r]
        nets = tuple(parse_net(c, where) for c in cidrs)
        groups = tuple(p["GroupId"] for p in perm.get("UserIdGroupPairs", []) if "GroupId" in p)
        texts = [r.get("Description", "") for r in perm.get("IpRanges", [])]
        rules.append(
            SgRule(
                egress,
                protocol,
                ports,
                tuple(str(n) for n in nets),
                groups,
                next((t for t in texts if t), ""),
                frozenset(),
                nets,
            )  # fmt: skip
        )
    return rules


@dataclass(frozen=True)
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
        """A security group from one item of ``describe-security-groups``' ``SecurityGroups``."""
        if not isinstance(data, dict):
            raise VpcError(f"SecurityGroups: each item must be a dict, got {type(data).__name__}")
        group_id = data.get("GroupId")
        if not group_id or not isinstance(group_id, str):
            label = data.get("GroupName", "?")
            raise VpcError(f"security group {label!r}: no GroupId (every group has an sg-... id)")
        return cls(
            group_id,
            str(data.get("GroupName", "")),
            str(data.get("VpcId", "")),
            tuple(_rules(data.get("IpPermissions"), False, group_id)),
            tuple(_rules(data.get("IpPermissionsEgress"), True, group_id)),
        )

    def with_members(self, members: dict[str, frozenset[str]]) -> SecurityGroup:
        """A copy whose group-referencing rules know each referenced group's member addresses."""

        def fill(rule: SgRule) -> SgRule:
            if not rule.group_ids:
                return rule
            addrs = frozenset().union(*(members.get(g, frozenset()) for g in rule.group_ids))
            return replace(rule, member_addrs=addrs)

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
        rows = "".join(
            f"<tr><td>{d}</td><td>{protocol_name(r.protocol)}</td><td>{r.port_text}</td>"
            f"<td>{escape(', '.join(r.cidrs + r.group_ids))}</td></tr>"
            for d in ("inbound", "outbound")
            for r in self.rules(d)
        )
        head = "".join(f"<th>{h}</th>" for h in ("direction", "protocol", "ports", "peer"))
        return (
            f"<b>{escape(self.group_id)}</b> ({escape(self.name)})<table><thead><tr>{head}"
            f"</tr></thead><tbody>{rows}</tbody></table>"
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
    remote = addr if isinstance(addr, ipaddress._BaseAddress) else parse_addr(addr, "address")
    ids = tuple(g.group_id for g in groups)
    way = "from" if direction == "inbound" else "to"
    port_text = "" if port is None else f" port {port}"
    what = f"{direction} {protocol_name(proto)}{port_text} {way} {addr}"
    for group in groups:
        for rule in group.rules(direction):
            if rule.matches(proto, remote, port):
                text = f"{group.group_id}: rule '{rule.describe()}' allows {what}"
                return SgDecision(ids, direction, True, group.group_id, rule, proto, str(addr),
                                  port, text)  # fmt: skip
    names = ", ".join(ids) or "no security group"
    text = f"none of the {direction} rules in {names} allow {what}"
    return SgDecision(ids, direction, False, None, None, proto, str(addr), port, text)
