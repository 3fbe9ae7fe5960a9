"""Reachability: gateways, peering, endpoints, the broken examples, hops and explanations."""

import time

import pytest
from vpcdata import VPC, table

from netcourse.errors import PortError, VpcError
from netcourse.style import TINTS
from netcourse.vpc import CODES, Vpc, examples


@pytest.fixture(scope="module")
def three_tier():
    return Vpc.example("three-tier")


# --- the shipped three-tier example and its broken variants -----------------------------


@pytest.mark.parametrize(
    "src, dst, port, reachable",
    [
        ("internet", "web", 443, True),
        ("internet", "web", 22, False),
        ("192.0.2.44", "web", 22, True),  # the office may SSH in
        ("web", "app", 8080, True),
        ("app", "db", 5432, True),
        ("web", "db", 5432, False),  # only the app tier may reach the database
        ("internet", "app", 8080, False),  # private: no public address
        ("app", "internet", 443, True),  # through the NAT gateway
        ("db", "internet", 443, True),
    ],
)
def test_three_tier(three_tier, src, dst, port, reachable):
    assert three_tier.reachability(src, dst, port).reachable is reachable


@pytest.mark.parametrize(
    "name, src, dst, port, blocked_by, code",
    [
        ("missing-igw-route", "internet", "web", 443, "rtb-0a1b2c3d4e5f60001", "NO_RETURN_ROUTE"),
        (
            "no-public-ip",
            "internet",
            "web",
            443,
            "i-0a1b2c3d4e5f60001",
            "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
        ),
        (
            "sg-missing-port",
            "internet",
            "web",
            443,
            "sg-0a1b2c3d4e5f60001",
            "ENI_SG_RULES_MISMATCH",
        ),
        (
            "acl-no-ephemeral",
            "internet",
            "web",
            443,
            "acl-0a1b2c3d4e5f60001",
            "SUBNET_ACL_RESTRICTION",
        ),
        ("deleted-nat", "app", "internet", 443, "rtb-0a1b2c3d4e5f60002", "BAD_STATE_ROUTE"),
        (
            "peering-not-transitive",
            "a",
            "c",
            443,
            "pcx-0a1b2c3d4e5f60001",
            "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
        ),
    ],
)
def test_each_broken_variant_names_its_culprit(name, src, dst, port, blocked_by, code):
    path = Vpc.example(name).reachability(src, dst, port)
    assert not path.reachable
    assert path.blocked_by == blocked_by
    assert path.blocking_hop.code == code
    assert code in path.explanation and blocked_by in path.explanation
    if not name.startswith("peering"):  # the same question works on the intact example
        assert Vpc.example("three-tier").reachability(src, dst, port).reachable


def test_every_example_has_a_description():
    assert all(examples().values())


def test_codes_are_documented():
    vpc = Vpc.example("three-tier")
    for src, dst, port in [("internet", "db", 5432), ("web", "db", 5432)]:
        assert vpc.reachability(src, dst, port).blocking_hop.code in CODES


# --- internet gateway, NAT gateway, peering ---------------------------------------------


def test_igw_translates_public_to_private_both_ways(data):
    path = Vpc.from_aws(data).reachability("internet", "web", 443)
    igw = [h for h in path.hops if h.kind == "internet-gateway"]
    assert (igw[0].leg, igw[0].detail.before, igw[0].detail.after) == (
        "request",
        "203.0.113.10",
        "10.0.1.10",
    )
    assert (igw[-1].leg, igw[-1].detail.before, igw[-1].detail.after) == (
        "response",
        "10.0.1.10",
        "203.0.113.10",
    )


def test_igw_needs_a_public_address_outbound(data):
    table(data, "rtb-main")["Routes"][1] = {
        "DestinationCidrBlock": "0.0.0.0/0",
        "GatewayId": "igw-1",
        "State": "active",
    }
    path = Vpc.from_aws(data).reachability("app", "internet", 443)
    assert path.blocked_by == "i-app"
    assert path.blocking_hop.code == "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"


def test_no_igw_attached(data):
    data["InternetGateways"] = []
    path = Vpc.from_aws(data).reachability("internet", "web", 443)
    assert path.blocked_by == VPC and path.blocking_hop.code == "NO_INTERNET_GATEWAY"


def test_nat_is_outbound_only(data):
    vpc = Vpc.from_aws(data)
    out = vpc.reachability("app", "internet", 443)
    assert out.reachable
    nat = next(h for h in out.hops if h.kind == "nat-gateway")
    assert (nat.detail.before, nat.detail.after) == ("10.0.2.10", "10.0.1.100")
    igw = next(h for h in out.hops if h.kind == "internet-gateway")
    assert igw.detail.after == "203.0.113.100"
    inward = vpc.reachability("internet", "app", 443)
    assert not inward.reachable and inward.blocked_by == "i-app"
    with pytest.raises(VpcError, match="no network interface has this address"):
        vpc.reachability("internet", "10.0.1.100", 443)  # the NAT is not a destination


def test_nat_must_live_in_a_public_subnet(data):
    data["NatGateways"][0]["SubnetId"] = "subnet-priv"
    data["NatGateways"][0]["NatGatewayAddresses"][0]["PrivateIp"] = "10.0.2.100"
    path = Vpc.from_aws(data).reachability("app", "internet", 443)
    assert not path.reachable
    # the private subnet's own table sends 0.0.0.0/0 back to the NAT, not to an IGW
    assert path.blocked_by == "nat-1" and "public subnet" in path.explanation


