"""Matches that remember earlier packets: ``-m limit`` (a token bucket) and ``-m recent``
(lists of addresses with the times they were seen). Time is the packets' own ``time``, so
answers are deterministic. Taught in notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall.parser import parse_rule
>>> type(parse_rule("-A INPUT -m limit --limit 3/min -j ACCEPT").matches[0]).__name__
'LimitMatch'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netcourse.firewall.matches import Match, _is

__all__ = ["LimitMatch", "RecentMatch"]


@dataclass(frozen=True, kw_only=True)
class LimitMatch(Match):
    """``-m limit --limit RATE --limit-burst N``: a token bucket of ``burst`` tokens refilled at
    ``rate`` per second; each matching packet takes one. Time is the packets' ``time``.

    A packet judged alone finds the bucket full, so it matches; :meth:`Firewall.replay`
    keeps the buckets across packets.

    >>> from netcourse.firewall.packet import Packet
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
    >>> from netcourse.firewall.packet import Packet
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
