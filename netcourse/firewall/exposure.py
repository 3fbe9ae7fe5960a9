"""What a machine's firewall leaves open to new connections from outside.

Built on :func:`netcourse.firewall.find.find`'s walk of header-space regions: every packet
that arrives on an outside interface (any but ``lo`` unless told) in conntrack state NEW and
enters INPUT is followed through the chains at once, and the parts that end accepted are
gathered per protocol: the destination ports (or ICMP types) that are open, from which
sources, and which rules open them. Rules whose match depends on more than the headers
(a rate limit, a recent list) are named where an opening depends on them. Non-first
fragments are left out: a machine that tracks connections reassembles a datagram before its
rules see it, so they never meet one (a packet's ports are in its first fragment).

Taught in notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall import Firewall
>>> fw = Firewall.from_iptables('''
... -P INPUT DROP
... -A INPUT -i lo -j ACCEPT
... -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
... -A INPUT -p tcp --dport 22 -j ACCEPT
... -A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT
... -A INPUT -s 198.51.100.0/24 -p udp --dport 5432 -j ACCEPT
... -A INPUT -p icmp --icmp-type echo-request -j ACCEPT
... ''')
>>> exposure(fw)
tcp 22, 80, 443 from anywhere (rules 3, 4 of INPUT)
udp 5432 from 198.51.100.0/24 (rule 5 of INPUT)
icmp echo-request (8) from anywhere (rule 6 of INPUT)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from netcourse.errors import RuleError, quote
from netcourse.firewall.family import FAMILIES
from netcourse.firewall.find import MAX_PIECES, _rules, _Space, _Walk
from netcourse.firewall.lint import _UNIVERSE
from netcourse.firewall.matches import IfaceMatch, Intervals, dimensions, intersect
from netcourse.firewall.packet import icmp_label, iptables_protocol_name
from netcourse.html import table
from netcourse.protocols import protocol_table

__all__ = ["exposure", "Exposure", "Opening"]

_TCP, _UDP, _ICMP = protocol_table(["tcp", "udp", "icmp"]).values()
#: "Anywhere" as CIDR text, by IP version.
_ANYWHERE = {4: "0.0.0.0/0", 6: "::/0"}
#: The most sources an opening lists before it says how many more.
MAX_SOURCES = 6


@dataclass(frozen=True, kw_only=True)
class Opening:
    """One way in: a protocol, its open ports (tcp, udp) or ICMP types, and the sources.

    ``ports`` are (first, last) destination port ranges (empty for protocols without
    ports); ``icmp`` (type, first code, last code) ranges for icmp; ``protocols`` the
    protocol numbers for "other protocols"; ``sources`` the source networks as CIDR text
    (``0.0.0.0/0`` for anywhere, ``::/0`` in IPv6); ``rules`` the (chain, number) of the
    rules that accept; ``depends_on`` rules whose match depends on more than the headers
    (rate limits ...); ``version`` the IP version (6: an ip6tables ruleset, ICMPv6).
    """

    proto: str
    ports: tuple[tuple[int, int], ...] = ()
    icmp: tuple[tuple[int, int, int], ...] = ()
    protocols: tuple[tuple[int, int], ...] = ()
    sources: tuple[str, ...] = ()
    rules: tuple[tuple[str, int | None], ...] = ()
    depends_on: tuple[tuple[str, int], ...] = ()
    #: The sources as (first, last) address ranges.
    source_spans: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    version: int = field(default=4, repr=False)

    @property
    def excluded(self) -> tuple[str, ...]:
        """The source networks that are not let in, as CIDR text."""
        start, gaps = 0, []
        for lo, hi in self.source_spans:
            if lo > start:
                gaps.append((start, lo - 1))
            start = hi + 1
        top = FAMILIES[self.version].top
        if start <= top:
            gaps.append((start, top))
        return _cidrs(tuple(gaps), self.version) if gaps else ()

    @property
    def what(self) -> str:
        """The ports, ICMP types or protocols, in words."""
        if self.ports:
            if self.ports == ((0, 65535),):
                return f"{self.proto} every port"
            return f"{self.proto} " + ", ".join(_span(lo, hi) for lo, hi in self.ports)
        if self.icmp:
            if self.icmp == tuple((kind, 0, 255) for kind in range(255)):
                return f"{self.proto} every type"
            shown = (_icmp_text(*kind, version=self.version) for kind in self.icmp)
            return f"{self.proto} " + ", ".join(shown)
        if self.protocols:
            named = ", ".join(
                iptables_protocol_name(lo, self.version) if lo == hi else f"{lo}-{hi}"
                for lo, hi in self.protocols
            )
            return f"other protocols ({named})"
        return self.proto

    @property
    def source_text(self) -> str:
        """The sources, in words."""
        if self.sources == (_ANYWHERE[self.version],):
            return "anywhere"
        if self.excluded and len(self.excluded) < len(self.sources):
            shown = ", ".join(self.excluded[:MAX_SOURCES])
            more = len(self.excluded) - MAX_SOURCES
            return f"anywhere but {shown}" + (f" and {more} more networks" if more > 0 else "")
        shown = ", ".join(self.sources[:MAX_SOURCES])
        more = len(self.sources) - MAX_SOURCES
        return shown + (f" and {more} more networks" if more > 0 else "")

    @property
    def rule_text(self) -> str:
        """The accepting rules (and policies), in words."""
        by_chain: dict[str, list[int | None]] = {}
        for chain, number in self.rules:
            by_chain.setdefault(chain, []).append(number)
        parts = []
        for chain, numbers in by_chain.items():
            listed = [n for n in numbers if n is not None]
            if listed:
                word = "rules" if len(listed) > 1 else "rule"
                parts.append(f"{word} {', '.join(map(str, listed))} of {chain}")
            if None in numbers:
                parts.append(f"the policy of {chain}")
        return " and ".join(parts)

    def __repr__(self) -> str:
        text = f"{self.what} from {self.source_text} ({self.rule_text})"
        if self.depends_on:
            depends = ", ".join(f"rule {n} of {c}" for c, n in self.depends_on)
            text += f", depending on {depends}"
        return text


@dataclass(frozen=True)
class Exposure:
    """The openings :func:`exposure` found, protocol by protocol."""

    openings: tuple[Opening, ...]
    interfaces: tuple[str, ...] = ()
    complete: bool = True

    def __iter__(self):
        return iter(self.openings)

    def __len__(self) -> int:
        return len(self.openings)

    def ports(self, proto: str = "tcp") -> tuple[tuple[int, int], ...]:
        """The open destination port ranges of ``proto`` from some source.

        >>> from netcourse.firewall import Firewall
        >>> exposure(Firewall.from_iptables(["-P INPUT DROP",
        ...     "-A INPUT -p tcp --dport 22 -j ACCEPT"])).ports("tcp")
        ((22, 22),)
        """
        spans = [span for o in self.openings if o.proto == proto for span in o.ports]
        return _merge(spans)

    def __repr__(self) -> str:
        lines = [repr(o) for o in self.openings] or ["nothing is open to new connections"]
        if not self.complete:
            lines.append("(the search stopped early: there may be more)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            [
                o.what,
                o.source_text,
                o.rule_text,
                ", ".join(f"rule {n} of {c}" for c, n in o.depends_on) or "-",
            ]
            for o in self.openings
        ]
        if not rows:
            rows = [["nothing is open", "-", "-", "-"]]
        return str(table(rows, header=["open", "from", "accepted by", "depends on"]))


def exposure(
    fw,
    *,
    interfaces: Mapping[str, str | tuple[str, ...]] | Iterable[str] | None = None,
    chain: str = "INPUT",
    max_pieces: int = MAX_PIECES,
) -> Exposure:
    """What ``fw`` accepts of new connections arriving from outside, per protocol and port.

    ``interfaces`` are the outside interfaces: a mapping of names to addresses, as
    :meth:`Firewall.from_iptables` takes (then only packets to those addresses count, and
    ``-m addrtype`` reads them), or names; by default every interface but ``lo``.

    >>> from netcourse.firewall import Firewall
    >>> fw = Firewall.from_iptables(["-P INPUT DROP", "-A INPUT -i eth1 -j ACCEPT"])
    >>> exposure(fw, interfaces=["eth0"])
    nothing is open to new connections
    >>> exposure(fw, interfaces={"eth1": "198.18.0.2/24"}).openings[0].what
    'tcp every port'
    """
    version = fw.ruleset.family
    names, local = _outside(interfaces, version)
    if isinstance(interfaces, Mapping):
        fw = type(fw)(fw.ruleset, tcp_loose=fw.tcp_loose, interfaces=interfaces)
    start = fw.chains.get(chain)
    if start is None or not start.builtin:
        raise RuleError(f"chain {quote(chain)}: packets enter at INPUT, FORWARD or OUTPUT")
    token = _UNIVERSE.set(dimensions(version))  # lint's boxes, in this IP version
    try:
        walk = _walk(fw, start, names, local, max_pieces)
    finally:
        _UNIVERSE.reset(token)
    accepted = [
        (box, _rules(assumed), (chain_name, number))
        for chain_name, number, target, (box, assumed) in walk.decided
        if target == "ACCEPT"
    ]
    return Exposure(_openings(accepted, version), tuple(names), walk.complete)


def _walk(fw, start, names: list[str], local: Intervals | None, max_pieces: int) -> _Walk:
    """The walk of every NEW packet arriving on the outside interfaces, collecting."""
    space = _Space(fw, {"state": "NEW"}, extra_names=names)
    for box in space.region:
        if names:
            fits = [IfaceMatch(text="", negate=False, which="in", name=n) for n in names]
            keep = [i for i, n in enumerate(space.names) if any(f.matches_name(n) for f in fits)]
        else:
            keep = [i for i, n in enumerate(space.names) if n != "lo"]
        box["in"] = intersect(box["in"], tuple((i, i) for i in keep))
        box["frag"] = ((0, 0),)  # conntrack reassembles: rules see whole datagrams
        if local is not None:
            box["dst"] = intersect(box["dst"], local)
    space.region = [box for box in space.region if all(box.values())]
    walk = _Walk(fw, space, "ACCEPT", start.name, max_pieces=max_pieces, collect=True)
    walk.run(start, space.region)
    return walk


def _outside(interfaces, version: int = 4) -> tuple[list[str], Intervals | None]:
    """The outside interfaces' names (empty: any but lo) and their addresses (None: any)."""
    if interfaces is None:
        return [], None
    if isinstance(interfaces, str) or not isinstance(interfaces, Iterable):
        raise TypeError(f"interfaces: expected a mapping or names, got {quote(interfaces)}")
    names = [n for n in interfaces]
    for name in names:
        if not isinstance(name, str) or not 0 < len(name) <= 15:
            raise RuleError(f"interface {quote(name)}: expected a name such as 'eth0'")
    if not isinstance(interfaces, Mapping):
        return names, None
    points = []
    for name, value in interfaces.items():
        for text in (value,) if isinstance(value, str) else value:
            try:
                address = ipaddress.ip_interface(text)
            except (TypeError, ValueError):
                raise RuleError(
                    f"interface {name}: {quote(text)}: expected an address such as '198.18.0.2/24'"
                ) from None
            if address.version == version and name != "lo":
                points.append((int(address.ip), int(address.ip)))
    return [n for n in names if n != "lo"], _merge(points)


