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
from dataclasses import KW_ONLY, dataclass, field, replace

from netcourse.errors import PortError, VpcError, quote
from netcourse.html import Markup, table
from netcourse.readers import read_port
from netcourse.vpc.resources import (
    ICMP_PROTOCOLS,
    PORT_PROTOCOLS,
    QUESTION_ICMP_CODE,
    check_depth,
    direction_name,
    name_tag,
    parse_addr,
    parse_net,
    port_range_text,
    protocol_name,
    protocol_number,
    read_dict,
    read_flag,
    read_list,
    read_number,
    read_text,
)

__all__ = [
    "AclEntry",
    "AclDecision",
    "NetworkAcl",
    "DEFAULT_RULE",
    "DEFAULT_RULE_V6",
    "HIGHEST_RULE",
    "direction_name",
]

#: AWS shows the catch-all rule as "*" and stores it as number 32767 (its IPv4 deny).
DEFAULT_RULE = 32767

#: In a VPC with an IPv6 block every network ACL also holds the IPv6 catch-all: rule number
#: 32768, deny ``::/0``, also shown as "*" (describe-network-acls prints both).
DEFAULT_RULE_V6 = 32768

#: The highest number a rule a person writes may have (AWS: 1-32766).
HIGHEST_RULE = 32766

#: The catch-all rule of each IP version.
_CATCH_ALL = {4: DEFAULT_RULE, 6: DEFAULT_RULE_V6}


