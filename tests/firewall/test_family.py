"""ip6tables-save rules (family=6): IPv6 addresses, ICMPv6, ip6tables' own matches and REJECT
answers, and the refusals that name the family to use."""

from __future__ import annotations

import ipaddress
import time

import pytest
from firewall_random import packets6, rulesets6
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.data import path as data_path
from netcourse.errors import PacketError, RuleError
from netcourse.firewall import ConnTrack, Firewall, Packet, lint
from netcourse.firewall.family import REJECT_WITH6, family_of_text
from netcourse.firewall.parser import parse_ruleset
from netcourse.protocols import ICMPV6_TYPES, icmp_names


def fw6(*lines: str, **kwargs) -> Firewall:
    return Firewall.from_iptables(list(lines), family=6, **kwargs)


def test_ipv6_networks_match_by_prefix():
    fw = fw6("-A INPUT -s fd00:1::/64 -j DROP", "-A INPUT -d fd00::2/128 -j REJECT")
    assert fw.evaluate(Packet("udp", src="fd00:1::ffff", dst="fd00::9")).action == "DROP"
    assert fw.evaluate(Packet("udp", src="fd00:2::1", dst="fd00::2")).action == "REJECT"
    assert fw.evaluate(Packet("udp", src="fd00:2::1", dst="fd00::3")).action == "ACCEPT"
    # the last address of the /64 and the first one past it
    last = ipaddress.IPv6Network("fd00:1::/64")[-1]
    assert fw.evaluate(Packet("udp", src=str(last), dst="fd00::9")).action == "DROP"
    assert fw.evaluate(Packet("udp", src=str(last + 1), dst="fd00::9")).action == "ACCEPT"


@pytest.mark.parametrize(
    "rule, family, words",
    [
        ("-A INPUT -s fd00::7/128 -j DROP", 4, "family=6"),
        ("-A INPUT -d ::1 -j DROP", 4, "family=6"),
        ("-A INPUT -s 192.0.2.0/24 -j DROP", 6, "family=4"),
        ("-A INPUT -m iprange --src-range 192.0.2.1-192.0.2.9 -j DROP", 6, "family=4"),
        ("-A INPUT -m iprange --src-range fd00::1-fd00::9 -j DROP", 4, "family=6"),
        ("-A INPUT -p ipv6-icmp -j DROP", 4, "family=6"),
        ("-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 1 -j DROP", 4, "family=6"),
        ("-A INPUT -m rt --rt-type 0 -j DROP", 4, "family=6"),
        ("-A INPUT -p icmp -m icmp --icmp-type 8 -j DROP", 6, "icmp6"),
        ("-A INPUT -p tcp -j REJECT --reject-with icmp-port-unreachable", 6, "icmp6-"),
        ("-A INPUT -m addrtype --dst-type BROADCAST -j DROP", 6, "no broadcast"),
        # ip6tables 1.8.9: "`-f' is not supported in IPv6, use -m frag instead"
        ("-A INPUT -f -j DROP", 6, "not supported in IPv6"),
        ("-A INPUT -m ttl --ttl-eq 3 -j DROP", 6, "-m hl"),
    ],
)
def test_the_other_familys_words_are_refused_naming_the_family(rule, family, words):
    with pytest.raises(RuleError) as caught:
        Firewall.from_iptables(rule, family=family)
    assert words in str(caught.value)


@pytest.mark.parametrize("module", ["frag", "hbh", "dst", "ipv6header", "mh"])
def test_extension_header_matches_are_refused_by_name(module):
    with pytest.raises(RuleError) as caught:
        fw6(f"-A INPUT -m {module} -j DROP")
    assert f"'-m {module}'" in str(caught.value) and "not simulated" in str(caught.value)


@pytest.mark.parametrize("proto", ["ipv6-icmp", "icmpv6", "58", "IPv6-ICMP"])
def test_icmpv6_has_every_name_ip6tables_accepts(proto):
    fw = fw6(f"-A INPUT -p {proto} -m icmp6 --icmpv6-type echo-request -j DROP")
    assert fw.evaluate(Packet("icmpv6", icmp_type=128)).action == "DROP"
    assert fw.evaluate(Packet("icmpv6", icmp_type=129)).action == "ACCEPT"


