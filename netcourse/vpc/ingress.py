"""Traffic entering a VPC through an internet gateway: its gateway route table, if it has one.

A route table associated with an internet gateway (an *edge association*,
``Associations[].GatewayId`` in describe-route-tables) routes the traffic the gateway lets in:
its ``local`` route delivers it to the destination's subnet, a route to a network interface
sends it to a middlebox appliance first
(https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html). Without one the
VPC's local routing delivers it, and no route table is consulted on the way in: a subnet's own
table routes only traffic leaving the subnet. Used by :func:`netcourse.vpc.reachability.trace`;
taught in notebooks/05-aws-vpc.ipynb and notebooks/06-packet-journey.ipynb.

>>> from netcourse.vpc import Vpc
>>> Vpc.example().route_table_for_gateway("igw-0a1b2c3d4e5f60001") is None
True
"""

from __future__ import annotations

from netcourse.vpc.paths import Hop
from netcourse.vpc.resources import RUNNING
from netcourse.vpc.tracer import Tracer

__all__ = ["edge_route"]


def edge_route(t: Tracer, igw_id: str, remote: str, local: str) -> None:
    """Traffic entering through ``igw_id`` follows its gateway route table, if it has one.

    Without an edge association the VPC's local routing delivers it straight to the
    destination's subnet (no hop: the subnets' own tables route only traffic leaving them).
    With one, the table's longest match decides: ``local`` delivers as before; a network
    interface (a middlebox appliance) receives the traffic first
    (https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html).

    >>> from netcourse.vpc import Vpc
    >>> t = Tracer(Vpc.example(), 6, 443)
    >>> edge_route(t, "igw-0a1b2c3d4e5f60001", "198.51.100.7", "10.0.1.10")
    >>> t.hops  # no gateway route table: nothing to record
    []
    """
    rtb = t.vpc.route_table_for_gateway(igw_id)
    if rtb is None:
        return
    decision = rtb.lookup(local)
    route = decision.route
    if route is None or not decision.forwarded:
        what = "has no route to" if route is None else f"has a {route.state} route for"
        t.add(
            Hop(
                component=rtb.route_table_id,
                kind="route-table",
                leg="request",
                direction="through",
                allowed=False,
                rule=route.describe() if route else "no matching route",
                reason=(
                    f"Gateway route table {rtb.route_table_id} (edge association with {igw_id}) "
                    f"{what} {local}, so the traffic entering through {igw_id} is dropped."
                ),
                src=remote,
                dst=local,
                code="NO_ROUTE_TO_DESTINATION",
                detail=decision,
            )
        )
    t.add(
        Hop(
            component=rtb.route_table_id,
            kind="route-table",
            leg="request",
            direction="through",
            allowed=True,
            rule=route.describe(),
            reason=(
                f"Gateway route table {rtb.route_table_id} (edge association with {igw_id}) "
                f"routes the traffic entering the VPC: {local} matches {route.destination} -> "
                f"{route.target} (longest prefix)."
            ),
            src=remote,
            dst=local,
            detail=decision,
        )
    )
    if route.kind in ("network-interface", "instance"):
        _middlebox(t, route, remote, local)


def _middlebox(t: Tracer, route, remote: str, local: str) -> None:
    """A gateway route table sends the traffic to an appliance's interface (a middlebox).

    AWS hands the packet to the interface unchanged; it must be attached to a running instance
    and have its source/destination check off, and its subnet's network ACL and its security
    groups apply. Whether the appliance's software passes the packet on to
    ``local`` is not in the data, so the path ends there as unknown.
    """
    vpc = t.vpc
    if route.kind == "instance":
        eni = vpc.instances[route.target].primary
    else:
        eni = vpc.interfaces[route.target]
    name = eni.instance_id or eni.eni_id
    inst = vpc.instances.get(eni.instance_id) if eni.instance_id else None
    if inst is None or inst.state != RUNNING:
        t.block(
            component=eni.eni_id if inst is None else inst.instance_id,
            kind="network-interface" if inst is None else "instance",
            code="BAD_STATE",
            reason=(
                f"The gateway route table sends the traffic for {local} to {eni.eni_id}, which "
                + (
                    "is attached to no instance"
                    if inst is None
                    else f"belongs to {inst.label} ({inst.instance_id}), {inst.state}"
                )
                + ": a middlebox's interface must be attached to a running instance."
            ),
            src=remote,
            dst=local,
        )
    if eni.source_dest_check:
        t.block(
            component=eni.eni_id,
            kind="network-interface",
            code="ENI_SOURCE_DEST_CHECK",
            reason=(
                f"The gateway route table sends the traffic for {local} to {eni.eni_id} of "
                f"{name}, whose source/destination check is on: it drops traffic that is not "
                "addressed to one of its own addresses. A middlebox needs it off "
                "(modify-network-interface-attribute --no-source-dest-check)."
            ),
            src=remote,
            dst=local,
        )
    here = eni.private_ip or eni.addresses[0]
    t.acl(eni.subnet_id, "inbound", remote, here, "request")
    t.sg(eni, "inbound", remote)
    t.unknown(
        component=eni.eni_id,
        kind="network-interface",
        code="NOT_MODELLED",
        reason=(
            f"Unknown: not modelled. The middlebox {name} ({eni.eni_id}) receives the traffic for "
            f"{local} unchanged; whether its software passes it on is not in the data. The "
            "reply must come back through the same appliance (AWS does not support asymmetric "
            "routing through a middlebox)."
        ),
        src=remote,
        dst=local,
    )
