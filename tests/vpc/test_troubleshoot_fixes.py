"""The fix lines of the troubleshooting labs: what is read is what the VPC model then holds.

Each generated line is applied to the three-tier data and read back through the VPC model's
own loader; the model's ``describe()`` of the new rule (the lesson's existing wording) must be
the line the test wrote. Any other text ends as a VpcError, never another exception.
"""

import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netcourse.errors import NetcourseError, VpcError
from netcourse.vpc import Vpc
from netcourse.vpc.fixes import (
    add_acl_entry,
    add_route,
    add_sg_rule,
    read_acl_entry,
    read_route,
    read_sg_rule,
)
from netcourse.vpc.troubleshoot import LABS, example_data, troubleshoot

THREE_TIER = example_data("three-tier")
WEB_ACL = "acl-0a1b2c3d4e5f60001"
WEB_SG = "sg-0a1b2c3d4e5f60001"
WEB_RTB = "rtb-0a1b2c3d4e5f60001"
IGW = "igw-0a1b2c3d4e5f60001"
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

networks = st.builds(
    lambda addr, prefix: ipaddress.ip_network(f"{addr}/{prefix}", strict=False),
    st.ip_addresses(v=4),
    st.integers(0, 32),
)
port_ranges = st.tuples(st.integers(0, 65535), st.integers(0, 65535)).map(sorted)


def _ports(proto: str, span) -> tuple[str, str]:
    """(what the line says, what the model prints) for a protocol's ports."""
    if proto in ("tcp", "udp"):
        low, high = span
        text = str(low) if low == high else f"{low}-{high}"
        return text, text
    if proto == "icmp":
        return f"type {span[0] % 256}", f"type {span[0] % 256}"
    return "", ""


rules = st.tuples(
    st.sampled_from(["tcp", "udp", "icmp", "all"]),
    port_ranges,
    st.sampled_from(["from", "to"]),
    networks,
)


def _spaced(words, upper: bool) -> str:
    """The words with irregular spacing; the keywords upper-cased when ``upper``."""
    keep = {"tcp", "udp", "icmp", "all", "from", "to", "allow", "deny", "rule", "traffic"}
    return "  ".join(w.upper() if upper and w in keep else w for w in words if w)


@FAST
@given(
    rules, st.integers(1, 32766), st.sampled_from(["allow", "deny"]), st.booleans(), st.booleans()
)
def test_an_acl_line_becomes_the_entry_the_model_describes(rule, number, action, prefixed, upper):
    proto, span, way, net = rule
    said, printed = _ports(proto, span)
    proto_words = ["all", "traffic"] if proto == "all" else [proto]
    head = ["rule", f"{number}:"] if prefixed else [str(number)]
    line = _spaced([*head, action, *proto_words, said, way, str(net)], upper)
    data = add_acl_entry(THREE_TIER, WEB_ACL, line)
    acl = Vpc(data).network_acls[WEB_ACL]
    direction = "outbound" if way == "to" else "inbound"
    ported = f"{proto} {printed}" if proto != "all" else "all traffic"
    expected = f"rule {number}: {action} {ported} {way} {net}"
    assert expected in [e.describe() for e in acl.rules(direction)]
    assert read_acl_entry(line).describe() == expected


@FAST
@given(rules, st.booleans())
def test_a_security_group_line_becomes_the_rule_the_model_describes(rule, upper):
    proto, span, way, net = rule
    said, printed = _ports(proto, span)
    proto_words = ["all", "traffic"] if proto == "all" else [proto]
    line = _spaced(["allow", *proto_words, said, way, str(net)], upper)
    data = add_sg_rule(THREE_TIER, WEB_SG, line)
    group = Vpc(data).security_groups[WEB_SG]
    direction = "outbound" if way == "to" else "inbound"
    ported = f"{proto} {printed}" if proto != "all" else "all traffic"
    expected = f"allow {ported} {way} {net}"
    assert expected in [r.describe() for r in group.rules(direction)]
    assert read_sg_rule(line).egress == (way == "to")


@FAST
@given(networks.filter(lambda n: n != ipaddress.ip_network("10.0.0.0/16")), st.booleans())
def test_a_route_line_becomes_the_route_the_table_chooses(net, short):
    line = f"{net} -> {'igw' if short else IGW}"
    vpc = Vpc(add_route(THREE_TIER, WEB_RTB, line))
    table = vpc.route_tables[WEB_RTB]
    assert f"{net} -> {IGW} (active)" in [r.describe() for r in table.routes]
    inside = net.network_address
    if not ipaddress.ip_network("10.0.0.0/16").overlaps(ipaddress.ip_network(f"{inside}/32")):
        assert table.lookup(str(inside)).target == IGW  # the longest prefix is this one
    assert read_route(line)[0] == str(net)


LINE_WORDS = st.sampled_from(
    [
        "allow",
        "deny",
        "tcp",
        "udp",
        "icmp",
        "all",
        "traffic",
        "from",
        "to",
        "rule",
        "100:",
        "120",
        "443",
        "1024-65535",
        "0.0.0.0/0",
        "10.0.0.0/8",
        "->",
        "igw",
        "nat",
        "sg-1",
        "type",
        "8",
        "-1",
        "65536",
        "x",
        "/",
        ":",
        "",
        "  ",
        "é",
        "0.0.0.0/33",
        "1.2.3",
    ]
)
lines = st.one_of(st.text(max_size=40), st.lists(LINE_WORDS, max_size=9).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(lines)
def test_any_text_is_read_or_refused_with_a_vpc_error(text):
    for reader in (read_sg_rule, read_acl_entry, read_route):
        try:
            reader(text)
        except VpcError as exc:
            assert str(exc)
        # any other exception fails the test


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(LABS)), st.sampled_from(["route", "sg", "acl", "route_table"]), lines)
def test_a_lab_refuses_bad_text_as_a_netcourse_error_and_keeps_its_data(name, kind, text):
    lab = troubleshoot(name)
    before = lab.data
    try:
        lab.fix(**{kind: text})
    except NetcourseError:
        assert lab.data == before and lab.fixes == 0
    else:
        assert lab.fixes == 1


@pytest.mark.parametrize(
    "line",
    [
        "allow tcp 443 from 0.0.0.0/0",
        "allow tcp 443 from 10.0.1.0/24",
        "allow tcp 443 to sg-0a1b2c3d4e5f60002",
    ],
)
def test_a_rule_the_group_already_has_is_not_added_twice(line):
    once = add_sg_rule(THREE_TIER, WEB_SG, line)
    assert add_sg_rule(once, WEB_SG, line) == once
