"""The VPC topology figure: VPCs, subnets, instances, gateways, peering, and a path on top.

>>> from netcourse.vpc import Vpc
>>> vpc = Vpc.example()
>>> fig = topology(vpc, vpc.reachability("internet", "web", 443))
>>> type(fig).__name__
'Figure'
"""

from __future__ import annotations

import ipaddress

from netcourse.errors import VpcError
from netcourse.plots.style import PALETTE, new_figure
from netcourse.style import NEUTRALS

__all__ = ["topology", "layout"]

_SUB_W, _SUB_H, _GAP = 3.0, 2.6, 0.5


def _short(resource_id: str) -> str:
    """``sg-0a1b2c3d4e5f60003`` -> ``sg-…0003`` (enough to tell the example's ids apart)."""
    if "-" not in resource_id or len(resource_id) < 12:
        return resource_id
    prefix, rest = resource_id.split("-", 1)
    return f"{prefix}-…{rest[-4:]}"


def layout(vpc) -> dict[str, tuple[float, float]]:
    """Where each component sits in the figure: id -> (x, y) centre (also subnets, "internet").

    >>> from netcourse.vpc import Vpc
    >>> spots = layout(Vpc.example())
    >>> spots["internet"][1] > spots["igw-0a1b2c3d4e5f60001"][1] > spots["i-0a1b2c3d4e5f60001"][1]
    True
    """
    spots: dict[str, tuple[float, float]] = {}
    boxes: dict[str, tuple[float, float, float, float]] = {}
    x = 0.0
    for vpc_id in vpc.vpc_ids:
        subnets = [s for s in vpc.subnets.values() if s.vpc_id == vpc_id]
        width = max(1, len(subnets)) * (_SUB_W + _GAP) + _GAP
        boxes[vpc_id] = (x, 0.0, width, _SUB_H + 2 * _GAP + 0.6)
        spots[vpc_id] = (x + width / 2, _SUB_H + 2 * _GAP + 0.6)
        for k, subnet in enumerate(subnets):
            sx = x + _GAP + k * (_SUB_W + _GAP)
            boxes[subnet.subnet_id] = (sx, _GAP, _SUB_W, _SUB_H)
            spots[subnet.subnet_id] = (sx + _SUB_W / 2, _GAP + _SUB_H - 0.35)
            members = [i for i in vpc.instances.values() if i.subnet_id == subnet.subnet_id]
            nats = [n for n in vpc.nat_gateways.values() if n.subnet_id == subnet.subnet_id]
            services = [e for e in _service_enis(vpc) if e.subnet_id == subnet.subnet_id]
            things = [i.instance_id for i in members] + [n.nat_id for n in nats]
            things += [e.eni_id for e in services]
            for j, thing in enumerate(things[:4]):
                spots[thing] = (sx + 0.3, _GAP + _SUB_H - 1.15 - j * 0.55)
            for inst in members:
                for eni in inst.interfaces:
                    spots.setdefault(
                        eni.eni_id, spots.get(inst.instance_id, spots[subnet.subnet_id])
                    )
        igw = vpc.internet_gateway_for(vpc_id)
        if igw is not None:
            spots[igw.igw_id] = (x + width / 2, boxes[vpc_id][3])
        x += width + 1.5
    total = max(x - 1.5, 1.0)
    spots["internet"] = (total / 2, boxes and max(b[3] for b in boxes.values()) + 1.4 or 4.0)
    for pcx in vpc.peering_connections.values():
        a, b = spots.get(pcx.requester_vpc), spots.get(pcx.accepter_vpc)
        if a and b:
            spots[pcx.pcx_id] = ((a[0] + b[0]) / 2, -0.6 - 0.5 * (abs(a[0] - b[0]) > 12))
    spots["_boxes"] = boxes  # type: ignore[assignment]
    return spots


def _service_enis(vpc) -> list:
    """Interfaces with no instance behind them (a Lambda function's, a load balancer's...),
    except NAT gateways', which are drawn as the gateway."""
    return [e for e in vpc.interfaces.values() if e.instance_id is None and e.kind != "nat-gateway"]


