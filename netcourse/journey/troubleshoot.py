"""Troubleshooting labs on the whole journey: two or three faults between laptop and server.

A :class:`JourneyLab` is a :class:`netcourse.vpc.troubleshoot.Lab` whose components are a
:class:`~netcourse.journey.Scenario`: each :meth:`~JourneyLab.run` is a journey run
(:func:`netcourse.journey.run`), and the :class:`~netcourse.vpc.troubleshoot.Stop` is its
``failed_at`` event. Besides the VPC fixes of lesson 05 (``route``, ``route_table``, ``sg``,
``acl``) the learner can set the laptop's ``netmask`` or ``gateway``, run an ``iptables``
command on the server (``-A``, ``-I``, ``-D`` or ``-P``, as :func:`edit_iptables` reads it),
or hand back an edited ``scenario``.

Taught in notebooks/06-packet-journey.ipynb.

>>> lab = troubleshoot("no-connection")
>>> lab.run().where
'laptop'
>>> lab.fix(netmask="255.255.255.0").after.where
'web iptables'
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from netcourse.errors import JourneyError, NetcourseError, quote
from netcourse.firewall import Firewall, Packet
from netcourse.firewall.parser import Rule, parse_rule
from netcourse.firewall.words import split_words
from netcourse.journey.scenarios import (
    HOST_FIREWALL,
    WEB_RULE,
    Scenario,
    load_vpc_data,
)
from netcourse.journey.scenarios import scenario as named_scenario
from netcourse.vpc.model import Vpc
from netcourse.vpc.troubleshoot import Lab, apply_vpc_fix, vpc_changes, vpc_probes

__all__ = [
    "JourneyLab",
    "LABS",
    "HOST_PROBES",
    "labs",
    "troubleshoot",
    "edit_iptables",
]

#: New connections the server's own firewall must treat as the healthy scenario's does:
#: (chain, port). INPUT: from the internet to the server; OUTPUT: from the server to the
#: internet. A fix that lets one through that the healthy firewall drops is too broad.
HOST_PROBES = (("INPUT", 22), ("INPUT", 3389), ("INPUT", 8080), ("OUTPUT", 22), ("OUTPUT", 25))

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


def _canonical(rule: Rule) -> Rule:
    """What makes two rules the same rule, as ``iptables -D`` compares them: everything but
    where and how it was written (its number, text, line and table)."""
    return dataclasses.replace(rule, number=0, text="", line=0, table="filter")


def edit_iptables(text: str, command: str) -> str:
    """The ``iptables-save`` text after one iptables command on its filter table.

    ``-A CHAIN rule`` appends, ``-I CHAIN [N] rule`` inserts before rule N (1 by default),
    ``-D CHAIN N`` or ``-D CHAIN rule`` deletes, ``-P CHAIN ACCEPT|DROP`` sets the policy; as
    ``iptables`` itself does, and with its complaints when the chain, the number or the rule
    is not there.

    >>> text = edit_iptables(HOST_FIREWALL, "-I INPUT 2 -p tcp --dport 8080 -j ACCEPT")
    >>> [line for line in text.splitlines() if line.startswith("-A INPUT")][1]
    '-A INPUT -p tcp --dport 8080 -j ACCEPT'
    >>> edit_iptables(HOST_FIREWALL, "-A INPT -j ACCEPT")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.JourneyError: iptables '-A INPT -j ACCEPT': no chain 'INPT'; ...
    """
    if not isinstance(command, str) or not command.strip():
        raise JourneyError(
            f"iptables {quote(command)}: expected one iptables command such as "
            "'-A INPUT -p tcp --dport 8080 -j ACCEPT'"
        )
    where = f"iptables {quote(' '.join(command.split()))}"
    try:
        words = split_words(command.strip())
    except ValueError as exc:
        raise JourneyError(f"{where}: cannot split into words ({exc})") from None
    if words and words[0] == "iptables":
        words = words[1:]
    if len(words) < 2 or words[0] not in _OPS:
        raise JourneyError(
            f"{where}: expected -A, -I, -D or -P and a chain first, such as "
            "'-A INPUT -p tcp --dport 8080 -j ACCEPT'"
        )
    op, chain, rest = _OPS[words[0]], words[1], words[2:]
    try:
        chains = Firewall.from_iptables(text).chains
    except NetcourseError as exc:
        raise JourneyError(f"the server's ruleset cannot be read: {exc}") from None
    if chain not in chains:
        raise JourneyError(
            f"{where}: no chain {quote(chain)}; the filter table has {', '.join(chains)}"
        )
    lines = text.splitlines()
    start, end = _filter_span(lines)
    rule_at = [i for i in range(start, end) if lines[i].split()[:2] == ["-A", chain]]
    if op == "-P":
        if len(rest) != 1 or rest[0] not in ("ACCEPT", "DROP") or chains[chain].policy is None:
            raise JourneyError(f"{where}: a built-in chain's policy is ACCEPT or DROP")
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
            raise JourneyError(f"{where}: -D takes a rule number or a rule, not both")
        if not 1 <= number <= len(rule_at):
            raise JourneyError(
                f"{where}: {chain} has rules 1-{len(rule_at)}; there is no rule {number} to delete"
            )
        del lines[rule_at[number - 1]]
        return "\n".join(lines) + "\n"
    if not rest:
        raise JourneyError(
            f"{where}: expected a rule after the chain, such as '-p tcp --dport 8080 -j ACCEPT'"
        )
    line = " ".join(["-A", chain, *(_quoted(w) for w in rest)])
    try:
        rule = parse_rule(line)
    except NetcourseError as exc:
        raise JourneyError(f"{where}: {exc}") from None
    if op == "-D":
        same = [i for i in rule_at if _canonical(parse_rule(lines[i])) == _canonical(rule)]
        if not same:
            raise JourneyError(f"{where}: Bad rule (does a matching rule exist in that chain?)")
        del lines[same[0]]
    elif op == "-I":
        position = number or 1
        if not 1 <= position <= len(rule_at) + 1:
            raise JourneyError(
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
        raise JourneyError(f"{where}: {exc}") from None
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


class JourneyLab(Lab):
    """A lab on the whole journey: a broken :class:`~netcourse.journey.Scenario` (lesson 06).

    VPC fixes apply to the server's instance (its group, its subnet's ACL and route table).
    """

    UNIT = "steps"
    FIXES = {
        "netmask": "set the laptop's netmask: '255.255.0.0' (or '/16')",
        "gateway": "set the laptop's default gateway: '192.168.0.1'",
        "iptables": "run an iptables command on the server: "
        "'-A INPUT -p tcp --dport 8080 -j ACCEPT'",
        "route": "add a route to the server subnet's route table: '198.51.100.0/24 -> igw'",
        "sg": "add a rule to the server's security group: 'allow tcp 8080 from 10.0.0.0/16'",
        "acl": "add an entry to the server subnet's network ACL: '140 allow udp 53 to 10.0.0.2/32'",
        "route_table": "make the server's subnet use another route table: 'public' or 'rtb-...'",
        "scenario": "replace the scenario with an edited one: lab.scenario.replace(...)",
    }

    @property
    def scenario(self) -> Scenario:
        """The scenario as it is now (change it with ``replace`` and ``lab.fix(scenario=...)``)."""
        return self._components

    def _error(self, message: str) -> NetcourseError:
        return JourneyError(message)

    def _trace(self, sc: Scenario):
        journey = sc.run()
        if journey.delivered:
            return True, "", "", "", "", len(journey.events)
        stop = journey.failed_at or journey.events[-1]
        node = re.sub(r"\s*\(.*\)$", "", stop.kind)  # "security group (stateful)" -> ...
        reason = f"{stop.decision}. {stop.why}"
        return False, stop.device, node, stop.direction, reason, stop.step - 1

    def _apply(self, sc: Scenario, kind: str, value: Any) -> Scenario:
        if kind == "scenario":
            if not isinstance(value, Scenario):
                raise JourneyError(
                    f"{quote(value)}: expected a Scenario, such as lab.scenario.replace(...)"
                )
            return value
        if kind == "netmask":
            return sc.replace(laptop_netmask=value)
        if kind == "gateway":
            return sc.replace(laptop_gateway=value)
        if kind == "iptables":
            return sc.replace(server_iptables=edit_iptables(sc.server.iptables, value))
        vpc = apply_vpc_fix(sc.vpc, sc.server.instance, kind, value)
        return dataclasses.replace(sc, vpc=vpc)

    def _changes(self, old: Scenario, new: Scenario) -> tuple[str, ...]:
        changed = []
        for part in ("laptop", "neighbour", "router", "server"):
            a, b = getattr(old, part), getattr(new, part)
            for f in dataclasses.fields(a):
                if getattr(a, f.name) != getattr(b, f.name):
                    changed.append(f"{part} {f.name}")
        for name in ("client_port", "target"):
            if getattr(old, name) != getattr(new, name):
                changed.append(name)
        return (*changed, *vpc_changes(old.vpc, new.vpc))

    def _probes(self, sc: Scenario) -> dict[str, bool]:
        probes = vpc_probes(sc.vpc)
        fw = Firewall.from_iptables(sc.server.iptables)
        private = Vpc(sc.vpc).instance(sc.server.instance).private_ip
        for chain, port in HOST_PROBES:
            ends = (sc.router.wan_ip, private) if chain == "INPUT" else (private, sc.router.wan_ip)
            packet = Packet(
                "tcp", src=ends[0], dst=ends[1], sport=sc.client_port, dport=port, flags="S"
            )
            way = "internet -> " if chain == "INPUT" else ""
            question = f"{way}{sc.server.instance} iptables {chain} new tcp port {port}"
            probes[question] = fw.evaluate(packet, chain=chain).action == "ACCEPT"
        return probes


def _no_connection() -> Scenario:
    return named_scenario("healthy").replace(
        name="no-connection",
        laptop_netmask="0.0.0.0",
        server_iptables=HOST_FIREWALL.replace(WEB_RULE + "\n", ""),
        vpc=load_vpc_data("missing-igw-route"),
    )


#: The rule that lets the server's replies out: conntrack knows the connection.
_REPLY_RULE = "-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"


def _server_silent() -> Scenario:
    return named_scenario("healthy").replace(
        name="server-silent",
        laptop_gateway=None,
        server_iptables=HOST_FIREWALL.replace(_REPLY_RULE + "\n", ""),
        vpc=load_vpc_data("sg-missing-port"),
    )


#: The lesson 06 labs: name -> (what the learner is told, the broken scenario, how many
#: faults). What the faults are is for the learner to find.
LABS = {
    "no-connection": (
        "the laptop cannot open the shop's web page; three things are wrong on the way",
        _no_connection,
        3,
    ),
    "server-silent": (
        "the laptop gets no answer from the web server; three things are wrong on the way",
        _server_silent,
        3,
    ),
}


def labs() -> dict[str, str]:
    """The journey troubleshooting labs: name -> what the learner is told.

    >>> sorted(labs())
    ['no-connection', 'server-silent']
    """
    return {name: text for name, (text, *_) in LABS.items()}


def troubleshoot(name: str) -> JourneyLab:
    """A fresh journey troubleshooting lab (see :func:`labs`).

    >>> print(troubleshoot("server-silent").run().reason)  # doctest: +ELLIPSIS
    no route: network is unreachable. 203.0.113.10 is outside 10.0.1.0/24 and no gateway is ...
    """
    if not isinstance(name, str) or name not in LABS:
        raise JourneyError(f"{quote(name)}: no such lab; expected one of {', '.join(LABS)}")
    text, build, faults = LABS[name]
    return JourneyLab(name, text, build(), named_scenario("healthy"), faults)
