"""The lesson's claims about its example rulesets, each checked from the rule's documented
meaning (iptables-extensions(8), RFC 1191, RFC 4443/4890, the AWS VPC documentation), not from
the simulator's own output. The kernel differential test (test_kernel.py) checks the same
rulesets against the real kernel."""

from dataclasses import replace

import pytest
from firewall_expected import LONE_TCP_STATES, NO_SYN_RETURN_ACCEPTS

from netcourse.errors import PacketError
from netcourse.firewall import Firewall, Packet
from netcourse.firewall.examples import (
    EXAMPLES,
    NO_ICMP_ROUTER,
    PMTU_ROUTER,
    STATEFUL_ROUTER,
    STATELESS_NO_SYN_ROUTER,
    frag_needed,
    packet_too_big,
    reply,
    request,
    unsolicited,
    upload,
)

# --- a stateless router can refuse new connections: --sport 443 ! --syn ------------------


def test_the_no_syn_router_lets_a_whole_https_connection_through():
    fw = Firewall.from_iptables(STATELESS_NO_SYN_ROUTER)
    answer = upload().reply(flags="PA")  # B's data back to A
    replay = fw.replay([request(), reply(), upload(), answer], chain="FORWARD")
    assert replay.actions == ["ACCEPT"] * 4
    assert [v.rule_number for v in replay.verdicts] == [1, 2, 1, 2]


def test_the_no_syn_router_refuses_a_syn_from_port_443():
    fw = Firewall.from_iptables(STATELESS_NO_SYN_ROUTER)
    verdict = fw.evaluate(unsolicited(), chain="FORWARD")
    assert unsolicited().sport == 443 and unsolicited().flags == "S"
    assert (verdict.action, verdict.rule_number) == ("DROP", None)  # the FORWARD policy


@pytest.mark.parametrize(("flags", "accepted"), NO_SYN_RETURN_ACCEPTS)
def test_the_no_syn_router_still_lets_in_every_other_segment_from_port_443(flags, accepted):
    fw = Firewall.from_iptables(STATELESS_NO_SYN_ROUTER)
    verdict = fw.evaluate(unsolicited(flags=flags), chain="FORWARD")
    assert (verdict.action, verdict.rule_number) == (("ACCEPT", 2) if accepted else ("DROP", None))


@pytest.mark.parametrize(("flags", "state"), LONE_TCP_STATES)
def test_the_stateful_router_refuses_those_segments_after_As_own_connection(flags, state):
    # a stranger's segment belongs to no connection A opened: NEW (a SYN, or an ACK that
    # conntrack picks up) or INVALID, and the ESTABLISHED,RELATED rule does not take it
    fw = Firewall.from_iptables(STATEFUL_ROUTER)
    replay = fw.replay([request(), reply(), unsolicited(flags=flags)], chain="FORWARD")
    assert replay.states[-1] == state
    assert (replay.actions[-1], replay.verdicts[-1].rule_number) == ("DROP", None)


def test_the_no_syn_preset_shows_an_ack_getting_in():
    assert EXAMPLES["stateless-no-syn"].verdict().action == "ACCEPT"


# --- path MTU discovery: never drop "fragmentation needed" / "packet too big" -------------


def test_fragmentation_needed_is_icmp_type_3_code_4_about_As_upload():
    message = frag_needed()
    assert (message.icmp_type, message.icmp_code) == (3, 4)  # RFC 792 and RFC 1191
    assert message.inner == upload() and message.dst == upload().src


def test_dropping_all_icmp_drops_fragmentation_needed_even_about_a_tracked_connection():
    fw = Firewall.from_iptables(NO_ICMP_ROUTER)
    replay = fw.replay([request(), reply(), upload(), frag_needed()], chain="FORWARD")
    assert replay.actions == ["ACCEPT", "ACCEPT", "ACCEPT", "DROP"]
    assert replay.states[-1] == "RELATED" and replay.verdicts[-1].rule_number == 1


def test_allowing_fragmentation_needed_lets_it_through_and_other_icmp_stays_dropped():
    fw = Firewall.from_iptables(PMTU_ROUTER)
    verdict = fw.evaluate(frag_needed(), chain="FORWARD")
    assert (verdict.action, verdict.rule_number) == ("ACCEPT", 1)
    ping = Packet("icmp", src="203.0.113.66", dst="192.168.1.20", icmp_type="echo-request")
    assert fw.evaluate(replace(ping, in_iface="eth1"), chain="FORWARD").action == "DROP"
    port = replace(frag_needed(), icmp_code=3)  # port-unreachable: not what the rule allows
    assert fw.evaluate(port, chain="FORWARD").rule_number == 2


def test_related_lets_fragmentation_needed_about_a_tracked_connection_through():
    fw = Firewall.from_iptables(STATEFUL_ROUTER)
    replay = fw.replay([request(), reply(), upload(), frag_needed()], chain="FORWARD")
    assert (replay.states[-1], replay.actions[-1], replay.verdicts[-1].rule_number) == (
        "RELATED",
        "ACCEPT",
        1,
    )


def test_packet_too_big_is_icmpv6_type_2_and_dropping_icmpv6_drops_it():
    message = packet_too_big()
    assert (message.version, message.icmp_type) == (6, 2)  # RFC 4443 section 3.2
    fw = Firewall.from_iptables(["-A FORWARD -p ipv6-icmp -j DROP"], family=6)
    assert fw.evaluate(message, chain="FORWARD").action == "DROP"
    fixed = Firewall.from_iptables(
        [
            "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type packet-too-big -j ACCEPT",
            "-A FORWARD -p ipv6-icmp -j DROP",
        ],
        family=6,
    )
    assert fixed.evaluate(message, chain="FORWARD").action == "ACCEPT"


# --- iptables filters IPv4 only -----------------------------------------------------------

SSH6 = Packet("tcp", src="fd00:1::5", dst="fd00::2", dport=22)


def test_an_iptables_ruleset_never_judges_an_ipv6_packet():
    locked = Firewall.from_iptables(["-P INPUT DROP"])
    why = locked.why_not_judged(SSH6)
    assert why is not None and "IPv6" in why and "iptables" in why and "family=6" in why
    assert locked.why_not_judged(Packet("tcp", src="198.18.0.5", dst="198.18.0.2")) is None
    with pytest.raises(PacketError, match="judge IPv4 packets only"):
        locked.evaluate(SSH6)


def test_an_ip6tables_ruleset_never_judges_an_ipv4_packet():
    fw6 = Firewall.from_iptables(["-P INPUT DROP"], family=6)
    why = fw6.why_not_judged(Packet("tcp", src="198.18.0.5", dst="198.18.0.2"))
    assert why is not None and "ip6tables" in why and "family=4" in why
    assert fw6.why_not_judged(SSH6) is None


def test_an_empty_ip6tables_accepts_what_iptables_would_drop():
    # no rules and the ACCEPT policies ip6tables starts with: the IPv6 side is wide open
    assert Firewall.from_iptables("", family=6).evaluate(SSH6).action == "ACCEPT"


# --- security groups are stateful, network ACLs are not ------------------------------------


def test_a_stateful_security_group_does_not_make_the_reply_get_back():
    from netcourse.vpc import Vpc

    ok = Vpc.example().reachability("internet", "web", port=443)
    assert ok.reachable
    blocked = Vpc.example("acl-no-ephemeral").reachability("internet", "web", port=443)
    assert not blocked.reachable
    assert "Network ACLs are stateless" in blocked.explanation
    assert "blocked on the response" in blocked.explanation
