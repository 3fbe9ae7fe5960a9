"""Lint a ruleset as Batfish's filter line reachability does: rules that can never decide.

Each rule is turned into the set of packet headers it matches (a union of boxes: one
interval set per header field), and sets are subtracted exactly, so "rule 3 never matches"
is a proof, not a guess. Rules that may overlap are found through an index of header
blocks (see ``_Index``), so a ruleset of thousands of mostly disjoint rules is linted in
about linear time. Findings, each with rule numbers:

- ``shadowed``: earlier rules catch every packet the rule could match, with another action;
- ``redundant``: the rule never matches and earlier rules already do the same, or its
  packets would get the same verdict from later rules (or the policy) without it;
- ``after-catch-all``: rules after an unconditional terminal rule;
- ``accept-policy``: an INPUT or FORWARD chain whose ACCEPT policy admits what no rule stops.

``-f`` is a header field like the others; but the multiport and icmp matches are read as on
a whole packet, though the kernel fails them on a non-first fragment (which the rules of a
machine using conntrack never see: it reassembles first). :func:`find` reads them exactly.

Taught in notebooks/04-firewalls.ipynb.

>>> report = lint('''
... -A INPUT -p tcp --dport 22 -j ACCEPT
... -A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j DROP
... ''')
>>> [(f.kind, f.rules) for f in report]
[('shadowed', (2,)), ('accept-policy', ())]
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from netcourse.firewall.gcpause import paused_gc
from netcourse.firewall.matches import (
    DIMENSIONS,
    AddrTypeMatch,
    IfaceMatch,
    Intervals,
    MultiportMatch,
    complement,
    dimensions,
    intersect,
)
from netcourse.firewall.parser import Chain, Rule, Ruleset, parse_ruleset
from netcourse.html import Markup, table

__all__ = ["lint", "Finding", "LintReport"]

#: Above this many boxes an analysis stops and claims nothing (it never guesses).
MAX_BOXES = 4000
#: Above this many box subtractions one question about one rule stops, claiming nothing.
MAX_WORK = 100_000
#: The most overlapping rules a finding's smallest set of hiding rules is sought among.
MAX_BLOCKERS = 128

Box = dict  # dimension -> Intervals
#: The header space of the ruleset being linted: DIMENSIONS, with 128-bit addresses while an
#: ip6tables ruleset is linted (lint() sets it).
_UNIVERSE: ContextVar[dict[str, int]] = ContextVar("lint_universe", default=DIMENSIONS)


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One problem: its kind, chain, the rules it is about, the rules that cause it, and why."""

    kind: str
    chain: str
    rules: tuple[int, ...]
    message: str
    because_of: tuple[int, ...] = ()

    def __repr__(self) -> str:
        where = f"rule{'s' if len(self.rules) > 1 else ''} {_numbers(self.rules)}"
        head = f"{self.chain} {where}" if self.rules else self.chain
        return f"{self.kind}: {head}: {self.message}"


@dataclass(frozen=True)
class LintReport:
    """The findings of :func:`lint`, in chain and rule order."""

    findings: tuple[Finding, ...]

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def kinds(self) -> list[str]:
        """The kind of each finding."""
        return [f.kind for f in self.findings]

    def __repr__(self) -> str:
        if not self.findings:
            return "no findings: every rule can match, and nothing slips past the policy"
        return "\n".join(repr(f) for f in self.findings)

    def _repr_html_(self) -> str:
        if not self.findings:
            return str(Markup("<p>{}</p>").format(repr(self)))
        rows = [[f.kind, f.chain, _numbers(f.rules) or "-", f.message] for f in self.findings]
        return str(table(rows, header=["kind", "chain", "rules", "why"]))


def _numbers(numbers: tuple[int, ...], most: int = 12) -> str:
    """Rule numbers for a message: the first ``most`` of them, then how many more."""
    shown = ", ".join(str(n) for n in numbers[:most])
    return shown if len(numbers) <= most else f"{shown} and {len(numbers) - most} more"


