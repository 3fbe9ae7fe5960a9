"""Dual-stack VPCs (IPv4 and IPv6), built through boto3 against moto, judged by the model.

Each expected answer is worked out from the AWS page named in the test's docstring, not from the
model's code. moto leaves out or misprints some IPv6 fields that AWS prints (the ACL rules 101 and
32768, a subnet block's state, addresses in IPv6-only subnets): the scenarios add them as AWS
prints them, see ``aws_scenarios.as_aws_prints_dual_stack``.
"""

import ipaddress

import numpy as np
import pytest

pytest.importorskip("moto", reason="moto[ec2] is a test dependency: pip install -e '.[test]'")

import aws_scenarios as aws  # noqa: E402  (tests/vpc is on sys.path, see conftest.py)

from netcourse.errors import VpcError  # noqa: E402
from netcourse.vpc import Vpc  # noqa: E402
from netcourse.vpc.acls import DEFAULT_RULE, DEFAULT_RULE_V6  # noqa: E402

#: An internet host with an IPv6 address (RFC 3849 documentation prefix).
CLIENT6 = "2001:db8:7::5"


@pytest.fixture(scope="module")
def dual():
    return aws.dual_stack()


def kinds(path):
    return [(h.kind, h.leg) for h in path.hops]


def test_a_dual_stack_dump_loads_with_every_block(dual):
    """Add IPv6 support for your VPC,
    https://docs.aws.amazon.com/vpc/latest/userguide/vpc-migrate-ipv6.html: the VPC gets an
    Amazon-provided /56, each subnet a /64 from it; an IPv6-only subnet has no IPv4 block.
    """
    vpc = dual.vpc()
    main = vpc.vpcs[dual.ids["main"]]
    assert main.cidrs == ("10.0.0.0/16", dual.ids["main-v6"])
    public = vpc.subnets[dual.ids["public"]]
    assert (public.cidr, public.ipv6_cidrs) == ("10.0.1.0/24", (dual.ids["public-v6"],))
    only6 = vpc.subnets[dual.ids["v6only"]]
    assert only6.ipv6_only and only6.ipv6_cidrs == (dual.ids["v6only-v6"],)
    web = vpc.instance("web").primary
    assert web.private_ip == "10.0.1.10" and web.ipv6_addrs == (dual.ids["web-eni0-v6"],)
    assert ipaddress.ip_address(web.ipv6_addrs[0]) in ipaddress.ip_network(dual.ids["public-v6"])
    eigw = vpc.egress_only_gateways[dual.ids["eigw"]]
    assert eigw.vpc_ids == (dual.ids["main"],)


def test_an_ipv6_only_instance_has_no_ipv4_address(dual):
    """IPv6-only subnets and EC2 instances,
    https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html: instances in an
    IPv6-only subnet get only IPv6 addresses, so an IPv4 question about them cannot be asked
    of them: reachability says so rather than guessing an address.
    """
    vpc = dual.vpc()
    only6 = vpc.instance("only6")
    assert only6.private_ip == "" and only6.primary.ipv6_addrs
    path = vpc.reachability("web", "only6", port=443)  # both named: IPv6, only6 has no IPv4
    assert path.reachable and ":" in path.hops[0].dst
    v4 = vpc.reachability("10.0.1.10", "only6", port=443)
    assert not v4.reachable and v4.blocking_hop.code == "NO_ADDRESS_OF_THIS_VERSION"
    assert "no IPv4 address" in v4.explanation


def test_the_ipv6_catch_all_rule_loads_as_aws_prints_it(dual):
    """Network ACL rules, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html and
    the describe-network-acls example: in a VPC with IPv6 each ACL ends with two "*" rules,
    32767 deny 0.0.0.0/0 and 32768 deny ::/0; the default ACL allows ::/0 with rule 101
    (https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html).
    """
    vpc = dual.vpc()
    acl = vpc.nacl_for_subnet(dual.ids["public"])
    numbers = [(e.rule_number, e.cidr, e.action) for e in acl.rules("inbound")]
    assert numbers == [
        (100, "0.0.0.0/0", "allow"),
        (101, "::/0", "allow"),
        (DEFAULT_RULE, "0.0.0.0/0", "deny"),
        (DEFAULT_RULE_V6, "::/0", "deny"),
    ]
    assert [e.label for e in acl.rules("outbound")][-2:] == ["*", "*"]
    decision = acl.evaluate("inbound", "tcp", CLIENT6, 443)
    assert decision.allowed and decision.rule == "101"


