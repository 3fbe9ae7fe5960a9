"""Route tables: association or main, longest prefix match, local route, blackholes."""

import pytest
from vpcdata import table

from netcourse.errors import VpcError
from netcourse.vpc import RouteTable, Vpc


def test_longest_prefix_wins():
    rtb = RouteTable.from_aws(
        {
            "RouteTableId": "rtb-1",
            "VpcId": "vpc-1",
            "Routes": [
                {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"},
                {"DestinationCidrBlock": "192.0.2.0/24", "VpcPeeringConnectionId": "pcx-1"},
                {"DestinationCidrBlock": "192.0.2.128/25", "NatGatewayId": "nat-1"},
            ],
        }
    )
    assert rtb.lookup("192.0.2.200").target == "nat-1"
    assert rtb.lookup("192.0.2.5").target == "pcx-1"
    assert rtb.lookup("198.51.100.5").target == "igw-1"


def test_a_blackhole_is_not_skipped_for_a_shorter_route():
    rtb = RouteTable.from_aws(
        {
            "RouteTableId": "rtb-1",
            "VpcId": "vpc-1",
            "Routes": [
                {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"},
                {
                    "DestinationCidrBlock": "198.51.100.0/24",
                    "NatGatewayId": "nat-1",
                    "State": "blackhole",
                },
            ],
        }
    )
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


def test_lookup_asks_the_cidr_lessons_longest_prefix_match(monkeypatch):
    import netcourse.cidr

    calls = []
    original = netcourse.cidr.longest_prefix_match

    def spy(routes, destination):
        calls.append(destination)
        return original(routes, destination)

    monkeypatch.setattr(netcourse.cidr, "longest_prefix_match", spy)
    rtb = Vpc.example().route_table_for_subnet("subnet-0a1b2c3d4e5f60001")
    assert rtb.lookup("198.51.100.7").target == "igw-0a1b2c3d4e5f60001"
    assert calls == ["198.51.100.7"]


def test_equally_specific_routes_keep_the_first_and_versions_never_mix():
    rtb = RouteTable.from_aws(
        {
            "RouteTableId": "rtb-1",
            "Routes": [
                {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"},
                {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-2"},
                {"DestinationIpv6CidrBlock": "::/0", "GatewayId": "eigw-1"},
            ],
        }
    )
    assert rtb.lookup("192.0.2.1").target == "igw-1"
    assert rtb.lookup("2001:db8::1").target == "eigw-1"


@pytest.mark.parametrize(
    "route, match",
    [
        ({"DestinationCidrBlock": "10.0.0.0/33", "GatewayId": "local"}, "Routes.0. Destination"),
        ({"DestinationCidrBlock": "10.0.0.9/16", "GatewayId": "local"}, "host bits set"),
        ({"DestinationCidrBlock": "10.0.0.0/16"}, "has no target"),
        ({"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": 7}, "GatewayId should be text"),
        ({"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "igw", "State": 1}, "State"),
        ("not a route", "Routes.0. should be an object"),
    ],
)
def test_bad_routes_name_the_table_and_the_field(route, match):
    with pytest.raises(VpcError, match=match) as caught:
        RouteTable.from_aws({"RouteTableId": "rtb-1", "Routes": [route]})
    assert str(caught.value).startswith("rtb-1")


def test_route_table_html_escapes():
    rtb = RouteTable.from_aws(
        {
            "RouteTableId": "rtb-<i>",
            "Associations": [{"SubnetId": "subnet-<b>"}],
            "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-<script>"}],
        }
    )
    html = rtb._repr_html_()
    assert "<script>" not in html and "<i>" not in html and "<b>subnet" not in html
    assert "igw-&lt;script&gt;" in html and html.count("<tr") == 2
