"""Small VPCs written as describe-* JSON, one resource at a time, for the VPC model's tests."""

import copy

VPC = "vpc-0000000000000000a"


def tiny() -> dict:
    """One VPC 10.0.0.0/16: public subnet (web, 203.0.113.10), private subnet (app), IGW, NAT.

    Security groups and network ACLs allow everything, so each test removes exactly the
    piece it is about.
    """
    allow_all_acl = [
        {
            "RuleNumber": 100,
            "Protocol": "-1",
            "RuleAction": "allow",
            "Egress": e,
            "CidrBlock": "0.0.0.0/0",
        }
        for e in (False, True)
    ] + [
        {
            "RuleNumber": 32767,
            "Protocol": "-1",
            "RuleAction": "deny",
            "Egress": e,
            "CidrBlock": "0.0.0.0/0",
        }
        for e in (False, True)
    ]
    return {
        "Vpcs": [{"VpcId": VPC, "CidrBlock": "10.0.0.0/16", "State": "available"}],
        "Subnets": [
            {"SubnetId": "subnet-pub", "VpcId": VPC, "CidrBlock": "10.0.1.0/24"},
            {"SubnetId": "subnet-priv", "VpcId": VPC, "CidrBlock": "10.0.2.0/24"},
        ],
        "InternetGateways": [
            {"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": VPC}]}
        ],
        "NatGateways": [
            {
                "NatGatewayId": "nat-1",
                "SubnetId": "subnet-pub",
                "VpcId": VPC,
                "State": "available",
                "ConnectivityType": "public",
                "NatGatewayAddresses": [{"PrivateIp": "10.0.1.100", "PublicIp": "203.0.113.100"}],
            }
        ],
        "RouteTables": [
            {
                "RouteTableId": "rtb-pub",
                "VpcId": VPC,
                "Associations": [{"Main": False, "SubnetId": "subnet-pub"}],
                "Routes": [
                    {
                        "DestinationCidrBlock": "10.0.0.0/16",
                        "GatewayId": "local",
                        "State": "active",
                    },
                    {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"},
                ],
            },
            {
                "RouteTableId": "rtb-main",
                "VpcId": VPC,
                "Associations": [{"Main": True}],
                "Routes": [
                    {
                        "DestinationCidrBlock": "10.0.0.0/16",
                        "GatewayId": "local",
                        "State": "active",
                    },
                    {
                        "DestinationCidrBlock": "0.0.0.0/0",
                        "NatGatewayId": "nat-1",
                        "State": "active",
                    },
                ],
            },
        ],
        "NetworkAcls": [
            {
                "NetworkAclId": "acl-pub",
                "VpcId": VPC,
                "IsDefault": False,
                "Entries": copy.deepcopy(allow_all_acl),
                "Associations": [{"SubnetId": "subnet-pub", "NetworkAclId": "acl-pub"}],
            },
            {
                "NetworkAclId": "acl-priv",
                "VpcId": VPC,
                "IsDefault": False,
                "Entries": copy.deepcopy(allow_all_acl),
                "Associations": [{"SubnetId": "subnet-priv", "NetworkAclId": "acl-priv"}],
            },
            {
                "NetworkAclId": "acl-default",
                "VpcId": VPC,
                "IsDefault": True,
                "Entries": copy.deepcopy(allow_all_acl),
                "Associations": [],
            },
        ],
        "SecurityGroups": [
            {
                "GroupId": "sg-web",
                "GroupName": "web",
                "VpcId": VPC,
                "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
                "IpPermissionsEgress": [
                    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
                ],
            },
            {
                "GroupId": "sg-app",
                "GroupName": "app",
                "VpcId": VPC,
                "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
                "IpPermissionsEgress": [
                    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
                ],
            },
        ],
        "Reservations": [
            {
                "Instances": [
                    {
                        "InstanceId": "i-web",
                        "SubnetId": "subnet-pub",
                        "PrivateIpAddress": "10.0.1.10",
                        "PublicIpAddress": "203.0.113.10",
                        "Tags": [{"Key": "Name", "Value": "web"}],
                        "NetworkInterfaces": [
                            {
                                "NetworkInterfaceId": "eni-web",
                                "SubnetId": "subnet-pub",
                                "PrivateIpAddress": "10.0.1.10",
                                "Groups": [{"GroupId": "sg-web"}],
                                "Association": {"PublicIp": "203.0.113.10"},
                                "Attachment": {"DeviceIndex": 0},
                            }
                        ],
                    },
                    {
                        "InstanceId": "i-app",
                        "SubnetId": "subnet-priv",
                        "PrivateIpAddress": "10.0.2.10",
                        "Tags": [{"Key": "Name", "Value": "app"}],
                        "NetworkInterfaces": [
                            {
                                "NetworkInterfaceId": "eni-app",
                                "SubnetId": "subnet-priv",
                                "PrivateIpAddress": "10.0.2.10",
                                "Groups": [{"GroupId": "sg-app"}],
                                "Attachment": {"DeviceIndex": 0},
                            }
                        ],
                    },
                ]
            }
        ],
    }


def acl(data: dict, acl_id: str) -> dict:
    """The NetworkAcls item with this id (to edit in a test)."""
    return next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == acl_id)


def group(data: dict, group_id: str) -> dict:
    """The SecurityGroups item with this id (to edit in a test)."""
    return next(g for g in data["SecurityGroups"] if g["GroupId"] == group_id)


def table(data: dict, rtb_id: str) -> dict:
    """The RouteTables item with this id (to edit in a test)."""
    return next(t for t in data["RouteTables"] if t["RouteTableId"] == rtb_id)


def tcp(port_from, port_to, cidr, egress, number=100, action="allow"):
    """One NACL entry in describe-network-acls shape."""
    return {
        "RuleNumber": number,
        "Protocol": "6",
        "RuleAction": action,
        "Egress": egress,
        "CidrBlock": cidr,
        "PortRange": {"From": port_from, "To": port_to},
    }
