"""The shared vocabulary and readers of the VPC model: protocols, ICMP replies, fields, depth."""

import pytest

from netcourse.errors import VpcError
from netcourse.protocols import ICMP_TYPES, ICMPV6_TYPES, IP_PROTOCOLS
from netcourse.vpc import Endpoint, VpcSubnet
from netcourse.vpc import resources as r


def test_aws_protocol_names_are_the_vocabularys_numbers():
    # AWS accepts these four names, and -1 for all (EC2 API reference, IpPermission)
    assert r.PROTOCOLS == {
        "all": -1,
        **{n: IP_PROTOCOLS[n] for n in ("icmp", "tcp", "udp", "icmpv6")},
    }
    assert r.protocol_number("TCP") == 6 and r.protocol_number(" 17 ") == 17
    assert r.protocol_number("-1") == r.protocol_number(-1) == -1
    assert r.protocol_name(132) == "sctp" and r.protocol_name(-1) == "all"


@pytest.mark.parametrize("bad", ["sctp", "256", "٦", "+6", "6_0", "", None, 6.0, True, [6]])
def test_protocol_numbers_are_ascii_digits_0_255_or_an_aws_name(bad):
    with pytest.raises(VpcError, match="Protocol .*expected tcp, udp, icmp"):
        r.protocol_number(bad, where="acl-1 rule 100", field="Protocol")


def test_icmp_replies_come_from_the_protocol_tables():
    for number, kind in ICMP_TYPES.items():
        assert r.reply_type(1, number) == kind.reply
    for number, kind in ICMPV6_TYPES.items():
        assert r.reply_type(58, number) == kind.reply
    assert r.ECHO_REQUEST == {1: 8, 58: 128}  # RFC 792 and RFC 4443
    assert r.return_ports(1, 13) == (14, 14) and r.return_ports(58, 128) == (129, 129)
    assert r.return_ports(6, 443) == r.return_ports(17, 53) == r.EPHEMERAL_PORTS
    assert r.return_ports(1, 3) is None and r.return_ports(47, None) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("10.0.0.0/16", "10.0.0.0/16"),
        (" 2001:db8::/32 ", "2001:db8::/32"),
        ("10.0.0.1", "10.0.0.1/32"),
    ],
)
def test_cidr_blocks(value, expected):
    assert str(r.parse_net(value, "vpc-1 CidrBlock")) == expected


@pytest.mark.parametrize(
    "value, match",
    [
        ("10.0.0.0/33", "prefix /33 is out of range"),
        ("10.0.0.5/16", "host bits set; the block is 10.0.0.0/16"),
        ("10.0.0.0 255.255.0.0", "write it as address/prefix"),
        ("١٠.0.0.0/8", "each must be a number 0-255"),
        ("10.0.0.0/٨", "prefix"),
        (8, "expected an address as text"),
    ],
)
def test_bad_cidr_blocks_name_the_resource_and_the_field(value, match):
    with pytest.raises(VpcError, match=match) as caught:
        r.parse_net(value, "vpc-1 CidrBlock")
    assert str(caught.value).startswith("vpc-1 CidrBlock: ")


def test_addresses():
    assert str(r.parse_addr("10.0.1.10", "eni-1 PrivateIpAddress")) == "10.0.1.10"
    with pytest.raises(VpcError, match="^eni-1 PrivateIpAddress: '10.0.01.10': .*leading zero"):
        r.parse_addr("10.0.01.10", "eni-1 PrivateIpAddress")


@pytest.mark.parametrize(
    "value, ok",
    [
        (443, 443),
        ("443", 443),
        ("-1", -1),
        (-1, -1),
        ("٤٤٣", None),
        ("4e2", None),
        (True, None),
        (70000, None),
        (3.0, None),
        (None, None),
    ],
)
def test_numbers_are_ascii_digits(value, ok):
    read = lambda: r.read_number(  # noqa: E731
        value, where="sg-1", field="FromPort", what="port", high=65535, all_value=True
    )
    if ok is None:
        with pytest.raises(VpcError, match="^sg-1: FromPort "):
            read()
    else:
        assert read() == ok


def test_flags_are_json_booleans():
    assert r.read_flag({"Egress": False}, "Egress", where="acl-1") is False
    assert r.read_flag({}, "Egress", where="acl-1") is False
    with pytest.raises(VpcError, match="Egress 'false': expected true or false"):
        r.read_flag({"Egress": "false"}, "Egress", where="acl-1")


def test_name_tags():
    assert (
        r.name_tag({"Tags": [{"Key": "env", "Value": "x"}, {"Key": "Name", "Value": "web"}]})
        == "web"
    )
    assert r.name_tag({}) == r.name_tag({"Tags": None}) == ""
    with pytest.raises(VpcError, match=r"i-1: Tags\[0\].Value of the Name tag should be text"):
        r.name_tag({"Tags": [{"Key": "Name", "Value": ["web"]}]}, "i-1")


def test_depth_is_checked_without_recursion():
    r.check_depth({"a": [{"b": [1, 2, {"c": "d"}]}]}, "data", limit=5)
    value = []
    for _ in range(1_000_000):
        value = [value]
    with pytest.raises(VpcError, match=r"^data: nested more than 32 levels deep at '\[0\]"):
        r.check_depth(value, "data")


def test_directions():
    assert [r.direction_name(d) for d in ("ingress", "OUT", " inbound ")] == [
        "inbound",
        "outbound",
        "inbound",
    ]
    with pytest.raises(VpcError, match="direction 3: expected 'inbound' or 'outbound'"):
        r.direction_name(3)


def test_the_vpc_subnet_is_not_the_cidr_lessons_subnet():
    import netcourse.cidr

    assert VpcSubnet is not netcourse.cidr.Subnet
    assert not hasattr(r, "Subnet")
    subnet = VpcSubnet("subnet-1", "vpc-1", "10.0.1.0/24", "eu-west-1a", "web")
    assert subnet.network.num_addresses == 256


def test_endpoints_live_with_the_resources():
    from netcourse.vpc import model

    assert model.Endpoint is Endpoint is r.Endpoint
    end = Endpoint("internet", r.INTERNET_ADDR)
    assert end.outside and end.component == "internet"
    with pytest.raises(TypeError):
        Endpoint("web", "10.0.1.10", None, True)  # public and named are keyword-only


def test_reserved_addresses_refuse_sizes_aws_does_not_allow():
    with pytest.raises(VpcError, match="between /16 and /28"):
        r.reserved_addresses("10.0.0.0/29")
    with pytest.raises(VpcError, match="IPv4 rule"):
        r.reserved_addresses("2001:db8::/64")
