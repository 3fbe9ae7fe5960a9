"""Read iptables rules: ``iptables-save`` output or a plain list of ``-A`` lines, and
``ip6tables-save`` output with ``family=6`` (see family.py for what differs).

Everything the simulator does not support raises :class:`RuleError` naming the line and the
option, so no part of a rule is silently ignored. Taught in notebooks/04-firewalls.ipynb.

>>> rs = parse_ruleset("-A INPUT -p tcp -s 192.168.1.0/24 -m tcp --dport 80 -j ACCEPT")
>>> rule = rs.chains["INPUT"].rules[0]
>>> rule.target, [m.text for m in rule.matches]
('ACCEPT', ['-p tcp', '-s 192.168.1.0/24', '--dport 80'])
>>> parse_ruleset("-A INPUT -m quota --quota 1000 -j ACCEPT")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
netcourse.errors.RuleError: line 1: '-m quota': this match is not simulated; ...
>>> rs = parse_ruleset("-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT", family=6)
>>> [m.text for m in rs.chains["INPUT"].rules[0].matches], rs.family
(['-p ipv6-icmp', '--icmpv6-type 128'], 6)
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from netcourse.errors import NetcourseError, RuleError, quote
from netcourse.firewall.ctmatch import CT_OPTIONS, conntrack_option
from netcourse.firewall.family import IP6_MODULES, IPV4, Family, family_of_text
from netcourse.firewall.family import family as family_of
from netcourse.firewall.gcpause import paused_gc
from netcourse.firewall.grouped import GroupedModules
from netcourse.firewall.headers import FragmentMatch, owner_hook_problems
from netcourse.firewall.ip6matches import FamilyOptions
from netcourse.firewall.matches import (
    STATE_MODULE_STATES,
    STATES,
    AddrMatch,
    CommentMatch,
    IcmpMatch,
    IfaceMatch,
    IpRangeMatch,
    Match,
    MultiportMatch,
    PortMatch,
    ProtoMatch,
    StateMatch,
    TcpFlagsMatch,
)
from netcourse.firewall.options import (
    BUILTIN_CHAINS,
    GROUPED_MODULES,
    MAX_CHAIN_NAME,
    MAX_LISTED,
    MODULES,
    NAT_TARGETS,
    NOTING_TARGETS,
    TABLE_CHAINS,
    TARGETS,
    TERMINAL,
)
from netcourse.firewall.packet import icmp_type_code, protocol_number
from netcourse.firewall.targets import TargetOptions
from netcourse.firewall.words import quote_word, split_words
from netcourse.protocols import TcpFlags, protocol_name, protocol_table, service_port
from netcourse.readers import read_port

__all__ = [
    "Option",
    "Rule",
    "Chain",
    "Ruleset",
    "Problem",
    "parse_ruleset",
    "parse_rule",
    "why_refused",
    "BUILTIN_CHAINS",
    "TABLE_CHAINS",
    "TARGETS",
]

#: The matches that a protocol loads (``-p tcp`` makes ``-m tcp`` available), by protocol,
#: for iptables (4) and ip6tables (6).
_MODULE_PROTOS: dict[int, dict[str, int]] = {
    4: protocol_table(["tcp", "udp", "icmp"]),
    6: {**protocol_table(["tcp", "udp"]), "icmp6": 58},
}
#: Protocols with ports that multiport accepts.
_MULTIPORT_PROTOS = set(protocol_table(["tcp", "udp", "dccp", "sctp", "udplite"]).values())
#: The flags ``--tcp-flags`` names (ECE and CWR have no name there), and ``ALL`` of them.
_TCP_FLAG_NAMES = {name: int(TcpFlags[name]) for name in ("SYN", "ACK", "FIN", "RST", "URG", "PSH")}
_ALL_FLAGS = sum(_TCP_FLAG_NAMES.values())
#: ``--syn``: of SYN, RST, ACK and FIN, only SYN set.
_SYN_MASK = int(TcpFlags.SYN | TcpFlags.RST | TcpFlags.ACK | TcpFlags.FIN)
#: The protocols whose service names a port option reads, by the module that reads it:
#: iptables 1.8's udp match resolves names with getaddrinfo(3), which finds a name of any
#: protocol (tcp first), while tcp and multiport ask getservbyname(3) for their own protocol
#: (test_kernel.py measures it). Other modules read their protocol's names alone.
_SERVICE_PROTOCOLS = {"udp": ("tcp", "udp")}
#: ``iptables-save -c`` counters in front of a rule or after a chain: ``[packets:bytes]``.
_COUNTERS = re.compile(r"\[([0-9]+):([0-9]+)\]")


@dataclass(frozen=True)
class Option:
    """One option of a rule as written: its words, what it is, and the match it made.

    ``kind`` is ``"match"`` (then ``match`` is set), ``"module"`` (``-m NAME``), ``"target"``
    (``-j``/``-g``), ``"target-option"`` (``--reject-with``, ``--log-prefix`` ...) or
    ``"counters"`` (``-c PACKETS BYTES``).
    """

    kind: str
    words: tuple[str, ...]
    match: Match | None = None


@dataclass(frozen=True)
class Problem:
    """One refused part of a ruleset: its line (0 for the file as a whole), part and why."""

    line: int
    part: str
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        return f"line {self.line}: {quote(self.part)}: {self.message}"


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule: its chain, 1-based number there, the text as written, matches and target.

    ``target_options`` keeps the words of a NAT or noting target's options (``--to-destination
    192.0.2.10:80``, ``--clamp-mss-to-pmtu``); ``table`` is the table the rule belongs to.
    """

    chain: str
    number: int
    text: str
    matches: tuple[Match, ...]
    target: str
    goto: bool = False
    reject_with: str | None = None
    line: int = 0
    table: str = "filter"
    target_options: tuple[str, ...] = ()
    options: tuple[Option, ...] = field(default=(), repr=False, compare=False)

    @property
    def terminal(self) -> bool:
        """Whether a match ends the packet's journey (ACCEPT, DROP, REJECT)."""
        return self.target in TERMINAL

    @property
    def noting(self) -> bool:
        """Whether the target notes the packet and goes on (LOG, NFLOG, TCPMSS; and a rule
        with no target, which only counts the packets it matches)."""
        return self.target in ("LOG", "") or self.target in NOTING_TARGETS

    @property
    def jumps(self) -> bool:
        """Whether the target is a user-defined chain (``-j CHAIN`` or ``-g CHAIN``)."""
        return not (
            self.target in TARGETS
            or self.target in NOTING_TARGETS
            or self.target in NAT_TARGETS
            or not self.target
        )

    def __repr__(self) -> str:
        return f"Rule({self.chain} #{self.number}: {self.text!r})"


