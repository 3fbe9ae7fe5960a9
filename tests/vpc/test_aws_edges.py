"""The edges of the data: VPCs and components a dump names but the model cannot follow.

Built through boto3 against moto (see aws_scenarios); each expected answer comes from the AWS
page in the test's docstring. A path that leads into something the model does not follow ends
with the verdict "unknown", distinct from "blocked" (``Path.reachable`` is False for both).
"""

import pytest

pytest.importorskip("moto", reason="moto[ec2] is a test dependency: pip install -e '.[test]'")

import aws_scenarios as aws  # noqa: E402  (tests/vpc is on sys.path, see conftest.py)

from netcourse.errors import VpcError  # noqa: E402
from netcourse.vpc import Vpc  # noqa: E402
from netcourse.widgets.vpc import path_html  # noqa: E402


@pytest.fixture(scope="module")
def twins():
    return aws.same_cidr_vpcs()


def test_unpeered_vpcs_with_one_cidr_keep_their_traffic_local(twins):
    """Route tables, https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html: every
    route table has a local route for the VPC's CIDR, and traffic to it stays in the VPC; VPCs
    with overlapping CIDRs cannot be peered
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html). "dev-app" asking
    for "prod-app" (10.0.1.10 in prod) gets dev's local route: not reachable.
    """
    vpc = twins.vpc()
    path = vpc.reachability("dev-app", "prod-app", port=443)
    assert not path.reachable and path.verdict == "blocked"
    assert path.blocked_by == twins.ids["dev-main-rt"]
    assert twins.ids["prod"] in path.explanation
    assert vpc.reachability("dev-app", "dev-db", port=443).reachable


def test_the_matrix_keeps_same_cidr_vpcs_apart(twins):
    vpc = twins.vpc()
    m = vpc.matrix(port=443, internet=False)
    assert not m.can_reach("dev-app", "prod-app") and not m.can_reach("prod-app", "dev-db")
    assert m.can_reach("dev-app", "dev-db") and m.can_reach("dev-db", "dev-app")
    for src in m.ids:
        for dst in m.ids:
            if src != dst:
                path = vpc.reachability(src, dst, 443)
                assert m.can_reach(src, dst) == path.reachable
                assert m.blocker(src, dst) == (path.blocked_by or "")


def test_an_address_held_in_two_vpcs_asks_for_an_id(twins):
    """10.0.1.10 is dev-app's and prod-app's: the question must say which."""
    with pytest.raises(VpcError, match=r"held by 2 interfaces .*in vpc-.*in vpc-.*instance or ENI"):
        twins.vpc().reachability("dev-db", "10.0.1.10", port=443)
    message = ""
    try:
        twins.vpc().endpoint("10.0.1.10")
    except VpcError as exc:
        message = str(exc)
    assert twins.ids["dev-app"] in message and twins.ids["prod-app"] in message


@pytest.fixture(scope="module")
def gateways():
    return aws.unmodelled_targets()


@pytest.mark.parametrize(
    "dst, target, kind",
    [
        ("10.20.1.5", "tgw", "transit-gateway"),
        ("192.168.1.5", "vgw", "vpn-gateway"),
        ("52.216.1.5", "s3", "gateway-endpoint"),
    ],
)
def test_unmodelled_components_give_unknown_not_blocked(gateways, dst, target, kind):
    """Route tables, https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html:
    traffic matching a route to a transit gateway or a virtual private gateway goes there, and a
    gateway endpoint's route sends the service's prefix list (addresses not in the dump) to it.
    What happens beyond is outside the data: the verdict is unknown, naming the component.
    """
    path = gateways.vpc().reachability("app", dst, port=443)
    assert not path.reachable
    assert path.verdict == "unknown" and path.blocked_by is None
    assert path.unknown_at == gateways.ids[target]
    hop = path.blocking_hop
    assert (hop.kind, hop.code, hop.decision) == (kind, "NOT_MODELLED", "unknown")
    assert gateways.ids[target] in path.explanation and "not modelled" in path.explanation


def test_a_path_that_is_blocked_says_blocked(gateways):
    path = gateways.vpc().reachability("app", "internet", port=443)
    assert path.verdict == "blocked" and path.unknown_at is None


def test_the_explorer_shows_unknown_as_unknown(gateways):
    html = path_html(gateways.vpc().reachability("app", "10.20.1.5", port=443))
    assert f"unknown at {gateways.ids['tgw']}" in html and "blocked by" not in html


@pytest.fixture(scope="module")
def listed():
    return aws.prefix_list_rule()


def test_a_prefix_list_rule_with_its_entries_decides_exactly(listed):
    """Work with managed prefix lists,
    https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html: a security group
    rule may name a prefix list instead of a CIDR; the rule covers the list's entries. "office"
    holds 198.51.100.0/24: a source in it is admitted on 22, one outside it is not.
    """
    vpc = listed.vpc()
    assert vpc.prefix_lists[listed.ids["office"]].entries == ("198.51.100.0/24",)
    assert vpc.reachability("198.51.100.7", "bastion", port=22).reachable
    path = vpc.reachability("203.0.113.7", "bastion", port=22)
    assert path.verdict == "blocked" and path.blocked_by == listed.ids["admin-sg"]
    assert path.blocking_hop.code == "ENI_SG_RULES_MISMATCH"


def test_a_prefix_list_rule_without_its_entries_gives_unknown(listed):
    """Work with managed prefix lists,
    https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html: a security group
    rule may name a prefix list instead of a CIDR; the rule covers the list's entries. Without
    the entries in the data, whether a source is one of them is unknown, not blocked.
    """
    vpc = Vpc.from_aws(aws.without_entries(listed.data, listed.ids["office"]))
    rule = vpc.security_groups[listed.ids["admin-sg"]].ingress[0]
    assert rule.prefix_lists == (listed.ids["office"],)
    path = vpc.reachability("internet", "bastion", port=22)
    assert path.verdict == "unknown" and path.unknown_at == listed.ids["admin-sg"]
    assert listed.ids["office"] in path.explanation
    assert vpc.reachability("internet", "bastion", port=443).verdict == "blocked"  # no rule


def test_the_matrix_agrees_on_prefix_list_rules(listed):
    vpc = Vpc.from_aws(aws.without_entries(listed.data, listed.ids["office"]))
    m = vpc.matrix(port=22)
    for src in m.ids:
        for dst in m.ids:
            if src != dst:
                path = vpc.reachability(src, dst, 22)
                assert m.can_reach(src, dst) == path.reachable, (src, dst)
    assert m.blocker("internet", "bastion") == f"unknown: {listed.ids['admin-sg']}"


def test_a_rule_naming_a_group_outside_the_data_gives_unknown():
    """Update your security groups to reference peer security groups,
    https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html: a rule may
    name a security group of a peered VPC; it covers that group's members, which a dump of one
    region does not hold. Whether an address is one of them is unknown, naming the group; the
    rule's other traffic is decided as usual."""
    built = aws.peer_group_reference()
    vpc = built.vpc()
    rule = next(r for r in vpc.security_groups[built.ids["app-sg"]].egress if r.group_ids)
    assert rule.unknown_groups == (built.ids["peer-db"],)
    path = vpc.reachability("app", "10.9.1.10", port=5432)
    assert path.verdict == "unknown" and path.unknown_at == built.ids["app-sg"]
    assert built.ids["peer-db"] in path.explanation
    blocked = vpc.reachability("app", "10.9.1.10", port=22)  # no rule for 22 at all
    assert blocked.verdict == "blocked" and blocked.blocked_by == built.ids["app-sg"]
