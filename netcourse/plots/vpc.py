"""The VPC topology figure: VPCs, subnets, instances, gateways, peering, and a path on top.

The figure is laid out in inches (one data unit is one inch, drawn at that size), and every
box is sized to the text it holds, so resource ids are shown whole and never wrapped. A path
never crosses a label: each subnet keeps two vertical lanes on its left, free of text (request
on the outer one, response on the inner one), and hops are joined by orthogonal lines that run
along those lanes and along horizontal channels kept free between the rows of boxes (a bus
above the subnets of each VPC, the sky below the internet, and a floor under the VPCs).

>>> from netcourse.vpc import Vpc
>>> vpc = Vpc.example()
>>> fig = topology(vpc, vpc.reachability("internet", "web", 443))
>>> type(fig).__name__
'Figure'
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass, field

from netcourse.errors import VpcError
from netcourse.plots.style import PALETTE, new_figure
from netcourse.style import NEUTRALS

__all__ = ["topology", "layout"]

# Geometry, in inches (the figure is drawn at 1 data unit = 1 inch).
_LANE = {"request": 0.12, "response": 0.28}  #: lane x from a subnet's left edge, by leg
_TEXT_X = 0.44  #: labels start here from a subnet's left edge, right of both lanes
_SUB_GAP = 0.22  #: between two subnets, and between a subnet and its VPC's side
_ROW = 0.3  #: one instance, gateway or interface label per row
_FIRST_ROW = 0.6  #: from a subnet's top edge to its first row
_BOTTOM = 0.42  #: from the last row to the subnet's bottom edge (the ACL and route lines)
_FLOOR = 0.3  #: from the subnets' bottom to their VPC's bottom edge
_HEAD = 0.62  #: from the subnets' top to their VPC's top edge (the VPC title and the bus)
_BUS = {"request": 0.2, "response": 0.32}  #: bus y above the subnets' top edge, by leg
_SKY = {"request": 0.34, "response": 0.46}  #: channel y above the VPCs' top edge, by leg
_UNDER = {"request": -0.16, "response": -0.28}  #: floor channel y, below the VPCs
_SIDE = {"request": -0.08, "response": 0.08}  #: gateways: x offset of each leg's spot
_VPC_GAP = 0.6
_MARKER_PT = 9  #: hop marker diameter, points
_SIZES = {"vpc": 8, "subnet": 7.5, "detail": 7, "small": 6.5, "internet": 9, "title": 9}


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in inches of ``text`` at ``size`` points (its longest line), as matplotlib draws it."""
    from matplotlib.font_manager import FontProperties  # heavy: only when a figure is laid out
    from matplotlib.textpath import TextToPath  # heavy: only when a figure is laid out

    props = FontProperties(size=size, weight="bold" if bold else "normal")
    measure = TextToPath()
    return max(
        measure.get_text_width_height_descent(line, props, ismath=False)[0] / 72
        for line in text.split("\n")
    )


@dataclass
class _Plan:
    """Where everything goes: ids -> spots and boxes, the labels' text, the channels."""

    spots: dict[str, tuple[float, float]] = field(default_factory=dict)
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    vpc_of: dict[str, str] = field(default_factory=dict)  #: component or subnet -> vpc id
    subnet_of: dict[str, str] = field(default_factory=dict)  #: thing -> subnet id
    titles: dict[str, str] = field(default_factory=dict)  #: vpc id -> its title
    #: vpc id -> x of its gate: the label-free column from the bus up through the VPC's top
    #: edge, right of its title (where its internet gateway sits, if it has one)
    gates: dict[str, float] = field(default_factory=dict)
    #: pcx id -> x where its label starts: the text column of the requester's first subnet,
    #: which no lane runs through (lanes going down to a lower peering line would cross it)
    pcx_labels: dict[str, float] = field(default_factory=dict)
    top: float = 0.0  #: the subnets' top edge
    vpc_top: float = 0.0
    width: float = 0.0


def _subnet_lines(vpc, subnet) -> list[tuple[str, float]]:
    """Every line of text a subnet box holds, with its size (to size the box)."""
    kind = "public" if vpc.is_public(subnet.subnet_id) else "private"
    acl = vpc.nacl_for_subnet(subnet.subnet_id).acl_id
    rtb = vpc.route_table_for_subnet(subnet.subnet_id).route_table_id
    return [
        (subnet.name or subnet.subnet_id, _SIZES["subnet"]),
        (f"{subnet.cidr} · {kind}", _SIZES["detail"]),
        (acl, _SIZES["small"]),
        (rtb, _SIZES["small"]),
    ]