@dataclass(frozen=True)
class Chain:
    """A chain: its rules in order, and its policy (None for user-defined chains)."""

    name: str
    policy: str | None
    rules: tuple[Rule, ...] = ()

    @property
    def builtin(self) -> bool:
        """Whether this is INPUT, FORWARD or OUTPUT."""
        return self.policy is not None


@dataclass(frozen=True)
class Ruleset:
    """Every chain of the filter table, by name, built-in chains first; ``tables`` holds the
    chains of every table the text declared (raw, mangle, nat, filter, security), filter always.
    """

    chains: dict[str, Chain] = field(default_factory=dict)
    tables: dict[str, dict[str, Chain]] = field(default_factory=dict, compare=False)
    family: int = 4  #: 4: iptables-save's rules; 6: ip6tables-save's

    def __post_init__(self) -> None:
        if "filter" not in self.tables:
            self.tables["filter"] = self.chains

    def rules(self) -> list[Rule]:
        """All rules, chain by chain."""
        return [rule for chain in self.chains.values() for rule in chain.rules]


def _fail(line: int, option: str, message: str) -> RuleError:
    problem = Problem(line, option, message)
    error = RuleError(str(problem))
    error.problems = (problem,)
    return error


def _problems(exc: RuleError) -> tuple[Problem, ...]:
    """The problems an error carries (one without a line for errors raised elsewhere)."""
    return getattr(exc, "problems", None) or (Problem(0, "", str(exc)),)


