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
import functools
import ipaddress
import os
from collections.abc import Iterable, Mapping

from netcourse.errors import NetcourseError, PacketError, RuleError, quote
from netcourse.firewall.batch import BatchVerdicts, PacketBatch, capture_packets, evaluate_batch
from netcourse.firewall.conntrack import ConnTrack
from netcourse.firewall.ctmatch import ConnMatch
from netcourse.firewall.family import FAMILIES
from netcourse.firewall.find import Search, find
from netcourse.firewall.ipsets import bind_sets, parse_ipsets
from netcourse.firewall.limits import RecentMatch
from netcourse.firewall.marks import MARK_TARGETS, MarkMatch, apply_mark, mark_operation
from netcourse.firewall.matches import (
    LOOPBACK,
    LOOPBACK6,
    STATE_MODULE_STATES,
    AddrTypeMatch,
    StateMatch,
)
from netcourse.firewall.options import NAT_TARGETS, RAW_TARGETS
from netcourse.firewall.packet import Packet
from netcourse.firewall.parser import BUILTIN_CHAINS, Chain, Rule, Ruleset, parse_ruleset
from netcourse.firewall.setmatch import SetMatch
from netcourse.firewall.trace import Replay as ReplayResult
from netcourse.firewall.trace import TraceStep, Verdict, trace_table
from netcourse.firewall.traverse import UNTRACKED_KEY, Traversal, traverse_packet
from netcourse.html import Cell, Markup, table

__all__ = ["Firewall", "read_interfaces"]

