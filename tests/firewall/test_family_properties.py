"""Property tests of the IPv6 paths: ip6tables rules and packets of any shape.

A batch of IPv6 packets is judged as each packet alone; random, truncated and mutated
ip6tables-save text parses or raises RuleError (never another exception); IPv6 packets of
any address build and describe themselves; every call is bounded in time.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import replace

from firewall_random import packets6, rulesets6
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scapy.layers.inet6 import IPv6

from netcourse.data import path as data_path
from netcourse.errors import NetcourseError, RuleError
from netcourse.firewall import Firewall, Packet, PacketBatch
from netcourse.firewall.conntrack import lone_state
from netcourse.firewall.matches import STATES
from netcourse.firewall.parser import parse_ruleset

#: The longest one parse may take on any input.
LIMIT = 2.0
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MACHINE = {"eth0": ("198.18.0.2/24", "fd00::1/64"), "eth1": "fd00:0:0:1::1/64"}
REAL6 = [p.read_text() for p in sorted(data_path("rulesets").iterdir()) if p.suffix == ".rules6"]
WORDS = [
    "-A",
    "INPUT",
    "-s",
    "-d",
    "fd00::/64",
    "::1",
    "fd00::1-fd00::9",
    "-p",
    "ipv6-icmp",
    "icmpv6",
    "-m",
    "icmp6",
    "--icmpv6-type",
    "echo-request",
    "1/4",
    "hl",
    "--hl-eq",
    "255",
    "rt",
    "--rt-type",
    "0",
    "iprange",
    "--src-range",
    "!",
    "-j",
    "REJECT",
    "--reject-with",
    "icmp6-adm-prohibited",
    "192.0.2.1",
    "addrtype",
    "--dst-type",
    "BROADCAST",
]


def _parse(text: str):
    start = time.perf_counter()
    try:
        return parse_ruleset(text, family=6)
    except RuleError:
        return None
    finally:
        assert time.perf_counter() - start < LIMIT, "parse_ruleset must stay fast on any input"


@FUZZ
@given(lines=rulesets6(), pkts=st.lists(packets6(), min_size=1, max_size=40))
def test_ipv6_batch_equals_per_packet_evaluate(lines, pkts):
    fw = Firewall.from_iptables(lines, family=6, interfaces=MACHINE)
    result = fw.evaluate_batch(PacketBatch.from_packets(pkts), chain="INPUT")
    for index, pkt in enumerate(pkts):
        verdict = fw.evaluate(pkt, chain="INPUT")
        expected = (verdict.action, verdict.chain, verdict.rule_number or 0)
        got = (result.action[index], result.chain[index], int(result.rule_number[index]))
        assert got == expected, (lines, pkt, verdict)


@settings(max_examples=80, deadline=None)
@given(pkts=st.lists(packets6(), min_size=1, max_size=30))
def test_ipv6_batch_states_equal_lone_states(pkts):
    batch = PacketBatch.from_packets(pkts)
    assert [int(code) for code in batch.state] == [STATES[lone_state(p)] for p in pkts]


@FUZZ
@given(lines=rulesets6())
def test_every_generated_ip6tables_ruleset_parses_and_explains(lines):
    fw = Firewall.from_iptables(lines, family=6)
    for rule in fw.ruleset.rules():
        for match in rule.matches:
            assert match.explain()
    again = Firewall.from_iptables(fw.to_iptables(), family=6)
    assert [r.text for r in again.ruleset.rules()] == [r.text for r in fw.ruleset.rules()]


@FUZZ
@given(words=st.lists(st.sampled_from(WORDS), max_size=14))
def test_random_words_parse_or_raise_a_rule_error(words):
    _parse(" ".join(["-A", "INPUT", *words]))


@FUZZ
@given(index=st.integers(0, len(REAL6) - 1), cut=st.integers(0, 10**6), data=st.data())
def test_real_files_cut_or_mutated_parse_or_raise_a_rule_error(index, cut, data):
    text = REAL6[index]
    cut_text = text[: cut % (len(text) + 1)]
    _parse(cut_text)
    where = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(max_size=8))
    _parse(text[:where] + junk + text[where:])


@FUZZ
@given(value=st.text(max_size=60))
def test_any_address_text_parses_or_raises_a_rule_error(value):
    for rule in (
        f"-A INPUT -s {value} -j DROP",
        f"-A INPUT -m iprange --dst-range {value} -j DROP",
    ):
        _parse(rule)


@settings(max_examples=200, deadline=None)
@given(src=st.integers(0, 2**128 - 1), dst=st.integers(0, 2**128 - 1), prefix=st.integers(0, 128))
def test_any_ipv6_address_and_prefix_is_matched_as_ipaddress_says(src, dst, prefix):
    net = ipaddress.IPv6Network((src, prefix), strict=False)
    fw = Firewall.from_iptables(f"-A INPUT -s {net} -j DROP", family=6)
    pkt = Packet("udp", src=str(ipaddress.IPv6Address(src)), dst=str(ipaddress.IPv6Address(dst)))
    expected = "DROP" if ipaddress.IPv6Address(src) in net else "ACCEPT"
    assert fw.evaluate(pkt).action == expected
    assert fw.evaluate_batch(PacketBatch.from_packets([pkt])).action.tolist() == [expected]
    assert pkt.describe().startswith("udp [")


@FUZZ
@given(
    src=st.text(max_size=40)
    | st.integers(0, 2**128 - 1).map(lambda v: str(ipaddress.IPv6Address(v))),
    kind=st.integers(-1, 300) | st.text(max_size=12),
)
def test_icmpv6_packets_of_any_fields_build_or_raise_a_netcourse_error(src, kind):
    try:
        pkt = Packet("icmpv6", src=src, icmp_type=kind)
    except NetcourseError:
        return
    assert pkt.version == 6 and pkt.is_icmp and 0 <= pkt.icmp_type <= 255


@settings(max_examples=100, deadline=None)
@given(pkt=packets6(), quoted=st.booleans())
def test_ipv6_packets_survive_the_wire_through_scapy(pkt, quoted):
    if quoted and pkt.is_icmp and pkt.icmp_type in (1, 2, 3, 4):
        inner = Packet("udp", src=pkt.dst, dst=pkt.src, sport=40000, dport=53)
        pkt = replace(pkt, inner=inner, length=None)  # None: the length of the headers built
    again = Packet.from_scapy(IPv6(bytes(pkt.to_scapy())), in_iface=pkt.in_iface)
    assert again == pkt
