"""Walking chains: first terminal match wins, LOG goes on, jumps, goto, RETURN, policies."""

import pytest

from netcourse.errors import RuleError
from netcourse.firewall import Firewall, Packet

SEED = "-A INPUT -p tcp -s 192.168.1.0/24 -m tcp --dport 80 -j ACCEPT"


def tcp(src="192.168.1.20", dport=80, flags="S", sport=40000, **kw):
    return Packet("tcp", src=src, dst="10.0.0.5", sport=sport, dport=dport, flags=flags, **kw)


def test_seed_rule_admits_only_the_subnet_to_port_80():
    fw = Firewall.from_iptables([SEED, "-P INPUT DROP"])
    for src, dport, expected in [
        ("192.168.1.0", 80, "ACCEPT"),
        ("192.168.1.255", 80, "ACCEPT"),
        ("192.168.2.1", 80, "DROP"),  # 192.*.*.* is not what /24 means
        ("192.168.1.20", 443, "DROP"),
    ]:
        verdict = fw.evaluate(tcp(src=src, dport=dport))
        assert verdict.action == expected, (src, dport)
    accepted = fw.evaluate(tcp())
    assert (accepted.chain, accepted.rule_number) == ("INPUT", 1)
    dropped = fw.evaluate(tcp(dport=22))
    assert (dropped.chain, dropped.rule_number) == ("INPUT", None)
    assert dropped.trace[-1].number is None and "policy" in dropped.trace[-1].reason


def test_first_terminal_match_wins_and_log_goes_on():
    fw = Firewall.from_iptables(
        [
            "-A INPUT -p tcp -j LOG --log-prefix seen",
            "-A INPUT -p tcp -j DROP",
            "-A INPUT -j ACCEPT",
        ]
    )
    verdict = fw.evaluate(tcp())
    assert (verdict.action, verdict.rule_number) == ("DROP", 2)
    assert [step.matched for step in verdict.trace] == [True, True]


def test_trace_names_why_a_rule_did_not_match():
    fw = Firewall.from_iptables([SEED])
    verdict = fw.evaluate(tcp(src="10.1.1.1"))
    assert not verdict.trace[0].matched
    assert "10.1.1.1" in verdict.trace[0].reason and "192.168.1.0/24" in verdict.trace[0].reason


def test_jump_returns_when_the_user_chain_does_not_decide():
    fw = Firewall.from_iptables(
        [
            "-N WEB",
            "-A INPUT -p tcp -j WEB",
            "-A INPUT -p tcp --dport 22 -j ACCEPT",
            "-A INPUT -j REJECT",
            "-A WEB -p tcp --dport 80 -j ACCEPT",
            "-A WEB -s 10.0.0.0/8 -j RETURN",
            "-A WEB -j DROP",
        ]
    )
    assert (fw.evaluate(tcp(dport=80)).chain, fw.evaluate(tcp(dport=80)).rule_number) == ("WEB", 1)
    back = fw.evaluate(tcp(src="10.9.9.9", dport=22))  # RETURN, then INPUT rule 2
    assert (back.action, back.chain, back.rule_number) == ("ACCEPT", "INPUT", 2)
    other = fw.evaluate(tcp(src="10.9.9.9", dport=25))
    assert (other.action, other.rule_number, other.reject_with) == (
        "REJECT",
        3,
        "icmp-port-unreachable",
    )
    assert fw.evaluate(tcp(dport=22)).chain == "WEB"  # WEB rule 3 drops it first


def test_goto_does_not_come_back_to_the_rule_after_it():
    rules = [
        "-N A",
        "-N B",
        "-P INPUT DROP",
        "-A INPUT -j A",
        "-A INPUT -j ACCEPT",
        "-A B -j RETURN",
    ]
    jump = Firewall.from_iptables([*rules, "-A A -j B", "-A A -j REJECT"])
    goto = Firewall.from_iptables([*rules, "-A A -g B", "-A A -j REJECT"])
    pkt = tcp()
    assert jump.evaluate(pkt).action == "REJECT"  # back from B, A goes on to REJECT
    verdict = goto.evaluate(pkt)  # B returns past A: INPUT rule 2
    assert (verdict.action, verdict.chain, verdict.rule_number) == ("ACCEPT", "INPUT", 2)