_TARGET_WORDS = {
    "ACCEPT": "let it through",
    "DROP": "discard it silently",
    "REJECT": "discard it and tell the sender",
    "LOG": "log it and go on to the next rule",
    "NFLOG": "log it through netlink and go on to the next rule",
    "TCPMSS": "rewrite a SYN's MSS option and go on to the next rule",
    "NOTRACK": "leave it untracked by conntrack and go on to the next rule",
    "CT": "leave it untracked by conntrack (CT --notrack) and go on to the next rule",
    "": "count it (the rule has no target) and go on to the next rule",
    "RETURN": "go back to the calling chain",
    "MARK": "change the packet's mark and go on to the next rule",
    "CONNMARK": "change the connection's or the packet's mark and go on to the next rule",
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
        ipsets: str | None = None,
    ):
        if not isinstance(ruleset, Ruleset):
            raise TypeError(f"ruleset: expected a Ruleset, got {type(ruleset).__name__}")
        self.interfaces = read_interfaces(interfaces, version=ruleset.family)
        self.ruleset = _bind(ruleset, self.interfaces) if interfaces is not None else ruleset
        self.ipsets = parse_ipsets(ipsets) if ipsets is not None else {}
        if ipsets is not None or _uses_sets(self.ruleset):
            self.ruleset = bind_sets(self.ruleset, self.ipsets if ipsets is not None else None)
        self.tcp_loose = tcp_loose
        self._bound: dict = {}  # this ruleset bound to other interfaces, for traverse()
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
        ipsets: str | None = None,
        family: int | None = None,
    ) -> Firewall:
        """Read ``iptables-save`` output or a list of ``-A`` lines (policies default ACCEPT).

        ``interfaces`` maps the machine's interfaces to their addresses (``"198.18.0.2/24"``,
        or a tuple when it has several): ``-m addrtype`` reads its local and broadcast
        addresses there (the loopback interface ``lo`` is always there). ``ipsets`` is the
        text ``ipset save`` prints: the sets ``-m set --match-set`` reads. ``family=6`` reads
        ``ip6tables-save`` output, whose rules judge IPv6 packets (text whose ``# Generated
        by`` line names ip6tables-save is read so by itself); the default is IPv4.

        >>> Firewall.from_iptables("-A INPUT -j DROP").chains["INPUT"].rules[0].target
        'DROP'
        >>> fw = Firewall.from_iptables("-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT\\n"
        ...     "-P INPUT DROP", interfaces={"eth0": "198.18.0.2/24"})
        >>> [fw.evaluate(Packet("udp", dst=d)).action for d in ("198.18.0.2", "198.18.0.3")]
        ['ACCEPT', 'DROP']
        >>> fw6 = Firewall.from_iptables("-A INPUT -s fd00:1::/64 -j DROP", family=6)
        >>> fw6.evaluate(Packet("tcp", src="fd00:1::7", dst="fd00::2")).action
        'DROP'
        """
        if not isinstance(text, str) and isinstance(text, Iterable):
            text = "\n".join(str(line) for line in text)
        return cls(
            parse_ruleset(text, family=family),
            tcp_loose=tcp_loose,
            interfaces=interfaces,
            ipsets=ipsets,
        )

    @property
    def family(self) -> int:
        """The IP version the rules judge: 4 (iptables) or 6 (ip6tables)."""
        return self.ruleset.family

    @property
    def chains(self) -> dict[str, Chain]:
        """The chains by name, built-in first."""
        return self.ruleset.chains

    @functools.cached_property  # every verdict says it; the rules never change
    def reads_conntrack(self) -> bool:
        """Whether any filter rule reads connection tracking (a state, conntrack or connmark
        match, or CONNMARK): if none does, each packet is judged by its own headers alone.

        >>> Firewall.from_iptables("-A INPUT -p tcp --dport 22 -j ACCEPT").reads_conntrack
        False
        >>> Firewall.from_iptables("-A INPUT -m state --state NEW -j ACCEPT").reads_conntrack
        True
        """
        return any(
            rule.target == "CONNMARK"
            or any(
                isinstance(m, (StateMatch, ConnMatch))
                or (isinstance(m, MarkMatch) and m.which == "connmark")
                for m in rule.matches
            )
            for rule in self.ruleset.rules()
        )

    def why_not_judged(self, packet: Packet) -> str | None:
        """Why these rules never see ``packet`` (None when they do): the kernel hands IPv4
        packets to iptables' chains and IPv6 packets to ip6tables' (or to an nftables table of
        the ``inet`` family, which sees both), so an iptables ruleset never judges IPv6.

        >>> fw = Firewall.from_iptables("-P INPUT DROP")
        >>> fw.why_not_judged(Packet("tcp", src="192.0.2.1", dst="192.0.2.2")) is None
        True
        >>> fw.why_not_judged(Packet("tcp", src="fd00::1", dst="fd00::2"))  # doctest: +ELLIPSIS
        'tcp [fd00::1]:40000 -> [fd00::2]:80 [S]: an IPv6 packet, but these are iptables rules...'
        """
        pkt = _as_packet(packet)
        if pkt.version == self.family:
            return None
        tool = FAMILIES[self.family].tool
        return (
            f"{pkt.describe()}: an IPv{pkt.version} packet, but these are {tool} rules, "
            f"which judge IPv{self.family} packets only; load the "
            f"{FAMILIES[pkt.version].tool}-save rules with family={pkt.version} for it"
        )

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
        pkt = self._own(_as_packet(packet))
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
        decided, pkt = self._walk(start, pkt, state, trace, {} if memory is None else memory)
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
                stateful=self.reads_conntrack,
            )
        return Verdict(
            action=decided.target,
            chain=decided.chain,
            rule_number=decided.number,
            trace=tuple(trace),
            state=state,
            reject_with=_reject(decided, self.family),
            packet=pkt,
            stateful=self.reads_conntrack,
        )

    def _own(self, pkt: Packet) -> Packet:
        """The packet, when it is of the rules' IP version (else a PacketError)."""
        why = self.why_not_judged(pkt)
        if why is not None:
            raise PacketError(why)
        return pkt

    def _walk(
        self,
        start: Chain,
        pkt: Packet,
        state: str,
        trace: list[TraceStep],
        memory: dict,
        chains: Mapping[str, Chain] | None = None,
    ) -> tuple[Rule | None, Packet]:
        """Run chain ``start`` and the chains it jumps to: the deciding rule, or None when the
        packet comes back (RETURN, or the end of the chain), and the packet as it leaves (MARK
        and CONNMARK rewrite it for the rules after them).

        ``chains`` are the chains of ``start``'s table (the filter table's by default); in the
        nat table a NAT target (DNAT, SNAT, MASQUERADE, REDIRECT) decides too.
        A stack of (chain, next rule) replaces recursion, as the kernel's jump stack does, so
        thousands of nested jumps need no Python recursion.
        """
        chains = self.chains if chains is None else chains
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
                nat = rule.target in NAT_TARGETS
                if rule.terminal or nat:
                    outcome = " ".join((rule.target, *rule.target_options))
                elif rule.noting or rule.target == "RETURN":
                    outcome = _TARGET_WORDS[rule.target]
                else:
                    outcome = f"{'goes to' if rule.goto else 'jumps to'} {rule.target}"
                trace.append(_step(chain, rule, True, _why(rule, pkt, state, outcome)))
                if rule.terminal or nat:
                    return rule, pkt
                if rule.noting:
                    if rule.target in RAW_TARGETS and memory is not None:
                        untrack = rule.target == "NOTRACK" or "--notrack" in rule.target_options
                        memory[UNTRACKED_KEY] = memory.get(UNTRACKED_KEY) or untrack
                    elif rule.target in MARK_TARGETS:
                        op = mark_operation(rule.target, rule.target_options)
                        pkt = apply_mark(op, pkt, state)
                    continue
                if rule.target == "RETURN":
                    break
                if not rule.goto:  # -j comes back to the next rule here; -g never does
                    stack.append((chain, index))
                stack.append((chains[rule.target], 0))
                break
        return None, pkt

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
            if tracker.mark(pkt) != pkt.ctmark:
                pkt = dataclasses.replace(pkt, ctmark=tracker.mark(pkt))  # noqa: PLW2901
            verdict = self.evaluate(pkt, chain=where, state=step.state, memory=memory)
            tracker.commit(step, accepted=verdict.action == "ACCEPT")
            if step.state != "INVALID":  # the connection keeps its mark (CONNMARK)
                tracker.set_mark(pkt, verdict.packet.ctmark)
            verdicts.append(verdict)
        return ReplayResult(
            verdicts=tuple(verdicts), table=tracker.table(), stateful=self.reads_conntrack
        )

    # --- the whole machine: every table, conntrack and NAT ---------------------------------

    def traverse(
        self,
        packet: Packet,
        *,
        interfaces: Mapping[str, str | tuple[str, ...]] | None = None,
        conntrack: ConnTrack | None = None,
    ) -> Traversal:
        """Take ``packet`` through every table as the kernel does, NAT included.

        ``interfaces`` maps the machine's interfaces to their addresses (the first is the
        primary one): a packet to one of them is delivered locally, MASQUERADE takes the out
        interface's address and REDIRECT the in interface's (by default those given to the
        Firewall). ``conntrack`` keeps connections and NAT bindings across calls (by default
        a fresh table: the packet is alone). ``packet.in_iface=None`` is a packet the machine
        sends itself. See :mod:`netcourse.firewall.traverse` for the path.

        >>> fw = Firewall.from_iptables(["-P FORWARD DROP",
        ...                              "-A FORWARD -p tcp --dport 22 -j ACCEPT"])
        >>> t = fw.traverse(Packet("tcp", src="198.18.0.1", dst="198.19.0.1", dport=22),
        ...                 interfaces={"eth0": "198.18.0.2/24", "eth1": "198.19.0.2/24"})
        >>> t.action, t.delivered, [(s.table, s.chain, s.rule_number) for s in t.steps]
        ('ACCEPT', 'forwarded', [('filter', 'FORWARD', 1)])
        """
        pkt = _as_packet(packet)
        if interfaces is None:
            bound, names = self, self.interfaces
        else:
            names = read_interfaces(interfaces, version=self.family)
            bound = self._bound.get(names)
            if bound is None:
                bound = self._bound[names] = Firewall(
                    self.ruleset, tcp_loose=self.tcp_loose, interfaces=interfaces
                )
        if conntrack is None:
            conntrack = ConnTrack(tcp_loose=self.tcp_loose)
        elif not isinstance(conntrack, ConnTrack):
            raise TypeError(f"conntrack: expected a ConnTrack, got {type(conntrack).__name__}")
        return traverse_packet(bound, pkt, interfaces=names, conntrack=conntrack)

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


