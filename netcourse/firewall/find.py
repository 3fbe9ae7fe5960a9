"""Search a ruleset as Batfish's searchFilters does: a packet that gets a verdict, or a proof.

The packets a question is about (entering ``chain``, narrowed by constraints such as
``dport=22``) form a region of the header space: protocol, addresses, ports, TCP flags, ICMP
type and code, conntrack state, in and out interface. The region is walked through the
chains as the kernel walks one packet, but split exactly by each rule (the interval sets of
:mod:`netcourse.firewall.lint`): the part a rule matches takes its target, the rest goes on.
Any part that ends with the action asked for gives an example packet, which
:meth:`Firewall.evaluate` then confirms; when no part does, the answer is a proof, naming
the rules (and the policy) that decide every packet of the region.

A rule whose match depends on more than the headers (a rate limit, a recent list, a NAT
flag of conntrack, a match the search knows no header space for) is followed both ways,
matched and not, and an answer that hinges on it says so in ``depends_on``.

Taught in notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall import Firewall
>>> fw = Firewall.from_iptables('''
... -P INPUT DROP
... -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
... -A INPUT -p tcp --dport 22 -s 198.51.100.0/24 -j ACCEPT
... ''')
>>> fw.find(action="ACCEPT", dport=22, state="NEW")
Found(ACCEPT: tcp 198.51.100.1:40000 -> 192.0.2.2:22 [S] in state NEW, by rule 2 of INPUT)
>>> fw.find(action="ACCEPT", dport=22, state="NEW", src="203.0.113.0/24")
NotFound(ACCEPT: no packet from 203.0.113.0/24 to port 22 in state NEW entering INPUT gets \
ACCEPT: the policy of INPUT (DROP) decides every one)
"""

from __future__ import annotations

import dataclasses
import ipaddress
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from netcourse.errors import AddressError, RuleError, quote
from netcourse.firewall.family import FAMILIES, NO_ROUTING_HEADER
from netcourse.firewall.lint import (
    _UNIVERSE,
    _box_and,
    _exact,
    _iface_names,
    _Index,
    _meets,
    _minus,
    _rule_boxes,
)
from netcourse.firewall.marks import MARK_TARGETS, MarkMatch, mark_operation
from netcourse.firewall.matches import (
    DIMENSIONS,
    STATES,
    IfaceMatch,
    Intervals,
    dimensions,
    intersect,
)
from netcourse.firewall.packet import (
    Packet,
    flag_bits,
    flag_letters,
    icmp_type_code,
    iptables_protocol_name,
    protocol_number,
)
from netcourse.firewall.parser import Chain, Rule
from netcourse.html import table
from netcourse.protocols import protocol_table
from netcourse.readers import read_interface, read_port_range

__all__ = ["find", "Search", "SEARCH_STATES", "CONSTRAINTS", "MAX_PIECES"]

#: The conntrack states a search covers: those of packets of the filter table's header space.
SEARCH_STATES: tuple[str, ...] = tuple(s for s, code in STATES.items() if code <= 3)
#: The constraints :func:`find` takes, with what each narrows.
CONSTRAINTS: dict[str, str] = {
    "proto": "the IP protocol: a name such as 'tcp' or a number",
    "src": "the source: an address or a network such as '198.51.100.0/24' (IPv6: 'fd00::/64')",
    "dst": "the destination: an address or a network",
    "sport": "the source port: a number or a range such as '1024:65535' (tcp, udp ...)",
    "dport": "the destination port: a number or a range",
    "flags": "the TCP flags, as letters such as 'S' or 'SA' (tcp)",
    "icmp_type": "the ICMP type: a name such as 'echo-request', a number or 'type/code'",
    "icmp_code": "the ICMP code: a number",
    "state": "the conntrack state, or several: INVALID, NEW, ESTABLISHED, RELATED",
    "in_iface": "the interface it arrives on (a name such as 'eth0', or 'eth+' for any eth)",
    "out_iface": "the interface it leaves by",
}
#: The most region pieces a search walks before it stops and claims nothing.
MAX_PIECES = 200_000