def _peering_label(pcx) -> str:
    return f"peering\n{pcx.pcx_id}"


def _things(vpc, subnet_id: str) -> list[tuple[str, str, str]]:
    """(id, label text, kind) of what sits in one subnet, one row each."""
    rows = []
    for inst in vpc.instances.values():
        if inst.subnet_id == subnet_id:
            public = f" {inst.public_ip}" if inst.public_ip else ""
            rows.append((inst.instance_id, f"{inst.label} {inst.private_ip}{public}", "instance"))
    for nat in vpc.nat_gateways.values():
        if nat.subnet_id == subnet_id:
            rows.append((nat.nat_id, f"NAT {nat.nat_id} ({nat.state})", "nat"))
    for eni in _service_enis(vpc):
        if eni.subnet_id == subnet_id:
            rows.append((eni.eni_id, f"{eni.label} {eni.private_ip}", "eni"))
    return rows


def _plan(vpc) -> _Plan:
    plan = _Plan()
    subnets_of = {
        vpc_id: [s for s in vpc.subnets.values() if s.vpc_id == vpc_id] for vpc_id in vpc.vpc_ids
    }
    rows = max([len(_things(vpc, s.subnet_id)) for s in vpc.subnets.values()] + [1])
    height = _FIRST_ROW + (rows - 1) * _ROW + _BOTTOM
    bottom = _FLOOR
    plan.top = top = bottom + height
    plan.vpc_top = vpc_top = top + _HEAD
    x = 0.0
    for vpc_id in vpc.vpc_ids:
        net = vpc.vpcs[vpc_id]
        plan.titles[vpc_id] = title = f"{net.name or vpc_id}  {', '.join(net.cidrs)}"
        sx = x + _SUB_GAP
        peerings = [p for p in vpc.peering_connections.values() if p.requester_vpc == vpc_id]
        for k, subnet in enumerate(subnets_of[vpc_id]):
            texts = _subnet_lines(vpc, subnet)
            if k == 0:
                texts += [(_peering_label(pcx), _SIZES["detail"]) for pcx in peerings]
                plan.pcx_labels.update({pcx.pcx_id: sx + _TEXT_X for pcx in peerings})
            things = _things(vpc, subnet.subnet_id)
            texts += [(label, _SIZES["detail"]) for _, label, _ in things]
            width = _TEXT_X + max(_text_width(t, size) for t, size in texts) + 0.16
            plan.boxes[subnet.subnet_id] = (sx, bottom, width, height)
            plan.spots[subnet.subnet_id] = (sx + width / 2, top)
            plan.vpc_of[subnet.subnet_id] = vpc_id
            for j, (thing, _, _) in enumerate(things):
                plan.spots[thing] = (sx + _LANE["request"], top - _FIRST_ROW - j * _ROW)
                plan.subnet_of[thing] = subnet.subnet_id
                plan.vpc_of[thing] = vpc_id
            for inst in vpc.instances.values():
                if inst.subnet_id == subnet.subnet_id:
                    for eni in inst.interfaces:
                        plan.spots.setdefault(eni.eni_id, plan.spots[inst.instance_id])
                        plan.subnet_of.setdefault(eni.eni_id, subnet.subnet_id)
                        plan.vpc_of.setdefault(eni.eni_id, vpc_id)
            sx += width + _SUB_GAP
        title_end = x + 0.12 + _text_width(title, _SIZES["vpc"], bold=True)
        width = max(sx - x, title_end - x + 0.3)
        igw = vpc.internet_gateway_for(vpc_id)
        plan.gates[vpc_id] = igw_x = max(x + width / 2, title_end + 0.35)
        if igw is not None:
            label_end = igw_x + 0.22 + _text_width(f"IGW {igw.igw_id}", _SIZES["detail"]) + 0.1
            width = max(width, label_end - x)
            plan.spots[igw.igw_id] = (igw_x, vpc_top)
            plan.vpc_of[igw.igw_id] = vpc_id
        plan.boxes[vpc_id] = (x, 0.0, width, vpc_top)
        plan.spots[vpc_id] = (x + width / 2, vpc_top)
        x += width + _VPC_GAP
    plan.width = max(x - _VPC_GAP, 1.0)
    plan.spots["internet"] = (plan.width / 2, vpc_top + 0.75)
    for k, pcx in enumerate(vpc.peering_connections.values()):
        a, b = plan.boxes.get(pcx.requester_vpc), plan.boxes.get(pcx.accepter_vpc)
        if a and b:
            mid = (a[0] + a[2] / 2 + b[0] + b[2] / 2) / 2
            plan.spots[pcx.pcx_id] = (mid, -0.5 - 0.6 * k)
    return plan


