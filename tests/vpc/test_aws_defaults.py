"""What AWS gives before anything is changed: default and new network ACLs, the main route
table, and gateway route tables. Built through boto3 against moto and judged by the model.

Each expected answer comes from the AWS page in the test's docstring, not from the model's code.
netcourse/data/vpc/defaults, the folder lesson 05 loads, is checked to be exactly what
``aws_scenarios.defaults_example()`` prints through moto.
"""

import json

import pytest

pytest.importorskip("moto", reason="moto[ec2] is a test dependency: pip install -e '.[test]'")

import aws_scenarios as aws  # noqa: E402  (tests/vpc is on sys.path, see conftest.py)

from netcourse.data import path  # noqa: E402
from netcourse.errors import VpcError  # noqa: E402
from netcourse.vpc import Vpc  # noqa: E402


@pytest.fixture(scope="module")
def built():
    return aws.defaults_example()


@pytest.fixture(scope="module")
def lab():
    return Vpc.example("defaults")


def subnet_named(vpc, name):
    return next(s for s in vpc.subnets.values() if s.name == name).subnet_id


def test_the_shipped_folder_is_what_moto_prints(built, tmp_path):
    """The lesson's folder was written from this scenario: rebuilding it gives the same files
    (moto's random ids, addresses, MACs and times made stable as the scenario says)."""
    folder = path("vpc", "defaults")
    written = aws.write_folder(built.data, tmp_path / "again")
    shipped = sorted(p.name for p in folder.glob("*.json"))
    assert len(shipped) == 9
    for name in shipped:
        assert json.loads((folder / name).read_text()) == json.loads(
            (written / name).read_text()
        ), name


def test_one_network_acl_serves_two_subnets(lab):
    """Network ACLs, https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html:
    each subnet must be associated with exactly one network ACL, and a network ACL can be
    associated with multiple subnets. "public" and "spare" were left with the default ACL."""
    acls = {s.name: lab.nacl_for_subnet(s.subnet_id) for s in lab.subnets.values()}
    assert acls["public"] is acls["spare"] and acls["public"].is_default
    assert set(acls["public"].subnet_ids) == {
        subnet_named(lab, "public"),
        subnet_named(lab, "spare"),
    }
    assert acls["closed"].acl_id != acls["public"].acl_id and not acls["closed"].is_default
    every = [s for acl in lab.network_acls.values() for s in acl.subnet_ids]
    assert sorted(every) == sorted(lab.subnets)  # each subnet in exactly one ACL


@pytest.mark.parametrize("protocol, port", [("tcp", 443), ("tcp", 2049), ("udp", 53)])
def test_the_default_acl_allows_everything_with_rule_100(lab, protocol, port):
    """Default network ACL, https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html:
    rule 100 allows all IPv4 traffic in and out, then rule * denies what no rule matched."""
    acl = lab.nacl_for_subnet(subnet_named(lab, "public"))
    assert [(e.rule_number, e.action, e.protocol, e.cidr) for e in acl.rules("inbound")] == [
        (100, "allow", -1, "0.0.0.0/0"),
        (32767, "deny", -1, "0.0.0.0/0"),
    ]
    path_ = lab.reachability("internet", "web", port=port, protocol=protocol)
    assert path_.reachable
    decided = [h.detail.rule for h in path_.hops if h.kind == "network-acl"]
    assert decided == ["100", "100"]  # in, and the reply out


def test_a_new_custom_acl_denies_everything(lab, built):
    """Custom network ACLs, https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html:
    a new custom ACL denies all inbound and outbound traffic until rules are added; it holds
    only the * rules. (moto prints its Entries empty: the scenario adds the two 32767 entries
    AWS prints, and the model denies unmatched traffic with * either way.)"""
    acl = lab.nacl_for_subnet(subnet_named(lab, "closed"))
    assert [(e.rule_number, e.action, e.egress) for e in acl.entries] == [
        (32767, "deny", False),
        (32767, "deny", True),
    ]
    path_ = lab.reachability("internet", "closed-web", port=443)
    assert not path_.reachable and path_.blocked_by == acl.acl_id
    assert (path_.blocking_hop.leg, path_.blocking_hop.detail.rule) == ("request", "*")
    out = lab.reachability("closed-web", "internet", port=443)  # nothing leaves either
    assert out.blocked_by == acl.acl_id and out.blocking_hop.direction == "outbound"


