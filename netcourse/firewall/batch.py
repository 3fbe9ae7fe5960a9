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

import os
from dataclasses import dataclass

import numpy as np

from netcourse.errors import CaptureError, RuleError
from netcourse.firewall.conntrack import _VALID_FLAGS
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
from netcourse.firewall.packet import ICMP_REQUESTS, Packet

__all__ = ["PacketBatch", "BatchVerdicts", "evaluate_batch", "capture_packets"]

_ACTIONS = ("ACCEPT", "DROP", "REJECT")


@dataclass(frozen=True, eq=False)
class PacketBatch:
    """Packets as columns: protocol, addresses (as integers), ports (-1: none), TCP flag
    bits, ICMP type and code (-1: not ICMP), conntrack state code, interface codes into
    ``iface_names``."""

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

    def __len__(self) -> int:
        return len(self.proto)

    def __repr__(self) -> str:
        return f"PacketBatch({len(self)} packets)"

    @classmethod
    def from_packets(cls, packets, tcp_loose: bool = True) -> PacketBatch:
        """A batch of :class:`Packet` objects (or scapy packets).

        >>> len(PacketBatch.from_packets([Packet("udp", src="192.0.2.1", dst="192.0.2.2")]))
        1
        """
        pkts = [p if isinstance(p, Packet) else Packet.from_scapy(p) for p in packets]
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
        return cls(
            proto=proto,
            src=column((p.src_int for p in pkts), np.int64),
            dst=column((p.dst_int for p in pkts), np.int64),
            sport=column((-1 if p.sport is None else p.sport for p in pkts), np.int32),
            dport=column((-1 if p.dport is None else p.dport for p in pkts), np.int32),
            flags=batch_flags,
            icmp_type=icmp_type,
            icmp_code=column((p.icmp_code if p.proto_number == 1 else -1 for p in pkts), np.int16),
            state=lone_states(proto, batch_flags, icmp_type, tcp_loose),
            in_iface=in_codes,
            out_iface=out_codes,
            iface_names=tuple(names),
        )

    @classmethod
    def from_capture(cls, path, in_iface: str = "eth0", out_iface: str = "eth1") -> PacketBatch:
        """A batch of every IPv4 packet in a capture file (other frames are skipped)."""
        return cls.from_packets(capture_packets(path, in_iface, out_iface))


def lone_states(proto, flags, icmp_type, tcp_loose: bool = True) -> np.ndarray:
    """The conntrack state code of each packet seen alone (as :func:`conntrack.lone_state`).

    >>> lone_states(np.array([6, 6, 17]), np.array([0x02, 0x12, 0]), np.array([-1, -1, -1]))
    array([1, 0, 1], dtype=int8)
    """
    state = np.full(len(proto), STATES["NEW"], dtype=np.int8)
    tcp = proto == 6
    core = flags & ~(0x40 | 0x80 | 0x08)
    valid = np.isin(core, np.array(sorted(_VALID_FLAGS)))
    syn_only = (flags & 0x17) == 0x02  # SYN without ACK, RST, FIN
    ack_only = ((flags & 0x17) == 0x10) & tcp_loose
    state[tcp & ~(valid & (syn_only | ack_only))] = STATES["INVALID"]
    icmp = proto == 1
    starts = np.isin(icmp_type, np.array(sorted(ICMP_REQUESTS)))
    state[icmp & ~starts] = STATES["INVALID"]
    return state


