"""The firewall: walk a packet through the filter table's chains as the kernel does.

Rules are tried in order; the first terminal match (ACCEPT, DROP, REJECT) decides; LOG
notes and goes on; ``-j CHAIN`` visits a user chain and comes back unless that chain
decides; ``-g CHAIN`` goes there for good; RETURN, or the end of a user chain, goes back;
falling off a built-in chain applies its policy. Taught in notebooks/04-firewalls.ipynb.

>>> fw = Firewall.from_iptables('''
... *filter
... :INPUT DROP [0:0]
... -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
... -A INPUT -p tcp -s 192.168.1.0/24 -m tcp --dport 80 -j ACCEPT
... COMMIT
... ''')
>>> fw.evaluate(Packet("tcp", src="192.168.1.20", dst="10.0.0.5", dport=80, flags="S"))
Verdict(ACCEPT by rule 2 of INPUT, state NEW)
>>> fw.evaluate(Packet("tcp", src="192.168.2.20", dst="10.0.0.5", dport=80, flags="S"))
Verdict(DROP by the policy of INPUT, state NEW)
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Iterable, Mapping

from netcourse.errors import NetcourseError, RuleError, quote
from netcourse.firewall.batch import BatchVerdicts, PacketBatch, capture_packets, evaluate_batch
from netcourse.firewall.conntrack import ConnTrack
from netcourse.firewall.find import Search, find
from netcourse.firewall.matches import LOOPBACK, STATE_MODULE_STATES, AddrTypeMatch, RecentMatch
from netcourse.firewall.packet import Packet
from netcourse.firewall.parser import BUILTIN_CHAINS, Chain, Rule, Ruleset, parse_ruleset
from netcourse.firewall.trace import Replay as ReplayResult
from netcourse.firewall.trace import TraceStep, Verdict, trace_table
from netcourse.html import Cell, Markup, table

__all__ = ["Firewall", "read_interfaces"]

_TARGET_WORDS = {
    "ACCEPT": "let it through",
    "DROP": "discard it silently",
    "REJECT": "discard it and tell the sender",
    "LOG": "log it and go on to the next rule",
    "NFLOG": "log it through netlink and go on to the next rule",
    "TCPMSS": "rewrite a SYN's MSS option and go on to the next rule",
    "": "count it (the rule has no target) and go on to the next rule",
    "RETURN": "go back to the calling chain",
}


class Firewall:
    """An iptables filter table you can ask for verdicts.

    >>> fw = Firewall.from_iptables(["-A INPUT -p udp -j DROP"])
    >>> fw.evaluate(Packet("udp", src="192.0.2.1", dst="192.0.2.2")).action
    'DROP'
    """

    def __init__(
        self,
        ruleset: Ruleset,
        *,
        tcp_loose: bool = True,
        interfaces: Mapping[str, str | tuple[str, ...]] | None = None,
    ):
        if not isinstance(ruleset, Ruleset):
            raise TypeError(f"ruleset: expected a Ruleset, got {type(ruleset).__name__}")
        self.interfaces = read_interfaces(interfaces)
        self.ruleset = _bind(ruleset, self.interfaces) if interfaces is not None else ruleset
        self.tcp_loose = tcp_loose
        self._remembers = any(
            isinstance(m, RecentMatch) for rule in self.ruleset.rules() for m in rule.matches
        )

    @classmethod
    def from_iptables(
        cls,
        text: str | Iterable[str],
        *,
        tcp_loose: bool = True,
        interfaces: Mapping[str, str | tuple[str, ...]] | None = None,
    ) -> Firewall:
        """Read ``iptables-save`` output or a list of ``-A`` lines (policies default ACCEPT).

        ``interfaces`` maps the machine's interfaces to their addresses (``"198.18.0.2/24"``,
        or a tuple when it has several): ``-m addrtype`` reads its local and broadcast
        addresses there (the loopback interface ``lo`` is always there).

        >>> Firewall.from_iptables("-A INPUT -j DROP").chains["INPUT"].rules[0].target
        'DROP'
        >>> fw = Firewall.from_iptables("-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT\\n"
        ...     "-P INPUT DROP", interfaces={"eth0": "198.18.0.2/24"})
        >>> [fw.evaluate(Packet("udp", dst=d)).action for d in ("198.18.0.2", "198.18.0.3")]
        ['ACCEPT', 'DROP']
        """
        if not isinstance(text, str) and isinstance(text, Iterable):
            text = "\n".join(str(line) for line in text)
        return cls(parse_ruleset(text), tcp_loose=tcp_loose, interfaces=interfaces)

    @property
    def chains(self) -> dict[str, Chain]:
        """The chains by name, built-in first."""
        return self.ruleset.chains

    def rule(self, chain: str, number: int) -> Rule:
        """Rule ``number`` (1-based) of ``chain``.

        >>> Firewall.from_iptables("-A INPUT -j DROP").rule("INPUT", 1).text
        '-A INPUT -j DROP'
        """
        rules = self._chain(chain).rules
        if not 1 <= number <= len(rules):
            raise RuleError(f"{chain} has rules 1-{len(rules)}; there is no rule {quote(number)}")
        return rules[number - 1]

    def _chain(self, name: str) -> Chain:
        if name not in self.chains:
            raise RuleError(f"no chain {quote(name)}; this ruleset has {', '.join(self.chains)}")
        return self.chains[name]

    def to_iptables(self) -> str:
        """The ruleset as ``iptables-save`` text, ready for ``iptables-restore``.

        >>> print(Firewall.from_iptables("-A FORWARD -j DROP").to_iptables())
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A FORWARD -j DROP
        COMMIT
        """
        lines = ["*filter"]
        for chain in self.chains.values():
            lines.append(f":{chain.name} {chain.policy or '-'} [0:0]")
        for chain in self.chains.values():
            lines += [rule.text for rule in chain.rules]
        lines.append("COMMIT")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.to_iptables()

    def _repr_html_(self) -> str:
        rows = []
        for chain in self.chains.values():
            policy = f"policy {chain.policy}" if chain.policy else "user chain"
            heading = Cell(
                f"{chain.name} ({policy})", header=True, colspan=2, style="text-align:left"
            )
            rows.append([heading])
            for rule in chain.rules:
                rows.append([rule.number, Markup("<code>{}</code>").format(rule.text)])
        return str(table(rows))

    # --- one packet ----------------------------------------------------------------------

    def evaluate(
        self,
        packet: Packet,
        *,
        chain: str = "INPUT",
        state: str | None = None,
        memory: dict | None = None,
    ) -> Verdict:
        """The verdict on one packet entering built-in ``chain``.

        ``state`` is its conntrack state; by default the state the packet has alone, with no
        connection tracked yet (a SYN is NEW, a lone SYN-ACK INVALID). ``memory`` keeps the
        rate-limit buckets and recent lists between calls (by default the packet is alone:
        buckets full, lists empty). Use :meth:`replay` for a sequence of packets that share
        connections.

        >>> fw = Firewall.from_iptables(["-A INPUT -m state --state ESTABLISHED -j ACCEPT",
        ...                              "-A INPUT -j DROP"])
        >>> pkt = Packet("tcp", src="192.0.2.1", dst="192.0.2.2", flags="A")
        >>> fw.evaluate(pkt).action, fw.evaluate(pkt, state="ESTABLISHED").action
        ('DROP', 'ACCEPT')
        """
        pkt = _as_packet(packet)
        start = self._chain(chain)
        if not start.builtin:
            raise RuleError(
                f"{chain} is a user chain; packets enter at {', '.join(BUILTIN_CHAINS)}"
            )
        if state is None:
            state = ConnTrack(tcp_loose=self.tcp_loose).classify(pkt).state
        elif state not in STATE_MODULE_STATES:
            raise RuleError(f"state {quote(state)}: expected {', '.join(STATE_MODULE_STATES)}")
        trace: list[TraceStep] = []
        decided = self._walk(start, pkt, state, trace, {} if memory is None else memory)
        if decided is None:
            trace.append(
                TraceStep(
                    chain=chain,
                    number=None,
                    rule=f":{chain} {start.policy}",
                    matched=True,
                    why=f"no rule decided, so the policy of {chain} applies: {start.policy}",
                )
            )
            return Verdict(
                action=start.policy,
                chain=chain,
                rule_number=None,
                trace=tuple(trace),
                state=state,
                reject_with=None,
                packet=pkt,
            )
        return Verdict(
            action=decided.target,
            chain=decided.chain,
            rule_number=decided.number,
            trace=tuple(trace),
            state=state,
            reject_with=_reject(decided),
            packet=pkt,
        )

    def _walk(
        self, start: Chain, pkt: Packet, state: str, trace: list[TraceStep], memory: dict
    ) -> Rule | None:
        """Run chain ``start`` and the chains it jumps to: the deciding rule, or None when the
        packet comes back (RETURN, or the end of the chain).

        A stack of (chain, next rule) replaces recursion, as the kernel's jump stack does, so
        thousands of nested jumps need no Python recursion.
        """
        stack: list[tuple[Chain, int]] = [(start, 0)]
        while stack:
            chain, index = stack.pop()
            while index < len(chain.rules):
                rule = chain.rules[index]
                index += 1
                failing = next((m for m in rule.matches if not m.test(pkt, state, memory)), None)
                if failing is not None:
                    trace.append(_step(chain, rule, False, _why_not(failing, pkt, state)))
                    continue
                if rule.terminal or rule.noting or rule.target == "RETURN":
                    outcome = rule.target if rule.terminal else _TARGET_WORDS[rule.target]
                else:
                    outcome = f"{'goes to' if rule.goto else 'jumps to'} {rule.target}"
                trace.append(_step(chain, rule, True, _why(rule, pkt, state, outcome)))
                if rule.terminal:
                    return rule
                if rule.noting:
                    continue
                if rule.target == "RETURN":
                    break
                if not rule.goto:  # -j comes back to the next rule here; -g never does
                    stack.append((chain, index))
                stack.append((self.chains[rule.target], 0))
                break
        return None

    # --- a sequence, with connection tracking ------------------------------------------------

    def replay(self, packets, *, chain: str = "INPUT") -> ReplayResult:
        """Judge packets in order with connection tracking: per-packet verdicts and the table.

        ``packets`` is a list of :class:`Packet`, of ``(Packet, chain)`` pairs for packets
        that enter other chains, of scapy packets, or a capture path.

        >>> fw = Firewall.from_iptables(["-P FORWARD DROP",
        ...     "-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        ...     "-A FORWARD -s 198.18.0.0/24 -j ACCEPT"])
        >>> syn = Packet("tcp", src="198.18.0.1", dst="198.18.1.1", dport=443, flags="S")
        >>> fw.replay([syn, syn.reply()], chain="FORWARD").actions
        ['ACCEPT', 'ACCEPT']
        """
        items = _items(packets, chain)
        tracker = ConnTrack(tcp_loose=self.tcp_loose)
        verdicts = []
        memory: dict = {}  # rate-limit buckets and recent lists, across the packets
        for pkt, where in items:
            step = tracker.classify(pkt)
            verdict = self.evaluate(pkt, chain=where, state=step.state, memory=memory)
            tracker.commit(step, accepted=verdict.action == "ACCEPT")
            verdicts.append(verdict)
        return ReplayResult(verdicts=tuple(verdicts), table=tracker.table())

    def evaluate_batch(self, batch: PacketBatch, *, chain: str = "INPUT") -> BatchVerdicts:
        """Verdicts for a whole :class:`PacketBatch` at once (numpy), equal to ``evaluate``.

        >>> fw = Firewall.from_iptables(["-A INPUT -p udp -j DROP"])
        >>> pkts = [Packet("udp", src="192.0.2.1", dst="192.0.2.2"),
        ...         Packet("tcp", src="192.0.2.1", dst="192.0.2.2")]
        >>> fw.evaluate_batch(PacketBatch.from_packets(pkts)).action.tolist()
        ['DROP', 'ACCEPT']
        """
        if self._remembers:
            raise RuleError(
                "-m recent remembers packets, so a batch cannot be judged all at once; "
                "use replay() for a sequence, or evaluate() for each packet"
            )
        return evaluate_batch(self, batch, chain=chain)

    def find(self, action: str = "ACCEPT", *, chain: str = "INPUT", **constraints) -> Search:
        """A packet that gets ``action`` entering ``chain``, or a proof that none does (see
        :func:`netcourse.firewall.find.find`).

        >>> Firewall.from_iptables(["-A INPUT -p tcp -j DROP"]).find("DROP").packet.proto
        'tcp'
        """
        return find(self, action, chain=chain, **constraints)

    def trace_html(self, verdict: Verdict) -> str:
        """The verdict's trace as an HTML table with the deciding rule highlighted."""
        return str(trace_table(verdict.trace, (verdict.chain, verdict.rule_number)))


def _step(chain: Chain, rule: Rule, matched: bool, why) -> TraceStep:
    return TraceStep(chain=chain.name, number=rule.number, rule=rule.text, matched=matched, why=why)


def _why_not(match, pkt: Packet, state: str):
    return lambda: match.why(pkt, state)


def _why(rule: Rule, pkt: Packet, state: str, outcome: str):
    def text() -> str:
        held = "; ".join(m.why(pkt, state) for m in rule.matches)
        return f"{held or 'no conditions: every packet'} -> {outcome}"

    return text


def _reject(rule: Rule) -> str | None:
    if rule.target != "REJECT":
        return None
    return rule.reject_with or "icmp-port-unreachable"


def _as_packet(packet) -> Packet:
    if isinstance(packet, Packet):
        return packet
    if hasattr(packet, "haslayer"):
        return Packet.from_scapy(packet)
    raise NetcourseError(f"{quote(packet)}: expected a Packet (or a scapy packet)")


def _items(packets, chain: str) -> list[tuple[Packet, str]]:
    if isinstance(packets, (str, os.PathLike)):
        packets = capture_packets(packets)
    items = []
    for item in packets:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str):
            items.append((_as_packet(item[0]), item[1]))
        else:
            items.append((_as_packet(item), chain))
    return items


def read_interfaces(
    interfaces: Mapping[str, str | tuple[str, ...]] | None,
) -> tuple[tuple[str, tuple[ipaddress.IPv4Interface, ...]], ...]:
    """The machine's interfaces as (name, addresses) pairs, loopback first.

    >>> [(n, [str(a) for a in addrs]) for n, addrs in read_interfaces({"eth0": "198.18.0.2/24"})]
    [('lo', ['127.0.0.1/8']), ('eth0', ['198.18.0.2/24'])]
    """
    if interfaces is None:
        return LOOPBACK
    if not isinstance(interfaces, Mapping):
        raise TypeError(f"interfaces: expected a mapping, got {type(interfaces).__name__}")
    pairs = [] if "lo" in interfaces else list(LOOPBACK)
    for name, value in interfaces.items():
        texts = (value,) if isinstance(value, str) else value
        if not isinstance(name, str) or not name or len(name) > 15:
            raise RuleError(f"interface {quote(name)}: a name is 1-15 characters such as 'eth0'")
        if not isinstance(texts, tuple) or not texts:
            raise RuleError(
                f"interface {name}: {quote(value)}: expected an address such as "
                "'198.18.0.2/24', or a tuple of them"
            )
        addresses = []
        for text in texts:
            try:
                address = ipaddress.ip_interface(text)
            except (ValueError, TypeError):
                address = None
            if address is None or address.version != 4:
                raise RuleError(
                    f"interface {name}: {quote(text)}: expected an IPv4 address such as "
                    "'198.18.0.2' or '198.18.0.2/24'"
                )
            addresses.append(address)
        pairs.append((name, tuple(addresses)))
    return tuple(pairs)


def _bind(ruleset: Ruleset, interfaces) -> Ruleset:
    """The ruleset with every ``-m addrtype`` reading the machine's ``interfaces``."""

    def rule(r: Rule) -> Rule:
        if not any(isinstance(m, AddrTypeMatch) for m in r.matches):
            return r
        matches = tuple(
            dataclasses.replace(m, interfaces=interfaces) if isinstance(m, AddrTypeMatch) else m
            for m in r.matches
        )
        return dataclasses.replace(r, matches=matches)

    tables = {
        name: {
            c.name: dataclasses.replace(c, rules=tuple(map(rule, c.rules))) for c in chains.values()
        }
        for name, chains in ruleset.tables.items()
    }
    return Ruleset(tables["filter"], tables)