#: Protocols whose packets carry ports in the model (Packet gives them sport and dport).
_PORT_PROTOCOLS = tuple(sorted(protocol_table(["tcp", "udp", "sctp", "udplite"]).values()))
_TCP, _ICMP = protocol_table(["tcp", "icmp"]).values()
#: The ICMP protocol by IP version (ICMPv6 in IPv6).
_ICMPS = {version: family.icmp_proto for version, family in FAMILIES.items()}
#: Interface names an example packet prefers, in order, and the stems tried after them.
_NAMES = ("eth0", "eth1", "lo", "wlan0", "ens3", "br0", "wan", "lan", "if0", "x0")
#: Values an example prefers per field, when the region holds them (documentation addresses,
#: a SYN, an echo request, a high source port, common services).
_PREFERRED: dict[str, tuple[int, ...]] = {
    "proto": tuple(protocol_table(["tcp", "udp", "icmp"]).values()),
    "src": tuple(
        int(ipaddress.IPv4Address(a)) for a in ("192.0.2.1", "198.51.100.1", "203.0.113.1")
    ),
    "dst": tuple(
        int(ipaddress.IPv4Address(a)) for a in ("192.0.2.2", "198.51.100.2", "203.0.113.2")
    ),
    "sport": (40000, 50000),
    "dport": (80, 443, 22, 53),
    "flags": (0x02, 0x10, 0x18, 0x12),
    "icmp": (8 * 256, 0),
    "state": (STATES["NEW"], STATES["ESTABLISHED"], STATES["RELATED"], STATES["INVALID"]),
    "frag": (0,),  # a whole packet, or its first fragment, unless only others will do
    "ttl": (64,),  # IPv6's hop limit (ip6tables' hl)
    "rt": (NO_ROUTING_HEADER,),  # no routing header (ip6tables' rt)
}
#: What an IPv6 example prefers where the IPv4 one prefers the values above.
_PREFERRED6: dict[str, tuple[int, ...]] = {
    "proto": (*protocol_table(["tcp", "udp"]).values(), FAMILIES[6].icmp_proto),
    "src": tuple(int(ipaddress.IPv6Address(a)) for a in ("2001:db8::1", "fd00::1")),
    "dst": tuple(int(ipaddress.IPv6Address(a)) for a in ("2001:db8::2", "fd00::2")),
    "icmp": (128 * 256, 129 * 256),
}
_STATE_NAMES = {code: name for name, code in STATES.items()}

#: A box of the region, and the inexact rules it assumed: (chain, number, whether it matched).
Piece = tuple[dict, frozenset]


@dataclass(frozen=True, kw_only=True)
class Search:
    """The answer of :func:`find`: an example packet that gets ``action``, or why none does.

    ``found`` says whether ``packet`` (in conntrack ``state``) gets the action, as
    :meth:`Firewall.evaluate` decides it alone; ``verdict`` is that evaluation, with the
    deciding rule and the trace. ``deciders`` are the rules (chain, number, target; number
    None for a policy) that decide some packet of the region with another verdict.
    ``depends_on`` names the rules, as (chain, number), whose match depends on more than
    the headers (a rate limit, a recent list ...) and on which the answer hinges; with none,
    and ``complete``, a "not found" is a proof. ``complete`` is False when the search
    stopped after :data:`MAX_PIECES` pieces (then nothing is claimed).
    """

    action: str
    chain: str
    found: bool
    packet: Packet | None = None
    state: str | None = None
    verdict: object = None
    deciders: tuple[tuple[str, int | None, str], ...] = ()
    depends_on: tuple[tuple[str, int], ...] = ()
    complete: bool = True
    reason: str = ""

    def __bool__(self) -> bool:
        return self.found

    @property
    def proof(self) -> bool:
        """Whether the answer holds for every packet, whatever came before it."""
        return self.complete and not self.depends_on

    @property
    def rule_number(self) -> int | None:
        """The deciding rule's number in :attr:`decided_in` (None: a policy, or not found)."""
        return None if self.verdict is None else self.verdict.rule_number

    @property
    def decided_in(self) -> str | None:
        """The chain whose rule (or policy) decided the example packet."""
        return None if self.verdict is None else self.verdict.chain

    def __repr__(self) -> str:
        return f"{'Found' if self.found else 'NotFound'}({self.action}: {self.reason})"

    def _repr_html_(self) -> str:
        rows = [["answer", "found" if self.found else "none"], ["why", self.reason]]
        if self.packet is not None:
            rows.append(["packet", f"{self.packet.describe()} (state {self.state})"])
        if self.depends_on:
            rows.append(["depends on", _rules_text(self.depends_on)])
        return str(table(rows, header=[f"{self.action} entering {self.chain}", ""]))