@pytest.mark.parametrize("name", sorted(icmp_names(6)))
def test_every_icmpv6_name_of_ip6tables_selects_its_type(name):
    kind, code = icmp_names(6)[name]
    fw = fw6(f"-A INPUT -p icmpv6 --icmpv6-type {name} -j DROP")
    if kind == 255:
        assert fw.evaluate(Packet("icmpv6", icmp_type=200)).action == "DROP"
        return
    pkt = Packet("icmpv6", icmp_type=kind, icmp_code=code or 0)
    assert fw.evaluate(pkt).action == "DROP"
    other = Packet("icmpv6", icmp_type=(kind + 1) % 256)
    assert fw.evaluate(other).action == "ACCEPT"


def test_icmpv6_types_and_codes_are_ip6tables_numbers():
    # ip6tables -p icmpv6 -h: port-unreachable is 1/4, echo-request 128 (ICMPv6, RFC 4443)
    assert icmp_names(6)["port-unreachable"] == (1, 4)
    assert icmp_names(6)["packet-too-big"] == (2, None)
    assert ICMPV6_TYPES[128].reply == 129


@pytest.mark.parametrize("value", sorted(REJECT_WITH6))
def test_reject_with_takes_ip6tables_answers(value):
    proto = "-p tcp " if value in ("tcp-reset", "tcp-rst") else ""
    fw = fw6(f"-A INPUT {proto}-j REJECT --reject-with {value}")
    verdict = fw.evaluate(Packet("tcp", src="fd00::1", dst="fd00::2"))
    assert verdict.action == "REJECT" and verdict.reject_with == REJECT_WITH6[value]


def test_reject_answers_icmp6_port_unreachable_by_default():
    verdict = fw6("-A INPUT -j REJECT").evaluate(Packet("udp", src="fd00::1", dst="fd00::2"))
    assert verdict.reject_with == "icmp6-port-unreachable"


def test_iprange_multiport_state_comment_and_limit_read_ipv6():
    fw = fw6(
        "-P INPUT DROP",
        "-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT",
        '-A INPUT -m comment --comment "lan" -m iprange --src-range fd00::10-fd00::20 -j ACCEPT',
        "-A INPUT -p tcp -m multiport --dports 22,443 -m limit --limit 3/min -j ACCEPT",
    )
    assert fw.evaluate(Packet("udp", src="fd00::15", dst="fd00::2")).action == "ACCEPT"
    assert fw.evaluate(Packet("udp", src="fd00::21", dst="fd00::2")).action == "DROP"
    assert fw.evaluate(Packet("tcp", src="fd00::99", dst="fd00::2", dport=443)).rule_number == 3
    assert fw.evaluate(Packet("tcp", src="fd00::99", dst="fd00::2", dport=80)).action == "DROP"


def test_addrtype_in_ipv6_reads_the_machines_ipv6_addresses():
    fw = fw6(
        "-P INPUT DROP",
        "-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT",
        "-A INPUT -m addrtype --dst-type MULTICAST -j REJECT",
        interfaces={"eth0": ("198.18.0.2/24", "fd00::2/64")},
    )
    assert fw.evaluate(Packet("udp", src="fd00::1", dst="fd00::2")).action == "ACCEPT"
    assert fw.evaluate(Packet("udp", src="fd00::1", dst="::1")).action == "ACCEPT"
    assert fw.evaluate(Packet("udp", src="fd00::1", dst="ff02::fb")).action == "REJECT"
    assert fw.evaluate(Packet("udp", src="fd00::1", dst="fd00::3")).action == "DROP"


def test_ipv6_addrtype_types_must_all_hold_as_match_type6_asks():
    # xt_addrtype's IPv6 side ANDs MULTICAST/UNICAST/UNSPEC: UNICAST,MULTICAST matches none
    fw = fw6("-A INPUT -m addrtype --dst-type UNICAST,MULTICAST -j DROP")
    for dst in ("fd00::2", "ff02::1", "::"):
        assert fw.evaluate(Packet("udp", src="fd00::1", dst=dst)).action == "ACCEPT"
    unicast = fw6("-A INPUT -m addrtype --dst-type UNICAST -j DROP")
    assert unicast.evaluate(Packet("udp", src="fd00::1", dst="fe80::1")).action == "DROP"
    for dst in ("::", "::ffff:192.0.2.1", "ff02::1"):  # not unicast to ipv6_addr_type()
        assert unicast.evaluate(Packet("udp", src="fd00::1", dst=dst)).action == "ACCEPT"


def test_rt_matches_only_packets_with_a_routing_header():
    fw = fw6("-A INPUT -m rt --rt-type 0 -j DROP", "-A INPUT -m rt ! --rt-type 0 -j REJECT")
    assert fw.evaluate(Packet("udp", src="fd00::1", routing_type=0)).action == "DROP"
    assert fw.evaluate(Packet("udp", src="fd00::1", routing_type=2)).action == "REJECT"
    assert fw.evaluate(Packet("udp", src="fd00::1")).action == "ACCEPT"  # no header at all