# --- interval sets and boxes -------------------------------------------------------------


_FULL: Box = {dim: ((0, top),) for dim, top in DIMENSIONS.items()}


def _full() -> Box:
    universe = _UNIVERSE.get()
    if universe is DIMENSIONS:
        return dict(_FULL)
    return {dim: ((0, top),) for dim, top in universe.items()}


def _overlap(a: Intervals, b: Intervals) -> bool:
    """Whether two sorted, disjoint interval sets share a value."""
    if a[0][0] > b[-1][1] or b[0][0] > a[-1][1]:
        return False
    if len(a) == 1 and len(b) == 1:
        return True
    if len(b) > len(a):
        a, b = b, a
    if len(a) > 8 and len(b) <= 4:  # a long set against a few ranges: bisection
        for lo, hi in b:
            start = bisect_left(a, (lo,))
            if start and a[start - 1][1] >= lo:
                return True
            if start < len(a) and a[start][0] <= hi:
                return True
        return False
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][1] < b[j][0]:
            i += 1
        elif b[j][1] < a[i][0]:
            j += 1
        else:
            return True
    return False


def _meets(a: Box, b: Box) -> bool:
    """Whether two boxes share a header (without building their intersection)."""
    for dim in a:  # every box has the universe's dimensions
        if not _overlap(a[dim], b[dim]):
            return False
    return True


def _box_and(a: Box, b: Box) -> Box | None:
    out = {}
    for dim in a:
        both = intersect(a[dim], b[dim])
        if not both:
            return None
        out[dim] = both
    return out


def _subtract(box: Box, other: Box) -> list[Box]:
    """box minus other, as disjoint boxes."""
    if not _meets(box, other):
        return [box]
    pieces, prefix = [], dict(box)
    universe = _UNIVERSE.get()
    for dim in box:
        top = universe[dim]
        whole = other[dim]
        if whole is _FULL.get(dim) or whole == ((0, top),):
            continue  # other takes every value here: nothing of box is outside it, none cut
        rest = intersect(box[dim], complement(whole, top))
        if rest:
            piece = dict(prefix)
            piece[dim] = rest
            pieces.append(piece)
        prefix[dim] = intersect(box[dim], other[dim])
    return pieces


def _minus(region: list[Box], boxes: Iterable[Box]) -> list[Box] | None:
    """region minus the union of boxes; None when it grows past MAX_BOXES or MAX_WORK."""
    work = 0
    for other in boxes:
        work += len(region)
        region = [piece for box in region for piece in _subtract(box, other)]
        if len(region) > MAX_BOXES or work > MAX_WORK:
            return None
        if not region:
            break
    return region


def _matches_all(boxes: list[Box]) -> bool:
    """Whether the union of a rule's boxes is every header."""
    universe = _UNIVERSE.get().items()
    if any(all(box[dim] == ((0, top),) for dim, top in universe) for box in boxes):
        return True
    return len(boxes) > 1 and _minus([_full()], boxes) == []


def _bounds(region: list[Box], dim: str) -> tuple[int, int]:
    """The smallest and largest value of a field in region's boxes."""
    if len(region) == 1:
        values = region[0][dim]
        return values[0][0], values[-1][1]
    return min(box[dim][0][0] for box in region), max(box[dim][-1][1] for box in region)


def _levels(fields: dict[str, int], step: int) -> tuple:
    """Per field: (name, width, the (level, shift) of each level from the widest block)."""
    return tuple(
        (dim, width, tuple((level, width - level) for level in range(0, width + 1, step)))
        for dim, width in fields.items()
    )


