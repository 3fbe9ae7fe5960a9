"""A packet's journey from a laptop on a home LAN to an EC2 instance in a VPC, and back.

``scenario(name).run()`` follows one connection device by device: TCP's handshake (the SYN
creates the NAT binding and the conntrack entries), then one HTTPS request and its reply; every
decision is made by the model of the lesson that teaches it (CIDR route decisions, the
learning switch, iptables with conntrack, the VPC's ACLs, route tables and security groups);
the home router's NAT is the firewall model's nat table (a MASQUERADE rule, home_ruleset).
Taught in notebooks/06-packet-journey.ipynb.

>>> journey = scenario("sg-missing-port").run()
>>> journey.delivered, journey.failed_at.kind
(False, 'security group (stateful)')
"""

from __future__ import annotations

from netcourse.journey.events import DIRECTIONS, NODES, SEGMENTS, ZONES, Event, Journey, Table
from netcourse.journey.home import HomeHost, HomeRouter, NatEntry, NatTable, home_ruleset
from netcourse.journey.runner import run
from netcourse.journey.scenarios import (
    FIXES,
    HOST_FIREWALL,
    SCENARIOS,
    Scenario,
    Server,
    apply_fix,
    scenario,
    scenarios,
)

__all__ = [
    "DIRECTIONS",
    "SEGMENTS",
    "NODES",
    "ZONES",
    "Event",
    "Journey",
    "Table",
    "HomeRouter",
    "home_ruleset",
    "HomeHost",
    "NatEntry",
    "NatTable",
    "run",
    "FIXES",
    "HOST_FIREWALL",
    "SCENARIOS",
    "Scenario",
    "Server",
    "apply_fix",
    "scenario",
    "scenarios",
]
