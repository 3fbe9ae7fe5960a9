"""The matches a rule can hold, each testable on one packet, on a batch, and as a header space.

Every match answers three questions the same way: does this packet match (``test``), which
packets of a numpy batch match (``mask``), and which header values match (``space``, used by
the linter to prove shadowing). Taught in notebooks/04-firewalls.ipynb.

>>> import ipaddress
>>> net = ipaddress.ip_network("192.168.1.0/24")
>>> m = AddrMatch(text="-s 192.168.1.0/24", negate=False, which="src", net=net)
>>> m.test(Packet("tcp", src="192.168.1.20", dst="10.0.0.5"), "NEW")
True
>>> m.why(Packet("tcp", src="10.9.9.9", dst="10.0.0.5"), "NEW")
'source 10.9.9.9 is not in 192.168.1.0/24 (192.168.1.0-192.168.1.255)'
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from netcourse.firewall.packet import Packet, flag_letters, icmp_label, iptables_protocol_name
from netcourse.protocols import (
    CONNTRACK_STATE_MEANINGS,
    CONNTRACK_STATES,
    WELL_KNOWN_PORTS,
    TcpFlags,
)

__all__ = [
    "Match",
    "ProtoMatch",
    "AddrMatch",
    "IfaceMatch",
    "PortMatch",
    "MultiportMatch",
    "TcpFlagsMatch",
    "IcmpMatch",
    "IpRangeMatch",
    "StateMatch",
    "CommentMatch",
    "AddrTypeMatch",
    "LimitMatch",
    "RecentMatch",
    "ADDRESS_TYPES",
    "LOOPBACK",
    "STATES",
    "STATE_MODULE_STATES",
    "DIMENSIONS",
    "Intervals",
    "complement",
    "intersect",
]

#: Conntrack states a rule can name, with the code used in batches and header spaces (the
#: state's place in the vocabulary's order: INVALID 0, NEW 1, ESTABLISHED 2, RELATED 3 ...).
STATES: dict[str, int] = {name: code for code, name in enumerate(CONNTRACK_STATES)}
#: The states ``-m state --state`` knows, and those a packet can be in: SNAT and DNAT are
#: conntrack's NAT flags, not states of their own.
STATE_MODULE_STATES: tuple[str, ...] = tuple(
    name for name in CONNTRACK_STATES if name not in ("SNAT", "DNAT")
)
#: The header-space dimensions and the largest value of each (the linter's universe).
DIMENSIONS: dict[str, int] = {
    "proto": 255,
    "src": 2**32 - 1,
    "dst": 2**32 - 1,
    "sport": 65535,
    "dport": 65535,
    "flags": 255,
    "icmp": 65535,  # type * 256 + code
    "state": 3,  # packets here are INVALID, NEW, ESTABLISHED or RELATED
    "in": 2**16,  # interface names, numbered by the linter
    "out": 2**16,
}

Intervals = tuple[tuple[int, int], ...]


def complement(intervals: Intervals, top: int) -> Intervals:
    """The values in 0..top not covered by sorted, disjoint ``intervals``.

    >>> complement(((80, 80),), 65535)
    ((0, 79), (81, 65535))
    """
    out, start = [], 0
    for lo, hi in intervals:
        if lo > start:
            out.append((start, lo - 1))
        start = max(start, hi + 1)
    if start <= top:
        out.append((start, top))
    return tuple(out)


def _normal(intervals) -> Intervals:
    merged: list[list[int]] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def _values(values) -> Intervals:
    return _normal((v, v) for v in values)


@dataclass(frozen=True, kw_only=True)
class Match:
    """A condition of a rule: ``text`` is how the rule wrote it, ``negate`` its leading ``!``."""

    text: str
    negate: bool

    #: Whether the match remembers earlier packets (limit, recent): then ``memory``, a dict
    #: the caller keeps across packets, holds what it remembers.
    stateful = False

    @property
    def exact(self) -> bool:
        """Whether :meth:`space` is exactly the headers that match (the linter then may prove
        that the rule catches them); False where the match depends on more than the headers."""
        return not self.stateful

    def test(self, pkt: Packet, state: str, memory: dict | None = None) -> bool:
        """Whether the packet (in this conntrack state) satisfies the condition."""
        return self._holds(pkt, state) != self.negate

    def _holds(self, pkt: Packet, state: str) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def mask(self, batch):
        """The numpy boolean array of the batch's packets that satisfy the condition."""
        held = self._mask(batch)
        return ~held if self.negate else held

    def _mask(self, batch):  # pragma: no cover - abstract
        raise NotImplementedError

    def space(self, names: tuple[str, ...] = ()) -> tuple[str, Intervals]:
        """(dimension, matching values) for the linter; ``names`` numbers interface names."""
        dim, held = self._space(names)
        if self.negate:
            held = complement(held, DIMENSIONS[dim])
        return dim, held

    def _space(self, names: tuple[str, ...]) -> tuple[str, Intervals]:  # pragma: no cover
        raise NotImplementedError

    def why(self, pkt: Packet, state: str) -> str:
        """A phrase saying why this packet does or does not satisfy the condition."""
        return self._why(pkt, state, self.test(pkt, state))

    def _why(self, pkt: Packet, state: str, ok: bool) -> str:  # pragma: no cover
        raise NotImplementedError

    def explain(self) -> str:
        """What this condition means, in a sentence."""
        raise NotImplementedError  # pragma: no cover