def layout(vpc) -> dict[str, tuple[float, float]]:
    """Where each component sits in the figure, in inches: id -> (x, y) (also subnets, "internet").

    Under ``"_boxes"``: each VPC's and subnet's box, id -> (x, y, width, height).

    >>> from netcourse.vpc import Vpc
    >>> spots = layout(Vpc.example())
    >>> spots["internet"][1] > spots["igw-0a1b2c3d4e5f60001"][1] > spots["i-0a1b2c3d4e5f60001"][1]
    True
    """
    plan = _plan(vpc)
    return {**plan.spots, "_boxes": dict(plan.boxes)}  # type: ignore[dict-item]


def _service_enis(vpc) -> list:
    """Interfaces with no instance behind them (a Lambda function's, a load balancer's...),
    except NAT gateways', which are drawn as the gateway."""
    return [e for e in vpc.interfaces.values() if e.instance_id is None and e.kind != "nat-gateway"]


@dataclass(frozen=True)
class _Point:
    """A hop's spot: where, and which channels reach it (``vpc`` None for the internet)."""

    x: float
    y: float
    vpc: str | None
    role: str  # "lane" (inside a subnet), "gateway", "internet" or "peering"


def _lane_point(plan: _Plan, subnet_id: str, y: float, leg: str) -> _Point:
    sx = plan.boxes[subnet_id][0]
    return _Point(sx + _LANE[leg], y, plan.vpc_of[subnet_id], "lane")


def _thing_point(plan: _Plan, thing: str, leg: str) -> _Point | None:
    if thing not in plan.spots:
        return None
    if thing in plan.subnet_of:
        return _lane_point(plan, plan.subnet_of[thing], plan.spots[thing][1], leg)
    x, y = plan.spots[thing]
    if thing == "internet":
        return _Point(x + _SIDE[leg], y, None, "internet")
    if thing.startswith("pcx-"):
        return _Point(x + _SIDE[leg], y, None, "peering")
    return _Point(x + _SIDE[leg], y, plan.vpc_of.get(thing), "gateway")


def _where(vpc, hop, plan: _Plan) -> _Point | None:
    """The figure position of one hop.

    Security groups sit at the instance's row, network ACLs on the subnet's top edge (the
    boundary they guard: inbound just outside, outbound just inside), route tables at the
    bottom of the subnet's lane, beside the route table's id.
    """
    if hop.kind not in ("network-acl", "route-table", "security-group"):
        return _thing_point(plan, hop.component, hop.leg)
    if hop.kind == "security-group":
        addr = hop.src if hop.direction == "outbound" else hop.dst
        for eni in vpc.interfaces.values():
            if addr in eni.addresses and (eni.instance_id or eni.eni_id) in plan.spots:
                return _thing_point(plan, eni.instance_id or eni.eni_id, hop.leg)
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
            if ip in subnet.network and subnet.subnet_id in plan.boxes:
                if hop.kind == "network-acl":
                    y = plan.top + (0.07 if hop.direction == "inbound" else -0.07)
                else:
                    y = plan.boxes[subnet.subnet_id][1] + 0.12
                return _lane_point(plan, subnet.subnet_id, y, hop.leg)
    return None


def _route(a: _Point, b: _Point, leg: str, plan: _Plan) -> list[tuple[float, float]]:
    """The corners of an orthogonal line from ``a`` to ``b`` through label-free channels."""
    if abs(a.x - b.x) < 1e-9:
        return [(a.x, a.y), (b.x, b.y)]
    if {a.role, b.role} == {"internet", "lane"}:  # down the VPC's gate, then along the bus
        outer, inner = (a, b) if a.role == "internet" else (b, a)
        sky, bus = plan.vpc_top + _SKY[leg], plan.top + _BUS[leg]
        gate = plan.gates[inner.vpc] + _SIDE[leg]
        corners = [(outer.x, outer.y), (outer.x, sky), (gate, sky), (gate, bus)]
        corners += [(inner.x, bus), (inner.x, inner.y)]
        return corners if outer is a else corners[::-1]
    if "internet" in (a.role, b.role):
        channel = plan.vpc_top + _SKY[leg]
    elif b.role == "peering":
        channel = b.y
    elif a.role == "peering":
        channel = a.y
    elif a.vpc == b.vpc and a.vpc is not None:
        channel = plan.top + _BUS[leg]
    else:
        channel = _UNDER[leg]
    return [(a.x, a.y), (a.x, channel), (b.x, channel), (b.x, b.y)]


