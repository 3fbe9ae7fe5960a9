"""Reachability: follow a connection hop by hop through a VPC and say what stops it.

The request goes out through the source's security groups (egress), its subnet's network
ACL (outbound), its subnet's route table, a gateway (internet, NAT, peering), the
destination subnet's network ACL (inbound) and the destination's security groups
(ingress). The reply comes back through the network ACLs again (they are stateless, so
they must allow the client's ephemeral ports 1024-65535, or the ICMP reply type) and the
route tables, but not through the security groups (they are stateful). The first component
that stops the traffic is ``Path.blocked_by``, and ``Path.explanation`` says why, in the
spirit of AWS Reachability Analyzer's explanations. Taught in notebooks/05-aws-vpc.ipynb.

>>> from netcourse.vpc import Vpc
>>> path = Vpc.example("sg-missing-port").reachability("internet", "web", port=443)
>>> path.reachable, path.blocked_by
(False, 'sg-0a1b2c3d4e5f60001')
"""

from __future__ import annotations

import ipaddress

from netcourse.errors import PortError, VpcError, quote
from netcourse.readers import read_int, read_port
from netcourse.vpc.ingress import edge_route
from netcourse.vpc.paths import CODES, Hop, Path, Translation
from netcourse.vpc.resources import (
    ECHO_REQUEST,
    ICMP_PROTOCOLS,
    INTERNET_ADDR,
    INTERNET_ADDR6,
    NOT_ENDPOINT_KINDS,
    PORT_PROTOCOLS,
    PROTOCOLS,
    RUNNING,
    Endpoint,
    internet_restriction,
    protocol_name,
    protocol_number,
)
from netcourse.vpc.tracer import Blocked, Tracer

__all__ = ["Hop", "Path", "Translation", "trace", "check_query", "CODES"]


def check_query(protocol: str | int, port: int | None) -> tuple[int, int | None]:
    """The protocol number and port of a reachability question, checked.

    For ICMP the "port" is the ICMP type: echo request (8, or 128 for ICMPv6) unless another
    is given (443, the default port, counts as not given). Other protocols (GRE, ESP...) have
    no ports, so the port is left out.

    >>> check_query("tcp", 443), check_query("icmp", None), check_query("icmpv6", None)
    ((6, 443), (1, 8), (58, 128))
    >>> check_query("47", 443)
    (47, None)
    >>> check_query("udp", 70000)
    Traceback (most recent call last):
    ...
    netcourse.errors.PortError: 70000: a udp port must be in 1-65535
    """
    proto = protocol_number(protocol)
    name = protocol_name(proto)
    if proto == PROTOCOLS["all"]:
        raise VpcError("protocol -1 (all): ask about one protocol, e.g. 'tcp', 'udp' or 'icmp'")
    if proto in PORT_PROTOCOLS:
        if port is None or isinstance(port, bool) or not isinstance(port, int):
            raise PortError(f"port {quote(port)}: expected an integer 1-65535 for {name}")
        port = read_port(port, what=f"{name} port")
    elif proto in ICMP_PROTOCOLS:
        if port is None or port == 443 and not isinstance(port, bool):
            port = ECHO_REQUEST[proto]
        if isinstance(port, bool) or not isinstance(port, int):
            raise VpcError(
                f"port {quote(port)}: for {name} the port is the ICMP type, an integer 0-255 "
                f"(echo request is {ECHO_REQUEST[proto]})"
            )
        port = read_int(port, what=f"{name} type", high=255, error=VpcError)
    else:
        port = None  # other protocols have no ports: rules match them on protocol alone
    return proto, port


def trace(vpc, src, dst, port: int | None = 443, protocol: str = "tcp") -> Path:
    """Follow a new connection from ``src`` to ``dst`` and its replies; see :class:`Path`.

    >>> from netcourse.vpc import Vpc
    >>> trace(Vpc.example(), "web", "app", 8080).reachable
    True
    """
    proto, port = check_query(protocol, port)
    a, b = vpc.endpoint(src), vpc.endpoint(dst)
    if a.outside and b.outside:
        raise VpcError(
            f"{quote(src)} and {quote(dst)} are both outside the VPC; one end must be inside"
        )
    t = Tracer(vpc, proto, port, _version(a, b, proto))
    try:
        a = _in_version(t, a)
        b = _in_version(t, b)
        for end, role in ((a, "source"), (b, "destination")):
            _check_state(t, end, role)
        if a.outside:
            _check_internet_address(t, a, "source")
        if b.named and b.interface is not None and a.outside:
            b = _public_end(t, b)  # from outside, a named instance is reached at its public IP
        if a.outside:
            _inbound(t, a.addr, b)
        else:
            _outbound(t, a, b)
        for step in reversed(t.response):
            step()
    except Blocked:
        pass
    return _finish(a, b, proto, port, t.hops)