def test_goto_from_a_builtin_chain_then_return_applies_the_policy():
    fw = Firewall.from_iptables(["-N B", "-P INPUT DROP", "-A INPUT -g B", "-A INPUT -j ACCEPT"])
    verdict = fw.evaluate(tcp())
    assert (verdict.action, verdict.rule_number) == ("DROP", None)


def test_return_in_a_builtin_chain_applies_its_policy():
    fw = Firewall.from_iptables(["-P FORWARD DROP", "-A FORWARD -j RETURN", "-A FORWARD -j ACCEPT"])
    verdict = fw.evaluate(tcp(), chain="FORWARD")
    assert (verdict.action, verdict.chain, verdict.rule_number) == ("DROP", "FORWARD", None)


@pytest.mark.parametrize(
    "rule, pkt, matches",
    [
        ("! -s 192.168.1.0/24", tcp(src="192.168.1.5"), False),
        ("! -s 192.168.1.0/24", tcp(src="192.168.3.5"), True),
        ("! -p tcp", tcp(), False),
        ("-p 6", tcp(), True),
        ("-p all", tcp(), True),
        ("-i eth+", tcp(in_iface="eth7"), True),
        ("-i eth+", tcp(in_iface="wlan0"), False),
        ("! -i lo", tcp(in_iface="lo"), False),
        ("-p tcp ! --dport 80", tcp(dport=80), False),
        ("-p tcp --sport 1024:65535", tcp(sport=1023), False),
        ("-p tcp -m multiport --ports 80,443", tcp(sport=443, dport=5555), True),
        ("-p tcp -m multiport --dports 8000:8080", tcp(dport=8080), True),
        ("-p tcp --syn", tcp(flags="S"), True),
        ("-p tcp --syn", tcp(flags="SA"), False),
        ("-p tcp ! --syn", tcp(flags="A"), True),
        ("-p tcp --tcp-flags SYN,ACK SYN,ACK", tcp(flags="SA"), True),
        ("-p tcp --tcp-flags ALL NONE", tcp(flags=""), True),
        ("-m iprange --src-range 192.168.1.10-192.168.1.30", tcp(src="192.168.1.30"), True),
        ("-m iprange ! --dst-range 10.0.0.1-10.0.0.4", tcp(), True),
        ("-m comment --comment hi", tcp(), True),
    ],
)
def test_matches_decide_as_the_kernel_does(rule, pkt, matches):
    fw = Firewall.from_iptables([f"-A FORWARD {rule} -j DROP"])
    assert (fw.evaluate(pkt, chain="FORWARD").action == "DROP") is matches


@pytest.mark.parametrize(
    "spec, icmp_type, icmp_code, matches",
    [
        ("echo-request", 8, 0, True),
        ("8", 0, 0, False),
        ("port-unreachable", 3, 3, True),
        ("port-unreachable", 3, 1, False),
        ("destination-unreachable", 3, 13, True),
        ("any", 11, 0, True),
    ],
)
def test_icmp_types_by_name_number_and_code(spec, icmp_type, icmp_code, matches):
    fw = Firewall.from_iptables([f"-A INPUT -p icmp --icmp-type {spec} -j DROP"])
    inner = tcp() if icmp_type == 3 else None
    pkt = Packet(
        "icmp",
        src="192.0.2.1",
        dst="192.0.2.2",
        icmp_type=icmp_type,
        icmp_code=icmp_code,
        inner=inner if icmp_type in (3, 11) else None,
    )
    assert (fw.evaluate(pkt).action == "DROP") is matches


def test_evaluate_refuses_user_chains_and_unknown_states():
    fw = Firewall.from_iptables(["-N X"])
    with pytest.raises(RuleError, match="user chain"):
        fw.evaluate(tcp(), chain="X")
    with pytest.raises(RuleError, match="no chain"):
        fw.evaluate(tcp(), chain="PREROUTING")
    with pytest.raises(RuleError, match="state"):
        fw.evaluate(tcp(), state="OPEN")


def test_scapy_packets_are_accepted():
    from scapy.layers.inet import IP, UDP

    fw = Firewall.from_iptables(["-A INPUT -p udp --dport 53 -j DROP"])
    pkt = IP(src="192.0.2.1", dst="192.0.2.2") / UDP(sport=5000, dport=53)
    assert fw.evaluate(pkt).action == "DROP"
