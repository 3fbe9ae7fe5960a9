"""The match modules whose options together make one match: addrtype, limit, recent, mark,
connmark, length, ttl, pkttype, owner, set and hashlimit.

:class:`GroupedModules` is the part of the rule reader that builds them once a rule is read
whole (iptables-extensions(8) says which options each takes). Taught in
notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall.parser import parse_rule
>>> parse_rule("-A INPUT -m limit --limit 3/min --limit-burst 10 -j LOG").matches[0].burst
10
"""

from __future__ import annotations

from netcourse.errors import NetcourseError, RuleError, quote
from netcourse.firewall.family import Family
from netcourse.firewall.hashlimit import build_hashlimit
from netcourse.firewall.headers import HEADER_BUILDERS
from netcourse.firewall.limits import LimitMatch, RecentMatch
from netcourse.firewall.marks import MARK_TARGETS, build_mark, check_mark_target
from netcourse.firewall.matches import (
    ADDRESS_TYPES,
    AddrTypeMatch,
    Match,
)
from netcourse.firewall.setmatch import build_set

__all__ = ["GroupedModules"]


class GroupedModules:
    """Builders of the grouped modules' matches; the rule reader supplies ``fail`` and
    ``chain``."""

    chain: str
    family: Family

    def fail(self, option: str, message: str) -> RuleError:  # pragma: no cover - supplied
        raise NotImplementedError

    def _grouped(
        self, module: str, given: dict[str, tuple[bool, list[str]]]
    ) -> Match | tuple[Match, ...]:
        """The one match of a grouped module's options (addrtype, limit, recent)."""
        words = [
            ("! " if neg else "") + " ".join([opt, *vals]) for opt, (neg, vals) in given.items()
        ]
        text = " ".join(words) or f"-m {module}"
        if module == "addrtype":
            return self._addrtype(given, text)
        if module in ("mark", "connmark"):
            return build_mark(self, module, given, text)
        if module == "set":
            return build_set(self, given, text)
        if module == "hashlimit":
            return build_hashlimit(self, given, text)
        if module in HEADER_BUILDERS:
            return HEADER_BUILDERS[module](self, given, text)
        if module == "limit":
            for option in given:
                if given[option][0]:
                    raise self.fail(f"! {option}", "limit options cannot be negated")
            rate = self._rate(given["--limit"][1][0]) if "--limit" in given else 3 / 3600
            burst = self._count("--limit-burst", given.get("--limit-burst", (0, ["5"]))[1][0])
            return LimitMatch(text=text, negate=False, rate=rate, burst=burst)
        return self._recent(given, text)

    def _check_target_options(self, target: str, words: list[str]) -> None:
        """Refuse target options iptables refuses, for targets read as a whole (MARK ...)."""
        if target in MARK_TARGETS:
            check_mark_target(self, target, tuple(words))

    def _rate(self, value: str) -> float:
        """``N/second``, ``N/minute``, ``N/hour``, ``N/day`` (or their prefixes), per second."""
        number, _, unit = value.partition("/")
        units = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
        per = next((units[u] for u in units if unit and u.startswith(unit)), None) if unit else 1
        if not (number.isascii() and number.isdigit()) or per is None or int(number) == 0:
            raise self.fail(
                f"--limit {value}", "expected a rate such as 3/min, 25/sec, 10/hour or 1/day"
            )
        return int(number) / per

    def _count(self, option: str, value: str, high: int = 10000) -> int:
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= high:
            raise self.fail(f"{option} {value}", f"expected a whole number 1-{high}")
        return int(value)

    def _addrtype(self, given, text: str) -> tuple[Match, ...]:
        """One match per address checked: both when --src-type and --dst-type are given."""
        options = [o for o in ("--src-type", "--dst-type") if o in given]
        if not options:
            raise self.fail(text, "give --src-type TYPE or --dst-type TYPE (or both)")
        kinds = {}
        for option in options:
            value = given[option][1][0]
            names = [part.strip().upper() for part in value.split(",")]
            bad = [n for n in names if n not in ADDRESS_TYPES]
            if bad:
                raise self.fail(
                    f"{option} {value}",
                    f"address type {quote(bad[0])} is not simulated; expected "
                    f"{', '.join(ADDRESS_TYPES)}",
                )
            if self.family.version == 6 and "BROADCAST" in names:
                raise self.fail(
                    f"{option} {value}", "IPv6 has no broadcast addresses (ip6tables refuses it)"
                )
            kinds[option] = frozenset(names)
        iface = None
        for flag, side in (("--limit-iface-in", "in"), ("--limit-iface-out", "out")):
            if flag in given:
                if iface is not None:
                    raise self.fail(flag, "use one of --limit-iface-in and --limit-iface-out")
                iface = side
        if iface == "in" and self.chain in ("OUTPUT", "POSTROUTING"):
            raise self.fail("--limit-iface-in", f"{self.chain} packets have no input interface")
        if iface == "out" and self.chain in ("PREROUTING", "INPUT"):
            raise self.fail("--limit-iface-out", f"{self.chain} packets have no output interface")
        return tuple(
            AddrTypeMatch(
                text=text
                if len(options) == 1
                else f"{'! ' if given[o][0] else ''}{o} {given[o][1][0]}",
                negate=given[o][0],
                which="src" if o == "--src-type" else "dst",
                types=kinds[o],
                iface=iface,
                version=self.family.version,
            )
            for o in options
        )

    def _recent(self, given, text: str) -> Match:
        commands = [c for c in ("--set", "--rcheck", "--update", "--remove") if c in given]
        if len(commands) != 1:
            raise self.fail(
                text, "give one of --set, --rcheck, --update and --remove per -m recent"
            )
        for option in given:
            if given[option][0] and option not in commands:
                raise self.fail(f"! {option}", "only the command of -m recent can be negated")
        if "--rsource" in given and "--rdest" in given:
            raise self.fail("--rdest", "use one of --rsource and --rdest")
        seconds = hitcount = 0
        if "--seconds" in given:
            seconds = self._count("--seconds", given["--seconds"][1][0], high=2**31 - 1)
        if "--hitcount" in given:
            hitcount = self._count("--hitcount", given["--hitcount"][1][0], high=RecentMatch.STAMPS)
        if (seconds or hitcount) and commands[0] not in ("--rcheck", "--update"):
            raise self.fail(text, "--seconds and --hitcount go with --rcheck or --update")
        if "--reap" in given and not seconds:
            raise self.fail("--reap", "needs --seconds")
        mask = self.family.top
        if "--mask" in given:
            value = given["--mask"][1][0]
            try:
                mask = self.family.address(value)
            except NetcourseError:
                example = "ffff:ffff:ffff:ffff::" if self.family.version == 6 else "255.255.255.0"
                raise self.fail(f"--mask {value}", f"expected a mask such as {example}") from None
        name = given.get("--name", (False, ["DEFAULT"]))[1][0]
        if not name or len(name) > 200 or "/" in name:
            raise self.fail(f"--name {name}", "a list name is 1-200 characters, no /")
        return RecentMatch(
            text=text,
            negate=given[commands[0]][0],
            command=commands[0][2:],
            name=name,
            which="dst" if "--rdest" in given else "src",
            mask_bits=mask,
            seconds=seconds,
            hitcount=hitcount,
        )
