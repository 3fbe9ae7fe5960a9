"""What a firewall decided and how: the verdict and the trace of every rule visited.

Taught in notebooks/04-firewalls.ipynb.

>>> step = TraceStep(chain="INPUT", number=1, rule="-A INPUT -p udp -j DROP", matched=False,
...                  why="protocol tcp is not udp")
>>> step
TraceStep(INPUT #1 no: -A INPUT -p udp -j DROP  [protocol tcp is not udp])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from netcourse.html import Cell, Markup, code, table
from netcourse.style import PALETTE, VERDICT_COLOURS

__all__ = [
    "TraceStep",
    "Verdict",
    "Replay",
    "ConnEntry",
    "trace_table",
    "verdict_heading",
    "state_words",
    "conntrack_list",
    "STATELESS_NOTE",
    "STATELESS_VERDICT_NOTE",
]

#: Room around each cell of a trace, also in a widget (whose page gives tables none).
_PADDING = "padding:0.25em 0.5em"
#: How the row of the rule (or policy) that decided is marked in a trace table.
DECIDING_STYLE = f"background:{PALETTE['yellow']};font-weight:bold"


@dataclass(frozen=True, kw_only=True)
class TraceStep:
    """One rule visited: chain, number (None for the policy), text, matched or not, and why.

    ``why`` is the reason as text, or a function giving it (worked out only when read).
    """

    chain: str
    number: int | None
    rule: str
    matched: bool
    why: str | Callable[[], str] = field(repr=False, compare=False)

    @property
    def reason(self) -> str:
        """Why the rule matched or not (worked out when first asked for)."""
        value = self.why
        return value() if callable(value) else str(value)

    def __repr__(self) -> str:
        where = f"{self.chain} #{self.number}" if self.number else f"{self.chain} policy"
        return f"TraceStep({where} {'yes' if self.matched else 'no'}: {self.rule}  [{self.reason}])"


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The decision about one packet.

    ``action`` is ACCEPT, DROP or REJECT; ``chain`` the chain whose rule decided (or the
    built-in chain whose policy did); ``rule_number`` the deciding rule's 1-based position in
    that chain, None when the policy decided; ``trace`` every rule visited; ``state`` the
    packet's conntrack state; ``reject_with`` the ICMP error or tcp-reset a REJECT sends;
    ``stateful`` whether any rule of the ruleset reads that state (when none does, the packet
    was judged by its own headers alone, and the state is not shown).

    >>> Verdict(action="ACCEPT", chain="FORWARD", rule_number=2, trace=(), stateful=False)
    Verdict(ACCEPT by rule 2 of FORWARD, judged alone)
    """

    action: str
    chain: str
    rule_number: int | None
    trace: tuple[TraceStep, ...]
    state: str = "NEW"
    reject_with: str | None = None
    packet: object = None
    stateful: bool = True

    @property
    def decided_by(self) -> str:
        """Which rule or policy decided, in words."""
        if self.rule_number is None:
            return f"the policy of {self.chain}"
        return f"rule {self.rule_number} of {self.chain}"

    def __repr__(self) -> str:
        extra = f" with {self.reject_with}" if self.reject_with else ""
        state = f"state {self.state}" if self.stateful else "judged alone"
        return f"Verdict({self.action}{extra} by {self.decided_by}, {state})"

    def _repr_html_(self) -> str:
        head = Markup("<p>{}</p>").format(verdict_heading(self))
        return str(head + trace_table(self.trace, deciding=(self.chain, self.rule_number)))


def verdict_heading(verdict: Verdict) -> Markup:
    """The verdict in its colour, who decided, the conntrack state (when a rule reads it) and
    any REJECT answer.

    >>> print(verdict_heading(Verdict(action="DROP", chain="INPUT", rule_number=None, trace=())))
    <b style="color:#D55E00">DROP</b> by the policy of INPUT; conntrack state <b>NEW</b>
    >>> alone = Verdict(action="DROP", chain="INPUT", rule_number=None, trace=(), stateful=False)
    >>> print(verdict_heading(alone))  # doctest: +ELLIPSIS
    <b style="color:#D55E00">DROP</b> by the policy of INPUT; no rule reads conntrack state: ...
    """
    colour = VERDICT_COLOURS[verdict.action]
    text = Markup('<b style="color:{}">{}</b> by {}; {}').format(
        colour, verdict.action, verdict.decided_by, state_words(verdict)
    )
    if verdict.reject_with:
        text += Markup("; answered with {}").format(verdict.reject_with)
    return text