def _is_internet(end: Endpoint) -> bool:
    return end.outside and end.addr in (INTERNET_ADDR, INTERNET_ADDR6)


def _version(a: Endpoint, b: Endpoint, proto: int) -> int:
    """The IP version a question is asked in: ICMPv6 or an IPv6 address at either end gives 6.

    Named ends (an instance, an ENI, "internet") follow the other end; two named ends use
    IPv4 unless one of them has no IPv4 address (an IPv6-only subnet).
    """
    wanted = {PROTOCOLS["icmpv6"]: 6, PROTOCOLS["icmp"]: 4}.get(proto)
    given = {
        e.label: ipaddress.ip_address(e.addr).version
        for e in (a, b)
        if not e.named and not _is_internet(e)
    }
    if len(set(given.values())) > 1:
        raise VpcError(
            f"{' and '.join(f'{quote(k)} (IPv{v})' for k, v in given.items())}: a connection "
            "stays in one IP version; ask with two IPv4 or two IPv6 addresses"
        )
    for label, version in given.items():
        if wanted and version != wanted:
            raise VpcError(
                f"{quote(label)} is an IPv{version} address, but {protocol_name(proto)} is the "
                f"ICMP of IPv{wanted}"
            )
    if wanted or given:
        return wanted or next(iter(given.values()))
    named = [e.interface for e in (a, b) if e.interface is not None]
    return 6 if any(not eni.private_ip for eni in named) else 4


def _in_version(t: Tracer, end: Endpoint) -> Endpoint:
    """``end`` addressed in the question's IP version (a named instance by its IPv6 address)."""
    if _is_internet(end):
        return Endpoint("internet", INTERNET_ADDR6 if t.version == 6 else INTERNET_ADDR)
    eni = end.interface
    if eni is None:
        return end
    if not end.named:  # an address the question gave: the interface uses that one
        t.addrs[eni.eni_id] = eni.private_for(end.addr) if end.public else end.addr
        return end
    addr = eni.address(t.version)
    if addr is None:
        name = eni.instance_id or eni.eni_id
        t.block(
            component=name,
            kind="instance",
            code="NO_ADDRESS_OF_THIS_VERSION",
            reason=(
                f"{name} ({eni.eni_id}) has no IPv{t.version} address"
                + (
                    "; assign one (aws ec2 assign-ipv6-addresses) in a subnet with an IPv6 block."
                    if t.version == 6
                    else ": it lives in an IPv6-only subnet, so ask over IPv6."
                )
            ),
            src=end.label,
            dst=end.label,
        )
    t.addrs[eni.eni_id] = addr
    return Endpoint(end.label, addr, eni, named=True)


def _check_state(t: Tracer, end: Endpoint, role: str) -> None:
    """A stopped, pending or stopping instance neither sends nor answers (AWS: BAD_STATE); nor
    does a detached interface, or a NAT gateway's (it only carries translated traffic)."""
    eni = end.interface
    if eni is not None and eni.kind in NOT_ENDPOINT_KINDS:
        t.block(
            component=eni.eni_id,
            kind="network-interface",
            code="NOT_AN_ENDPOINT",
            reason=(
                f"{eni.eni_id} is the interface of a {eni.kind.replace('-', ' ')} "
                f"({eni.description or 'no description'}): it carries traffic that others "
                f"send through it, and {'starts' if role == 'source' else 'answers'} no "
                "connection itself."
            ),
            src=end.label,
            dst=end.label,
        )
    if eni is not None and eni.instance_id is None and eni.status == "available":
        t.block(
            component=eni.eni_id,
            kind="network-interface",
            code="BAD_STATE",
            reason=(
                f"{eni.eni_id} is detached (status available): no instance or service is "
                f"behind it, so it {'sends' if role == 'source' else 'answers'} nothing."
            ),
            src=end.label,
            dst=end.label,
        )
    inst = t.vpc.instances.get(eni.instance_id) if eni is not None and eni.instance_id else None
    if inst is None or inst.state == RUNNING:
        return
    t.block(
        component=inst.instance_id,
        kind="instance",
        code="BAD_STATE",
        reason=(
            f"{inst.label} ({inst.instance_id}) is {inst.state}, not running, so it "
            f"{'sends nothing' if role == 'source' else 'answers nothing'}; it keeps its "
            f"private address {eni.addresses[0]}."
        ),
        src=end.label,
        dst=end.label,
    )


