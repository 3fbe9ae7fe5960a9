"""Explain an iptables rule flag by flag, in words a learner can check.

Taught in notebooks/04-firewalls.ipynb.

>>> for part in explain("-A INPUT -p tcp -s 192.168.1.0/24 -m tcp --dport 80 -j ACCEPT").parts:
...     print(part.flag, "|", part.meaning[:50])
-A INPUT | append to the INPUT chain, which sees packets addr
-p tcp | protocol tcp (IP protocol number 6); it also makes
-s 192.168.1.0/24 | source address in 192.168.1.0/24: 192.168.1.0-192.
-m tcp | load the tcp match extension (documented in iptabl
--dport 80 | destination port 80 (HTTP)
-j ACCEPT | jump to the ACCEPT target: let it through; no late
"""

from __future__ import annotations

from dataclasses import dataclass

from netcourse.errors import RuleError, quote
from netcourse.firewall.marks import MARK_TARGETS, mark_operation
from netcourse.firewall.matches import CommentMatch, Match, ProtoMatch
from netcourse.firewall.parser import BUILTIN_CHAINS, Rule, parse_rule
from netcourse.firewall.words import quote_word
from netcourse.html import Cell, Markup, code, table

__all__ = ["explain", "Explanation", "Part", "CHAIN_MEANINGS", "MODULE_MEANINGS"]

#: What each built-in chain of the filter table sees.
CHAIN_MEANINGS: dict[str, str] = {
    "INPUT": "packets addressed to this host",
    "FORWARD": "packets routed through this host from one interface to another",
    "OUTPUT": "packets this host sends",
    "PREROUTING": "every packet as it arrives, before the routing decision",
    "POSTROUTING": "every packet as it leaves, after the routing decision",
}
#: What each match module is, as iptables-extensions(8) describes it.
MODULE_MEANINGS: dict[str, str] = {
    "tcp": (
        "load the tcp match extension (documented in iptables-extensions(8)); -p tcp makes it "
        "available and it provides --sport, --dport, --tcp-flags and --syn. iptables-save "
        "always writes it, even when the rule was typed without it"
    ),
    "udp": "load the udp match extension (iptables-extensions(8)): --sport and --dport for UDP",
    "icmp": "load the icmp match extension (iptables-extensions(8)): --icmp-type",
    "multiport": "load the multiport extension: up to 15 ports or ranges in one rule",
    "iprange": "load the iprange extension: an address range that is not a CIDR block",
    "conntrack": "load the conntrack extension: match on connection-tracking state",
    "state": "load the older state extension (same as conntrack --ctstate)",
    "comment": "load the comment extension: a note stored with the rule",
    "addrtype": "load the addrtype extension: match on the kind of address (LOCAL, BROADCAST ...)",
    "limit": "load the limit extension: match at most a rate of packets (a token bucket)",
    "recent": "load the recent extension: note addresses in a list and check them later",
    "mark": "load the mark extension: match on the packet's netfilter mark (set by MARK)",
    "connmark": "load the connmark extension: match on the mark of the packet's connection",
    "length": "load the length extension: match on the IP packet's total length in bytes",
    "ttl": "load the ttl extension: match on the IP time-to-live",
    "pkttype": "load the pkttype extension: unicast, broadcast or multicast at the link layer",
    "owner": "load the owner extension: the user or group whose socket sent the packet",
    "hashlimit": "load the hashlimit extension: a rate limit per source, destination or port",
    "set": "load the set extension: match addresses and ports against an IP set (ipset)",
    "icmp6": "load ip6tables' icmp6 match extension (ip6tables-extensions(8)): --icmpv6-type",
    "hl": "load ip6tables' hl extension: match on the hop limit, IPv6's TTL",
    "rt": "load ip6tables' rt extension: match on the IPv6 routing header",
}
_TARGETS = {
    "ACCEPT": "let it through; no later rule is tried",
    "DROP": "discard it silently; the sender hears nothing and times out",
    "REJECT": "discard it and answer with an error so the sender knows at once",
    "LOG": "write it to the kernel log, then go on with the next rule (not a verdict)",
    "RETURN": "stop this chain and go back to the one that jumped here (or the policy)",
    "NFLOG": "hand it to a logging program through netlink, then go on with the next rule",
    "TCPMSS": "rewrite the MSS option of a SYN, then go on with the next rule",
    "DNAT": "rewrite the destination address (and port) of the connection's packets",
    "SNAT": "rewrite the source address (and port) of the connection's packets",
    "MASQUERADE": "rewrite the source to the outgoing interface's address",
    "REDIRECT": "send the connection to this host itself, on the port given",
    "NOTRACK": "leave the packet untracked by conntrack (state UNTRACKED), then go on",
    "CT": "with --notrack: leave the packet untracked by conntrack, then go on",
    "MARK": "change the packet's netfilter mark, then go on with the next rule",
    "CONNMARK": "change the connection's mark (or copy it to or from the packet's), then go on",
}


@dataclass(frozen=True)
class Part:
    """One flag of a rule (as written) and what it means."""

    flag: str
    meaning: str