def state_words(verdict: Verdict) -> Markup:
    """The packet's conntrack state in words, or, when no rule reads it, that none does.

    >>> print(state_words(Verdict(action="DROP", chain="INPUT", rule_number=None, trace=())))
    conntrack state <b>NEW</b>
    """
    if verdict.stateful:
        return Markup("conntrack state <b>{}</b>").format(verdict.state)
    return Markup("{}").format(STATELESS_VERDICT_NOTE)


def trace_table(trace: tuple[TraceStep, ...], deciding: tuple[str, int | None]) -> Markup:
    """An HTML table of a trace with the deciding rule (or policy) highlighted.

    >>> step = TraceStep(chain="INPUT", number=1, rule="-A INPUT -j DROP", matched=True,
    ...                  why="every packet -> DROP")
    >>> f"background:{PALETTE['yellow']}" in trace_table((step,), deciding=("INPUT", 1))
    True
    """
    rows, classes = [], []
    last = len(trace) - 1
    for index, step in enumerate(trace):
        decides = index == last and (step.chain, step.number) == deciding
        mark = DECIDING_STYLE if decides else None
        cells = [
            step.chain,
            step.number if step.number is not None else "policy",
            "✔" if step.matched else "·",
            # the reason under its rule: the rule is one row, the reason wraps to its width
            Markup("{}<div>{}</div>").format(code(step.rule), step.reason),
        ]
        styles = [mark, mark, mark, ";".join(filter(None, ["text-align:left", mark]))]
        rows.append(
            [
                Cell(cell, style=";".join(filter(None, [_PADDING, style])))
                for cell, style in zip(cells, styles)
            ]
        )
        classes.append("netcourse-deciding" if decides else None)
    return table(
        rows,
        header=[
            *(Cell(head, style=_PADDING) for head in ("chain", "#", "match")),
            Cell("rule, and why it matched or not", style=f"text-align:left;{_PADDING}"),
        ],
        cls="netcourse-trace",
        row_classes=classes,
    )


@dataclass(frozen=True, kw_only=True)
class ConnEntry:
    """One row of the conntrack table, like ``conntrack -L`` prints it."""

    proto: str
    src: str
    dst: str
    sport: int | None
    dport: int | None
    tcp_state: str | None
    seen_reply: bool
    #: The reply tuple (what answers carry); None where it is the original's mirror image.
    reply_src: str | None = None
    reply_dst: str | None = None
    reply_sport: int | None = None
    reply_dport: int | None = None

    @property
    def translated(self) -> bool:
        """Whether NAT rewrote the connection: its reply tuple is not the original's mirror."""
        mirror = (self.dst, self.src, self.dport, self.sport)
        reply = (self.reply_src, self.reply_dst, self.reply_sport, self.reply_dport)
        return self.reply_src is not None and reply != mirror

    def lines(self) -> tuple[str, ...]:
        """The ``conntrack -L`` line cut in two where NAT adds the reply tuple: the original
        tuple, then the reply tuple under it (lined up with its ``src=``).

        >>> entry = ConnEntry(proto="udp", src="192.0.2.20", dst="203.0.113.10", sport=5000,
        ...     dport=53, tcp_state=None, seen_reply=True, reply_src="203.0.113.10",
        ...     reply_dst="203.0.113.2", reply_sport=53, reply_dport=5000)
        >>> print("\\n".join(entry.lines()))
        udp src=192.0.2.20 dst=203.0.113.10 sport=5000 dport=53
            src=203.0.113.10 dst=203.0.113.2 sport=53 dport=5000
        """
        ports = f" sport={self.sport} dport={self.dport}" if self.sport is not None else ""
        lead = f"{self.proto}{f' {self.tcp_state}' if self.tcp_state else ''} "
        unreplied = "" if self.seen_reply else " [UNREPLIED]"
        original = f"{lead}src={self.src} dst={self.dst}{ports}{unreplied}"
        if not self.translated:
            return (original,)
        ports = (
            f" sport={self.reply_sport} dport={self.reply_dport}"
            if self.reply_sport is not None
            else ""
        )  # conntrack -L prints the reply tuple after the original
        return original, f"{' ' * len(lead)}src={self.reply_src} dst={self.reply_dst}{ports}"

    def __repr__(self) -> str:
        return " ".join(line.strip() for line in self.lines())