#: AWS's codes for an internet gateway dropping an address the internet does not carry.
_RESTRICTED = {
    ("source", "RFC1918"): "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS",
    ("source", "RFC6598"): "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS",
    ("source", "other"): "SOURCE_NOT_ON_THE_INTERNET",
    ("destination", "RFC1918"): "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS",
    ("destination", "RFC6598"): "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS",
    ("destination", "other"): "DESTINATION_NOT_ON_THE_INTERNET",
}


def _check_internet_address(t: Tracer, end: Endpoint, role: str, via: str = "") -> None:
    """An address outside the VPC reached through an internet gateway must be an internet one."""
    found = internet_restriction(end.addr)
    if found is None:
        return
    kind, label = found
    igw = via or "the internet gateway"
    way = "from" if role == "source" else "to"
    t.block(
        component=via or "internet",
        kind="internet-gateway" if via else "internet",
        code=_RESTRICTED[role, kind],
        reason=(
            f"{end.addr} is a {label} address: it cannot be an internet host's, and {igw} "
            f"drops traffic {way} it."
        ),
        src=end.addr if role == "source" else "",
        dst="" if role == "source" else end.addr,
    )


def _public_end(t: Tracer, end: Endpoint) -> Endpoint:
    eni = end.interface
    if t.version == 6:
        return end  # AWS gives interfaces global IPv6 addresses: no public address to map
    mapped = eni.first_public
    if mapped is None:
        name = eni.instance_id or eni.eni_id
        t.block(
            component=name,
            kind="instance",
            code="IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
            reason=(
                f"{name} has no public IPv4 address (nor an Elastic IP), so nothing outside "
                f"the VPC can reach it; its private address {eni.private_ip} is not routed on "
                "the internet."
            ),
            src="internet",
            dst=eni.private_ip,
        )
    private, public = mapped
    t.addrs[eni.eni_id] = private
    return Endpoint(end.label, public, eni, public=True, named=True)


