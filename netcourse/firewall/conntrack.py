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
from netcourse.firewall.trace import ConnEntry
from netcourse.protocols import ICMPV6_UNTRACKED_TYPES, TcpFlags

__all__ = [
    "ConnTrack",
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


@dataclass(frozen=True)
class Classification:
    """The conntrack state of one packet, and what accepting it changes in the table."""

    state: str
    reason: str
    apply: Callable[[bool], None] | None = field(default=None, repr=False, compare=False)


def _keys(pkt: Packet) -> tuple[Key, Key]:
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
        if answer is None:  # a reply type: its original key is the request's
            request = icmp_request(kind, pkt.version)
            request = kind if request is None else request
            return (proto, pkt.src, pkt.dst, pkt.icmp_id, request, "reply"), (
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


class ConnTrack:
    """A conntrack table: classify a packet, then commit it once the ruleset has judged it.

    ``tcp_loose`` mirrors ``net.netfilter.nf_conntrack_tcp_loose`` (1 by default): a lone ACK
    picks up an existing connection as NEW; with 0 it is INVALID.
    """

    def __init__(self, *, tcp_loose: bool = True):
        self.tcp_loose = tcp_loose
        self._by_original: dict[Key, _Entry] = {}
        self._by_reply: dict[Key, _Entry] = {}

    def __len__(self) -> int:
        return len(self._by_original)

    def table(self) -> tuple[ConnEntry, ...]:
        """The tracked connections, oldest first, like ``conntrack -L``."""
        rows = []
        for entry in self._by_original.values():
            pkt = entry.pkt
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
                )
            )
        return tuple(rows)

    def _find(self, pkt: Packet) -> tuple[_Entry | None, str]:
        original, _ = _keys(pkt)
        if pkt.is_icmp and icmp_reply(pkt.icmp_type, pkt.version) is None:
            # a reply looks itself up in the reply direction of its request
            request_key = (pkt.proto_number, pkt.dst, pkt.src, pkt.icmp_id, original[4])
            entry = self._by_original.get(request_key)
            return (entry, "reply") if entry else (None, "")
        if original in self._by_original:
            return self._by_original[original], "original"
        if original in self._by_reply:
            return self._by_reply[original], "reply"
        return None, ""

    def _add(self, pkt: Packet, tcp_state: int | None) -> None:
        original, reply = _keys(pkt)
        entry = _Entry(
            proto=pkt.proto, original=original, reply=reply, tcp_state=tcp_state, pkt=pkt
        )
        self._by_original[original] = entry
        self._by_reply[reply] = entry

    def _remove(self, entry: _Entry) -> None:
        self._by_original.pop(entry.original, None)
        self._by_reply.pop(entry.reply, None)

    def classify(self, pkt: Packet) -> Classification:
        """The packet's state (NEW, ESTABLISHED, RELATED or INVALID) against this table."""
        if pkt.is_icmp:
            return self._icmp(pkt)
        if pkt.proto_number == 6:
            return self._tcp(pkt)
        entry, direction = self._find(pkt)
        if entry is None:
            return Classification(
                "NEW",
                f"first {pkt.proto} packet of this flow",
                lambda ok: self._add(pkt, None) if ok else None,
            )
        return self._known(entry, direction, f"{pkt.proto} flow already tracked")

    def _known(self, entry: _Entry, direction: str, what: str, update=None) -> Classification:
        def apply(ok: bool) -> None:
            if update is not None:
                update()
            if direction == "reply":
                entry.seen_reply = True

        if direction == "reply":
            return Classification("ESTABLISHED", f"a reply: {what}", apply)
        if entry.seen_reply:
            return Classification("ESTABLISHED", f"{what}, replies seen", apply)
        return Classification("NEW", f"{what}, no reply seen yet", apply)

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
                    entry.tcp_state = new

                return self._known(
                    entry, direction, f"tcp {TCP_STATES[old]} -> {TCP_STATES[new]}", update
                )
        if index == "syn":
            return Classification(
                "NEW",
                "a SYN opens a new connection",
                lambda ok: self._add(pkt, _SS) if ok else None,
            )
        if index == "ack" and self.tcp_loose:
            return Classification(
                "NEW",
                "an ACK of an unknown connection: picked up mid-stream (tcp_loose=1)",
                lambda ok: self._add(pkt, _ES) if ok else None,
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
            entry, _ = self._find(pkt.inner)
            if entry is None:
                return Classification("INVALID", "an ICMP error about no tracked connection")
            return Classification("RELATED", "an ICMP error about a tracked connection", None)
        if icmp_reply(kind, version) is not None:
            entry, direction = self._find(pkt)
            if entry is None:
                return Classification(
                    "NEW",
                    "an ICMP request starts a flow",
                    lambda ok: self._add(pkt, None) if ok else None,
                )
            return self._known(entry, direction, "icmp request already tracked")
        if icmp_request(kind, version) is not None:
            entry, direction = self._find(pkt)
            if entry is None:
                return Classification("INVALID", "an ICMP reply with no request tracked")
            return self._known(entry, "reply", "icmp reply to a tracked request")
        return Classification("INVALID", f"ICMP type {kind} neither starts nor answers a flow")

    def commit(self, step: Classification, *, accepted: bool) -> None:
        """Record the packet's effect on the table once the ruleset has judged it."""
        if step.apply is not None:
            step.apply(accepted)


def lone_state(pkt: Packet, *, tcp_loose: bool = True) -> str:
    """The state of a packet seen alone, with an empty table (what ``evaluate`` assumes).

    >>> lone_state(Packet("tcp", src="192.0.2.1", dst="192.0.2.2", flags="PA"))
    'NEW'
    """
    return ConnTrack(tcp_loose=tcp_loose).classify(pkt).state
