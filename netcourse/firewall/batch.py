"""Judge many packets at once: header columns as numpy arrays, one mask per match.

Each packet is judged as :meth:`Firewall.evaluate` judges it alone (its conntrack state is
the one it has with an empty table). Taught in notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall.chains import Firewall
>>> fw = Firewall.from_iptables(["-A INPUT -p tcp --dport 22 -j ACCEPT", "-A INPUT -j DROP"])
>>> batch = PacketBatch.from_packets([Packet("tcp", src="192.0.2.1", dst="192.0.2.2", dport=22),
...                                   Packet("tcp", src="192.0.2.1", dst="192.0.2.2", dport=23)])
>>> result = fw.evaluate_batch(batch)
>>> result.action.tolist(), result.rule_number.tolist()
(['ACCEPT', 'DROP'], [1, 2])
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

import numpy as np

from netcourse.errors import CaptureError, NetcourseError, PacketError, RuleError, quote
from netcourse.firewall.conntrack import IGNORED_TCP_FLAGS, VALID_TCP_FLAGS
from netcourse.firewall.family import FAMILIES, NO_ROUTING_HEADER
from netcourse.firewall.marks import MARK_TARGETS, apply_mark_batch, mark_operation
from netcourse.firewall.matches import (
    STATES,
    AddrMatch,
    CommentMatch,
    IcmpMatch,
    IpRangeMatch,
    MultiportMatch,
    PortMatch,
    ProtoMatch,
)
from netcourse.firewall.packet import PKTTYPES, Packet
from netcourse.protocols import ICMPV6_UNTRACKED_TYPES, TcpFlags, icmp_types

__all__ = ["PacketBatch", "BatchVerdicts", "evaluate_batch", "capture_packets"]

_ACTIONS = ("ACCEPT", "DROP", "REJECT")


@dataclass(frozen=True, eq=False)
class PacketBatch:
    """Packets as columns: protocol, addresses (as integers), ports (-1: none), TCP flag
    bits, ICMP type and code (-1: not ICMP), conntrack state code, interface codes into
    ``iface_names``; then mark and connection mark, TTL, IP length, fragment offset, packet
    type (its place in ``PKTTYPES``), socket owner uid and gid (-1: no socket).

    A batch holds packets of one IP ``version``. IPv6 addresses are 128 bits: ``src`` and
    ``dst`` then hold their low 64 bits and ``src_hi`` and ``dst_hi`` their high 64 bits
    (uint64 each); ``ttl`` (the hop limit) and ``routing`` (the routing header's type,
    256 for none) are filled for IPv6, whose rules may read them.

    >>> PacketBatch.from_packets([Packet("udp", src="fd00::1", dst="fd00::2")]).src_hi.tolist()
    [18230571291595767808]
    """

    proto: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    sport: np.ndarray
    dport: np.ndarray
    flags: np.ndarray
    icmp_type: np.ndarray
    icmp_code: np.ndarray
    state: np.ndarray
    in_iface: np.ndarray
    out_iface: np.ndarray
    iface_names: tuple[str, ...]
    version: int = 4
    src_hi: np.ndarray | None = None
    dst_hi: np.ndarray | None = None
    routing: np.ndarray | None = None
    mark: np.ndarray | None = None
    ctmark: np.ndarray | None = None
    ttl: np.ndarray | None = None
    length: np.ndarray | None = None
    fragment: np.ndarray | None = None
    pkttype: np.ndarray | None = None
    uid: np.ndarray | None = None
    gid: np.ndarray | None = None

    def __post_init__(self) -> None:
        size = len(self.proto)
        defaults = {"ttl": 64, "pkttype": 0, "uid": -1, "gid": -1}
        if self.length is None:  # not given: the headers' length, as Packet has it
            header = np.where(np.asarray(self.proto) == 6, 40, 28).astype(np.int64)
            object.__setattr__(self, "length", header)
        for name in ("mark", "ctmark", "ttl", "fragment", "pkttype", "uid", "gid"):
            if getattr(self, name) is None:
                fill = defaults.get(name, 0)
                object.__setattr__(self, name, np.full(size, fill, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.proto)

    def __repr__(self) -> str:
        return f"PacketBatch({len(self)} packets)"

    @classmethod
    def from_packets(cls, packets, *, tcp_loose: bool = True) -> PacketBatch:
        """A batch of :class:`Packet` objects (or scapy packets).

        >>> len(PacketBatch.from_packets([Packet("udp", src="192.0.2.1", dst="192.0.2.2")]))
        1
        """
        pkts = [p if isinstance(p, Packet) else Packet.from_scapy(p) for p in packets]
        versions = {p.version for p in pkts}
        if len(versions) > 1:
            raise PacketError(
                "a batch holds packets of one IP version: judge the IPv4 and IPv6 packets "
                "in two batches, each by its own rules (iptables and ip6tables)"
            )
        version = versions.pop() if versions else 4
        names: dict[str, int] = {}

        def code(name: str) -> int:
            return names.setdefault(name, len(names))

        def column(values, dtype):
            return np.fromiter(values, dtype=dtype, count=len(pkts))

        in_codes = column((code(p.in_iface) for p in pkts), np.int32)
        out_codes = column((code(p.out_iface) for p in pkts), np.int32)
        batch_flags = column((p.flag_bits for p in pkts), np.int16)
        proto = column((p.proto_number for p in pkts), np.int16)
        icmp_type = column((-1 if p.icmp_type is None else p.icmp_type for p in pkts), np.int16)
        extra: dict = {}
        if version == 6:
            low = 2**64 - 1
            extra = dict(
                src=column((p.src_int & low for p in pkts), np.uint64),
                dst=column((p.dst_int & low for p in pkts), np.uint64),
                src_hi=column((p.src_int >> 64 for p in pkts), np.uint64),
                dst_hi=column((p.dst_int >> 64 for p in pkts), np.uint64),
                routing=column(
                    (NO_ROUTING_HEADER if p.routing_type is None else p.routing_type for p in pkts),
                    np.int16,
                ),
            )
        else:
            extra = dict(
                src=column((p.src_int for p in pkts), np.int64),
                dst=column((p.dst_int for p in pkts), np.int64),
            )
        return cls(
            proto=proto,
            sport=column((-1 if p.sport is None else p.sport for p in pkts), np.int32),
            dport=column((-1 if p.dport is None else p.dport for p in pkts), np.int32),
            flags=batch_flags,
            icmp_type=icmp_type,
            icmp_code=column((p.icmp_code if p.is_icmp else -1 for p in pkts), np.int16),
            state=lone_states(proto, batch_flags, icmp_type, tcp_loose=tcp_loose, version=version),
            in_iface=in_codes,
            out_iface=out_codes,
            iface_names=tuple(names),
            mark=column((p.mark for p in pkts), np.int64),
            ctmark=column((p.ctmark for p in pkts), np.int64),
            ttl=column((p.ttl for p in pkts), np.int64),
            length=column((p.length for p in pkts), np.int64),
            fragment=column((p.fragment for p in pkts), np.int64),
            pkttype=column((PKTTYPES.index(p.pkttype) for p in pkts), np.int64),
            uid=column((-1 if p.uid is None else p.uid for p in pkts), np.int64),
            gid=column((-1 if p.gid is None else p.gid for p in pkts), np.int64),
            version=version,
            **extra,
        )

    @classmethod
    def from_capture(cls, path, *, in_iface: str = "eth0", out_iface: str = "eth1") -> PacketBatch:
        """A batch of every IPv4 packet in a capture file (other frames are skipped)."""
        return cls.from_packets(capture_packets(path, in_iface=in_iface, out_iface=out_iface))


#: ICMP types that may start a flow (requests: echo, timestamp, information, address mask),
#: by IP version (ICMPv6: echo).
_ICMP_REQUESTS = {
    version: np.array(
        sorted(t for t, kind in icmp_types(version).items() if kind.reply is not None)
    )
    for version in FAMILIES
}
_UNTRACKED6 = np.array(ICMPV6_UNTRACKED_TYPES)
_VALID_CORES = np.array(sorted(VALID_TCP_FLAGS))
_SYN, _ACK = int(TcpFlags.SYN), int(TcpFlags.ACK)
_SYN_RST_ACK_FIN = int(TcpFlags.SYN | TcpFlags.RST | TcpFlags.ACK | TcpFlags.FIN)


def lone_states(proto, flags, icmp_type, *, tcp_loose: bool = True, version: int = 4) -> np.ndarray:
    """The conntrack state code of each packet seen alone (as :func:`conntrack.lone_state`);
    ``version`` 6: the packets are IPv6 (ICMPv6 is protocol 58; neighbour discovery and MLD
    are UNTRACKED).

    >>> lone_states(np.array([6, 6, 17]), np.array([0x02, 0x12, 0]), np.array([-1, -1, -1]))
    array([1, 0, 1], dtype=int8)
    """
    state = np.full(len(proto), STATES["NEW"], dtype=np.int8)
    tcp = proto == 6
    valid = np.isin(flags & ~IGNORED_TCP_FLAGS, _VALID_CORES)
    syn_only = (flags & _SYN_RST_ACK_FIN) == _SYN  # SYN without ACK, RST, FIN
    ack_only = ((flags & _SYN_RST_ACK_FIN) == _ACK) & tcp_loose
    state[tcp & ~(valid & (syn_only | ack_only))] = STATES["INVALID"]
    icmp = proto == FAMILIES[version].icmp_proto
    starts = np.isin(icmp_type, _ICMP_REQUESTS[version])
    state[icmp & ~starts] = STATES["INVALID"]
    if version == 6:
        state[icmp & np.isin(icmp_type, _UNTRACKED6)] = STATES["UNTRACKED"]
    return state


def capture_packets(path, *, in_iface: str = "eth0", out_iface: str = "eth1") -> list[Packet]:
    """The IPv4 packets of a capture as :class:`Packet` objects (frames without IPv4 skipped).

    Frames are read with :func:`netcourse.packets.read_capture` and decoded by their link type
    (each type in ``netcourse.protocols.LINK_TYPES``).

    >>> from netcourse.packets import sample
    >>> capture_packets(sample("http"))[0].describe()
    'tcp 198.18.0.1:40000 -> 198.18.0.2:8000 [S]'
    """
    # netcourse.packets imports scapy: load it late
    from netcourse.packets import read_capture
    from netcourse.packets.link import scapy_class

    if not isinstance(path, (str, os.PathLike)):
        raise CaptureError(f"{quote(path)}: expected the path of a capture file")
    if not os.path.exists(path):
        raise CaptureError(f"{quote(str(path))}: no such capture file")
    capture = read_capture(path)
    packets = []
    for number in range(1, len(capture) + 1):
        linktype, data = capture.linktype(number), capture.frame(number)
        try:
            pkt = scapy_class(linktype, data)(data)
        except PacketError as exc:
            raise CaptureError(f"{quote(str(path))}: packet {number}: {exc}") from None
        if pkt.haslayer("IP"):
            try:
                packets.append(Packet.from_scapy(pkt, in_iface=in_iface, out_iface=out_iface))
            except NetcourseError as exc:
                raise CaptureError(f"{quote(str(path))}: packet {number}: {exc}") from None
    return packets


@dataclass(frozen=True, eq=False, kw_only=True)
class BatchVerdicts:
    """Per-packet results: ``action`` (str array), ``chain`` (str array) and ``rule_number``
    (int array; 0 where the chain's policy decided)."""

    action: np.ndarray
    chain: np.ndarray
    rule_number: np.ndarray

    def __len__(self) -> int:
        return len(self.action)

    def counts(self) -> dict[str, int]:
        """How many packets got each action."""
        values, counts = np.unique(self.action, return_counts=True)
        return {str(v): int(c) for v, c in zip(values, counts)}

    def __repr__(self) -> str:
        return f"BatchVerdicts({len(self)} packets: {self.counts()})"


class _Gathered:
    """The columns of a batch at some indices, gathered only when a match reads them."""

    def __init__(self, batch: PacketBatch, idx: np.ndarray):
        self._batch, self._idx = batch, idx
        self.iface_names = batch.iface_names
        self.version = batch.version

    def __len__(self) -> int:
        return len(self._idx)

    def __getattr__(self, name: str):
        column = getattr(self._batch, name)[self._idx]
        setattr(self, name, column)
        return column


def _cost(match) -> int:
    """Rough selectivity rank: matches that keep fewer packets run first."""
    if match.negate:
        return 9
    if isinstance(match, AddrMatch):
        return 0 if match.net.prefixlen >= match.net.max_prefixlen // 2 else 3
    if isinstance(match, PortMatch):
        return 1 if match.lo == match.hi else 4
    if isinstance(match, (MultiportMatch, IcmpMatch, IpRangeMatch)):
        return 2
    if isinstance(match, ProtoMatch):
        return 8
    return 5


class _Frame:
    """A chain being run for some packets: where it is, which packets are still in it
    (``active``), which already came back (``gone_back``), and the jump it waits on."""

    __slots__ = ("name", "index", "active", "gone_back", "left", "call")

    def __init__(self, name: str, active: np.ndarray):
        self.name, self.index, self.active = name, 0, active
        self.gone_back = np.zeros(len(active), dtype=bool)  # RETURNed, or back from a -g
        self.left = int(np.count_nonzero(active))
        self.call = None


def evaluate_batch(fw, batch: PacketBatch, *, chain: str = "INPUT") -> BatchVerdicts:
    """Judge every packet of ``batch`` entering ``chain`` of firewall ``fw``.

    Chains are run with a stack of frames, not recursion, so thousands of nested jumps
    work as in :meth:`Firewall.evaluate`.

    >>> from netcourse.firewall.chains import Firewall
    >>> fw = Firewall.from_iptables(["-P INPUT DROP"])
    >>> evaluate_batch(fw, [Packet("udp", src="192.0.2.1", dst="192.0.2.2")]).action.tolist()
    ['DROP']
    """
    if not isinstance(batch, PacketBatch):
        batch = PacketBatch.from_packets(batch)
    if len(batch) and batch.version != fw.family:
        raise PacketError(
            f"a batch of IPv{batch.version} packets, but these are "
            f"{FAMILIES[fw.family].tool} rules, which judge IPv{fw.family} packets only"
        )
    start = fw._chain(chain)
    if not start.builtin:
        raise RuleError(f"{chain} is a user chain; packets enter at INPUT, FORWARD or OUTPUT")
    size = len(batch)
    if any(r.target in MARK_TARGETS for c in fw.chains.values() for r in c.rules):
        # MARK and CONNMARK change the marks later rules read: work on copies of them
        batch = dataclasses.replace(batch, mark=batch.mark.copy(), ctmark=batch.ctmark.copy())
    chain_names = list(fw.chains)
    chain_code = {name: code for code, name in enumerate(chain_names)}
    action = np.full(size, -1, dtype=np.int8)
    where = np.full(size, chain_code[chain], dtype=np.int16)
    number = np.zeros(size, dtype=np.int32)

    def rule_hits(rule, active: np.ndarray) -> np.ndarray:
        """Indices of the active packets the rule matches: the most selective match runs on
        every packet, the others only on the few packets still in the running."""
        mask, idx = active, None
        for match in sorted(rule.matches, key=_cost):
            if isinstance(match, CommentMatch):
                continue
            if idx is None:
                mask = mask & match.mask(batch)
                if np.count_nonzero(mask) * 8 < size:
                    idx = np.flatnonzero(mask)
            elif len(idx):
                idx = idx[match.mask(_Gathered(batch, idx))]
        return np.flatnonzero(mask) if idx is None else idx

    stack = [_Frame(chain, np.ones(size, dtype=bool))]
    back = None  # the packets that came back from the chain just finished
    while stack:
        frame = stack[-1]
        if back is not None:  # resume after the jump that frame.call made
            if frame.call.goto:
                frame.gone_back |= back  # -g: they go back past this chain too
            else:
                frame.active |= back
                frame.left += int(np.count_nonzero(back))
            frame.call, back = None, None
        rules = fw.chains[frame.name].rules
        while frame.index < len(rules) and frame.left:
            rule = rules[frame.index]
            frame.index += 1
            hits = rule_hits(rule, frame.active)
            if not len(hits):
                continue
            if rule.noting:
                if rule.target in MARK_TARGETS:
                    apply_mark_batch(mark_operation(rule.target, rule.target_options), batch, hits)
                continue
            frame.active[hits] = False
            frame.left -= len(hits)
            if rule.terminal:
                action[hits] = _ACTIONS.index(rule.target)
                where[hits] = chain_code[frame.name]
                number[hits] = rule.number
            elif rule.target == "RETURN":
                frame.gone_back[hits] = True
            else:
                entering = np.zeros(size, dtype=bool)
                entering[hits] = True
                frame.call = rule
                stack.append(_Frame(rule.target, entering))
                break
        else:
            back = frame.active | frame.gone_back
            stack.pop()
    undecided = action < 0
    action[undecided] = _ACTIONS.index(start.policy)
    number[undecided] = 0
    where[undecided] = chain_code[chain]
    names = np.array(_ACTIONS)[action]
    chains = np.array(chain_names)[where]
    return BatchVerdicts(action=names, chain=chains, rule_number=number)
