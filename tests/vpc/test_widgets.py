"""The explorer widget and the topology figure: they wire the model and survive bad input."""

import pytest

from netcourse.plots.vpc import layout, topology
from netcourse.vpc import Vpc
from netcourse.widgets.vpc import Explorer, path_html


@pytest.fixture(scope="module")
def explorer():
    return Explorer("three-tier", src="internet", dst="web", port=443)


def test_explorer_shows_the_path_and_figure(explorer):
    assert explorer.path.reachable
    assert "reachable" in explorer.result.value
    assert explorer.figure.value[:4] == b"\x89PNG"
    assert explorer.step.max == len(explorer.path.hops) == explorer.step.value


def test_explorer_names_the_blocker_and_rule():
    w = Explorer("acl-no-ephemeral", src="internet", dst="web", port=443)
    assert not w.path.reachable
    assert w.path.blocked_by in w.result.value and "rule *" in w.result.value


def test_explorer_errors_inline_and_keeps_working():
    w = Explorer("three-tier", src="internet", dst="web", port=443)
    w.dst.value = "no-such-host"
    assert "VpcError" in w.errors.value and w.path is None and w.result.value == ""
    w.port.value = "99999"
    assert "PortError" in w.errors.value
    w.dst.value, w.port.value = "web", "443"
    assert w.errors.value == "" and w.path.reachable


def test_explorer_switches_examples():
    w = Explorer("three-tier")
    w.example.value = "peering-not-transitive"
    assert "a" in w.src.options and "web" not in w.src.options
    w.src.value, w.dst.value = "a", "c"
    assert w.path.blocked_by.startswith("pcx-")


def test_step_slider_redraws(explorer):
    before = explorer.figure.value
    explorer.step.value = 1
    assert explorer.figure.value != before
    explorer.step.value = explorer.step.max


def test_explorer_repr_is_stable(explorer):
    assert repr(explorer) == "Explorer('internet' -> 'web', tcp/443)"


def test_path_html_lists_every_hop():
    path = Vpc.example().reachability("app", "internet", 443)
    assert path_html(path).count("<tr") == len(path.hops) + 1


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
    assert f"hops 1-2 of {len(path.hops)}" in fig.axes[0].get_title(loc="left")