def topology(vpc, path=None, step: int | None = None):
    """Draw the VPCs, subnets, instances and gateways; highlight ``path`` up to hop ``step``.

    The request is drawn in blue, the response in orange (dashed); the hop that blocks the
    path gets a red cross, and its reason is written under the title. Drawn at its display
    size (one data unit per inch). Taught in notebooks/05-aws-vpc.ipynb.
    """
    from matplotlib.patches import FancyBboxPatch  # matplotlib is heavy: loaded when drawing

    plan = _plan(vpc)
    title, note = "VPC topology", ""
    if path is not None:
        title, note = _titles(path, step)
    bottom = min([-0.35] + [y - 0.45 for k, (_, y) in plan.spots.items() if k.startswith("pcx-")])
    caption_y = bottom - 0.05
    top = plan.vpc_top + 1.05 + (0.3 if note else 0.05)
    width = max(
        plan.width,
        _text_width(title, _SIZES["title"]),
        _text_width(note, _SIZES["detail"], bold=True) if note else 0.0,
    )
    left = -0.1
    span_x = math.ceil((width + 0.2) * 10) / 10  # whole tenths of an inch: a tidy figure size
    span_y = math.ceil((top - caption_y + 0.25) * 10) / 10
    fig, ax = new_figure(span_x, span_y)
    ax.set_position((0, 0, 1, 1))
    ax.set_xlim(left, left + span_x)  # one data unit per inch, both ways
    ax.set_ylim(top - span_y, top)
    ax.set_axis_off()
    for vpc_id in vpc.vpc_ids:
        x, y, w, h = plan.boxes[vpc_id]
        ax.add_patch(
            FancyBboxPatch(
                (x, y), w, h, boxstyle="round,pad=0.02", fill=False, lw=1.4, ec=PALETTE["black"]
            )
        )
        ax.text(
            x + 0.12,
            y + h - 0.06,
            plan.titles[vpc_id],
            fontsize=_SIZES["vpc"],
            fontweight="bold",
            va="top",
            gid="label",
        )
    for subnet in vpc.subnets.values():
        _draw_subnet(ax, vpc, subnet, plan, FancyBboxPatch)
    for igw in vpc.internet_gateways.values():
        if igw.igw_id not in plan.spots:
            continue
        cx, cy = plan.spots[igw.igw_id]
        ax.text(
            cx + 0.22,
            cy,
            f"IGW {igw.igw_id}",
            ha="left",
            va="center",
            fontsize=_SIZES["detail"],
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": PALETTE["green"]},
            gid="label",
        )
        a = _Point(cx, cy, None, "gateway")
        b = _Point(*plan.spots["internet"], None, "internet")
        xs, ys = zip(*_route(a, b, "request", plan))
        ax.plot(xs, ys, color=NEUTRALS["faint"], lw=1, zorder=0)
    ix, iy = plan.spots["internet"]
    ax.text(
        ix,
        iy + 0.2,
        "internet",
        ha="center",
        va="bottom",
        fontsize=_SIZES["internet"],
        bbox={"boxstyle": "round4", "fc": NEUTRALS["background"], "ec": NEUTRALS["muted"]},
        gid="label",
    )
    for pcx in vpc.peering_connections.values():
        if pcx.pcx_id not in plan.spots:
            continue
        mx, my = plan.spots[pcx.pcx_id]
        ra, rb = plan.boxes[pcx.requester_vpc], plan.boxes[pcx.accepter_vpc]
        xa, xb = ra[0] + ra[2] / 2, rb[0] + rb[2] / 2
        style = "-" if pcx.active else ":"
        ax.plot([xa, xa, xb, xb], [0, my, my, 0], style, color=PALETTE["purple"], lw=1.4)
        ax.text(
            plan.pcx_labels.get(pcx.pcx_id, mx),
            my - 0.1,
            _peering_label(pcx),
            ha="left",
            va="top",
            fontsize=_SIZES["detail"],
            color=PALETTE["purple"],
            gid="label",
        )
    ax.set_title(title, fontsize=_SIZES["title"], loc="left", pad=2)
    if note:
        ax.text(
            left + 0.05,
            top - 0.05,
            note,
            fontsize=_SIZES["detail"],
            fontweight="bold",
            color=PALETTE["vermillion"],
            va="top",
            gid="label",
        )
    ax.text(
        left + 0.05,
        caption_y,
        "subnets side by side inside each VPC (blue public, yellow private); internet above",
        fontsize=_SIZES["small"],
        color=NEUTRALS["dark"],
        va="top",
        gid="label",
    )
    if path is not None:
        _draw_path(ax, vpc, path, plan, step)
    return fig


