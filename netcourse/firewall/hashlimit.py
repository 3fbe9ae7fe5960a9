"""``-m hashlimit``: a token bucket per source, destination or port (iptables-extensions(8)),
as xt_hashlimit keeps them.

Each key of ``--hashlimit-mode`` (srcip, srcport, dstip, dstport; addresses cut to
``--hashlimit-srcmask``/``--hashlimit-dstmask`` bits; no mode: one bucket for all) has a
bucket of ``--hashlimit-burst`` tokens refilled at the rate given; a packet that finds a token
takes it. ``--hashlimit-upto`` matches packets that found one, ``--hashlimit-above`` those that
did not. A bucket idle for ``--hashlimit-htable-expire`` milliseconds is forgotten (the
kernel's collector runs every ``--hashlimit-htable-gcinterval``, so it may keep it a little
longer), and the next packet finds a full one. Buckets live in the table named by
``--hashlimit-name``, shared by the rules that name it (each rule here keeps its own rate;
the kernel takes the first rule's). Time is the packets' ``time``, so results are
deterministic. Not simulated: a non-first fragment meeting a port mode, which the kernel
drops on the spot. Taught in notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall.parser import parse_rule
>>> m = parse_rule("-A INPUT -m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 2 "
...                "--hashlimit-mode srcip --hashlimit-name ssh -j ACCEPT").matches[0]
>>> memory = {}
>>> [m.test(Packet("tcp", src=s, time=0), "NEW", memory) for s in ("192.0.2.1",) * 3]
[True, True, False]
>>> m.test(Packet("tcp", src="192.0.2.9", time=0), "NEW", memory)  # another source's bucket
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netcourse.firewall.marks import read_xt_number
from netcourse.firewall.matches import Match
from netcourse.firewall.packet import Packet

__all__ = ["HashLimitMatch", "build_hashlimit", "HASHLIMIT_MODES"]

#: The keys ``--hashlimit-mode`` may combine.
HASHLIMIT_MODES = ("srcip", "srcport", "dstip", "dstport")
#: Protocols whose ports xt_hashlimit reads (others count as port 0), IPv4 numbers.
_PORTED = (6, 17, 33, 132, 136)
#: The slowest and fastest rates, per second: 1/day, and 1,000,000/s (xt_hashlimit's scale:
#: a faster rate rounds to zero and iptables refuses it).
_FASTEST = 1_000_000
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True, kw_only=True)
class HashLimitMatch(Match):
    """``-m hashlimit``: see the module's text. ``above`` is ``--hashlimit-above``."""

    stateful = True
    name: str
    rate: float  # tokens per second
    burst: int = 5
    above: bool = False
    mode: tuple[str, ...] = ()
    srcmask: int = 32
    dstmask: int = 32
    expire: float = 10.0  # seconds

    def key(self, pkt: Packet) -> tuple:
        """The bucket a packet counts against."""
        parts = []
        ported = pkt.proto_number in _PORTED
        for word in self.mode:
            if word == "srcip":
                parts.append(pkt.src_int >> (32 - self.srcmask) if self.srcmask else 0)
            elif word == "dstip":
                parts.append(pkt.dst_int >> (32 - self.dstmask) if self.dstmask else 0)
            elif word == "srcport":
                parts.append(pkt.sport if ported else 0)
            else:
                parts.append(pkt.dport if ported else 0)
        return tuple(parts)

    def test(self, pkt, state, memory=None):
        if memory is None:
            return not self.above
        table = memory.setdefault(("hashlimit", self.name), {})
        key = self.key(pkt)
        tokens, last = table.get(key, (float(self.burst), pkt.time))
        if pkt.time - last >= self.expire:  # forgotten by the collector: a fresh bucket
            tokens = float(self.burst)
        else:
            tokens = min(float(self.burst), tokens + max(0.0, pkt.time - last) * self.rate)
        ok = tokens >= 1.0 - 1e-9
        table[key] = (tokens - 1.0 if ok else tokens, max(last, pkt.time))
        return ok != self.above

    def _holds(self, pkt, state):  # a packet alone finds a full bucket
        return not self.above

    def _mask(self, batch):
        return np.full(len(batch), not self.above, dtype=bool)

    def space(self, names=()):
        return "proto", ((0, 255),)

    def _space(self, names):  # pragma: no cover - space() is whole
        return "proto", ((0, 255),)

    def _per(self) -> str:
        return ", ".join(self.mode) if self.mode else "all packets together"

    def _why(self, pkt, state, ok):
        found = ok != self.above
        has = "had a token" if found else "had no token left"
        return f"the bucket of {self._per()} in hashlimit {self.name!r} {has}"

    def explain(self):
        unit, per = next(((u, p) for u, p in _UNITS.items() if self.rate * p >= 1), ("day", 86400))
        rate = f"{self.rate * per:g} packets a {unit}, bursts of {self.burst}"
        key = f"per {self._per()}" if self.mode else "for all packets together"
        if self.above:
            return f"packets beyond {rate} ({key})"
        return f"packets within {rate} ({key})"


