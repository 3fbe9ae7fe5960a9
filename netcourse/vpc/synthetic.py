"""Larger made-up VPCs in describe-* shape, for timing the matrix and for property tests.

>>> data = synthetic(instances=40, seed=1)
>>> sum(len(r["Instances"]) for r in data["Reservations"])
40
"""

from __future__ import annotations

import random

__all__ = ["synthetic", "dual_stack"]

_TIERS = ("web", "app", "db", "batch")
_PORTS = {"web": (443, 443), "app": (8080, 8080), "db": (5432, 5432), "batch": (9000, 9100)}


def _id(prefix: str, n: int) -> str:
    return f"{prefix}-0f{n:015x}"


#: The IPv6 block of a dual-stack synthetic VPC (a documentation prefix, RFC 3849).
_V6 = "2001:db8:100"


def synthetic(
    instances: int = 1000, seed: int = 0, *, ipv6: bool = False, secondary: bool = False
) -> dict:
    """A VPC with four /20 tiers (web public, app, db, batch private), random rules and members.

    The rules are drawn at random (fixed ``seed``) from the shapes the lessons use: CIDR and
    group-referencing security group rules, per-tier network ACLs with or without the
    ephemeral range, a NAT gateway and an internet gateway. ``ipv6`` makes it dual-stack: an
    IPv6 /56 with a /64 per tier, one IPv6 address per instance, ::/0 to the internet gateway
    and the ACLs' IPv6 catch-all 32768. ``secondary`` gives every interface a secondary
    private address and every tenth instance a second interface (device 1, in another tier's
    group), as describe-instances prints them.

    >>> data = synthetic(instances=4, seed=1, ipv6=True)
    >>> data["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0]["Ipv6Addresses"]
    [{'Ipv6Address': '2001:db8:100:1::1'}]
    """
    rng = random.Random(seed)
    vpc_id, igw_id, nat_id = _id("vpc", 1), _id("igw", 1), _id("nat", 1)
    subnets, acls, groups, tables, reservations = [], [], [], [], []
    for k, tier in enumerate(_TIERS):
        subnets.append(
            {
                "SubnetId": _id("subnet", k),
                "VpcId": vpc_id,
                "CidrBlock": f"10.0.{16 * k}.0/20",
                "Tags": [{"Key": "Name", "Value": tier}],
                **(
                    {"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": f"{_V6}:{k}::/64"}]}
                    if ipv6
                    else {}
                ),
            }
        )
        entries = []
        for egress in (False, True):
            number = 100
            for other in rng.sample(_TIERS, rng.randint(1, 4)):
                low, high = _PORTS[other]
                cidr = rng.choice(
                    ["0.0.0.0/0", "10.0.0.0/16", f"10.0.{16 * _TIERS.index(other)}.0/20"]
                )
                entries.append(
                    {
                        "RuleNumber": number,
                        "Protocol": "6",
                        "RuleAction": rng.choice(["allow", "allow", "allow", "deny"]),
                        "Egress": egress,
                        "CidrBlock": cidr,
                        "PortRange": {"From": low, "To": high},
                    }
                )
                number += 10
            if rng.random() < 0.8:
                entries.append(
                    {
                        "RuleNumber": number,
                        "Protocol": "6",
                        "RuleAction": "allow",
                        "Egress": egress,
                        "CidrBlock": "0.0.0.0/0",
                        "PortRange": {"From": 1024, "To": 65535},
                    }
                )
            if ipv6:
                for rule, action in ((number + 1, "allow"), (32768, "deny")):
                    entries.append(
                        {
                            "RuleNumber": rule,
                            "Protocol": "-1",
                            "RuleAction": action,
                            "Egress": egress,
                            "Ipv6CidrBlock": "::/0",
                        }
                    )
        acls.append(
            {
                "NetworkAclId": _id("acl", k),
                "VpcId": vpc_id,
                "IsDefault": False,
                "Entries": entries,
                "Associations": [{"SubnetId": _id("subnet", k)}],
            }
        )
        ingress = []
        for source in rng.sample(_TIERS, rng.randint(1, 3)):
            low, high = _PORTS[tier]
            if rng.random() < 0.5:
                peer = {"UserIdGroupPairs": [{"GroupId": _id("sg", _TIERS.index(source))}]}
            else:
                peer = {"IpRanges": [{"CidrIp": f"10.0.{16 * _TIERS.index(source)}.0/20"}]}
            ingress.append({"IpProtocol": "tcp", "FromPort": low, "ToPort": high, **peer})
        if tier == "web":
            ingress.append(
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            )
        groups.append(
            {
                "GroupId": _id("sg", k),
                "GroupName": tier,
                "VpcId": vpc_id,
                "IpPermissions": ingress,
                "IpPermissionsEgress": [
                    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
                ],
            }
        )
    local = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}
    tables.append(
        {
            "RouteTableId": _id("rtb", 0),
            "VpcId": vpc_id,
            "Associations": [{"SubnetId": _id("subnet", 0)}],
            "Routes": [
                local,
                {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw_id, "State": "active"},
                *(
                    [{"DestinationIpv6CidrBlock": "::/0", "GatewayId": igw_id, "State": "active"}]
                    if ipv6
                    else []
                ),
            ],
        }
    )
    tables.append(
        {
            "RouteTableId": _id("rtb", 1),
            "VpcId": vpc_id,
            "Associations": [{"Main": True}],
            "Routes": [
                local,
                {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat_id, "State": "active"},
            ],
        }
    )
    for n in range(instances):
        k = rng.randrange(len(_TIERS))
        base = 16 * k
        addr = f"10.0.{base + (n + 1) // 250}.{(n + 1) % 250 + 4}"
        member = [{"GroupId": _id("sg", k)}]
        if rng.random() < 0.1:
            member.append({"GroupId": _id("sg", rng.randrange(len(_TIERS)))})
        nic = {
            "NetworkInterfaceId": _id("eni", n),
            "SubnetId": _id("subnet", k),
            "PrivateIpAddress": addr,
            "Groups": member,
            "Attachment": {"DeviceIndex": 0},
        }
        if ipv6:
            nic["Ipv6Addresses"] = [{"Ipv6Address": f"{_V6}:{k}::{n + 1:x}"}]
        if k == 0 and rng.random() < 0.7:
            nic["Association"] = {"PublicIp": f"203.0.113.{n % 250 + 1}"} if n < 250 else {}
        nics = [nic]
        if secondary:
            third, fourth = (n + 1) // 250, (n + 1) % 250 + 4
            extra = f"10.0.{base + 8 + third}.{fourth}"
            nic["PrivateIpAddresses"] = [
                {"Primary": True, "PrivateIpAddress": addr},
                {"Primary": False, "PrivateIpAddress": extra},
            ]
            if n % 10 == 0:
                nics.append(
                    {
                        "NetworkInterfaceId": _id("eni", 0x100000 + n),
                        "SubnetId": _id("subnet", k),
                        "PrivateIpAddress": f"10.0.{base + 12 + third}.{fourth}",
                        "Groups": [{"GroupId": _id("sg", rng.randrange(len(_TIERS)))}],
                        "Attachment": {"DeviceIndex": 1},
                    }
                )
        reservations.append(
            {
                "Instances": [
                    {
                        "InstanceId": _id("i", n),
                        "SubnetId": _id("subnet", k),
                        "PrivateIpAddress": addr,
                        "NetworkInterfaces": nics,
                        "Tags": [{"Key": "Name", "Value": f"{_TIERS[k]}-{n}"}],
                    }
                ]
            }
        )
    return {
        "Vpcs": [
            {
                "VpcId": vpc_id,
                "CidrBlock": "10.0.0.0/16",
                **(
                    {"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": f"{_V6}::/56"}]}
                    if ipv6
                    else {}
                ),
            }
        ],
        "Subnets": subnets,
        "RouteTables": tables,
        "InternetGateways": [{"InternetGatewayId": igw_id, "Attachments": [{"VpcId": vpc_id}]}],
        "NatGateways": [
            {
                "NatGatewayId": nat_id,
                "SubnetId": _id("subnet", 0),
                "State": "available",
                "NatGatewayAddresses": [{"PrivateIp": "10.0.0.250", "PublicIp": "198.51.100.250"}],
            }
        ],
        "NetworkAcls": acls,
        "SecurityGroups": groups,
        "Reservations": reservations,
    }


