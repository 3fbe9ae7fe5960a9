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

from netcourse.firewall.family import (
    FAMILIES,
    NO_ROUTING_HEADER,
    Rows,
    address_range,
    inside_batch,
)
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
    "ADDRESS_TYPES",
    "LOOPBACK",
    "LOOPBACK6",
    "dimensions",
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
#: The header-space dimensions and the largest value of each (the linter's universe); the
#: addresses' are IPv4's (an IPv6 ruleset's are 2**128 - 1: see :func:`dimensions`).
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
    "frag": 1,  # 1: a non-first fragment (no transport header), 0: the others
}


def dimensions(version: int = 4) -> dict[str, int]:
    """The header-space dimensions of an IP version's rulesets: DIMENSIONS, and for IPv6
    128-bit addresses, the UNTRACKED state (conntrack never tracks neighbour discovery and
    MLD), the hop limit (``ttl``) and the routing header's type (``rt``, NO_ROUTING_HEADER
    for none), which ip6tables' hl and rt read.

    >>> dimensions(6)["src"] == 2**128 - 1, dimensions(6)["state"], dimensions(4) == DIMENSIONS
    (True, 4, True)
    """
    if version == 4:
        return DIMENSIONS
    top = FAMILIES[version].top
    state = STATES["UNTRACKED"]
    return {
        **DIMENSIONS,
        "src": top,
        "dst": top,
        "state": state,
        "ttl": 255,
        "rt": NO_ROUTING_HEADER,
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


def _inside_one(value: int, intervals: Intervals) -> bool:
    return any(lo <= value <= hi for lo, hi in intervals)


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
    #: Whether the match fails on a non-first fragment, even negated, as the kernel's xt_icmp
    #: and xt_multiport do. The tcp and udp options are not: iptables-nft turns them into
    #: nftables payload matches, which read the fragment's bytes where the header would be
    #: (measured on Linux 6.18 with iptables 1.8.9 (nf_tables); iptables-legacy would fail them).
    transport = False

    @property
    def exact(self) -> bool:
        """Whether :meth:`space` is exactly the headers that match (the linter then may prove
        that the rule catches them); False where the match depends on more than the headers."""
        return not self.stateful

    def test(self, pkt: Packet, state: str, memory: dict | None = None) -> bool:
        """Whether the packet (in this conntrack state) satisfies the condition."""
        if self.transport and pkt.fragment:
            return False
        return self._holds(pkt, state) != self.negate

    def _holds(self, pkt: Packet, state: str) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def mask(self, batch):
        """The numpy boolean array of the batch's packets that satisfy the condition."""
        held = self._mask(batch)
        held = ~held if self.negate else held
        return held & (batch.fragment == 0) if self.transport else held

    def _mask(self, batch):  # pragma: no cover - abstract
        raise NotImplementedError

    def variants(self) -> tuple[dict, ...]:
        """Values of packet fields the header space lacks (keywords of dataclasses.replace on
        a Packet) that between them make this match hold and fail: find() tries them on an
        example packet, for a rule it assumed to match or not. Header fields have none."""
        return ()

    def space(self, names: tuple[str, ...] = ()) -> tuple[str, Intervals]:
        """(dimension, matching values) for the linter; ``names`` numbers interface names."""
        dim, held = self._space(names)
        if self.negate:
            held = complement(held, self._top(dim))
        return dim, held

    def _top(self, dim: str) -> int:
        """The largest value of a dimension in the match's IP version (see dimensions())."""
        return dimensions(getattr(self, "version", 4))[dim]

    def _space(self, names: tuple[str, ...]) -> tuple[str, Intervals]:  # pragma: no cover
        raise NotImplementedError

    def why(self, pkt: Packet, state: str) -> str:
        """A phrase saying why this packet does or does not satisfy the condition."""
        if self.transport and pkt.fragment:
            return "a non-first fragment has no transport header, so this match fails (even with !)"
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
    version: int = 4

    @property
    def name(self) -> str:
        """The protocol's name, or its number when it has no common name."""
        return iptables_protocol_name(self.number, self.version)

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
    net: ipaddress.IPv4Network | ipaddress.IPv6Network

    @property
    def version(self) -> int:
        """The IP version of the network (4 or 6)."""
        return self.net.version

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
        low, high = self.bounds
        if batch.version == 6:
            return address_range(batch, self.which, low, high)
        column = batch.src if self.which == "src" else batch.dst
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
        if self.version == 6 and size > 2**32:  # IPv6's counts are read as powers of two
            count = f"2**{size.bit_length() - 1} addresses"
        text = f"{word} address in {self.net}: {self._range} ({count})"
        if 0 < self.net.prefixlen < self.net.max_prefixlen:
            text += f"; the first {self.net.prefixlen} bits are fixed, the others may vary"
            if int(self.net.broadcast_address) < FAMILIES[self.version].top:
                text += f" ({self.net.broadcast_address + 1} is already outside)"
        return f"{word} address NOT in {self.net} ({self._range})" if self.negate else text


@dataclass(frozen=True, kw_only=True)
class IfaceMatch(Match):
    """``-i``/``-o``: the interface a packet arrives on or leaves by (``eth+`` is a prefix)."""

    which: str  # "in" or "out"
    name: str

    def matches_name(self, name: str | None) -> bool:
        """Whether an interface name fits this pattern (ignoring ``!``); None, no interface,
        is the kernel's empty name."""
        name = name or ""
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

    transport = True

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

    transport = True

    icmp_type: int
    code_lo: int = 0
    code_hi: int = 255
    version: int = 4  # 6: ``-m icmp6 --icmpv6-type``

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
        name = icmp_label(self.icmp_type, code, self.version)
        return f"{name} ({number})" if name else number

    def _why(self, pkt, state, ok):
        held = self._holds(pkt, state)
        what = "ICMPv6" if self.version == 6 else "ICMP"
        return f"{what} {pkt.icmp_type}/{pkt.icmp_code} {_is(held)} {self._label()}"

    def explain(self):
        what = "ICMPv6" if self.version == 6 else "ICMP"
        text = f"{what} type {self._label()}"
        return f"any {what} type except {self._label()}" if self.negate else text


@dataclass(frozen=True, kw_only=True)
class IpRangeMatch(Match):
    """``-m iprange --src-range/--dst-range A-B``: an address between A and B inclusive."""

    which: str  # "src" or "dst"
    lo: int
    hi: int
    version: int = 4

    def _holds(self, pkt, state):
        value = pkt.src_int if self.which == "src" else pkt.dst_int
        return self.lo <= value <= self.hi

    def _mask(self, batch):
        if batch.version == 6:
            return address_range(batch, self.which, self.lo, self.hi)
        column = batch.src if self.which == "src" else batch.dst
        return (column >= self.lo) & (column <= self.hi)

    def _space(self, names):
        return self.which, ((self.lo, self.hi),)

    @property
    def _range(self) -> str:
        family = FAMILIES[self.version]
        return f"{family.text(self.lo)}-{family.text(self.hi)}"

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
    version: int = 4

    def _holds(self, pkt, state):
        # a conntrack.CtState also carries the connection's NAT flags (SNAT, DNAT)
        return state in self.states or not self.states.isdisjoint(getattr(state, "nat", ()))

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
            return "state", ((0, self._top("state")),)
        return super().space(names)

    def _space(self, names):
        top = self._top("state")
        return "state", _values(STATES[s] for s in self.states if STATES[s] <= top)

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
#: IPv6's loopback: the one address ::1.
LOOPBACK6 = (("lo", (ipaddress.IPv6Interface("::1/128"),)),)
_MULTICAST = ipaddress.IPv4Network("224.0.0.0/4")
_LOOP_NET = ipaddress.IPv4Network("127.0.0.0/8")
_MULTICAST6 = ipaddress.IPv6Network("ff00::/8")
#: The IPv6 addresses the kernel's ipv6_addr_type() does not call unicast: the unspecified
#: address ::, IPv4-mapped addresses and multicast (net/ipv6/addrconf_core.c).
_NOT_UNICAST6: Intervals = (
    (0, 0),
    (int(ipaddress.IPv6Address("::ffff:0:0")), int(ipaddress.IPv6Address("::ffff:ffff:ffff"))),
    (int(_MULTICAST6[0]), int(_MULTICAST6[-1])),
)


@dataclass(frozen=True, kw_only=True)
class AddrTypeMatch(Match):
    """``-m addrtype --src-type/--dst-type TYPES``: the kind of address, as the kernel's routing
    tables classify it on a machine with ``interfaces`` (name, addresses) pairs.

    LOCAL is an address of the machine (127.0.0.0/8 included), BROADCAST 0.0.0.0,
    255.255.255.255 or a subnet's broadcast address, MULTICAST 224.0.0.0/4, UNICAST any
    other. ``iface`` ("in" or "out", from ``--limit-iface-in/out``) asks about the packet's own
    interface only.

    In IPv6 (``version=6``, xt_addrtype's match_type6) the types listed must all hold:
    MULTICAST is ff00::/8, UNSPEC is ``::``, UNICAST any address but those and the
    IPv4-mapped ones, LOCAL an address of the machine (``::1`` included); IPv6 has no
    BROADCAST.

    >>> m = AddrTypeMatch(text="--dst-type LOCAL", negate=False, which="dst",
    ...                   types=frozenset({"LOCAL"}))
    >>> m.test(Packet("udp", src="192.0.2.1", dst="127.0.0.1"), "NEW")
    True
    """

    which: str  # "src" or "dst"
    types: frozenset[str]
    iface: str | None = None
    interfaces: tuple[tuple[str, tuple[ipaddress.IPv4Interface, ...]], ...] = LOOPBACK
    version: int = 4

    def _local6(self, device: str | None) -> Intervals:
        """The machine's own IPv6 addresses, on interface ``device`` or all."""
        pairs = (*LOOPBACK6, *self.interfaces)  # ::1 is always on lo
        return _values(
            int(interface.ip)
            for name, addresses in pairs
            if device is None or name == device
            for interface in addresses
            if interface.version == 6
        )

    def _intervals6(self, device: str | None) -> Intervals:
        held: Intervals = ((0, FAMILIES[6].top),)
        top = FAMILIES[6].top
        if "MULTICAST" in self.types:
            held = intersect(held, ((int(_MULTICAST6[0]), int(_MULTICAST6[-1])),))
        if "UNICAST" in self.types:
            held = intersect(held, complement(_NOT_UNICAST6, top))
        if "UNSPEC" in self.types:
            held = intersect(held, ((0, 0),))
        if "LOCAL" in self.types:
            held = intersect(held, self._local6(device))
        return held

    def kind(self, value: int, device: str | None = None) -> str:
        """The type of address ``value`` (an int), seen from interface ``device`` or all."""
        if self.version == 6:
            if _inside_one(value, self._local6(device)):
                return "LOCAL"
            if value == 0:
                return "UNSPEC"
            if _inside_one(value, ((int(_MULTICAST6[0]), int(_MULTICAST6[-1])),)):
                return "MULTICAST"
            return "UNICAST" if not _inside_one(value, _NOT_UNICAST6) else "mapped IPv4"
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
        if self.version == 6:
            return _inside_one(value, self._intervals6(self._device(pkt)))
        return self.kind(value, self._device(pkt)) in self.types

    def _mask(self, batch):
        if self.iface is None:
            return inside_batch(batch, self.which, self.intervals(None))
        codes = batch.in_iface if self.iface == "in" else batch.out_iface
        held = np.zeros(len(batch), dtype=bool)
        for code, name in [*enumerate(batch.iface_names), (len(batch.iface_names), "")]:
            on = np.flatnonzero(codes == code)
            if len(on):
                part = inside_batch(Rows(batch, on), self.which, self.intervals(name))
                held[on] = part
        return held

    def _space(self, names):
        if self.iface is not None:  # depends on the interface: every address may
            return self.which, ((0, self._top(self.which)),)
        return self.which, self.intervals(None)

    def intervals(self, device: str | None) -> Intervals:
        """The addresses of the match's types, seen from interface ``device`` (None: all)."""
        if self.version == 6:
            return self._intervals6(device)
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
        return f"{word} {addr} is a {kind} address, {_is(self._holds(pkt, state))} {listed}"

    def explain(self):
        word = "source" if self.which == "src" else "destination"
        listed = " or ".join(sorted(self.types))
        where = f" on the packet's {self.iface} interface" if self.iface else ""
        not_ = "NOT " if self.negate else ""
        return f"{word} address {not_}of type {listed}{where}"


_MAX = float("inf")  # above every value: (hi, _MAX) sorts after each range starting at hi


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
