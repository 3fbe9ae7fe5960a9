"""Troubleshooting labs on the whole journey: two or three faults between laptop and server.

A :class:`JourneyLab` is a :class:`netcourse.vpc.troubleshoot.Lab` whose components are a
:class:`~netcourse.journey.Scenario`: each :meth:`~JourneyLab.run` is a journey run
(:func:`netcourse.journey.run`), and the :class:`~netcourse.vpc.troubleshoot.Stop` is its
``failed_at`` event. Besides the VPC fixes of lesson 05 (``route``, ``route_table``, ``sg``,
``acl``) the learner can set the laptop's ``netmask`` or ``gateway``, run an ``iptables``
command on the server (``-A``, ``-I``, ``-D`` or ``-P``, as
:func:`netcourse.firewall.commands.edit_iptables` reads it), or hand back an edited ``scenario``.

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

from netcourse.errors import JourneyError, NetcourseError, RuleError, quote
from netcourse.firewall import Firewall, Packet
from netcourse.firewall.commands import edit_iptables
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
]

#: New connections the server's own firewall must treat as the healthy scenario's does:
#: (chain, port). INPUT: from the internet to the server; OUTPUT: from the server to the
#: internet. A fix that lets one through that the healthy firewall drops is too broad.
HOST_PROBES = (("INPUT", 22), ("INPUT", 3389), ("INPUT", 8080), ("OUTPUT", 22), ("OUTPUT", 25))


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
            try:
                return sc.replace(server_iptables=edit_iptables(sc.server.iptables, value))
            except RuleError as exc:
                raise JourneyError(str(exc)) from None
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
