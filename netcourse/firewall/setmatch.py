"""The set match: ``-m set [!] --match-set NAME src|dst[,...] [--return-nomatch]``.

The set itself comes from ``ipset save`` text (:mod:`netcourse.firewall.ipsets`), bound to
the match when the firewall is built. Taught in notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall.parser import parse_rule
>>> parse_rule("-A INPUT -m set ! --match-set bad src -j DROP").matches[0].flags
('src',)
"""

from __future__ import annotations

from dataclasses import dataclass

from netcourse.errors import RuleError, quote
from netcourse.firewall.matches import Match

__all__ = ["SetMatch", "build_set"]


@dataclass(frozen=True, kw_only=True)
class SetMatch(Match):
    """``-m set [!] --match-set NAME src|dst[,...] [--return-nomatch]``: the packet is in the
    set, its parts read in the directions given. ``ipset`` is bound when the firewall is
    built from the rules and the ``ipset save`` text.

    The linter does not enumerate set entries: the match is not :attr:`exact`.
    """

    name: str
    flags: tuple[str, ...]
    return_nomatch: bool = False
    ipset: object = None  # the IpSet, once bound

    @property
    def exact(self) -> bool:
        return False

    def _set(self):
        if self.ipset is None:
            raise RuleError(
                f"{self.text}: no set {quote(self.name)}: pass ipsets=`ipset save` text"
            )
        return self.ipset

    def _holds(self, pkt, state):
        return self._set().test(pkt, self.flags, self.return_nomatch)

    def _mask(self, batch):
        return self._set().mask(batch, self.flags, self.return_nomatch)

    def space(self, names=()):
        return "proto", ((0, 255),)

    def _space(self, names):  # pragma: no cover - space() is whole
        return "proto", ((0, 255),)

    def _why(self, pkt, state, ok):
        held = self._holds(pkt, state)
        parts = " and ".join(
            f"{'source' if f == 'src' else 'destination'}" + (" address" if i == 0 else " port")
            for i, f in enumerate(self.flags[: self._set().dimensions])
        )
        return f"its {parts} {'is' if held else 'is not'} in the set {self.name!r}"

    def explain(self):
        where = ",".join(self.flags)
        not_ = "NOT " if self.negate else ""
        return f"{not_}in the IP set {self.name!r} (read as {where}; see `ipset list {self.name}`)"


def build_set(reader, given: dict[str, tuple[bool, list[str]]], text: str) -> Match:
    """The match of ``-m set`` options (the set itself is bound later, by
    :func:`netcourse.firewall.ipsets.bind_sets`)."""
    option = "--match-set" if "--match-set" in given else "--set" if "--set" in given else None
    if option is None:
        raise reader.fail(text, "-m set needs --match-set NAME src|dst[,src|dst...]")
    negate, (name, flags_text) = given[option]
    flags = tuple(flags_text.split(","))
    if not all(f in ("src", "dst") for f in flags) or not 1 <= len(flags) <= 6:
        raise reader.fail(
            f"{option} {name} {flags_text}", "expected directions such as src, dst or src,dst"
        )
    for other in given:
        if other not in (option, "--return-nomatch") and given[other][0]:
            raise reader.fail(f"! {other}", "only --match-set can be negated")
        if other not in (option, "--return-nomatch"):
            raise reader.fail(other, "this option of -m set is not simulated")
    return SetMatch(
        text=text,
        negate=negate,
        name=name,
        flags=flags,
        return_nomatch="--return-nomatch" in given,
    )
