"""Batch evaluation equals evaluating each packet alone."""

import numpy as np
import pytest
from firewall_random import packets, rulesets
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.errors import CaptureError
from netcourse.firewall import Firewall, Packet, PacketBatch
from netcourse.firewall.batch import capture_packets
from netcourse.firewall.conntrack import lone_state
from netcourse.firewall.matches import STATES
from netcourse.protocols import LINK_TYPES


@settings(max_examples=150, deadline=None)
@given(lines=rulesets(), pkts=st.lists(packets(), min_size=1, max_size=40))
def test_batch_equals_per_packet_evaluate(lines, pkts):
    fw = Firewall.from_iptables(lines)
    result = fw.evaluate_batch(PacketBatch.from_packets(pkts), chain="INPUT")
    for index, pkt in enumerate(pkts):
        verdict = fw.evaluate(pkt, chain="INPUT")
        expected = (verdict.action, verdict.chain, verdict.rule_number or 0)
        got = (result.action[index], result.chain[index], int(result.rule_number[index]))
        assert got == expected, (lines, pkt, verdict)


@settings(max_examples=100, deadline=None)
@given(lines=rulesets(chain="OUTPUT"), pkts=st.lists(packets(), min_size=1, max_size=30))
def test_batch_equals_per_packet_evaluate_in_output_with_owner_matches(lines, pkts):
    fw = Firewall.from_iptables(lines)
    result = fw.evaluate_batch(PacketBatch.from_packets(pkts), chain="OUTPUT")
    for index, pkt in enumerate(pkts):
        verdict = fw.evaluate(pkt, chain="OUTPUT")
        expected = (verdict.action, verdict.chain, verdict.rule_number or 0)
        got = (result.action[index], result.chain[index], int(result.rule_number[index]))
        assert got == expected, (lines, pkt, verdict)


@settings(max_examples=60, deadline=None)
@given(pkts=st.lists(packets(), min_size=1, max_size=30))
def test_batch_states_equal_lone_states(pkts):
    batch = PacketBatch.from_packets(pkts)
    assert [int(code) for code in batch.state] == [STATES[lone_state(p)] for p in pkts]


def test_batch_from_a_capture(tmp_path):
    from scapy.layers.inet import IP, TCP, UDP
    from scapy.layers.l2 import ARP, Ether
    from scapy.utils import wrpcap

    frames = [
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src="192.0.2.1", dst="192.0.2.2")
        / TCP(sport=1234, dport=22, flags="S"),
        Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff")
        / ARP(psrc="192.0.2.1", pdst="192.0.2.2"),
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src="192.0.2.1", dst="192.0.2.2")
        / UDP(sport=1234, dport=53),
    ]
    path = tmp_path / "two.pcap"
    wrpcap(str(path), frames)
    batch = PacketBatch.from_capture(path)
    assert len(batch) == 2  # the ARP frame has no IPv4 header
    fw = Firewall.from_iptables(["-A INPUT -p tcp --dport 22 -j DROP"])
    assert fw.evaluate_batch(batch).action.tolist() == ["DROP", "ACCEPT"]
    replay = fw.replay(str(path))
    assert replay.actions == ["DROP", "ACCEPT"]
    with pytest.raises(CaptureError):
        PacketBatch.from_capture(tmp_path / "missing.pcap")


def test_batch_counts_and_policy_rule_number_zero():
    fw = Firewall.from_iptables(["-P INPUT DROP", "-A INPUT -p udp -j ACCEPT"])
    pkts = [
        Packet("udp", src="192.0.2.1", dst="192.0.2.2"),
        Packet("icmp", src="192.0.2.1", dst="192.0.2.2"),
    ]
    result = fw.evaluate_batch(PacketBatch.from_packets(pkts))
    assert result.counts() == {"ACCEPT": 1, "DROP": 1}
    assert np.array_equal(result.rule_number, [1, 0])


