"""The topology figure: every instance inside its subnet, the blocking hop marked, steps."""

from netcourse.plots.vpc import layout, topology
from netcourse.style import NEUTRALS, PALETTE
from netcourse.vpc import Vpc


def test_layout_puts_each_instance_inside_its_subnet():
    vpc = Vpc.example()
    spots = layout(vpc)
    boxes = spots["_boxes"]
    for inst in vpc.instances.values():
        x, y = spots[inst.instance_id]
        bx, by, bw, bh = boxes[inst.subnet_id]
        assert bx < x < bx + bw and by < y < by + bh


def test_topology_highlights_the_blocking_hop():
    vpc = Vpc.example("sg-missing-port")
    fig = topology(vpc, vpc.reachability("internet", "web", 443))
    ax = fig.axes[0]
    assert "blocked by sg-" in ax.get_title(loc="left")
    assert any("ENI_SG_RULES_MISMATCH" in t.get_text() for t in ax.texts)


def test_topology_step_shows_the_first_hops_only():
    vpc = Vpc.example()
    path = vpc.reachability("app", "internet", 443)
    fig = topology(vpc, path, step=2)
    assert f"hops 1-{2} of {len(path.hops)}" in fig.axes[0].get_title(loc="left")


def test_topology_colours_come_from_the_palette():
    from matplotlib.colors import to_hex

    vpc = Vpc.example("sg-missing-port")
    ax = topology(vpc, vpc.reachability("internet", "web", 443)).axes[0]
    used = {to_hex(t.get_color()) for t in ax.texts}
    used |= {to_hex(line.get_color()) for line in ax.lines}
    known = {to_hex(c) for c in (*PALETTE.values(), *NEUTRALS.values(), "white", "black")}
    assert used <= known, used - known


def test_interfaces_without_an_instance_are_drawn_in_their_subnet():
    vpc = Vpc.example("my-account")
    orders = next(e for e in vpc.interfaces.values() if e.kind == "lambda")
    spots = layout(vpc)
    x, y = spots[orders.eni_id]
    bx, by, bw, bh = spots["_boxes"][orders.subnet_id]
    assert bx < x < bx + bw and by < y < by + bh
    fig = topology(vpc, vpc.reachability(orders.eni_id, "db", 5432))
    assert any(t.get_text() == "orders-eni 10.0.2.40" for ax in fig.axes for t in ax.texts)
