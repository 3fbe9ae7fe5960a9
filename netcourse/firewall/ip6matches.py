"""The matches only ip6tables has: ``-m hl`` (the hop limit) and ``-m rt`` (the routing header).

ufw and Debian's default rules drop packets with a type 0 routing header (``-m rt --rt-type
0 -j DROP``, RFC 5095 deprecated it) and admit neighbour discovery only with a hop limit of
255 (``-m hl --hl-eq 255``). Taught in notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall import Packet
>>> rt = RtMatch(text="--rt-type 0", negate=False, rt_type=0)
>>> rt.test(Packet("udp", src="fd00::1", routing_type=0), "NEW"), rt.test(Packet("udp",
...     src="fd00::1"), "NEW")
(True, False)
>>> HlMatch(text="--hl-eq 255", negate=False, op="eq", value=255).test(
...     Packet("icmpv6", ttl=255), "NEW")
True
"""

from __future__ import annotations

from dataclasses import dataclass

from netcourse.errors import RuleError
from netcourse.firewall.family import (
    IP6_MODULES,
    IP6_UNSIMULATED_MODULES,
    NO_ROUTING_HEADER,
    Family,
)
from netcourse.firewall.matches import Intervals, Match, complement
from netcourse.firewall.options import MODULES

__all__ = ["HlMatch", "RtMatch", "NO_ROUTING_HEADER", "FamilyOptions"]

_OPS = {"eq": "equal to", "lt": "below", "gt": "above"}


@dataclass(frozen=True, kw_only=True)
class HlMatch(Match):
    """``-m hl --hl-eq/--hl-lt/--hl-gt N``: the IPv6 hop limit (``!`` only with --hl-eq)."""

    op: str  # "eq", "lt" or "gt"
    value: int
    version = 6  # ip6tables' own: its dimensions are IPv6's

    def _bounds(self) -> tuple[int, int]:
        if self.op == "eq":
            return self.value, self.value
        if self.op == "lt":
            return 0, self.value - 1
        return self.value + 1, 255

    def _holds(self, pkt, state):
        lo, hi = self._bounds()
        return lo <= pkt.ttl <= hi

    def _mask(self, batch):
        lo, hi = self._bounds()
        return (batch.ttl >= lo) & (batch.ttl <= hi)

    def _space(self, names):
        lo, hi = self._bounds()
        return "ttl", ((lo, hi),) if lo <= hi else ()

    def _why(self, pkt, state, ok):
        held = self._holds(pkt, state)
        return f"hop limit {pkt.ttl} {'is' if held != self.negate else 'is not'} {self._phrase()}"

    def _phrase(self) -> str:
        return f"{'not ' if self.negate else ''}{_OPS[self.op]} {self.value}"

    def explain(self):
        return f"a hop limit (IPv6's TTL) {self._phrase()}"


@dataclass(frozen=True, kw_only=True)
class RtMatch(Match):
    """``-m rt --rt-type N``: the packet carries an IPv6 routing header of type N (``!``: of
    another type). A packet with no routing header never matches, negated or not (ip6t_rt).
    """

    rt_type: int
    version = 6  # ip6tables' own: its dimensions are IPv6's

    def test(self, pkt, state, memory=None):
        if pkt.routing_type is None:
            return False
        return (pkt.routing_type == self.rt_type) != self.negate

    def _holds(self, pkt, state):
        return pkt.routing_type == self.rt_type

    def mask(self, batch):
        present = batch.routing != NO_ROUTING_HEADER
        return present & ((batch.routing == self.rt_type) != self.negate)

    def _mask(self, batch):  # pragma: no cover - mask() is whole
        return batch.routing == self.rt_type

    def space(self, names=()) -> tuple[str, Intervals]:
        held: Intervals = ((self.rt_type, self.rt_type),)
        if self.negate:  # any other type, but a header there must be
            held = complement(held, NO_ROUTING_HEADER - 1)
        return "rt", held

    def _space(self, names):  # pragma: no cover - space() is whole
        return "rt", ((self.rt_type, self.rt_type),)

    def _why(self, pkt, state, ok):
        if pkt.routing_type is None:
            return "the packet has no routing header"
        return f"routing header type {pkt.routing_type} {'is' if ok else 'is not'} {self._want()}"

    def _want(self) -> str:
        return f"{'not ' if self.negate else ''}{self.rt_type}"

    def explain(self):
        text = f"an IPv6 routing header of type {self._want()}"
        if self.rt_type == 0 and not self.negate:
            text += " (type 0 lets a sender steer packets; RFC 5095 deprecated it)"
        return text


class FamilyOptions:
    """The rule reader's part that knows which tool's rules it reads: it refuses the other
    family's modules and builds ip6tables' own matches. The reader supplies ``family``,
    ``module_options``, ``fail`` and ``_once``."""

    family: Family
    module_options: dict[str, dict[str, int]]

    def fail(self, option: str, message: str) -> RuleError:  # pragma: no cover - supplied
        raise NotImplementedError

    def _once(self, key: str, option: str) -> None:  # pragma: no cover - supplied
        raise NotImplementedError

    def _other_family_module(self, option: str, module: str) -> None:
        """Refuse a module of the other family's tool, or an unsimulated ip6tables one."""
        if self.family.version == 4 and module in IP6_MODULES:
            raise self.fail(
                option,
                f"the {module} match is ip6tables' (IPv6); read ip6tables-save output with "
                "family=6",
            )
        if self.family.version == 6 and module in MODULES and module not in self.module_options:
            own = " (ip6tables has -m icmp6 --icmpv6-type)" if module == "icmp" else ""
            own = " (ip6tables has -m hl for the hop limit)" if module == "ttl" else own
            raise self.fail(
                option,
                f"the {module} match is iptables' (IPv4) only{own}; an IPv4 ruleset is read "
                "with family=4 (the default)",
            )
        if self.family.version == 6 and module in IP6_UNSIMULATED_MODULES:
            raise self.fail(
                option,
                f"this match is not simulated: packets here carry no {module} extension "
                "header; ip6tables' simulated matches are "
                f"{', '.join(self.module_options)}",
            )

    def _ip6_match(self, token: str, value: str, negate: bool, text: str) -> Match:
        """The match of an ``-m hl`` or ``-m rt`` option (ip6tables' own modules)."""
        if not (value.isascii() and value.isdigit() and int(value) <= 255):
            raise self.fail(f"{token} {value}", "expected a number 0-255")
        number = int(value)
        if token == "--rt-type":
            return RtMatch(text=text, negate=negate, rt_type=number)
        op = token[len("--hl-") :]
        if negate and op != "eq":
            raise self.fail(f"! {token}", "only --hl-eq can be negated (ip6tables refuses it)")
        self._once("hl", token)
        return HlMatch(text=text, negate=negate, op=op, value=number)
