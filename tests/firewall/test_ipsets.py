"""IP sets from `ipset save` text and the set match, with answers worked from ipset(8) and
iptables-extensions(8). There is no ipset command on this machine (`which ipset` finds none
and apt is not available), so the kernel is not asked: each answer below is worked by hand
from the manuals."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netcourse.errors import NetcourseError, RuleError
from netcourse.firewall import Firewall, Packet, PacketBatch
from netcourse.firewall.ipsets import parse_ipsets

SETS = """\
create blocklist hash:net family inet hashsize 1024 maxelem 65536
add blocklist 203.0.113.0/24
add blocklist 203.0.113.7 nomatch
add blocklist 198.51.100.0/25
create admins hash:ip family inet hashsize 1024 maxelem 65536 timeout 0
add admins 192.0.2.10
add admins 192.0.2.11 timeout 0
create services hash:ip,port family inet hashsize 1024 maxelem 65536
add services 192.0.2.2,tcp:443
add services 192.0.2.2,udp:53
add services 192.0.2.2,80
add services 192.0.2.2,icmp:echo-request
create lowports bitmap:port range 0-1023
add lowports 22
add lowports 25
create ssh-from hash:net,port family inet hashsize 1024 maxelem 65536
add ssh-from 10.0.0.0/8,tcp:22
add ssh-from 10.1.0.0/16,tcp:22 nomatch
create subnet24 hash:ip family inet netmask 24
add subnet24 192.0.2.0
create lab bitmap:ip range 198.18.0.0-198.18.0.255
add lab 198.18.0.5
create any list:set size 8
add any admins
add any lowports
"""


def _in(rule: str, pkt: Packet) -> bool:
    fw = Firewall.from_iptables([f"-A INPUT {rule} -j DROP"], ipsets=SETS)
    ours = fw.evaluate(pkt).action == "DROP"
    assert bool(fw.evaluate_batch(PacketBatch.from_packets([pkt])).action[0] == "DROP") == ours
    return ours


# (rule, packet, in?) worked from ipset(8): the most specific hash:net entry decides, and
# nomatch makes it fail; --return-nomatch reverses that; a set read with fewer directions
# than it has dimensions never matches; the protocol of a port entry defaults to tcp.
CASES = [
    ("-m set --match-set blocklist src", Packet("udp", src="203.0.113.9"), True),
    ("-m set --match-set blocklist src", Packet("udp", src="203.0.113.7"), False),
    ("-m set --match-set blocklist src --return-nomatch", Packet("udp", src="203.0.113.7"), True),
    ("-m set --match-set blocklist src --return-nomatch", Packet("udp", src="203.0.113.9"), False),
    ("-m set --match-set blocklist src", Packet("udp", src="198.51.100.200"), False),
    ("-m set ! --match-set blocklist src", Packet("udp", src="198.51.100.200"), True),
    ("-m set --match-set blocklist dst", Packet("udp", src="203.0.113.9"), False),
    ("-m set --match-set admins src", Packet("tcp", src="192.0.2.10"), True),
    ("-m set --match-set admins src", Packet("tcp", src="192.0.2.12"), False),
    ("-m set --match-set services dst,dst", Packet("tcp", dst="192.0.2.2", dport=443), True),
    ("-m set --match-set services dst,dst", Packet("udp", dst="192.0.2.2", dport=443), False),
    ("-m set --match-set services dst,dst", Packet("tcp", dst="192.0.2.2", dport=80), True),
    ("-m set --match-set services dst,dst", Packet("udp", dst="192.0.2.2", dport=53), True),
    ("-m set --match-set services dst,src", Packet("udp", dst="192.0.2.2", dport=53), False),
    ("-m set --match-set services dst", Packet("tcp", dst="192.0.2.2", dport=443), False),
    ("-m set --match-set services dst,dst", Packet("icmp", dst="192.0.2.2"), True),
    ("-m set --match-set services dst,dst", Packet("icmp", dst="192.0.2.2", icmp_type=0), False),
    ("-m set --match-set lowports dst", Packet("tcp", dport=22), True),
    ("-m set --match-set lowports src", Packet("tcp", dport=22), False),
    ("-m set --match-set lowports dst", Packet("udp", dport=25), True),
    ("-m set --match-set lowports dst", Packet("tcp", dport=22, fragment=100), False),
    ("-m set --match-set ssh-from src,dst", Packet("tcp", src="10.9.0.1", dport=22), True),
    ("-m set --match-set ssh-from src,dst", Packet("tcp", src="10.1.0.1", dport=22), False),
    ("-m set --match-set ssh-from src,dst", Packet("udp", src="10.9.0.1", dport=22), False),
    ("-m set --match-set subnet24 src", Packet("udp", src="192.0.2.77"), True),
    ("-m set --match-set lab dst", Packet("udp", dst="198.18.0.5"), True),
    ("-m set --match-set lab dst", Packet("udp", dst="198.18.0.6"), False),
    ("-m set --match-set any src", Packet("tcp", src="192.0.2.11", sport=5000), True),
    ("-m set --match-set any src", Packet("tcp", src="192.0.2.99", sport=25), True),
    ("-m set --match-set any src", Packet("tcp", src="192.0.2.99", sport=26), False),
]


@pytest.mark.parametrize(("rule", "pkt", "expected"), CASES)
def test_set_membership_as_ipset_defines_it(rule, pkt, expected):
    assert _in(rule, pkt) is expected


def test_an_unknown_set_is_refused_naming_the_line_and_the_set():
    text = "-A INPUT -j ACCEPT\n-A INPUT -m set --match-set nope src -j DROP"
    with pytest.raises(RuleError) as caught:
        Firewall.from_iptables(text, ipsets=SETS)
    (problem,) = caught.value.problems
    assert problem.line == 2 and "no set 'nope'" in problem.message
    with pytest.raises(RuleError, match="pass ipsets="):
        Firewall.from_iptables("-A INPUT -m set --match-set admins src -j DROP")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("create x hash:mac", "set type 'hash:mac' is not simulated"),
        ("add x 192.0.2.1", "no set 'x' is created"),
        ("create x hash:ip\nadd x 192.0.2.300", "192.0.2.300"),
        ("create x hash:ip\nadd x 192.0.2.1 nomatch", "cannot be flagged nomatch"),
        ("create x bitmap:port range 0-100\nadd x 200", "outside the set's range"),
        ("create x bitmap:port", "needs its range"),
        ("create x hash:ip\ncreate x hash:ip", "created twice"),
        ("create x list:set\nadd x y", "no such set"),
        ("create x hash:ip,port\nadd x 192.0.2.1,tcp:７", "expected a port"),
        ("create x hash:ip,port\nadd x 10.0.0.0/16,tcp:0-65535", "at most 65536"),
        ("flush", "expected create NAME TYPE"),
    ],
)
def test_ipset_text_ipset_would_not_print_is_refused(text, words):
    with pytest.raises(RuleError) as caught:
        parse_ipsets(text)
    assert words in str(caught.value)


def test_every_bad_line_is_reported_at_once():
    with pytest.raises(RuleError) as caught:
        parse_ipsets("create a hash:ip\nadd a x\nadd a y\ncreate b nope")
    assert [p.line for p in caught.value.problems] == [2, 3, 4]


def test_an_ipv6_set_never_matches_an_ipv4_packet():
    sets = "create six hash:net family inet6\nadd six fd00::/8"
    fw = Firewall.from_iptables(["-A INPUT -m set --match-set six src -j DROP"], ipsets=sets)
    assert fw.evaluate(Packet("udp")).action == "ACCEPT"


def test_set_rules_explain_and_lint_without_false_claims():
    from netcourse.firewall import explain, lint

    assert "IP set 'admins'" in explain("-A INPUT -m set --match-set admins src -j ACCEPT").summary
    report = lint(["-A INPUT -m set --match-set admins src -j DROP", "-A INPUT -j DROP"])
    assert "shadowed" not in report.kinds()


# --- property tests: any text gives sets or a RuleError, quickly -------------------------------

LIMIT = 2.0
WORDS = st.sampled_from(
    [
        "create",
        "add",
        "s",
        "t",
        "hash:ip",
        "hash:net",
        "hash:ip,port",
        "hash:net,port",
        "bitmap:port",
        "bitmap:ip",
        "list:set",
        "family",
        "inet",
        "inet6",
        "range",
        "0-1023",
        "198.18.0.0-198.18.0.9",
        "netmask",
        "24",
        "timeout",
        "0",
        "nomatch",
        "192.0.2.1",
        "10.0.0.0/8",
        "10.0.0.0/0",
        "192.0.2.1,tcp:80",
        "10.0.0.0/8,udp:53",
        "192.0.2.1,icmp:8/0",
        "192.0.2.1,gre:0",
        "22",
        "80-90",
        "comment",
        '"x"',
        "fd00::1",
        "٣",
    ]
)
LINES = st.lists(WORDS, min_size=0, max_size=7).map(" ".join)


def _bounded_parse(text: str):
    start = time.perf_counter()
    try:
        return parse_ipsets(text)
    except NetcourseError:
        return None
    finally:
        assert time.perf_counter() - start < LIMIT


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(LINES, max_size=8))
def test_any_ipset_text_gives_sets_or_a_rule_error(lines):
    sets = _bounded_parse("\n".join(lines))
    if sets is not None:
        pkt = Packet("tcp", src="192.0.2.1", dst="10.0.0.1", dport=80)
        for name, ipset in sets.items():
            assert ipset.name == name
            assert ipset.test(pkt, ("src", "dst")) in (True, False)


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(0, len(SETS)), text=st.text(max_size=60))
def test_truncated_or_damaged_ipset_save_text(cut, text):
    _bounded_parse(SETS[:cut])
    _bounded_parse(SETS[:cut] + text + SETS[cut:])