def capture_packets(path, in_iface: str = "eth0", out_iface: str = "eth1") -> list[Packet]:
    """The IPv4 packets of a capture as :class:`Packet` objects (frames without IPv4 skipped).

    Frames are read with netcourse.packets when available, else with scapy's reader.

    >>> from netcourse.packets import sample
    >>> capture_packets(sample("http"))[0].describe()
    'tcp 198.18.0.1:40000 -> 198.18.0.2:8000 [S]'
    """
    if not os.path.exists(path):
        raise CaptureError(f"{str(path)!r}: no such capture file")
    frames: list = []
    try:
        from netcourse.packets import read_capture  # the packets lesson's reader
    except ImportError:
        read_capture = None
    if read_capture is not None:
        try:
            capture = read_capture(path)
            frames = [(capture.frame(n), capture.linktype(n)) for n in range(1, len(capture) + 1)]
        except Exception as exc:  # its own errors are CaptureError already
            raise CaptureError(f"{str(path)!r}: {exc}") from None
    else:
        import logging

        logging.getLogger("scapy").setLevel(logging.ERROR)
        from scapy.utils import rdpcap

        try:
            frames = list(rdpcap(str(path)))
        except Exception as exc:
            raise CaptureError(f"{str(path)!r}: not a readable capture ({exc})") from None
    from scapy.layers.inet import IP
    from scapy.layers.l2 import CookedLinux, Ether

    decoders = {1: Ether, 101: IP, 228: IP, 113: CookedLinux}
    packets = []
    for frame in frames:
        pkt = frame
        if isinstance(frame, tuple):
            data, linktype = frame
            pkt = decoders.get(int(linktype), Ether)(data)
        if hasattr(pkt, "haslayer") and pkt.haslayer(IP):
            packets.append(Packet.from_scapy(pkt, in_iface, out_iface))
    return packets


@dataclass(frozen=True, eq=False)
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
        return 0 if match.net.prefixlen >= 16 else 3
    if isinstance(match, PortMatch):
        return 1 if match.lo == match.hi else 4
    if isinstance(match, (MultiportMatch, IcmpMatch, IpRangeMatch)):
        return 2
    if isinstance(match, ProtoMatch):
        return 8
    return 5


def evaluate_batch(fw, batch: PacketBatch, chain: str = "INPUT") -> BatchVerdicts:
    """Judge every packet of ``batch`` entering ``chain`` of firewall ``fw``.

    >>> from netcourse.firewall.chains import Firewall
    >>> fw = Firewall.from_iptables(["-P INPUT DROP"])
    >>> evaluate_batch(fw, [Packet("udp", src="192.0.2.1", dst="192.0.2.2")]).action.tolist()
    ['DROP']
    """
    if not isinstance(batch, PacketBatch):
        batch = PacketBatch.from_packets(batch)
    start = fw._chain(chain)
    if not start.builtin:
        raise RuleError(f"{chain} is a user chain; packets enter at INPUT, FORWARD or OUTPUT")
    size = len(batch)
    chain_names = list(fw.chains)
    action = np.full(size, -1, dtype=np.int8)
    where = np.full(size, chain_names.index(chain), dtype=np.int16)
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

    def walk(name: str, active: np.ndarray) -> np.ndarray:
        """Run chain ``name`` for the active packets; return those that come back."""
        active = active.copy()
        gone_back = np.zeros(size, dtype=bool)  # RETURNed here, or sent on by -g and back
        left = int(np.count_nonzero(active))
        for rule in fw.chains[name].rules:
            if not left:
                break
            hits = rule_hits(rule, active)
            if not len(hits) or rule.target == "LOG":
                continue
            active[hits] = False
            left -= len(hits)
            if rule.terminal:
                action[hits] = _ACTIONS.index(rule.target)
                where[hits] = chain_names.index(name)
                number[hits] = rule.number
            elif rule.target == "RETURN":
                gone_back[hits] = True
            else:
                entering = np.zeros(size, dtype=bool)
                entering[hits] = True
                back = walk(rule.target, entering)
                if rule.goto:
                    gone_back |= back
                else:
                    active |= back
                    left += int(np.count_nonzero(back))
        return active | gone_back

    walk(chain, np.ones(size, dtype=bool))
    undecided = action < 0
    action[undecided] = _ACTIONS.index(start.policy)
    number[undecided] = 0
    where[undecided] = chain_names.index(chain)
    names = np.array(_ACTIONS)[action]
    chains = np.array(chain_names)[where]
    return BatchVerdicts(names, chains, number)
