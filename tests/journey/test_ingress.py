"""How the journey enters the VPC, and which layers NAT works at.

Gateway route tables: https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html
(traffic entering through an internet gateway follows the table associated with it, else the
VPC's local routing); NAPT: RFC 3022 section 2.2 (the ports are translated with the address).
"""

import copy

import pytest

from netcourse import layers
from netcourse.journey import scenario


def edge_table(sc, routes):
    """The scenario with a route table associated with its VPC's internet gateway."""
    data = copy.deepcopy(sc.vpc)
    igw = data["InternetGateways"][0]["InternetGatewayId"]
    vpc_id = data["Vpcs"][0]["VpcId"]
    data["RouteTables"].append(
        {
            "RouteTableId": "rtb-0e0e0e0e0e0e0e0e0",
            "VpcId": vpc_id,
            "Routes": [
                {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
                *routes,
            ],
            "Associations": [
                {"Main": False, "GatewayId": igw, "RouteTableId": "rtb-0e0e0e0e0e0e0e0e0"}
            ],
        }
    )
    return sc.replace(vpc=data), igw


@pytest.fixture(scope="module")
def healthy():
    return scenario("healthy").run()


def test_without_a_gateway_route_table_the_vpc_local_route_delivers(healthy):
    entry = healthy.first("route table")
    assert entry.device == "VPC router" and entry.step == healthy.first("internet gateway").step + 1
    assert "no gateway route table" in entry.table.name
    assert entry.table.matched == ("10.0.0.0/16", "local", "active")
    web_rtb = scenario("healthy").vpc["RouteTables"][0]["RouteTableId"]
    assert web_rtb not in entry.table.name  # the subnet's own table routes only what leaves it
    assert healthy.first("route table", "reply").device == web_rtb


def test_a_gateway_route_table_decides_where_the_packet_enters():
    sc, igw = edge_table(scenario("healthy"), [])
    journey = sc.run()
    assert journey.delivered
    entry = journey.first("route table")
    assert entry.device == "rtb-0e0e0e0e0e0e0e0e0"
    assert entry.table.name == f"gateway route table rtb-0e0e0e0e0e0e0e0e0 (edge: {igw})"
    assert entry.table.matched == ("10.0.0.0/16", "local", "active")
    assert len(journey) == len(scenario("healthy").run())  # one routing event, as before


def test_a_gateway_route_table_to_an_appliance_stops_the_journey_there():
    healthy_sc = scenario("healthy")
    data = healthy_sc.vpc
    eni = data["Reservations"][1]["Instances"][0]["NetworkInterfaces"][0]["NetworkInterfaceId"]
    sc, _ = edge_table(
        healthy_sc,
        [{"DestinationCidrBlock": "10.0.1.0/24", "NetworkInterfaceId": eni, "State": "active"}],
    )
    journey = sc.run()
    assert not journey.delivered
    entry = journey.first("route table")
    assert entry.table.matched == ("10.0.1.0/24", eni, "active")
    assert journey.failed_at.device == eni  # the appliance, before the web server's group


def test_nat_works_at_the_layers_of_the_fields_it_rewrites(healthy):
    """The home router's NAT rewrites IP addresses and TCP ports: layers 3 and 4, read from
    lesson 02's table of protocols, not from the event."""
    for event in healthy.at("home router"):
        if event.kind != "NAT":
            continue
        rewritten = {f.split(".")[0] for f in event.rewrites if not f.endswith("chksum")}
        expected = sorted({n for name in rewritten for n in layers.layer_of(name).osi})
        assert list(event.layers) == expected == [3, 4]
        assert "layers 3-4" in repr(event)
    assert healthy.first("internet gateway").layers == (3,)  # it maps addresses only