def _outbound(t: Tracer, a: Endpoint, b: Endpoint) -> None:
    vpc, eni = t.vpc, a.interface
    src_addr, dst_addr = t.addr(eni), b.addr  # traffic leaves from the private address
    t.sg(eni, "outbound", dst_addr)
    decision = vpc.route_table_for_subnet(eni.subnet_id).lookup(dst_addr)
    kind = decision.route.kind if decision.route else None
    local_same = (
        kind == "local" and b.interface is not None and b.interface.subnet_id == eni.subnet_id
    )
    if decision.forwarded and not local_same:
        t.acl(eni.subnet_id, "outbound", dst_addr, src_addr, "request")
        t.later(lambda: t.acl(eni.subnet_id, "inbound", dst_addr, src_addr, "response"))
    prefixed = vpc.route_table_for_subnet(eni.subnet_id).prefix_routes
    internet_bound = kind in (
        None,
        "internet-gateway",
        "nat-gateway",
        "egress-only-internet-gateway",
    )
    if prefixed and internet_bound and b.outside and not _is_internet(b):
        listed = prefixed[0]
        t.unknown(
            component=listed.target,
            kind=listed.kind,
            code="NOT_MODELLED",
            reason=(
                f"Unknown: not modelled. The route table also sends prefix list "
                f"{vpc.prefix_list_text(listed.prefix_list)} to {listed.target}; its entries "
                f"are not in the data, so {dst_addr} may be one of them (then it goes to "
                f"{listed.target}). Dump them with get-managed-prefix-list-entries."
            ),
            src=src_addr,
            dst=dst_addr,
        )
    t.route(eni.subnet_id, dst_addr, src_addr)
    target = decision.route.target
    if kind == "local":
        _arrive(t, src_addr, b, eni)
    elif kind == "peering-connection":
        _peering(t, decision.route.target, eni, src_addr, b)
    elif kind in ("internet-gateway", "egress-only-internet-gateway") and t.version == 6:
        egress_only = kind == "egress-only-internet-gateway"
        t.add(
            Hop(
                component=target,
                kind=kind,
                leg="request",
                direction="through",
                allowed=True,
                rule=decision.route.describe(),
                reason=(
                    f"{'Egress-only internet' if egress_only else 'Internet'} gateway {target} "
                    f"carries the IPv6 traffic from {src_addr} without translation (IPv6 "
                    "addresses in a VPC are global)"
                    + (
                        "; it is stateful: the replies come back, but the internet cannot start "
                        "a connection through it."
                        if egress_only
                        else "."
                    )
                ),
                src=src_addr,
                dst=dst_addr,
            )
        )
        _on_internet(t, src_addr, b, target)
    elif kind == "internet-gateway":
        public = eni.public_for(src_addr)
        if not public:
            name = eni.instance_id or eni.eni_id
            which = (
                "has no public IPv4 address (nor an Elastic IP)"
                if not eni.public_ips
                else f"has no public IPv4 address (nor an Elastic IP) for {src_addr}"
            )
            t.block(
                component=name,
                kind="instance",
                code="IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
                reason=(
                    f"{name} {which}: {target} only translates private addresses that have "
                    f"one, so traffic from {src_addr} cannot reach the internet."
                ),
                src=src_addr,
                dst=dst_addr,
            )
        t.translate(
            component=target,
            kind="internet-gateway",
            leg="request",
            rewrites="source",
            before=src_addr,
            after=public,
            src=src_addr,
            dst=dst_addr,
            reason=(
                f"Internet gateway {target} translates the source {src_addr} to its public "
                f"address {public}."
            ),
        )
        t.later(
            lambda: t.translate(
                component=target,
                kind="internet-gateway",
                leg="response",
                rewrites="destination",
                before=public,
                after=src_addr,
                src=dst_addr,
                dst=src_addr,
                reason=(
                    f"Internet gateway {target} translates the reply's destination {public} "
                    f"back to {src_addr}."
                ),
            )
        )
        _on_internet(t, public, b, target)
    elif kind == "nat-gateway":
        _nat(t, vpc.nat_gateways[target], eni, src_addr, b)
    elif kind in ("network-interface", "instance"):
        _appliance(t, decision.route, eni, src_addr, b)
    else:
        t.unknown(
            component=target,
            kind=kind or "unknown",
            code="NOT_MODELLED",
            reason=(
                f"Unknown: not modelled. The route to {dst_addr} "
                f"({decision.route.destination}) goes to {target}, a {kind}; this model does "
                "not follow that kind of target, so it cannot say whether the traffic arrives."
            ),
            src=src_addr,
            dst=dst_addr,
        )


def _arrive(t: Tracer, src_addr: str, b: Endpoint, src_eni) -> None:
    """Local delivery inside one VPC: subnet boundary (if crossed) and the destination's SGs."""
    eni = b.interface
    if b.outside or eni.vpc_id != src_eni.vpc_id or b.public:
        # the address is inside the source's VPC CIDR, so the local route keeps it there; the
        # interface the question names lives elsewhere (an unpeered VPC with the same CIDR)
        rtb = t.vpc.route_table_for_subnet(src_eni.subnet_id)
        holder = b.component if eni is not None else b.addr
        where = eni.vpc_id if eni is not None else "outside the VPC"
        t.add(
            Hop(
                component=rtb.route_table_id,
                kind="route-table",
                leg="request",
                direction="through",
                allowed=False,
                rule="local route",
                reason=(
                    f"{b.addr} is inside {src_eni.vpc_id}'s own CIDR, so the local route keeps "
                    f"the traffic in {src_eni.vpc_id}; {holder} is in {where}. VPCs with the "
                    "same CIDR cannot be peered, so traffic between them never leaves either."
                ),
                src=src_addr,
                dst=b.addr,
                code="NO_ROUTE_TO_DESTINATION",
            )
        )
    if eni.subnet_id != src_eni.subnet_id:
        local = t.addr(eni)
        t.acl(eni.subnet_id, "inbound", src_addr, local, "request")
        t.later(lambda: t.acl(eni.subnet_id, "outbound", src_addr, local, "response"))
    t.sg(eni, "inbound", src_addr)