def test_hl_compares_the_hop_limit():
    fw = fw6(
        "-A INPUT -m hl --hl-eq 255 -j ACCEPT",
        "-A INPUT -m hl --hl-lt 2 -j REJECT",
        "-A INPUT -m hl --hl-gt 100 -j DROP",
        "-A INPUT -m hl ! --hl-eq 64 -j LOG",
        "-P INPUT DROP",
    )
    actions = {
        ttl: fw.evaluate(Packet("udp", src="fd00::1", ttl=ttl)).action for ttl in (255, 1, 101, 64)
    }
    assert actions == {255: "ACCEPT", 1: "REJECT", 101: "DROP", 64: "DROP"}
    with pytest.raises(RuleError, match="only --hl-eq"):
        fw6("-A INPUT -m hl ! --hl-lt 3 -j DROP")


def test_a_packet_of_the_other_version_is_refused():
    with pytest.raises(PacketError, match="family=4"):
        fw6("-A INPUT -j DROP").evaluate(Packet("udp"))
    with pytest.raises(PacketError, match="family=6"):
        Firewall.from_iptables("-A INPUT -j DROP").evaluate(Packet("udp", src="fd00::1"))


def test_a_packets_addresses_are_of_one_version():
    with pytest.raises(PacketError):
        Packet("icmpv6", src="fd00::1", icmp_type=1, inner=Packet("udp"))
    with pytest.raises(Exception, match="one IP version"):
        Packet("udp", src="fd00::1", dst="192.0.2.1")


def test_family_is_read_from_the_generated_by_line_or_given():
    text = "# Generated by ip6tables-save v1.8.9 (nf_tables)\n*filter\n-A INPUT -j DROP\nCOMMIT"
    assert family_of_text(text) == 6 and parse_ruleset(text).family == 6
    assert parse_ruleset(text, family=4).family == 4
    assert parse_ruleset("-A INPUT -j DROP").family == 4
    with pytest.raises(TypeError):
        parse_ruleset("-A INPUT -j DROP", family=5)


# --- connection tracking: ICMPv6 ------------------------------------------------------------


def test_icmpv6_echo_is_paired_as_the_kernel_pairs_128_and_129():
    ct = ConnTrack()
    ping = Packet("icmpv6", src="fd00::1", dst="fd00::2", icmp_type="echo-request", icmp_id=7)
    step = ct.classify(ping)
    assert step.state == "NEW"
    ct.commit(step, accepted=True)
    pong = ping.reply()
    assert pong.icmp_type == 129 and ct.classify(pong).state == "ESTABLISHED"
    assert ConnTrack().classify(pong).state == "INVALID"  # a lone reply
    other = Packet("icmpv6", src="fd00::2", dst="fd00::1", icmp_type=129, icmp_id=8)
    assert ct.classify(other).state == "INVALID"  # another identifier


def test_icmpv6_errors_about_a_tracked_flow_are_related():
    ct = ConnTrack()
    query = Packet("udp", src="fd00::1", dst="fd00::2", sport=40000, dport=53)
    ct.commit(ct.classify(query), accepted=True)
    error = Packet("icmpv6", src="fd00::2", dst="fd00::1", icmp_type=1, icmp_code=4, inner=query)
    assert ct.classify(error).state == "RELATED"
    stray = Packet("udp", src="fd00::1", dst="fd00::2", sport=40001, dport=53)
    lone = Packet("icmpv6", src="fd00::2", dst="fd00::1", icmp_type=1, icmp_code=4, inner=stray)
    assert ct.classify(lone).state == "INVALID"


@pytest.mark.parametrize("kind", [133, 134, 135, 136, 130, 143])
def test_neighbour_discovery_and_mld_are_untracked(kind):
    pkt = Packet("icmpv6", src="fe80::1", dst="ff02::1", icmp_type=kind, ttl=255)
    assert ConnTrack().classify(pkt).state == "UNTRACKED"


def test_replay_lets_the_echo_reply_back_in():
    fw = fw6(
        "-P INPUT DROP",
        "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT",
    )
    ping = Packet("icmpv6", src="fd00::1", dst="fd00::2", icmp_type=128, icmp_id=3)
    assert fw.replay([ping, ping.reply()]).actions == ["ACCEPT", "ACCEPT"]
    assert fw.replay([ping.reply()]).actions == ["DROP"]