def test_deleted_nat_is_a_blackhole_even_if_the_route_says_active(data):
    data["NatGateways"][0]["State"] = "deleted"
    path = Vpc.from_aws(data).reachability("app", "internet", 443)
    assert path.blocked_by == "rtb-main" and "deleted" in path.explanation


@pytest.fixture
def peered():
    return Vpc.example("peering-not-transitive").data


def test_peering_works_with_routes_on_both_sides(peered):
    vpc = Vpc.from_aws(peered)
    path = vpc.reachability("a", "b", 443)
    assert path.reachable
    assert "pcx-0a1b2c3d4e5f60001" in path.components


def test_peering_needs_the_return_route(peered):
    b_table = next(t for t in peered["RouteTables"] if t["VpcId"].endswith("12"))
    b_table["Routes"] = [
        r for r in b_table["Routes"] if r["DestinationCidrBlock"] != "10.11.0.0/16"
    ]
    path = Vpc.from_aws(peered).reachability("a", "b", 443)
    assert not path.reachable
    assert path.blocked_by == b_table["RouteTableId"]
    assert path.blocking_hop.code == "NO_RETURN_ROUTE" and path.blocking_hop.leg == "response"


def test_peering_is_not_transitive_in_either_direction(peered):
    vpc = Vpc.from_aws(peered)
    assert vpc.reachability("b", "c", 443).reachable
    assert not vpc.reachability("a", "c", 443).reachable
    assert not vpc.reachability("c", "a", 443).reachable


def test_inactive_peering_is_a_blackhole(peered):
    peered["VpcPeeringConnections"][0]["Status"] = {"Code": "pending-acceptance"}
    path = Vpc.from_aws(peered).reachability("a", "b", 443)
    assert path.blocking_hop.code == "BAD_STATE_ROUTE"


# --- endpoints and questions ------------------------------------------------------------


@pytest.mark.parametrize("src", ["i-web", "eni-web", "10.0.1.10", "web"])
def test_endpoint_spellings(data, src):
    assert Vpc.from_aws(data).reachability(src, "app", 8080).reachable


def test_public_ip_and_outside_ip_endpoints(data):
    vpc = Vpc.from_aws(data)
    assert vpc.reachability("192.0.2.9", "203.0.113.10", 443).reachable
    path = vpc.reachability("198.51.100.9", "10.0.1.10", 443)
    assert path.blocking_hop.code == "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
    assert vpc.reachability("app", "203.0.113.10", 443).reachable  # out the NAT, in the IGW


@pytest.mark.parametrize(
    "src, dst, port, protocol, error, match",
    [
        ("nope", "app", 443, "tcp", VpcError, "not an instance"),
        ("internet", "192.0.2.1", 443, "tcp", VpcError, "both outside"),
        ("web", "app", 0, "tcp", PortError, "1-65535"),
        ("web", "app", "443", "tcp", PortError, "integer"),
        ("web", "app", 443, "-1", VpcError, "one protocol"),
        ("web", "app", 443, "sctp", VpcError, "protocol 'sctp'"),
        ("web", 42, 443, "tcp", VpcError, "endpoint 42"),
    ],
)
def test_bad_questions(data, src, dst, port, protocol, error, match):
    with pytest.raises(error, match=match):
        Vpc.from_aws(data).reachability(src, dst, port, protocol)


def test_icmp_echo(data):
    vpc = Vpc.from_aws(data)
    assert vpc.reachability("web", "app", None, "icmp").reachable


def test_path_repr_and_html(three_tier):
    path = three_tier.reachability("internet", "db", 5432)
    assert repr(path).startswith("Not reachable")
    html = path._repr_html_()
    assert "<table" in html and html.count("<tr") == len(path.hops) + 1
    assert html.count(f"background:{TINTS['vermillion']}") == 8  # every cell of the blocking hop
    assert "<b>block</b>" in html and "-&gt;" in html  # the explanation's arrows are escaped


def test_hop_level_access_for_the_journey(three_tier):
    web = three_tier.instance("web")
    decision = three_tier.nacl_for_subnet(web.subnet_id).evaluate(
        "inbound", "tcp", "198.51.100.7", 443
    )
    assert decision.allowed and decision.rule_number == 100
    route = three_tier.route_table_for_subnet(web.subnet_id).lookup("198.51.100.7")
    assert route.route.kind == "internet-gateway"
    assert three_tier.sg_decision("web", "inbound", "tcp", "198.51.100.7", 443).allowed


def test_one_reachability_call_under_10_ms(three_tier):
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        three_tier.reachability("app", "internet", 443)
        best = min(best, time.perf_counter() - start)
    assert best < 0.010


def test_hop_decisions_name_what_each_component_did(three_tier):
    path = three_tier.reachability("app", "internet", 443)
    decisions = {(h.kind, h.decision) for h in path.hops}
    assert ("nat-gateway", "translate") in decisions
    assert ("route-table", "forward") in decisions
    assert ("network-acl", "allow") in decisions
    blocked = three_tier.reachability("web", "db", 5432).blocking_hop
    assert blocked.decision == "block"
