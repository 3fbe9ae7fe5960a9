"""Network ACLs: stateless rules at the subnet boundary, evaluated in rule-number order.

A network ACL is checked when traffic crosses its subnet's boundary, once on the way out of
a subnet (``egress``) and once on the way in (``ingress``). It keeps no state, so the reply
to a request needs its own rule: the client's ephemeral ports (1024-65535). Rules are tried
from the lowest number up; the first whose protocol, CIDR and ports match decides; if none
does, the ``*`` rule denies. Taught in notebooks/05-aws-vpc.ipynb.

>>> acl = NetworkAcl.from_aws({
...     "NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": False,
...     "Entries": [
...         {"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": False,
...          "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}},
...         {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": False,
...          "CidrBlock": "0.0.0.0/0"}]})
>>> acl.evaluate("inbound", "tcp", "203.0.113.5", 443).rule_number
100
>>> acl.evaluate("inbound", "tcp", "203.0.113.5", 22).allowed
False
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from html import escape

from netcourse.errors import VpcError
from netcourse.vpc.resources import (
    parse_addr,
    parse_net,
    port_range_text,
    protocol_name,
    protocol_number,
)

__all__ = ["AclEntry", "AclDecision", "NetworkAcl", "DEFAULT_RULE", "direction_name"]

#: AWS shows the catch-all rule as "*" and stores it as number 32767.
DEFAULT_RULE = 32767

_DIRECTIONS = {
    "inbound": "inbound",
    "ingress": "inbound",
    "in": "inbound",
    "outbound": "outbound",
    "egress": "outbound",
    "out": "outbound",
}


def direction_name(direction: str) -> str:
    """Normalise a direction to "inbound" or "outbound" ("ingress"/"egress" are accepted).

    >>> direction_name("egress")
    'outbound'
    """
    try:
        return _DIRECTIONS[str(direction).strip().lower()]
    except KeyError:
        raise VpcError(f"direction {direction!r}: expected 'inbound' or 'outbound'") from None


@dataclass(frozen=True)
class AclEntry:
    """One network ACL entry (rule): number, direction, protocol, CIDR, ports, allow or deny."""

    rule_number: int
    egress: bool
    protocol: int
    action: str
    cidr: str
    ports: tuple[int, int] | None = None
    icmp_type: int | None = None
    network: ipaddress.IPv4Network | ipaddress.IPv6Network = field(
        default=None, repr=False, compare=False
    )

    @classmethod
    def from_aws(cls, entry: dict, where: str = "network ACL") -> AclEntry:
        """An entry from one item of a NetworkAcl's ``Entries`` list."""
        if not isinstance(entry, dict):
            raise VpcError(f"{where}: an entry must be a dict, got {type(entry).__name__}")
        try:
            number = int(entry["RuleNumber"])
            action = str(entry["RuleAction"]).lower()
            protocol = protocol_number(entry.get("Protocol", "-1"))
        except KeyError as exc:
            raise VpcError(f"{where}: an entry has no {exc.args[0]}") from None
        except (TypeError, ValueError):
            raise VpcError(
                f"{where}: RuleNumber {entry.get('RuleNumber')!r} is not a number"
            ) from None
        where = f"{where} rule {number}"
        if action not in ("allow", "deny"):
            raise VpcError(f"{where}: RuleAction {action!r}, expected 'allow' or 'deny'")
        if not 1 <= number <= DEFAULT_RULE:
            raise VpcError(f"{where}: rule numbers are 1-32766 (32767 is the * rule)")
        cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
        if not cidr:
            raise VpcError(f"{where}: no CidrBlock or Ipv6CidrBlock")
        net = parse_net(cidr, where)
        ports = None
        if protocol in (6, 17) and entry.get("PortRange"):
            low, high = int(entry["PortRange"]["From"]), int(entry["PortRange"]["To"])
            if not 0 <= low <= high <= 65535:
                raise VpcError(f"{where}: PortRange {low}-{high} is not a port range")
            ports = (low, high)
        icmp_type = None
        if protocol in (1, 58) and entry.get("IcmpTypeCode"):
            value = int(entry["IcmpTypeCode"].get("Type", -1))
            icmp_type = None if value == -1 else value
        return cls(
            number, bool(entry.get("Egress", False)), protocol, action, str(net), ports,
            icmp_type, net,
        )  # fmt: skip

    @property
    def label(self) -> str:
        """The rule number as the console shows it ("*" for the default rule)."""
        return "*" if self.rule_number == DEFAULT_RULE else str(self.rule_number)

    @property
    def port_text(self) -> str:
        """The ports (or ICMP type) the entry covers, as the console shows them."""
        if self.protocol in (1, 58):
            return "all types" if self.icmp_type is None else f"type {self.icmp_type}"
        return port_range_text(self.ports)

    def describe(self) -> str:
        """One line: "rule 100: allow tcp 443 from 0.0.0.0/0"."""
        way = "to" if self.egress else "from"
        if self.protocol == -1:
            return f"rule {self.label}: {self.action} all traffic {way} {self.cidr}"
        return (
            f"rule {self.label}: {self.action} {protocol_name(self.protocol)} "
            f"{self.port_text} {way} {self.cidr}"
        )

    def matches(self, protocol: int, addr, port: int | None) -> bool:
        """Whether this entry applies to traffic with that protocol, remote address and port."""
        if self.protocol != -1 and self.protocol != protocol:
            return False
        if addr.version != self.network.version or addr not in self.network:
            return False
        if self.protocol in (6, 17) and self.ports is not None and port is not None:
            return self.ports[0] <= port <= self.ports[1]
        if self.protocol in (1, 58) and self.icmp_type is not None and port is not None:
            return port == self.icmp_type
        return True


