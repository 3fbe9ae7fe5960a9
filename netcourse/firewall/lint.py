"""Lint a ruleset as Batfish's filter line reachability does: rules that can never decide.

Each rule is turned into the set of packet headers it matches (a union of boxes: one
interval set per header field), and sets are subtracted exactly, so "rule 3 never matches"
is a proof, not a guess. Findings, each with rule numbers:

- ``shadowed``: earlier rules catch every packet the rule could match, with another action;
- ``redundant``: the rule never matches and earlier rules already do the same, or its
  packets would get the same verdict from later rules (or the policy) without it;
- ``after-catch-all``: rules after an unconditional terminal rule;
- ``accept-policy``: an INPUT or FORWARD chain whose ACCEPT policy admits what no rule stops.

Taught in notebooks/04-firewalls.ipynb.

>>> report = lint('''
... -A INPUT -p tcp --dport 22 -j ACCEPT
... -A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j DROP
... ''')
>>> [(f.kind, f.rules) for f in report]
[('shadowed', (2,)), ('accept-policy', ())]
"""

from __future__ import annotations

from dataclasses import dataclass

from netcourse.firewall.matches import DIMENSIONS, IfaceMatch, Intervals, MultiportMatch, complement
from netcourse.firewall.parser import Rule, Ruleset, parse_ruleset
from netcourse.html import Markup, table

__all__ = ["lint", "Finding", "LintReport"]

#: Above this many boxes an analysis stops and claims nothing (it never guesses).
MAX_BOXES = 4000

Box = dict  # dimension -> Intervals


@dataclass(frozen=True)
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


def _numbers(numbers: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in numbers)


# --- interval sets and boxes -------------------------------------------------------------


def _intersect(a: Intervals, b: Intervals) -> Intervals:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _full() -> Box:
    return {dim: ((0, top),) for dim, top in DIMENSIONS.items()}


def _box_and(a: Box, b: Box) -> Box | None:
    out = {}
    for dim in DIMENSIONS:
        both = _intersect(a[dim], b[dim])
        if not both:
            return None
        out[dim] = both
    return out


def _subtract(box: Box, other: Box) -> list[Box]:
    """box minus other, as disjoint boxes."""
    if _box_and(box, other) is None:
        return [box]
    pieces, prefix = [], dict(box)
    for dim in DIMENSIONS:
        rest = _intersect(box[dim], complement(other[dim], DIMENSIONS[dim]))
        if rest:
            piece = dict(prefix)
            piece[dim] = rest
            pieces.append(piece)
        prefix[dim] = _intersect(box[dim], other[dim])
    return pieces


def _minus(region: list[Box], boxes: list[Box]) -> list[Box] | None:
    """region minus the union of boxes; None when it grows past MAX_BOXES."""
    for other in boxes:
        region = [piece for box in region for piece in _subtract(box, other)]
        if len(region) > MAX_BOXES:
            return None
        if not region:
            break
    return region


def _rule_boxes(rule: Rule, names: tuple[str, ...]) -> list[Box]:
    """The headers a rule matches, as a union of boxes."""
    base = _full()
    either: list[MultiportMatch] = []
    for match in rule.matches:
        if isinstance(match, MultiportMatch) and match.which == "ports" and not match.negate:
            either.append(match)  # source OR destination port: two boxes
            continue
        if isinstance(match, MultiportMatch) and match.which == "ports":
            outside = complement(tuple(sorted(match.ranges)), 65535)
            for dim in ("sport", "dport"):
                base[dim] = _intersect(base[dim], outside)
            continue
        dim, values = match.space(names)
        base[dim] = _intersect(base[dim], values)
    boxes = [base]
    for match in either:
        ranges = tuple(sorted(match.ranges))
        split = []
        for box in boxes:
            first = dict(box, sport=_intersect(box["sport"], ranges))
            second = dict(box, dport=_intersect(box["dport"], ranges))
            second["sport"] = _intersect(second["sport"], complement(ranges, 65535))
            split += [first, second]
        boxes = split
    return [b for b in boxes if all(b[dim] for dim in DIMENSIONS)]


def _iface_names(ruleset: Ruleset) -> tuple[str, ...]:
    names = {"\x00other"}
    for rule in ruleset.rules():
        for match in rule.matches:
            if isinstance(match, IfaceMatch):
                names.add(match.name[:-1] + "\x00any" if match.name.endswith("+") else match.name)
    return tuple(sorted(names))


# --- the analysis ----------------------------------------------------------------------------


def _catches(rule: Rule) -> bool:
    """Whether packets this rule matches leave the chain for good."""
    return rule.terminal or rule.target == "RETURN" or rule.goto


def _action(rule: Rule) -> tuple:
    if rule.goto:
        return ("goto", rule.target)
    return (rule.target, rule.reject_with if rule.target == "REJECT" else None)


def _says(rule: Rule) -> str:
    return f"-g {rule.target}" if rule.goto else rule.target