def _refuse(problems: list[Problem]) -> RuleError:
    """One error for every refused part: the message lists each, one a line."""
    problems.sort(key=lambda p: p.line)
    if len(problems) == 1:
        text = str(problems[0])
    else:
        shown = [str(p) for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            shown.append(f"... and {len(problems) - MAX_LISTED} more (see .problems)")
        text = f"{len(problems)} problems:\n" + "\n".join(shown)
    error = RuleError(text)
    error.problems = tuple(problems)
    return error


def _strip_counters(text: str, line: int) -> str:
    """The line without its leading ``[packets:bytes]`` (``iptables-save -c``), checked."""
    if not text.startswith("["):
        return text
    end = text.find("]")
    counters = text[: end + 1] if end >= 0 else text
    if end < 0 or not _COUNTERS.fullmatch(counters):
        raise _fail(line, counters, "counters are written [packets:bytes], two numbers 0-9")
    rest = text[end + 1 :].strip()
    if not rest:
        raise _fail(
            line,
            counters,
            "counters with no rule after them; expected [packets:bytes] -A CHAIN ...",
        )
    return rest


class _RuleParser(GroupedModules, TargetOptions, FamilyOptions):
    """Reads the options of one ``-A CHAIN ...`` line, in order, like iptables does."""

    def __init__(
        self,
        chain: str,
        tokens: list[str],
        line: int,
        table: str = "filter",
        family: Family = IPV4,
    ):
        self.chain, self.tokens, self.line, self.table = chain, tokens, line, table
        self.family = family
        self.module_options = family.modules(MODULES)
        self.module_proto = _MODULE_PROTOS[family.version]
        self.proto_module = {number: name for name, number in self.module_proto.items()}
        self.pending: list[tuple[str, str]] = []  # protocol matches before -p: checked at the end
        self.target_words: list[str] = []
        self.groups: list[tuple[int, str, dict[str, tuple[bool, list[str]]]]] = []
        self._grouped_option = False
        self.matches: list[Match] = []
        self.options: list[Option] = []
        self.modules: list[str] = []
        self.proto: int | None = None
        self.proto_negated = False
        self.target: str | None = None
        self.goto = False
        self.reject_with: str | None = None
        self.seen: set[str] = set()

    def fail(self, option: str, message: str) -> RuleError:
        return _fail(self.line, option, message)

    def parse(self) -> None:
        tokens, i, negate = self.tokens, 0, False
        while i < len(tokens):
            token = tokens[i]
            if token == "!":
                if negate:
                    raise self.fail("! !", "two ! in a row")
                negate, i = True, i + 1
                continue
            start, matches = (i - 1 if negate else i), len(self.matches)
            if self.target is not None and token.startswith("--"):
                i = self._target_option(i, negate)
            else:
                i = self._option(i, negate)
            negate = False
            self._record(start, i, len(self.matches) > matches)
        if negate:
            raise self.fail("!", "a ! must come before the option it negates")
        for module, option in self.pending:  # the kernel checks -p when the rule is whole
            self._check_module(module, option, final=True)
        if self.groups:  # each grouped module's match (or matches) where its -m stood
            built = {index: self._grouped(module, given) for index, module, given in self.groups}
            self.matches = [
                part
                for index, match in enumerate(self.matches)
                for part in (
                    (built[index] if isinstance(built[index], tuple) else (built[index],))
                    if index in built
                    else (match,)
                )
            ]
        if self.target is None:  # iptables-restore takes it: the rule only counts packets
            self.target = ""
        self._check_target_options(self.target, self.target_words)
        if self.target == "REJECT" and self.reject_with == "tcp-reset":
            if self.proto != 6 or self.proto_negated:
                raise self.fail("--reject-with tcp-reset", "needs -p tcp in the same rule")

    def _record(self, start: int, end: int, matched: bool) -> None:
        """Note the option just read (words ``start:end``) for explanations."""
        words = tuple(self.tokens[start:end])
        head = words[1] if words[0] == "!" else words[0]
        if matched and self.matches[-1] is None:  # -m of a grouped module: built at the end
            self.options.append(Option("module", words))
        elif self._grouped_option:
            self._grouped_option = False
            self.options.append(Option("match-option", words))
        elif matched:
            self.options.append(Option("match", words, self.matches[-1]))
        elif head in ("-m", "--match"):
            self.options.append(Option("module", words))
        elif head in ("-j", "--jump", "-g", "--goto"):
            self.options.append(Option("target", words))
        elif head in ("-c", "--set-counters"):
            self.options.append(Option("counters", words))
        else:
            self.options.append(Option("target-option", words))

    def _value(self, i: int, option: str) -> str:
        if i + 1 >= len(self.tokens):
            raise self.fail(option, "needs a value after it")
        value = self.tokens[i + 1]
        if value == "!":
            raise self.fail(
                f"{option} !", f"put the ! before the option: ! {option} VALUE (iptables 1.8)"
            )
        return value

    def _once(self, key: str, option: str) -> None:
        if key in self.seen:
            raise self.fail(option, "given twice in one rule; iptables allows it only once")
        self.seen.add(key)

    def _option(self, i: int, negate: bool) -> int:
        token = self.tokens[i]
        bang = "! " if negate else ""
        if token in ("-p", "--protocol"):
            value = self._value(i, token)
            self._once("-p", token)
            try:
                number = protocol_number(value, self.family.version)
            except NetcourseError as exc:
                raise self.fail(f"{token} {value}", str(exc).split(": ", 1)[-1]) from None
            self.proto, self.proto_negated = number, negate
            self.matches.append(
                ProtoMatch(
                    text=f"{bang}-p {value}",
                    negate=negate,
                    number=number,
                    version=self.family.version,
                )
            )
            return i + 2
        if token in ("-s", "--source", "--src", "-d", "--destination", "--dst"):
            value = self._value(i, token)
            which = "src" if token in ("-s", "--source", "--src") else "dst"
            self._once(which, token)
            self.matches.append(
                AddrMatch(
                    text=f"{bang}{token} {value}",
                    negate=negate,
                    which=which,
                    net=self._net(token, value),
                )
            )
            return i + 2
        if token in ("-i", "--in-interface", "-o", "--out-interface"):
            value = self._value(i, token)
            which = "in" if token in ("-i", "--in-interface") else "out"
            self._once(which, token)
            if which == "out" and self.chain == "INPUT":
                raise self.fail(
                    token,
                    "INPUT packets have no output interface (iptables: Can't use -o with INPUT)",
                )
            if which == "in" and self.chain == "OUTPUT":
                raise self.fail(
                    token,
                    "OUTPUT packets have no input interface (iptables: Can't use -i with OUTPUT)",
                )
            if not value or len(value) > 15 or "/" in value or " " in value:
                raise self.fail(
                    f"{token} {value}", "an interface name is 1-15 characters, no / or spaces"
                )
            self.matches.append(
                IfaceMatch(text=f"{bang}{token} {value}", negate=negate, which=which, name=value)
            )
            return i + 2
        if token in ("-m", "--match"):
            if negate:
                raise self.fail(
                    f"! {token}", "a match module cannot be negated; negate its options"
                )
            value = self._value(i, token)
            if value not in self.module_options:
                self._other_family_module(f"{token} {value}", value)
                supported = ", ".join(self.module_options)
                raise self.fail(
                    f"{token} {value}",
                    f"this match is not simulated; supported matches are {supported}",
                )
            self._check_module(value, f"{token} {value}")
            self.modules.append(value)
            if value in GROUPED_MODULES:
                self.groups.append((len(self.matches), value, {}))
                self.matches.append(None)  # the match, once its options are all read
            return i + 2
        if token in ("-j", "--jump", "-g", "--goto"):
            if negate:
                raise self.fail(f"! {token}", "a target cannot be negated")
            if self.target is not None:
                raise self.fail(token, "a rule has one target")
            target = self._value(i, token)
            self._check_target(f"{token} {target}", target)
            self.target = target
            self.goto = token in ("-g", "--goto")
            return i + 2
        if token in ("-c", "--set-counters"):
            counters = self.tokens[i + 1 : i + 3]
            if len(counters) < 2 or not all(c.isascii() and c.isdigit() for c in counters):
                raise self.fail(token, "needs two numbers after it: -c PACKETS BYTES")
            return i + 3  # packet and byte counters: bookkeeping, not matching
        if token in ("-f", "--fragment"):
            if self.family.version == 6:  # ip6tables refuses it in these words
                raise self.fail(token, "-f is not supported in IPv6; ip6tables uses -m frag")
            self._once("-f", token)
            self.matches.append(FragmentMatch(text=f"{bang}{token}", negate=negate))
            return i + 1
        if token.startswith("--"):
            return self._module_option(i, negate)
        raise self.fail(token, "unknown option; expected -p, -s, -d, -i, -o, -m, -j or -g")

    def _check_module(self, module: str, option: str, *, final: bool = False) -> None:
        if self.proto is None and not final and module in self.module_proto:
            self.pending.append((module, option))  # -p may come later: iptables accepts it
            return
        needed = self.module_proto.get(module)
        if needed is not None and (self.proto != needed or self.proto_negated):
            name = "icmpv6" if module == "icmp6" else module
            raise self.fail(option, f"the {module} match needs -p {name} before it (without !)")
        if module == "multiport" and (self.proto not in _MULTIPORT_PROTOS or self.proto_negated):
            raise self.fail(option, "multiport needs -p tcp or -p udp before it (without !)")

    def _module_option(self, i: int, negate: bool) -> int:
        token = self.tokens[i]
        modules = self.module_options
        owner = next((m for m in reversed(self.modules) if token in modules[m]), None)
        if owner is None and self.proto in self.proto_module and not self.proto_negated:
            implicit = self.proto_module[self.proto]
            if token in modules[implicit]:  # iptables loads -p's match by itself
                owner = implicit
        if owner is None:
            owners = [name for name, options in modules.items() if token in options]
            if not owners:
                if self.family.version == 4 and any(token in o for o in IP6_MODULES.values()):
                    raise self.fail(token, "an ip6tables option; read IPv6 rules with family=6")
                raise self.fail(token, "not an option the simulator supports")
            if owners[0] in self.module_proto:
                need = " or ".join(
                    f"-p {'icmpv6' if name == 'icmp6' else name}"
                    for name in owners
                    if name in self.module_proto
                )
                hint = f"it belongs to the {owners[0]} match: write {need} before it"
            else:
                hint = f"it belongs to the {owners[0]} match: load it first with -m {owners[0]}"
            raise self.fail(token, f"unknown option here; {hint}")
        arity = modules[owner][token]
        values = self.tokens[i + 1 : i + 1 + arity]
        if "!" in values:
            raise self.fail(
                f"{token} !", f"put the ! before the option: ! {token} VALUE (iptables 1.8)"
            )
        if len(values) < arity:
            raise self.fail(token, f"needs {arity} value{'s' if arity > 1 else ''} after it")
        text = " ".join([("! " if negate else "") + token, *values])
        if owner in GROUPED_MODULES:
            given = next(g for g in reversed(self.groups) if g[1] == owner)[2]
            if token in given:
                raise self.fail(token, "given twice in one match; iptables allows it only once")
            given[token] = (negate, values)
            self._grouped_option = True
            return i + 1 + arity
        self._once(f"{owner}:{token}", token)
        self.matches.append(self._build(owner, token, values, negate, text))
        return i + 1 + arity

    def _build(self, module: str, token: str, values: list[str], negate: bool, text: str) -> Match:
        if module in ("tcp", "udp"):
            if token in ("--syn",):
                self._once("flags", token)
                return TcpFlagsMatch(
                    text=text, negate=negate, flag_mask=_SYN_MASK, comp=int(TcpFlags.SYN), syn=True
                )
            if token == "--tcp-flags":
                self._once("flags", token)
                return TcpFlagsMatch(
                    text=text,
                    negate=negate,
                    flag_mask=self._flags(token, values[0]),
                    comp=self._flags(token, values[1]),
                )
            which = "sport" if token in ("--sport", "--source-port") else "dport"
            self._once(which, token)
            lo, hi = self._range(token, values[0], _SERVICE_PROTOCOLS.get(module, (module,)))
            return PortMatch(text=text, negate=negate, which=which, lo=lo, hi=hi)
        if module in ("icmp", "icmp6"):
            version = 6 if module == "icmp6" else 4
            try:
                kind, code = icmp_type_code(values[0], version)
            except NetcourseError as exc:
                raise self.fail(text, str(exc).split(": ", 1)[-1]) from None
            lo, hi = (0, 255) if code is None else (code, code)
            return IcmpMatch(
                text=text, negate=negate, icmp_type=kind, code_lo=lo, code_hi=hi, version=version
            )
        if module in ("hl", "rt"):
            return self._ip6_match(token, values[0], negate, text)
        if module == "multiport":
            which = {
                "--dports": "dport",
                "--destination-ports": "dport",
                "--sports": "sport",
                "--source-ports": "sport",
            }.get(token, "ports")
            protos = (protocol_name(self.proto),)
            parts = values[0].split(",")
            if len(parts) > 15:
                raise self.fail(text, "multiport takes at most 15 ports (a range counts as 2)")
            ranges = tuple(self._range(token, part, protos, shown=values[0]) for part in parts)
            if sum(1 if lo == hi else 2 for lo, hi in ranges) > 15:
                raise self.fail(text, "multiport takes at most 15 ports (a range counts as 2)")
            return MultiportMatch(text=text, negate=negate, which=which, ranges=ranges)
        if module == "iprange":
            parts = values[0].split("-")
            example = "fd00::10-fd00::20" if self.family.version == 6 else "192.0.2.10-192.0.2.20"
            if len(parts) not in (1, 2):
                raise self.fail(
                    text, f"expected a range of {self.family.name} addresses such as {example}"
                )
            try:
                lo, hi = (self.family.address(p) for p in (parts[0], parts[-1]))
            except NetcourseError as exc:
                problem = str(exc).split(": ", 1)[-1]
                raise self.fail(text, f"{problem} (a range is written {example})") from None
            if lo > hi:
                raise self.fail(text, "the range's first address is above its last")
            return IpRangeMatch(
                text=text,
                negate=negate,
                which="src" if token == "--src-range" else "dst",
                lo=lo,
                hi=hi,
                version=self.family.version,
            )
        if module == "conntrack" and token in CT_OPTIONS:
            read = dict(negate=negate, text=text, fail=self.fail, version=self.family.version)
            return conntrack_option(token, values[0], **read)
        if module in ("conntrack", "state"):
            allowed = tuple(STATES) if module == "conntrack" else STATE_MODULE_STATES
            states = [s.strip().upper() for s in values[0].split(",")]
            bad = [s for s in states if s not in allowed]
            if bad:
                raise self.fail(
                    text, f"{quote(bad[0])} is not a state; expected {', '.join(allowed)}"
                )
            return StateMatch(
                text=text, negate=negate, states=frozenset(states), version=self.family.version
            )
        if negate:
            raise self.fail(text, "a comment cannot be negated")
        return CommentMatch(text=text, negate=negate, comment=values[0])

    def _flags(self, option: str, value: str) -> int:
        bits = 0
        for name in value.upper().split(","):
            if name == "ALL":
                bits |= _ALL_FLAGS
            elif name == "NONE":
                continue
            elif name in _TCP_FLAG_NAMES:
                bits |= _TCP_FLAG_NAMES[name]
            else:
                raise self.fail(
                    f"{option} {value}",
                    f"{quote(name)} is not a flag; use SYN,ACK,FIN,RST,URG,PSH,ALL,NONE",
                )
        return bits

    def _port(self, option: str, value: str, part: str, protos: tuple[str, ...]) -> int:
        """One port of ``value``: a number, or a service name of one of ``protos``."""
        text = part.strip()
        for proto in protos:
            port = service_port(text, proto)
            if port is not None:
                return port
        if text and all(char.isdigit() for char in text):
            try:
                return read_port(text, low=0, error=RuleError)
            except RuleError as exc:
                problem = str(exc).split(": ", 1)[-1]
                if not text.isascii():
                    problem += "; iptables refuses it too"
                raise self.fail(f"{option} {value}", problem) from None
        if not text:
            raise self.fail(f"{option} {value}", "a port is missing; expected a port 0-65535")
        raise self.fail(
            f"{option} {value}",
            f"expected a port 0-65535 or a service name such as http ({quote(text)} is no "
            f"{' or '.join(protos)} service iptables knows)",
        )

    def _range(
        self, option: str, value: str, protos: tuple[str, ...], shown: str | None = None
    ) -> tuple[int, int]:
        """A port or ``lo:hi`` range (an empty end is 0 or 65535); ``shown`` is the whole
        value the option was given, for messages."""
        shown = value if shown is None else shown
        if ":" in value:
            lo_text, hi_text = value.split(":", 1)
            lo = self._port(option, shown, lo_text, protos) if lo_text else 0
            hi = self._port(option, shown, hi_text, protos) if hi_text else 65535
            if lo > hi:
                raise self.fail(f"{option} {shown}", "the range's first port is above its last")
            return lo, hi
        port = self._port(option, shown, value, protos)
        return port, port

    def _net(self, option: str, value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        if "," in value:
            raise self.fail(
                f"{option} {value}",
                "one address or network per rule here; write one rule per address",
            )
        try:
            return self.family.network(value)
        except NetcourseError as exc:
            raise self.fail(f"{option} {value}", str(exc)) from None


def parse_rule(
    line: str,
    number: int = 1,
    line_number: int = 1,
    *,
    table: str = "filter",
    family: int = 4,
) -> Rule:
    """One ``-A CHAIN ...`` line as a :class:`Rule` (targets are not checked against chains).

    >>> parse_rule("-A INPUT ! -s 10.0.0.0/8 -j DROP").matches[0].negate
    True
    >>> parse_rule("-A INPUT -m tcp --dport 22 -p tcp -j ACCEPT").text  # -p after: accepted
    '-A INPUT -m tcp --dport 22 -p tcp -j ACCEPT'
    """
    if not isinstance(line, str):
        raise RuleError(f"{quote(line)}: expected a rule as text such as '-A INPUT -j DROP'")
    text = _strip_counters(line.strip(), line_number)
    try:
        tokens = split_words(text)
    except ValueError as exc:
        raise _fail(line_number, text, f"cannot split into words ({exc})") from None
    if len(tokens) < 2 or tokens[0] not in ("-A", "--append"):
        raise _fail(
            line_number, text, "expected a rule such as -A INPUT -p tcp --dport 22 -j ACCEPT"
        )
    return _rule_of_words(tokens, number, line_number, table, family_of(family))


def _rule_of_words(
    tokens: list[str], number: int, line_number: int, table: str, family: Family = IPV4
) -> Rule:
    """The rule of an ``-A CHAIN ...`` line already split into words."""
    chain = tokens[1]
    parser = _RuleParser(chain, tokens[2:], line_number, table, family)
    parser.parse()
    return Rule(
        chain=chain,
        number=number,
        text=" ".join(quote_word(t) for t in tokens),
        matches=tuple(parser.matches),
        target=parser.target,
        goto=parser.goto,
        reject_with=parser.reject_with,
        line=line_number,
        table=table,
        target_options=tuple(parser.target_words),
        options=tuple(parser.options),
    )


class _TableText:
    """The declarations and rule lines of one table, as read so far."""

    def __init__(self, name: str, line: int):
        self.name, self.line = name, line
        self.policies: dict[str, str | None] = {c: "ACCEPT" for c in TABLE_CHAINS[name]}
        self.rules: dict[str, list[tuple[int, list[str]]]] = {c: [] for c in TABLE_CHAINS[name]}
        self.committed = False


@paused_gc
def parse_ruleset(text: str, *, family: int | None = None) -> Ruleset:
    """Parse ``iptables-save`` output (any of ``*raw``, ``*mangle``, ``*nat``, ``*filter``), or
    ``-A``/``-N``/``-P`` lines (the filter table; built-in policies ACCEPT).

    ``family=6`` reads ``ip6tables-save`` output (IPv6 addresses, ICMPv6, ip6tables' matches);
    by default a text whose ``# Generated by`` line names ip6tables-save is IPv6 and any other
    IPv4. An address of the other family is refused, saying which ``family`` reads it.

    Every refused line is reported at once: the :class:`RuleError` lists each, and its
    ``problems`` holds them as :class:`Problem` values.

    >>> rs = parse_ruleset("*filter\\n:INPUT DROP [0:0]\\n-A INPUT -i lo -j ACCEPT\\nCOMMIT")
    >>> rs.chains["INPUT"].policy, len(rs.chains["INPUT"].rules)
    ('DROP', 1)
    >>> rs = parse_ruleset("*nat\\n:POSTROUTING ACCEPT [0:0]\\n-A POSTROUTING -o eth0 -j MASQUERADE"
    ...                    "\\nCOMMIT")
    >>> rs.tables["nat"]["POSTROUTING"].rules[0].target
    'MASQUERADE'
    >>> try:
    ...     parse_ruleset("-A INPUT -p tcp --dport x -j ACCEPT\\n-A INPUT -j ACCPET")
    ... except RuleError as exc:
    ...     print([problem.line for problem in exc.problems])
    [1, 2]
    """
    if not isinstance(text, str):
        if isinstance(text, (list, tuple)):
            text = "\n".join(str(line) for line in text)
        else:
            raise RuleError(
                f"{type(text).__name__}: expected the ruleset as text or a list of lines"
            )
    rules_family = family_of(family_of_text(text) if family is None else family)
    problems: list[Problem] = []
    tables: dict[str, _TableText] = {}
    current: _TableText | None = None
    skipping = False  # inside a table that cannot be read: wait for its COMMIT
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if skipping and line != "COMMIT":
            continue
        try:
            if line.startswith("*"):
                if current is not None and not current.committed:
                    raise _fail(
                        number,
                        line,
                        f"the *{current.name} table of line {current.line} is not closed by "
                        "COMMIT before it",
                    )
                name = line[1:].strip()
                if name not in TABLE_CHAINS:
                    skipping = True
                    shown = name if name.isidentifier() and len(name) <= 30 else quote(name)
                    raise _fail(
                        number,
                        line,
                        f"there is no {shown} table; iptables has {', '.join(TABLE_CHAINS)}",
                    )
                current = tables[name] = _TableText(name, number)  # a second block replaces
                continue
            if line == "COMMIT":
                if skipping:
                    skipping = False
                    continue
                if current is None or current.committed is not False:
                    raise _fail(number, line, "COMMIT without a *filter line before it")
                current.committed = True
                continue
            if current is not None and current.committed:
                raise _fail(number, line, "comes after COMMIT; start a table with *filter first")
            if current is None:
                current = tables["filter"] = _TableText("filter", 0)
                current.committed = None  # plain lines: no COMMIT needed
            _read_line(current, line, number)
        except RuleError as exc:
            problems += _problems(exc)
    if current is not None and current.committed is False:
        problems.append(
            Problem(
                0,
                "",
                f"the *{current.name} table is never closed by COMMIT (iptables-restore needs it)",
            )
        )
    if "filter" not in tables:
        tables["filter"] = _TableText("filter", 0)
    built: dict[str, dict[str, Chain]] = {}
    for name, table in tables.items():
        chains: dict[str, Chain] = {}
        for chain, lines in table.rules.items():
            parsed = []
            for ln, line in lines:
                try:
                    parsed.append(_rule_of_words(line, len(parsed) + 1, ln, name, rules_family))
                except RuleError as exc:
                    problems += _problems(exc)
            chains[chain] = Chain(chain, table.policies[chain], tuple(parsed))
        problems += _check_targets(chains, name)
        problems += [Problem(*p) for p in owner_hook_problems(chains, TABLE_CHAINS[name])]
        built[name] = chains
    if problems:
        raise _refuse(problems)
    order = [name for name in TABLE_CHAINS if name in built]
    return Ruleset(
        built["filter"], {name: built[name] for name in order}, family=rules_family.version
    )


def _read_line(table: _TableText, line: str, number: int) -> None:
    """Take one declaration or rule line of ``table``."""
    rules = table.rules
    if line.startswith(":"):
        parts = line[1:].split()
        if len(parts) < 2 or len(parts) > 3:
            raise _fail(number, line, "expected :CHAIN POLICY [packets:bytes]")
        if len(parts) == 3 and not _COUNTERS.fullmatch(parts[2]):
            raise _fail(
                number, line, "the counters after the policy are [packets:bytes], two numbers"
            )
        _declare(table, name=parts[0], policy=parts[1], number=number, line=line)
        return
    line = _strip_counters(line, number)
    try:
        words = split_words(line)
    except ValueError as exc:
        raise _fail(number, line, f"cannot split into words ({exc})") from None
    if words[0] in ("-N", "--new-chain"):
        if len(words) != 2:
            raise _fail(number, line, "expected -N CHAIN: one chain name")
        _declare(table, name=words[1], policy="-", number=number, line=line)
        return
    if words[0] in ("-P", "--policy"):
        if len(words) != 3:
            raise _fail(number, line, "expected -P CHAIN POLICY, such as -P INPUT DROP")
        if words[1] not in TABLE_CHAINS[table.name]:
            raise _fail(
                number,
                line,
                f"{quote(words[1])} is not a built-in chain; only they have policies",
            )
        _declare(table, name=words[1], policy=words[2], number=number, line=line)
        return
    if words[0] in ("-A", "--append"):
        chain = words[1] if len(words) > 1 else ""
        if chain not in rules:
            hint = (
                f"declare it first with -N {chain} (or :{chain} - [0:0])"
                if _chain_name_problem(chain) is None
                else _chain_name_problem(chain)
            )
            raise _fail(number, f"-A {chain}", f"no chain {quote(chain)}; {hint}")
        rules[chain].append((number, words))
        return
    raise _fail(number, words[0], "expected -A, -N, -P, :CHAIN POLICY, *filter or COMMIT")


def _chain_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a user chain, or None when it can."""
    if not name:
        return "a chain needs a name"
    if name in TARGETS or name in NOTING_TARGETS or name in NAT_TARGETS:
        return f"{name} is a target, not a chain"
    if name.startswith("-") or name.startswith("!"):
        return f"a chain name cannot start with {name[0]}"
    if len(name) > MAX_CHAIN_NAME:
        return f"a chain name is at most {MAX_CHAIN_NAME} characters (this one has {len(name)})"
    return None


def _declare(table: _TableText, *, name: str, policy: str, number: int, line: str) -> None:
    policies, rules = table.policies, table.rules
    if name in TABLE_CHAINS[table.name]:
        if policy not in ("ACCEPT", "DROP"):
            raise _fail(
                number,
                line,
                f"policy {quote(policy)}: a built-in chain's policy is ACCEPT or DROP",
            )
        policies[name] = policy
        return
    if policy != "-":
        raise _fail(
            number,
            line,
            f"{quote(name)} is not a built-in chain; user chains have no policy (write -)",
        )
    if name in rules:
        raise _fail(number, line, f"chain {quote(name)} is declared twice")
    problem = _chain_name_problem(name)
    if problem is not None:
        raise _fail(number, line, f"{quote(name)} cannot name a chain: {problem}")
    policies[name] = None
    rules[name] = []


def _loop_text(path: list[str], target: str) -> str:
    """The chains of a jump loop, ``A -> B -> A``, shortened when the loop is long."""
    cycle = [*path[path.index(target) :], target]
    if len(cycle) > 8:
        cycle = [*cycle[:3], f"... {len(cycle) - 5} more chains ...", *cycle[-2:]]
    return " -> ".join(cycle)


def _check_targets(chains: dict[str, Chain], table: str = "filter") -> list[Problem]:
    """The jumps to unknown chains and the jump loops (depth-first, without recursion)."""
    problems: list[Problem] = []
    bad: set[tuple[str, int]] = set()
    for chain in chains.values():
        for rule in chain.rules:
            if not rule.jumps:
                continue
            jump = f"{'-g' if rule.goto else '-j'} {rule.target}"
            if rule.target in TABLE_CHAINS[table]:
                problems.append(Problem(rule.line, jump, "cannot jump to a built-in chain"))
                bad.add((chain.name, rule.number))
            elif rule.target not in chains:
                problems.append(
                    Problem(
                        rule.line,
                        jump,
                        "no such chain or target; simulated targets are ACCEPT, DROP, REJECT, "
                        "LOG, RETURN, NFLOG, TCPMSS, MARK, CONNMARK, the nat table's DNAT, SNAT, "
                        "MASQUERADE and REDIRECT, and user chains declared with -N",
                    )
                )
                bad.add((chain.name, rule.number))
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in chains:
        if root in state:
            continue
        state[root] = 1
        path, pending = [root], [iter(chains[root].rules)]
        while pending:
            rule = next(pending[-1], None)
            if rule is None:
                state[path.pop()] = 2
                pending.pop()
                continue
            if not rule.jumps or (rule.chain, rule.number) in bad:
                continue
            if state.get(rule.target) == 1:
                problems.append(
                    Problem(
                        rule.line,
                        f"{'-g' if rule.goto else '-j'} {rule.target}",
                        f"jumps in a loop ({_loop_text(path, rule.target)}); "
                        "iptables-restore refuses it",
                    )
                )
                continue
            if rule.target not in state:
                state[rule.target] = 1
                path.append(rule.target)
                pending.append(iter(chains[rule.target].rules))
    return problems


def why_refused(text: str) -> str | None:
    """Why a ruleset would be refused (the RuleError message), or None when it is fine.

    >>> print(why_refused("-A INPUT --dport 22 -j ACCEPT"))  # doctest: +ELLIPSIS
    line 1: '--dport': unknown option here; it belongs to the tcp match: write -p tcp or ...
    >>> why_refused("-A INPUT -p tcp --dport 22 -j ACCEPT") is None
    True
    """
    try:
        parse_ruleset(text)
    except RuleError as exc:
        return str(exc)
    return None
