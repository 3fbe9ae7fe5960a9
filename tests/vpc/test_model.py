"""The Vpc model: endpoints, lookups, the ACL editor, reserved addresses and its HTML table."""

import json

import pytest
from vpcdata import acl, tcp

from netcourse.errors import VpcError
from netcourse.vpc import Vpc


def test_aws_reserves_five_addresses_per_subnet():
    # AWS's VPC user guide, "Subnet CIDR blocks": for 10.0.0.0/24, .0, .1, .2, .3 and .255
    reserved = Vpc.example().reserved_addresses("subnet-0a1b2c3d4e5f60001")
    assert list(reserved) == ["10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255"]
    assert "router" in reserved["10.0.1.1"] and "broadcast" in reserved["10.0.1.255"]
    assert Vpc.example().usable_addresses("subnet-0a1b2c3d4e5f60001") == 256 - 5


@pytest.mark.parametrize("bad", ["subnet-nope", ["subnet-0a1b2c3d4e5f60001"], None, 3])
def test_unknown_subnets_are_named_with_the_known_ones(bad):
    vpc = Vpc.example()
    for question in (
        vpc.nacl_for_subnet,
        vpc.route_table_for_subnet,
        vpc.reserved_addresses,
        vpc.usable_addresses,
        vpc.is_public,
    ):
        with pytest.raises(VpcError, match="no such subnet; known: subnet-0a1b2c3d4e5f60001"):
            question(bad)


@pytest.mark.parametrize("bad", ["nope", ["web"], None])
def test_unknown_instances(bad):
    with pytest.raises(VpcError, match="no such instance; known: app, db, web"):
        Vpc.example().instance(bad)


@pytest.mark.parametrize(
    "text, match",
    [
        ("10.0.1.300", r"^endpoint: '10.0.1.300': the 4th number is 300"),
        ("10.0.01.10", "leading zero"),
        ("fe80::1%eth0", "zone"),
        ("webb", r"^endpoint 'webb': not an instance, ENI, IP address or 'internet'; instances"),
        ("x" * 500, r"more characters\): not an instance"),
        ("10.0.9.9", "inside vpc-0a1b2c3d4e5f60001 .* but no network interface"),
        ("", "expected an instance id"),
    ],
)
def test_endpoint_errors(text, match):
    with pytest.raises(VpcError, match=match):
        Vpc.example().endpoint(text)


def test_an_outside_ipv6_address_is_an_endpoint():
    """IPv6 is followed like IPv4: an address outside every VPC is an outside endpoint."""
    end = Vpc.example().endpoint("2001:db8::1")
    assert end.outside and end.addr == "2001:db8::1"


def test_mixing_ip_versions_in_one_question_is_refused():
    with pytest.raises(VpcError, match="one IP version"):
        Vpc.example().reachability("10.0.1.10", "2001:db8::1")
    with pytest.raises(VpcError, match="ICMP of IPv6"):
        Vpc.example().reachability("web", "203.0.113.5", protocol="icmpv6", port=None)


def test_acl_editor_names_the_field_that_is_wrong():
    vpc = Vpc.example("acl-no-ephemeral")
    good = {
        "RuleNumber": 100,
        "Protocol": "6",
        "RuleAction": "allow",
        "Egress": True,
        "CidrBlock": "0.0.0.0/0",
        "PortRange": {"From": 1024, "To": 65535},
    }
    cases = {
        "Protocol": ("tcp/6", "rule 100: Protocol 'tcp/6': expected tcp, udp"),
        "RuleNumber": ("one hundred", "RuleNumber 'one hundred': a rule number must be a number"),
        "Egress": ("true", "rule 100: Egress 'true': expected true or false"),
        "CidrBlock": ("0.0.0.0/99", "rule 100 CidrBlock: not a CIDR block: '0.0.0.0/99'"),
        "PortRange": ({"From": "1024", "To": "６５５３５"}, "PortRange To '６５５３５'"),
    }
    for field, (bad, expected) in cases.items():
        entry = {**good, field: bad}
        with pytest.raises(VpcError) as caught:
            vpc.with_acl_entries("acl-0a1b2c3d4e5f60001", [entry])
        message = str(caught.value)
        assert message.startswith("acl-0a1b2c3d4e5f60001") and expected in message, message
        if field != "RuleNumber":
            assert "is not a number" not in message and "RuleNumber" not in message
    with pytest.raises(VpcError, match="'acl-nope': no such network ACL"):
        vpc.with_acl_entries("acl-nope", [good])
    with pytest.raises(VpcError, match="expected a list of dicts"):
        vpc.with_acl_entries("acl-0a1b2c3d4e5f60001", good)


def test_acl_editor_replaces_an_entry_with_the_same_number_and_direction(data):
    acl(data, "acl-pub")["Entries"] = [tcp(22, 22, "0.0.0.0/0", False, 100)]
    vpc = Vpc.from_aws(data).with_acl_entries("acl-pub", [tcp(443, 443, "0.0.0.0/0", False, 100)])
    assert [e.ports for e in vpc.network_acls["acl-pub"].rules("inbound")] == [(443, 443)]


def test_errors_from_files_name_the_file(tmp_path, data):
    data["Subnets"][1]["CidrBlock"] = "10.1.2.0/24"
    data["Reservations"][0]["Instances"][1]["NetworkInterfaces"][0]["Attachment"] = {
        "DeviceIndex": "zero"
    }
    for key, value in data.items():
        (tmp_path / f"describe-{key.lower()}.json").write_text(json.dumps({key: value}))
    with pytest.raises(VpcError, match=r"^describe-subnets.json: subnet-priv: CidrBlock 10\.1\."):
        Vpc.from_aws_files(tmp_path)
    data["Subnets"][1]["CidrBlock"] = "10.0.2.0/24"
    (tmp_path / "describe-subnets.json").write_text(json.dumps({"Subnets": data["Subnets"]}))
    with pytest.raises(
        VpcError, match="^describe-reservations.json: eni-app Attachment: DeviceIndex 'zero'"
    ):
        Vpc.from_aws_files(tmp_path)


def test_html_table_escapes_name_tags(data):
    data["Subnets"][0]["Tags"] = [{"Key": "Name", "Value": "<script>alert(1)</script>"}]
    data["Reservations"][0]["Instances"][0]["Tags"] = [{"Key": "Name", "Value": "<b>web"}]
    html = Vpc.from_aws(data)._repr_html_()
    assert "<script>" not in html and "<b>web" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;web" in html
    assert html.count("<tr") == 1 + len(data["Subnets"])


def test_security_group_and_acl_html_escape(data):
    data["SecurityGroups"][0]["GroupName"] = "<script>sg"
    data["SecurityGroups"][0]["IpPermissions"][0]["IpRanges"] = [{"CidrIp": "192.0.2.0/24"}]
    vpc = Vpc.from_aws(data)
    html = vpc.security_groups["sg-web"]._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;sg" in html and "192.0.2.0/24" in html
    acl_html = vpc.network_acls["acl-pub"]._repr_html_()
    assert acl_html.count("<tr") == 1 + 2 + 2  # header, one rule and * in each direction
