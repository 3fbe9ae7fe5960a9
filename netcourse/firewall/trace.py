"""What a firewall decided and how: the verdict and the trace of every rule visited.

Taught in notebooks/04-firewalls.ipynb.

>>> step = TraceStep("INPUT", 1, "-A INPUT -p udp -j DROP", False, "protocol tcp is not udp")
>>> step
TraceStep(INPUT #1 no: -A INPUT -p udp -j DROP  [protocol tcp is not udp])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

__all__ = ["TraceStep", "Verdict", "Replay", "ConnEntry", "trace_table"]


@dataclass(frozen=True)
class TraceStep:
    """One rule visited: chain, number (None for the policy), text, matched or not, and why."""

    chain: str
    number: int | None
    rule: str
    matched: bool
    _reason: object = field(repr=False, compare=False)  # text, or a function giving it

    @property
    def reason(self) -> str:
        """Why the rule matched or not (worked out when first asked for)."""
        value = self._reason
        return value() if callable(value) else str(value)

    def __repr__(self) -> str:
        where = f"{self.chain} #{self.number}" if self.number else f"{self.chain} policy"
        return f"TraceStep({where} {'yes' if self.matched else 'no'}: {self.rule}  [{self.reason}])"


@dataclass(frozen=True)
class Verdict:
    """The decision about one packet.

    ``action`` is ACCEPT, DROP or REJECT; ``chain`` the chain whose rule decided (or the
    built-in chain whose policy did); ``rule_number`` the deciding rule's 1-based position in
    that chain, None when the policy decided; ``trace`` every rule visited; ``state`` the
    packet's conntrack state; ``reject_with`` the ICMP error or tcp-reset a REJECT sends.
    """

    action: str
    chain: str
    rule_number: int | None
    trace: tuple[TraceStep, ...]
    state: str = "NEW"
    reject_with: str | None = None
    packet: object = None

    @property
    def decided_by(self) -> str:
        """Which rule or policy decided, in words."""
        if self.rule_number is None:
            return f"the policy of {self.chain}"
        return f"rule {self.rule_number} of {self.chain}"

    def __repr__(self) -> str:
        extra = f" with {self.reject_with}" if self.reject_with else ""
        return f"Verdict({self.action}{extra} by {self.decided_by}, state {self.state})"

    def _repr_html_(self) -> str:
        colour = {"ACCEPT": "#009E73", "DROP": "#D55E00", "REJECT": "#E69F00"}[self.action]
        head = (
            f'<p><b style="color:{colour}">{self.action}</b> by {escape(self.decided_by)}; '
            f"conntrack state <b>{self.state}</b>"
            + (f"; answered with {escape(self.reject_with)}" if self.reject_with else "")
            + "</p>"
        )
        return head + trace_table(self.trace, deciding=(self.chain, self.rule_number))


def trace_table(trace: tuple[TraceStep, ...], deciding: tuple[str, int | None]) -> str:
    """An HTML table of a trace with the deciding rule (or policy) highlighted.

    >>> step = TraceStep("INPUT", 1, "-A INPUT -j DROP", True, "every packet -> DROP")
    >>> "background:#F0E442" in trace_table((step,), deciding=("INPUT", 1))
    True
    """
    rows = []
    last = len(trace) - 1
    for index, step in enumerate(trace):
        decides = index == last and (step.chain, step.number) == deciding
        style = ' style="background:#F0E442;font-weight:bold"' if decides else ""
        mark = "✔" if step.matched else "·"
        number = step.number if step.number is not None else "policy"
        rows.append(
            f"<tr{style}><td>{escape(step.chain)}</td><td>{number}</td><td>{mark}</td>"
            f"<td style='white-space:nowrap'><code>{escape(step.rule)}</code></td>"
            f"<td>{escape(step.reason)}</td></tr>"
        )
    return (
        '<table class="netcourse-trace"><thead><tr><th>chain</th><th>#</th><th>match</th>'
        f"<th>rule</th><th>why</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


@dataclass(frozen=True)
class ConnEntry:
    """One row of the conntrack table, like ``conntrack -L`` prints it."""

    proto: str
    src: str
    dst: str
    sport: int | None
    dport: int | None
    tcp_state: str | None
    seen_reply: bool

    def __repr__(self) -> str:
        ports = f" sport={self.sport} dport={self.dport}" if self.sport is not None else ""
        state = f" {self.tcp_state}" if self.tcp_state else ""
        unreplied = "" if self.seen_reply else " [UNREPLIED]"
        return f"{self.proto}{state} src={self.src} dst={self.dst}{ports}{unreplied}"


@dataclass(frozen=True)
class Replay:
    """A sequence of packets judged with connection tracking: verdicts and the final table."""

    verdicts: tuple[Verdict, ...]
    table: tuple[ConnEntry, ...]

    @property
    def actions(self) -> list[str]:
        """The action of each packet, in order."""
        return [v.action for v in self.verdicts]

    @property
    def states(self) -> list[str]:
        """The conntrack state of each packet, in order."""
        return [v.state for v in self.verdicts]

    def __repr__(self) -> str:
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
        rows = "".join(
            f"<tr><td>{i}</td><td><code>{escape(v.packet.describe())}</code></td>"
            f"<td>{v.state}</td><td>{v.action}</td><td>{escape(v.decided_by)}</td></tr>"
            for i, v in enumerate(self.verdicts, 1)
        )
        table = "".join(f"<li><code>{escape(repr(e))}</code></li>" for e in self.table)
        return (
            "<table><thead><tr><th>#</th><th>packet</th><th>state</th><th>verdict</th>"
            f"<th>decided by</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<p>conntrack table:</p><ul>{table or '<li>(empty)</li>'}</ul>"
        )
