"""Network interfaces as the unit of a path, built through boto3 against moto.

describe-network-interfaces and describe-addresses are read with describe-instances: every
interface (an instance's, several per instance, and those services create: Lambda, load
balancers, NAT gateways, interface endpoints) is an endpoint and a security group member with
all its addresses. Each expected answer is worked out from the AWS page in the test's docstring.
Hand-written parts: the fields only a service sets on its interfaces, and an Elastic IP on a
secondary address (moto maps every Elastic IP to the primary); see aws_scenarios.
"""

import pytest

pytest.importorskip("moto", reason="moto[ec2] is a test dependency: pip install -e '.[test]'")

import aws_scenarios as aws  # noqa: E402  (tests/vpc is on sys.path, see conftest.py)

from netcourse.errors import VpcError  # noqa: E402
from netcourse.vpc import Vpc  # noqa: E402
from netcourse.vpc.loader import entries_file  # noqa: E402
from netcourse.vpc.paths import Translation  # noqa: E402


@pytest.fixture(scope="module")
def built():
    return aws.enis()


@pytest.fixture(scope="module")
def vpc(built):
    return built.vpc()


def translations(path):
    return [(h.detail.field, h.detail.before, h.detail.after) for h in path.hops
            if isinstance(h.detail, Translation) and h.leg == "request"]  # fmt: skip


def test_every_interface_is_read_with_its_addresses(built, vpc):
    """Elastic network interfaces,
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html: an interface has a
    primary private IPv4 address, may have secondary ones, and an Elastic IP per private address;
    an instance may have several interfaces (device index 0 is the primary)."""
    web = vpc.instance("web")
    assert [e.eni_id for e in web.interfaces] == [built.ids["web-eni0"], built.ids["web-eth1"]]
    primary = web.primary
    assert primary.private_ip == "10.0.1.10"
    assert primary.secondary_ips == ("10.0.1.11", "10.0.1.12")
    assert dict(primary.public_ips) == {
        "10.0.1.10": built.ids["web-public"],
        "10.0.1.11": built.ids["web-eip"],
    }
    assert web.interfaces[1].private_ip == "10.0.2.20"
    assert web.interfaces[1].subnet_id == built.ids["private"]
    assert not vpc.interfaces[built.ids["natbox-eni0"]].source_dest_check


def test_interfaces_of_services_are_recognised(built, vpc):
    """Requester-managed network interfaces,
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html: services
    create interfaces in your subnets (Lambda, Elastic Load Balancing, NAT gateways, interface
    VPC endpoints); describe-network-interfaces names them by InterfaceType, Description and
    RequesterId."""
    kinds = {name: vpc.interfaces[built.ids[name]].kind
             for name in ("fn-eni", "alb-eni", "vpce-eni", "nat-eni", "web-eni0")}  # fmt: skip
    assert kinds == {
        "fn-eni": "lambda",
        "alb-eni": "load-balancer",
        "vpce-eni": "vpc-endpoint",
        "nat-eni": "nat-gateway",
        "web-eni0": "instance",
    }
    assert all(vpc.interfaces[built.ids[n]].instance_id is None
               for n in ("fn-eni", "alb-eni", "vpce-eni", "nat-eni"))  # fmt: skip


def test_a_secondary_address_is_an_endpoint_and_a_group_member(built, vpc):
    """Security group rules,
    https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html: a rule whose
    source is a security group allows traffic from the network interfaces in that group, by
    their private addresses (a secondary one included). db-sg admits tcp 5432 from app-sg:
    app's secondary address 10.0.2.11 is allowed; 10.0.2.11 resolves to app's interface."""
    assert vpc.endpoint("10.0.2.11").interface.eni_id == built.ids["app-eni0"]
    rule = vpc.security_groups[built.ids["db-sg"]].ingress[0]
    assert {"10.0.2.10", "10.0.2.11", "10.0.2.20"} <= rule.member_addrs
    path = vpc.reachability("10.0.2.11", "db", port=5432)
    assert path.reachable
    assert path.hops[0].src == "10.0.2.11"


def test_each_interface_has_its_own_security_groups(built, vpc):
    """Security groups for your instance,
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-security-groups.html: security
    groups are associated with network interfaces; an instance's second interface may be in
    other groups. web's eth1 is in app-sg (db admits it); web's primary is in web-sg (db does
    not)."""
    assert vpc.reachability(built.ids["web-eth1"], "db", port=5432).reachable
    path = vpc.reachability("web", "db", port=5432)
    assert not path.reachable and path.blocked_by == built.ids["db-sg"]
    assert path.blocking_hop.code == "ENI_SG_RULES_MISMATCH"