def _peering(t: Tracer, pcx_id: str, src_eni, src_addr: str, b: Endpoint) -> None:
    vpc = t.vpc
    pcx = vpc.peering_connections[pcx_id]
    peer = pcx.peer_of(src_eni.vpc_id)
    dst_eni = b.interface
    if peer not in vpc.vpcs:
        t.unknown(
            component=pcx_id,
            kind="peering-connection",
            code="UNKNOWN_DESTINATION",
            reason=(
                f"Unknown: beyond the data. Peering connection {pcx_id} leads to {peer}, whose "
                "resources (subnets, ACLs, security groups, instances) are not in the data: "
                "another region or account. Dump that side too and load both folders."
            ),
            src=src_addr,
            dst=b.addr,
        )
    peer_vpc = vpc.vpcs[peer]
    if dst_eni is None or b.public or dst_eni.vpc_id != peer or not peer_vpc.contains(b.addr):
        where = dst_eni.vpc_id if dst_eni is not None else "outside every VPC here"
        t.block(
            component=pcx_id,
            kind="peering-connection",
            code="PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
            reason=(
                f"Peering connection {pcx_id} connects {pcx.requester_vpc} and "
                f"{pcx.accepter_vpc} and carries only traffic to the peer VPC's own CIDR "
                f"({', '.join(peer_vpc.cidrs)}); {b.addr} is in {where}. Peering is not "
                "transitive: traffic cannot pass through a peer VPC to a third network."
            ),
            src=src_addr,
            dst=b.addr,
        )
    t.add(
        Hop(
            component=pcx_id,
            kind="peering-connection",
            leg="request",
            direction="through",
            allowed=True,
            rule=pcx_id,
            reason=(
                f"Peering connection {pcx_id} carries the traffic from {src_eni.vpc_id} to {peer}."
            ),
            src=src_addr,
            dst=b.addr,
        )
    )
    t.later(lambda: _return_route(t, dst_eni, src_addr, pcx_id))
    local = t.addr(dst_eni)
    t.acl(dst_eni.subnet_id, "inbound", src_addr, local, "request")
    t.later(lambda: t.acl(dst_eni.subnet_id, "outbound", src_addr, local, "response"))
    t.sg(dst_eni, "inbound", src_addr)


def _return_route(t: Tracer, eni, remote: str, via: str) -> None:
    """The reply needs a route in the destination subnet's table back through ``via``."""
    rtb = t.vpc.route_table_for_subnet(eni.subnet_id)
    decision = rtb.lookup(remote)
    ok = decision.forwarded and decision.route.target == via
    rule = decision.route.describe() if decision.route else "no matching route"
    if ok:
        reason = (
            f"Route table {rtb.route_table_id} of {eni.subnet_id} sends the reply to {remote} "
            f"back through {via} ({decision.route.destination})."
        )
        code = ""
    elif decision.forwarded and decision.route.kind == "egress-only-internet-gateway":
        reason = (
            f"Route table {rtb.route_table_id} of {eni.subnet_id} sends the reply to {remote} "
            f"to egress-only internet gateway {decision.route.target}, which carries only "
            "connections started from inside the VPC: a connection from the internet gets no "
            "answer."
        )
        code = "EIGW_NO_INBOUND"
    else:
        found = f"it matches {decision.route.describe()}" if decision.route else "no route matches"
        reason = (
            f"Route table {rtb.route_table_id} of {eni.subnet_id} has no active route to "
            f"{remote} through {via} ({found}), so the reply cannot get back. Both sides "
            "need a route."
        )
        code = "NO_RETURN_ROUTE"
    t.add(
        Hop(
            component=rtb.route_table_id,
            kind="route-table",
            leg="response",
            direction="through",
            allowed=ok,
            rule=rule,
            reason=reason,
            src=t.addr(eni),
            dst=remote,
            code=code,
            detail=decision,
        )
    )


