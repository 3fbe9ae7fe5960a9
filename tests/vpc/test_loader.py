"""Loading describe-* JSON: what is read, and broken input that raises VpcError naming it."""

import json

import pytest
from vpcdata import VPC, table

from netcourse.data import path
from netcourse.errors import VpcError
from netcourse.vpc import Vpc, examples


def test_every_key_is_read(data):
    vpc = Vpc.from_aws(data)
    assert vpc.vpc_ids == (VPC,)
    assert set(vpc.subnets) == {"subnet-pub", "subnet-priv"}
    assert vpc.instances["i-web"].public_ip == "203.0.113.10"
    assert vpc.instances["i-app"].public_ip is None
    assert vpc.interfaces["eni-app"].group_ids == ("sg-app",)
    assert vpc.nat_gateways["nat-1"].public_ip == "203.0.113.100"
    assert vpc.internet_gateways["igw-1"].vpc_ids == (VPC,)


def test_a_missing_key_means_none_of_that_resource():
    vpc = Vpc.from_aws({"Vpcs": [{"VpcId": VPC, "CidrBlock": "10.0.0.0/16"}]})
    assert len(vpc.instances) == 0 and len(vpc.security_groups) == 0
    assert vpc.matrix().labels == ("internet",)


@pytest.mark.parametrize("bad", [[], "Vpcs", None, 3])
def test_not_a_dict(bad):
    with pytest.raises(VpcError, match="expected a dict"):
        Vpc.from_aws(bad)


def test_unknown_top_level_key_is_named(data):
    data["Subnet"] = data.pop("Subnets")
    with pytest.raises(VpcError, match="'Subnet'"):
        Vpc.from_aws(data)


def test_subnet_outside_its_vpc_cidr(data):
    data["Subnets"][1]["CidrBlock"] = "10.1.2.0/24"
    with pytest.raises(VpcError, match=r"subnet-priv: CidrBlock 10\.1\.2\.0/24 is outside"):
        Vpc.from_aws(data)


def test_overlapping_subnets(data):
    data["Subnets"][1]["CidrBlock"] = "10.0.1.128/25"
    with pytest.raises(VpcError, match="subnet-priv.*overlaps subnet-pub"):
        Vpc.from_aws(data)


def test_instance_in_unknown_subnet(data):
    data["Reservations"][0]["Instances"][1]["SubnetId"] = "subnet-gone"
    with pytest.raises(VpcError, match="i-app: its SubnetId 'subnet-gone' is not in Subnets"):
        Vpc.from_aws(data)


def test_security_group_without_group_id(data):
    del data["SecurityGroups"][1]["GroupId"]
    with pytest.raises(VpcError, match="security group 'app': no GroupId"):
        Vpc.from_aws(data)


def test_interface_naming_an_unknown_group(data):
    data["Reservations"][0]["Instances"][1]["NetworkInterfaces"][0]["Groups"] = [
        {"GroupId": "sg-gone"}
    ]
    with pytest.raises(VpcError, match="eni-app: security group 'sg-gone'"):
        Vpc.from_aws(data)


def test_bad_cidr_names_the_resource(data):
    data["Vpcs"][0]["CidrBlock"] = "10.0.0.0/33"
    with pytest.raises(VpcError, match=VPC):
        Vpc.from_aws(data)


def test_bad_rule_action_names_the_acl_and_rule(data):
    data["NetworkAcls"][0]["Entries"][0]["RuleAction"] = "maybe"
    with pytest.raises(VpcError, match="acl-pub rule 100: RuleAction 'maybe'"):
        Vpc.from_aws(data)


def test_list_expected(data):
    data["Subnets"] = {"SubnetId": "subnet-pub"}
    with pytest.raises(VpcError, match="Subnets .describe-subnets.: expected a list"):
        Vpc.from_aws(data)


def test_route_to_a_missing_gateway_loads_as_a_blackhole(data):
    table(data, "rtb-pub")["Routes"][1]["GatewayId"] = "igw-gone"
    vpc = Vpc.from_aws(data)
    route = vpc.route_tables["rtb-pub"].lookup("198.51.100.1").route
    assert (route.target, route.state) == ("igw-gone", "blackhole")
    assert "does not exist" in route.reason
    path = vpc.reachability("web", "internet")
    assert not path.reachable and path.blocked_by == "rtb-pub"
    assert path.blocking_hop.code == "BAD_STATE_ROUTE"


def test_route_to_an_igw_of_another_vpc_is_a_blackhole(data):
    data["InternetGateways"][0]["Attachments"] = []
    vpc = Vpc.from_aws(data)
    assert vpc.route_tables["rtb-pub"].lookup("198.51.100.1").route.state == "blackhole"