def test_an_elastic_ip_on_a_secondary_address(built, vpc):
    """Multiple IP addresses and Elastic IPs,
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/MultipleIP.html and internet
    gateways, https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html: an
    Elastic IP is associated with one private address, and the internet gateway translates
    each private address with a public one to it. 10.0.1.11 has web-eip: it is reached at the
    Elastic IP and its own traffic leaves from it; 10.0.1.12 has none, so it cannot reach the
    internet (IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS)."""
    inbound = vpc.reachability("internet", built.ids["web-eip"], port=443)
    assert inbound.reachable
    assert translations(inbound) == [("destination", built.ids["web-eip"], "10.0.1.11")]
    out = vpc.reachability("10.0.1.11", "internet", port=443)
    assert out.reachable
    assert translations(out) == [("source", "10.0.1.11", built.ids["web-eip"])]
    stuck = vpc.reachability("10.0.1.12", "internet", port=443)
    assert not stuck.reachable
    assert stuck.blocking_hop.code == "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"
    assert "10.0.1.12" in stuck.explanation
    named = vpc.reachability("internet", "web", port=443)  # the primary's own public IP
    assert translations(named) == [("destination", built.ids["web-public"], "10.0.1.10")]


def test_lambda_and_load_balancer_interfaces_are_endpoints_and_members(built, vpc):
    """Lambda in a VPC, https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html:
    the function reaches the VPC through interfaces Lambda creates in your subnets, with the
    function's security groups; Application Load Balancer security groups,
    https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html:
    targets admit the load balancer by its security group. db admits lambda-sg; app admits
    alb-sg on 8080; the internet reaches the load balancer's Elastic IP on 443; the Lambda
    interface reaches the internet through the private subnet's NAT gateway."""
    assert vpc.reachability(built.ids["fn-eni"], "db", port=5432).reachable
    assert vpc.reachability(built.ids["alb-eni"], "app", port=8080).reachable
    assert not vpc.reachability("web", "app", port=8080).reachable  # web-sg is not alb-sg
    assert vpc.reachability("internet", built.ids["alb-eip"], port=443).reachable
    out = vpc.reachability(built.ids["fn-eni"], "internet", port=443)
    assert out.reachable and built.ids["nat"] in out.components


def test_an_interface_endpoint_is_reached_through_its_security_group(built, vpc):
    """Access an AWS service using an interface VPC endpoint,
    https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html: the
    endpoint's network interfaces are in your subnets, guarded by the endpoint's security
    group. endpoint-sg admits tcp 443 from the VPC: app reaches it on 443, not on 80."""
    assert vpc.reachability("app", built.ids["vpce-eni"], port=443).reachable
    path = vpc.reachability("app", built.ids["vpce-eni"], port=80)
    assert path.blocked_by == built.ids["endpoint-sg"]
    assert vpc.reachability("app", "10.0.2.50", port=443).reachable  # by its address too


def test_a_nat_gateway_interface_answers_no_connection(built, vpc):
    """NAT gateways, https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html: a
    NAT gateway lets instances in private subnets connect out while the internet cannot start
    a connection to them, and it has no security group. Its own interface is no endpoint: it
    neither answers nor starts a connection."""
    nat_eni = vpc.interfaces[built.ids["nat-eni"]]
    assert nat_eni.group_ids == ()
    path = vpc.reachability("internet", nat_eni.public_ip, port=443)
    assert not path.reachable and path.blocked_by == built.ids["nat-eni"]
    assert path.blocking_hop.code == "NOT_AN_ENDPOINT"
    assert not vpc.reachability(built.ids["nat-eni"], "db", port=5432).reachable


def test_a_nat_instance_with_source_dest_check_off_forwards(built, vpc):
    """NAT instances, https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NATInstance.html:
    a NAT instance must have source/destination checks disabled; its security group must admit
    the private subnet's traffic; it sends that traffic out from its own address, and the
    internet gateway translates that to its public IP. "old" (legacy subnet, routed to natbox's
    interface) reaches the internet."""
    path = vpc.reachability("old", "internet", port=443)
    assert path.reachable
    assert translations(path) == [
        ("source", "10.0.3.10", "10.0.1.60"),
        ("source", "10.0.1.60", built.ids["natbox-public"]),
    ]
    assert built.ids["nat-sg"] in path.components


