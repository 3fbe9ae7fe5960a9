"""iptables commands (``-A``, ``-I``, ``-D``, ``-P``) applied to ``iptables-save`` text.

What a learner types at a server's shell to change its firewall, applied as ``iptables`` applies
it, with its complaints ("Index of insertion too big", "Bad rule"). Used by the troubleshooting
labs (netcourse/journey/troubleshoot.py), taught in notebooks/06-packet-journey.ipynb.
"""

from __future__ import annotations

from netcourse.errors import NetcourseError, RuleError, quote
from netcourse.firewall.chains import Firewall
from netcourse.firewall.parser import Rule, parse_rule
from netcourse.firewall.words import split_words

__all__ = ["edit_iptables"]

_OPS = {
    "-A": "-A",
    "--append": "-A",
    "-I": "-I",
    "--insert": "-I",
    "-D": "-D",
    "--delete": "-D",
    "-P": "-P",
    "--policy": "-P",
}


def _canonical(rule: Rule) -> tuple:
    """What makes two rules the same rule, as ``iptables -D`` compares them."""
    return (rule.chain, rule.matches, rule.target, rule.goto, rule.reject_with, rule.target_options)


def edit_iptables(text: str, command: str) -> str:
    """The ``iptables-save`` text after one iptables command on its filter table.

    ``-A CHAIN rule`` appends, ``-I CHAIN [N] rule`` inserts before rule N (1 by default),
    ``-D CHAIN N`` or ``-D CHAIN rule`` deletes, ``-P CHAIN ACCEPT|DROP`` sets the policy; as
    ``iptables`` itself does, and with its complaints when the chain, the number or the rule
    is not there.

    >>> saved = "*filter\\n:INPUT DROP [0:0]\\n-A INPUT -i lo -j ACCEPT\\nCOMMIT\\n"
    >>> text = edit_iptables(saved, "-I INPUT 2 -p tcp --dport 8080 -j ACCEPT")
    >>> [line for line in text.splitlines() if line.startswith("-A INPUT")][1]
    '-A INPUT -p tcp --dport 8080 -j ACCEPT'
    >>> edit_iptables(saved, "-A INPT -j ACCEPT")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.RuleError: iptables '-A INPT -j ACCEPT': no chain 'INPT'; ...
    """
    if not isinstance(command, str) or not command.strip():
        raise RuleError(
            f"iptables {quote(command)}: expected one iptables command such as "
            "'-A INPUT -p tcp --dport 8080 -j ACCEPT'"
        )
    where = f"iptables {quote(' '.join(command.split()))}"
    try:
        words = split_words(command.strip())
    except ValueError as exc:
        raise RuleError(f"{where}: cannot split into words ({exc})") from None
    if words and words[0] == "iptables":
        words = words[1:]
    if len(words) < 2 or words[0] not in _OPS:
        raise RuleError(
            f"{where}: expected -A, -I, -D or -P and a chain first, such as "
            "'-A INPUT -p tcp --dport 8080 -j ACCEPT'"
        )
    op, chain, rest = _OPS[words[0]], words[1], words[2:]
    try:
        chains = Firewall.from_iptables(text).chains
    except NetcourseError as exc:
        raise RuleError(f"the server's ruleset cannot be read: {exc}") from None
    if chain not in chains:
        raise RuleError(
            f"{where}: no chain {quote(chain)}; the filter table has {', '.join(chains)}"
        )
    lines = text.splitlines()
    start, end = _filter_span(lines)
    rule_at = [i for i in range(start, end) if lines[i].split()[:2] == ["-A", chain]]
    if op == "-P":
        if len(rest) != 1 or rest[0] not in ("ACCEPT", "DROP") or chains[chain].policy is None:
            raise RuleError(f"{where}: a built-in chain's policy is ACCEPT or DROP")
        head = next((i for i in range(start, end) if lines[i].startswith(f":{chain} ")), None)
        if head is None:
            lines.insert(end, f"-P {chain} {rest[0]}")
        else:
            lines[head] = f":{chain} {rest[0]} [0:0]"
        return "\n".join(lines) + "\n"
    number = None
    if op in ("-I", "-D") and rest and rest[0].isdigit():
        number, rest = int(rest[0]), rest[1:]
    if op == "-D" and number is not None:
        if rest:
            raise RuleError(f"{where}: -D takes a rule number or a rule, not both")
        if not 1 <= number <= len(rule_at):
            raise RuleError(
                f"{where}: {chain} has rules 1-{len(rule_at)}; there is no rule {number} to delete"
            )
        del lines[rule_at[number - 1]]
        return "\n".join(lines) + "\n"
    if not rest:
        raise RuleError(
            f"{where}: expected a rule after the chain, such as '-p tcp --dport 8080 -j ACCEPT'"
        )
    line = " ".join(["-A", chain, *(_quoted(w) for w in rest)])
    try:
        rule = parse_rule(line)
    except NetcourseError as exc:
        raise RuleError(f"{where}: {exc}") from None
    if op == "-D":
        same = [i for i in rule_at if _canonical(parse_rule(lines[i])) == _canonical(rule)]
        if not same:
            raise RuleError(f"{where}: Bad rule (does a matching rule exist in that chain?)")
        del lines[same[0]]
    elif op == "-I":
        position = number or 1
        if not 1 <= position <= len(rule_at) + 1:
            raise RuleError(
                f"{where}: Index of insertion too big: {chain} has {len(rule_at)} rules"
            )
        at = rule_at[position - 1] if position <= len(rule_at) else _after(rule_at, end)
        lines.insert(at, line)
    else:
        lines.insert(_after(rule_at, end), line)
    new = "\n".join(lines) + "\n"
    try:
        Firewall.from_iptables(new)
    except NetcourseError as exc:
        raise RuleError(f"{where}: {exc}") from None
    return new


def _quoted(word: str) -> str:
    return f'"{word}"' if " " in word else word


def _after(rule_at: list[int], end: int) -> int:
    return rule_at[-1] + 1 if rule_at else end


def _filter_span(lines: list[str]) -> tuple[int, int]:
    """The lines of the filter table: (first, the COMMIT line or the end)."""
    if "*filter" not in (line.strip() for line in lines):
        return 0, len(lines)
    start = next(i for i, line in enumerate(lines) if line.strip() == "*filter")
    end = next((i for i in range(start, len(lines)) if lines[i].strip() == "COMMIT"), len(lines))
    return start, end
