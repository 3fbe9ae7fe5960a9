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
    "STATES",
    "STATE_MODULE_STATES",
    "DIMENSIONS",
    "Intervals",
    "complement",
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

    def test(self, pkt: Packet, state: str) -> bool:
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

    def test(self, pkt, state):
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
