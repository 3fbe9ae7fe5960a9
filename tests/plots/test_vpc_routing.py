"""The VPC figure, measured as drawn: no path line crosses a label, every id is shown whole.

Label boxes and line segments come from the rendered figure (matplotlib's renderer, in display
pixels), for every shipped example and every pair of endpoints it has, the 14-hop path included.
"""

from __future__ import annotations

import re

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox

from netcourse.errors import VpcError
from netcourse.plots.vpc import topology
from netcourse.vpc import Vpc, examples


def _labels(fig) -> list[tuple[str, Bbox]]:
    """Each text drawn (and the title), with its box: the text's extent, its frame included."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    found = []
    for text in [*ax.texts, ax.title]:
        if not text.get_text() or not text.get_visible():
            continue
        if text.get_gid() != "label" and text is not ax.title:
            continue  # the hop numbers inside the path's own markers
        extent = text.get_window_extent(renderer)
        frame = text.get_bbox_patch()
        if frame is not None:
            extent = Bbox.union([extent, frame.get_window_extent(renderer)])
        found.append((text.get_text(), extent))
    return found


def _paths(fig) -> list[list[tuple[float, float]]]:
    """The path's polylines, hop to hop, in display pixels."""
    lines = [line for line in fig.axes[0].lines if (line.get_gid() or "").startswith("path-")]
    return [[tuple(p) for p in line.get_transform().transform(line.get_xydata())] for line in lines]


def _crosses(a, b, box: Bbox, margin: float = 0.5) -> bool:
    """Whether segment a-b enters ``box`` shrunk by ``margin`` pixels (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = box.x0 + margin, box.y0 + margin, box.x1 - margin, box.y1 - margin
    if x0 >= x1 or y0 >= y1:
        return False
    (ax_, ay), (bx, by) = a, b
    dx, dy = bx - ax_, by - ay
    low, high = 0.0, 1.0
    for p, q in ((-dx, ax_ - x0), (dx, x1 - ax_), (-dy, ay - y0), (dy, y1 - ay)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def crossings(fig) -> list[str]:
    """Every (label, segment) pair where a path line runs across a label box.

    A label that holds one of the polyline's own endpoints (the hop it joins) is exempt.
    """
    labels = _labels(fig)
    found = []
    for points in _paths(fig):
        ends = (points[0], points[-1])
        for text, box in labels:
            if any(box.contains(*end) for end in ends):
                continue
            for a, b in zip(points, points[1:]):
                if _crosses(a, b, box):
                    found.append(f"{text!r} crossed by {a}->{b}")
    return found


def _endpoints(vpc) -> list[str]:
    names = ["internet", *(inst.label for inst in vpc.instances.values())]
    names += [e.label for e in vpc.interfaces.values() if e.instance_id is None]
    return list(dict.fromkeys(names))


def _paths_of(vpc):
    for src in _endpoints(vpc):
        for dst in _endpoints(vpc):
            if src == dst:
                continue
            try:
                yield vpc.reachability(src, dst, 443)
            except VpcError:  # an endpoint the model cannot route from (a NAT's own ENI)
                continue


@pytest.mark.parametrize("name", sorted(examples()))
def test_no_path_line_crosses_a_label_in_any_example(name):
    vpc = Vpc.example(name)
    drawn = 0
    problems = []
    for path in _paths_of(vpc):
        fig = topology(vpc, path)
        assert _paths(fig), f"{path.src}->{path.dst}: no path drawn"
        problems += [f"{path.src}->{path.dst}: {p}" for p in crossings(fig)]
        drawn += 1
    assert drawn >= 3
    assert problems == []


def test_the_longest_path_and_each_of_its_steps_cross_no_label():
    vpc = Vpc.example("three-tier")
    path = vpc.reachability("app", "internet", 443)
    assert len(path.hops) == 14 and path.reachable
    for step in (None, *range(1, len(path.hops) + 1)):
        fig = topology(vpc, path, step)
        assert crossings(fig) == [], step
    segments = sum(len(points) - 1 for points in _paths(topology(vpc, path)))
    assert segments >= 13  # every hop joined to the one before


def test_the_check_sees_a_line_drawn_across_a_label():
    """The measurement itself: a line laid over the web server's label is reported."""
    vpc = Vpc.example("three-tier")
    fig = topology(vpc, vpc.reachability("internet", "web", 443))
    (box,) = [box for text, box in _labels(fig) if text.startswith("web ")]
    ax = fig.axes[0]
    inverse = ax.transData.inverted()
    (x0, y), (x1, _) = inverse.transform([(box.x0 - 20, box.y0 + 2), (box.x1 + 20, box.y0 + 2)])
    ax.plot([x0, x1], [y, y], gid="path-request")
    assert any("'web 10.0.1.10" in problem for problem in crossings(fig))


ID = re.compile(r"\b(?:vpc|subnet|acl|rtb|igw|nat|pcx|eni|i|sg)-[0-9a-f]{8,17}\b")


@pytest.mark.parametrize("name", sorted(examples()))
def test_resource_ids_are_drawn_whole_on_one_line(name):
    vpc = Vpc.example(name)
    path = next(iter(_paths_of(vpc)))
    texts = [text for text, _ in _labels(topology(vpc, path))]
    lines = [line for text in texts for line in text.split("\n")]
    assert not any("…" in line for line in lines), "no id is shortened"
    shown = {m for line in lines for m in ID.findall(line)}
    expected = {vpc.nacl_for_subnet(s).acl_id for s in vpc.subnets}
    expected |= {vpc.route_table_for_subnet(s).route_table_id for s in vpc.subnets}
    expected |= set(vpc.nat_gateways) | set(vpc.internet_gateways) | set(vpc.peering_connections)
    expected |= {s.subnet_id for s in vpc.subnets.values() if not s.name}
    assert expected <= shown, expected - shown
    for line in lines:  # an id cut at a line end would leave a short "prefix-hex" fragment
        for fragment in re.findall(r"\b(?:vpc|subnet|acl|rtb|igw|nat|pcx|eni)-[0-9a-f]*$", line):
            assert ID.fullmatch(fragment), f"{fragment!r} is broken across lines"


@pytest.mark.parametrize("name", sorted(examples()))
def test_every_label_fits_inside_its_subnet(name):
    """Boxes are sized to their text: a subnet's labels end inside the subnet's box."""
    from matplotlib.patches import FancyBboxPatch

    vpc = Vpc.example(name)
    fig = topology(vpc)
    labels = _labels(fig)
    renderer = fig.canvas.get_renderer()  # the Agg canvas _labels drew on
    patches = [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    subnet_boxes = [p.get_window_extent(renderer) for p in patches if p.get_fill()]
    inside = 0
    for text, box in labels:
        for subnet in subnet_boxes:
            if subnet.x0 <= box.x0 <= subnet.x1 and subnet.y0 <= box.y0 <= subnet.y1:
                assert box.x1 <= subnet.x1 + 0.5, f"{text!r} runs out of its subnet"
                inside += 1
    assert inside >= 3 * len(vpc.subnets)  # name, cidr line, ACL and route table ids