def test_local_route_is_always_there(data):
    table(data, "rtb-pub")["Routes"] = table(data, "rtb-pub")["Routes"][1:]
    vpc = Vpc.from_aws(data)
    assert vpc.route_tables["rtb-pub"].lookup("10.0.2.10").target == "local"


def test_terminated_instances_are_left_out(data):
    data["Reservations"][0]["Instances"][1]["State"] = {"Name": "terminated"}
    assert set(Vpc.from_aws(data).instances) == {"i-web"}


def test_from_files_directory_and_list(tmp_path, data):
    for key, value in data.items():
        (tmp_path / f"{key}.json").write_text(json.dumps({key: value}))
    from_dir = Vpc.from_aws_files(tmp_path)
    from_list = Vpc.from_aws_files(sorted(tmp_path.glob("*.json")))
    assert set(from_dir.instances) == set(from_list.instances) == {"i-web", "i-app"}


def test_from_files_errors(tmp_path):
    with pytest.raises(VpcError, match="no .json files"):
        Vpc.from_aws_files(tmp_path)
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(VpcError, match="not JSON"):
        Vpc.from_aws_files(tmp_path / "x.json")
    with pytest.raises(VpcError, match="cannot read"):
        Vpc.from_aws_files(tmp_path / "missing.json")


@pytest.mark.parametrize("name", list(examples()))
def test_shipped_examples_are_describe_outputs(name):
    folder = path("vpc", name)
    files = sorted(p.name for p in folder.glob("*.json"))
    if name == "my-account":  # a whole region as aws_dump writes it (see test_aws_enis.py)
        assert "describe-managed-prefix-lists.json" in files
        Vpc.example(name)
        return
    assert files == sorted(
        f"{cmd}.json"
        for cmd in (
            "describe-vpcs",
            "describe-subnets",
            "describe-route-tables",
            "describe-internet-gateways",
            "describe-nat-gateways",
            "describe-network-acls",
            "describe-security-groups",
            "describe-instances",
            "describe-vpc-peering-connections",
        )
    )
    Vpc.example(name)


@pytest.mark.parametrize("name", list(examples()))
def test_shipped_examples_use_only_documentation_and_private_addresses(name):
    import ipaddress
    import re

    text = " ".join(p.read_text() for p in path("vpc", name).glob("*.json"))
    allowed = [
        ipaddress.ip_network(n)
        for n in ("10.0.0.0/8", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
    ]
    # a whole region also holds the default VPC (172.31.0.0/16) and the AWS-managed prefix
    # lists, whose entries are the services' published ranges (S3's, DynamoDB's...)
    vpc = Vpc.example(name)
    allowed += [ipaddress.ip_network("172.16.0.0/12"), ipaddress.ip_network("169.254.0.0/16")]
    allowed += [n for pl in vpc.prefix_lists.values() if pl.aws_managed for n in pl.networks]
    allowed = [n for n in allowed if n.version == 4]
    for found in re.findall(r"\b\d+\.\d+\.\d+\.\d+(?:/\d+)?", text):
        net = ipaddress.ip_network(found, strict=False)
        assert any(net.subnet_of(a) for a in allowed) or str(net) == "0.0.0.0/0", found


def test_unknown_example():
    with pytest.raises(VpcError, match="no such example"):
        Vpc.example("nope")


def test_secondary_cidr_blocks_hold_subnets(data):
    data["Vpcs"][0]["CidrBlockAssociationSet"] = [
        {"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
        {"CidrBlock": "100.64.0.0/16", "CidrBlockState": {"State": "associated"}},
    ]
    data["Subnets"].append({"SubnetId": "subnet-extra", "VpcId": VPC, "CidrBlock": "100.64.1.0/24"})
    vpc = Vpc.from_aws(data)
    assert vpc.vpcs[VPC].cidrs == ("10.0.0.0/16", "100.64.0.0/16")
    rtb = vpc.route_table_for_subnet("subnet-extra")
    assert rtb.lookup("100.64.1.5").target == "local"  # a local route for each block


def test_disassociated_cidr_block_is_ignored(data):
    data["Vpcs"][0]["CidrBlockAssociationSet"] = [
        {"CidrBlock": "100.64.0.0/16", "CidrBlockState": {"State": "disassociated"}}
    ]
    data["Subnets"].append({"SubnetId": "subnet-extra", "VpcId": VPC, "CidrBlock": "100.64.1.0/24"})
    with pytest.raises(VpcError, match="subnet-extra: CidrBlock 100.64.1.0/24 is outside"):
        Vpc.from_aws(data)
