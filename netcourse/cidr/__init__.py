"""Addresses, prefixes and subnets: read them, split them, plan them, route by them.

Taught in notebooks/03-cidr-and-subnets.ipynb; ``contains``, ``route_decision`` and
``longest_prefix_match`` come back in the firewall, VPC and journey lessons.

The arithmetic is the standard library's :mod:`ipaddress` and :mod:`netaddr`; this module
adds the reading of a learner's text with errors that name the bad part, the ``ipcalc``
meaning of "usable hosts", and the teaching views (binary, split, plan, a host's route).

>>> net = subnet("10.0.2.3/16")
>>> net.network, net.netmask, net.usable_hosts
('10.0.0.0/16', '255.255.0.0', 65534)
>>> contains("192.168.1.0/24", "192.168.7.1")
False
"""

from __future__ import annotations

from netcourse.cidr.addresses import (
    HOST_COLOUR,
    NETWORK_COLOUR,
    RESERVED_ANYCAST_COUNT,
    RESERVED_ANYCAST_IID,
    SPECIAL_RANGES,
    Binary,
    Subnet,
    Subnets,
    binary,
    contains,
    host_part,
    overlaps,
    spanning,
    split,
    subnet,
    summarize,
)
from netcourse.cidr.cloud import (
    CLOUD_PROVIDERS,
    CloudProvider,
    CloudSubnet,
    cloud_provider,
    cloud_subnet,
)
from netcourse.cidr.planning import Allocation, Plan, hosts_to_prefix, plan
from netcourse.cidr.routing import (
    LINK_LOCAL_PREFIX,
    Frame,
    HostRoute,
    link_local,
    longest_prefix_match,
    route_decision,
    router_advertisement,
    solicited_node,
)

__all__ = [
    "SPECIAL_RANGES",
    "NETWORK_COLOUR",
    "HOST_COLOUR",
    "RESERVED_ANYCAST_COUNT",
    "CLOUD_PROVIDERS",
    "RESERVED_ANYCAST_IID",
    "CloudProvider",
    "CloudSubnet",
    "cloud_provider",
    "cloud_subnet",
    "LINK_LOCAL_PREFIX",
    "link_local",
    "solicited_node",
    "router_advertisement",
    "Binary",
    "Subnet",
    "Subnets",
    "Allocation",
    "Plan",
    "HostRoute",
    "subnet",
    "binary",
    "contains",
    "overlaps",
    "summarize",
    "spanning",
    "split",
    "hosts_to_prefix",
    "plan",
    "route_decision",
    "longest_prefix_match",
    "Frame",
    "host_part",
]