def _draw_subnet(ax, vpc, subnet, plan: _Plan, box) -> None:
    x, y, w, h = plan.boxes[subnet.subnet_id]
    tint = PALETTE["sky"] if vpc.is_public(subnet.subnet_id) else PALETTE["yellow"]
    ax.add_patch(box((x, y), w, h, boxstyle="round,pad=0.02", fc=tint, alpha=0.25, ec=tint, lw=1.2))
    (name, name_size), (detail, detail_size), (acl, small), (rtb, _) = _subnet_lines(vpc, subnet)
    tx = x + _TEXT_X
    ax.text(tx, y + h - 0.08, name, va="top", fontsize=name_size, gid="label")
    ax.text(tx, y + h - 0.26, detail, va="top", fontsize=detail_size, gid="label")
    ax.text(
        tx,
        y + 0.05,
        f"{acl}\n{rtb}",
        va="bottom",
        fontsize=small,
        color=NEUTRALS["dark"],
        gid="label",
    )
    edges = {"instance": PALETTE["blue"], "eni": NEUTRALS["dark"]}
    for thing, label, kind in _things(vpc, subnet.subnet_id):
        if kind == "nat":
            nat = vpc.nat_gateways[thing]
            edge = PALETTE["green"] if nat.available else PALETTE["vermillion"]
        else:
            edge = edges[kind]
        ax.text(
            tx,
            plan.spots[thing][1],
            label,
            ha="left",
            va="center",
            fontsize=_SIZES["detail"],
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": edge},
            gid="label",
        )


def _titles(path, step) -> tuple[str, str]:
    """The title line, and the blocking hop's reason (or "")."""
    what = f"{path.protocol}" + ("" if path.port is None else f"/{path.port}")
    verdict = (
        "reachable"
        if path.reachable
        else f"unknown at {path.unknown_at}"
        if path.verdict == "unknown"
        else f"blocked by {path.blocked_by}"
    )
    hops = list(path.hops if step is None else path.hops[: max(0, step)])
    shown = "" if step is None else f" (hops 1-{len(hops)} of {len(path.hops)})"
    note = ""
    for n, hop in enumerate(hops, 1):
        if not hop.allowed:
            note = f"✗ hop {n}: {hop.kind} {hop.component}: {hop.code}"
    return f"{path.src} -> {path.dst} {what}: {verdict}{shown}", note


def _draw_path(ax, vpc, path, plan: _Plan, step) -> None:
    """Orthogonal lines hop by hop (gid ``path-request`` / ``path-response``), numbered spots."""
    hops = list(path.hops if step is None else path.hops[: max(0, step)])
    points = [(_endpoint_point(vpc, path.src, plan), "request")]
    points += [(_where(vpc, hop, plan), hop.leg) for hop in hops]
    shrink = _MARKER_PT / 2
    for (a, _), (b, leg) in zip(points, points[1:]):
        if a is None or b is None or (a.x, a.y) == (b.x, b.y):
            continue
        color = PALETTE["blue"] if leg == "request" else PALETTE["orange"]
        style = "-" if leg == "request" else "--"
        corners = _route(a, b, leg, plan)
        xs, ys = zip(*corners)
        ax.plot(xs, ys, style, color=color, lw=1.6, zorder=3, gid=f"path-{leg}")
        ax.annotate(
            "",
            xy=corners[-1],
            xytext=corners[-2],
            arrowprops={
                "arrowstyle": "-|>",
                "color": color,
                "lw": 1.6,
                "shrinkA": 0,
                "shrinkB": shrink,
            },
            zorder=3,
        )
    for n, (hop, (where, _)) in enumerate(zip(hops, points[1:]), 1):
        if where is None:
            continue
        if not hop.allowed:
            ax.plot(
                where.x, where.y, marker="X", markersize=13, color=PALETTE["vermillion"], zorder=5
            )
            continue
        tint = PALETTE["blue"] if hop.leg == "request" else PALETTE["orange"]
        ax.plot(where.x, where.y, marker="o", markersize=_MARKER_PT, color=tint, zorder=5)
        ax.text(
            where.x, where.y, str(n), ha="center", va="center", fontsize=5, color="white", zorder=6
        )


def _endpoint_point(vpc, label, plan: _Plan) -> _Point | None:
    try:
        end = vpc.endpoint(label)
    except VpcError:  # the path was computed, so this is only a label problem
        return _thing_point(plan, "internet", "request")
    if end.interface is None:
        return _thing_point(plan, "internet", "request")
    return _thing_point(plan, end.interface.instance_id or end.interface.eni_id, "request")
