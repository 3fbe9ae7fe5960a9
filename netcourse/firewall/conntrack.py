"""Connection tracking as Linux's nf_conntrack does it: NEW, ESTABLISHED, RELATED, INVALID.

The TCP state machine is the kernel's own transition table (net/netfilter/
nf_conntrack_proto_tcp.c), kept here as data. Sequence-number window checks are not
simulated: packets are assumed to carry sensible sequence numbers. A new connection is
only remembered once its first packet is accepted (the kernel "confirms" it then); packets
of a known connection move its state even when a rule later drops them.
Taught in notebooks/04-firewalls.ipynb.

>>> ct = ConnTrack()
>>> syn = Packet("tcp", src="198.18.0.1", dst="198.18.1.1", sport=40000, dport=80, flags="S")
>>> step = ct.classify(syn); step.state
'NEW'
>>> ct.commit(step, accepted=True)
>>> ct.classify(syn.reply()).state
'ESTABLISHED'
>>> ConnTrack().classify(syn.reply()).state  # a lone SYN-ACK
'INVALID'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from netcourse.firewall.packet import Packet, icmp_reply, icmp_request, is_icmp_error
from netcourse.firewall.trace import ConnEntry, conntrack_list
from netcourse.protocols import ICMPV6_UNTRACKED_TYPES, TcpFlags

__all__ = [
    "ConnTrack",
    "CtState",
    "Classification",
    "TCP_STATES",
    "TCP_TRANSITIONS",
    "VALID_TCP_FLAGS",
    "IGNORED_TCP_FLAGS",
    "lone_state",
]

#: The kernel's TCP conntrack states, in its order (sNO ... sS2).
TCP_STATES = (
    "NONE",
    "SYN_SENT",
    "SYN_RECV",
    "ESTABLISHED",
    "FIN_WAIT",
    "CLOSE_WAIT",
    "LAST_ACK",
    "TIME_WAIT",
    "CLOSE",
    "SYN_SENT2",
)
_NO, _SS, _SR, _ES, _FW, _CW, _LA, _TW, _CL, _S2 = range(10)
_IV, _IG = "INVALID", "IGNORE"
_FLAG_INDEX = ("syn", "synack", "fin", "ack", "rst", "none")

#: tcp_conntracks[direction][flag index][old state] from nf_conntrack_proto_tcp.c.
TCP_TRANSITIONS: dict[str, dict[str, tuple]] = {
    "original": {
        "syn": (_SS, _SS, _IG, _IG, _IG, _IG, _IG, _SS, _SS, _S2),
        "synack": (_IV, _IV, _SR, _IV, _IV, _IV, _IV, _IV, _IV, _SR),
        "fin": (_IV, _IV, _FW, _FW, _LA, _LA, _LA, _TW, _CL, _IV),
        "ack": (_ES, _IV, _ES, _ES, _CW, _CW, _TW, _TW, _CL, _IV),
        "rst": (_IV, _CL, _CL, _CL, _CL, _CL, _CL, _CL, _CL, _CL),
        "none": (_IV,) * 10,
    },
    "reply": {
        "syn": (_IV, _S2, _IV, _IV, _IV, _IV, _IV, _SS, _IV, _S2),
        "synack": (_IV, _SR, _IG, _IG, _IG, _IG, _IG, _IG, _IG, _SR),
        "fin": (_IV, _IV, _FW, _FW, _LA, _LA, _LA, _TW, _CL, _IV),
        "ack": (_IV, _IG, _SR, _ES, _CW, _CW, _TW, _TW, _CL, _IG),
        "rst": (_IV, _CL, _CL, _CL, _CL, _CL, _CL, _CL, _CL, _CL),
        "none": (_IV,) * 10,
    },
}
_F, _S, _R, _A, _U = TcpFlags.FIN, TcpFlags.SYN, TcpFlags.RST, TcpFlags.ACK, TcpFlags.URG
#: Flags tcp_error() leaves out before judging a combination: PSH, and ECE and CWR (ECN).
IGNORED_TCP_FLAGS = int(TcpFlags.PSH | TcpFlags.ECE | TcpFlags.CWR)
#: Flag combinations tcp_error() lets through (after IGNORED_TCP_FLAGS); the others are INVALID.
VALID_TCP_FLAGS: frozenset[int] = frozenset(
    int(bits) for bits in (_S, _S | _U, _S | _A, _R, _R | _A, _F | _A, _F | _A | _U, _A, _A | _U)
)


def _flag_index(bits: int) -> str:
    if bits & _R:
        return "rst"
    if bits & _S:
        return "synack" if bits & _A else "syn"
    if bits & _F:
        return "fin"
    if bits & _A:
        return "ack"
    return "none"


def _valid_tcp(bits: int) -> bool:
    return (bits & ~IGNORED_TCP_FLAGS) in VALID_TCP_FLAGS


Key = tuple


@dataclass
class _Entry:
    proto: str
    original: Key
    reply: Key
    tcp_state: int | None
    seen_reply: bool = False
    pkt: Packet | None = None
    #: The first packet as it left, after every NAT rewrite (None: not translated).
    translated: Packet | None = None
    #: conntrack's NAT status bits: "SNAT" (source rewritten), "DNAT" (destination rewritten).
    nat: frozenset[str] = frozenset()
    #: IPS_ASSURED: a TCP connection whose handshake completed.
    assured: bool = False
    mark: int = 0  # the connection's mark (CONNMARK, -m connmark)


class CtState(str):
    """A packet's conntrack state as ``-m conntrack`` reads it: the state's name (a plain
    string, so it compares as one) carrying the connection (``entry``), the packet's
    ``direction``, the connection's NAT flags (``nat``: SNAT, DNAT) and, for a connection's
    first packet (no entry yet), the packet as it came (``original``).

    >>> s = CtState("ESTABLISHED", nat={"DNAT"})
    >>> s == "ESTABLISHED", sorted(s.nat)
    (True, ['DNAT'])
    """

    entry: _Entry | None
    direction: str
    nat: frozenset[str]
    original: Packet | None
    assured: bool

    def __new__(
        cls,
        state: str,
        *,
        entry: _Entry | None = None,
        direction: str = "original",
        nat=None,
        original: Packet | None = None,
        assured: bool = False,
    ) -> CtState:
        self = super().__new__(cls, state)
        self.assured = assured
        self.entry = entry
        self.direction = direction
        self.original = original  # a first packet as it came, before any NAT
        if nat is None:
            nat = entry.nat if entry is not None else ()
        self.nat = frozenset(nat)
        return self


@dataclass(frozen=True)
class Classification:
    """The conntrack state of one packet, and what accepting it changes in the table.

    ``entry`` is the connection the packet belongs to (None for a connection's first packet
    and for INVALID ones) and ``direction`` which way it travels ("original" or "reply").
    """

    state: str
    reason: str
    apply: Callable[..., None] | None = field(default=None, repr=False, compare=False)
    entry: _Entry | None = field(default=None, repr=False, compare=False)
    direction: str = field(default="original", repr=False, compare=False)
    #: IPS_ASSURED as the rules see it for this packet (a TCP handshake completed).
    assured: bool = field(default=False, repr=False, compare=False)

    @property
    def first(self) -> bool:
        """Whether the packet opens a new entry (then it alone crosses the nat table)."""
        return self.entry is None and self.state == "NEW" and self.apply is not None


def _keys(pkt: Packet) -> tuple[Key, Key]:
    """The packet's own lookup key and the key of a packet going the other way."""
    proto = pkt.proto_number
    if pkt.sport is not None:
        return (proto, pkt.src, pkt.sport, pkt.dst, pkt.dport), (
            proto,
            pkt.dst,
            pkt.dport,
            pkt.src,
            pkt.sport,
        )
    if pkt.is_icmp:  # ICMP, or ICMPv6 in IPv6
        kind = pkt.icmp_type
        answer = icmp_reply(kind, pkt.version)
        if answer is None:  # a reply type: its key is its request's reply key
            request = icmp_request(kind, pkt.version)
            request = kind if request is None else request
            return (proto, pkt.src, pkt.dst, pkt.icmp_id, request, "r"), (
                proto,
                pkt.dst,
                pkt.src,
                pkt.icmp_id,
                request,
            )
        return (proto, pkt.src, pkt.dst, pkt.icmp_id, kind), (
            proto,
            pkt.dst,
            pkt.src,
            pkt.icmp_id,
            kind,
            "r",
        )
    return (proto, pkt.src, pkt.dst), (proto, pkt.dst, pkt.src)