def _where(vpc, hop, spots) -> tuple[float, float] | None:
    """The figure position of one hop.

    Security groups sit at the instance's box, network ACLs on the subnet's top edge (the
    boundary they guard), route tables at the subnet's router label on its bottom edge.
    """
    if hop.kind not in ("network-acl", "route-table", "security-group"):
        return spots.get(hop.component)
    if hop.kind == "security-group":
        addr = hop.src if hop.direction == "outbound" else hop.dst
        for eni in vpc.interfaces.values():
            if addr in eni.addresses and (eni.instance_id or eni.eni_id) in spots:
                x, y = spots[eni.instance_id or eni.eni_id]
                return (x, y)
        return None
    if hop.kind == "network-acl":
        candidates = [hop.dst if hop.direction == "inbound" else hop.src]
    else:
        candidates = [hop.src, hop.dst]
    for candidate in candidates:
        try:
            ip = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        for subnet in vpc.subnets.values():
            if ip in subnet.network:
                sx, _ = spots[subnet.subnet_id]
                if hop.kind == "network-acl":
                    # four spots on the boundary: request in/out, then response in/out
                    order = (hop.leg == "response") * 2 + (hop.direction == "outbound")
                    shift = (-0.9, -0.45, 0.45, 0.9)[order]
                    return (sx + shift, _GAP + _SUB_H + 0.15)
                return (sx - 0.9, _GAP + 0.2)
    return None