def _is(ok: bool) -> str:
    return "is" if ok else "is not"


def _service_label(label: str) -> str:
    """A service's label inside parentheses: ``HTTP (alternate)`` reads ``HTTP, alternate``."""
    return label.replace(" (", ", ").replace(")", "")


@dataclass(frozen=True, kw_only=True)
class ProtoMatch(Match):
    """``-p``: the IP protocol (0, ``all``, is every protocol)."""

    number: int

    @property
    def name(self) -> str:
        """The protocol's name, or its number when it has no common name."""
        return iptables_protocol_name(self.number)

    def _holds(self, pkt, state):
        return self.number == 0 or pkt.proto_number == self.number

    def test(self, pkt, state, memory=None):
        if self.number == 0:  # the kernel skips the check entirely, even with !
            return True
        return super().test(pkt, state)

    def _mask(self, batch):
        if self.number == 0:
            return np.ones(len(batch), dtype=bool) != self.negate
        return batch.proto == self.number

    def mask(self, batch):
        if self.number == 0:
            return np.ones(len(batch), dtype=bool)
        return super().mask(batch)

    def space(self, names=()):
        if self.number == 0:
            return "proto", ((0, 255),)
        return super().space(names)

    def _space(self, names):
        return "proto", ((self.number, self.number),)

    def _why(self, pkt, state, ok):
        if self.number == 0:
            return "every protocol matches -p all"
        return f"protocol {pkt.proto} {_is(ok)} {'not ' if self.negate else ''}{self.name}"

    def explain(self):
        if self.number == 0:
            return "any IP protocol (all is the default)"
        what = f"protocol {self.name} (IP protocol number {self.number})"
        return f"any protocol except {what}" if self.negate else what


