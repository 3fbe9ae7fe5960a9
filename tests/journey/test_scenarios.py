"""The scenarios (netcourse.journey.scenarios): each named one is delivered or stops at the
device the lesson documents; fixes and replaced components; every field read strictly."""

import dataclasses
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.errors import JourneyError
from netcourse.journey import FIXES, apply_fix, scenario, scenarios
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
    # MASQUERADE --to-ports 60000-65535: the laptop's port 51514 is below, so it moves up
    port = scenario("healthy").replace(router_nat_first_port=60000).run()
    assert port.delivered
    assert port.at("home router")[1].pkt["TCP"].sport == 60000
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


@pytest.mark.parametrize(
    "request_segment, reply_segment",
    [
        ("SYN", "SYN-ACK"),
        ("HTTPS request", "HTTPS response"),
    ],
)
def test_request_path_visits_every_device_in_order(journeys, request_segment, reply_segment):
    journey = journeys["healthy"]
    request = [e.node for e in journey.segment(request_segment)]
    order = [
        "laptop",
        "home switch",
        "home router",
        "internet",
        "internet gateway",
        "route table",
        "network ACL",
        "security group",
        "instance",
    ]
    assert [n for i, n in enumerate(request) if i == 0 or n != request[i - 1]] == order
    reply = [e.node for e in journey.segment(reply_segment)]
    assert reply[0] == "instance" and reply[-1] == "laptop"
    assert reply.index("network ACL") < reply.index("internet gateway") < reply.index("internet")


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


# --- every field read strictly, and a run that always ends in a Journey or a JourneyError -----

PART_KEYS = sorted(
    {"client_port", "target"}
    | {f"laptop_{f.name}" for f in dataclasses.fields(scenario("healthy").laptop)}
    | {f"router_{f.name}" for f in dataclasses.fields(scenario("healthy").router)}
    | {f"server_{f.name}" for f in dataclasses.fields(scenario("healthy").server)}
)
odd_values = st.one_of(
    st.text(alphabet="0123456789abcdef.:/- x", max_size=20),
    st.integers(-3, 70000),
    st.none(),
    st.binary(max_size=8),
    st.sampled_from(
        ["10.0.1.9", "255.255.0.0", "02:00:00:00:00:aa", "2001:db8::1", "abc", "１２３", "web"]
    ),
)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(PART_KEYS), odd_values)
def test_any_replaced_field_is_read_or_named_and_any_run_ends_cleanly(key, value):
    started = time.perf_counter()
    try:
        sc = scenario("healthy").replace(**{key: value})
    except JourneyError as exc:
        assert str(exc).startswith(f"{key}: ") or "not a part of a scenario" in str(exc)
        return
    finally:
        assert time.perf_counter() - started < 1.0
    started = time.perf_counter()
    try:
        journey = sc.run()
    except JourneyError:
        return
    finally:
        assert time.perf_counter() - started < 10.0
    assert journey.events and journey.delivered == (journey.failed_at is None)


def test_bad_fields_say_which_and_why():
    healthy = scenario("healthy")
    cases = [
        ({"client_port": "abc"}, r"^client_port: 'abc': a port must be a number 1-65535"),
        ({"laptop_mac": "12345"}, r"^laptop_mac: '12345': not a MAC address"),
        ({"server_mac": "zz:00:00:00:00:01"}, r"^server_mac: "),
        ({"router_lan_ip": "bad/24"}, r"^router_lan_ip: 'bad/24'"),
        ({"server_port": "４４３"}, r"^server_port: .*digits 0-9"),
        ({"target": "2001:db8::1"}, r"^target: .*IPv6"),
        ({"laptop": "10.0.1.7"}, r"^laptop: .*expected a HomeHost"),
        ({"vpc": []}, r"^vpc: "),
        ({"server_request": b"no line end"}, r"^server_request: "),
    ]
    for change, pattern in cases:
        with pytest.raises(JourneyError, match=pattern):
            healthy.replace(**change)
    with pytest.raises(JourneyError, match=r"^port: 0: a port must be in 1-65535"):
        dataclasses.replace(healthy.server, port=0)  # a Server on its own names its own field
    fine = healthy.replace(client_port="50000", laptop_mac="02-00-00-00-00-07")
    assert fine.client_port == 50000 and fine.laptop.mac == "02:00:00:00:00:07"
    assert fine.run().delivered