@dataclass(frozen=True, kw_only=True)
class Replay:
    """A sequence of packets judged with connection tracking: verdicts and the final table.

    ``stateful`` says whether any rule read the conntrack state. When none did, each packet
    was judged by its own headers alone, so the view shows no states and no table (their
    values are still kept in ``verdicts`` and ``table``).

    >>> from netcourse.firewall import Firewall, Packet
    >>> syn = Packet("tcp", src="198.18.0.1", dst="198.18.1.1", dport=443)
    >>> print(Firewall.from_iptables("-A INPUT -p tcp -j DROP").replay([syn, syn.reply()]))
    #  packet                                          verdict
    1  tcp 198.18.0.1:40000 -> 198.18.1.1:443 [S]      DROP by rule 1 of INPUT
    2  tcp 198.18.1.1:443 -> 198.18.0.1:40000 [SA]     DROP by rule 1 of INPUT
    no rule reads conntrack: each packet was judged alone, by its own headers
    """

    verdicts: tuple[Verdict, ...]
    table: tuple[ConnEntry, ...]
    stateful: bool = True

    @property
    def actions(self) -> list[str]:
        """The action of each packet, in order."""
        return [v.action for v in self.verdicts]

    @property
    def states(self) -> list[str]:
        """The conntrack state of each packet, in order."""
        return [v.state for v in self.verdicts]

    def __repr__(self) -> str:
        if not self.stateful:
            lines = ["#  packet                                          verdict"]
            for index, verdict in enumerate(self.verdicts, 1):
                pkt = verdict.packet.describe() if verdict.packet is not None else ""
                lines.append(f"{index:<2} {pkt:<47} {verdict.action} by {verdict.decided_by}")
            lines.append(STATELESS_NOTE)
            return "\n".join(lines)
        lines = ["#  packet                                          state        verdict"]
        for index, verdict in enumerate(self.verdicts, 1):
            pkt = verdict.packet.describe() if verdict.packet is not None else ""
            lines.append(f"{index:<2} {pkt:<47} {verdict.state:<12} {verdict.action}")
        lines.append(
            f"conntrack table: {len(self.table)} entr{'y' if len(self.table) == 1 else 'ies'}"
        )
        lines += [f"  {entry!r}" for entry in self.table]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = []
        for index, v in enumerate(self.verdicts, 1):
            row = [index, Markup("<code>{}</code>").format(v.packet.describe() if v.packet else "")]
            row += [v.state] if self.stateful else []
            rows.append([*row, v.action, v.decided_by])
        header = ["#", "packet", *(["state"] if self.stateful else []), "verdict", "decided by"]
        verdicts = table(rows, header=header)
        if not self.stateful:
            return str(verdicts + Markup("<p>{}</p>").format(STATELESS_NOTE))
        return str(verdicts + Markup("<p>conntrack table:</p>") + conntrack_list(self.table))


#: What a verdict says instead of the conntrack state when no rule reads conntrack.
STATELESS_VERDICT_NOTE = (
    "no rule reads conntrack state: the packet was judged alone, by its own headers"
)
#: What a replay says instead of states and a table when no rule reads conntrack.
STATELESS_NOTE = "no rule reads conntrack: each packet was judged alone, by its own headers"


def conntrack_list(entries: tuple[ConnEntry, ...]) -> Markup:
    """The conntrack table as an HTML list, one ``conntrack -L`` line per entry (on two rows
    when NAT gave it a reply tuple of its own: :meth:`ConnEntry.lines`).

    >>> print(conntrack_list(()))
    <ul><li>(empty)</li></ul>
    """
    items = [Markup("<li>{}</li>").format(code("\n".join(entry.lines()))) for entry in entries]
    return Markup("<ul>{}</ul>").format(Markup("").join(items) or Markup("<li>(empty)</li>"))