def _merge(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def _openings(accepted, version: int = 4) -> tuple[Opening, ...]:
    """Accepted pieces gathered per protocol: key ranges with the same sources merged."""
    openings: list[Opening] = []
    icmp = FAMILIES[version].icmp_proto
    kinds = (
        ("tcp", _TCP, "dport"),
        ("udp", _UDP, "dport"),
        (iptables_protocol_name(icmp, version), icmp, "icmp"),
    )
    for proto, number, dim in kinds:
        items = [
            (box[dim], box["src"], rule, assumed)
            for box, assumed, rule in accepted
            if any(lo <= number <= hi for lo, hi in box["proto"])
        ]
        openings += _gather(proto, dim, items, version)
    others = []
    for box, assumed, rule in accepted:
        rest = intersect(box["proto"], _others(icmp))
        if rest:
            others.append((rest, box["src"], rule, assumed))
    openings += _gather("other", "proto", others, version)
    return tuple(openings)


def _others(icmp: int) -> Intervals:
    """The protocols other than tcp, udp and the IP version's ICMP, as ranges."""
    out, start = [], 1
    for number in sorted((icmp, _TCP, _UDP)):
        if start <= number - 1:
            out.append((start, number - 1))
        start = number + 1
    return (*out, (start, 255))


def _gather(proto: str, dim: str, items, version: int = 4) -> list[Opening]:
    """Openings of one protocol: the key field cut where any item's ranges start or end,
    each segment with the union of its items' sources, neighbours with the same merged."""
    if not items:
        return []
    events: dict[int, list[tuple[int, int]]] = {}  # where items' ranges start and end
    for i, (keys, *_rest) in enumerate(items):
        for lo, hi in keys:
            events.setdefault(lo, []).append((i, 1))
            events.setdefault(hi + 1, []).append((i, -1))
    points = sorted(events)
    segments = []  # (lo, hi, sources, rules, depends), swept from cut to cut
    active: dict[int, int] = {}
    last: frozenset | None = None
    for lo, nxt in zip(points, points[1:]):
        for i, change in events[lo]:
            active[i] = active.get(i, 0) + change
            if not active[i]:
                del active[i]
        if not active:
            continue
        now = frozenset(active)
        if now != last:
            last = now
            distinct = {id(items[i][1]): items[i][1] for i in now}
            if len(distinct) == 1:
                sources = next(iter(distinct.values()))
            else:
                sources = _merge(span for src in distinct.values() for span in src)
            rules = {items[i][2]: None for i in sorted(now)}
            depends = {rule for i in now for rule in items[i][3]}
        segments.append([lo, nxt - 1, sources, dict(rules), set(depends)])
    merged: list[list] = []
    for segment in segments:
        if merged and merged[-1][2] == segment[2] and merged[-1][1] + 1 == segment[0]:
            merged[-1][1] = segment[1]
            merged[-1][3] |= segment[3]
            merged[-1][4] |= segment[4]
        else:
            merged.append(segment)
    by_sources: dict[tuple, list] = {}  # ranges with the same sources form one opening
    for lo, hi, sources, rules, depends in merged:
        entry = by_sources.setdefault(sources, [[], {}, set()])
        entry[0].append((lo, hi))
        entry[1].update(rules)
        entry[2] |= depends
    out = []
    for sources, (spans, rules, depends) in by_sources.items():
        fields: dict = {}
        if dim == "dport":
            fields["ports"] = tuple(spans)
        elif dim == "icmp":
            fields["icmp"] = tuple(_icmp_spans(spans))
        else:
            fields["protocols"] = tuple(spans)
        out.append(
            Opening(
                proto=proto,
                sources=_cidrs(sources, version),
                source_spans=sources,
                version=version,
                rules=tuple(sorted(rules, key=lambda r: (r[0], r[1] or 0))),
                depends_on=tuple(sorted(depends)),
                **fields,
            )
        )
    return out


def _icmp_spans(spans):
    """ICMP (type * 256 + code) ranges as (type, first code, last code) per type."""
    for lo, hi in spans:
        for kind in range(lo // 256, hi // 256 + 1):
            first = max(lo, kind * 256) - kind * 256
            last = min(hi, kind * 256 + 255) - kind * 256
            yield kind, first, last


def _icmp_text(kind: int, first: int, last: int, *, version: int = 4) -> str:
    if (first, last) == (0, 255):
        name = icmp_label(kind, None, version)
        return f"{name} ({kind})" if name else f"type {kind}"
    codes = str(first) if first == last else f"{first}-{last}"
    return f"type {kind} code {codes}"


def _span(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _cidrs(sources: tuple[tuple[int, int], ...], version: int = 4) -> tuple[str, ...]:
    """Address ranges as the fewest CIDR blocks that tile them.

    >>> _cidrs(((0, 2**128 - 1),), 6), _cidrs(((4, 7),))
    (('::/0',), ('0.0.0.4/30',))
    """
    family = FAMILIES[version]
    if sources == ((0, family.top),):
        return (_ANYWHERE[version],)
    bits = family.top.bit_length()
    address = ipaddress.IPv6Address if version == 6 else ipaddress.IPv4Address
    out = []
    for lo, hi in sources:
        while lo <= hi:
            size = (lo & -lo) if lo else 1 << bits  # the largest block aligned at lo ...
            while size > hi - lo + 1:  # ... that still fits
                size >>= 1
            out.append(f"{address(lo)}/{bits + 1 - size.bit_length()}")
            lo += size
    return tuple(out)