@dataclass(frozen=True, kw_only=True)
class AclEntry:
    """One network ACL entry (rule): number, direction, protocol, CIDR, ports, allow or deny."""

    rule_number: int
    egress: bool
    protocol: int
    action: str
    cidr: str
    ports: tuple[int, int] | None = None
    icmp_type: int | None = None
    #: the ICMP code of ``IcmpTypeCode`` (None: every code, AWS's -1)
    icmp_code: int | None = None
    network: ipaddress.IPv4Network | ipaddress.IPv6Network = field(
        default=None, repr=False, compare=False
    )

    @classmethod
    def from_aws(cls, entry: dict, where: str = "network ACL") -> AclEntry:
        """An entry from one item of a NetworkAcl's ``Entries`` list.

        Every field is checked as AWS checks it; a VpcError names the ACL, the rule and the
        field.

        >>> AclEntry.from_aws({"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow",
        ...     "Egress": False, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}},
        ...     "acl-1").describe()
        'rule 100: allow tcp 443 from 0.0.0.0/0'
        >>> AclEntry.from_aws({"RuleNumber": 100, "Protocol": "tcp!", "RuleAction": "allow",
        ...     "CidrBlock": "0.0.0.0/0"}, "acl-1")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netcourse.errors.VpcError: acl-1 rule 100: Protocol 'tcp!': expected tcp, udp, ...
        """
        check_depth(entry, where)
        if not isinstance(entry, dict):
            raise VpcError(f"{where}: an entry must be a dict, got {type(entry).__name__}")
        for key in ("RuleNumber", "RuleAction"):
            if key not in entry:
                raise VpcError(f"{where}: an entry has no {key}")
        number = read_number(
            entry["RuleNumber"],
            where=where,
            field="RuleNumber",
            what="rule number",
            low=1,
            high=DEFAULT_RULE_V6,
        )
        where = f"{where} rule {number}"
        action = entry["RuleAction"]
        if not isinstance(action, str) or action.lower() not in ("allow", "deny"):
            raise VpcError(f"{where}: RuleAction {quote(action)}, expected 'allow' or 'deny'")
        protocol = protocol_number(entry.get("Protocol", "-1"), where=where, field="Protocol")
        egress = read_flag(entry, "Egress", where=where)
        cidr = read_text(entry, "CidrBlock", where=where) or read_text(
            entry, "Ipv6CidrBlock", where=where
        )
        if not cidr:
            raise VpcError(f"{where}: no CidrBlock or Ipv6CidrBlock")
        net = parse_net(cidr, f"{where} CidrBlock")
        catch_all = {v: k for k, v in _CATCH_ALL.items()}.get(number)
        if catch_all is not None and net.version != catch_all:
            raise VpcError(
                f"{where}: {quote(cidr)} is an IPv{net.version} block, but rule {number} is AWS's "
                f"IPv{catch_all} catch-all (rule *: deny "
                f"{'0.0.0.0/0' if catch_all == 4 else '::/0'})"
            )
        ports = None
        if protocol in PORT_PROTOCOLS and entry.get("PortRange"):
            span = read_dict(entry["PortRange"], where=where, field="PortRange")
            low, high = (
                read_number(
                    span.get(key),
                    where=where,
                    field=f"PortRange {key}",
                    what="port",
                    high=65535,
                )
                for key in ("From", "To")
            )
            if low > high:
                raise VpcError(
                    f"{where}: PortRange {low}-{high} is not a port range (From must not be "
                    "above To)"
                )
            ports = (low, high)
        icmp_type = icmp_code = None
        if protocol in ICMP_PROTOCOLS and entry.get("IcmpTypeCode"):
            codes = read_dict(entry["IcmpTypeCode"], where=where, field="IcmpTypeCode")
            value = read_number(
                codes.get("Type", -1),
                where=where,
                field="IcmpTypeCode Type",
                what="ICMP type",
                high=255,
                all_value=True,
            )
            icmp_type = None if value == -1 else value
            code = read_number(
                codes.get("Code", -1),
                where=where,
                field="IcmpTypeCode Code",
                what="ICMP code",
                high=255,
                all_value=True,
            )
            icmp_code = None if code == -1 or icmp_type is None else code
        return cls(
            rule_number=number,
            egress=egress,
            protocol=protocol,
            action=action.lower(),
            cidr=str(net),
            ports=ports,
            icmp_type=icmp_type,
            icmp_code=icmp_code,
            network=net,
        )

    @property
    def label(self) -> str:
        """The rule number as the console shows it ("*" for the catch-all rules)."""
        return "*" if self.rule_number in (DEFAULT_RULE, DEFAULT_RULE_V6) else str(self.rule_number)

    @property
    def port_text(self) -> str:
        """The ports (or ICMP type) the entry covers, as the console shows them."""
        if self.protocol in ICMP_PROTOCOLS:
            if self.icmp_type is None:
                return "all types"
            code = "" if self.icmp_code is None else f" code {self.icmp_code}"
            return f"type {self.icmp_type}{code}"
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
        if self.protocol in PORT_PROTOCOLS and self.ports is not None and port is not None:
            return self.ports[0] <= port <= self.ports[1]
        if self.protocol in ICMP_PROTOCOLS and self.icmp_type is not None and port is not None:
            code_ok = self.icmp_code is None or self.icmp_code == QUESTION_ICMP_CODE
            return port == self.icmp_type and code_ok
        return True


@dataclass(frozen=True, kw_only=True)
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
        """The deciding rule as the console shows it: "100" or "*" (32767 or 32768)."""
        return "*" if self.rule_number in (DEFAULT_RULE, DEFAULT_RULE_V6) else str(self.rule_number)


