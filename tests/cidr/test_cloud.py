"""The cloud mode of netcourse.cidr: each provider's reserved addresses, limits and planner.

Expected values come from the providers' documented rules, written out here again with the
standard library's ipaddress (not read from the table under test), and for AWS from moto's
EC2, whose AvailableIpAddressCount applies AWS's five reserved addresses.
"""

from __future__ import annotations

import ipaddress
import itertools
import os
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netcourse.cidr import (
    CLOUD_PROVIDERS,
    cloud_provider,
    cloud_subnet,
    hosts_to_prefix,
    plan,
    subnet,
)
from netcourse.errors import AddressError, NetcourseError

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Each provider's documented rules, by hand: (smallest, largest or None, reserved offsets).
DOCUMENTED = {
    "aws": (28, 16, (0, 1, 2, 3, -1)),  # AWS VPC User Guide, Subnet CIDR blocks
    "azure": (29, 2, (0, 1, 2, 3, -1)),  # Azure Virtual Network FAQ
    "gcp": (29, None, (0, 1, -2, -1)),  # Google Cloud VPC docs, Subnets
}
PROVIDERS = sorted(DOCUMENTED)


def allowed(provider: str, prefixlen: int) -> bool:
    smallest, largest, _ = DOCUMENTED[provider]
    return prefixlen <= smallest and (largest is None or prefixlen >= largest)


def expected_reserved(net: ipaddress.IPv4Network, provider: str) -> list[str]:
    return sorted(
        (str(net[offset]) for offset in DOCUMENTED[provider][2]), key=ipaddress.IPv4Address
    )


def test_the_table_holds_the_documented_rules():
    assert set(CLOUD_PROVIDERS) == set(DOCUMENTED)
    for key, (smallest, largest, offsets) in DOCUMENTED.items():
        rules = CLOUD_PROVIDERS[key]
        assert (rules.key, rules.smallest, rules.largest) == (key, smallest, largest)
        assert tuple(offset for offset, _ in rules.reserved) == offsets
        assert rules.source  # each cites its documentation
    roles = {key: [role for _, role in CLOUD_PROVIDERS[key].reserved] for key in DOCUMENTED}
    assert roles["aws"][1] == "VPC router" and roles["aws"][2] == "Amazon DNS"
    assert roles["azure"][1] == "default gateway" and roles["azure"][2:4] == ["Azure DNS"] * 2
    assert roles["gcp"][1] == "default gateway" and "future use" in roles["gcp"][2]


@pytest.mark.parametrize(
    ("text", "provider", "usable", "reserved", "first", "last"),
    [
        (
            "10.0.0.0/28",
            "aws",
            11,
            ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.15"],
            "10.0.0.4",
            "10.0.0.14",
        ),
        (
            "10.1.2.0/24",
            "azure",
            251,
            ["10.1.2.0", "10.1.2.1", "10.1.2.2", "10.1.2.3", "10.1.2.255"],
            "10.1.2.4",
            "10.1.2.254",
        ),
        (
            "10.0.0.0/29",
            "gcp",
            4,
            ["10.0.0.0", "10.0.0.1", "10.0.0.6", "10.0.0.7"],
            "10.0.0.2",
            "10.0.0.5",
        ),
        (
            "10.0.0.0/29",
            "azure",
            3,
            ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.7"],
            "10.0.0.4",
            "10.0.0.6",
        ),
    ],
)
def test_known_subnets(text, provider, usable, reserved, first, last):
    got = cloud_subnet(text, provider)
    assert got.usable_hosts == usable
    assert [address for address, _ in got.reserved] == reserved
    assert (got.first_usable, got.last_usable) == (first, last)
    assert got.subnet == subnet(text)


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.integers(0, 32), st.sampled_from(PROVIDERS))
def test_every_prefix_is_allowed_or_refused_as_documented(value, prefixlen, provider):
    text = f"{ipaddress.IPv4Address(value)}/{prefixlen}"
    net = ipaddress.ip_interface(text).network
    if not allowed(provider, prefixlen):
        with pytest.raises(AddressError) as info:
            cloud_subnet(text, provider)
        message = str(info.value)
        assert f"/{prefixlen} is " in message and text in message
        assert cloud_provider(provider).limits() in message
        assert ("smaller" if prefixlen > DOCUMENTED[provider][0] else "larger") in message
        return
    got = cloud_subnet(text, provider)
    reserved = expected_reserved(net, provider)
    assert [address for address, _ in got.reserved] == reserved
    assert got.usable_hosts == net.num_addresses - len(reserved)
    free = (a for a in map(str, net) if a not in reserved)  # lazy: a /2 is a billion
    assert got.first_usable == next(free)
    back = (str(net[-i]) for i in range(1, net.num_addresses + 1))
    assert got.last_usable == next(a for a in back if a not in reserved)
    assert got.network == str(net)


def test_limits_at_their_edges():
    for provider in PROVIDERS:
        for prefixlen in range(33):
            ok = allowed(provider, prefixlen)
            try:
                cloud_subnet(f"10.0.0.0/{prefixlen}", provider)
            except AddressError:
                assert not ok, (provider, prefixlen)
            else:
                assert ok, (provider, prefixlen)
    assert [p for p in range(33) if allowed("aws", p)] == list(range(16, 29))
    assert cloud_provider("aws").prefixes == range(16, 29)
    assert cloud_provider("azure").prefixes == range(2, 30)


def test_aws_usable_counts_agree_with_moto():
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    with mock.patch.dict(os.environ, env), moto.mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        for prefixlen in range(16, 29):
            made = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.0.0/{prefixlen}")["Subnet"]
            got = cloud_subnet(f"10.0.0.0/{prefixlen}", "aws")
            assert got.usable_hosts == made["AvailableIpAddressCount"], prefixlen
            ec2.delete_subnet(SubnetId=made["SubnetId"])


