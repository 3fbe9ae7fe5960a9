"""Route tables: association or main, longest prefix match, local route, blackholes."""

import pytest
from vpcdata import table

from netcourse.vpc import RouteTable, Vpc


def test_longest_prefix_wins():
    rtb = RouteTable.from_aws({"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"},
        {"DestinationCidrBlock": "192.0.2.0/24", "VpcPeeringConnectionId": "pcx-1"},
        {"DestinationCidrBlock": "192.0.2.128/25", "NatGatewayId": "nat-1"}]})  # fmt: skip
    assert rtb.lookup("192.0.2.200").target == "nat-1"
    assert rtb.lookup("192.0.2.5").target == "pcx-1"
    assert rtb.lookup("198.51.100.5").target == "igw-1"


def test_a_blackhole_is_not_skipped_for_a_shorter_route():
    rtb = RouteTable.from_aws({"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"},
        {"DestinationCidrBlock": "198.51.100.0/24", "NatGatewayId": "nat-1",
         "State": "blackhole"}]})  # fmt: skip
    decision = rtb.lookup("198.51.100.9")
    assert decision.target == "nat-1" and not decision.forwarded


def test_subnet_without_association_uses_the_main_table(data):
    vpc = Vpc.from_aws(data)
    assert vpc.route_table_for_subnet("subnet-priv").route_table_id == "rtb-main"
    assert vpc.route_table_for_subnet("subnet-pub").route_table_id == "rtb-pub"


def test_subnets_reach_each_other_through_the_local_route(data):
    path = Vpc.from_aws(data).reachability("web", "app", 8080)
    route_hop = next(h for h in path.hops if h.kind == "route-table")
    assert route_hop.detail.route.target == "local"


def test_no_route_blocks(data):
    table(data, "rtb-main")["Routes"] = table(data, "rtb-main")["Routes"][:1]
    path = Vpc.from_aws(data).reachability("app", "internet", 443)
    assert path.blocked_by == "rtb-main" and path.blocking_hop.code == "NO_ROUTE_TO_DESTINATION"


def test_public_and_private_subnets(data):
    vpc = Vpc.from_aws(data)
    assert vpc.is_public("subnet-pub") and not vpc.is_public("subnet-priv")


def test_aws_reserves_five_addresses_per_subnet():
    # AWS's VPC user guide, "Subnet CIDR blocks": for 10.0.0.0/24, .0, .1, .2, .3 and .255
    reserved = Vpc.example().reserved_addresses("subnet-0a1b2c3d4e5f60001")
    assert list(reserved) == ["10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255"]
    assert "router" in reserved["10.0.1.1"] and "broadcast" in reserved["10.0.1.255"]
    assert Vpc.example().usable_addresses("subnet-0a1b2c3d4e5f60001") == 256 - 5


def test_reserved_addresses_refuse_sizes_aws_does_not_allow():
    from netcourse.errors import VpcError
    from netcourse.vpc.resources import reserved_addresses

    with pytest.raises(VpcError, match="between /16 and /28"):
        reserved_addresses("10.0.0.0/29")