def test_a_nat_instance_with_source_dest_check_on_drops():
    """Source/destination checking,
    https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NATInstance.html: with the check on
    (the default) an instance must be the source or destination of any traffic it sends or
    receives, so traffic routed through it to the internet is dropped."""
    built = aws.enis(nat_instance_check=True)
    path = built.vpc().reachability("old", "internet", port=443)
    assert not path.reachable and path.verdict == "blocked"
    assert path.blocked_by == built.ids["natbox-eni0"]
    assert path.blocking_hop.code == "ENI_SOURCE_DEST_CHECK"
    assert "source/destination check is on" in path.explanation


def test_the_matrix_covers_every_interface_and_agrees(built, vpc):
    """The matrix has a row and a column per interface (instances' and services'), and each
    cell is the answer of one reachability() call."""
    m = vpc.matrix(port=5432)
    assert len(m.ids) == len(vpc.interfaces) + 1  # and the internet
    assert set(m.ids) >= {built.ids[n] for n in ("fn-eni", "alb-eni", "vpce-eni", "nat-eni",
                                                 "web-eth1")}  # fmt: skip
    for src in m.ids:
        for dst in m.ids:
            if src != dst:
                path = vpc.reachability(src, dst, 5432)
                assert m.can_reach(src, dst) == path.reachable, (src, dst)
                expected = path.blocked_by or (
                    f"unknown: {path.unknown_at}" if path.unknown_at else ""
                )
                assert m.blocker(src, dst) == expected, (src, dst)
    assert m.can_reach(built.ids["fn-eni"], "db")
    assert m.can_reach(built.ids["web-eth1"], "db") and not m.can_reach("web", "db")


def test_the_dumped_folder_loads_with_interfaces_and_addresses(built, tmp_path):
    folder = aws.write_folder(built.data, tmp_path / "dump")
    assert (folder / "describe-network-interfaces.json").exists()
    assert (folder / "describe-addresses.json").exists()
    again = Vpc.from_aws_files(folder)
    assert set(again.interfaces) == set(built.vpc().interfaces)


def test_an_elastic_ip_on_an_address_the_interface_lacks_names_file_and_field(built, tmp_path):
    data = aws.copy.deepcopy(built.data)
    eip = next(a for a in data["Addresses"] if a["PublicIp"] == built.ids["web-eip"])
    eip["PrivateIpAddress"] = "10.0.1.99"
    folder = aws.write_folder(data, tmp_path / "dump")
    with pytest.raises(VpcError) as info:
        Vpc.from_aws_files(folder)
    message = str(info.value)
    assert message.startswith("describe-addresses.json: ")
    assert built.ids["web-eip"] in message and "PrivateIpAddress 10.0.1.99" in message
    assert built.ids["web-eni0"] in message


def test_the_shipped_account_is_shaped_as_aws_dump_writes_it():
    """netcourse/data/vpc/my-account was made by aws_scenarios.account_example() (moto, then
    ids and public addresses made stable) and written as aws_dump writes a folder: one file per
    command, one entries file per prefix list, nothing else."""
    from netcourse.data import path
    from netcourse.tools.aws_dump import commands

    folder = path("vpc", "my-account")
    vpc = Vpc.example("my-account")
    expected = set(commands("us-east-1")) | {entries_file(p) for p in vpc.prefix_lists}
    assert {p.name for p in folder.iterdir()} == expected
    office = next(p for p in vpc.prefix_lists.values() if p.name == "office")
    assert office.entries == ("192.0.2.0/24",) and not office.aws_managed
    assert any(p.aws_managed and p.name.endswith(".s3") for p in vpc.prefix_lists.values())
    assert vpc.reachability("192.0.2.7", "bastion", port=22).reachable
    assert vpc.reachability("internet", "bastion", port=22).blocked_by  # not from the office
    orders = next(e for e in vpc.interfaces.values() if e.kind == "lambda")
    assert vpc.reachability(orders.eni_id, "db", port=5432).reachable


def test_an_interface_is_named_by_its_name_tag(built, vpc):
    assert vpc.endpoint("fn-eni").interface.eni_id == built.ids["fn-eni"]
    assert vpc.endpoint("web").interface.eni_id == built.ids["web-eni0"]  # instances first