def test_aws_reserved_agree_with_lesson_05s_vpc_model():
    from netcourse.vpc.resources import reserved_addresses

    for text in ("10.0.0.0/28", "10.0.1.0/24", "172.31.0.0/16", "10.9.8.64/26"):
        assert [a for a, _ in cloud_subnet(text, "aws").reserved] == list(reserved_addresses(text))


def test_provider_names_and_errors():
    assert cloud_provider("AWS") is cloud_provider(" aws ") is CLOUD_PROVIDERS["aws"]
    assert cloud_provider("Google Cloud") is cloud_provider("gcp")
    assert cloud_provider("Microsoft Azure") is cloud_provider("azure")
    for bad in ("ibm", "", None, 3, ["aws"]):
        with pytest.raises(AddressError, match="unknown; the providers are 'aws', 'azure', 'gcp'"):
            cloud_subnet("10.0.0.0/24", bad)
    with pytest.raises(AddressError, match="IPv4 subnet rules only"):
        cloud_subnet("2001:db8::/64", "aws")
    with pytest.raises(AddressError, match="the 4th number is 256"):
        cloud_subnet("10.0.0.256/24", "aws")
    assert issubclass(AddressError, NetcourseError)


def test_repr_and_html_name_every_reserved_address():
    got = cloud_subnet("10.0.0.0/28", "aws")
    text, html = repr(got), got._repr_html_()
    for address, role in got.reserved:
        assert address in text and role in text and address in html
    assert "11 (16 - 5)" in text and "<script>" not in html


# --- hosts_to_prefix and plan with a provider ---------------------------------------------------


def brute_prefix(hosts: int, provider: str) -> int | None:
    """The longest allowed prefix with enough usable addresses, found by trying each."""
    smallest, largest, offsets = DOCUMENTED[provider]
    for prefixlen in range(smallest, (largest or 0) - 1, -1):
        if 2 ** (32 - prefixlen) - len(offsets) >= hosts:
            return prefixlen
    return None


@SETTINGS
@given(
    st.one_of(st.integers(1, 2**33), st.sampled_from([1, 11, 12, 65531, 65532, 2**30 - 5])),
    st.sampled_from(PROVIDERS),
)
def test_hosts_to_prefix_with_a_provider(hosts, provider):
    want = brute_prefix(hosts, provider)
    if want is None:
        with pytest.raises(AddressError) as info:
            hosts_to_prefix(hosts, provider=provider)
        assert f"{hosts:,} hosts in {cloud_provider(provider).name}" in str(info.value)
        assert "/-" not in str(info.value)
        return
    assert hosts_to_prefix(hosts, provider=provider) == want


@SETTINGS
@given(
    st.integers(8, 26),
    st.sampled_from(PROVIDERS),
    st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3), st.integers(1, 3000), min_size=1, max_size=5
    ),
)
def test_plan_with_a_provider_keeps_its_rules(prefixlen, provider, needs):
    parent = ipaddress.ip_network(f"10.0.0.0/{prefixlen}")
    smallest, largest, offsets = DOCUMENTED[provider]
    wanted = {name: brute_prefix(hosts, provider) for name, hosts in needs.items()}
    try:
        result = plan(str(parent), needs, provider=provider)
    except AddressError as exc:
        message = str(exc)
        if None in wanted.values():
            assert "largest subnet" in message
        else:
            needed = sum(2 ** (32 - p) for p in wanted.values())
            assert needed > parent.num_addresses
            assert f"{needed - parent.num_addresses:,} addresses are missing" in message
            assert cloud_provider(provider).name in message
        return
    assert result.provider == cloud_provider(provider).name
    blocks = [ipaddress.ip_network(row.network) for row in result.allocations]
    for row, block in zip(result.allocations, blocks, strict=True):
        assert allowed(provider, block.prefixlen) and block.subnet_of(parent)
        assert block.prefixlen == wanted[row.name]
        assert row.usable_hosts == block.num_addresses - len(offsets) >= row.hosts
        reserved = expected_reserved(block, provider)
        assert row.first_host not in reserved and row.last_host not in reserved
    for a, b in itertools.combinations(blocks, 2):
        assert not a.overlaps(b)


def test_plan_refusals_say_why():
    with pytest.raises(AddressError) as info:
        plan("10.0.0.0/16", {"web": 300, "big": 70000}, provider="aws")
    assert "need 'big': a subnet for 70,000 hosts in AWS needs a /15" in str(info.value)
    assert "AWS's largest subnet is /16 (65,531 usable addresses)" in str(info.value)
    with pytest.raises(AddressError) as info:
        plan("10.0.0.0/29", {"web": 2}, provider="aws")
    assert "/29, smaller than AWS's smallest subnet /28" in str(info.value)
    plan_ok = plan("10.0.0.0/24", {"a": 123, "b": 123}, provider="aws")  # 2 /25s, 123 each
    assert [r.network for r in plan_ok.allocations] == ["10.0.0.0/25", "10.0.0.128/25"]
    with pytest.raises(AddressError) as info:
        plan("10.0.0.0/24", {"a": 124, "b": 1}, provider="aws")  # 124 needs a /24 in AWS
    assert "in AWS (each subnet keeps 5 reserved addresses" in str(info.value)
    assert "16 addresses are missing" in str(info.value)
    with pytest.raises(AddressError, match="IPv4 subnet rules only"):
        plan("2001:db8::/48", {"a": 10}, provider="azure")
    with pytest.raises(AddressError, match="unknown; the providers are"):
        plan("10.0.0.0/16", {"a": 10}, provider="oracle")
    assert plan("10.0.0.0/24", {"a": 10}).provider is None  # no provider: as before