@dataclass(frozen=True)
class Explanation:
    """A rule explained part by part, plus a one-sentence summary."""

    rule: str
    parts: tuple[Part, ...]
    summary: str

    def __repr__(self) -> str:
        width = min(max((len(p.flag) for p in self.parts), default=0), _FLAG_WIDTH)
        lines = [self.rule, *(f"  {p.flag:<{width}}  {p.meaning}" for p in self.parts)]
        return "\n".join([*lines, self.summary])

    def _repr_html_(self) -> str:
        rows = [
            [
                # a flag is one row; only one longer than the text form's column (a long
                # comment) may wrap
                code(p.flag)
                if len(p.flag) <= _FLAG_WIDTH
                else Markup("<code>{}</code>").format(p.flag),
                Cell(p.meaning, style="text-align:left"),
            ]
            for p in self.parts
        ]
        return str(
            Markup("<p><code>{}</code></p>").format(self.rule)
            + table(rows, header=["flag", Cell("meaning", style="text-align:left")])
            + Markup("<p>{}</p>").format(self.summary)
        )


#: The widest flag column of the text form; longer flags (a long comment) overflow it.
_FLAG_WIDTH = 32


def explain(rule: str | Rule) -> Explanation:
    """Explain a rule (text such as ``-A INPUT -p tcp --dport 22 -j ACCEPT``, or a Rule).

    A rule without ``-A CHAIN`` is read as an INPUT rule.

    >>> print(explain("-p udp --dport 53 -j DROP").summary)  # doctest: +ELLIPSIS
    In INPUT, a packet with protocol udp (IP protocol number 17) and destination port 53 (DNS) ...
    """
    if isinstance(rule, Rule):
        parsed = rule if rule.options else parse_rule(rule.text, rule.number, rule.line)
    else:
        if not isinstance(rule, str):
            raise RuleError(f"{quote(rule)}: expected a rule as text, such as '-p tcp -j DROP'")
        text = rule.strip()
        if not text.startswith(("-A", "--append", "[")):
            text = f"-A INPUT {text}"
        parsed = parse_rule(text)
    parts = [Part(f"-A {parsed.chain}", _chain_meaning(parsed.chain))]
    for option in parsed.options:
        flag = " ".join(quote_word(word) for word in option.words)
        parts.append(Part(flag, _option_meaning(option.kind, option.words, option.match, parsed)))
    return Explanation(parsed.text, tuple(parts), _summary(parsed))


def _option_meaning(kind: str, words: tuple[str, ...], match: Match | None, rule: Rule) -> str:
    if kind == "match":
        return _match_meaning(match)
    if kind == "module":
        return MODULE_MEANINGS[words[1]]
    if kind == "target":
        return _target_meaning(words[0], words[1])
    if kind == "match-option":
        grouped = next((m for m in rule.matches if " ".join(words) in m.text), None)
        together = f": {grouped.explain()}" if grouped is not None else ""
        return f"an option of the match loaded before it{together}"
    if kind == "counters":
        return "the packet and byte counters to start from: bookkeeping, they match nothing"
    if words[0] == "--reject-with":
        return f"answer with {rule.reject_with}"
    if rule.target == "LOG":
        return "an option of the LOG target (how the log line looks)"
    if rule.target in MARK_TARGETS:
        return f"an option of the {rule.target} target: {_mark_meaning(rule)}"
    return f"an option of the {rule.target} target"


def _mark_meaning(rule: Rule) -> str:
    return mark_operation(rule.target, rule.target_options).describe()


def _chain_meaning(chain: str) -> str:
    if chain in BUILTIN_CHAINS:
        return (
            f"append to the {chain} chain, which sees {CHAIN_MEANINGS[chain]}; rules run in order"
        )
    return f"append to the user chain {chain}; packets get here only by -j {chain} or -g {chain}"


def _match_meaning(match: Match) -> str:
    text = match.explain()
    if isinstance(match, ProtoMatch) and match.number in (1, 6, 17) and not match.negate:
        text += f"; it also makes the {match.name} match (-m {match.name}) available"
    return text


def _target_meaning(token: str, target: str) -> str:
    if target in _TARGETS:
        return f"jump to the {target} target: {_TARGETS[target]}"
    if token in ("-g", "--goto"):
        return f"go to user chain {target} for good: when it ends, return to this chain's caller"
    return f"jump to user chain {target}; if no rule there decides, come back to the next rule"


def _summary(rule: Rule) -> str:
    conditions = [m.explain() for m in rule.matches if not isinstance(m, CommentMatch)]
    who = "a packet with " + " and ".join(conditions) if conditions else "every packet"
    what = {
        "ACCEPT": "is let through",
        "DROP": "is discarded silently",
        "REJECT": "is refused with an error",
        "LOG": "is logged and goes on",
        "RETURN": "goes back to the calling chain",
        "": "is counted and goes on (the rule has no target)",
        "NFLOG": "is logged and goes on",
        "TCPMSS": "has its MSS rewritten and goes on",
        "MARK": "has its mark changed and goes on",
        "CONNMARK": "has its connection's mark changed (or copied) and goes on",
    }.get(rule.target, f"goes to chain {rule.target}" if rule.jumps else f"goes to {rule.target}")
    return f"In {rule.chain}, {who} {what}."