def _rate(reader, option: str, value: str) -> float:
    number, slash, unit = value.partition("/")
    per = 1
    if slash:
        per = next((n for u, n in _UNITS.items() if unit and u.startswith(unit.lower())), None)
    count = read_xt_number(number, 2**64 - 1) if number.isdigit() else None
    if per is None or not count:
        raise reader.fail(
            f"{option} {value}",
            "expected a rate such as 5/sec, 30/min, 100/hour or 1/day (byte rates are not "
            "simulated)",
        )
    if count / per > _FASTEST:
        raise reader.fail(f"{option} {value}", "a rate above 1000000/s rounds to zero (iptables)")
    return count / per


def build_hashlimit(reader, given: dict[str, tuple[bool, list[str]]], text: str) -> Match:
    """The match of ``-m hashlimit`` options, checked as libxt_hashlimit checks them."""
    for option, (negate, _) in given.items():
        if negate:
            raise reader.fail(f"! {option}", "hashlimit options cannot be negated")
    limits = [o for o in ("--hashlimit-upto", "--hashlimit", "--hashlimit-above") if o in given]
    if len(limits) != 1:
        raise reader.fail(text, "give one of --hashlimit-upto and --hashlimit-above")
    if "--hashlimit-name" not in given:
        raise reader.fail(text, "--hashlimit-name is required (the table's name)")
    name = given["--hashlimit-name"][1][0]
    if not name or len(name) > 15 or "/" in name:
        raise reader.fail(f"--hashlimit-name {name}", "a name is 1-15 characters, no /")

    def number(option: str, default: int, low: int, high: int) -> int:
        if option not in given:
            return default
        value = given[option][1][0]
        got = read_xt_number(value, high)
        if got is None or got < low:
            raise reader.fail(f"{option} {value}", f"expected a number {low}-{high}")
        return got

    for option in ("--hashlimit-htable-size", "--hashlimit-htable-max"):
        number(option, 0, 0, 2**32 - 1)  # the table's size: no decision depends on it here
    number("--hashlimit-htable-gcinterval", 1000, 1, 2**32 - 1)
    mode: tuple[str, ...] = ()
    if "--hashlimit-mode" in given:
        value = given["--hashlimit-mode"][1][0]
        words = value.split(",")
        bad = [w for w in words if w not in HASHLIMIT_MODES]
        if bad or len(set(words)) != len(words):
            raise reader.fail(
                f"--hashlimit-mode {value}", f"expected some of {', '.join(HASHLIMIT_MODES)}"
            )
        mode = tuple(w for w in HASHLIMIT_MODES if w in words)
    return HashLimitMatch(
        text=text,
        negate=False,
        name=name,
        rate=_rate(reader, limits[0], given[limits[0]][1][0]),
        burst=number("--hashlimit-burst", 5, 1, 2**32 - 1),
        above=limits[0] == "--hashlimit-above",
        mode=mode,
        srcmask=number("--hashlimit-srcmask", 32, 0, 32),
        dstmask=number("--hashlimit-dstmask", 32, 0, 32),
        expire=number("--hashlimit-htable-expire", 10000, 1, 2**32 - 1) / 1000,
    )