def _nat(t: Tracer, nat, src_eni, src_addr: str, b: Endpoint) -> None:
    vpc, dst_addr = t.vpc, b.addr
    if t.version == 6:
        t.unknown(
            component=nat.nat_id,
            kind="nat-gateway",
            code="NOT_MODELLED",
            reason=(
                f"The route to {dst_addr} goes to NAT gateway {nat.nat_id}; this model follows "
                "NAT gateways for IPv4 only (NAT64 is not modelled)."
            ),
            src=src_addr,
            dst=dst_addr,
        )
    if nat.subnet_id != src_eni.subnet_id:
        t.acl(nat.subnet_id, "inbound", src_addr, nat.private_ip or "", "request")
        t.later(
            lambda: t.acl(nat.subnet_id, "outbound", src_addr, nat.private_ip or "", "response")
        )
    if nat.connectivity != "public" or not nat.public_ip:
        t.block(
            component=nat.nat_id,
            kind="nat-gateway",
            code="NAT_NOT_PUBLIC",
            reason=(
                f"NAT gateway {nat.nat_id} has no Elastic IP (connectivity "
                f"{nat.connectivity}), so it cannot send traffic to the internet."
            ),
            src=src_addr,
            dst=dst_addr,
        )
    t.translate(
        component=nat.nat_id,
        kind="nat-gateway",
        leg="request",
        rewrites="source",
        before=src_addr,
        after=nat.private_ip,
        src=src_addr,
        dst=dst_addr,
        reason=(
            f"NAT gateway {nat.nat_id} in {nat.subnet_id} replaces the source {src_addr} with "
            f"its own address {nat.private_ip}; only connections started from inside pass."
        ),
    )
    t.later(
        lambda: t.translate(
            component=nat.nat_id,
            kind="nat-gateway",
            leg="response",
            rewrites="destination",
            before=nat.private_ip,
            after=src_addr,
            src=dst_addr,
            dst=src_addr,
            reason=f"NAT gateway {nat.nat_id} maps the reply back to {src_addr}.",
        )
    )
    decision = vpc.route_table_for_subnet(nat.subnet_id).lookup(dst_addr)
    if decision.forwarded:
        t.acl(nat.subnet_id, "outbound", dst_addr, nat.private_ip, "request")
        t.later(lambda: t.acl(nat.subnet_id, "inbound", dst_addr, nat.private_ip, "response"))
    t.route(nat.subnet_id, dst_addr, nat.private_ip)
    target = decision.route.target
    if decision.route.kind != "internet-gateway":
        t.block(
            component=nat.nat_id,
            kind="nat-gateway",
            code="NO_ROUTE_TO_DESTINATION",
            reason=(
                f"NAT gateway {nat.nat_id} must live in a public subnet, but "
                f"{nat.subnet_id}'s route to {dst_addr} goes to {target}, not to an internet "
                "gateway."
            ),
            src=nat.private_ip,
            dst=dst_addr,
        )
    t.translate(
        component=target,
        kind="internet-gateway",
        leg="request",
        rewrites="source",
        before=nat.private_ip,
        after=nat.public_ip,
        src=nat.private_ip,
        dst=dst_addr,
        reason=(
            f"Internet gateway {target} translates the NAT gateway's address "
            f"{nat.private_ip} to its Elastic IP {nat.public_ip}."
        ),
    )
    t.later(
        lambda: t.translate(
            component=target,
            kind="internet-gateway",
            leg="response",
            rewrites="destination",
            before=nat.public_ip,
            after=nat.private_ip,
            src=dst_addr,
            dst=nat.private_ip,
            reason=(
                f"Internet gateway {target} translates the reply's destination "
                f"{nat.public_ip} back to {nat.private_ip}."
            ),
        )
    )
    _on_internet(t, nat.public_ip, b, target)


def _on_internet(t: Tracer, public_src: str, b: Endpoint, via: str) -> None:
    """The request is on the internet with source ``public_src``: deliver it to ``b``."""
    if b.outside:
        _check_internet_address(t, b, "destination", via)
        t.add(
            Hop(
                component="internet",
                kind="internet",
                leg="request",
                direction="through",
                allowed=True,
                rule="",
                reason=f"The internet delivers the request from {public_src} to {b.addr}.",
                src=public_src,
                dst=b.addr,
            )
        )
        return
    if not b.public and t.version == 4:
        t.block(
            component=via,
            kind="internet-gateway",
            code=_RESTRICTED.get(
                ("destination", (internet_restriction(b.addr) or ("",))[0]),
                "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
            ),
            reason=(
                f"{b.addr} is a private address of {b.component}: it is not routed on the "
                "internet, and no route or peering connection leads to it."
            ),
            src=public_src,
            dst=b.addr,
        )
    _inbound(t, public_src, b)


