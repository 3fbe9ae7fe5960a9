"""Managed prefix lists in security group rules and routes, built through boto3 against moto.

The dump holds describe-managed-prefix-lists and one get-managed-prefix-list-entries output per
list (moto, like AWS, also lists the AWS-managed lists of a region, S3's among them, with their
entries). A list whose entries the data holds decides exactly; one without them gives the
verdict "unknown", naming the list, never a silent block. Each expected answer is worked out
from the AWS page in the test's docstring.
"""

import pytest

pytest.importorskip("moto", reason="moto[ec2] is a test dependency: pip install -e '.[test]'")

import aws_scenarios as aws  # noqa: E402  (tests/vpc is on sys.path, see conftest.py)

from netcourse.errors import VpcError  # noqa: E402
from netcourse.vpc import Vpc  # noqa: E402
from netcourse.vpc.loader import entries_file  # noqa: E402

S3_ADDR = "52.216.1.5"  # in 52.216.0.0/15, an entry of moto's (and AWS's) S3 list in us-east-1
ELSEWHERE = "203.0.113.9"


@pytest.fixture(scope="module")
def built():
    return aws.prefix_list_routes()


@pytest.fixture(scope="module")
def vpc(built):
    return built.vpc()


@pytest.fixture(scope="module")
def no_s3_entries(built):
    return Vpc.from_aws(aws.without_entries(built.data, built.ids["s3-list"]))


def test_the_lists_and_their_entries_load(built, vpc):
    """describe-managed-prefix-lists, https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-managed-prefix-lists.html:
    AWS-managed lists have OwnerId "AWS"; get-managed-prefix-list-entries prints a list's CIDRs."""
    s3 = vpc.prefix_lists[built.ids["s3-list"]]
    assert s3.aws_managed and s3.name == "com.amazonaws.us-east-1.s3"
    assert "52.216.0.0/15" in s3.entries
    office = vpc.prefix_lists[built.ids["office"]]
    assert not office.aws_managed and office.entries == ("198.51.100.0/24",)


def test_a_route_to_a_customer_prefix_list_routes_exactly(built, vpc):
    """Prefix list routes, https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html:
    a route may name a prefix list as its destination; it applies to the list's entries. a-rt
    sends "b-nets" (10.2.0.0/16) and b-rt sends "a-nets" (10.1.0.0/16) through peering "ab":
    a1 and b1 reach each other, both ways (each reply has its return route)."""
    there = vpc.reachability("a1", "b1", port=443)
    assert there.reachable and built.ids["ab"] in there.components
    assert vpc.reachability("b1", "a1", port=443).reachable
    decision = vpc.route_table_for_subnet(built.ids["a-net"]).lookup("10.2.1.10")
    assert decision.route.prefix_list == built.ids["b-nets"]


def test_without_the_entries_a_route_to_a_list_is_unknown(built):
    vpc = Vpc.from_aws(aws.without_entries(built.data, built.ids["b-nets"]))
    path = vpc.reachability("a1", "b1", port=443)
    assert path.verdict != "reachable"
    rtb = vpc.route_table_for_subnet(built.ids["a-net"])
    assert [r.prefix_list for r in rtb.prefix_routes] == [built.ids["b-nets"]]


def test_a_static_route_wins_over_a_prefix_list_route_to_the_same_block(built, vpc):
    """How route priority works,
    https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html: longest prefix
    first, then static routes, then prefix list routes. 198.51.100.0/24 -> igw (static) and
    "office" (198.51.100.0/24) -> ab: traffic to 198.51.100.7 takes the internet gateway."""
    decision = vpc.route_table_for_subnet(built.ids["a-net"]).lookup("198.51.100.7")
    assert decision.target == built.ids["igw"] and decision.route.prefix_list == ""
    path = vpc.reachability("a1", "198.51.100.7", port=443)
    assert path.reachable and built.ids["ab"] not in path.components


def test_a_gateway_endpoint_route_is_unknown_only_for_its_service(built, vpc):
    """Gateway endpoints, https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html:
    the endpoint adds a route whose destination is the service's prefix list; other traffic
    keeps its routes. With S3's entries in the data, S3's addresses go to the endpoint (not
    modelled: unknown, naming it) and any other address is decided as usual."""
    path = vpc.reachability("a1", S3_ADDR, port=443)
    assert path.verdict == "unknown" and path.unknown_at == built.ids["s3"]
    assert path.blocking_hop.kind == "gateway-endpoint"
    assert built.ids["s3-list"] in path.blocking_hop.rule or built.ids["s3"] in path.explanation
    assert vpc.reachability("a1", ELSEWHERE, port=443).reachable


def test_an_aws_managed_list_without_entries_gives_unknown_naming_it(built, no_s3_entries):
    """Without S3's entries, any address a1 sends to may be one of them: unknown, naming the
    AWS-managed list (not reachable, not blocked)."""
    path = no_s3_entries.reachability("a1", ELSEWHERE, port=443)
    assert path.verdict == "unknown" and path.blocked_by is None
    assert built.ids["s3-list"] in path.explanation and "AWS-managed" in path.explanation


def test_a_security_group_rule_to_an_aws_managed_list(built, vpc, no_s3_entries):
    """Security group rules, https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html:
    a rule's destination may be a prefix list. a2's group allows out only tcp 443 to S3's list:
    to an S3 address it passes the group (then the endpoint: unknown); elsewhere it is blocked by
    the group. Without the entries, elsewhere is unknown at the group, naming the list."""
    assert vpc.reachability("a2", S3_ADDR, port=443).unknown_at == built.ids["s3"]
    path = vpc.reachability("a2", ELSEWHERE, port=443)
    assert path.verdict == "blocked" and path.blocked_by == built.ids["s3-only"]
    unknown = no_s3_entries.reachability("a2", ELSEWHERE, port=443)
    assert unknown.verdict == "unknown" and unknown.unknown_at == built.ids["s3-only"]
    assert built.ids["s3-list"] in unknown.explanation and "AWS-managed" in unknown.explanation


def test_the_matrix_agrees(built, vpc):
    m = vpc.matrix(port=443)
    for src in m.ids:
        for dst in m.ids:
            if src != dst:
                assert m.can_reach(src, dst) == vpc.reachability(src, dst, 443).reachable


def test_the_folder_convention(built, tmp_path):
    """aws_dump writes one get-managed-prefix-list-entries-<pl-id>.json per list; the loader
    takes the list's id from the file name (the output itself does not say it)."""
    folder = aws.write_folder(built.data, tmp_path / "dump")
    assert (folder / entries_file(built.ids["office"])).exists()
    again = Vpc.from_aws_files(folder)
    assert again.prefix_lists[built.ids["office"]].entries == ("198.51.100.0/24",)
    assert again.reachability("a1", "b1", port=443).reachable


def test_entries_in_a_file_without_the_list_id_are_refused(built, tmp_path):
    folder = aws.write_folder(built.data, tmp_path / "dump")
    (folder / entries_file(built.ids["office"])).rename(folder / "entries.json")
    with pytest.raises(VpcError, match=r"entries.json.*get-managed-prefix-list-entries-pl-"):
        Vpc.from_aws_files(folder)


def test_a_bad_entry_names_the_file_the_list_and_the_field(built, tmp_path):
    folder = aws.write_folder(built.data, tmp_path / "dump")
    name = entries_file(built.ids["office"])
    (folder / name).write_text('{"Entries": [{"Cidr": "198.51.100.0/33"}]}')
    with pytest.raises(VpcError) as info:
        Vpc.from_aws_files(folder)
    assert str(info.value).startswith(f"{name}: {built.ids['office']} Entries[0] Cidr")