def test_batch_follows_return_and_goto_back_to_the_caller():
    fw = Firewall.from_iptables(
        [
            "-N SUB",
            "-N GO",
            "-P INPUT DROP",
            "-A INPUT -p udp -j SUB",
            "-A INPUT -p tcp -j GO",
            "-A INPUT -j ACCEPT",
            "-A SUB -s 10.0.0.0/8 -j RETURN",
            "-A SUB -j REJECT",
            "-A GO -g SUB",
        ]
    )
    pkts = [
        Packet("udp", src="10.1.1.1", dst="192.0.2.2"),
        Packet("udp", src="192.0.2.9", dst="192.0.2.2"),
        Packet("tcp", src="10.1.1.1", dst="192.0.2.2"),
        Packet("tcp", src="192.0.2.9", dst="192.0.2.2"),
    ]
    result = fw.evaluate_batch(PacketBatch.from_packets(pkts))
    expected = [fw.evaluate(p) for p in pkts]
    assert (
        result.action.tolist()
        == [v.action for v in expected]
        == ["ACCEPT", "REJECT", "ACCEPT", "REJECT"]
    )
    assert result.rule_number.tolist() == [v.rule_number for v in expected] == [3, 2, 3, 2]


def _frames_by_link_type():
    """One TCP SYN and one UDP datagram per link type, built with scapy's own layers."""
    from scapy.layers.dot11 import Dot11, RadioTap
    from scapy.layers.inet import IP, TCP, UDP
    from scapy.layers.inet6 import IPv6
    from scapy.layers.l2 import LLC, SNAP, CookedLinux, CookedLinuxV2, Ether, Loopback
    from scapy.layers.ppp import HDLC, PPP

    payloads = [
        IP(src="192.0.2.1", dst="192.0.2.2") / TCP(sport=1234, dport=22, flags="S"),
        IP(src="192.0.2.1", dst="192.0.2.2") / UDP(sport=1234, dport=53),
    ]
    v6 = [IPv6(src="2001:db8::1", dst="2001:db8::2") / UDP(sport=1, dport=2)]
    return {
        1: [Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / p for p in payloads],
        101: payloads,
        113: [CookedLinux(pkttype=0, proto=0x0800) / p for p in payloads],
        228: payloads,
        229: v6,  # raw IPv6: nothing for an IPv4 firewall
        276: [CookedLinuxV2(proto=0x0800, ifindex=2) / p for p in payloads],
        0: [Loopback(type=2) / p for p in payloads],  # BSD loopback, host byte order
        108: [b"\x00\x00\x00\x02" + bytes(p) for p in payloads],  # OpenBSD: network order
        9: [PPP(proto=0x0021) / p for p in payloads],
        50: [HDLC(address=0xFF, control=0x03) / PPP(proto=0x0021) / p for p in payloads],
        127: [
            RadioTap()
            / Dot11(
                type=2,
                subtype=0,
                FCfield="to_DS",
                addr1="02:00:00:00:00:02",
                addr2="02:00:00:00:00:01",
                addr3="02:00:00:00:00:02",
            )
            / LLC(dsap=0xAA, ssap=0xAA, ctrl=3)
            / SNAP(OUI=0, code=0x0800)
            / p
            for p in payloads
        ],
    }


def test_captures_of_every_link_type_give_their_ipv4_packets(tmp_path):
    from netcourse.packets import write_capture  # scapy's writer takes linktype=0 as "guess"

    frames = _frames_by_link_type()
    assert set(frames) == set(LINK_TYPES), "every link type the course reads needs a capture here"
    for linktype, built in frames.items():
        path = tmp_path / f"link{linktype}.pcap"
        write_capture(path, [bytes(pkt) for pkt in built], linktype=linktype)
        got = capture_packets(path)
        if linktype == 229:
            assert got == [], linktype
            continue
        assert [p.describe() for p in got] == [
            "tcp 192.0.2.1:1234 -> 192.0.2.2:22 [S]",
            "udp 192.0.2.1:1234 -> 192.0.2.2:53",
        ], linktype


def test_a_capture_of_an_unknown_link_type_is_a_capture_error(tmp_path):
    from scapy.utils import PcapWriter

    path = tmp_path / "usb.pcap"
    with PcapWriter(str(path), linktype=189, sync=True) as writer:
        writer.write(b"\x00" * 40)
    with pytest.raises(CaptureError, match="link type 189"):
        capture_packets(path)
    with pytest.raises(CaptureError):
        capture_packets(12)