@dataclass(frozen=True, kw_only=True)
class AddrMatch(Match):
    """``-s``/``-d``: the source or destination address lies in a network."""

    which: str  # "src" or "dst"
    net: ipaddress.IPv4Network

    @property
    def _range(self) -> str:
        return f"{self.net.network_address}-{self.net.broadcast_address}"

    @cached_property
    def bounds(self) -> tuple[int, int]:
        """The first and last address of the network, as integers."""
        return int(self.net.network_address), int(self.net.broadcast_address)

    def _holds(self, pkt, state):
        value = pkt.src_int if self.which == "src" else pkt.dst_int
        low, high = self.bounds
        return low <= value <= high

    def _mask(self, batch):
        column = batch.src if self.which == "src" else batch.dst
        low, high = int(self.net.network_address), int(self.net.broadcast_address)
        if low == high:
            return column == low
        return (column >= low) & (column <= high)

    def _space(self, names):
        lo, hi = int(self.net.network_address), int(self.net.broadcast_address)
        return self.which, ((lo, hi),)

    def _why(self, pkt, state, ok):
        word = "source" if self.which == "src" else "destination"
        addr = pkt.src if self.which == "src" else pkt.dst
        return f"{word} {addr} {_is(self._holds(pkt, state))} in {self.net} ({self._range})"

    def explain(self):
        word = "source" if self.which == "src" else "destination"
        size = self.net.num_addresses
        count = "1 address" if size == 1 else f"{size} addresses"
        text = f"{word} address in {self.net}: {self._range} ({count})"
        if 0 < self.net.prefixlen < 32:
            text += f"; the first {self.net.prefixlen} bits are fixed, the others may vary"
            if int(self.net.broadcast_address) < 2**32 - 1:
                text += f" ({self.net.broadcast_address + 1} is already outside)"
        return f"{word} address NOT in {self.net} ({self._range})" if self.negate else text


@dataclass(frozen=True, kw_only=True)
class IfaceMatch(Match):
    """``-i``/``-o``: the interface a packet arrives on or leaves by (``eth+`` is a prefix)."""

    which: str  # "in" or "out"
    name: str

    def matches_name(self, name: str) -> bool:
        """Whether an interface name fits this pattern (ignoring ``!``)."""
        if self.name.endswith("+"):
            return name.startswith(self.name[:-1])
        return name == self.name

    def _holds(self, pkt, state):
        return self.matches_name(pkt.in_iface if self.which == "in" else pkt.out_iface)

    def _mask(self, batch):
        fits = np.array([self.matches_name(n) for n in batch.iface_names] + [False], dtype=bool)
        codes = batch.in_iface if self.which == "in" else batch.out_iface
        return fits[codes]

    def _space(self, names):
        return self.which, _values(i for i, n in enumerate(names) if self.matches_name(n))

    def _why(self, pkt, state, ok):
        iface = pkt.in_iface if self.which == "in" else pkt.out_iface
        word = "arrives on" if self.which == "in" else "leaves by"
        fits = "fits" if self._holds(pkt, state) else "does not fit"
        return f"it {word} {iface}, which {fits} {self.name}"

    def explain(self):
        word = "arriving on" if self.which == "in" else "leaving by"
        what = f"any interface whose name starts with {self.name[:-1]!r}"
        target = what if self.name.endswith("+") else f"interface {self.name}"
        return f"packets NOT {word} {target}" if self.negate else f"packets {word} {target}"


@dataclass(frozen=True, kw_only=True)
class PortMatch(Match):
    """``--sport``/``--dport`` of ``-m tcp``/``-m udp``: one port or a range ``lo:hi``."""

    which: str  # "sport" or "dport"
    lo: int
    hi: int

    def _holds(self, pkt, state):
        value = pkt.sport if self.which == "sport" else pkt.dport
        return value is not None and self.lo <= value <= self.hi

    def _mask(self, batch):
        column = batch.sport if self.which == "sport" else batch.dport
        return (column >= self.lo) & (column <= self.hi)

    def _space(self, names):
        return self.which, ((self.lo, self.hi),)

    @property
    def ports(self) -> str:
        """The port or range as text."""
        return str(self.lo) if self.lo == self.hi else f"{self.lo}-{self.hi}"

    def _why(self, pkt, state, ok):
        word = "source" if self.which == "sport" else "destination"
        value = pkt.sport if self.which == "sport" else pkt.dport
        held = self._holds(pkt, state)
        return f"{word} port {value} {_is(held)} {'in ' if self.lo != self.hi else ''}{self.ports}"

    def explain(self):
        word = "source" if self.which == "sport" else "destination"
        service = WELL_KNOWN_PORTS.get(self.lo) if self.lo == self.hi else None
        label = f"{self.ports} ({_service_label(service.label)})" if service else self.ports
        kind = "port" if self.lo == self.hi else "ports"
        if self.negate:
            return f"{word} {kind} other than {label}"
        return f"{word} {kind} {label}"


