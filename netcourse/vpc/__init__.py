"""AWS VPC model: read describe-* output, then ask what can reach what, and what blocks it.

The per-component evaluators are public so a lesson can look at one hop at a time:
``vpc.nacl_for_subnet(subnet_id).evaluate(direction, protocol, addr, port)`` (an
:class:`AclDecision` with the deciding rule number), ``vpc.route_table_for_subnet(subnet_id)
.lookup(addr)`` (a :class:`RouteDecision`), ``security_group.allows(direction, protocol, addr,
port)`` and ``vpc.sg_decision(endpoint, ...)`` (an :class:`SgDecision`). ``vpc.reachability``
chains them into a :class:`Path` of :class:`Hop` s. Taught in notebooks/05-aws-vpc.ipynb.

>>> vpc = Vpc.example("three-tier")
>>> path = vpc.reachability("internet", "web", port=443)
>>> path.reachable, [h.kind for h in path.hops][:3]
(True, ['internet-gateway', 'network-acl', 'security-group'])
"""

from netcourse.vpc.acls import AclDecision, AclEntry, NetworkAcl
from netcourse.vpc.matrix import Matrix
from netcourse.vpc.model import Vpc, examples
from netcourse.vpc.reachability import CODES, Hop, Path, Translation
from netcourse.vpc.resources import (
    EPHEMERAL_PORTS,
    INTERNET_ADDR,
    PROTOCOLS,
    Endpoint,
    NetworkInterface,
    PrefixList,
    VpcSubnet,
)
from netcourse.vpc.routing import Route, RouteDecision, RouteTable
from netcourse.vpc.security_groups import SecurityGroup, SgDecision, SgRule

__all__ = [
    "Vpc",
    "Path",
    "Hop",
    "Translation",
    "Endpoint",
    "VpcSubnet",
    "NetworkInterface",
    "PrefixList",
    "Matrix",
    "examples",
    "NetworkAcl",
    "AclEntry",
    "AclDecision",
    "RouteTable",
    "Route",
    "RouteDecision",
    "SecurityGroup",
    "SgRule",
    "SgDecision",
    "CODES",
    "EPHEMERAL_PORTS",
    "INTERNET_ADDR",
    "PROTOCOLS",
]
