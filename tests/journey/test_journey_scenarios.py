"""Each named scenario is delivered or stops at the device the lesson documents."""

import dataclasses

import pytest

from netcourse.errors import JourneyError
from netcourse.journey import FIXES, SCENARIOS, apply_fix, scenario, scenarios
from netcourse.journey.pdu import parse

# Where each scenario must stop: (direction, figure node, a fragment of the device's kind).
EXPECTED = {
    "wrong-netmask": ("request", "laptop", "ARP"),
    "no-default-route": ("request", "laptop", "IP"),
    "nacl-no-ephemeral": ("reply", "network ACL", "network ACL"),
    "sg-missing-port": ("request", "security group", "security group"),
    "host-firewall-drop": ("request", "instance", "host firewall"),
    "no-public-ip": ("request", "internet gateway", "instance"),
}

# The fix that repairs each broken scenario.
RIGHT_FIX = {
    "wrong-netmask": "set-laptop-netmask",
    "no-default-route": "set-default-gateway",
    "nacl-no-ephemeral": "allow-ephemeral-in-nacl",
    "sg-missing-port": "allow-port-in-security-group",
    "host-firewall-drop": "allow-port-in-host-firewall",
    "no-public-ip": "assign-public-ip",
}


@pytest.fixture(scope="module")
def journeys():
    return {name: scenario(name).run() for name in SCENARIOS}


def test_every_issue_scenario_exists():
    assert set(scenarios()) == {"healthy", *EXPECTED}


def test_healthy_is_delivered(journeys):
    journey = journeys["healthy"]
    assert journey.delivered and journey.failed_at is None
    assert all(event.ok for event in journey.events)
    assert journey.events[-1].device == "laptop"
    assert {e.direction for e in journey.events} == {"request", "reply"}
    assert {e.zone for e in journey.events} == {"home", "internet", "vpc"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_scenario_stops_where_documented(journeys, name):
    journey = journeys[name]
    direction, node, kind = EXPECTED[name]
    assert not journey.delivered
    stop = journey.failed_at
    assert stop is not None and stop is journey.events[-1] and not stop.ok
    assert (stop.direction, stop.node) == (direction, node)
    assert kind in stop.kind
    assert stop.reason
    assert all(event.ok for event in journey.events[:-1])


def test_specific_devices(journeys):
    assert journeys["sg-missing-port"].failed_at.device.startswith("sg-")
    assert journeys["nacl-no-ephemeral"].failed_at.device.startswith("acl-")
    assert journeys["no-public-ip"].failed_at.device.startswith("i-")
    assert journeys["host-firewall-drop"].failed_at.decision.startswith("DROP")
    # the wrong mask makes the laptop ARP for the off-subnet server address itself
    arp = parse(journeys["wrong-netmask"].failed_at.pdu)["ARP"]
    assert arp.pdst == journeys["healthy"].events[0].pkt["IP"].dst


@pytest.mark.parametrize("name", sorted(RIGHT_FIX))
def test_right_fix_delivers_and_others_do_not(name):
    broken = scenario(name)
    assert apply_fix(broken, RIGHT_FIX[name]).run().delivered
    for other in FIXES:
        if other != RIGHT_FIX[name]:
            assert not apply_fix(broken, other).run().delivered, other


def test_own_scenario_by_replacing_one_component():
    sc = scenario("healthy").replace(laptop_gateway=None)
    assert sc.laptop.gateway is None and sc.name == "healthy (changed)"
    assert sc.run().failed_at.node == "laptop"
    port = scenario("healthy").replace(router_nat_first_port=50000).run()
    assert port.delivered
    assert port.at("home router")[1].pkt["TCP"].sport == 50000
    server = dataclasses.replace(scenario("healthy").server, port=8443)
    assert not scenario("healthy").replace(server=server).run().delivered


def test_runs_are_deterministic():
    first, second = scenario("healthy").run(), scenario("healthy").run()
    assert [e.pdu for e in first.events] == [e.pdu for e in second.events]
    assert first.events == second.events


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: scenario("nope"), "no such scenario"),
        (lambda: scenario("healthy").replace(laptop_colour="red"), "not a part of a scenario"),
        (lambda: scenario("healthy").replace(laptop_netmask="255.0.255.0").run(), "netmask"),
        (lambda: scenario("healthy").replace(laptop_ip="10.0.1.300").run(), "laptop_ip"),
        (lambda: scenario("healthy").replace(server_instance="nope").run(), "no such instance"),
        (lambda: apply_fix(scenario("healthy"), "reboot"), "no such fix"),
    ],
)
def test_bad_input_raises_journey_error(call, fragment):
    with pytest.raises(JourneyError, match=fragment):
        call()


def test_request_path_visits_every_device_in_order(journeys):
    journey = journeys["healthy"]
    request = [e.node for e in journey.leg("request")]
    order = ["laptop", "home switch", "home router", "internet", "internet gateway",
             "route table", "network ACL", "security group", "instance"]  # fmt: skip
    assert [n for i, n in enumerate(request) if i == 0 or n != request[i - 1]] == order
    reply = [e.node for e in journey.leg("reply")]
    assert reply[0] == "instance" and reply[-1] == "laptop"
    assert reply.index("network ACL") < reply.index("internet gateway") < reply.index("internet")


def test_step_and_first_lookups(journeys):
    journey = journeys["healthy"]
    assert journey.step(1) is journey.events[0]
    assert journey.first("network ACL", "reply").direction == "reply"
    with pytest.raises(JourneyError, match="steps 1-"):
        journey.step(0)
    with pytest.raises(JourneyError, match="no event there"):
        journeys["no-default-route"].first("home switch")
    with pytest.raises(JourneyError, match="a leg is"):
        journey.leg("sideways")


@pytest.mark.parametrize("prefix", range(0, 33))
def test_every_laptop_mask_against_an_independent_oracle(prefix):
    """Delivered exactly when the gateway is on-link and the server is not (ipaddress decides)."""
    import ipaddress

    mask = str(ipaddress.ip_network(f"0.0.0.0/{prefix}").netmask)
    sc = scenario("healthy").replace(laptop_netmask=mask)
    net = ipaddress.ip_interface(f"{sc.laptop.ip}/{prefix}").network
    gateway_on_link = ipaddress.ip_address(sc.laptop.gateway) in net
    server = scenario("healthy").run().events[0].pkt["IP"].dst
    server_on_link = ipaddress.ip_address(server) in net
    journey = sc.run()
    assert journey.delivered == (gateway_on_link and not server_on_link)
    if not journey.delivered:
        assert journey.failed_at.node == "laptop"
        assert journey.failed_at.kind == ("ARP" if server_on_link else "IP (network)")