def _inbound(t: Tracer, remote: str, b: Endpoint) -> None:
    """A request from an outside address to an interface's public address, through the IGW."""
    vpc, eni = t.vpc, b.interface
    if not b.public and t.version == 4:
        t.block(
            component=eni.instance_id or eni.eni_id,
            kind="instance",
            code="IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
            reason=(
                f"{b.addr} is a private address of {b.component}: nothing outside the VPC can "
                "reach it (a public IPv4 address or Elastic IP would be needed)."
            ),
            src=remote,
            dst=b.addr,
        )
    igw = vpc.internet_gateway_for(eni.vpc_id)
    if igw is None:
        t.block(
            component=eni.vpc_id,
            kind="vpc",
            code="NO_INTERNET_GATEWAY",
            reason=(
                f"No internet gateway is attached to {eni.vpc_id}, so traffic from the "
                f"internet to {b.addr} cannot enter it"
                + (
                    " (an egress-only internet gateway lets out only connections started inside)."
                    if any(eni.vpc_id in g.vpc_ids for g in vpc.egress_only_gateways.values())
                    else "."
                )
            ),
            src=remote,
            dst=b.addr,
        )
    if t.version == 6:
        local = t.addr(eni)
        t.add(
            Hop(
                component=igw.igw_id,
                kind="internet-gateway",
                leg="request",
                direction="through",
                allowed=True,
                rule="",
                reason=(
                    f"Internet gateway {igw.igw_id} carries the IPv6 traffic from {remote} to "
                    f"{local} of {eni.eni_id} without translation (IPv6 addresses in a VPC are "
                    "global)."
                ),
                src=remote,
                dst=local,
            )
        )
        t.later(lambda: _return_route(t, eni, remote, igw.igw_id))
        edge_route(t, igw.igw_id, remote, local)
        t.acl(eni.subnet_id, "inbound", remote, local, "request")
        t.later(lambda: t.acl(eni.subnet_id, "outbound", remote, local, "response"))
        t.sg(eni, "inbound", remote)
        return
    public, private = b.addr, t.addr(eni)
    t.translate(
        component=igw.igw_id,
        kind="internet-gateway",
        leg="request",
        rewrites="destination",
        before=public,
        after=private,
        src=remote,
        dst=public,
        reason=(
            f"Internet gateway {igw.igw_id} translates the destination {public} to "
            f"the private address {private} of {eni.eni_id}."
        ),
    )
    t.later(
        lambda: t.translate(
            component=igw.igw_id,
            kind="internet-gateway",
            leg="response",
            rewrites="source",
            before=private,
            after=public,
            src=private,
            dst=remote,
            reason=(
                f"Internet gateway {igw.igw_id} translates the reply's source {private} "
                f"back to {public}."
            ),
        )
    )
    t.later(lambda: _return_route(t, eni, remote, igw.igw_id))
    edge_route(t, igw.igw_id, remote, private)
    t.acl(eni.subnet_id, "inbound", remote, private, "request")
    t.later(lambda: t.acl(eni.subnet_id, "outbound", remote, private, "response"))
    t.sg(eni, "inbound", remote)