def topology(vpc, path=None, step: int | None = None):
    """Draw the VPCs, subnets, instances and gateways; highlight ``path`` up to hop ``step``.

    The request is drawn in blue, the response in orange (dashed); the hop that blocks the
    path gets a red cross and its reason. Taught in notebooks/05-aws-vpc.ipynb.
    """
    from matplotlib.patches import FancyBboxPatch  # matplotlib is heavy: loaded when drawing

    spots = layout(vpc)
    boxes = spots.pop("_boxes")
    width = max(b[0] + b[2] for b in boxes.values()) if boxes else 6
    fig, ax = new_figure(max(7.0, min(14.0, width * 0.95)), 5.6)
    for vpc_id in vpc.vpc_ids:
        x, y, w, h = boxes[vpc_id]
        ax.add_patch(
            FancyBboxPatch(
                (x, y), w, h, boxstyle="round,pad=0.05", fill=False, lw=1.6, ec=PALETTE["black"]
            )
        )
        net = vpc.vpcs[vpc_id]
        ax.text(
            x + 0.15,
            y + h - 0.3,
            f"{net.name or _short(vpc_id)}  {', '.join(net.cidrs)}",
            fontsize=8,
            fontweight="bold",
            va="top",
        )
    for subnet in vpc.subnets.values():
        x, y, w, h = boxes[subnet.subnet_id]
        public = vpc.is_public(subnet.subnet_id)
        tint = PALETTE["sky"] if public else PALETTE["yellow"]
        ax.add_patch(
            FancyBboxPatch(
                (x, y), w, h, boxstyle="round,pad=0.02", fc=tint, alpha=0.25, ec=tint, lw=1.2
            )
        )
        kind = "public" if public else "private"
        ax.text(
            x + w / 2,
            y + h - 0.3,
            f"{subnet.name or _short(subnet.subnet_id)} ({kind})",
            ha="center",
            va="top",
            fontsize=7.5,
        )
        ax.text(x + w / 2, y + h - 0.6, subnet.cidr, ha="center", va="top", fontsize=7)
        acl = vpc.nacl_for_subnet(subnet.subnet_id).acl_id
        rtb = vpc.route_table_for_subnet(subnet.subnet_id).route_table_id
        ax.text(
            x + w / 2,
            y + 0.12,
            f"{_short(acl)} · {_short(rtb)}",
            ha="center",
            fontsize=6.5,
            color=NEUTRALS["dark"],
        )
    for inst in vpc.instances.values():
        if inst.instance_id not in spots:
            continue
        cx, cy = spots[inst.instance_id]
        public = f" {inst.public_ip}" if inst.public_ip else ""
        frame = {"boxstyle": "round", "fc": "white", "ec": PALETTE["blue"]}
        ax.text(
            cx + 0.22,
            cy,
            f"{inst.label} {inst.private_ip}{public}",
            ha="left",
            va="center",
            fontsize=7,
            bbox=frame,
        )
    for eni in _service_enis(vpc):
        if eni.eni_id in spots:
            cx, cy = spots[eni.eni_id]
            frame = {"boxstyle": "round", "fc": "white", "ec": NEUTRALS["dark"]}
            ax.text(
                cx + 0.22,
                cy,
                f"{eni.label} {eni.private_ip}",
                ha="left",
                va="center",
                fontsize=7,
                bbox=frame,
            )
    for nat in vpc.nat_gateways.values():
        if nat.nat_id in spots:
            cx, cy = spots[nat.nat_id]
            color = PALETTE["green"] if nat.available else PALETTE["vermillion"]
            frame = {"boxstyle": "round", "fc": "white", "ec": color}
            ax.text(
                cx + 0.22,
                cy,
                f"NAT {_short(nat.nat_id)} ({nat.state})",
                ha="left",
                va="center",
                fontsize=7,
                bbox=frame,
            )
    for igw in vpc.internet_gateways.values():
        if igw.igw_id in spots:
            cx, cy = spots[igw.igw_id]
            ax.text(
                cx + 0.25,
                cy,
                f"IGW {_short(igw.igw_id)}",
                ha="left",
                va="center",
                fontsize=7,
                bbox={"boxstyle": "round", "fc": "white", "ec": PALETTE["green"]},
            )
            ax.plot(
                [cx, spots["internet"][0]],
                [cy + 0.2, spots["internet"][1] - 0.3],
                color=NEUTRALS["faint"],
                lw=1,
                zorder=0,
            )
    ix, iy = spots["internet"]
    ax.text(
        ix,
        iy + 0.4,
        "internet",
        ha="center",
        va="center",
        fontsize=9,
        bbox={"boxstyle": "round4", "fc": NEUTRALS["background"], "ec": NEUTRALS["muted"]},
    )
    for pcx in vpc.peering_connections.values():
        a, b = spots.get(pcx.requester_vpc), spots.get(pcx.accepter_vpc)
        if not (a and b):
            continue
        mx, my = spots[pcx.pcx_id]
        ra, rb = boxes[pcx.requester_vpc], boxes[pcx.accepter_vpc]
        xa, xb = ra[0] + ra[2] / 2, rb[0] + rb[2] / 2
        style = "-" if pcx.active else ":"
        ax.plot([xa, xa, xb, xb], [0, my, my, 0], style, color=PALETTE["purple"], lw=1.4)
        ax.text(
            mx,
            my - 0.1,
            f"peering {_short(pcx.pcx_id)}",
            ha="center",
            va="top",
            fontsize=7,
            color=PALETTE["purple"],
        )
    title = "VPC topology"
    if path is not None:
        title = _draw_path(ax, vpc, path, spots, step)
    ax.set_title(title, fontsize=9, loc="left")
    top = spots["internet"][1] + 1.0
    bottom = min([-1.4] + [p[1] - 0.6 for k, p in spots.items() if k.startswith("pcx-")])
    ax.set_xlim(-0.5, width + 0.5)
    ax.set_ylim(bottom, top)
    ax.set_xlabel("subnets side by side inside each VPC (colour: blue public, yellow private)")
    ax.set_ylabel("internet above, VPC below")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def _draw_path(ax, vpc, path, spots, step) -> str:
    """Arrows hop by hop; returns the title line."""
    hops = list(path.hops if step is None else path.hops[: max(0, step)])
    start = _endpoint_spot(vpc, path.src, spots)
    points = [(start, "request")]
    for hop in hops:
        where = _where(vpc, hop, spots)
        if where is not None:
            points.append((where, hop.leg))
    for (a, _), (b, leg) in zip(points, points[1:]):
        if a is None or b is None or a == b:
            continue
        color = PALETTE["blue"] if leg == "request" else PALETTE["orange"]
        ax.annotate(
            "",
            xy=b,
            xytext=a,
            arrowprops={
                "arrowstyle": "-|>",
                "color": color,
                "lw": 2,
                "ls": "-" if leg == "request" else "--",
                "shrinkA": 5,
                "shrinkB": 5,
                "connectionstyle": "arc3,rad=0.08",
            },
        )
    for n, hop in enumerate(hops, 1):
        where = _where(vpc, hop, spots)
        if where is None:
            continue
        if not hop.allowed:
            ax.plot(*where, marker="X", markersize=16, color=PALETTE["vermillion"], zorder=5)
            ax.annotate(
                f"{n}. {hop.kind} {_short(hop.component)}: {hop.code}",
                xy=where,
                xytext=(10, 8),
                textcoords="offset points",
                fontsize=7.5,
                color=PALETTE["vermillion"],
                fontweight="bold",
                zorder=6,
            )
        else:
            tint = PALETTE["blue"] if hop.leg == "request" else PALETTE["orange"]
            ax.plot(*where, marker="o", markersize=11, color=tint, zorder=5)
            ax.text(*where, str(n), ha="center", va="center", fontsize=6, color="white", zorder=6)
    what = f"{path.protocol}" + ("" if path.port is None else f"/{path.port}")
    verdict = (
        "reachable"
        if path.reachable
        else f"unknown at {path.unknown_at}"
        if path.verdict == "unknown"
        else f"blocked by {path.blocked_by}"
    )
    shown = "" if step is None else f" (hops 1-{len(hops)} of {len(path.hops)})"
    return f"{path.src} -> {path.dst} {what}: {verdict}{shown}"


def _endpoint_spot(vpc, label, spots):
    try:
        end = vpc.endpoint(label)
    except VpcError:  # the path was computed, so this is only a label problem
        return spots.get("internet")
    if end.interface is None:
        return spots.get("internet")
    return spots.get(end.interface.instance_id or end.interface.eni_id)