def find(
    fw,
    action: str = "ACCEPT",
    *,
    chain: str = "INPUT",
    max_pieces: int = MAX_PIECES,
    **constraints,
) -> Search:
    """A packet entering ``chain`` that gets ``action``, or a proof that none does.

    ``fw`` is a :class:`Firewall`; ``constraints`` narrow the packets searched (see
    :data:`CONSTRAINTS`): ``proto``, ``src``, ``dst``, ``sport``, ``dport``, ``flags``,
    ``icmp_type``, ``icmp_code``, ``state``, ``in_iface``, ``out_iface``.

    >>> from netcourse.firewall import Firewall
    >>> fw = Firewall.from_iptables(["-A INPUT -i lo -j ACCEPT", "-A INPUT -j DROP"])
    >>> hit = find(fw, "ACCEPT", proto="udp")
    >>> hit.packet.in_iface, hit.rule_number
    ('lo', 1)
    >>> find(fw, "ACCEPT", in_iface="eth0").deciders
    (('INPUT', 2, 'DROP'),)
    """
    if action not in ("ACCEPT", "DROP", "REJECT"):
        raise RuleError(f"action {quote(action)}: expected ACCEPT, DROP or REJECT")
    start = fw.chains.get(chain) if isinstance(chain, str) else None
    if start is None or not start.builtin:
        builtin = ", ".join(c.name for c in fw.chains.values() if c.builtin)
        raise RuleError(f"chain {quote(chain)}: packets enter at a built-in chain: {builtin}")
    token = _UNIVERSE.set(dimensions(fw.ruleset.family))  # lint's boxes, in this IP version
    try:
        space = _Space(fw, constraints)
        walk = _Walk(fw, space, action, start.name, max_pieces=max_pieces, collect=False)
        walk.run(start, space.region)
        return walk.answer(start)
    finally:
        _UNIVERSE.reset(token)


#: The fields of Packet outside the header space, which variants() change (see _satisfying).
_BEYOND_HEADERS = ("mark", "ctmark", "length", "ttl", "pkttype", "uid", "gid")


def _changed(before: Packet, after: Packet) -> str:
    """The fields outside the headers that differ, in words: ``pkttype broadcast, mark 0x1``."""
    words = []
    for field in _BEYOND_HEADERS:
        value = getattr(after, field)
        if value != getattr(before, field):
            shown = f"{value:#x}" if field in ("mark", "ctmark") else value
            words.append(f"{field} {'none' if value is None else shown}")
    return ", ".join(words)


def _rules(assumed: frozenset) -> frozenset:
    """The (chain, number) of each rule an assumption is about."""
    return frozenset((chain, number) for chain, number, _matched in assumed)


def _rules_text(rules: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"rule {number} of {chain}" for chain, number in rules)


# --- the region a question is about ----------------------------------------------------------