# --- lint over the 128-bit address space ----------------------------------------------------


def test_lint_proves_shadowing_over_ipv6_networks():
    report = lint(fw6("-A INPUT -s fd00::/8 -j DROP", "-A INPUT -s fd00:1::/64 -j ACCEPT"))
    assert [(f.kind, f.rules) for f in report] == [("shadowed", (2,)), ("accept-policy", ())]
    report = lint(fw6("-A INPUT -s fd00:1::/64 -j DROP", "-A INPUT -s fd00::/8 -j ACCEPT"))
    assert "shadowed" not in report.kinds()


def test_lint_sees_the_whole_ipv6_space_and_nothing_more():
    # ::/0 is every IPv6 address: the rule after it is never tried and nothing slips past
    report = lint(fw6("-A INPUT -s ::/0 -j DROP", "-A INPUT -p tcp -j ACCEPT"))
    assert report.kinds() == ["after-catch-all"]
    # the upper half of the space alone leaves the lower half to the ACCEPT policy
    halves = lint(fw6("-A INPUT -s 8000::/1 -j DROP"))
    assert halves.kinds() == ["accept-policy"]
    both = lint(fw6("-A INPUT -s 8000::/1 -j DROP", "-A INPUT -s ::/1 -j DROP"))
    assert "accept-policy" not in both.kinds()


def test_lint_knows_untracked_packets_pass_every_state_rule():
    fw = fw6(
        "-P INPUT DROP",
        "-A INPUT -m conntrack --ctstate INVALID,NEW,ESTABLISHED,RELATED -j DROP",
        "-A INPUT -p ipv6-icmp -j ACCEPT",
    )
    assert lint(fw).kinds() == []  # rule 2 decides neighbour discovery
    solicit = Packet("icmpv6", src="fe80::1", dst="fd00::2", icmp_type=135, ttl=255)
    assert fw.evaluate(solicit).rule_number == 2


def test_lint_of_a_routing_header_rule_claims_nothing_about_other_packets():
    fw = fw6("-P INPUT DROP", "-A INPUT -m rt --rt-type 0 -j DROP", "-A INPUT -j ACCEPT")
    assert lint(fw).kinds() == []


def test_lint_of_the_shipped_ufw_rules6_is_fast_and_finds_no_new_contradiction():
    text = data_path("rulesets").joinpath("ufw-server.rules6").read_text()
    start = time.perf_counter()
    report = lint(Firewall.from_iptables(text))
    assert time.perf_counter() - start < 2.0
    contradictions = [f for f in report if "contradict" in f.message]
    # as for the IPv4 file: lint treats -m recent --update as never matching (its own limit)
    fw = Firewall.from_iptables(text)
    assert all(
        "-m recent --update" in fw.rule(f.chain, n).text for f in contradictions for n in f.rules
    )


STATES6 = st.sampled_from(["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"])


@settings(max_examples=60, deadline=None)
@given(lines=rulesets6(), probes=st.lists(st.tuples(packets6(), STATES6), min_size=30, max_size=30))
def test_lint_is_sound_on_random_ip6tables_rulesets(lines, probes):
    fw = Firewall.from_iptables(lines, family=6)
    report = lint(fw)
    never = {
        (f.chain, n)
        for f in report
        if f.kind == "after-catch-all" or "never" in f.message
        for n in f.rules
    }
    for pkt, state in probes:
        verdict = fw.evaluate(pkt, state=state)
        assert (verdict.chain, verdict.rule_number) not in never, (lines, pkt, state, report)


@pytest.mark.parametrize(
    "option", ["--ctorigsrc fd00::/64", "--ctrepldst fd00::/64", "--ctorigdst fd00::2"]
)
def test_ipv6_conntrack_tuples_read_the_same_in_a_batch(option):
    from netcourse.firewall import PacketBatch

    fw = Firewall.from_iptables([f"-A INPUT -m conntrack {option} -j DROP"], family=6)
    pkts = [
        Packet("udp", src="fd00::1", dst="fd00::2", sport=1, dport=2),
        Packet("udp", src="fd01::1", dst="fd00::2", sport=1, dport=2),
        Packet("udp", src="fd00::1", dst="fd01::2", sport=1, dport=2),
    ]
    one = [fw.evaluate(p).action for p in pkts]
    assert list(fw.evaluate_batch(PacketBatch.from_packets(pkts)).action) == one
    assert sorted(one) == ["ACCEPT", "DROP", "DROP"]