@dataclass(frozen=True, kw_only=True)
class MultiportMatch(Match):
    """``-m multiport --dports/--sports/--ports``: up to 15 ports and ranges."""

    which: str  # "sport", "dport" or "ports" (either)
    ranges: tuple[tuple[int, int], ...]

    def _inside(self, value):
        return value is not None and any(lo <= value <= hi for lo, hi in self.ranges)

    def _holds(self, pkt, state):
        if self.which == "ports":
            return self._inside(pkt.sport) or self._inside(pkt.dport)
        return self._inside(pkt.sport if self.which == "sport" else pkt.dport)

    def _mask(self, batch):
        def inside(column):
            out = np.zeros(len(column), dtype=bool)
            for lo, hi in self.ranges:
                out |= (column >= lo) & (column <= hi)
            return out

        if self.which == "ports":
            return inside(batch.sport) | inside(batch.dport)
        return inside(batch.sport if self.which == "sport" else batch.dport)

    def space(self, names=()):
        if self.which == "ports":  # "either port" is no box; the linter treats it apart
            return "ports", self.ranges
        return super().space(names)

    def _space(self, names):
        return self.which, _normal(self.ranges)

    @property
    def listing(self) -> str:
        """The ports as written, ``lo:hi`` ranges as ``lo-hi``."""
        return ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in self.ranges)

    def _why(self, pkt, state, ok):
        word = {"sport": "source port", "dport": "destination port", "ports": "neither port"}
        held = self._holds(pkt, state)
        if self.which == "ports":
            ports = f"{pkt.sport}/{pkt.dport}"
            verb = "one of" if held else "none of"
            return f"ports {ports}: {verb} them in {self.listing}"
        value = pkt.sport if self.which == "sport" else pkt.dport
        return f"{word[self.which]} {value} {_is(held)} in {self.listing}"

    def explain(self):
        word = {"sport": "source port", "dport": "destination port", "ports": "source or "}
        if self.which == "ports":
            text = f"source or destination port in {self.listing}"
        else:
            text = f"{word[self.which]} in {self.listing}"
        return f"NOT ({text})" if self.negate else text


@dataclass(frozen=True, kw_only=True)
class TcpFlagsMatch(Match):
    """``--tcp-flags MASK COMP`` (and ``--syn``): of the flags in MASK, exactly COMP are set."""

    flag_mask: int
    comp: int
    syn: bool = False

    def _holds(self, pkt, state):
        return (pkt.flag_bits & self.flag_mask) == self.comp

    def _mask(self, batch):
        return (batch.flags & self.flag_mask) == self.comp

    def _space(self, names):
        return "flags", _values(b for b in range(256) if (b & self.flag_mask) == self.comp)

    def _why(self, pkt, state, ok):
        held = self._holds(pkt, state)
        shown = pkt.flags or "none"
        if self.syn:
            return f"flags {shown} {'are' if held else 'are not'} a connection-opening SYN"
        return f"flags {shown} {'fit' if held else 'do not fit'} {self.text.lstrip('! ')}"

    def explain(self):
        def names(bits):
            return ",".join(TcpFlags(bits).names) or "none"

        if self.syn:
            text = (
                "a connection-opening segment: SYN set while ACK, RST and FIN are clear "
                "(--syn is short for --tcp-flags SYN,RST,ACK,FIN SYN)"
            )
            return "NOT " + text if self.negate else text
        text = (
            f"of the flags {names(self.flag_mask)}, exactly {names(self.comp)} set "
            f"(scapy letters {flag_letters(self.comp) or 'none'})"
        )
        return "NOT " + text if self.negate else text


