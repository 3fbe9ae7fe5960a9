"""The home router's NAT rewrite and its exact reverse; the reply path uses connection state."""

from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.layers.inet import IP, TCP

from netcourse.journey import NatTable, scenario
from netcourse.journey.pdu import four_tuple, parse, rewrite, tcp_frame

PRIVATE = st.builds(lambda c, d: f"10.0.{c}.{d}", st.integers(0, 255), st.integers(1, 254))
PORT = st.integers(1024, 65535)


@settings(max_examples=60, deadline=None)
@given(src=PRIVATE, sport=PORT, dport=st.integers(1, 65535), first=st.integers(1024, 60000))
def test_nat_rewrite_and_reverse_are_exact(src, sport, dport, first):
    request = (src, sport, "203.0.113.10", dport)
    nat, entry = NatTable().outbound(request, "198.51.100.23", first)
    out = NatTable.translate_out(request, entry)
    assert out == ("198.51.100.23", first, "203.0.113.10", dport)
    reply = (out[2], out[3], out[0], out[1])
    assert nat.inbound(reply) == entry
    back = NatTable.translate_in(reply, entry)
    assert back == (request[2], request[3], request[0], request[1])
    # a packet from anyone else, or to another port, has no mapping
    assert nat.inbound(("192.0.2.99", dport, out[0], out[1])) is None
    assert nat.inbound((out[2], out[3], out[0], out[1] + 1 if out[1] < 65535 else 1)) is None


def test_nat_allocates_distinct_outside_ports_and_reuses_a_mapping():
    nat = NatTable()
    nat, a = nat.outbound(("10.0.1.7", 51514, "203.0.113.10", 443), "198.51.100.23", 40000)
    nat, b = nat.outbound(("10.0.1.13", 51514, "203.0.113.10", 443), "198.51.100.23", 40000)
    assert a.outside_port != b.outside_port
    same, again = nat.outbound(("10.0.1.7", 51514, "203.0.113.10", 443), "198.51.100.23", 40000)
    assert again == a and same == nat


def test_rewritten_bytes_have_correct_checksums():
    frame = tcp_frame("02:00:00:00:00:07", "02:00:00:00:00:01", "10.0.1.7", "203.0.113.10",
                      51514, 443, payload=b"x" * 20)  # fmt: skip
    changed = rewrite(frame, src="198.51.100.23", sport=40000)
    pkt = parse(changed)
    fresh = pkt.copy()
    del fresh[IP].chksum, fresh[TCP].chksum
    fresh = parse(bytes(fresh))
    assert (pkt[IP].chksum, pkt[TCP].chksum) == (fresh[IP].chksum, fresh[TCP].chksum)
    assert four_tuple(changed) == ("198.51.100.23", 40000, "203.0.113.10", 443)


def test_journey_nat_reverse_restores_the_laptop_4_tuple():
    journey = scenario("healthy").run()
    before, after = journey.at("home router")[1:3]
    sent = four_tuple(journey.events[1].pdu)
    assert four_tuple(after.pdu) != sent  # the 4-tuple on the internet is not the socket's
    assert four_tuple(before.pdu)[0] == scenario("healthy").router.wan_ip
    delivered = four_tuple(journey.events[-1].pdu)
    assert delivered == (sent[2], sent[3], sent[0], sent[1])
    # the reply's NAT step marks the very entry the request created
    nat_request, nat_reply = journey.events[6], [e for e in journey.at("home router")
                                                 if e.direction == "reply"][0]  # fmt: skip
    assert nat_reply.table.matched == nat_request.table.matched is not None


def test_reply_is_recognised_by_stateful_devices():
    journey = scenario("healthy").run()
    reply = [e for e in journey.events if e.direction == "reply"]
    host = [e for e in reply if e.node == "instance" and "firewall" in e.kind][0]
    assert "ESTABLISHED" in host.table.note and host.decision.startswith("ACCEPT")
    conntrack = [e for e in reply if "connection tracking" in e.kind][0]
    assert conntrack.decision == "state ESTABLISHED"
    assert conntrack.table.matched is not None and "[UNREPLIED]" in conntrack.table.matched
    assert conntrack.step < host.step
    sg = [e for e in reply if e.node == "security group"][0]
    assert sg.ok and sg.table.match is None and "not consulted" in sg.table.note
    acl = [e for e in reply if e.node == "network ACL"][0]
    assert "1024-65535" in acl.table.note  # stateless: the ephemeral ports are checked again
    assert acl.table.matched[-1] == "allow"


def test_without_conntrack_rule_the_reply_is_dropped_by_output_policy():
    sc = scenario("healthy")
    ruleset = sc.server.iptables.replace(
        "-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n", ""
    )
    journey = sc.replace(server_iptables=ruleset).run()
    assert journey.failed_at.direction == "reply" and journey.failed_at.node == "instance"


def test_unsolicited_packet_to_router_is_dropped():
    # the same reply to another outside port has no NAT entry: the router drops it
    sc = scenario("healthy")
    nat = NatTable()
    assert nat.inbound(("203.0.113.10", 443, sc.router.wan_ip, 40000)) is None


def test_reply_without_nat_entry_stops_at_the_home_router(monkeypatch):
    # as after a router reboot: the table no longer holds the request's mapping
    monkeypatch.setattr(NatTable, "inbound", lambda self, four_tuple, proto="tcp": None)
    journey = scenario("healthy").run()
    stop = journey.failed_at
    assert (stop.direction, stop.device, stop.kind) == ("reply", "home router", "NAT")
    assert stop.table.match is None and stop.decision == "no mapping: drop"