@pytest.mark.parametrize("number, cidr", [(32768, "0.0.0.0/0"), (32767, "::/0")])
def test_a_catch_all_of_the_wrong_version_is_refused(number, cidr):
    """Rule 32768 is the IPv6 catch-all and 32767 the IPv4 one: AWS prints no other."""
    key = "Ipv6CidrBlock" if ":" in cidr else "CidrBlock"
    data = {
        "Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}],
        "NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "Entries": [
            {"RuleNumber": number, "Protocol": "-1", "RuleAction": "deny", "Egress": False,
             key: cidr}]}],
    }  # fmt: skip
    with pytest.raises(VpcError, match=f"acl-1 rule {number}: .*catch-all"):
        Vpc.from_aws(data)


def test_ipv6_from_the_internet_needs_no_public_address(dual):
    """Compare IPv4 and IPv6, https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html
    and Internet gateways, https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html:
    IPv6 addresses are globally unique and public; the internet gateway does no NAT for them.
    "web" is reached at its IPv6 address, through the default ACL's rule 101 and ::/0 in web-sg.
    """
    vpc = dual.vpc()
    web6 = dual.ids["web-eni0-v6"]
    path = vpc.reachability(CLIENT6, "web", port=443)
    assert path.reachable
    assert not any(h.decision == "translate" for h in path.hops)  # no NAT for IPv6
    assert web6 in path.explanation and CLIENT6 in path.explanation
    igw = path.hops[0]
    assert (igw.kind, igw.component, igw.dst) == ("internet-gateway", dual.ids["igw"], web6)
    back = [h for h in path.hops if h.kind == "route-table" and h.leg == "response"]
    assert back[0].rule.startswith("::/0 -> " + dual.ids["igw"])


def test_an_ipv4_only_rule_does_not_admit_ipv6(dual):
    """Security group rules, https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html:
    0.0.0.0/0 means all IPv4 addresses and ::/0 all IPv6 addresses; a rule for one covers
    nothing of the other. web-sg allows tcp 22 from 0.0.0.0/0 only.
    """
    vpc = dual.vpc()
    assert vpc.reachability("internet", "web", port=22).reachable
    path = vpc.reachability(CLIENT6, "web", port=22)
    assert not path.reachable
    assert path.blocking_hop.code == "ENI_SG_RULES_MISMATCH"
    assert path.blocked_by == dual.ids["web-sg"]


def test_egress_only_gateway_lets_ipv6_out_and_the_replies_in(dual):
    """Enable outbound IPv6 traffic using an egress-only internet gateway,
    https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html: it is
    stateful, forwarding traffic from the instances to the internet and sending the response
    back. "app" (private subnet, ::/0 -> eigw) reaches an IPv6 host.
    """
    path = dual.vpc().reachability("app", CLIENT6, port=443)
    assert path.reachable
    assert ("egress-only-internet-gateway", "request") in kinds(path)
    assert dual.ids["eigw"] in path.components


def test_egress_only_gateway_admits_no_connection_from_the_internet(dual):
    """Same page: an egress-only internet gateway prevents the internet from initiating an IPv6
    connection with your instances. web-sg admits 443 from ::/0, yet the connection to "app"
    fails: the reply would leave through the egress-only gateway, which carries no connection
    started outside.
    """
    path = dual.vpc().reachability(CLIENT6, "app", port=443)
    assert not path.reachable
    assert path.blocking_hop.code == "EIGW_NO_INBOUND"
    assert path.blocking_hop.leg == "response"
    assert dual.ids["eigw"] in path.explanation


def test_egress_only_gateway_carries_no_ipv4(dual):
    """Same page: an egress-only internet gateway is for IPv6 only (IPv4 needs a NAT gateway).
    The private subnet has no IPv4 default route, so "app" cannot reach an IPv4 host.
    """
    path = dual.vpc().reachability("app", "internet", port=443)
    assert not path.reachable and path.blocking_hop.code == "NO_ROUTE_TO_DESTINATION"


def test_icmpv6_echo_request_is_answered_by_echo_reply(dual):
    """RFC 4443 section 4 (echo request 128, echo reply 129) and Network ACL rules,
    https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html: ICMPv6 is protocol 58.
    The ping to "web" from the IPv6 internet is allowed by web-sg's type 128 rule; its reply
    is checked as type 129.
    """
    path = dual.vpc().reachability("internet", "web", port=None, protocol="icmpv6")
    assert path.reachable
    assert path.protocol == "icmpv6" and path.port == 128
    reply = [h for h in path.hops if h.kind == "network-acl" and h.leg == "response"]
    assert reply[0].ports == (129, 129)


