"""The tracer behind :func:`netcourse.vpc.reachability.trace`: it collects a path's hops.

Each method checks one component (security groups, a network ACL, a route table) or records
a gateway's decision, adds a :class:`~netcourse.vpc.paths.Hop`, and raises :class:`Blocked` at
the first hop that stops the path. Taught in notebooks/05-aws-vpc.ipynb.

>>> from netcourse.vpc import Vpc
>>> t = Tracer(Vpc.example(), 6, 443)
>>> t.ret_ports
(1024, 65535)
"""

from __future__ import annotations

from netcourse.vpc.acls import AclDecision
from netcourse.vpc.paths import Hop, Translation
from netcourse.vpc.resources import (
    EPHEMERAL_PORTS,
    ICMP_PROTOCOLS,
    NO_GROUP_KINDS,
    protocol_name,
    return_ports,
)
from netcourse.vpc.routing import RouteDecision

__all__ = ["Tracer", "Blocked"]


class Blocked(Exception):
    """Raised when a hop stops the path; the tracer's hops say where and why."""

    pass


class Tracer:
    """Collects the hops of one request and its response, stopping at the first block."""

    def __init__(self, vpc, protocol: int, port: int | None, version: int = 4):
        self.vpc = vpc
        self.proto = protocol
        self.port = port
        #: the IP version of the question (4 or 6): which address of each interface is used
        self.version = version
        #: the address an endpoint named explicitly, by ENI id (a secondary IPv6, say)
        self.addrs: dict[str, str] = {}
        #: the interfaces the request was routed through (a NAT instance), against loops
        self.visited: set[str] = set()
        self.hops: list[Hop] = []
        self.response: list = []  # callables, in request order; run in reverse afterwards
        #: where the reply goes: the client's ephemeral ports, or the ICMP reply type
        self.ret_ports = return_ports(protocol, port)

    def addr(self, eni) -> str:
        """The address of ``eni`` that this question uses (its IPv4 or IPv6 address)."""
        return self.addrs.get(eni.eni_id) or eni.address(self.version) or eni.private_ip

    def add(self, hop: Hop) -> None:
        self.hops.append(hop)
        if not hop.allowed:
            raise Blocked

    # ----- components -----

    def sg(self, eni, direction: str, addr: str) -> None:
        if not eni.group_ids and eni.kind in NO_GROUP_KINDS:
            local = self.addr(eni)
            self.add(
                Hop(
                    component=eni.eni_id,
                    kind="network-interface",
                    leg="request",
                    direction=direction,
                    allowed=True,
                    rule="no security group",
                    reason=(
                        f"{eni.eni_id} is the interface of a {eni.kind.replace('-', ' ')} with "
                        "no security group: AWS filters nothing there."
                    ),
                    src=addr if direction == "inbound" else local,
                    dst=local if direction == "inbound" else addr,
                    ports=self._ports(),
                )
            )
            return
        decision = self.vpc.sg_decision(eni, direction, self.proto, addr, self.port)
        groups = ", ".join(decision.group_ids) or "no security group"
        component = decision.group_id or (
            decision.group_ids[0] if decision.group_ids else eni.eni_id
        )
        rule = decision.rule.describe() if decision.rule else "no matching rule"
        local = self.addr(eni)
        src, dst = (addr, local) if direction == "inbound" else (local, addr)
        listed = None
        if not decision.allowed:
            listed = next(
                (
                    (g.group_id, r)
                    for g in self.vpc.security_groups_for(eni)
                    for r in g.rules(direction)
                    if (r.unknown_lists or r.unknown_groups) and r.covers(self.proto, self.port)
                ),
                None,
            )
        if listed is not None:
            group_id, rule_of = listed
            missing = []
            if rule_of.unknown_lists:
                lists = ", ".join(self.vpc.prefix_list_text(p) for p in rule_of.unknown_lists)
                missing.append(
                    f"the entries of prefix list {lists} are not in the data (dump them with "
                    "get-managed-prefix-list-entries)"
                )
            if rule_of.unknown_groups:
                missing.append(
                    f"security group {', '.join(rule_of.unknown_groups)} is not in the data "
                    "(another account's or VPC's), so its members are not known"
                )
            self.unknown(
                component=group_id,
                kind="security-group",
                code="NOT_MODELLED",
                reason=(
                    f"Unknown: not modelled. Security group {group_id} of {eni.eni_id} has the "
                    f"rule '{rule_of.describe()}'; {'; '.join(missing)}; so whether {addr} is "
                    "allowed by it is unknown."
                ),
                src=src,
                dst=dst,
                direction=direction,
            )
        if decision.allowed:
            reason = f"Security group {decision.group_id} of {eni.eni_id}: {rule}."
        else:
            reason = (
                f"None of the {'ingress' if direction == 'inbound' else 'egress'} rules in the "
                f"security groups of {eni.eni_id} ({groups}) apply to "
                f"{protocol_name(self.proto)}{self._port_text()} "
                f"{'from' if direction == 'inbound' else 'to'} {addr}."
            )
        self.add(
            Hop(
                component=component,
                kind="security-group",
                leg="request",
                direction=direction,
                allowed=decision.allowed,
                rule=rule,
                reason=reason,
                src=src,
                dst=dst,
                ports=self._ports(),
                code="" if decision.allowed else "ENI_SG_RULES_MISMATCH",
                detail=decision,
            )
        )

    def acl(self, subnet_id: str, direction: str, remote: str, local: str, leg: str) -> None:
        acl = self.vpc.nacl_for_subnet(subnet_id)
        ports = self._ports() if leg == "request" else self.ret_ports
        decision: AclDecision = acl.evaluate_ports(direction, self.proto, remote, ports)
        src, dst = (remote, local) if direction == "inbound" else (local, remote)
        way = "from" if direction == "inbound" else "to"
        what = f"{direction} {protocol_name(self.proto)}"
        what += _ports_text(decision.ports, ports, self.proto)
        if decision.allowed:
            reason = (
                f"Network ACL {acl.acl_id} of {subnet_id}: rule {decision.rule} allows "
                f"{what} {way} {remote}."
            )
        else:
            why = (
                f"rule {decision.rule} denies"
                if decision.entry
                else "no rule allows (rule * denies)"
            )
            reason = f"Network ACL {acl.acl_id} of {subnet_id}: {why} {what} {way} {remote}."
            if leg == "response":
                reason += (
                    " Network ACLs are stateless: the reply to the client's ephemeral ports "
                    f"{EPHEMERAL_PORTS[0]}-{EPHEMERAL_PORTS[1]} needs its own rule."
                )
        rule = decision.entry.describe() if decision.entry else "rule *: deny all"
        self.add(
            Hop(
                component=acl.acl_id,
                kind="network-acl",
                leg=leg,
                direction=direction,
                allowed=decision.allowed,
                rule=rule,
                reason=reason,
                src=src,
                dst=dst,
                ports=decision.ports if ports else None,
                code="" if decision.allowed else "SUBNET_ACL_RESTRICTION",
                detail=decision,
            )
        )

    def route(self, subnet_id: str, dst: str, src: str, leg: str = "request") -> RouteDecision:
        rtb = self.vpc.route_table_for_subnet(subnet_id)
        decision = rtb.lookup(dst)
        rule = decision.route.describe() if decision.route else "no matching route"
        if decision.route is None:
            code = "NO_RETURN_ROUTE" if leg == "response" else "NO_ROUTE_TO_DESTINATION"
            reason = f"Route table {rtb.route_table_id} of {subnet_id} has no route to {dst}."
        elif not decision.forwarded:
            code = "BAD_STATE_ROUTE"
            why = f" ({decision.route.reason})" if decision.route.reason else ""
            reason = (
                f"Route table {rtb.route_table_id} of {subnet_id}: the route "
                f"{decision.route.destination} -> {decision.route.target} is a "
                f"{decision.route.state} route{why}, so traffic to {dst} is dropped."
            )
        else:
            code = ""
            reason = (
                f"Route table {rtb.route_table_id} of {subnet_id}: {dst} matches "
                f"{decision.route.destination} -> {decision.route.target} (longest prefix)."
            )
        self.add(
            Hop(
                component=rtb.route_table_id,
                kind="route-table",
                leg=leg,
                direction="through",
                allowed=decision.forwarded,
                rule=rule,
                reason=reason,
                src=src,
                dst=dst,
                code=code,
                detail=decision,
            )
        )
        return decision

    def block(
        self, *, component: str, kind: str, code: str, reason: str, src: str, dst: str
    ) -> None:
        """Stop the request at ``component`` (a gateway or an instance) for ``code``."""
        self.add(
            Hop(
                component=component,
                kind=kind,
                leg="request",
                direction="through",
                allowed=False,
                rule="",
                reason=reason,
                src=src,
                dst=dst,
                code=code,
            )
        )

    def translate(
        self,
        *,
        component: str,
        kind: str,
        leg: str,
        rewrites: str,
        before: str,
        after: str,
        src: str,
        dst: str,
        reason: str,
    ) -> None:
        """A gateway rewrites the ``rewrites`` address ("source" or "destination")."""
        self.add(
            Hop(
                component=component,
                kind=kind,
                leg=leg,
                direction="through",
                allowed=True,
                rule=f"{rewrites} {before} -> {after}",
                reason=reason,
                src=src,
                dst=dst,
                detail=Translation(component, rewrites, before, after),
            )
        )

    def unknown(
        self,
        *,
        component: str,
        kind: str,
        code: str,
        reason: str,
        src: str,
        dst: str,
        direction: str = "through",
    ):
        """Stop the request at ``component``: the model cannot say what happens beyond it."""
        self.add(
            Hop(
                component=component,
                kind=kind,
                leg="request",
                direction=direction,
                allowed=False,
                rule="",
                reason=reason,
                src=src,
                dst=dst,
                code=code,
                unknown=True,
            )
        )

    def later(self, step) -> None:
        """Remember a response-leg check; responses run after the request, in reverse order."""
        self.response.append(step)

    def _ports(self) -> tuple[int, int] | None:
        return None if self.port is None else (self.port, self.port)

    def _port_text(self) -> str:
        if self.port is None:
            return ""
        return f" type {self.port}" if self.proto in ICMP_PROTOCOLS else f" port {self.port}"


def _ports_text(ports, asked, proto: int = 6) -> str:
    if not asked:
        return ""
    if proto in ICMP_PROTOCOLS:
        return f" type {ports[0]}"
    return f" port {ports[0]}" if ports[0] == ports[1] else f" ports {ports[0]}-{ports[1]}"