@dataclass(frozen=True, kw_only=True)
class IcmpMatch(Match):
    """``--icmp-type``: an ICMP type (255 = any) with a range of codes."""

    icmp_type: int
    code_lo: int = 0
    code_hi: int = 255

    def _holds(self, pkt, state):
        if self.icmp_type == 255:
            return True
        return pkt.icmp_type == self.icmp_type and self.code_lo <= pkt.icmp_code <= self.code_hi

    def _mask(self, batch):
        if self.icmp_type == 255:
            return np.ones(len(batch), dtype=bool)
        code = batch.icmp_code
        return (batch.icmp_type == self.icmp_type) & (code >= self.code_lo) & (code <= self.code_hi)

    def _space(self, names):
        if self.icmp_type == 255:
            return "icmp", ((0, 65535),)
        base = self.icmp_type * 256
        return "icmp", ((base + self.code_lo, base + self.code_hi),)

    def _label(self) -> str:
        if self.icmp_type == 255:
            return "any"
        code = None if (self.code_lo, self.code_hi) == (0, 255) else self.code_lo
        number = f"{self.icmp_type}{'' if code is None else f'/{code}'}"
        name = icmp_label(self.icmp_type, code)
        return f"{name} ({number})" if name else number

    def _why(self, pkt, state, ok):
        held = self._holds(pkt, state)
        return f"ICMP {pkt.icmp_type}/{pkt.icmp_code} {_is(held)} {self._label()}"

    def explain(self):
        text = f"ICMP type {self._label()}"
        return f"any ICMP type except {self._label()}" if self.negate else text


@dataclass(frozen=True, kw_only=True)
class IpRangeMatch(Match):
    """``-m iprange --src-range/--dst-range A-B``: an address between A and B inclusive."""

    which: str  # "src" or "dst"
    lo: int
    hi: int

    def _holds(self, pkt, state):
        value = pkt.src_int if self.which == "src" else pkt.dst_int
        return self.lo <= value <= self.hi

    def _mask(self, batch):
        column = batch.src if self.which == "src" else batch.dst
        return (column >= self.lo) & (column <= self.hi)

    def _space(self, names):
        return self.which, ((self.lo, self.hi),)

    @property
    def _range(self) -> str:
        return f"{ipaddress.IPv4Address(self.lo)}-{ipaddress.IPv4Address(self.hi)}"

    def _why(self, pkt, state, ok):
        word = "source" if self.which == "src" else "destination"
        addr = pkt.src if self.which == "src" else pkt.dst
        return f"{word} {addr} {_is(self._holds(pkt, state))} in {self._range}"

    def explain(self):
        word = "source" if self.which == "src" else "destination"
        count = self.hi - self.lo + 1
        text = f"{word} address in {self._range} ({count} addresses)"
        return f"{word} address outside {self._range}" if self.negate else text


@dataclass(frozen=True, kw_only=True)
class StateMatch(Match):
    """``-m conntrack --ctstate`` / ``-m state --state``: the packet's connection-tracking state."""

    states: frozenset[str]

    def _holds(self, pkt, state):
        return state in self.states

    def _mask(self, batch):
        codes = np.array([STATES[s] for s in self.states], dtype=batch.state.dtype)
        return np.isin(batch.state, codes)

    @property
    def _nat(self) -> bool:
        return bool(self.states & {"SNAT", "DNAT"})

    @property
    def exact(self) -> bool:
        # SNAT and DNAT are flags of a translated connection in any state, not states: the
        # headers alone do not say whether they hold
        return not self._nat

    def space(self, names=()):
        if self._nat:  # may hold for a packet in any state, negated or not
            return "state", ((0, DIMENSIONS["state"]),)
        return super().space(names)

    def _space(self, names):
        return "state", _values(STATES[s] for s in self.states if STATES[s] <= 3)

    def _why(self, pkt, state, ok):
        listed = ",".join(sorted(self.states, key=STATES.get))
        return f"state {state} {_is(self._holds(pkt, state))} in {listed}"

    def explain(self):
        parts = [
            f"{s} ({CONNTRACK_STATE_MEANINGS[s]})" for s in sorted(self.states, key=STATES.get)
        ]
        text = "connection-tracking state " + " or ".join(parts)
        return "NOT " + text if self.negate else text


