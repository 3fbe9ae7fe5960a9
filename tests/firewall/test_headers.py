"""-f, length, ttl, pkttype and owner: answers from iptables(8) and iptables-extensions(8)."""

import pytest

from netcourse.errors import PacketError, RuleError
from netcourse.firewall import Firewall, Packet


def _actions(rule: str, pkts, chain: str = "INPUT") -> list[str]:
    fw = Firewall.from_iptables([rule])
    ours = [fw.evaluate(p, chain=chain).action for p in pkts]
    assert list(fw.evaluate_batch(pkts, chain=chain).action) == ours
    return ours


def test_fragment_matches_second_and_later_fragments_only():
    pkts = [Packet("udp"), Packet("udp", fragment=1), Packet("udp", fragment=185)]
    assert _actions("-A INPUT -f -j DROP", pkts) == ["ACCEPT", "DROP", "DROP"]
    assert _actions("-A INPUT ! -f -j DROP", pkts) == ["DROP", "ACCEPT", "ACCEPT"]


def test_length_counts_the_whole_ip_packet():
    # a bare TCP SYN is 20 + 20 bytes; "--length length[:length]" is inclusive
    assert Packet("tcp").length == 40 and Packet("udp").length == 28
    pkts = [Packet("tcp"), Packet("tcp", length=41), Packet("udp", length=1500)]
    assert _actions("-A INPUT -m length --length 40 -j DROP", pkts) == ["DROP", "ACCEPT", "ACCEPT"]
    assert _actions("-A INPUT -m length --length 41: -j DROP", pkts) == ["ACCEPT", "DROP", "DROP"]
    assert _actions("-A INPUT -m length --length :0x28 -j DROP", pkts)[0] == "DROP"
    assert _actions("-A INPUT -m length ! --length 0:100 -j DROP", pkts)[2] == "DROP"
    assert _actions("-A INPUT -m length --length 100:50 -j DROP", pkts) == ["ACCEPT"] * 3


def test_ttl_compares_as_the_manual_says():
    pkts = [Packet("udp", ttl=t) for t in (1, 63, 64, 65)]
    assert _actions("-A INPUT -m ttl --ttl-eq 64 -j DROP", pkts) == [
        "ACCEPT",
        "ACCEPT",
        "DROP",
        "ACCEPT",
    ]
    assert _actions("-A INPUT -m ttl ! --ttl-eq 64 -j DROP", pkts) == [
        "DROP",
        "DROP",
        "ACCEPT",
        "DROP",
    ]
    assert _actions("-A INPUT -m ttl --ttl-gt 63 -j DROP", pkts) == [
        "ACCEPT",
        "ACCEPT",
        "DROP",
        "DROP",
    ]
    assert _actions("-A INPUT -m ttl --ttl-lt 64 -j DROP", pkts) == [
        "DROP",
        "DROP",
        "ACCEPT",
        "ACCEPT",
    ]


def test_pkttype_reads_the_link_layer_kind():
    pkts = [
        Packet("udp", dst="192.0.2.2"),
        Packet("udp", dst="255.255.255.255"),
        Packet("udp", dst="224.0.0.251"),
        Packet("udp", dst="192.0.2.255", pkttype="broadcast"),
    ]
    assert [p.pkttype for p in pkts] == ["unicast", "broadcast", "multicast", "broadcast"]
    assert _actions("-A INPUT -m pkttype --pkt-type broadcast -j DROP", pkts) == [
        "ACCEPT",
        "DROP",
        "ACCEPT",
        "DROP",
    ]
    assert _actions("-A INPUT -m pkttype ! --pkt-type host -j DROP", pkts)[0] == "ACCEPT"


# xt_owner: a packet with no socket matches only when every option given is negated
OWNER_CASES = [
    ("--uid-owner 1000", [False, True, False, False]),
    ("! --uid-owner 1000", [True, False, True, True]),
    ("--uid-owner 0-999", [False, False, True, False]),
    ("--socket-exists", [False, True, True, True]),
    ("! --socket-exists", [True, False, False, False]),
    ("--uid-owner 1000 --gid-owner 100", [False, True, False, False]),
    ("! --uid-owner 1000 ! --gid-owner 5", [True, False, True, True]),
    ("--gid-owner 100", [False, True, True, False]),
]


@pytest.mark.parametrize(("options", "expected"), OWNER_CASES)
def test_owner_decides_as_xt_owner(options, expected):
    pkts = [
        Packet("udp"),  # no socket (the kernel's own packet)
        Packet("udp", uid=1000, gid=100),
        Packet("udp", uid=0, gid=100),
        Packet("udp", uid=3000, gid=3000),
    ]
    got = _actions(f"-A OUTPUT -m owner {options} -j DROP", pkts, chain="OUTPUT")
    assert got == ["DROP" if hit else "ACCEPT" for hit in expected]