def _appliance(t: Tracer, route, src_eni, src_addr: str, b: Endpoint) -> None:
    """A route to a network interface (or an instance's primary one): a NAT instance.

    The interface must have its source/destination check off, or it drops traffic that is not
    addressed to it; its security groups and subnet's network ACL apply to the traffic coming
    in. To the internet it then does what a NAT instance does (the AWS NAT AMI's masquerade):
    the traffic leaves from its own address, as if it had started there.
    """
    vpc, target = t.vpc, route.target
    if route.kind == "instance":
        eni = vpc.instances[target].primary
    else:
        eni = vpc.interfaces[target]
    name = eni.instance_id or eni.eni_id
    inst = vpc.instances.get(eni.instance_id) if eni.instance_id else None
    if inst is not None and inst.state != RUNNING:
        t.block(
            component=inst.instance_id,
            kind="instance",
            code="BAD_STATE",
            reason=(
                f"The route {route.destination} -> {target} sends the traffic to "
                f"{inst.label} ({inst.instance_id}), which is {inst.state}, so nothing forwards it."
            ),
            src=src_addr,
            dst=b.addr,
        )
    if eni.eni_id in t.visited:
        t.block(
            component=eni.eni_id,
            kind="network-interface",
            code="NO_ROUTE_TO_DESTINATION",
            reason=f"The routes send the traffic back to {eni.eni_id}: a routing loop.",
            src=src_addr,
            dst=b.addr,
        )
    t.visited.add(eni.eni_id)
    if eni.source_dest_check:
        t.block(
            component=eni.eni_id,
            kind="network-interface",
            code="ENI_SOURCE_DEST_CHECK",
            reason=(
                f"The route {route.destination} -> {target} sends the traffic to {eni.eni_id} "
                f"of {name}, whose source/destination check is on: it drops traffic that is "
                f"neither from nor to one of its own addresses ({b.addr} is not). A NAT "
                "instance needs it off (modify-network-interface-attribute "
                "--no-source-dest-check)."
            ),
            src=src_addr,
            dst=b.addr,
        )
    here = eni.private_ip or eni.addresses[0]
    if eni.subnet_id != src_eni.subnet_id:
        t.acl(eni.subnet_id, "inbound", src_addr, here, "request")
        t.later(lambda: t.acl(eni.subnet_id, "outbound", src_addr, here, "response"))
    t.sg(eni, "inbound", src_addr)
    if not b.outside or t.version == 6:
        t.unknown(
            component=eni.eni_id,
            kind="network-interface",
            code="NOT_MODELLED",
            reason=(
                f"Unknown: not modelled. {eni.eni_id} of {name} accepts the traffic for "
                f"{b.addr}; where its operating system forwards it between networks "
                + ("over IPv6 " if t.version == 6 else "inside the VPC ")
                + "is not in the data."
            ),
            src=src_addr,
            dst=b.addr,
        )
    t.translate(
        component=eni.eni_id,
        kind="network-interface",
        leg="request",
        rewrites="source",
        before=src_addr,
        after=here,
        src=src_addr,
        dst=b.addr,
        reason=(
            f"{name} forwards the traffic as a NAT instance does: the source {src_addr} becomes "
            f"its own address {here} (its operating system's NAT, not in the data)."
        ),
    )
    t.later(
        lambda: t.translate(
            component=eni.eni_id,
            kind="network-interface",
            leg="response",
            rewrites="destination",
            before=here,
            after=src_addr,
            src=b.addr,
            dst=src_addr,
            reason=f"{name} maps the reply back to {src_addr}.",
        )
    )
    t.addrs[eni.eni_id] = here
    _outbound(t, Endpoint(eni.eni_id, here, eni), b)


def _finish(a: Endpoint, b: Endpoint, proto: int, port: int | None, hops: list[Hop]) -> Path:
    blocking = next((h for h in hops if not h.allowed), None)
    unknown = blocking is not None and blocking.unknown
    what = f"{protocol_name(proto)}" + ("" if port is None else f"/{port}")
    ends = f"{a.label} ({a.addr}) -> {b.label} ({b.addr}) {what}"
    if blocking is None:
        chain = " -> ".join(dict.fromkeys(h.component for h in hops if h.leg == "request").keys())
        explanation = (
            f"Reachable: {ends}. The request passes {chain}; every network ACL on the way back "
            "allows the reply and the security groups let it return (they are stateful)."
        )
        blocked_by = None
    elif unknown:
        explanation = (
            f"Unknown: {ends}. {blocking.code}: {blocking.reason} "
            f"(the path stops at {blocking.component})."
        )
        blocked_by = None
    else:
        explanation = (
            f"Not reachable: {ends}. {blocking.code}: {blocking.reason} "
            f"(blocked on the {blocking.leg} by {blocking.component})."
        )
        blocked_by = blocking.component
    return Path(
        src=a.label,
        dst=b.label,
        protocol=protocol_name(proto),
        port=port,
        reachable=blocking is None,
        blocked_by=blocked_by,
        hops=tuple(hops),
        explanation=explanation,
        verdict="reachable" if blocking is None else "unknown" if unknown else "blocked",
        unknown_at=blocking.component if unknown else None,
    )