@dataclass(frozen=True)
class AclDecision:
    """What a network ACL decided for one direction: allowed, the deciding rule, and why."""

    acl_id: str
    direction: str
    allowed: bool
    rule_number: int
    entry: AclEntry | None
    protocol: int
    addr: str
    ports: tuple[int, int]
    explanation: str

    @property
    def rule(self) -> str:
        """The deciding rule as the console shows it: "100" or "*"."""
        return "*" if self.rule_number == DEFAULT_RULE else str(self.rule_number)


@dataclass(frozen=True)
class NetworkAcl:
    """A network ACL: its entries (both directions, sorted by number) and associated subnets."""

    acl_id: str
    vpc_id: str
    entries: tuple[AclEntry, ...]
    subnet_ids: tuple[str, ...] = ()
    is_default: bool = False
    name: str = ""

    @classmethod
    def from_aws(cls, data: dict) -> NetworkAcl:
        """A network ACL from one item of ``describe-network-acls``' ``NetworkAcls`` list."""
        if not isinstance(data, dict):
            raise VpcError(f"NetworkAcls: each item must be a dict, got {type(data).__name__}")
        acl_id = data.get("NetworkAclId")
        if not acl_id or not isinstance(acl_id, str):
            raise VpcError("NetworkAcls: a network ACL has no NetworkAclId")
        entries = [AclEntry.from_aws(e, acl_id) for e in data.get("Entries", [])]
        entries.sort(key=lambda e: (e.egress, e.rule_number))
        return cls(
            acl_id=acl_id,
            vpc_id=data.get("VpcId", ""),
            entries=tuple(entries),
            subnet_ids=tuple(
                a["SubnetId"] for a in data.get("Associations", []) if "SubnetId" in a
            ),
            is_default=bool(data.get("IsDefault", False)),
            name=_name(data),
        )

    def rules(self, direction: str) -> tuple[AclEntry, ...]:
        """The entries for one direction, in the order AWS evaluates them.

        >>> NetworkAcl("acl-1", "vpc-1", ()).rules("inbound")
        ()
        """
        egress = direction_name(direction) == "outbound"
        return tuple(e for e in self.entries if e.egress == egress)

    def evaluate(
        self, direction: str, protocol: str | int, addr: str, port: int | None = None
    ) -> AclDecision:
        """Decide one packet: the first matching rule in number order wins, else ``*`` denies.

        ``addr`` is the remote address (the source for inbound, the destination for outbound),
        ``port`` the destination port of the packet.

        >>> acl = NetworkAcl("acl-1", "vpc-1", ())
        >>> acl.evaluate("outbound", "tcp", "10.0.2.5", 5432).rule
        '*'
        """
        ports = None if port is None else (int(port), int(port))
        return self.evaluate_ports(direction, protocol, addr, ports)

    def evaluate_ports(
        self,
        direction: str,
        protocol: str | int,
        addr: str,
        ports: tuple[int, int] | None,
    ) -> AclDecision:
        """Decide packets to every port in ``ports``: allowed only if all of them are.

        Used for return traffic, which goes to the client's ephemeral port, one of 1024-65535.
        The decision names the first rule that denies a part of the range.

        >>> acl = NetworkAcl.from_aws({"NetworkAclId": "acl-1", "Entries": [
        ...     {"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": True,
        ...      "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 32768, "To": 65535}}]})
        >>> decision = acl.evaluate_ports("outbound", "tcp", "203.0.113.5", (1024, 65535))
        >>> decision.allowed, decision.rule, decision.ports
        (False, '*', (1024, 32767))
        """
        direction = direction_name(direction)
        proto = protocol_number(protocol)
        remote = parse_addr(addr, f"{self.acl_id} {direction}")
        rules = self.rules(direction)
        span = ports or (0, 0)
        cuts = {span[0], span[1] + 1}
        if ports:
            for entry in rules:
                if entry.ports:
                    for edge in (entry.ports[0], entry.ports[1] + 1):
                        if span[0] < edge <= span[1]:
                            cuts.add(edge)
        edges = sorted(cuts)
        segments = []  # (low, high, deciding entry or None), adjacent equal deciders merged
        for low, next_low in zip(edges, edges[1:]):
            entry = next(
                (e for e in rules if e.matches(proto, remote, low if ports else None)), None
            )
            if segments and segments[-1][2] is entry:
                segments[-1] = (segments[-1][0], next_low - 1, entry)
            else:
                segments.append((low, next_low - 1, entry))
        for low, high, entry in segments:
            if entry is None or entry.action != "allow":
                return self._decision(direction, proto, addr, (low, high), entry, False, ports)
        return self._decision(direction, proto, addr, span, segments[0][2], True, ports)

    def _decision(self, direction, proto, addr, ports, entry, allowed, asked) -> AclDecision:
        way = "from" if direction == "inbound" else "to"
        port_text = "" if not asked else (
            f" port {ports[0]}" if ports[0] == ports[1] else f" ports {ports[0]}-{ports[1]}"
        )  # fmt: skip
        what = f"{direction} {protocol_name(proto)}{port_text} {way} {addr}"
        if entry is None:
            text = f"{self.acl_id}: no rule matches {what}, so the * rule denies it"
            number = DEFAULT_RULE
        else:
            verb = "allows" if allowed else "denies"
            text = f"{self.acl_id}: {entry.describe()} {verb} {what}"
            number = entry.rule_number
        return AclDecision(
            self.acl_id, direction, allowed, number, entry, proto, str(addr), ports, text
        )

    def with_entries(self, entries: list[dict] | tuple[AclEntry, ...]) -> NetworkAcl:
        """A copy with these entries added (AWS ``Entries`` dicts or AclEntry objects).

        An entry with the same number and direction as an existing one replaces it.

        >>> acl = NetworkAcl("acl-1", "vpc-1", ()).with_entries([{"RuleNumber": 100,
        ...     "Protocol": "-1", "RuleAction": "allow", "Egress": True, "CidrBlock": "0.0.0.0/0"}])
        >>> acl.evaluate("outbound", "udp", "192.0.2.1", 53).rule
        '100'
        """
        new = [e if isinstance(e, AclEntry) else AclEntry.from_aws(e, self.acl_id) for e in entries]
        keys = {(e.egress, e.rule_number) for e in new}
        kept = [e for e in self.entries if (e.egress, e.rule_number) not in keys]
        merged = sorted(kept + new, key=lambda e: (e.egress, e.rule_number))
        return NetworkAcl(
            self.acl_id, self.vpc_id, tuple(merged), self.subnet_ids, self.is_default, self.name
        )

    def __repr__(self) -> str:
        lines = [f"NetworkAcl {self.acl_id} ({', '.join(self.subnet_ids) or 'no subnets'})"]
        for direction in ("inbound", "outbound"):
            lines.append(f"  {direction}:")
            lines += [
                f"    {e.describe()}"
                for e in self.rules(direction)
                if e.rule_number != DEFAULT_RULE
            ]
            lines.append("    rule *: deny all")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = []
        for direction in ("inbound", "outbound"):
            for e in self.rules(direction):
                if e.rule_number == DEFAULT_RULE:
                    continue
                rows.append(
                    f"<tr><td>{direction}</td><td>{e.label}</td><td>{protocol_name(e.protocol)}"
                    f"</td><td>{e.port_text}</td><td>{escape(e.cidr)}</td><td>{e.action}</td></tr>"
                )
            rows.append(
                f"<tr><td>{direction}</td><td>*</td><td>all</td><td>all</td>"
                "<td>0.0.0.0/0</td><td>deny</td></tr>"
            )
        head = "".join(
            f"<th>{h}</th>" for h in ("direction", "rule", "protocol", "ports", "cidr", "action")
        )
        return (
            f"<b>{escape(self.acl_id)}</b> (subnets: {escape(', '.join(self.subnet_ids))})"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )


def _name(data: dict) -> str:
    for tag in data.get("Tags", []) or []:
        if tag.get("Key") == "Name":
            return str(tag.get("Value", ""))
    return ""
