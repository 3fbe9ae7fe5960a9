"""Figure for notebooks/04-firewalls.ipynb: a ruleset's tables and chains as a graph.

One column per table; in each, the built-in chains (edged in their policy's verdict colour)
with the user chains they jump to indented below them, an arrow per jump (dashed for
``-g``) and faint arrows for jumps to a chain already drawn higher up.

>>> from netcourse.firewall import Firewall
>>> fw = Firewall.from_iptables(["-N ssh", "-A INPUT -p tcp --dport 22 -j ssh",
...                              "-A ssh -j ACCEPT"])
>>> fig = chain_graph_figure(fw)
>>> [t.get_text() for t in fig.axes[0].texts][:3]
['*filter', 'INPUT\\npolicy ACCEPT, 1 rule', 'ssh\\n1 rule']
"""

from __future__ import annotations

from netcourse.firewall.graph import ChainGraph, chain_graph
from netcourse.plots.style import new_figure
from netcourse.style import NEUTRALS, VERDICT_COLOURS

__all__ = ["chain_graph_figure"]

#: Horizontal room per table column, and the indent per jump depth (axes units).
COLUMN, INDENT = 4.0, 0.45
ROW = 1.0


def _label(node) -> str:
    rules = f"{node.rules} rule{'' if node.rules == 1 else 's'}"
    return f"{node.name}\n{'policy ' + node.policy + ', ' if node.policy else ''}{rules}"


def chain_graph_figure(ruleset, *, tables: tuple[str, ...] | None = None):
    """The tables and chains of a Firewall, Ruleset or text (or a ChainGraph) as a figure.

    ``tables`` picks the tables to draw (by default every table the ruleset declares).
    Taught in notebooks/04-firewalls.ipynb.
    """
    graph = ruleset if isinstance(ruleset, ChainGraph) else chain_graph(ruleset)
    names = [t for t in graph.tables() if tables is None or t in tables]
    trees = {name: graph.tree(name) for name in names}
    rows = max((len(tree) for tree in trees.values()), default=1)
    fig, ax = new_figure(max(6.5, 3.4 * len(names)), 0.55 * rows + 1.2)
    where: dict[tuple[str, str], tuple[float, float]] = {}
    for column, name in enumerate(names):
        x0 = column * COLUMN
        ax.text(x0, 0.9, f"*{name}", fontsize=10, fontweight="bold", color=NEUTRALS["text"])
        for row, (depth, node, _via) in enumerate(trees[name]):
            x, y = x0 + depth * INDENT, -row * ROW
            where[(name, node.name)] = (x, y)
            edge = VERDICT_COLOURS.get(node.policy, NEUTRALS["faint"])
            ax.text(
                x,
                y,
                _label(node),
                fontsize=7,
                va="center",
                ha="left",
                color=NEUTRALS["text"],
                bbox=dict(
                    boxstyle="round,pad=0.25",
                    facecolor="white" if node.builtin else NEUTRALS["background"],
                    edgecolor=edge,
                    linewidth=1.6 if node.builtin else 0.8,
                ),
            )
        drawn = {(name, node.name): via for _depth, node, via in trees[name]}
        for jump in graph.jumps:
            if jump.table != name or (name, jump.source) not in where:
                continue
            start, end = where[(name, jump.source)], where[(name, jump.target)]
            tree_edge = drawn.get((name, jump.target)) == jump
            ax.annotate(
                "",
                xy=(end[0] - 0.05, end[1]),
                xytext=(start[0] + 0.1, start[1] - 0.3),
                arrowprops=dict(
                    arrowstyle="->",
                    color=NEUTRALS["dark"] if tree_edge else NEUTRALS["rule"],
                    linestyle="--" if jump.goto else "-",
                    linewidth=0.9 if tree_edge else 0.6,
                    connectionstyle="angle,angleA=-90,angleB=180,rad=0",
                ),
            )
    ax.set_xlim(-0.3, COLUMN * max(1, len(names)))
    ax.set_ylim(-rows * ROW + 0.3, 1.4)
    ax.axis("off")
    ax.set_title("Tables and chains: where packets enter, and the jumps between chains")
    fig.tight_layout()
    return fig