@pytest.mark.parametrize(
    ("line", "part"),
    [
        ("-A INPUT -m owner --uid-owner 0 -j DROP", "--uid-owner 0"),
        ("-A FORWARD -m owner --socket-exists -j DROP", "--socket-exists"),
        ("-A OUTPUT -m owner --uid-owner alice -j DROP", "--uid-owner alice"),
        ("-A INPUT -m ttl ! --ttl-lt 3 -j DROP", "! --ttl-lt"),
        ("-A INPUT -m ttl --ttl-eq 256 -j DROP", "--ttl-eq 256"),
        ("-A INPUT -m ttl --ttl-eq 1 --ttl-gt 2 -j DROP", "--ttl-eq 1 --ttl-gt 2"),
        ("-A INPUT -m length --length 70000 -j DROP", "--length 70000"),
        ("-A INPUT -m length --length ４０ -j DROP", "--length ４０"),
        ("-A INPUT -m pkttype --pkt-type anycast -j DROP", "--pkt-type anycast"),
        ("-A INPUT -m length -j DROP", "-m length"),
    ],
)
def test_what_iptables_refuses_is_refused(line, part):
    with pytest.raises(RuleError) as caught:
        Firewall.from_iptables(line)
    assert caught.value.problems[0].part == part, caught.value


def test_owner_in_postrouting_is_taken():
    rule = "-A POSTROUTING -m owner --uid-owner 0 -j ACCEPT"
    text = f"*mangle\n:POSTROUTING ACCEPT [0:0]\n{rule}\nCOMMIT"
    assert Firewall.from_iptables(text).ruleset.tables["mangle"]["POSTROUTING"].rules


@pytest.mark.parametrize(
    "fields",
    [{"ttl": 256}, {"length": 19}, {"mark": -1}, {"fragment": 8192}, {"pkttype": "x"}, {"uid": 0}],
)
def test_packet_fields_are_checked(fields):
    with pytest.raises(PacketError):
        Packet("udp", **fields)


def test_lint_never_claims_a_rule_with_these_matches_catches_packets():
    from netcourse.firewall import lint

    for match in (
        "-m ttl --ttl-lt 5",
        "-m length --length 0:60",
        "-f",
        "-m pkttype ! --pkt-type host",
    ):
        report = lint([f"-A INPUT -p udp {match} -j DROP", "-A INPUT -p udp -j DROP"])
        assert not [f for f in report.findings if f.kind == "shadowed"], (match, report)
        fw = Firewall.from_iptables([f"-A INPUT -p udp {match} -j DROP", "-A INPUT -p udp -j DROP"])
        assert fw.evaluate(Packet("udp", ttl=64, length=1500)).rule_number == 2  # reachable


def test_multiport_and_icmp_fail_on_a_non_first_fragment_and_tcp_options_read_its_bytes():
    # measured (test_kernel.py): xt_multiport and xt_icmp return false when fragoff != 0, even
    # inverted; iptables-nft's tcp and udp options read the fragment's bytes as a header
    rules = [
        "-A INPUT -p tcp -m multiport ! --ports 1 -j DROP",
        "-A INPUT -p icmp ! --icmp-type 0 -j DROP",
        "-A INPUT -p tcp ! --dport 80 -j DROP",
        "-A INPUT -j REJECT",
    ]
    fw = Firewall.from_iptables(rules)
    pkts = [Packet("tcp", dport=22, fragment=3), Packet("icmp", fragment=3)]
    assert [fw.evaluate(p).rule_number for p in pkts] == [3, 4]
    assert list(fw.evaluate_batch(pkts).rule_number) == [3, 4]
    assert "non-first fragment" in fw.evaluate(pkts[0]).trace[0].why()
    whole = [Packet("tcp", dport=22), Packet("icmp")]
    assert [fw.evaluate(p).rule_number for p in whole] == [1, 2]


def test_lint_reads_minus_f_as_a_header_field():
    from netcourse.firewall import lint

    rules = ["-A INPUT -f -j DROP", "-A INPUT ! -f -j DROP", "-A INPUT -p udp -j ACCEPT"]
    assert "shadowed" in lint(rules).kinds()
    assert "shadowed" not in lint(rules[:1] + rules[2:]).kinds()


def test_owner_in_a_user_chain_that_input_reaches_is_refused_as_the_kernel_refuses():
    # measured: iptables-restore fails with "RULE_APPEND failed (Invalid argument)" for the
    # first, and takes the second and third
    own = "-A OWN -m owner --uid-owner 0 -j ACCEPT"
    with pytest.raises(RuleError) as caught:
        Firewall.from_iptables(["-N OWN", "-A INPUT -j OWN", own])
    assert caught.value.problems[0].line == 3 and "INPUT jumps to OWN" in str(caught.value)
    assert Firewall.from_iptables(["-N OWN", "-A OUTPUT -j OWN", own]).chains["OWN"].rules
    assert Firewall.from_iptables(["-N OWN", own]).chains["OWN"].rules