def _reject(rule: Rule, version: int = 4) -> str | None:
    if rule.target != "REJECT":
        return None
    return rule.reject_with or FAMILIES[version].default_reject


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
    *,
    version: int = 4,
) -> tuple[tuple[str, tuple[ipaddress.IPv4Interface | ipaddress.IPv6Interface, ...]], ...]:
    """The machine's interfaces as (name, addresses) pairs, loopback first: the addresses of
    IP version ``version`` (a dual-stack machine lists both; each ruleset reads its own).

    >>> [(n, [str(a) for a in addrs]) for n, addrs in read_interfaces({"eth0": "198.18.0.2/24"})]
    [('lo', ['127.0.0.1/8']), ('eth0', ['198.18.0.2/24'])]
    >>> [(n, [str(a) for a in addrs]) for n, addrs in
    ...  read_interfaces({"eth0": ("198.18.0.2/24", "fd00::2/64")}, version=6)]
    [('lo', ['::1/128']), ('eth0', ['fd00::2/64'])]
    """
    loopback = LOOPBACK6 if version == 6 else LOOPBACK
    if interfaces is None:
        return loopback
    if not isinstance(interfaces, Mapping):
        raise TypeError(f"interfaces: expected a mapping, got {type(interfaces).__name__}")
    pairs = [] if "lo" in interfaces else list(loopback)
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
            if address is None:
                raise RuleError(
                    f"interface {name}: {quote(text)}: expected an address such as "
                    "'198.18.0.2', '198.18.0.2/24' or 'fd00::2/64'"
                )
            if address.version == version:
                addresses.append(address)
        pairs.append((name, tuple(addresses)))
    return tuple(pairs)


def _uses_sets(ruleset: Ruleset) -> bool:
    return any(
        isinstance(m, SetMatch)
        for chains in ruleset.tables.values()
        for chain in chains.values()
        for rule in chain.rules
        for m in rule.matches
    )


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
    return Ruleset(tables["filter"], tables, family=ruleset.family)