def _source(pkt: Packet) -> tuple:
    port = pkt.icmp_id if pkt.is_icmp else pkt.sport
    return (pkt.proto_number, pkt.src, port)


class ConnTrack:
    """A conntrack table: classify a packet, then commit it once the ruleset has judged it.

    ``tcp_loose`` mirrors ``net.netfilter.nf_conntrack_tcp_loose`` (1 by default): a lone ACK
    picks up an existing connection as NEW; with 0 it is INVALID. Each entry keeps the
    connection's original and reply tuples; NAT (see :mod:`netcourse.firewall.nat`) writes
    the reply tuple, and later packets and replies are translated from it.
    """

    def __init__(self, *, tcp_loose: bool = True):
        self.tcp_loose = tcp_loose
        self._by_original: dict[Key, _Entry] = {}
        self._by_reply: dict[Key, _Entry] = {}
        self._by_source: dict[tuple, list[_Entry]] = {}  # (proto, src, sport or id): NAT reuse
        #: What stateful matches remember across the packets traversed with this table
        #: (limit's buckets, recent's lists), as ``Firewall.evaluate``'s ``memory``.
        self.memory: dict = {}

    def __len__(self) -> int:
        return len(self._by_original)

    def __repr__(self) -> str:
        rows = self.table()
        head = f"ConnTrack: {len(rows)} entr{'y' if len(rows) == 1 else 'ies'}"
        return "\n".join([head, *(f"  {row!r}" for row in rows)])

    def _repr_html_(self) -> str:
        return str(conntrack_list(self.table()))

    def table(self) -> tuple[ConnEntry, ...]:
        """The tracked connections, oldest first, like ``conntrack -L``.

        Each row has the original tuple and, like ``conntrack -L``, the reply tuple (what
        the answers carry: after NAT, the translated addresses and ports).
        """
        rows = []
        for entry in self._by_original.values():
            pkt = entry.pkt
            out = entry.translated or pkt
            state = TCP_STATES[entry.tcp_state] if entry.tcp_state is not None else None
            rows.append(
                ConnEntry(
                    proto=pkt.proto,
                    src=pkt.src,
                    dst=pkt.dst,
                    sport=pkt.sport,
                    dport=pkt.dport,
                    tcp_state=state,
                    seen_reply=entry.seen_reply,
                    reply_src=out.dst,
                    reply_dst=out.src,
                    reply_sport=out.dport,
                    reply_dport=out.sport,
                )
            )
        return tuple(rows)

    def _lookup(self, key: Key) -> tuple[_Entry | None, str]:
        if key in self._by_original:
            return self._by_original[key], "original"
        if key in self._by_reply:
            return self._by_reply[key], "reply"
        return None, ""

    def _find(self, pkt: Packet) -> tuple[_Entry | None, str]:
        return self._lookup(_keys(pkt)[0])

    def taken(self, pkt: Packet) -> bool:
        """Whether a connection already answers as ``pkt``'s replies would (a NAT clash)."""
        key = _keys(pkt)[1]
        return key in self._by_reply or key in self._by_original

    def entries(self) -> list[_Entry]:
        """The entries themselves, oldest first."""
        return list(self._by_original.values())

    def from_source(self, pkt: Packet) -> list[_Entry]:
        """The entries whose first packet came from ``pkt``'s source address and port (or
        ICMP identifier), oldest first: what NAT reads to reuse a mapping."""
        return list(self._by_source.get(_source(pkt), ()))

    def _add(self, pkt: Packet, tcp_state: int | None, translated: Packet | None = None) -> None:
        original, reply = _keys(pkt)
        nat: frozenset[str] = frozenset()
        if translated is not None:
            reply = _keys(translated)[1]
            moved = [
                (
                    "SNAT",
                    (pkt.src, pkt.sport, pkt.icmp_id),
                    (translated.src, translated.sport, translated.icmp_id),
                ),
                ("DNAT", (pkt.dst, pkt.dport), (translated.dst, translated.dport)),
            ]
            nat = frozenset(flag for flag, before, after in moved if before != after)
        entry = _Entry(
            proto=pkt.proto,
            original=original,
            reply=reply,
            tcp_state=tcp_state,
            pkt=pkt,
            translated=translated,
            nat=nat,
        )
        self._by_original[original] = entry
        self._by_reply[reply] = entry
        self._by_source.setdefault(_source(pkt), []).append(entry)

    def _remove(self, entry: _Entry) -> None:
        self._by_original.pop(entry.original, None)
        self._by_reply.pop(entry.reply, None)
        same = self._by_source.get(_source(entry.pkt), [])
        if entry in same:
            same.remove(entry)

    def _opens(self, pkt: Packet, tcp_state: int | None):
        def apply(ok: bool, translated: Packet | None = None) -> None:
            if ok:
                self._add(pkt, tcp_state, translated)

        return apply

    def classify(self, pkt: Packet) -> Classification:
        """The packet's state (NEW, ESTABLISHED, RELATED or INVALID) against this table."""
        if pkt.is_icmp:
            return self._icmp(pkt)
        if pkt.proto_number == 6:
            return self._tcp(pkt)
        entry, direction = self._find(pkt)
        if entry is None:
            return Classification(
                "NEW", f"first {pkt.proto} packet of this flow", self._opens(pkt, None)
            )
        return self._known(entry, direction, f"{pkt.proto} flow already tracked")

    def _known(
        self, entry: _Entry, direction: str, what: str, update=None, assured: bool = False
    ) -> Classification:
        def apply(ok: bool, translated: Packet | None = None) -> None:
            if update is not None:
                update()
            if direction == "reply":
                entry.seen_reply = True

        if direction == "reply":
            state, reason = "ESTABLISHED", f"a reply: {what}"
        elif entry.seen_reply:
            state, reason = "ESTABLISHED", f"{what}, replies seen"
        else:
            state, reason = "NEW", f"{what}, no reply seen yet"
        return Classification(state, reason, apply, entry, direction, assured or entry.assured)

    def _tcp(self, pkt: Packet) -> Classification:
        bits = pkt.flag_bits
        if not _valid_tcp(bits):
            return Classification(
                "INVALID", f"flags {pkt.flags or 'none'} are not a valid TCP combination"
            )
        index = _flag_index(bits)
        entry, direction = self._find(pkt)
        if entry is not None:
            old = entry.tcp_state
            new = TCP_TRANSITIONS[direction][index][old]
            if direction == "original" and index == "syn" and old in (_TW, _CL):
                self._remove(entry)  # a new connection reuses the 4-tuple
                entry = None
            elif new == _IV:
                return Classification(
                    "INVALID",
                    f"{pkt.flags} is not expected from the {direction} side in {TCP_STATES[old]}",
                )
            elif new == _IG:
                return self._known(entry, direction, f"tcp {TCP_STATES[old]} (packet ignored)")
            else:

                def update(entry=entry, new=new) -> None:
                    if index == "rst" and not entry.seen_reply:
                        self._remove(entry)  # a RST before any reply kills the entry
                        return
                    if entry.seen_reply and old in (_SR, _ES) and new == _ES:
                        entry.assured = True
                    entry.tcp_state = new

                # the kernel marks ASSURED on the way in, before the rules see the packet
                assured = entry.seen_reply and old in (_SR, _ES) and new == _ES
                return self._known(
                    entry,
                    direction,
                    f"tcp {TCP_STATES[old]} -> {TCP_STATES[new]}",
                    update,
                    assured,
                )
        if index == "syn":
            return Classification("NEW", "a SYN opens a new connection", self._opens(pkt, _SS))
        if index == "ack" and self.tcp_loose:
            return Classification(
                "NEW",
                "an ACK of an unknown connection: picked up mid-stream (tcp_loose=1)",
                self._opens(pkt, _ES),
            )
        if index == "ack":
            return Classification("INVALID", "an ACK of an unknown connection (tcp_loose=0)")
        names = {"synack": "a SYN-ACK", "fin": "a FIN", "rst": "a RST"}
        return Classification("INVALID", f"{names.get(index, 'this')} without a known connection")

    def _icmp(self, pkt: Packet) -> Classification:
        kind, version = pkt.icmp_type, pkt.version
        if version == 6 and kind in ICMPV6_UNTRACKED_TYPES:
            return Classification("UNTRACKED", "neighbour discovery and MLD are never tracked")
        if is_icmp_error(kind, version):
            if pkt.inner is None:
                return Classification("INVALID", "an ICMP error quoting no packet")
            # the kernel looks the quoted packet's answer up: its direction is the error's
            entry, direction = self._lookup(_keys(pkt.inner)[1])
            if entry is None:
                return Classification("INVALID", "an ICMP error about no tracked connection")
            return Classification(
                "RELATED", "an ICMP error about a tracked connection", None, entry, direction
            )
        if icmp_reply(kind, version) is not None:
            entry, direction = self._find(pkt)
            if entry is None:
                return Classification(
                    "NEW", "an ICMP request starts a flow", self._opens(pkt, None)
                )
            return self._known(entry, direction, "icmp request already tracked")
        if icmp_request(kind, version) is not None:
            entry, direction = self._find(pkt)
            if entry is None:
                return Classification("INVALID", "an ICMP reply with no request tracked")
            return self._known(entry, "reply", "icmp reply to a tracked request")
        return Classification("INVALID", f"ICMP type {kind} neither starts nor answers a flow")

    def _entry_of(self, pkt: Packet) -> _Entry | None:
        """The connection a packet belongs to (an ICMP error: the one it quotes)."""
        if pkt.is_icmp and is_icmp_error(pkt.icmp_type, pkt.version) and pkt.inner is not None:
            pkt = pkt.inner
        return self._find(pkt)[0]

    def mark(self, pkt: Packet) -> int:
        """The mark of the packet's connection (its ``ctmark`` while none is tracked).

        >>> ConnTrack().mark(Packet("udp", ctmark=3))
        3
        """
        entry = self._entry_of(pkt)
        return pkt.ctmark if entry is None else entry.mark

    def set_mark(self, pkt: Packet, mark: int) -> None:
        """Keep ``mark`` as the mark of the packet's connection, when one is tracked."""
        entry = self._entry_of(pkt)
        if entry is not None:
            entry.mark = mark

    def commit(
        self, step: Classification, *, accepted: bool, translated: Packet | None = None
    ) -> None:
        """Record the packet's effect on the table once the ruleset has judged it.

        ``translated`` is a connection's first packet as it left after NAT: its reply tuple
        is then the translated one, so replies find the entry and are translated back.
        """
        if step.apply is not None:
            step.apply(accepted, translated)


def lone_state(pkt: Packet, *, tcp_loose: bool = True) -> str:
    """The state of a packet seen alone, with an empty table (what ``evaluate`` assumes).

    >>> lone_state(Packet("tcp", src="192.0.2.1", dst="192.0.2.2", flags="PA"))
    'NEW'
    """
    return ConnTrack(tcp_loose=tcp_loose).classify(pkt).state