#: ICMPv6 entries for the network ACL; moto drops IcmpTypeCode, so it is added as AWS prints it.
PING6_IN = {**aws.entry(100, "allow", "58", "::/0"), "IcmpTypeCode": {"Type": 128, "Code": -1}}


def _with_icmp_codes(scenario, codes):
    """The dump with IcmpTypeCode restored on the entries of ``codes`` (number, egress) -> type."""
    data = aws.copy.deepcopy(scenario.data)
    for acl in data["NetworkAcls"]:
        for item in acl["Entries"]:
            key = (item["RuleNumber"], item["Egress"])
            if key in codes and item["Protocol"] == "58":
                item["IcmpTypeCode"] = {"Type": codes[key], "Code": -1}
    return Vpc.from_aws(data)


@pytest.mark.parametrize("reply_type, reachable", [(129, True), (0, False)])
def test_a_stateless_acl_must_allow_the_icmpv6_reply_type(reply_type, reachable):
    """Network ACL basics, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-basics.html:
    ACLs are stateless, so the echo reply needs its own outbound rule. Allowing ICMPv6 type 0
    (the number of IPv4's echo reply) does not let the ICMPv6 echo reply (129) out.
    """
    out = aws.entry(100, "allow", "58", "::/0")
    scenario = aws.dual_stack_acl(inbound=[aws.entry(100, "allow", "58", "::/0")], outbound=[out])
    vpc = _with_icmp_codes(scenario, {(100, False): 128, (100, True): reply_type})
    assert vpc.nacl_for_subnet(scenario.ids["public"]).rules("outbound")[0].icmp_type == reply_type
    path = vpc.reachability(CLIENT6, "web", port=None, protocol="icmpv6")
    assert path.reachable is reachable
    if not reachable:
        assert (
            path.blocking_hop.leg == "response"
            and path.blocking_hop.rule == "rule *: deny all traffic to ::/0"
        )


def test_an_ipv4_only_custom_acl_denies_ipv6_with_rule_32768():
    """Network ACL rules, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html: a
    rule's CIDR is either IPv4 or IPv6; IPv6 traffic matching no rule meets the IPv6 "*" rule
    (32768). An ACL allowing 443 in from 0.0.0.0/0 only lets IPv4 clients in.
    """
    scenario = aws.dual_stack_acl(
        inbound=[aws.entry(100, "allow", "6", "0.0.0.0/0", (443, 443))],
        outbound=[aws.EPHEMERAL_OUT],
    )
    vpc = scenario.vpc()
    assert vpc.reachability("internet", "web", port=443).reachable
    path = vpc.reachability(CLIENT6, "web", port=443)
    assert not path.reachable and path.blocking_hop.code == "SUBNET_ACL_RESTRICTION"
    assert path.blocking_hop.detail.rule_number == DEFAULT_RULE_V6


def test_ipv6_acl_entries_admit_ipv6():
    """Same page: an entry with Ipv6CidrBlock ::/0 matches IPv6 traffic."""
    scenario = aws.dual_stack_acl(
        inbound=[aws.entry(100, "allow", "6", "::/0", (443, 443))],
        outbound=[aws.entry(100, "allow", "6", "::/0", (1024, 65535))],
    )
    path = scenario.vpc().reachability(CLIENT6, "web", port=443)
    assert path.reachable
    assert [h.rule.split(":")[0] for h in path.hops if h.kind == "network-acl"] == ["rule 100"] * 2


def test_the_matrix_of_a_dual_stack_vpc_agrees_with_each_path(dual):
    """The matrix asks each pair in the version its ends share (IPv6 for the IPv6-only
    instance) and agrees with one reachability call per pair."""
    vpc = dual.vpc()
    m = vpc.matrix(port=443)
    for i, src in enumerate(m.ids):
        for j, dst in enumerate(m.ids):
            if i != j and "internet" not in (src, dst):
                assert m.reachable[i, j] == vpc.reachability(src, dst, 443).reachable, (src, dst)
    assert not m.can_reach("internet", "app")  # IPv4: no public address; IPv6: egress-only
    assert m.can_reach("only6", "internet")  # IPv6 through the egress-only gateway
    assert np.count_nonzero(m.reachable) == m.count
