"""Figure for notebooks/04-firewalls.ipynb: a ruleset's tables and chains as a graph.

Each built-in chain with the user chains it jumps to (indented below it) is one block; the
chains nothing reaches make one more block per table. The blocks stand side by side in
columns (a short block shares a column with the next one of its table when both fit), so a
ruleset of forty chains is drawn wide rather than forty rows tall. Built-in chains are edged
in their policy's verdict colour; an arrow per jump (dashed for ``-g``), faint for jumps to a
chain already drawn elsewhere.

>>> from netcourse.firewall import Firewall
>>> fw = Firewall.from_iptables(["-N ssh", "-A INPUT -p tcp --dport 22 -j ssh",
...                              "-A ssh -j ACCEPT"])
>>> fig = chain_graph_figure(fw)
>>> [t.get_text() for t in fig.axes[0].texts][:3]
['*filter', 'INPUT\\npolicy ACCEPT, 1 rule', 'ssh\\n1 rule']
"""

from __future__ import annotations

import math

from netcourse.firewall.graph import ChainGraph, chain_graph
from netcourse.plots.style import new_figure
from netcourse.style import NEUTRALS, VERDICT_COLOURS

__all__ = ["chain_graph_figure"]

#: Sizes in inches: one row (a two-line box and the room for its arrow), the indent per jump
#: depth, the gap between columns and between two blocks sharing a column, and the width of
#: one character of a box's label (7 pt text).
ROW, INDENT, COLUMN_GAP, BLOCK_GAP, CHAR = 0.34, 0.3, 0.35, 0.2, 0.058
#: The room the note above the unreached chains takes.
NOTE = 0.3
#: A column holds at least this many rows; a block taller than that gets a column of its own.
MIN_ROWS = 6
#: How many columns a figure aims for: the rows are spread over about this many.
COLUMNS = 4

#: Above the block of chains no packet can reach.
UNREACHED = "no rule jumps here:"

Tree = list[tuple[int, object, object]]


def _label(node) -> str:
    rules = f"{node.rules} rule{'' if node.rules == 1 else 's'}"
    return f"{node.name}\n{'policy ' + node.policy + ', ' if node.policy else ''}{rules}"


def _blocks(tree: Tree) -> list[Tree]:
    """The table's tree cut at each built-in chain; the chains nothing reaches are one block."""
    blocks: list[Tree] = []
    unreached: Tree = []
    for item in tree:
        depth, node, _via = item
        if depth == 0 and not node.builtin:
            unreached.append(item)
        elif depth == 0:
            blocks.append([item])
        else:
            (blocks[-1] if blocks and not unreached else unreached).append(item)
    return blocks + ([unreached] if unreached else [])


def _columns(blocks: list[Tree], rows: int) -> list[list[Tree]]:
    """Consecutive blocks packed into columns of at most ``rows`` rows."""
    columns: list[list[Tree]] = []
    used = rows + 1
    for block in blocks:
        if columns and used + len(block) <= rows:
            columns[-1].append(block)
            used += len(block)
        else:
            columns.append([block])
            used = len(block)
    return columns


def _width(column: list[Tree]) -> float:
    """Inches a column's widest box takes, its indent included."""
    return max(
        depth * INDENT + CHAR * max(map(len, _label(node).split("\n"))) + 0.15
        for block in column
        for depth, node, _via in block
    )


def chain_graph_figure(ruleset, *, tables: tuple[str, ...] | None = None):
    """The tables and chains of a Firewall, Ruleset or text (or a ChainGraph) as a figure.

    ``tables`` picks the tables to draw (by default every table the ruleset declares).
    Taught in notebooks/04-firewalls.ipynb.
    """
    graph = ruleset if isinstance(ruleset, ChainGraph) else chain_graph(ruleset)
    names = [t for t in graph.tables() if tables is None or t in tables]
    blocks = {name: _blocks(graph.tree(name)) for name in names}
    every = [block for name in names for block in blocks[name]]
    total = sum(len(block) for block in every)
    rows = max([MIN_ROWS, math.ceil(total / COLUMNS), *(len(b) for b in every)])
    columns = [(name, column) for name in names for column in _columns(blocks[name], rows)]
    widths = [_width(column) for _name, column in columns]
    height = max(
        (
            len(sum(column, [])) * ROW
            + (len(column) - 1) * BLOCK_GAP
            + NOTE * sum(not block[0][1].builtin for block in column)
            for _n, column in columns
        ),
        default=ROW,
    )
    figure_width = max(6.5, sum(widths) + COLUMN_GAP * (len(columns) - 1) + 0.4)
    fig, ax = new_figure(figure_width, height + 1.0)
    where: dict[tuple[str, str], tuple[float, float, int]] = {}
    x0, named = 0.0, set()
    for index, ((name, column), width) in enumerate(zip(columns, widths)):
        title = f"*{name}" if name not in named else f"*{name} (continued)"
        named.add(name)
        ax.text(x0, 0.4, title, fontsize=10, fontweight="bold", color=NEUTRALS["text"])
        y = 0.0
        for block in column:
            if not block[0][1].builtin:
                ax.text(x0, y, UNREACHED, fontsize=7, style="italic", color=NEUTRALS["muted"])
                y -= NOTE
            for depth, node, _via in block:
                x = x0 + depth * INDENT
                where[(name, node.name)] = (x, y, index)
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
                y -= ROW
            y -= BLOCK_GAP
        x0 += width + COLUMN_GAP
    for name in names:
        drawn = {node.name: via for block in blocks[name] for _depth, node, via in block}
        for jump in graph.jumps:
            if jump.table != name or (name, jump.source) not in where:
                continue
            start, end = where[(name, jump.source)], where[(name, jump.target)]
            tree_edge = drawn.get(jump.target) == jump
            same_column = start[2] == end[2]
            ax.annotate(
                "",
                xy=(end[0] - 0.04, end[1]),
                xytext=(start[0] + 0.08, start[1] - 0.12) if same_column else start[:2],
                arrowprops=dict(
                    arrowstyle="->",
                    color=NEUTRALS["dark"] if tree_edge else NEUTRALS["rule"],
                    linestyle="--" if jump.goto else "-",
                    linewidth=0.9 if tree_edge else 0.6,
                    connectionstyle=(
                        "angle,angleA=-90,angleB=180,rad=0" if same_column else "arc3,rad=0.15"
                    ),
                ),
            )
    ax.set_xlim(-0.1, figure_width - 0.3)
    ax.set_ylim(-height, 0.7)
    ax.axis("off")
    ax.set_title("Tables and chains: where packets enter, and the jumps between chains")
    fig.tight_layout()
    return fig
