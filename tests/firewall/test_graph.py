"""The graph of tables and chains: jumps and gotos read from each table's rules, depths and
unreachable chains worked out by hand; the figure draws one box per chain, one arrow per jump."""

import pytest

from netcourse.data import path as data_path
from netcourse.firewall import Firewall
from netcourse.firewall.graph import chain_graph
from netcourse.plots.firewall_graph import chain_graph_figure

TEXT = """*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER
-A DOCKER -i docker0 -j RETURN
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:a - [0:0]
:b - [0:0]
:lost - [0:0]
-A INPUT -p tcp -j a
-A INPUT -p udp -j a
-A INPUT -p icmp -g b
-A a -j b
-A lost -j a
COMMIT
"""


def test_jumps_gotos_depths_and_unreachable_chains():
    graph = chain_graph(Firewall.from_iptables(TEXT))
    assert graph.tables() == ("nat", "filter")
    assert [(j.table, j.source, j.target, j.goto, j.rules) for j in graph.jumps] == [
        ("nat", "PREROUTING", "DOCKER", False, (1,)),
        ("nat", "OUTPUT", "DOCKER", False, (1,)),
        ("filter", "INPUT", "a", False, (1, 2)),
        ("filter", "INPUT", "b", True, (3,)),
        ("filter", "a", "b", False, (1,)),
        ("filter", "lost", "a", False, (1,)),
    ]
    assert [graph.depth("filter", c) for c in ("INPUT", "a", "b", "lost")] == [0, 1, 1, None]
    assert graph.unused() == (("filter", "lost"),)
    assert [c.name for c in graph.chains("nat") if c.builtin] == [
        "PREROUTING",
        "INPUT",
        "OUTPUT",
        "POSTROUTING",
    ]
    assert [(d, n.name) for d, n, _ in graph.tree("filter")] == [
        (0, "INPUT"),
        (1, "a"),
        (2, "b"),
        (0, "FORWARD"),
        (0, "OUTPUT"),
        (0, "lost"),
    ]
    assert graph.callers("filter", "b")[0].source == "INPUT"
    assert "lost (user chain, 1 rule): no rule jumps here" in repr(graph)
    assert "<table" in graph._repr_html_()
    with pytest.raises(KeyError):
        graph.node("filter", "nope")


def test_the_figure_draws_each_chain_once_and_an_arrow_per_jump():
    graph = chain_graph(data_path("rulesets").joinpath("ufw-server.rules").read_text())
    fig = chain_graph_figure(graph)
    ax = fig.axes[0]
    boxes = [t.get_text().split("\n")[0] for t in ax.texts if t.get_bbox_patch() is not None]
    assert sorted(boxes) == sorted(node.name for node in graph.nodes)
    arrows = [child for child in ax.get_children() if type(child).__name__ == "Annotation"]
    arrows = [a for a in arrows if a.arrow_patch is not None]
    assert len(arrows) == len(graph.jumps)
    nat = chain_graph_figure(TEXT, tables=("nat",)).axes[0]
    assert [t.get_text() for t in nat.texts if t.get_bbox_patch() is None][0] == "*nat"
    assert len([t for t in nat.texts if t.get_bbox_patch() is not None]) == 5