def lint(ruleset) -> LintReport:
    """Find shadowed and redundant rules, rules after a catch-all, and leaky ACCEPT policies.

    ``ruleset`` is a Firewall, a parsed Ruleset, or iptables text.

    >>> lint(["-P INPUT DROP", "-A INPUT -j ACCEPT", "-A INPUT -p tcp -j DROP"]).kinds()
    ['after-catch-all']
    """
    if hasattr(ruleset, "ruleset"):
        ruleset = ruleset.ruleset
    if not isinstance(ruleset, Ruleset):
        if not isinstance(ruleset, str):
            ruleset = "\n".join(str(line) for line in ruleset)
        ruleset = parse_ruleset(ruleset)
    names = _iface_names(ruleset)
    findings: list[Finding] = []
    for chain in ruleset.chains.values():
        findings += _lint_chain(chain, names)
    return LintReport(tuple(findings))


def _lint_chain(chain, names) -> list[Finding]:
    findings: list[Finding] = []
    boxes = {rule.number: _rule_boxes(rule, names) for rule in chain.rules}
    universe = [_full()]
    catch_all = next(
        (r for r in chain.rules if _catches(r) and _minus(universe, boxes[r.number]) == []), None
    )
    live = chain.rules if catch_all is None else chain.rules[: catch_all.number]
    if catch_all is not None and catch_all.number < len(chain.rules):
        after = tuple(r.number for r in chain.rules[catch_all.number :])
        findings.append(
            Finding(
                "after-catch-all",
                chain.name,
                after,
                f"rule {catch_all.number} ({_says(catch_all)}) matches every packet, so no rule "
                "after it is ever tried",
                (catch_all.number,),
            )
        )
    kept = list(live)  # rules not (yet) reported as never matching or redundant
    for rule in live:
        earlier = [r for r in kept if r.number < rule.number and _catches(r)]
        own = boxes[rule.number]
        if not own:
            message = "its conditions contradict each other, so it can never match"
            findings.append(Finding("shadowed", chain.name, (rule.number,), message))
            kept.remove(rule)
            continue
        left = _minus(own, [b for r in earlier for b in boxes[r.number]])
        if left == []:
            findings.append(_unreachable(chain, rule, earlier, own, boxes))
            kept.remove(rule)
            continue
        if not rule.terminal or not left or rule is catch_all:
            continue
        later = [r for r in kept if r.number > rule.number]
        walked = _walk_later(later, rule, left, boxes)
        if walked is None:
            continue
        deciders, region = walked
        if region and not (chain.builtin and chain.policy == rule.target):
            continue
        parts = [f"rule{'s' if len(deciders) > 1 else ''} {_numbers(deciders)}"] if deciders else []
        if region:
            parts.append(f"the {chain.name} policy")
        message = (
            f"removing it changes no verdict: {' and '.join(parts)} would {rule.target} "
            "the same packets too"
        )
        findings.append(Finding("redundant", chain.name, (rule.number,), message, deciders))
        kept.remove(rule)
    if chain.builtin and chain.policy == "ACCEPT" and chain.name in ("INPUT", "FORWARD"):
        if chain.rules:
            decided = [b for r in live if r.terminal for b in boxes[r.number]]
            leftover = _minus(universe, decided)
            if leftover is None or leftover:
                findings.append(
                    Finding(
                        "accept-policy",
                        chain.name,
                        (),
                        f"the policy is ACCEPT and no catch-all rule ends {chain.name}, so every "
                        f"packet no rule stops is accepted; end with -A {chain.name} -j DROP or "
                        f"set -P {chain.name} DROP",
                    )
                )
    findings.sort(key=lambda f: f.rules[:1] or (10**6,))
    return findings


def _unreachable(chain, rule, earlier, own, boxes) -> Finding:
    """The finding for a rule that earlier rules leave no packet to."""
    blockers = [
        r.number for r in earlier if any(_box_and(a, b) for a in own for b in boxes[r.number])
    ]
    for number in list(blockers):  # keep a minimal set of rules that still hide it all
        rest = [b for n in blockers if n != number for b in boxes[n]]
        if _minus(own, rest) == []:
            blockers.remove(number)
    blockers = tuple(blockers)
    plural = len(blockers) > 1
    which = f"rule{'s' if plural else ''} {_numbers(blockers)}"
    if rule.terminal and all(_action(chain.rules[n - 1]) == _action(rule) for n in blockers):
        message = (
            f"never matches: {which} already {'decide' if plural else 'decides'} every packet "
            f"it could match, with the same {_says(rule)}; delete it"
        )
        return Finding("redundant", chain.name, (rule.number,), message, blockers)
    others = ", ".join(sorted({_says(chain.rules[n - 1]) for n in blockers}))
    them = "them" if plural else "it"
    message = (
        f"never matches: {which} ({others}) {'catch' if plural else 'catches'} every packet it "
        f"could match first, so its {_says(rule)} never happens; move it above {them} or "
        f"narrow {them}"
    )
    return Finding("shadowed", chain.name, (rule.number,), message, blockers)


def _walk_later(later_rules, rule, left, boxes):
    """Follow the packets only ``rule`` decides through the later rules, as if it were gone.

    Returns (deciding rule numbers, packets left for the policy) or None when unsure or
    when some later rule would decide differently."""
    region = left
    deciders = []
    for later in later_rules:
        if not region:
            break
        touched = any(_box_and(a, b) for a in region for b in boxes[later.number])
        if not touched or later.target == "LOG":
            continue
        if not _catches(later) or _action(later) != _action(rule):
            return None  # a jump may decide anything; a different action changes verdicts
        deciders.append(later.number)
        region = _minus(region, boxes[later.number])
        if region is None:
            return None
    return tuple(deciders), region