class _Space:
    """The header space of a question: interface names numbered, the region the constraints
    leave, and how a point of it becomes a Packet."""

    def __init__(self, fw, constraints: dict, *, extra_names: Iterable[str] = ()) -> None:
        unknown = sorted(set(constraints) - set(CONSTRAINTS))
        if unknown:
            raise TypeError(
                f"find() got unknown constraint {unknown[0]!r}; expected {', '.join(CONSTRAINTS)}"
            )
        patterns = [
            v for k, v in constraints.items() if k in ("in_iface", "out_iface") and v is not None
        ]
        for value in patterns:
            _check_iface(value)
        names = set(_iface_names(fw.ruleset)) | {"lo", *extra_names}
        names |= {_class_name(p) for p in patterns}
        self.names = tuple(sorted(names))
        self.real = {i: _realise(n, self.names) for i, n in enumerate(self.names)}
        self.version = fw.ruleset.family
        self.icmp = _ICMPS[self.version]
        self.preferred = {**_PREFERRED, **(_PREFERRED6 if self.version == 6 else {})}
        box = {dim: ((0, top),) for dim, top in dimensions(self.version).items()}
        box["proto"] = ((1, 255),)  # protocol 0 describes rules, not packets
        box["icmp"] = ((0, 254 * 256 + 255),)  # type 255 means "any" to iptables
        box["state"] = ((0, max(STATES[s] for s in SEARCH_STATES)),)
        for dim in ("in", "out"):
            box[dim] = tuple((i, i) for i, real in self.real.items() if real is not None)
        self.words: dict[str, str] = {}
        for key, value in constraints.items():
            if value is not None:
                self._narrow(box, key, value)
        self.region = [box] if all(box.values()) else []

    def _narrow(self, box: dict, key: str, value) -> None:
        def keep(dim: str, values: Intervals) -> None:
            box[dim] = intersect(box[dim], values)

        version, icmp = self.version, self.icmp
        if key == "proto":
            number = protocol_number(value, version)
            if number:
                keep("proto", ((number, number),))
                self.words[key] = iptables_protocol_name(number, version)
        elif key in ("src", "dst"):
            net = _network(value, key, version)
            keep(key, ((int(net.network_address), int(net.broadcast_address)),))
            whole = net.prefixlen == net.max_prefixlen
            shown = str(net.network_address) if whole else str(net)
            self.words[key] = f"{'from' if key == 'src' else 'to'} {shown}"
        elif key in ("sport", "dport"):
            lo, hi = read_port_range(value, what=key, error=RuleError)
            keep(key, ((lo, hi),))
            keep("proto", tuple((p, p) for p in _PORT_PROTOCOLS))
            ports = str(lo) if lo == hi else f"{lo}-{hi}"
            self.words[key] = f"{'from' if key == 'sport' else 'to'} port {ports}"
        elif key == "flags":
            bits = flag_bits(value)
            keep("flags", ((bits, bits),))
            keep("proto", ((_TCP, _TCP),))
            self.words[key] = f"with flags [{value or 'none'}]"
        elif key == "icmp_type":
            kind, code = icmp_type_code(value, version)
            low, high = (0, 255) if code is None else (code, code)
            keep("icmp", ((kind * 256 + low, kind * 256 + high),))
            keep("proto", ((icmp, icmp),))
            self.words[key] = f"of {'ICMPv6' if version == 6 else 'ICMP'} type {value}"
        elif key == "icmp_code":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
                raise RuleError(f"icmp_code {quote(value)}: expected a number 0-255")
            keep("icmp", tuple((t * 256 + value,) * 2 for t in range(255)))
            keep("proto", ((icmp, icmp),))
            self.words[key] = f"with {'ICMPv6' if version == 6 else 'ICMP'} code {value}"
        elif key == "state":
            states = (value,) if isinstance(value, str) else tuple(value)
            for state in states:
                if state not in SEARCH_STATES:
                    raise RuleError(
                        f"state {quote(state)}: expected one of {', '.join(SEARCH_STATES)}"
                    )
            keep("state", _points(STATES[s] for s in states))
            self.words[key] = f"in state {','.join(states)}"
        else:  # in_iface, out_iface
            pattern = IfaceMatch(text="", negate=False, which="in", name=value)
            dim = "in" if key == "in_iface" else "out"
            keep(dim, _points(i for i, n in enumerate(self.names) if pattern.matches_name(n)))
            self.words[key] = f"{'arriving on' if dim == 'in' else 'leaving by'} {value}"

    def describe(self, chain: str) -> str:
        """The packets of the question, in words: ``tcp packet to port 22 entering INPUT``."""
        words = [self.words[key] for key in CONSTRAINTS if key in self.words]
        head = f"{words.pop(0)} packet" if "proto" in self.words else "packet"
        return " ".join([head, *words, f"entering {chain}"])

    def packet(self, box: dict) -> tuple[Packet, str]:
        """A packet (and its conntrack state) of the box, with the nicest values it holds."""
        preferred = self.preferred
        value = {dim: _pick(box[dim], preferred[dim]) for dim in preferred if dim in box}
        number = value["proto"]
        address = ipaddress.IPv6Address if self.version == 6 else ipaddress.IPv4Address
        fields: dict = dict(
            src=str(address(value["src"])),
            dst=str(address(value["dst"])),
            in_iface=self._iface(box["in"]),
            out_iface=self._iface(box["out"], prefer=("eth1", "eth0")),
        )
        if number in _PORT_PROTOCOLS:
            fields.update(sport=value["sport"], dport=value["dport"])
        if number == _TCP:
            fields["flags"] = flag_letters(value["flags"])
        if number == self.icmp:
            fields.update(icmp_type=value["icmp"] // 256, icmp_code=value["icmp"] % 256)
        if value["frag"]:
            fields["fragment"] = 1  # the second fragment: 8 bytes into the datagram
        if "ttl" in value:  # IPv6: the hop limit and the routing header
            fields["ttl"] = value["ttl"]
            if value["rt"] != NO_ROUTING_HEADER:
                fields["routing_type"] = value["rt"]
        name = iptables_protocol_name(number, self.version)
        return Packet(name, **fields), _STATE_NAMES[value["state"]]

    def _iface(self, values: Intervals, prefer: tuple[str, ...] = ("eth0", "eth1")) -> str:
        held = [i for lo, hi in values for i in range(lo, hi + 1) if self.real.get(i)]
        for name in prefer:
            for i in held:
                if self.real[i] == name:
                    return name
        return self.real[held[0]]


def _points(values: Iterable[int]) -> Intervals:
    out: list[tuple[int, int]] = []
    for v in sorted(set(values)):
        if out and v == out[-1][1] + 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return tuple(out)


def _pick(values: Intervals, preferred: tuple[int, ...]) -> int:
    for value in preferred:
        if any(lo <= value <= hi for lo, hi in values):
            return value
    lo, hi = values[0]
    if lo == 0 and hi > 0 and len(values) == 1 and hi > 1:  # an address 0.0.0.0 reads badly
        return 1
    return lo


def _network(value, key: str, version: int = 4) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        interface = read_interface(value, error=RuleError)
    except (AddressError, RuleError) as exc:
        raise RuleError(f"{key}: {exc}") from None
    if interface.version != version:
        if version == 6:
            raise RuleError(
                f"{key} {quote(value)}: an ip6tables ruleset filters IPv6 (expected an "
                "address or network such as 'fd00::/64'; iptables does IPv4)"
            )
        raise RuleError(f"{key} {quote(value)}: iptables filters IPv4 (ip6tables does IPv6)")
    return interface.network


def _check_iface(value) -> None:
    if not isinstance(value, str) or not value or len(value) > 16 or "\x00" in value:
        raise RuleError(f"interface {quote(value)}: expected a name such as 'eth0' or 'eth+'")


def _class_name(pattern: str) -> str:
    """How lint numbers a pattern's names: ``eth+`` stands for names starting with eth."""
    return pattern[:-1] + "\x00any" if pattern.endswith("+") else pattern


def _class_of(name: str, names: tuple[str, ...]) -> str:
    """The numbered name a real interface name falls in (see lint's ``_iface_names``)."""
    if name in names:
        return name
    stems = [n[: -len("\x00any")] for n in names if n.endswith("\x00any")]
    fitting = [s for s in stems if name.startswith(s)]
    return max(fitting, key=len) + "\x00any" if fitting else "\x00other"


def _realise(numbered: str, names: tuple[str, ...]) -> str | None:
    """A real interface name that falls in the numbered name, or None when none can."""
    if "\x00" not in numbered:
        return numbered
    stem = numbered.split("\x00")[0]
    tries = [*_NAMES, *(f"{stem}{s}" for s in ("", "0", "1", "9", "x", "x9", "z0"))]
    for name in tries:
        if 0 < len(name) <= 15 and _class_of(name, names) == numbered:
            return name
    return None


# --- the walk ----------------------------------------------------------------------------------


class _Stop(Exception):
    """The walk is over: an example was confirmed, or the work grew too large."""


class _Walk:
    """The region walked through the chains: what each rule decides, and the examples."""

    def __init__(
        self, fw, space: _Space, action: str, start: str, *, max_pieces: int, collect: bool
    ):
        self.fw, self.space, self.action, self.start = fw, space, action, start
        self.max_pieces, self.collect = max_pieces, collect
        self.boxes: dict[tuple[str, int], list[dict]] = {}
        self.exact: dict[tuple[str, int], bool] = {}
        self.indexes: dict[str, _Index] = {}
        self.work = 0
        self.complete = True
        self.deciders: dict[tuple[str, int | None, str], None] = {}
        self.maybe: list[Piece] = []  # pieces that get the action only if assumptions hold
        self.example: tuple[Packet, str, object, frozenset] | None = None
        self.decided: list[tuple[str, int | None, str, Piece]] = []  # with collect=True

    def _rule(self, rule: Rule) -> tuple[list[dict], bool]:
        key = (rule.chain, rule.number)
        if key not in self.boxes:
            boxes = _rule_boxes(rule, self.space.names, fragments=True)
            self.boxes[key] = boxes
            self.exact[key] = (
                all(_exact(m) for m in rule.matches)
                and _cylindrical(boxes, self.space.icmp)
                and _known(boxes)
            )
        return self.boxes[key], self.exact[key]

    def run(self, start: Chain, region: list[dict]) -> None:
        """Walk every piece of region from ``start``, as the kernel walks one packet.

        Each piece carries its own stack of (chain, next rule) frames; it goes to the next
        rule that meets it (found through the chain's block index, so rules it misses cost
        nothing), which splits it into the part the rule matches, taking the rule's target,
        and the parts it does not, going on after the rule.
        """
        work: list[tuple[dict, frozenset, tuple]] = [
            (box, frozenset(), ((start.name, 0),)) for box in reversed(region)
        ]
        try:
            while work:
                self._step(start, work)
        except _Stop:
            pass

    def _step(self, start: Chain, work: list) -> None:
        box, assumed, frames = work.pop()
        name, position = frames[-1]
        chain = self.fw.chains[name]
        k = self._next(chain, box, position)
        if k is None:  # off the end of the chain: back to the caller, or the policy
            self._back(start, box, assumed, frames[:-1], work)
            return
        rule = chain.rules[k]
        boxes, exact = self._rule(rule)
        inside = [both for other in boxes if (both := _box_and(box, other))]
        outside = _minus([box], boxes)
        if outside is None:
            self.complete = False
            raise _Stop
        self._count(1 + len(inside) + len(outside))
        after = (*frames[:-1], (name, k + 1))
        work += [(piece, assumed, after) for piece in outside]
        if not exact:  # matched or not: both may happen
            work += [(piece, assumed | {(name, rule.number, False)}, after) for piece in inside]
            assumed = assumed | {(name, rule.number, True)}
        if rule.terminal:
            self._decide(name, rule.number, rule.target, [(p, assumed) for p in inside])
        elif rule.target == "RETURN":
            for piece in inside:
                self._back(start, piece, assumed, frames[:-1], work)
        else:
            if len(frames) > 200:  # deeper than any real ruleset nests; claim nothing
                self.complete = False
                raise _Stop
            into = (*(frames[:-1] if rule.goto else after), (rule.target, 0))
            work += [(piece, assumed, into) for piece in inside]

    def _back(self, start: Chain, box: dict, assumed: frozenset, frames: tuple, work) -> None:
        if frames:
            work.append((box, assumed, frames))
        else:
            self._decide(start.name, None, start.policy, [(box, assumed)])

    def _next(self, chain: Chain, box: dict, position: int) -> int | None:
        """The index of the first rule from ``position`` on that may decide part of box."""
        rules = chain.rules
        for k in range(position, min(position + 16, len(rules))):
            if rules[k].noting:
                continue
            if any(_meets(box, other) for other in self._rule(rules[k])[0]):
                return k
        if position + 16 >= len(rules):
            return None
        numbers = self._index(chain).near([box])
        for number in numbers[bisect_right(numbers, position + 16) :]:
            if any(_meets(box, other) for other in self._rule(rules[number - 1])[0]):
                return number - 1
        return None

    def _index(self, chain: Chain) -> _Index:
        index = self.indexes.get(chain.name)
        if index is None:
            index = self.indexes[chain.name] = _Index()
            for rule in chain.rules:
                if not rule.noting:
                    for box in self._rule(rule)[0]:
                        index.add(rule.number, box)
        return index

    def _count(self, amount: int) -> None:
        self.work += amount
        if self.work > self.max_pieces:
            self.complete = False
            raise _Stop

    def _decide(self, chain: str, number: int | None, target: str, pieces: list[Piece]) -> None:
        if not pieces:
            return
        if self.collect:
            self.decided += [(chain, number, target, piece) for piece in pieces]
            return
        if target != self.action:
            self.deciders[(chain, number, target)] = None
            return
        for box, assumed in pieces:
            if assumed:
                self.maybe.append((box, assumed))
                continue
            packet, state = self.space.packet(box)
            verdict = self.fw.evaluate(packet, chain=self.start, state=state)
            if verdict.action != self.action:  # pragma: no cover - the model disagrees
                raise AssertionError(f"find: {packet!r} in {state} is not {self.action}")
            self.example = (packet, state, verdict, frozenset())
            raise _Stop

    def _satisfying(self, packet: Packet, state: str, assumed: frozenset, budget: list[int]):
        """The packet with fields the box lacks (marks, length, pkttype, owner: each match's
        :meth:`~Match.variants`) changed so that every assumed rule matches, or not, as the
        walk assumed it did; found by a depth-first search that spends ``budget[0]`` tries."""
        steps = sorted(assumed)
        rules = [(self.fw.rule(chain, number), matched) for chain, number, matched in steps]
        # MARK and CONNMARK rules change marks on the way: a rule then sees another mark than
        # the packet arrived with, so the arriving marks that give each wanted one are tried
        # too, and only evaluate() says whether a candidate does what the walk assumed
        operations = self._mark_operations()

        def holds(rule: Rule, pkt: Packet) -> bool:
            return all(m.test(pkt, state, {}) for m in rule.matches)

        def variants(match) -> tuple[dict, ...]:
            found = match.variants()
            if operations and isinstance(match, MarkMatch):
                field = "mark" if match.which == "mark" else "ctmark"
                wanted = found
                found += tuple(
                    {field: ((v[field] ^ op.value) & ~op.mask) & 0xFFFF_FFFF}
                    for v in wanted
                    for op in operations[field]
                )
                if operations.get("copies"):  # save or restore: the other mark, as wanted
                    other = "ctmark" if field == "mark" else "mark"
                    found += tuple({other: v[field], field: v[field]} for v in wanted)
                    found += tuple({other: v[field]} for v in wanted)
            return found

        def search(i: int, pkt: Packet):
            if budget[0] <= 0:
                return None
            budget[0] -= 1
            if i == len(rules):
                if operations:
                    verdict = self.fw.evaluate(pkt, chain=self.start, state=state)
                    return pkt if verdict.action == self.action else None
                return pkt if all(holds(r, pkt) == want for r, want in rules) else None
            rule, want = rules[i]
            changes: list[dict] = [{}]
            for match in rule.matches:
                if match.variants():
                    changes = [{**c, **v} for c in changes for v in ({}, *variants(match))]
            for change in changes[:64]:
                candidate = dataclasses.replace(pkt, **change) if change else pkt
                if (operations or holds(rule, candidate) == want) and (
                    found := search(i + 1, candidate)
                ):
                    return found
            return None

        return search(0, packet)

    def _mark_operations(self) -> dict[str, list]:
        """The MARK (on ``mark``) and CONNMARK ``--set`` (on ``ctmark``) operations of the
        ruleset's rules, by the field they change; empty when no rule changes a mark."""
        found: dict[str, list] = {"mark": [], "ctmark": []}
        for rule in self.fw.ruleset.rules():
            if rule.target in MARK_TARGETS:
                op = mark_operation(rule.target, rule.target_options)
                if op.mode in ("mark", "set"):
                    found["mark" if op.mode == "mark" else "ctmark"].append(op)
                else:  # save or restore: copies between the two, tried as they are
                    found.setdefault("copies", []).append(op)
        return found if any(found.values()) else {}

    def answer(self, start: Chain) -> Search:
        """The Search this walk answers."""
        what = self.space.describe(start.name)
        common = dict(action=self.action, chain=start.name, complete=self.complete)
        changed = ""
        if self.example is None:
            budget = [4000]  # tries over all pieces: a few milliseconds of evaluate()
            for box, assumed in self.maybe[:200]:  # judged alone, some may get it
                if budget[0] <= 0:
                    break
                packet, state = self.space.packet(box)
                candidate = self._satisfying(packet, state, assumed, budget)
                if candidate is None:
                    continue
                verdict = self.fw.evaluate(candidate, chain=start.name, state=state)
                if verdict.action == self.action:
                    self.example = (candidate, state, verdict, _rules(assumed))
                    changed = _changed(packet, candidate)
                    break
        if self.example is not None:
            packet, state, verdict, assumed = self.example
            shown = packet.describe() + (f" ({changed})" if changed else "")
            reason = f"{shown} in state {state}, by {verdict.decided_by}"
            if assumed:
                reason += f"; judged alone (it depends on {_rules_text(sorted(assumed))})"
            return Search(
                found=True,
                packet=packet,
                state=state,
                verdict=verdict,
                depends_on=tuple(sorted(assumed)),
                reason=reason,
                **common,
            )
        order = {name: i for i, name in enumerate(self.fw.chains)}
        deciders = tuple(
            sorted(self.deciders, key=lambda d: (order.get(d[0], 0), d[1] is None, d[1] or 0))
        )
        depends = tuple(sorted({rule for _, assumed in self.maybe for rule in _rules(assumed)}))
        if not self.complete:
            reason = (
                f"the search stopped after {self.max_pieces:,} pieces of the header space "
                f"without finding a {what} that gets {self.action}; nothing is claimed"
            )
        elif not self.space.region:
            reason = f"the constraints leave no packet to search ({what})"
        else:
            reason = f"no {what} gets {self.action}: {_deciders_text(deciders)}"
            if depends:
                reason += f", unless {_rules_text(depends)} match as headers cannot tell"
        return Search(found=False, deciders=deciders, depends_on=depends, reason=reason, **common)


def _deciders_text(deciders: tuple[tuple[str, int | None, str], ...]) -> str:
    rules = [(c, n, t) for c, n, t in deciders if n is not None]
    policies = [(c, t) for c, n, t in deciders if n is None]
    parts = []
    if rules:
        shown = ", ".join(f"rule {n} of {c} ({t})" for c, n, t in rules[:8])
        more = f" and {len(rules) - 8} more" if len(rules) > 8 else ""
        parts.append(shown + more)
    parts += [f"the policy of {c} ({t})" for c, t in policies]
    if not parts:
        return "no packet of them gets that far"
    verb = "decides" if len(parts) == 1 and len(rules) <= 1 else "decide"
    return f"{' and '.join(parts)} {verb} every one"


#: The fields an example packet is built from; a rule that narrows any other field (one a
#: newer match adds) is followed both ways, as one whose match headers cannot tell.
_FIELDS = (
    "proto", "src", "dst", "sport", "dport", "flags", "icmp", "state", "in", "out", "frag",
    "ttl", "rt",
)  # fmt: skip


def _known(boxes: list[dict]) -> bool:
    """Whether the boxes narrow only fields an example packet is built from."""
    universe = _UNIVERSE.get()
    return all(
        box[dim] == ((0, universe[dim]),) for box in boxes for dim in box if dim not in _FIELDS
    )


def _cylindrical(boxes: list[dict], icmp: int = _ICMP) -> bool:
    """Whether fields a protocol lacks are left free for it: ports only constrained for
    protocols with ports, TCP flags for tcp, the ICMP type for icmp (else a packet without
    that field would fall outside the box though the rule matches it, or the other way)."""
    for box in boxes:
        protos = box["proto"]
        for dims, allowed in (
            (("sport", "dport"), _PORT_PROTOCOLS),
            (("flags",), (_TCP,)),
            (("icmp",), (icmp,)),
        ):
            if all(box[d] == ((0, DIMENSIONS[d]),) for d in dims):
                continue
            if any(p not in allowed for lo, hi in protos for p in range(lo, hi + 1)):
                return False
    return True
