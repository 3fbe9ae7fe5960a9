"""``-m conntrack``'s options about the connection rather than the packet: its original and
reply tuples (``--ctorigsrc``, ``--ctorigdst``, ``--ctreplsrc``, ``--ctrepldst`` and their
ports), its status bits (``--ctstatus``) and the packet's direction (``--ctdir``).

As xt_conntrack.c decides: a packet with no connection (INVALID, UNTRACKED) matches none of
them, negated or not. The connection is the one ``Firewall.traverse`` tracks; a packet judged
alone (``evaluate``) is the first packet of its own connection. Taught in
notebooks/04-firewalls.ipynb.

>>> m = conntrack_option("--ctorigdstport", "8080", negate=False, text="--ctorigdstport 8080")
>>> m.test(Packet("tcp", src="198.18.0.1", dst="198.19.0.2", dport=8080), "NEW")
True
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import numpy as np

from netcourse.errors import RuleError, quote
from netcourse.firewall.family import address_range
from netcourse.firewall.matches import DIMENSIONS, Match
from netcourse.firewall.packet import Packet, icmp_reply
from netcourse.readers import read_port

__all__ = ["ConnMatch", "conntrack_option", "CT_OPTIONS", "CT_STATUSES"]

#: The conntrack options about the connection, and what each compares.
CT_OPTIONS: dict[str, str] = {
    "--ctorigsrc": "the connection's original source address",
    "--ctorigdst": "the connection's original destination address",
    "--ctreplsrc": "the connection's reply source address",
    "--ctrepldst": "the connection's reply destination address",
    "--ctorigsrcport": "the connection's original source port",
    "--ctorigdstport": "the connection's original destination port",
    "--ctreplsrcport": "the connection's reply source port",
    "--ctrepldstport": "the connection's reply destination port",
    "--ctstatus": "the connection's status",
    "--ctdir": "the packet's direction",
}
#: The status bits ``--ctstatus`` names (xt_conntrack; NONE is the empty mask).
CT_STATUSES = ("NONE", "EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED")
_NO_CONNECTION = ("INVALID", "UNTRACKED")


def _tuples(pkt: Packet, state) -> tuple[Packet, Packet, str] | None:
    """(first packet as it came, first packet as it left, direction), or None: no connection."""
    if str(state) in _NO_CONNECTION:
        return None
    entry = getattr(state, "entry", None)
    if entry is not None:
        return entry.pkt, entry.translated or entry.pkt, state.direction
    original = getattr(state, "original", None) or pkt
    return original, pkt, "original"


def _ports(pkt: Packet, *, reply: bool) -> tuple[int, int]:
    """The tuple's two "ports" as xt_conntrack reads them (``src.u.all``, ``dst.u.all``): for
    ICMP the identifier and type * 256 + code; 0 for protocols without ports."""
    if pkt.is_icmp:
        kind = pkt.icmp_type
        answer = icmp_reply(kind, pkt.version)
        if answer is not None and reply:
            kind = answer
        return pkt.icmp_id, kind * 256 + pkt.icmp_code
    if pkt.sport is None:
        return 0, 0
    return (pkt.dport, pkt.sport) if reply else (pkt.sport, pkt.dport)


def _status(pkt: Packet, state) -> set[str]:
    entry = getattr(state, "entry", None)
    if entry is None:
        return set()  # the first packet: not confirmed until it leaves the last hook
    bits = {"CONFIRMED"}
    if entry.seen_reply or state.direction == "reply":  # conntrack marks it on the way in
        bits.add("SEEN_REPLY")
    if entry.assured or getattr(state, "assured", False):
        bits.add("ASSURED")
    return bits


@dataclass(frozen=True, kw_only=True)
class ConnMatch(Match):
    """One ``-m conntrack`` option about the connection (see :data:`CT_OPTIONS`).

    ``field`` is the option without ``--ct``; addresses are a network, ports a range,
    ``--ctstatus`` a set of bits (any matches), ``--ctdir`` ORIGINAL or REPLY.
    """

    field: str
    net: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    lo: int = 0
    hi: int = 0
    values: frozenset[str] = frozenset()

    @property
    def exact(self) -> bool:
        return False  # depends on the connection, not only on the packet's headers

    def test(self, pkt, state, memory=None):
        if _tuples(pkt, state) is None:
            return False  # no connection: xt_conntrack says no, even under !
        return self._holds(pkt, state) != self.negate

    def _value(self, pkt: Packet, state):
        first, out, direction = _tuples(pkt, state)
        name = self.field
        if name == "dir":
            return direction.upper()
        if name == "status":
            return _status(pkt, state)
        side, end = name[:4], name[4:7]  # orig/repl, src/dst
        if side == "orig":
            src, dst, (sport, dport) = first.src, first.dst, _ports(first, reply=False)
        else:  # the reply tuple mirrors the first packet as it left
            src, dst, (sport, dport) = out.dst, out.src, _ports(out, reply=True)
        if name.endswith("port"):
            return sport if end == "src" else dport
        return src if end == "src" else dst

    def _holds(self, pkt, state):
        value = self._value(pkt, state)
        if self.field == "dir":
            return value in self.values
        if self.field == "status":
            return bool(value & self.values)
        if self.field.endswith("port"):
            return self.lo <= value <= self.hi
        return ipaddress.ip_address(value) in self.net

    def _mask(self, batch):
        # a batch judges each packet alone: its own connection, first packet, no status
        valid = ~np.isin(batch.state, [0, 4])  # INVALID and UNTRACKED have no connection
        name = self.field
        if name == "dir":
            held = np.full(len(batch), "ORIGINAL" in self.values)
        elif name == "status":
            held = np.zeros(len(batch), dtype=bool)
        else:
            mirrored = name.startswith("repl")
            end = name[4:7]
            if mirrored:
                end = "dst" if end == "src" else "src"
            if name.endswith("port"):
                column = batch.sport if end == "src" else batch.dport
                held = (column >= self.lo) & (column <= self.hi)
            else:
                lo, hi = int(self.net[0]), int(self.net[-1])
                if self.net.version == 6:  # two uint64 columns per address
                    held = address_range(batch, end, lo, hi)
                else:
                    column = batch.src if end == "src" else batch.dst
                    held = (column >= lo) & (column <= hi)
        held = held & valid
        return (~held & valid) if self.negate else held

    def mask(self, batch):
        return self._mask(batch)  # negation is handled above (no connection: never)

    def space(self, names=()):
        return "proto", ((0, DIMENSIONS["proto"]),)  # may hold for any headers

    def _space(self, names):  # pragma: no cover - space() is overridden
        return "proto", ((0, DIMENSIONS["proto"]),)

    def _why(self, pkt, state, ok):
        if _tuples(pkt, state) is None:
            return f"a {state} packet has no connection, so {self.text} does not match"
        value = self._value(pkt, state)
        if isinstance(value, set):
            value = ",".join(sorted(value)) or "no status bits"
        verdict = "matches" if ok else "does not match"
        return f"{CT_OPTIONS['--ct' + self.field]} is {value}: {verdict} {self.text}"

    def explain(self):
        what = CT_OPTIONS["--ct" + self.field]
        if self.field in ("dir", "status"):
            wanted = " or ".join(sorted(self.values))
        elif self.field.endswith("port"):
            wanted = str(self.lo) if self.lo == self.hi else f"{self.lo}-{self.hi}"
        else:
            wanted = str(self.net)
        if self.field == "status" and not self.negate:
            return f"{what} includes {wanted or 'nothing (NONE never matches)'}"
        return f"{what} is {'NOT ' if self.negate else ''}{wanted}"


def conntrack_option(
    option: str, value: str, *, negate: bool, text: str, fail=None, version: int = 4
) -> ConnMatch:
    """The :class:`ConnMatch` of one conntrack option and its value, checked as iptables does.

    >>> conntrack_option("--ctdir", "REPLY", negate=False, text="--ctdir REPLY").values
    frozenset({'REPLY'})
    """

    def refuse(message: str) -> RuleError:
        if fail is not None:
            return fail(f"{option} {value}", message)
        return RuleError(f"{option} {quote(value)}: {message}")

    name = option[4:]
    if option not in CT_OPTIONS:
        raise refuse(f"not a conntrack option; expected one of {', '.join(CT_OPTIONS)}")
    if name == "dir":
        if negate:
            raise refuse("--ctdir cannot be negated (iptables refuses it); name the other one")
        if value.upper() not in ("ORIGINAL", "REPLY"):
            raise refuse("expected ORIGINAL or REPLY")
        return ConnMatch(text=text, negate=negate, field=name, values=frozenset({value.upper()}))
    if name == "status":
        bits = [part.strip().upper() for part in value.split(",")]
        bad = [b for b in bits if b not in CT_STATUSES]
        if bad:
            raise refuse(f"{quote(bad[0])} is not a status; expected {', '.join(CT_STATUSES)}")
        return ConnMatch(text=text, negate=negate, field=name, values=frozenset(bits) - {"NONE"})
    if name.endswith("port"):
        ends = value.split(":")
        try:
            if len(ends) not in (1, 2):
                raise RuleError("")
            lo, hi = (read_port(e, low=0, error=RuleError) for e in (ends[0], ends[-1]))
        except RuleError:
            raise refuse("expected a port 0-65535 or a range such as 1024:2047") from None
        if lo > hi:
            raise refuse("the range's first port is above its last")
        return ConnMatch(text=text, negate=negate, field=name, lo=lo, hi=hi)
    kind, example = (
        (ipaddress.IPv6Network, "fd00::/64") if version == 6 else (ipaddress.IPv4Network, "")
    )
    try:
        net = kind(value.strip(), strict=False)
    except ValueError:
        if version == 6:  # ip6tables' --ctorigsrc and the others read IPv6 networks
            raise refuse(f"expected an IPv6 address or network such as {example}") from None
        raise refuse("expected an IPv4 address or network such as 192.168.1.0/24") from None
    return ConnMatch(text=text, negate=negate, field=name, net=net)