def dual_stack() -> dict:
    """A small dual-stack VPC in describe-* shape, as AWS prints it (addresses from the
    documentation ranges).

    VPC 10.0.0.0/16 with the IPv6 block 2001:db8:1234:1a00::/56. Subnet "public" (10.0.1.0/24
    and 2001:db8:1234:1a01::/64) routes 0.0.0.0/0 and ::/0 to the internet gateway; subnet
    "private" (10.0.2.0/24 and 2001:db8:1234:1a02::/64) routes only ::/0, to an egress-only
    internet gateway. "web" (public, also 203.0.113.10) and "app" (private) each have one IPv6
    address; their group admits HTTPS from 0.0.0.0/0 and ::/0. The default network ACL has
    AWS's rules for both versions (100 and 101 allow, 32767 and 32768 deny). Taught in
    notebooks/05-aws-vpc.ipynb.

    >>> [r["Instances"][0]["Tags"][0]["Value"] for r in dual_stack()["Reservations"]]
    ['web', 'app']
    """
    vpc_id, igw_id, eigw_id = _id("vpc", 0xD6), _id("igw", 0xD6), _id("eigw", 0xD6)
    v6 = "2001:db8:1234:1a"
    block = {"Ipv6CidrBlock": f"{v6}00::/56", "Ipv6CidrBlockState": {"State": "associated"}}
    local = [
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
        {"DestinationIpv6CidrBlock": f"{v6}00::/56", "GatewayId": "local", "State": "active"},
    ]
    subnets, tables, reservations = [], [], []
    tiers = {
        "public": [
            {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw_id, "State": "active"},
            {"DestinationIpv6CidrBlock": "::/0", "GatewayId": igw_id, "State": "active"},
        ],
        "private": [
            {
                "DestinationIpv6CidrBlock": "::/0",
                "EgressOnlyInternetGatewayId": eigw_id,
                "State": "active",
            }
        ],
    }
    for k, (tier, routes) in enumerate(tiers.items(), 1):
        subnet_id = _id("subnet", 0xD0 + k)
        subnets.append(
            {
                "SubnetId": subnet_id,
                "VpcId": vpc_id,
                "CidrBlock": f"10.0.{k}.0/24",
                "Ipv6CidrBlockAssociationSet": [
                    {
                        "Ipv6CidrBlock": f"{v6}0{k}::/64",
                        "Ipv6CidrBlockState": {"State": "associated"},
                    }
                ],
                "Tags": [{"Key": "Name", "Value": tier}],
            }
        )
        tables.append(
            {
                "RouteTableId": _id("rtb", 0xD0 + k),
                "VpcId": vpc_id,
                "Associations": [{"SubnetId": subnet_id, "Main": False}],
                "Routes": local + routes,
            }
        )
        name = "web" if tier == "public" else "app"
        nic = {
            "NetworkInterfaceId": _id("eni", 0xD0 + k),
            "SubnetId": subnet_id,
            "PrivateIpAddress": f"10.0.{k}.10",
            "Ipv6Addresses": [{"Ipv6Address": f"{v6}0{k}::10"}],
            "Groups": [{"GroupId": _id("sg", 0xD6)}],
            "Attachment": {"DeviceIndex": 0},
        }
        if tier == "public":
            nic["Association"] = {"PublicIp": "203.0.113.10"}
        instance = {
            "InstanceId": _id("i", 0xD0 + k),
            "SubnetId": subnet_id,
            "State": {"Code": 16, "Name": "running"},
            "NetworkInterfaces": [nic],
            "Tags": [{"Key": "Name", "Value": name}],
        }
        reservations.append({"Instances": [instance]})
    entries = [
        {"RuleNumber": number, "Protocol": "-1", "RuleAction": action, "Egress": egress, **cidr}
        for egress in (False, True)
        for number, action, cidr in (
            (100, "allow", {"CidrBlock": "0.0.0.0/0"}),
            (101, "allow", {"Ipv6CidrBlock": "::/0"}),
            (32767, "deny", {"CidrBlock": "0.0.0.0/0"}),
            (32768, "deny", {"Ipv6CidrBlock": "::/0"}),
        )
    ]
    everywhere = {"IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    return {
        "Vpcs": [
            {
                "VpcId": vpc_id,
                "CidrBlock": "10.0.0.0/16",
                "Ipv6CidrBlockAssociationSet": [block],
                "Tags": [{"Key": "Name", "Value": "dual-stack"}],
            }
        ],
        "Subnets": subnets,
        "RouteTables": tables,
        "InternetGateways": [
            {"InternetGatewayId": igw_id, "Attachments": [{"VpcId": vpc_id, "State": "available"}]}
        ],
        "EgressOnlyInternetGateways": [
            {
                "EgressOnlyInternetGatewayId": eigw_id,
                "Attachments": [{"VpcId": vpc_id, "State": "attached"}],
            }
        ],
        "NetworkAcls": [
            {
                "NetworkAclId": _id("acl", 0xD6),
                "VpcId": vpc_id,
                "IsDefault": True,
                "Entries": entries,
                "Associations": [{"SubnetId": sub["SubnetId"]} for sub in subnets],
            }
        ],
        "SecurityGroups": [
            {
                "GroupId": _id("sg", 0xD6),
                "GroupName": "web",
                "VpcId": vpc_id,
                "IpPermissions": [
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, **everywhere}
                ],
                "IpPermissionsEgress": [{"IpProtocol": "-1", **everywhere}],
            }
        ],
        "Reservations": reservations,
    }
