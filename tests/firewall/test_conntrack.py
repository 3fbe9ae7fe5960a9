"""Connection tracking, as measured on Linux (see test_kernel.py for the measurement)."""

import pytest
from firewall_expected import LONE_TCP_STATES

from netcourse.firewall import ConnTrack, Firewall, Packet
from netcourse.firewall.conntrack import lone_state

A, B = "198.18.0.1", "198.18.1.1"


def tcp(flags, src=A, dst=B, sport=40000, dport=80):
    return Packet("tcp", src=src, dst=dst, sport=sport, dport=dport, flags=flags)


@pytest.mark.parametrize("flags, state", LONE_TCP_STATES)
def test_lone_tcp_packets(flags, state):
    assert lone_state(tcp(flags)) == state


def test_tcp_loose_off_makes_a_lone_ack_invalid():
    assert lone_state(tcp("A"), tcp_loose=False) == "INVALID"


def test_handshake_and_data_are_new_then_established():
    ct = ConnTrack()
    sequence = [
        tcp("S"),
        tcp("SA", A and B, A, 80, 40000),
        tcp("A"),
        tcp("PA"),
        tcp("PA", B, A, 80, 40000),
    ]
    states = []
    for pkt in sequence:
        step = ct.classify(pkt)
        states.append(step.state)
        ct.commit(step, accepted=True)
    assert states == ["NEW", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED"]
    assert ct.table()[0].tcp_state == "ESTABLISHED"


def test_a_dropped_first_packet_leaves_no_entry():
    ct = ConnTrack()
    step = ct.classify(tcp("S"))
    ct.commit(step, accepted=False)
    assert len(ct) == 0
    assert ct.classify(tcp("SA", B, A, 80, 40000)).state == "INVALID"


def test_udp_first_new_then_reply_established():
    fw = Firewall.from_iptables(["-A FORWARD -j ACCEPT"])
    query = Packet("udp", src=A, dst=B, sport=5353, dport=53)
    replay = fw.replay([query, query, query.reply(), query], chain="FORWARD")
    assert replay.states == ["NEW", "NEW", "ESTABLISHED", "ESTABLISHED"]
    assert replay.table[0].seen_reply


def test_icmp_echo_reply_needs_a_request():
    fw = Firewall.from_iptables(["-A FORWARD -j ACCEPT"])
    ping = Packet("icmp", src=A, dst=B, icmp_type="echo-request", icmp_id=7)
    assert fw.replay([ping.reply()], chain="FORWARD").states == ["INVALID"]
    assert fw.replay([ping, ping.reply()], chain="FORWARD").states == ["NEW", "ESTABLISHED"]
    other_id = Packet("icmp", src=B, dst=A, icmp_type="echo-reply", icmp_id=8)
    assert fw.replay([ping, other_id], chain="FORWARD").states == ["NEW", "INVALID"]


def test_icmp_errors_about_tracked_flows_are_related():
    fw = Firewall.from_iptables(["-A FORWARD -j ACCEPT"])
    query = Packet("udp", src=A, dst=B, sport=5353, dport=53)
    error = Packet("icmp", src=B, dst=A, icmp_type="port-unreachable", inner=query)
    assert fw.replay([query, error], chain="FORWARD").states == ["NEW", "RELATED"]
    assert fw.replay([error], chain="FORWARD").states == ["INVALID"]
    bare = Packet("icmp", src=B, dst=A, icmp_type=3, icmp_code=3)
    assert fw.replay([query, bare], chain="FORWARD").states == ["NEW", "INVALID"]


def test_stateful_ruleset_stops_an_unsolicited_packet_that_a_stateless_one_admits():
    stateless = Firewall.from_iptables(
        [
            "-P FORWARD DROP",
            f"-A FORWARD -s {A} -j ACCEPT",
            f"-A FORWARD -d {A} -p tcp --dport 1024:65535 -j ACCEPT",
        ]
    )
    stateful = Firewall.from_iptables(
        [
            "-P FORWARD DROP",
            f"-A FORWARD -s {A} -j ACCEPT",
            "-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        ]
    )
    request = tcp("S")
    conversation = [request, request.reply(), tcp("A")]
    for fw in (stateless, stateful):
        assert fw.replay(conversation, chain="FORWARD").actions == ["ACCEPT"] * 3
    unsolicited = tcp("A", src=B, dst=A, sport=443, dport=50000)
    assert stateless.replay([unsolicited], chain="FORWARD").actions == ["ACCEPT"]
    assert stateful.replay([unsolicited], chain="FORWARD").actions == ["DROP"]


def test_rst_before_any_reply_removes_the_entry_and_syn_reopens_closed():
    ct = ConnTrack()
    for pkt in (tcp("S"), tcp("R")):
        ct.commit(ct.classify(pkt), accepted=True)
    assert len(ct) == 0
    replay = Firewall.from_iptables([]).replay(
        [tcp("S"), tcp("SA", B, A, 80, 40000), tcp("A"), tcp("R"), tcp("S")]
    )
    assert replay.states == ["NEW", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "NEW"]