class _Index:
    """Rules' boxes filed by the aligned block of values that holds them, per header field.

    A field's values are cut into blocks of 16, 256, 4096 ... values (a /28, /24, /20 ... of
    an address); each box is filed under the smallest block holding its range in that field.
    Two boxes can only meet when the block of one holds the block of the other, so the
    boxes that may meet a box are those filed in the blocks around it and those filed
    inside its own block: :meth:`near` reads them from the field where they are fewest,
    instead of trying every rule of the chain.
    """

    #: The fields indexed, with the width of their values in bits (IPv4's addresses; an
    #: index of an IPv6 ruleset's boxes files 128-bit addresses).
    FIELDS = {"src": 32, "dst": 32, "sport": 16, "dport": 16}
    STEP = 4  #: bits per level: blocks grow 16 times from one level to the next
    #: Per field: (name, width, the (level, shift) of each level from the widest block).
    _LEVELS = _levels(FIELDS, STEP)

    def __init__(self) -> None:
        bits = _UNIVERSE.get()["src"].bit_length()
        if bits != self.FIELDS["src"]:  # an IPv6 ruleset: 128-bit addresses
            self.FIELDS = {**self.FIELDS, "src": bits, "dst": bits}
            self._LEVELS = _levels(self.FIELDS, self.STEP)
        #: a block is keyed by level << tag | the values' common prefix at that level
        self._tag = max(self.FIELDS.values()) + 8
        self._at: dict[str, dict[int, list[int]]] = {f: {} for f in self.FIELDS}
        self._within: dict[str, dict[int, list[int]]] = {f: {} for f in self.FIELDS}

    @classmethod
    def _level(cls, low: int, high: int, width: int) -> int:
        """The longest prefix, in steps of STEP bits, that low and high share."""
        same = width - (low ^ high).bit_length()
        return same - same % cls.STEP

    def add(self, number: int, box: Box) -> None:
        """File box (of rule ``number``) in every field."""
        step, tag = self.STEP, self._tag
        for dim, width, levels in self._LEVELS:
            values = box[dim]
            low = values[0][0]
            same = width - (low ^ values[-1][1]).bit_length()
            level = same - same % step
            key = level << tag | low >> (width - level)
            at = self._at[dim]
            if key in at:
                at[key].append(number)
            else:
                at[key] = [number]
            within = self._within[dim]
            for outer, shift in levels[: level // step + 1]:
                key = outer << tag | low >> shift
                if key in within:
                    within[key].append(number)
                else:
                    within[key] = [number]

    def near(self, region: list[Box]) -> list[int]:
        """The numbers of rules with a box that may meet region (a superset), sorted."""
        best: list[list[int]] = []
        best_size = -1
        step, tag = self.STEP, self._tag
        for dim, width, levels in self._LEVELS:
            low, high = _bounds(region, dim)
            same = width - (low ^ high).bit_length()
            level = same - same % step
            at = self._at[dim]
            lists = [
                at.get(outer << tag | low >> shift) for outer, shift in levels[: level // step]
            ]
            lists.append(self._within[dim].get(level << tag | low >> (width - level)))
            lists = [numbers for numbers in lists if numbers]
            size = sum(map(len, lists))
            if best_size < 0 or size < best_size:
                best, best_size = lists, size
                if not size:
                    break
        if len(best) == 1:
            return list(dict.fromkeys(best[0]))  # filed in rule order already
        return sorted({number for numbers in best for number in numbers})


def _split(
    region: list[Box],
    candidates: list[tuple[int, Box]],
    *,
    whole: bool = True,
    accept: Callable[[int], bool] | None = None,
) -> tuple[list[Box], tuple[int, ...]] | None:
    """Region split among rules' boxes ``candidates`` ((rule number, box), in rule order):
    what is left of it, and the rules that decide the rest.

    Each piece is split by the first box that meets it, whose rule decides the packets they
    share (so the rules used are exactly those that decide some packet of region), and the
    parts cut off go on from the box after it: no box that missed a piece is tried again on
    its parts. Returns (pieces no box meets, deciders), or None when ``accept`` refuses a
    rule that decides some packet, or when the work grows past MAX_BOXES or MAX_WORK (then
    nothing is claimed). With ``whole=False`` it stops at the first piece no box meets.
    """
    pending = [(piece, 0) for piece in reversed(region)]
    left: list[Box] = []
    used: set[int] = set()
    work = 0
    while pending:
        piece, start = pending.pop()
        hit = next(
            (k for k in range(start, len(candidates)) if _meets(piece, candidates[k][1])), None
        )
        work += (len(candidates) if hit is None else hit) - start + 1
        if hit is None:
            left.append(piece)
            if not whole:
                return left, ()
            continue
        number, box = candidates[hit]
        if accept is not None and not accept(number):
            return None
        used.add(number)
        pending.extend((part, hit + 1) for part in reversed(_subtract(piece, box)))
        if len(pending) + len(left) > MAX_BOXES or work > MAX_WORK:
            return None
    return left, tuple(sorted(used))


def _boxes_of(numbers: Iterable[int], boxes: dict[int, list[Box]]) -> list[tuple[int, Box]]:
    return [(number, box) for number in numbers for box in boxes[number]]


def _cover(region: list[Box], numbers: list[int], boxes: dict[int, list[Box]]):
    """Whether the rules ``numbers`` cover region: (True, deciders), (False, ()), or
    (None, ()) when unsure (see :func:`_split`)."""
    split = _split(region, _boxes_of(numbers, boxes), whole=False)
    if split is None:
        return None, ()
    left, used = split
    return (not left), used


def _exact(match) -> bool:
    """Whether a match's header space is exactly the packets it matches, whatever came before.

    Not so for rate limits and recent lists (they remember packets), conntrack's NAT flags,
    addrtype limited to the packet's interface (its space ties two fields, which a box cannot
    hold), and a space outside the dimensions here."""
    if isinstance(match, AddrTypeMatch) and match.iface is not None:
        return False
    return match.exact


def _rule_boxes(rule: Rule, names: tuple[str, ...], *, fragments: bool = False) -> list[Box]:
    """The headers a rule matches, as a union of boxes (inexact matches left out: the boxes
    hold every packet the rule may match). With ``fragments``, a rule with a multiport or icmp
    match holds no non-first fragment, as the kernel decides; without, it is read as on whole
    datagrams (lint's scope)."""
    base = _full()
    either: list[MultiportMatch] = []
    for match in rule.matches:
        if not _exact(match):
            continue
        if fragments and match.transport:  # it fails on a non-first fragment, even negated
            base["frag"] = intersect(base["frag"], ((0, 0),))
        if isinstance(match, MultiportMatch) and match.which == "ports" and not match.negate:
            either.append(match)  # source OR destination port: two boxes
            continue
        if isinstance(match, MultiportMatch) and match.which == "ports":
            outside = complement(tuple(sorted(match.ranges)), 65535)
            for dim in ("sport", "dport"):
                base[dim] = intersect(base[dim], outside)
            continue
        dim, values = match.space(names)
        base[dim] = intersect(base[dim], values)
    boxes = [base]
    for match in either:
        ranges = tuple(sorted(match.ranges))
        split = []
        for box in boxes:
            first = dict(box, sport=intersect(box["sport"], ranges))
            second = dict(box, dport=intersect(box["dport"], ranges))
            second["sport"] = intersect(second["sport"], complement(ranges, 65535))
            split += [first, second]
        boxes = split
    return [b for b in boxes if all(b.values())]


def _iface_names(ruleset: Ruleset) -> tuple[str, ...]:
    names = {"\x00other"}
    for rule in ruleset.rules():
        for match in rule.matches:
            if isinstance(match, IfaceMatch):
                names.add(match.name[:-1] + "\x00any" if match.name.endswith("+") else match.name)
    return tuple(sorted(names))


# --- the analysis ----------------------------------------------------------------------------


def _catches(rule: Rule) -> bool:
    """Whether packets this rule matches leave the chain for good (a rate limit or recent
    list may let the same packet by another time: such a rule catches nothing for sure)."""
    if not all(_exact(match) for match in rule.matches):
        return False
    return rule.terminal or rule.target == "RETURN" or rule.goto


def _action(rule: Rule) -> tuple:
    if rule.goto:
        return ("goto", rule.target)
    return (rule.target, rule.reject_with if rule.target == "REJECT" else None)


def _says(rule: Rule) -> str:
    return f"-g {rule.target}" if rule.goto else rule.target


@paused_gc
def lint(ruleset) -> LintReport:
    """Find shadowed and redundant rules, rules after a catch-all, and leaky ACCEPT policies.

    ``ruleset`` is a Firewall, a parsed Ruleset, or iptables text (ip6tables-save text is
    linted over IPv6's 128-bit addresses).

    >>> lint(["-P INPUT DROP", "-A INPUT -j ACCEPT", "-A INPUT -p tcp -j DROP"]).kinds()
    ['after-catch-all']
    >>> lint(parse_ruleset("-A INPUT -s fd00::/8 -j DROP\\n-A INPUT -s fd00:1::/64 -j ACCEPT",
    ...                    family=6)).kinds()
    ['shadowed', 'accept-policy']
    """
    if hasattr(ruleset, "ruleset"):
        ruleset = ruleset.ruleset
    if not isinstance(ruleset, Ruleset):
        if not isinstance(ruleset, str):
            ruleset = "\n".join(str(line) for line in ruleset)
        ruleset = parse_ruleset(ruleset)
    names = _iface_names(ruleset)
    findings: list[Finding] = []
    token = _UNIVERSE.set(dimensions(ruleset.family))
    try:
        for chain in ruleset.chains.values():
            findings += _lint_chain(chain, names)
    finally:
        _UNIVERSE.reset(token)
    return LintReport(tuple(findings))


def _lint_chain(chain: Chain, names: tuple[str, ...]) -> list[Finding]:
    findings: list[Finding] = []
    boxes = {rule.number: _rule_boxes(rule, names) for rule in chain.rules}
    universe = [_full()]
    catch_all = next(
        (r for r in chain.rules if _catches(r) and _matches_all(boxes[r.number])), None
    )
    live = chain.rules if catch_all is None else chain.rules[: catch_all.number]
    if catch_all is not None and catch_all.number < len(chain.rules):
        after = tuple(r.number for r in chain.rules[catch_all.number :])
        findings.append(
            Finding(
                kind="after-catch-all",
                chain=chain.name,
                rules=after,
                message=f"rule {catch_all.number} ({_says(catch_all)}) matches every packet, so "
                "no rule after it is ever tried",
                because_of=(catch_all.number,),
            )
        )
    later_index = _Index()  # every live rule, to follow packets past a rule
    for rule in live:
        for box in boxes[rule.number]:
            later_index.add(rule.number, box)
    earlier_index = _Index()  # the catching rules kept so far (not reported as useless)
    for rule in live:
        own = boxes[rule.number]
        if not own:
            message = "its conditions contradict each other, so it can never match"
            findings.append(
                Finding(kind="shadowed", chain=chain.name, rules=(rule.number,), message=message)
            )
            continue
        earlier = earlier_index.near(own)
        covered, used = _cover(own, earlier, boxes)
        if covered:
            findings.append(_unreachable(chain, rule, own, earlier, used, boxes))
            continue
        if rule.terminal and covered is False and rule is not catch_all:
            redundant = _redundant(chain, rule, own, earlier, later_index, boxes)
            if redundant is not None:
                findings.append(redundant)
                continue
        if _catches(rule):
            for box in own:
                earlier_index.add(rule.number, box)
    if chain.builtin and chain.policy == "ACCEPT" and chain.name in ("INPUT", "FORWARD"):
        if chain.rules:
            terminal = [r.number for r in live if r.terminal]
            covered, _ = _cover(universe, terminal, boxes)
            if not covered:
                findings.append(
                    Finding(
                        kind="accept-policy",
                        chain=chain.name,
                        rules=(),
                        message=f"the policy is ACCEPT and no catch-all rule ends {chain.name}, "
                        "so every packet no rule stops is accepted; end with "
                        f"-A {chain.name} -j DROP or set -P {chain.name} DROP",
                    )
                )
    findings.sort(key=lambda f: f.rules[:1] or (10**6,))
    return findings


def _redundant(chain, rule, own, earlier, later_index, boxes) -> Finding | None:
    """The finding for a terminal rule whose packets later rules (or the policy) would give
    the same verdict if it were gone, or None (when they would not, or when unsure).

    The packets only ``rule`` decides are followed through the later rules: each must be
    decided by a later rule with the same action (a jump may decide anything), or fall to a
    policy that is that action.
    """
    split = _split(own, _boxes_of(earlier, boxes), whole=True)
    if split is None or not split[0]:
        return None
    left = split[0]
    later = [n for n in later_index.near(left) if n > rule.number]
    candidates = _boxes_of((n for n in later if not chain.rules[n - 1].noting), boxes)

    def same(number: int) -> bool:
        other = chain.rules[number - 1]
        return _catches(other) and _action(other) == _action(rule)

    walked = _split(left, candidates, whole=True, accept=same)
    if walked is None:
        return None
    region, deciders = walked
    if region and not (chain.builtin and chain.policy == rule.target):
        return None
    parts = [f"rule{'s' if len(deciders) > 1 else ''} {_numbers(deciders)}"] if deciders else []
    if region:
        parts.append(f"the {chain.name} policy")
    message = (
        f"removing it changes no verdict: {' and '.join(parts)} would {rule.target} "
        "the same packets too"
    )
    return Finding(
        kind="redundant",
        chain=chain.name,
        rules=(rule.number,),
        message=message,
        because_of=deciders,
    )


def _unreachable(chain: Chain, rule: Rule, own, earlier, deciders, boxes) -> Finding:
    """The finding for a rule whose every packet earlier rules decide first (``deciders``).

    It names a smallest set of earlier rules that still hide the rule: each rule it meets
    is dropped in turn when the others hide it without it. With many rules around, the
    search starts from the deciders instead, which hide it too.
    """
    meeting = []
    for number in earlier:
        if any(_meets(a, b) for a in own for b in boxes[number]):
            meeting.append(number)
            if len(meeting) > MAX_BLOCKERS:
                break
    blockers = meeting if len(meeting) <= MAX_BLOCKERS else list(deciders)
    for number in list(blockers):  # keep a minimal set of rules that still hide it all
        rest = [n for n in blockers if n != number]
        # the others hide all of it that this rule does not: they must hide the rest too
        shared = [both for a in own for b in boxes[number] if (both := _box_and(a, b))]
        if _cover(shared, rest, boxes)[0]:
            blockers.remove(number)
    blockers = tuple(blockers)
    plural = len(blockers) > 1
    which = f"rule{'s' if plural else ''} {_numbers(blockers)}"
    if rule.terminal and all(_action(chain.rules[n - 1]) == _action(rule) for n in blockers):
        message = (
            f"never matches: {which} already {'decide' if plural else 'decides'} every packet "
            f"it could match, with the same {_says(rule)}; delete it"
        )
        return Finding(
            kind="redundant",
            chain=chain.name,
            rules=(rule.number,),
            message=message,
            because_of=blockers,
        )
    others = ", ".join(sorted({_says(chain.rules[n - 1]) for n in blockers}))
    them = "them" if plural else "it"
    message = (
        f"never matches: {which} ({others}) {'catch' if plural else 'catches'} every packet it "
        f"could match first, so its {_says(rule)} never happens; move it above {them} or "
        f"narrow {them}"
    )
    return Finding(
        kind="shadowed",
        chain=chain.name,
        rules=(rule.number,),
        message=message,
        because_of=blockers,
    )