@dataclass(frozen=True, kw_only=True)
class CommentMatch(Match):
    """``-m comment --comment TEXT``: always true; a note for humans."""

    comment: str

    def _holds(self, pkt, state):
        return True

    def _mask(self, batch):
        return np.ones(len(batch), dtype=bool)

    def _space(self, names):
        return "proto", ((0, 255),)

    def _why(self, pkt, state, ok):
        return "a comment always matches"

    def explain(self):
        return f"a comment for humans ({self.comment!r}); it matches every packet"


#: The address types ``-m addrtype`` simulates (the kernel's route types, rtnetlink(7)).
ADDRESS_TYPES = ("UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "MULTICAST")
#: The loopback interface and its network: the local addresses every machine has.
LOOPBACK = (("lo", (ipaddress.IPv4Interface("127.0.0.1/8"),)),)
_MULTICAST = ipaddress.IPv4Network("224.0.0.0/4")
_LOOP_NET = ipaddress.IPv4Network("127.0.0.0/8")


@dataclass(frozen=True, kw_only=True)
class AddrTypeMatch(Match):
    """``-m addrtype --src-type/--dst-type TYPES``: the kind of address, as the kernel's routing
    tables classify it on a machine with ``interfaces`` (name, addresses) pairs.

    LOCAL is an address of the machine (127.0.0.0/8 included), BROADCAST 0.0.0.0,
    255.255.255.255 or a subnet's broadcast address, MULTICAST 224.0.0.0/4, UNICAST any
    other. ``iface`` ("in" or "out", from ``--limit-iface-in/out``) asks about the packet's own
    interface only.

    >>> m = AddrTypeMatch(text="--dst-type LOCAL", negate=False, which="dst",
    ...                   types=frozenset({"LOCAL"}))
    >>> m.test(Packet("udp", src="192.0.2.1", dst="127.0.0.1"), "NEW")
    True
    """

    which: str  # "src" or "dst"
    types: frozenset[str]
    iface: str | None = None
    interfaces: tuple[tuple[str, tuple[ipaddress.IPv4Interface, ...]], ...] = LOOPBACK

    def kind(self, value: int, device: str | None = None) -> str:
        """The type of address ``value`` (an int), seen from interface ``device`` or all."""
        addr = ipaddress.IPv4Address(value)
        if value in (0, 2**32 - 1):
            return "BROADCAST"
        if addr in _MULTICAST:
            return "MULTICAST"
        for kind in ("BROADCAST", "LOCAL"):
            for name, addresses in self.interfaces:
                if device is not None and name != device:
                    continue
                for interface in addresses:
                    net = interface.network
                    if kind == "LOCAL" and (addr == interface.ip or (name == "lo" and addr in net)):
                        return kind
                    if kind == "BROADCAST" and net.prefixlen < 31:
                        if addr == net.broadcast_address:
                            return kind
        return "UNICAST"

    def _device(self, pkt: Packet) -> str | None:
        if self.iface is None:
            return None
        return pkt.in_iface if self.iface == "in" else pkt.out_iface

    def _holds(self, pkt, state):
        value = pkt.src_int if self.which == "src" else pkt.dst_int
        return self.kind(value, self._device(pkt)) in self.types

    def _mask(self, batch):
        column = batch.src if self.which == "src" else batch.dst
        if self.iface is None:
            return _inside(column, self.intervals(None))
        codes = batch.in_iface if self.iface == "in" else batch.out_iface
        held = np.zeros(len(column), dtype=bool)
        for code, name in [*enumerate(batch.iface_names), (len(batch.iface_names), "")]:
            on = codes == code
            if on.any():
                held[on] = _inside(column[on], self.intervals(name))
        return held

    def _space(self, names):
        if self.iface is not None:  # depends on the interface: every address may
            return self.which, ((0, DIMENSIONS[self.which]),)
        return self.which, self.intervals(None)

    def intervals(self, device: str | None) -> Intervals:
        """The addresses of the match's types, seen from interface ``device`` (None: all)."""
        special: dict[str, list[tuple[int, int]]] = {"BROADCAST": [(0, 0), (2**32 - 1,) * 2]}
        special["MULTICAST"] = [(int(_MULTICAST[0]), int(_MULTICAST[-1]))]
        special["LOCAL"] = []
        for name, addresses in self.interfaces:
            if device is not None and name != device:
                continue
            for interface in addresses:
                net = interface.network
                if name == "lo":
                    special["LOCAL"].append((int(net[0]), int(net[-1])))
                else:
                    special["LOCAL"].append((int(interface.ip),) * 2)
                if interface.network.prefixlen < 31:
                    special["BROADCAST"].append((int(interface.network[-1]),) * 2)
        top = DIMENSIONS[self.which]
        taken: Intervals = ()
        held: list[tuple[int, int]] = []
        for name in ("BROADCAST", "MULTICAST", "LOCAL"):  # each address has one type, as kind()
            mine = _normal(special[name])
            if name in self.types:
                held += intersect(mine, complement(taken, top))
            taken = _normal([*taken, *mine])
        if "UNICAST" in self.types:
            held += complement(taken, top)
        return _normal(held)

    def _why(self, pkt, state, ok):
        word = "source" if self.which == "src" else "destination"
        addr = pkt.src if self.which == "src" else pkt.dst
        kind = self.kind(pkt.src_int if self.which == "src" else pkt.dst_int, self._device(pkt))
        listed = ",".join(sorted(self.types))
        return f"{word} {addr} is a {kind} address, {_is(kind in self.types)} {listed}"

    def explain(self):
        word = "source" if self.which == "src" else "destination"
        listed = " or ".join(sorted(self.types))
        where = f" on the packet's {self.iface} interface" if self.iface else ""
        not_ = "NOT " if self.negate else ""
        return f"{word} address {not_}of type {listed}{where}"


def _inside(column, intervals: Intervals):
    held = np.zeros(len(column), dtype=bool)
    for lo, hi in intervals:
        held |= (column >= lo) & (column <= hi)
    return held


def intersect(a: Intervals, b: Intervals) -> Intervals:
    """The values in both sorted interval sets.

    >>> intersect(((0, 10), (20, 30)), ((5, 25),))
    ((5, 10), (20, 25))
    """
    if len(b) > len(a):
        a, b = b, a
    if len(a) > 8 and len(b) <= 4:  # a long set cut by a few ranges: find each by bisection
        out = []
        for lo, hi in b:
            start = bisect_left(a, (lo,))
            if start and a[start - 1][1] >= lo:
                start -= 1
            end = bisect_right(a, (hi, _MAX))
            if start >= end:
                continue
            window = list(a[start:end])
            window[0] = (max(window[0][0], lo), window[0][1])
            window[-1] = (window[-1][0], min(window[-1][1], hi))
            out += window
        return tuple(out)
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


_MAX = float("inf")  # above every value: (hi, _MAX) sorts after each range starting at hi


@dataclass(frozen=True, kw_only=True)
class LimitMatch(Match):
    """``-m limit --limit RATE --limit-burst N``: a token bucket of ``burst`` tokens refilled at
    ``rate`` per second; each matching packet takes one. Time is the packets' ``time``.

    A packet judged alone finds the bucket full, so it matches; :meth:`Firewall.replay`
    keeps the buckets across packets.

    >>> m = LimitMatch(text="--limit 1/s --limit-burst 2", negate=False, rate=1.0, burst=2)
    >>> memory = {}
    >>> [m.test(Packet("udp", time=t), "NEW", memory) for t in (0, 0, 0, 0.5, 1.0)]
    [True, True, False, False, True]
    """

    stateful = True
    rate: float  # tokens per second
    burst: int

    def test(self, pkt, state, memory=None):
        if memory is None:
            return not self.negate
        key = ("limit", id(self))
        tokens, last = memory.get(key, (float(self.burst), pkt.time))
        tokens = min(float(self.burst), tokens + max(0.0, pkt.time - last) * self.rate)
        ok = tokens >= 1.0
        memory[key] = (tokens - 1.0 if ok else tokens, max(last, pkt.time))
        return ok != self.negate

    def _holds(self, pkt, state):
        return True

    def _mask(self, batch):
        return np.ones(len(batch), dtype=bool)

    def _space(self, names):
        return "proto", ((0, 255),)

    def _why(self, pkt, state, ok):
        has = "has" if ok else "has no"
        return f"the rate limit ({self.rate:g}/s, burst {self.burst}) {has} token"

    def explain(self):
        unit, per = next(
            (
                (u, p)
                for u, p in (("second", 1), ("minute", 60), ("hour", 3600))
                if self.rate * p >= 1
            ),
            ("day", 86400),
        )
        return f"at most {self.rate * per:g} packets a {unit} on average, bursts of {self.burst}"


@dataclass(frozen=True, kw_only=True)
class RecentMatch(Match):
    """``-m recent``: a list of addresses seen (``name``), set, checked, updated or removed,
    as xt_recent does, with ``seconds`` and ``hitcount`` on the packets' ``time``.

    >>> seen = RecentMatch(text="--set", negate=False, command="set")
    >>> again = RecentMatch(text="--rcheck --seconds 60 --hitcount 2", negate=False,
    ...                     command="rcheck", seconds=60, hitcount=2)
    >>> memory, pkt = {}, Packet("tcp", src="192.0.2.7", time=0)
    >>> seen.test(pkt, "NEW", memory), again.test(pkt, "NEW", memory)
    (True, False)
    >>> seen.test(pkt, "NEW", memory), again.test(pkt, "NEW", memory)
    (True, True)
    """

    stateful = True
    command: str  # set, rcheck, update, remove
    name: str = "DEFAULT"
    which: str = "src"
    mask_bits: int = 2**32 - 1
    seconds: float = 0
    hitcount: int = 0

    #: The timestamps xt_recent keeps per address (ip_pkt_list_tot).
    STAMPS = 20

    def test(self, pkt, state, memory=None):
        memory = {} if memory is None else memory
        table = memory.setdefault(("recent", self.name), {})
        addr = (pkt.src_int if self.which == "src" else pkt.dst_int) & self.mask_bits
        stamps = table.get(addr)
        ok = False
        if stamps is None:
            if self.command == "set":
                table[addr] = [pkt.time]
                ok = True
            return ok != self.negate
        if self.command == "set":
            ok = True
        elif self.command == "remove":
            del table[addr]
            ok = True
        elif self.seconds or self.hitcount:
            hits = 0
            for stamp in stamps:
                if self.seconds and stamp < pkt.time - self.seconds:
                    continue
                hits += 1
                if not self.hitcount or hits >= self.hitcount:
                    ok = True
                    break
        else:
            ok = True
        result = ok != self.negate
        if self.command == "set" or (self.command == "update" and result):
            stamps.append(pkt.time)
            del stamps[: -self.STAMPS]
        return result

    def _holds(self, pkt, state):
        return self.command == "set"

    def _mask(self, batch):
        return np.full(len(batch), self._holds(None, "NEW"), dtype=bool)

    def _space(self, names):
        return "proto", ((0, 255),) if self.command == "set" else ()

    def _why(self, pkt, state, ok):
        whose = "source" if self.which == "src" else "destination"
        verb = {"set": "is added to", "remove": "is removed from"}.get(self.command)
        if verb:
            return f"the {whose} address {verb} the recent list {self.name!r}"
        return f"the {whose} address {_is(ok)} in the recent list {self.name!r} as asked"

    def explain(self):
        whose = "source" if self.which == "src" else "destination"
        if self.command == "set":
            return f"note the {whose} address in the recent list {self.name!r} (always matches)"
        if self.command == "remove":
            return f"the {whose} address is in the list {self.name!r} (and is removed from it)"
        window = f" within {self.seconds:g} s" if self.seconds else ""
        hits = f" at least {self.hitcount} times" if self.hitcount else ""
        return f"the {whose} address was noted in the list {self.name!r}{hits}{window}"
