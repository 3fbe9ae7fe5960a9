"""Explain an iptables rule flag by flag, in words a learner can check.

Taught in notebooks/04-firewalls.ipynb.

>>> for part in explain("-A INPUT -p tcp -s 192.168.1.0/24 -m tcp --dport 80 -j ACCEPT").parts:
...     print(part.flag, "|", part.meaning[:50])
-A INPUT | append to the INPUT chain, which sees packets addr
-p tcp | protocol tcp (IP protocol number 6); it also makes
-s 192.168.1.0/24 | source address in 192.168.1.0/24: 192.168.1.0-192.
-m tcp | load the tcp match extension (documented in iptabl
--dport 80 | destination port 80 (http)
-j ACCEPT | jump to the ACCEPT target: let it through; no late
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from html import escape

from netcourse.errors import RuleError

__all__ = ["explain", "Explanation", "Part", "SERVICES", "STATE_MEANINGS", "CHAIN_MEANINGS"]

#: Well-known port numbers and the service each is for.
SERVICES: dict[int, str] = {
    20: "ftp-data",
    21: "ftp",
    22: "ssh",
    23: "telnet",
    25: "smtp",
    53: "dns",
    67: "dhcp server",
    68: "dhcp client",
    80: "http",
    110: "pop3",
    123: "ntp",
    143: "imap",
    161: "snmp",
    443: "https",
    993: "imaps",
    995: "pop3s",
    3306: "mysql",
    5432: "postgresql",
    8080: "http-alt",
}
#: What each conntrack state means.
STATE_MEANINGS: dict[str, str] = {
    "INVALID": "matches no known connection and cannot start one",
    "NEW": "starts a connection, or belongs to one not yet answered",
    "ESTABLISHED": "belongs to a connection that has seen packets both ways",
    "RELATED": "starts something tied to a tracked connection, e.g. an ICMP error about it",
    "UNTRACKED": "exempted from tracking in the raw table",
    "SNAT": "its source was rewritten by NAT",
    "DNAT": "its destination was rewritten by NAT",
}
#: What each built-in chain of the filter table sees.
CHAIN_MEANINGS: dict[str, str] = {
    "INPUT": "packets addressed to this host",
    "FORWARD": "packets routed through this host from one interface to another",
    "OUTPUT": "packets this host sends",
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
}
_TARGETS = {
    "ACCEPT": "let it through; no later rule is tried",
    "DROP": "discard it silently; the sender hears nothing and times out",
    "REJECT": "discard it and answer with an error so the sender knows at once",
    "LOG": "write it to the kernel log, then go on with the next rule (not a verdict)",
    "RETURN": "stop this chain and go back to the one that jumped here (or the policy)",
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
        width = max(len(p.flag) for p in self.parts) if self.parts else 0
        lines = [self.rule, *(f"  {p.flag:<{width}}  {p.meaning}" for p in self.parts)]
        return "\n".join([*lines, self.summary])

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{escape(p.flag)}</code></td><td>{escape(p.meaning)}</td></tr>"
            for p in self.parts
        )
        return (
            f"<p><code>{escape(self.rule)}</code></p><table><thead><tr><th>flag</th>"
            f"<th>meaning</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<p>{escape(self.summary)}</p>"
        )


def explain(rule) -> Explanation:
    """Explain a rule (text such as ``-A INPUT -p tcp --dport 22 -j ACCEPT``, or a Rule).

    A rule without ``-A CHAIN`` is read as an INPUT rule.

    >>> print(explain("-p udp --dport 53 -j DROP").summary)  # doctest: +ELLIPSIS
    In INPUT, a packet with protocol udp (IP protocol number 17) and destination port 53 (dns) ...
    """
    from netcourse.firewall.parser import BUILTIN_CHAINS, Rule, parse_rule

    if isinstance(rule, Rule):
        parsed = rule
    else:
        text = str(rule).strip()
        if not text.startswith(("-A", "--append", "[")):
            text = f"-A INPUT {text}"
        parsed = parse_rule(text)
    parts = [Part(f"-A {parsed.chain}", _chain_meaning(parsed.chain, BUILTIN_CHAINS))]
    try:
        tokens = shlex.split(parsed.text)
    except ValueError as exc:  # pragma: no cover - parse_rule already split it
        raise RuleError(str(exc)) from None
    match_iter = iter(parsed.matches)
    pending = {m.text: m for m in parsed.matches}
    i = 2
    while i < len(tokens):
        token = tokens[i]
        if token in ("-m", "--match"):
            module = tokens[i + 1]
            parts.append(Part(f"-m {module}", MODULE_MEANINGS[module]))
            i += 2
            continue
        if token in ("-j", "--jump", "-g", "--goto"):
            target = tokens[i + 1]
            parts.append(Part(f"{token} {target}", _target_meaning(token, target)))
            i += 2
            continue
        match = next((m for text, m in pending.items() if _starts(tokens, i, text)), None)
        if match is not None:
            del pending[match.text]
            parts.append(Part(match.text, _match_meaning(match)))
            i += len(shlex.split(match.text))
            continue
        if token == "--reject-with":
            parts.append(
                Part(f"--reject-with {tokens[i + 1]}", f"answer with {parsed.reject_with}")
            )
            i += 2
            continue
        parts.append(Part(token, "an option of the LOG target (how the log line looks)"))
        i += 1
    del match_iter
    return Explanation(parsed.text, tuple(parts), _summary(parsed))


def _starts(tokens: list[str], i: int, text: str) -> bool:
    words = shlex.split(text)
    return tokens[i : i + len(words)] == words


def _chain_meaning(chain: str, builtin) -> str:
    if chain in builtin:
        return (
            f"append to the {chain} chain, which sees {CHAIN_MEANINGS[chain]}; rules run in order"
        )
    return f"append to the user chain {chain}; packets get here only by -j {chain} or -g {chain}"


def _match_meaning(match) -> str:
    from netcourse.firewall.matches import ProtoMatch

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


def _summary(rule) -> str:
    conditions = [m.explain() for m in rule.matches if type(m).__name__ != "CommentMatch"]
    who = "a packet with " + " and ".join(conditions) if conditions else "every packet"
    what = {
        "ACCEPT": "is let through",
        "DROP": "is discarded silently",
        "REJECT": "is refused with an error",
        "LOG": "is logged and goes on",
        "RETURN": "goes back to the calling chain",
    }.get(rule.target, f"goes to chain {rule.target}")
    return f"In {rule.chain}, {who} {what}."