def test_moto_prints_a_new_acl_without_entries():
    """The difference the scenario makes up for, checked so it is noticed when moto changes."""
    with aws.account() as acct:
        acct.vpc("v", "10.0.0.0/16")
        acl_id = acct.network_acl("fresh", "v")
        acl = acct.ec2.describe_network_acls(NetworkAclIds=[acl_id])["NetworkAcls"][0]
    assert acl["Entries"] == []
    loaded = Vpc.from_aws(aws.as_aws_prints_new_acl({"NetworkAcls": [acl]}, acl_id) | {
        "Vpcs": [{"VpcId": acl["VpcId"], "CidrBlock": "10.0.0.0/16"}]})  # fmt: skip
    assert loaded.network_acls[acl_id].evaluate("inbound", "tcp", "192.0.2.1", 22).rule == "*"


def test_a_subnet_without_an_association_uses_the_main_route_table(lab):
    """Route tables, https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html:
    a subnet not explicitly associated with a route table is implicitly associated with the main
    route table. "spare" has no association; the main table has only the local route."""
    spare = subnet_named(lab, "spare")
    main = next(t for t in lab.route_tables.values() if t.main)
    assert spare not in main.subnet_ids  # implicit: AWS lists no association for it
    assert lab.route_table_for_subnet(spare) is main
    assert not lab.is_public(spare) and lab.is_public(subnet_named(lab, "public"))
    path_ = lab.reachability("internet", "spare-web", port=443)
    assert path_.blocked_by == main.route_table_id
    assert path_.blocking_hop.code == "NO_RETURN_ROUTE"


def test_a_route_added_to_the_main_table_reaches_the_unassociated_subnet():
    """Same page: changing the main route table changes every subnet implicitly associated with
    it. With 0.0.0.0/0 -> igw in the main table, "spare" becomes public."""
    with aws.account() as acct:
        acct.vpc("v", "10.0.0.0/16")
        acct.subnet("spare", "v", "10.0.2.0/24")
        acct.internet_gateway("igw", "v")
        acct.route(acct.ids["v-main-rt"], "0.0.0.0/0", "igw")
        acct.security_group("open", "v", ingress=[aws.EVERYTHING])
        acct.instance("spare-web", aws.Eni("spare", ("open",), "10.0.2.10", public_ip=True))
        scenario = acct.scenario()
    vpc = scenario.vpc()
    assert (
        vpc.route_table_for_subnet(scenario.ids["spare"]).route_table_id
        == (scenario.ids["v-main-rt"])
    )
    assert vpc.is_public(scenario.ids["spare"])
    assert vpc.reachability("internet", "spare-web", port=443).reachable


# --- gateway route tables (edge associations) ------------------------------------------------


def test_a_gateway_route_table_is_read_from_its_edge_association():
    """Gateway route tables, https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html:
    a route table associated with an internet gateway (associate-route-table --gateway-id)
    routes the traffic entering the VPC; describe-route-tables prints the association's
    GatewayId. It is no subnet's table."""
    scenario = aws.gateway_route_table()
    vpc = scenario.vpc()
    edge = vpc.route_table_for_gateway(scenario.ids["igw"])
    assert edge.route_table_id == scenario.ids["ingress-rt"]
    assert edge.gateway_ids == (scenario.ids["igw"],) and not edge.subnet_ids and not edge.main
    assert "edge: " + scenario.ids["igw"] in repr(edge)
    web_subnet = vpc.instance("web").subnet_id
    assert vpc.route_table_for_subnet(web_subnet).route_table_id == scenario.ids["public-rt"]