@dataclass(frozen=True)
class NetworkAcl:
    """A network ACL: its entries (both directions, sorted by number) and associated subnets."""

    acl_id: str
    vpc_id: str
    entries: tuple[AclEntry, ...]
    _: KW_ONLY
    subnet_ids: tuple[str, ...] = ()
    is_default: bool = False
    name: str = ""

    @classmethod
    def from_aws(cls, data: dict) -> NetworkAcl:
        """A network ACL from one item of ``describe-network-acls``' ``NetworkAcls`` list.

        >>> NetworkAcl.from_aws({"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 100,
        ...     "RuleAction": "allow", "CidrBlock": "10.0.0.0/8"}]}).entries[0].label
        '100'
        """
        check_depth(data, "NetworkAcls")
        if not isinstance(data, dict):
            raise VpcError(f"NetworkAcls: each item must be a dict, got {type(data).__name__}")
        acl_id = data.get("NetworkAclId")
        if not acl_id or not isinstance(acl_id, str):
            raise VpcError("NetworkAcls: a network ACL has no NetworkAclId")
        entries = [AclEntry.from_aws(e, acl_id) for e in read_list(data, "Entries", where=acl_id)]
        entries.sort(key=lambda e: (e.egress, e.rule_number))
        subnet_ids = []
        for index, item in enumerate(read_list(data, "Associations", where=acl_id)):
            association = read_dict(item, where=acl_id, field=f"Associations[{index}]")
            if "SubnetId" in association:
                subnet_ids.append(
                    read_text(association, "SubnetId", where=f"{acl_id} Associations[{index}]")
                )
        return cls(
            acl_id,
            read_text(data, "VpcId", where=acl_id),
            tuple(entries),
            subnet_ids=tuple(subnet_ids),
            is_default=read_flag(data, "IsDefault", where=acl_id),
            name=name_tag(data, acl_id),
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
        if port is not None:
            port = read_port(port, low=0)
        return self.evaluate_ports(
            direction, protocol, addr, None if port is None else (port, port)
        )

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
        if ports is not None:
            if not isinstance(ports, (tuple, list)) or len(ports) != 2:
                raise PortError(f"ports {quote(ports)}: expected (first, last), like (1024, 65535)")
            first, last = (
                read_port(p, low=0, what=w) for p, w in zip(ports, ("first port", "last port"))
            )
            if first > last:
                raise PortError(
                    f"ports {quote(ports)}: the range starts at {first} but ends at {last}"
                )
            ports = (first, last)
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
        if not asked:
            port_text = ""
        elif ports[0] == ports[1]:
            port_text = f" port {ports[0]}"
        else:
            port_text = f" ports {ports[0]}-{ports[1]}"
        what = f"{direction} {protocol_name(proto)}{port_text} {way} {addr}"
        if entry is None:
            text = f"{self.acl_id}: no rule matches {what}, so the * rule denies it"
            number = _CATCH_ALL[ipaddress.ip_address(addr).version]
        else:
            verb = "allows" if allowed else "denies"
            text = f"{self.acl_id}: {entry.describe()} {verb} {what}"
            number = entry.rule_number
        return AclDecision(
            acl_id=self.acl_id,
            direction=direction,
            allowed=allowed,
            rule_number=number,
            entry=entry,
            protocol=proto,
            addr=str(addr),
            ports=ports,
            explanation=text,
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
        return replace(self, entries=tuple(merged))

    def __repr__(self) -> str:
        lines = [f"NetworkAcl {self.acl_id} ({', '.join(self.subnet_ids) or 'no subnets'})"]
        for direction in ("inbound", "outbound"):
            lines.append(f"  {direction}:")
            rules = self.rules(direction)
            lines += [
                f"    {e.describe()}" for e in rules if e.rule_number not in _CATCH_ALL.values()
            ]
            lines.append("    rule *: deny all")
            lines += [f"    {e.describe()}" for e in rules if e.rule_number == DEFAULT_RULE_V6]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = []
        for direction in ("inbound", "outbound"):
            for e in self.rules(direction):
                if e.rule_number != DEFAULT_RULE:
                    rows.append(
                        (
                            direction,
                            e.label,
                            protocol_name(e.protocol),
                            e.port_text,
                            e.cidr,
                            e.action,
                        )
                    )
            rows.append((direction, "*", "all", "all", "0.0.0.0/0", "deny"))
        caption = Markup("<b>{}</b> (subnets: {})").format(self.acl_id, ", ".join(self.subnet_ids))
        return table(
            rows,
            header=("direction", "rule", "protocol", "ports", "cidr", "action"),
            caption=caption,
            cls="netcourse-nacl",
        )
