"""The tables and chains of a ruleset as a graph: each table's built-in chains, its user
chains, and the jumps (``-j CHAIN``) and gotos (``-g CHAIN``) between them.

A view draws it (netcourse.plots.firewall_graph); the model says, per table, which chain
each rule jumps to and how deep each user chain sits below the built-in chains.

Taught in notebooks/04-firewalls.ipynb.

>>> g = chain_graph('''*filter
... :INPUT DROP [0:0]
... :FORWARD DROP [0:0]
... :OUTPUT ACCEPT [0:0]
... :ssh - [0:0]
... :unused - [0:0]
... -A INPUT -p tcp --dport 22 -j ssh
... -A INPUT -i lo -j ACCEPT
... -A ssh -s 198.51.100.0/24 -j ACCEPT
... COMMIT''')
>>> g
filter: INPUT (policy DROP, 2 rules)
  -> ssh (1 rule) by rule 1
filter: FORWARD (policy DROP, 0 rules)
filter: OUTPUT (policy ACCEPT, 0 rules)
filter: unused (user chain, 0 rules): no rule jumps here
>>> g.depth("filter", "ssh"), g.unused()
(1, (('filter', 'unused'),))
"""

from __future__ import annotations

from dataclasses import dataclass

from netcourse.firewall.parser import Ruleset, parse_ruleset
from netcourse.html import Cell, Markup
from netcourse.html import table as html_table

__all__ = ["ChainNode", "Jump", "ChainGraph", "chain_graph"]


@dataclass(frozen=True, kw_only=True)
class ChainNode:
    """One chain: its table, name, policy (None for a user chain) and number of rules."""

    table: str
    name: str
    policy: str | None
    rules: int

    @property
    def builtin(self) -> bool:
        """Whether packets enter here (a built-in chain, with a policy)."""
        return self.policy is not None

    @property
    def label(self) -> str:
        """The chain in words: ``INPUT (policy DROP, 3 rules)``."""
        kind = f"policy {self.policy}" if self.builtin else "user chain"
        return f"{self.name} ({kind}, {self.rules} rule{'' if self.rules == 1 else 's'})"


@dataclass(frozen=True, kw_only=True)
class Jump:
    """The rules of ``source`` that send packets to ``target`` (in one table); ``goto`` for
    ``-g`` (the packet never comes back to ``source``)."""

    table: str
    source: str
    target: str
    goto: bool
    rules: tuple[int, ...]