def test_traffic_from_the_internet_follows_the_gateway_route_table_to_the_middlebox():
    """Same page: with 10.0.1.0/24 -> the appliance's interface in the gateway route table,
    traffic entering through the internet gateway for web (10.0.1.10) goes to the appliance,
    not straight to web; its subnet's ACL and its security group see it. What the appliance's
    software does next is not in the data: unknown, naming the appliance."""
    scenario = aws.gateway_route_table()
    path_ = scenario.vpc().reachability("internet", "web", port=443)
    box = scenario.ids["box-eni0"]
    assert path_.verdict == "unknown" and path_.unknown_at == box
    edge = next(h for h in path_.hops if h.kind == "route-table" and h.leg == "request")
    assert edge.component == scenario.ids["ingress-rt"]
    assert edge.detail.route.target == box and edge.detail.route.destination == "10.0.1.0/24"
    assert edge.dst == "10.0.1.10"  # after the internet gateway's translation
    assert [h.component for h in path_.hops][:2] == [
        scenario.ids["igw"],
        scenario.ids["ingress-rt"],
    ]
    assert scenario.ids["box-sg"] in path_.components
    assert scenario.ids["web-sg"] not in path_.components  # never reached web directly


def test_a_middlebox_with_its_source_destination_check_on_drops_the_traffic():
    """Same page and Source/destination checks
    (https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html#EIP_Disable_SrcDestCheck):
    an interface with the check on drops traffic not addressed to it."""
    scenario = aws.gateway_route_table(appliance_check=True)
    path_ = scenario.vpc().reachability("internet", "web", port=443)
    assert path_.blocked_by == scenario.ids["box-eni0"]
    assert path_.blocking_hop.code == "ENI_SOURCE_DEST_CHECK"


def test_a_gateway_route_table_with_only_the_local_route_delivers_directly():
    """Same page: the default local route delivers to the destination's subnet; the path shows
    the gateway route table it followed, then the web subnet's ACL and web's group."""
    scenario = aws.gateway_route_table(to_appliance=False)
    path_ = scenario.vpc().reachability("internet", "web", port=443)
    assert path_.reachable
    kinds = [(h.kind, h.component) for h in path_.hops if h.leg == "request"]
    assert kinds[:2] == [
        ("internet-gateway", scenario.ids["igw"]),
        ("route-table", scenario.ids["ingress-rt"]),
    ]
    assert kinds[-1] == ("security-group", scenario.ids["web-sg"])


def test_without_a_gateway_route_table_no_subnet_table_is_consulted_on_the_way_in():
    """Without an edge association the VPC's local routing carries traffic from the internet
    gateway to the subnet; the subnets' tables route only the traffic leaving them (the reply)."""
    vpc = aws.public_and_private().vpc()
    path_ = vpc.reachability("internet", "web", port=443)
    assert path_.reachable
    assert [h.kind for h in path_.hops if h.leg == "request"] == [
        "internet-gateway",
        "network-acl",
        "security-group",
    ]
    assert [h.kind for h in path_.hops if h.leg == "response"].count("route-table") == 1


def test_ingress_routing_is_the_gateway_table_or_the_local_routes():
    """The routes traffic from an internet gateway follows: its edge table when it has one,
    else the VPC's local route alone; an id that is no attached gateway is refused by name."""
    with_edge = aws.gateway_route_table()
    vpc = with_edge.vpc()
    assert vpc.ingress_routing(with_edge.ids["igw"]).route_table_id == with_edge.ids["ingress-rt"]
    plain = aws.public_and_private()
    routing = plain.vpc().ingress_routing(plain.ids["igw"])
    assert [r.describe() for r in routing.routes] == ["10.0.0.0/16 -> local (active)"]
    with pytest.raises(VpcError, match="'igw-nope': no internet gateway attached"):
        plain.vpc().ingress_routing("igw-nope")
