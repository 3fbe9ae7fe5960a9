"""The journey opens its connection as TCP does (lessons 01 and 04): the SYN is the first
packet and creates the NAT binding and the conntrack entries; SYN-ACK and ACK follow, then the
HTTPS request and response. Every frame a layer-3 hop forwards carries that hop's MACs.

The expectations are read from the frames' bytes with scapy and from the scenario's own
addresses, not from the runner's texts.
"""

import re

import pytest
from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether

from netcourse.journey import SEGMENTS
from netcourse.journey.opening import client_hello
from netcourse.journey.pdu import LINK_MACS


def _tcp(event):
    return Ether(event.pdu)[TCP]


def test_segments_come_in_handshake_order_with_their_flags(journeys):
    journey = journeys["healthy"]
    order = list(dict.fromkeys(e.segment for e in journey.events))
    assert order == list(SEGMENTS)
    want = {"SYN": "S", "SYN-ACK": "SA", "ACK": "A", "HTTPS request": "PA", "HTTPS response": "PA"}
    for name, flags in want.items():
        frames = [Ether(e.pdu) for e in journey.segment(name)]
        segments = [f for f in frames if TCP in f]  # the SYN's ARP step carries an ARP frame
        assert len(segments) >= len(frames) - 1
        assert {str(f[TCP].flags) for f in segments} == {flags}, name
    assert all(e.direction == SEGMENTS[e.segment] for e in journey.events)


def test_sequence_numbers_follow_the_handshake(journeys):
    journey = journeys["healthy"]
    syn = _tcp(journey.segment("SYN")[1])
    syn_ack = _tcp(journey.segment("SYN-ACK")[-1])
    ack = _tcp(journey.segment("ACK")[0])
    request = _tcp(journey.segment("HTTPS request")[-1])
    response = _tcp(journey.segment("HTTPS response")[0])
    assert syn.ack == 0 and len(syn.payload) == 0
    assert syn_ack.ack == syn.seq + 1
    assert (ack.seq, ack.ack) == (syn.seq + 1, syn_ack.seq + 1)
    assert (request.seq, request.ack) == (ack.seq, ack.ack)
    assert response.seq == syn_ack.seq + 1
    assert response.ack == request.seq + len(bytes(request.payload))


def test_the_client_hello_is_numbered_as_the_first_data_after_the_handshake(journeys, healthy):
    ack = _tcp(journeys["healthy"].segment("ACK")[0])
    hello = Ether(client_hello(healthy))[TCP]
    assert (hello.seq, hello.ack) == (ack.seq, ack.ack)


@pytest.fixture(scope="module")
def healthy():
    from netcourse.journey import scenario

    return scenario("healthy")


def test_the_syn_creates_the_nat_binding_and_later_packets_reuse_it(journeys):
    journey = journeys["healthy"]
    nat = [e for e in journey.events if e.kind == "NAT" and e.direction == "request"]
    assert [e.segment for e in nat] == ["SYN", "HTTPS request"]
    syn_nat, data_nat = nat
    assert syn_nat.table.rows == data_nat.table.rows and len(syn_nat.table.rows) == 1
    assert "created now" in syn_nat.table.note and "created now" not in data_nat.table.note
    assert "MASQUERADE" in syn_nat.decided_by and "MASQUERADE" not in data_nat.decided_by
    # the binding is the same on both: one entry, the SYN's
    assert Ether(syn_nat.pdu)[IP].src == Ether(data_nat.pdu)[IP].src


def test_the_syn_is_new_to_the_servers_conntrack_and_the_request_established(journeys):
    journey = journeys["healthy"]
    syn = journey.first("web iptables", segment="SYN").table.note
    data = journey.first("web iptables", segment="HTTPS request").table.note
    assert syn.endswith("NEW") and data.endswith("ESTABLISHED")
    conntrack = journey.first("web conntrack", segment="SYN-ACK").table
    assert conntrack.matched is not None  # the entry the SYN created, before any data
    assert "[UNREPLIED]" in conntrack.matched


def test_broken_scenarios_stop_during_the_handshake(journeys):
    stops = {name: j.failed_at.segment for name, j in journeys.items() if j.failed_at}
    assert stops == {
        "wrong-netmask": "SYN",
        "no-default-route": "SYN",
        "nacl-no-ephemeral": "SYN-ACK",
        "sg-missing-port": "SYN",
        "host-firewall-drop": "SYN",
        "no-public-ip": "SYN",
    }


def test_a_socket_whose_connect_cannot_send_is_not_called_connected(journeys):
    journey = journeys["wrong-netmask"]
    first = journey.events[0]
    assert "connect() called" in first.decision
    assert first.table.matched[-1] == "SYN-SENT"
    for event in journey.events:
        text = re.sub(r"not yet connected", "", f"{event.decision} {event.why}")
        assert "connected socket" not in text and "ESTABLISHED" not in str(event.table)


def test_deciders_are_named_in_words(journeys):
    for journey in journeys.values():
        for event in journey.events:
            assert event.decided_by, event
            assert not re.search(r"[a-z_]\.[a-z_]", event.decided_by), event.decided_by
            assert "netcourse" not in event.decided_by


def _macs(event):
    frame = Ether(event.pdu)
    return frame.src, frame.dst


def test_every_layer3_hop_writes_its_own_macs(journeys, healthy):
    """Source = the hop's outgoing interface, destination = the next hop's, at every hop."""
    sc = healthy
    laptop, router, server = sc.laptop.mac, sc.router, sc.server.mac
    want = {
        ("request", "home router", "router"): (router.wan_mac, router.isp_mac),
        ("request", "internet", "routers"): (LINK_MACS["transit router"], LINK_MACS["aws edge"]),
        ("request", "igw", "internet gateway"): (LINK_MACS["vpc router"], server),
        ("reply", "igw", "internet gateway"): (LINK_MACS["aws edge"], LINK_MACS["transit router"]),
        ("reply", "internet", "routers"): (router.isp_mac, router.wan_mac),
        ("reply", "home router", "router"): (router.lan_mac, laptop),
    }
    journey = journeys["healthy"]
    seen = set()
    for event in journey.events:
        device = "igw" if event.device.startswith("igw-") else event.device
        key = (event.direction, device, event.kind)
        if key in want:
            assert _macs(event) == want[key], (event.step, key)
            assert "Ether.src" in event.rewrites and "Ether.dst" in event.rewrites
            seen.add((key, event.segment))
    assert (
        len(seen) == len(want) * 2
    )  # each hop, on both segments of its direction that it forwards


def test_no_frame_beyond_the_home_router_carries_a_home_lan_mac(journeys, healthy):
    home = {healthy.laptop.mac, healthy.router.lan_mac, healthy.neighbour.mac}
    for event in journeys["healthy"].events:
        if event.zone != "home" or event.kind == "NAT" or event.step == 6:
            frame = Ether(event.pdu)
            if IP in frame and frame[IP].src == healthy.router.wan_ip:  # on the WAN side
                assert not {frame.src, frame.dst} & home, event
            if IP in frame and frame[IP].dst == healthy.router.wan_ip:
                assert not {frame.src, frame.dst} & home, event


def test_the_next_hops_mac_is_unknown_until_arp(journeys, healthy):
    journey = journeys["healthy"]
    before_arp = journey.events[:3]
    assert all(Ether(e.pdu).dst == "00:00:00:00:00:00" for e in before_arp)
    switch = journey.first("home switch", segment="SYN")
    assert Ether(switch.pdu).dst == healthy.router.lan_mac