@dataclass(frozen=True)
class ChainGraph:
    """Every table's chains and the jumps between them, in iptables-save's order."""

    nodes: tuple[ChainNode, ...]
    jumps: tuple[Jump, ...]

    def tables(self) -> tuple[str, ...]:
        """The tables, in iptables-save's order."""
        return tuple(dict.fromkeys(node.table for node in self.nodes))

    def node(self, table: str, chain: str) -> ChainNode:
        """The chain ``chain`` of ``table``."""
        for node in self.nodes:
            if (node.table, node.name) == (table, chain):
                return node
        raise KeyError(f"{table} has no chain {chain!r}")

    def chains(self, table: str) -> tuple[ChainNode, ...]:
        """The chains of one table, built-in first."""
        return tuple(node for node in self.nodes if node.table == table)

    def calls(self, table: str, chain: str) -> tuple[Jump, ...]:
        """The jumps out of a chain, in rule order."""
        return tuple(j for j in self.jumps if (j.table, j.source) == (table, chain))

    def callers(self, table: str, chain: str) -> tuple[Jump, ...]:
        """The jumps into a chain."""
        return tuple(j for j in self.jumps if (j.table, j.target) == (table, chain))

    def depth(self, table: str, chain: str) -> int | None:
        """How many jumps below a built-in chain the chain sits at least (0 for a built-in
        chain), or None when no packet can get there."""
        return self._depths().get((table, chain))

    def unused(self) -> tuple[tuple[str, str], ...]:
        """The user chains no packet can reach, as (table, chain)."""
        depths = self._depths()
        return tuple((n.table, n.name) for n in self.nodes if (n.table, n.name) not in depths)

    def _depths(self) -> dict[tuple[str, str], int]:
        depths = {(n.table, n.name): 0 for n in self.nodes if n.builtin}
        frontier = list(depths)
        while frontier:
            ahead = []
            for table, chain in frontier:
                for jump in self.calls(table, chain):
                    key = (table, jump.target)
                    if key not in depths:
                        depths[key] = depths[(table, chain)] + 1
                        ahead.append(key)
            frontier = ahead
        return depths

    def tree(self, table: str) -> list[tuple[int, ChainNode, Jump | None]]:
        """The table's chains in the order a reader follows them: each built-in chain, then
        depth first the chains it jumps to (each chain once, where first reached), then the
        chains nothing reaches; as (depth, chain, the jump that reaches it)."""
        out: list[tuple[int, ChainNode, Jump | None]] = []
        seen: set[str] = set()

        def visit(node: ChainNode, depth: int, via: Jump | None) -> None:
            stack = [(node, depth, via)]
            while stack:
                current, level, jump = stack.pop()
                if current.name in seen:
                    continue
                seen.add(current.name)
                out.append((level, current, jump))
                for call in reversed(self.calls(table, current.name)):
                    if call.target not in seen:
                        stack.append((self.node(table, call.target), level + 1, call))

        for node in self.chains(table):
            if node.builtin:
                visit(node, 0, None)
        for node in self.chains(table):
            if node.name not in seen:
                visit(node, 0, None)
        return out

    def __repr__(self) -> str:
        lines = []
        for name in self.tables():
            for depth, node, via in self.tree(name):
                if via is None:
                    text = f"{name}: {node.label}"
                    if not node.builtin:
                        text += ": no rule jumps here"
                else:
                    word = "goes to" if via.goto else "->"
                    how = f"{'rule' if len(via.rules) == 1 else 'rules'} "
                    how += ", ".join(map(str, via.rules))
                    label = node.label.replace("user chain, ", "")
                    text = f"{'  ' * depth}{word} {label} by {how}"
                lines.append(text)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.html()

    def html(self, *, sticky_header: bool = False) -> str:
        """The chains as an HTML table, one row per chain in :meth:`tree` order, indented by
        depth; ``sticky_header`` keeps the header in sight in a box that scrolls.

        >>> "position:sticky" in chain_graph("-A INPUT -j ACCEPT").html(sticky_header=True)
        True
        """
        rows = []
        left = "text-align:left"
        for name in self.tables():
            for depth, node, _via in self.tree(name):
                # a chain name is one word, indented by its depth; the jumps wrap between jumps
                calls = Markup(", ").join(
                    Markup('<span style="white-space:nowrap">{} {} ({})</span>').format(
                        "-g" if j.goto else "-j", j.target, len(j.rules)
                    )
                    for j in self.calls(name, node.name)
                )
                chain = Cell(
                    node.name, style=f"{left};white-space:nowrap;padding-left:{0.5 + 1.5 * depth}em"
                )
                rows.append([name, chain, node.policy or "-", node.rules, Cell(calls, style=left)])
        header = [
            "table",
            Cell("chain", style=left),
            "policy",
            "rules",
            Cell("jumps to", style=left),
        ]
        return str(html_table(rows, header=header, sticky_header=sticky_header))


def chain_graph(ruleset) -> ChainGraph:
    """The graph of a Firewall's, a Ruleset's or iptables-save text's tables and chains.

    >>> g = chain_graph("-N web\\n-A INPUT -p tcp -j web\\n-A FORWARD -p tcp -g web")
    >>> [(j.source, j.target, j.goto, j.rules) for j in g.jumps]
    [('INPUT', 'web', False, (1,)), ('FORWARD', 'web', True, (1,))]
    """
    if hasattr(ruleset, "ruleset"):
        ruleset = ruleset.ruleset
    if not isinstance(ruleset, Ruleset):
        if not isinstance(ruleset, str):
            ruleset = "\n".join(str(line) for line in ruleset)
        ruleset = parse_ruleset(ruleset)
    nodes, jumps = [], []
    for name, chains in ruleset.tables.items():
        for chain in chains.values():
            nodes.append(
                ChainNode(table=name, name=chain.name, policy=chain.policy, rules=len(chain.rules))
            )
            targets: dict[tuple[str, bool], list[int]] = {}
            for rule in chain.rules:
                if rule.target in chains and rule.jumps:
                    targets.setdefault((rule.target, rule.goto), []).append(rule.number)
            for (target, goto), numbers in targets.items():
                jumps.append(
                    Jump(
                        table=name,
                        source=chain.name,
                        target=target,
                        goto=goto,
                        rules=tuple(numbers),
                    )
                )
    return ChainGraph(tuple(nodes), tuple(jumps))
