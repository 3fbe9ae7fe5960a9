"""A packet's whole way through a Linux machine: every table's built-in chains in the kernel's
order, connection tracking and NAT (net/ipv4/netfilter, the hooks' priorities).

Arriving on ``in_iface``: raw PREROUTING, conntrack, mangle PREROUTING, nat PREROUTING (the
first packet of a connection only: DNAT, REDIRECT), the routing decision (local when the
destination, after DNAT, is one of the machine's addresses; a DNATed packet leaves by the
interface whose subnet holds its new destination, else by ``out_iface``), then mangle INPUT,
filter INPUT and nat INPUT, or mangle FORWARD, filter FORWARD, mangle POSTROUTING and nat
POSTROUTING (SNAT, MASQUERADE). Sent by the machine itself (``in_iface=None``): raw, mangle,
nat and filter OUTPUT, then mangle and nat POSTROUTING. Later packets of a connection and its
replies skip the nat chains and are rewritten from the conntrack entry; INVALID and untracked
packets cross no nat chain. Taught in notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall import ConnTrack, Firewall, Packet
>>> fw = Firewall.from_iptables("*nat\\n-A POSTROUTING -o eth1 -j MASQUERADE\\nCOMMIT")
>>> ct = ConnTrack()
>>> home = {"eth0": "192.168.1.1/24", "eth1": "203.0.113.5/24"}
>>> out = Packet("tcp", src="192.168.1.20", dst="198.51.100.80", sport=51000, dport=443)
>>> fw.traverse(out, interfaces=home, conntrack=ct).packet.describe()
'tcp 203.0.113.5:51000 -> 198.51.100.80:443 [S]'
>>> back = Packet("tcp", src="198.51.100.80", dst="203.0.113.5", sport=443, dport=51000,
...               flags="SA", in_iface="eth1", out_iface="eth0")
>>> fw.traverse(back, interfaces=home, conntrack=ct).packet.describe()
'tcp 198.51.100.80:443 -> 192.168.1.20:51000 [SA]'
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field

from netcourse.firewall.conntrack import Classification, ConnTrack, CtState
from netcourse.firewall.nat import NatRange, bind, nat_range, translate
from netcourse.firewall.options import NAT_TARGETS
from netcourse.firewall.packet import Packet
from netcourse.firewall.trace import TraceStep
from netcourse.html import Markup, table

__all__ = ["ChainStep", "Traversal", "traverse_packet", "UNTRACKED_KEY"]

#: Where a walk notes that NOTRACK or ``CT --notrack`` exempted the packet from tracking.
UNTRACKED_KEY = "untracked"
#: The chains after conntrack and routing, by the packet's way: (table, chain) in order.
_INPUT = (("mangle", "INPUT"), ("filter", "INPUT"), ("security", "INPUT"), ("nat", "INPUT"))
_FORWARD = (
    ("mangle", "FORWARD"),
    ("filter", "FORWARD"),
    ("security", "FORWARD"),
    ("mangle", "POSTROUTING"),
    ("nat", "POSTROUTING"),
)
_OUTPUT = (
    ("mangle", "OUTPUT"),
    ("nat", "OUTPUT"),
    ("filter", "OUTPUT"),
    ("security", "OUTPUT"),
    ("mangle", "POSTROUTING"),
    ("nat", "POSTROUTING"),
)
#: Which side each nat chain rewrites (nf_nat's manip types by hook).
_MANIP = {"PREROUTING": "dst", "OUTPUT": "dst", "INPUT": "src", "POSTROUTING": "src"}


@dataclass(frozen=True, kw_only=True)
class ChainStep:
    """One built-in chain a packet crossed: its table and chain, the deciding rule's number
    (None when the policy decided, also in a chain with no rules) and its ``rule_chain`` (the
    chain holding it: a user chain the built-in one jumped to), the ``target`` that decided
    (ACCEPT, DROP, REJECT, DNAT ... or the policy), and the packet as it left the chain."""

    table: str
    chain: str
    rule_number: int | None
    target: str
    rule_chain: str
    packet: Packet
    state: str
    trace: tuple[TraceStep, ...] = field(repr=False)

    def __repr__(self) -> str:
        who = "policy" if self.rule_number is None else f"rule {self.rule_number}"
        where = "" if self.rule_chain == self.chain else f" of {self.rule_chain}"
        return f"ChainStep({self.table} {self.chain}: {who}{where} -> {self.target})"


@dataclass(frozen=True, kw_only=True)
class Traversal:
    """What the machine did with a packet: ``action`` (ACCEPT, DROP, REJECT), ``delivered``
    ("local", "forwarded", "sent", or None when dropped), the ``packet`` after every rewrite,
    the chains it crossed (``steps``) and its conntrack ``state``."""

    action: str
    delivered: str | None
    packet: Packet
    steps: tuple[ChainStep, ...]
    state: str
    original: Packet = field(repr=False)

    def __repr__(self) -> str:
        lines = [f"Traversal({self.action}, delivered={self.delivered!r}, state {self.state})"]
        lines += [f"  {step!r}" for step in self.steps]
        if self.packet != self.original:
            lines.append(f"  rewritten: {self.original.describe()} => {self.packet.describe()}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            [
                s.table,
                s.chain,
                "policy" if s.rule_number is None else f"{s.rule_chain} #{s.rule_number}",
                s.target,
                Markup("<code>{}</code>").format(s.packet.describe()),
            ]
            for s in self.steps
        ]
        head = Markup("<p><b>{}</b>, delivered: {}; conntrack state <b>{}</b></p>").format(
            self.action, self.delivered or "no", self.state
        )
        return str(head + table(rows, header=["table", "chain", "decided by", "target", "packet"]))


class _Way:
    """The state of one packet on its way: steps so far, state, NAT flags, memory."""

    def __init__(self, fw, tables: Mapping, memory: dict):
        self.fw, self.tables, self.memory = fw, tables, memory
        self.steps: list[ChainStep] = []

    def chain(self, table: str, name: str, pkt: Packet, state: str):
        """Run one built-in chain: (deciding rule or None, target, the packet as it leaves:
        MARK and CONNMARK rewrite its marks for the chains after it)."""
        chains = self.tables[table]
        start = chains[name]
        trace: list[TraceStep] = []
        rule, pkt = self.fw._walk(start, pkt, state, trace, self.memory, chains=chains)
        target = start.policy if rule is None else rule.target
        self.steps.append(
            ChainStep(
                table=table,
                chain=name,
                rule_number=None if rule is None else rule.number,
                target=target,
                rule_chain=name if rule is None else rule.chain,
                packet=pkt,
                state=str(state),
                trace=tuple(trace),
            )
        )
        return rule, target, pkt

    def has(self, table: str, name: str) -> bool:
        return name in self.tables.get(table, {})


def _local(addr: str, interfaces) -> bool:
    ip = ipaddress.ip_address(addr)
    if ip.is_loopback:  # 127.0.0.0/8, ::1
        return True
    return any(ip == a.ip for _, addresses in interfaces for a in addresses)


def _connected(addr: str, interfaces) -> str | None:
    """The interface whose subnet holds ``addr`` (a connected route), or None."""
    ip = ipaddress.ip_address(addr)
    for name, addresses in interfaces:
        if name != "lo" and any(
            ip in a.network and a.network.prefixlen < a.max_prefixlen for a in addresses
        ):
            return name
    return None


def _view(pkt: Packet, *, in_iface, out_iface) -> Packet:
    if (pkt.in_iface, pkt.out_iface) == (in_iface, out_iface):
        return pkt
    return dataclasses.replace(pkt, in_iface=in_iface, out_iface=out_iface)


def traverse_packet(fw, packet: Packet, *, interfaces, conntrack: ConnTrack) -> Traversal:
    """The kernel's path for ``packet`` through ``fw``'s tables (see the module's text).

    ``fw`` is a :class:`~netcourse.firewall.Firewall`; ``interfaces`` are (name, addresses)
    pairs as ``read_interfaces`` gives them. Use ``Firewall.traverse``.
    """
    way = _Way(fw, fw.ruleset.tables, conntrack.memory)
    way.memory.pop(UNTRACKED_KEY, None)  # NOTRACK marks one packet, not the next
    pkt, original = packet, packet
    arriving = packet.in_iface is not None
    hook = "PREROUTING" if arriving else "OUTPUT"
    iface_in, iface_out = packet.in_iface, packet.out_iface
    pkt = _view(pkt, in_iface=iface_in, out_iface=None if arriving else iface_out)

    def ended(action: str, step: Classification | None, state: str) -> Traversal:
        if step is not None:  # conntrack has seen it: a known connection still moves
            conntrack.commit(step, accepted=False)
        return Traversal(
            action=action,
            delivered=None,
            packet=pkt,
            steps=tuple(way.steps),
            state=str(state),
            original=original,
        )

    # raw: before conntrack, the packet has no connection yet (INVALID to -m conntrack)
    if way.has("raw", hook):
        _, target, pkt = way.chain("raw", hook, pkt, "INVALID")
        if target != "ACCEPT":
            return ended(target, None, "INVALID")
    step: Classification | None = None
    if way.memory.get(UNTRACKED_KEY):
        state = CtState("UNTRACKED")
    else:
        step = conntrack.classify(pkt)
        state = CtState(
            step.state,
            entry=step.entry,
            direction=step.direction,
            original=original,
            assured=step.assured,
        )
    tracked = step is not None and step.state != "INVALID"
    if tracked and conntrack.mark(original) != pkt.ctmark:  # the connection's mark (CONNMARK)
        pkt = dataclasses.replace(pkt, ctmark=conntrack.mark(original))
    first = tracked and step.first and "nat" in way.tables
    flags: set[str] = set()

    def nat(name: str) -> str | None:
        """The nat chain (first packet) or the entry's rewrite (later ones): a target that
        ended the packet (DROP), or None."""
        nonlocal pkt, state
        manip = _MANIP[name]
        if first:
            if not way.has("nat", name):
                return None
            rule, target, pkt = way.chain("nat", name, pkt, state)
            if rule is not None and rule.target in NAT_TARGETS:
                to = nat_range(rule, pkt, interfaces=interfaces, hook=name)
                if to is None:
                    return "DROP"
                moved = bind(pkt, to, manip=manip, conntrack=conntrack)
            elif target == "ACCEPT":  # no rule bound it: the null binding keeps the address
                same = pkt.src_int if manip == "src" else pkt.dst_int
                moved = bind(pkt, NatRange(lo=same), manip=manip, conntrack=conntrack)
            else:
                return target
            if (moved.src, moved.sport, moved.icmp_id, moved.dst, moved.dport) != (
                pkt.src,
                pkt.sport,
                pkt.icmp_id,
                pkt.dst,
                pkt.dport,
            ):
                flags.add("SNAT" if manip == "src" else "DNAT")
            pkt = moved
            state = CtState(str(state), nat=frozenset(flags), original=original)
        elif tracked and step.entry is not None and step.entry.nat:
            pkt = translate(pkt, step.entry, step.direction, manip)
        return None

    if way.has("mangle", hook) and arriving:
        _, target, pkt = way.chain("mangle", hook, pkt, state)
        if target != "ACCEPT":
            return ended(target, step, state)
    if arriving:
        if (target := nat("PREROUTING")) is not None:
            return ended(target, step, state)
        local = _local(pkt.dst, interfaces)
        chain_list = _INPUT if local else _FORWARD
        delivered = "local" if local else "forwarded"
        if pkt.dst != packet.dst:  # DNAT moved it: routed again, by its new destination
            iface_out = _connected(pkt.dst, interfaces) or iface_out
        if not local:  # ip_forward() lowers the TTL before the FORWARD hook
            if pkt.ttl <= 1:  # and answers "time exceeded" instead of forwarding
                return ended("DROP", step, state)
            pkt = dataclasses.replace(pkt, ttl=pkt.ttl - 1)
        pkt = _view(pkt, in_iface=iface_in, out_iface=None if local else iface_out)
    else:
        chain_list, delivered = _OUTPUT, "sent"
    for table_name, name in chain_list:
        if table_name == "nat":
            if name == "OUTPUT" and (target := nat(name)) is not None:
                return ended(target, step, state)
            if name == "OUTPUT":
                if pkt.dst != packet.dst:  # rerouted after DNAT, as ip_route_me_harder()
                    iface_out = _connected(pkt.dst, interfaces) or iface_out
                    pkt = _view(pkt, in_iface=None, out_iface=iface_out)
                continue
            if name == "POSTROUTING":
                pkt = _view(pkt, in_iface=None, out_iface=iface_out)
            if (target := nat(name)) is not None:
                return ended(target, step, state)
            continue
        if not way.has(table_name, name):
            continue
        if name == "POSTROUTING":
            pkt = _view(pkt, in_iface=None, out_iface=iface_out)
        _, target, pkt = way.chain(table_name, name, pkt, state)
        if target != "ACCEPT":
            return ended(target, step, state)
    if step is not None:
        conntrack.commit(step, accepted=True, translated=pkt if first else None)
        if tracked:
            conntrack.set_mark(original, pkt.ctmark)
    final = _view(pkt, in_iface=iface_in, out_iface=None if delivered == "local" else iface_out)
    return Traversal(
        action="ACCEPT",
        delivered=delivered,
        packet=final,
        steps=tuple(way.steps),
        state=str(state),
        original=original,
    )
