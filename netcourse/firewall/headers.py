"""Matches on more of the packet: ``-f`` (a non-first fragment), length, ttl, pkttype and owner
(iptables(8), iptables-extensions(8)), decided as the kernel's xt_length, xt_ttl, xt_pkttype
and xt_owner decide.

``-f`` is a dimension of the linter's header space; it has none for the other fields: each
of those matches says it is not :attr:`exact`, so lint never claims a rule with one catches a
packet. Taught in notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall.parser import parse_rule
>>> m = parse_rule("-A INPUT -m length --length 0:100 -j DROP").matches[0]
>>> m.test(Packet("udp", length=60), "NEW"), m.test(Packet("udp", length=1500), "NEW")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netcourse.firewall.marks import read_xt_number
from netcourse.firewall.matches import Match
from netcourse.firewall.packet import PKTTYPES, Packet  # noqa: F401 - the doctests use Packet

__all__ = [
    "FragmentMatch",
    "LengthMatch",
    "TtlMatch",
    "PktTypeMatch",
    "OwnerMatch",
    "HEADER_BUILDERS",
    "OWNER_CHAINS",
    "owner_hook_problems",
]

#: The built-in chains whose packets may have a local socket: xt_owner's hooks.
OWNER_CHAINS = ("OUTPUT", "POSTROUTING")


@dataclass(frozen=True, kw_only=True)
class _Inexact(Match):
    """A match on fields the linter does not enumerate: every header may match."""

    @property
    def exact(self) -> bool:
        return False

    def space(self, names=()):
        return "proto", ((0, 255),)

    def _space(self, names):  # pragma: no cover - space() is whole
        return "proto", ((0, 255),)


@dataclass(frozen=True, kw_only=True)
class FragmentMatch(_Inexact):
    """``-f``: a non-first fragment (fragment offset not 0); ``! -f`` the others.

    The packet is judged as given. On a real machine the kernel reassembles fragments before
    the tables whenever conntrack is in use (a state, conntrack or connmark match, CONNMARK or
    NAT in any table): then no rule ever sees a non-first fragment (measured in test_kernel.py).

    >>> FragmentMatch(text="-f", negate=False).test(Packet("udp", fragment=185), "NEW")
    True
    """

    @property
    def exact(self) -> bool:
        return True

    def space(self, names=()):
        return Match.space(self, names)

    def _space(self, names):
        return "frag", ((1, 1),)

    def _holds(self, pkt, state):
        return pkt.fragment != 0

    def _mask(self, batch):
        return batch.fragment != 0

    def _why(self, pkt, state, ok):
        kind = "a non-first fragment" if pkt.fragment else "not a non-first fragment"
        return f"fragment offset {pkt.fragment}: {kind}"

    def explain(self):
        if self.negate:
            return "an unfragmented packet or a first fragment (! -f)"
        return "a second or later fragment of a fragmented packet (no ports or flags in it)"


@dataclass(frozen=True, kw_only=True)
class LengthMatch(_Inexact):
    """``-m length --length LO[:HI]``: the IP total length, header included, in LO..HI."""

    lo: int
    hi: int

    def _holds(self, pkt, state):
        return self.lo <= pkt.length <= self.hi

    def _mask(self, batch):
        return (batch.length >= self.lo) & (batch.length <= self.hi)

    def variants(self):
        lengths = {max(self.lo, 20), self.lo - 1, self.hi, self.hi + 1}
        return tuple({"length": n} for n in sorted(lengths) if 20 <= n <= 65535)

    def _why(self, pkt, state, ok):
        return f"length {pkt.length} bytes {'is' if self._holds(pkt, state) else 'is not'} in " + (
            f"{self.lo}-{self.hi}"
        )

    def explain(self):
        span = f"{self.lo}" if self.lo == self.hi else f"{self.lo}-{self.hi}"
        not_ = "NOT " if self.negate else ""
        return f"an IP packet {not_}of {span} bytes (headers included)"


_TTL_WORDS = {"eq": "equal to", "ne": "other than", "gt": "above", "lt": "below"}


@dataclass(frozen=True, kw_only=True)
class TtlMatch(_Inexact):
    """``-m ttl --ttl-eq/--ttl-gt/--ttl-lt N`` (``! --ttl-eq`` is "not equal")."""

    op: str  # eq, gt or lt
    value: int

    def _holds(self, pkt, state):
        if self.op == "eq":
            return pkt.ttl == self.value
        return pkt.ttl > self.value if self.op == "gt" else pkt.ttl < self.value

    def _mask(self, batch):
        if self.op == "eq":
            return batch.ttl == self.value
        return batch.ttl > self.value if self.op == "gt" else batch.ttl < self.value

    def variants(self):
        values = (self.value - 1, self.value, self.value + 1)
        return tuple({"ttl": n} for n in values if 0 <= n <= 255)

    def _why(self, pkt, state, ok):
        op = "ne" if self.negate else self.op
        return f"TTL {pkt.ttl} is {'' if ok else 'not '}{_TTL_WORDS[op]} {self.value}"

    def explain(self):
        return f"a TTL {_TTL_WORDS['ne' if self.negate else self.op]} {self.value}"


@dataclass(frozen=True, kw_only=True)
class PktTypeMatch(_Inexact):
    """``-m pkttype --pkt-type unicast|broadcast|multicast|otherhost``: how the link layer
    addressed the packet (``host`` is iptables' other name of unicast)."""

    kind: str

    def _holds(self, pkt, state):
        return pkt.pkttype == self.kind

    def _mask(self, batch):
        return batch.pkttype == PKTTYPES.index(self.kind)

    def variants(self):
        return tuple({"pkttype": kind} for kind in PKTTYPES)

    def _why(self, pkt, state, ok):
        return f"a {pkt.pkttype} packet, {'' if self._holds(pkt, state) else 'not '}{self.kind}"

    def explain(self):
        return f"a packet {'NOT ' if self.negate else ''}sent as link-layer {self.kind}"


@dataclass(frozen=True, kw_only=True)
class OwnerMatch(_Inexact):
    """``-m owner``: the local socket that sent the packet (OUTPUT and POSTROUTING only).

    As xt_owner decides: a packet with no socket matches only when every option given is
    negated; with one, each given option (``!`` inverting it) must hold.

    >>> m = OwnerMatch(text="--uid-owner 1000", negate=False, uid=(1000, 1000))
    >>> m.test(Packet("udp", uid=1000, gid=1000), "NEW"), m.test(Packet("udp"), "NEW")
    (True, False)
    """

    uid: tuple[int, int] | None = None
    gid: tuple[int, int] | None = None
    socket: bool = False
    not_uid: bool = False
    not_gid: bool = False
    not_socket: bool = False

    def _parts(self):
        """(option given, negated) for the socket, uid and gid parts."""
        return (
            (self.socket, self.not_socket),
            (self.uid is not None, self.not_uid),
            (self.gid is not None, self.not_gid),
        )

    def _decide(self, uid: int | None, gid: int | None) -> bool:
        if uid is None:  # no socket: true only when every option given is negated
            return all(negated for given, negated in self._parts() if given)
        if self.socket and self.not_socket:
            return False
        for span, value, negated in ((self.uid, uid, self.not_uid), (self.gid, gid, self.not_gid)):
            if span is not None and (span[0] <= value <= span[1]) == negated:
                return False
        return True

    def test(self, pkt, state, memory=None):
        return self._decide(pkt.uid, pkt.gid)

    def variants(self):
        """No socket, and sockets whose uid and gid lie at and just past each span given."""
        uids = {0} if self.uid is None else {self.uid[0], self.uid[1] + 1}
        gids = {0} if self.gid is None else {self.gid[0], self.gid[1] + 1}
        top = 2**32 - 2  # (uid_t)-1 is no id
        return ({"uid": None, "gid": None},) + tuple(
            {"uid": u, "gid": g} for u in sorted(uids) for g in sorted(gids) if max(u, g) <= top
        )

    def _holds(self, pkt, state):  # pragma: no cover - test() is whole
        return self._decide(pkt.uid, pkt.gid)

    def mask(self, batch):
        uid, gid = np.asarray(batch.uid), np.asarray(batch.gid)
        out = np.zeros(len(uid), dtype=bool)
        out[uid < 0] = self._decide(None, None)
        owned = uid >= 0
        if self.socket and self.not_socket:
            return out
        held = owned.copy()
        for span, column, negated in ((self.uid, uid, self.not_uid), (self.gid, gid, self.not_gid)):
            if span is not None:
                held &= ((column >= span[0]) & (column <= span[1])) != negated
        return out | held

    def _mask(self, batch):  # pragma: no cover - mask() is whole
        return self.mask(batch)

    def _why(self, pkt, state, ok):
        if pkt.uid is None:
            return f"no local socket sent it, so the owner match {'holds' if ok else 'fails'}"
        return f"sent by uid {pkt.uid}, gid {pkt.gid}: the owner match {'holds' if ok else 'fails'}"

    def explain(self):
        parts = []
        if self.socket:
            parts.append("no local socket" if self.not_socket else "a local socket")
        for word, span, negated in (
            ("user", self.uid, self.not_uid),
            ("group", self.gid, self.not_gid),
        ):
            if span is not None:
                ids = str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"
                parts.append(f"a {word} {'other than' if negated else 'of id'} {ids}")
        return "sent from this machine by " + " and ".join(parts)


def _number(reader, option: str, value: str, high: int, what: str) -> int:
    number = read_xt_number(value, high)
    if number is None:
        raise reader.fail(f"{option} {value}", f"expected {what} 0-{high}")
    return number


def _length(reader, given, text):
    if "--length" not in given:
        raise reader.fail(text, "-m length needs --length LENGTH or --length LO:HI")
    negate, (value,) = given["--length"]
    lo_text, colon, hi_text = value.partition(":")
    lo = _number(reader, "--length", lo_text, 65535, "a length") if lo_text else 0
    hi = 65535 if colon and not hi_text else lo
    if hi_text:
        hi = _number(reader, "--length", hi_text, 65535, "a length")
    if not lo_text and not colon:
        raise reader.fail("--length", "needs a length or a range LO:HI")
    return LengthMatch(text=text, negate=negate, lo=lo, hi=hi)


def _ttl(reader, given, text):
    (option,) = given if len(given) == 1 else (None,)
    if option is None:
        raise reader.fail(text, "give one of --ttl-eq, --ttl-gt and --ttl-lt")
    negate, (value,) = given[option]
    if negate and option != "--ttl-eq":
        raise reader.fail(f"! {option}", "cannot be inverted (iptables: only --ttl-eq can)")
    number = _number(reader, option, value, 255, "a TTL")
    return TtlMatch(text=text, negate=negate, op=option[-2:], value=number)


def _pkttype(reader, given, text):
    if "--pkt-type" not in given:
        raise reader.fail(text, "-m pkttype needs --pkt-type TYPE")
    negate, (value,) = given["--pkt-type"]
    kind = "unicast" if value.lower() == "host" else value.lower()
    if kind not in PKTTYPES:
        raise reader.fail(f"--pkt-type {value}", f"expected {', '.join(PKTTYPES)} or host")
    return PktTypeMatch(text=text, negate=negate, kind=kind)


def _ids(reader, option: str, value: str) -> tuple[int, int]:
    first, dash, last = value.replace(":", "-", 1).partition("-")
    if first == "root" and not dash:
        return 0, 0
    lo = read_xt_number(first, 2**32 - 2)
    hi = read_xt_number(last, 2**32 - 2) if dash else lo
    if lo is None or hi is None or hi < lo:
        raise reader.fail(
            f"{option} {value}",
            "expected an id or a range of ids such as 1000 or 1000-1999 (names other than "
            "root are the machine's own: give the number, as `id -u NAME` prints it)",
        )
    return lo, hi


def _owner(reader, given, text):
    if reader.chain in ("INPUT", "FORWARD", "PREROUTING"):
        raise reader.fail(
            text,
            f"the owner match works in OUTPUT and POSTROUTING only (iptables refuses it in "
            f"{reader.chain}: only a packet this machine sends has a local socket)",
        )
    if not given:
        raise reader.fail(text, "give --uid-owner, --gid-owner or --socket-exists")
    uid = (
        _ids(reader, "--uid-owner", given["--uid-owner"][1][0]) if "--uid-owner" in given else None
    )
    gid = (
        _ids(reader, "--gid-owner", given["--gid-owner"][1][0]) if "--gid-owner" in given else None
    )
    return OwnerMatch(
        text=text,
        negate=False,
        uid=uid,
        gid=gid,
        socket="--socket-exists" in given,
        not_uid=given.get("--uid-owner", (False,))[0],
        not_gid=given.get("--gid-owner", (False,))[0],
        not_socket=given.get("--socket-exists", (False,))[0],
    )


#: The builders of these modules' matches from their options (``reader.fail`` refuses).
HEADER_BUILDERS = {"length": _length, "ttl": _ttl, "pkttype": _pkttype, "owner": _owner}


def owner_hook_problems(chains: dict, builtin: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """(line, part, message) of each owner match in a user chain that a built-in chain other
    than OUTPUT and POSTROUTING reaches: the kernel refuses the whole table then."""
    problems = []
    for start in builtin:
        if start in OWNER_CHAINS or start not in chains:
            continue
        seen, todo = {start}, [start]
        while todo:
            for rule in chains[todo.pop()].rules:
                if rule.jumps and rule.target in chains and rule.target not in seen:
                    seen.add(rule.target)
                    todo.append(rule.target)
        for name in sorted(seen - {start}):
            for rule in chains[name].rules:
                for match in rule.matches:
                    if isinstance(match, OwnerMatch):
                        problems.append(
                            (
                                rule.line,
                                match.text,
                                f"the owner match works in OUTPUT and POSTROUTING only, and "
                                f"{start} jumps to {name} (the kernel refuses the table)",
                            )
                        )
    return sorted(set(problems))
