"""Broken learner input never ends in a traceback from deep inside: a result or a NetcourseError.

Random and mutated describe-* JSON for ``Vpc.from_aws``, random ACL entries and security group
permissions for their readers, random arguments for ``reachability()`` and ``matrix()``. Each
call is bounded in time; every error is a VpcError (or PortError) with a short message that
names the bad part, never the loader's catch-all for shapes it did not check.
"""

import copy
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vpcdata import tiny

from netcourse.errors import QUOTE_LIMIT, NetcourseError, PortError, VpcError
from netcourse.vpc import AclEntry, Path, SecurityGroup, Vpc
from netcourse.vpc.resources import MAX_DEPTH

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JUNK = st.sampled_from(
    [None, "x", -1, 99999, [], {}, [1], {"a": 1}, True, "10.0.0.0/33", "", 3.5, "٣", "<b>"]
)
#: Any JSON value, nested a few levels.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
#: The catch-all message of the loader: every mutation here must be caught before it.
CATCH_ALL = "a field has an unexpected value"
#: A message repeats at most a few bad values, each cut by errors.quote.
MESSAGE_LIMIT = 8 * QUOTE_LIMIT + 400


def paths(value, prefix=()):
    """Every (path, value) inside a nested dict/list."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, prefix + (index,))


BASES = {
    "tiny": tiny(),
    "three-tier": Vpc.example("three-tier").data,
    "peering": Vpc.example("peering-not-transitive").data,
    "account": Vpc.example("my-account").data,
}
ALL_PATHS = [(name, p) for name, base in BASES.items() for p in paths(base) if p]


def mutate(data, where, junk, delete):
    target = data
    for key in where[:-1]:
        target = target[key]
    if delete and isinstance(target, dict):
        del target[where[-1]]
    else:
        target[where[-1]] = junk


def bounded(call, *args, budget=2.0, **kwargs):
    """Run ``call``; return its result or the NetcourseError it raised, within ``budget`` s."""
    start = time.perf_counter()
    try:
        return call(*args, **kwargs)
    except NetcourseError as exc:
        message = str(exc)
        assert message and CATCH_ALL not in message, message
        assert len(message) <= MESSAGE_LIMIT, len(message)
        return exc
    finally:
        assert time.perf_counter() - start < budget, f"{call.__name__} took too long"


def exercise(vpc):
    """Questions every model must answer (a Path or a NetcourseError, never a crash)."""
    names = [i.label for i in vpc.instances.values()][:3] + ["internet"]
    for src in names:
        for dst in names:
            if src != dst:
                result = bounded(vpc.reachability, src, dst, 443)
                assert isinstance(result, (Path, NetcourseError))
    bounded(vpc.matrix, port=443)


@FUZZ
@given(where=st.sampled_from(ALL_PATHS), junk=JUNK, delete=st.booleans())
def test_broken_input_raises_only_vpc_error(where, junk, delete):
    name, spot = where
    data = copy.deepcopy(BASES[name])
    mutate(data, spot, junk, delete)
    vpc = bounded(Vpc.from_aws, data)
    if isinstance(vpc, NetcourseError):
        assert isinstance(vpc, VpcError)
        return
    exercise(vpc)


@FUZZ
@given(where=st.sampled_from(ALL_PATHS), junk=JSON)
def test_random_json_anywhere_raises_only_vpc_error(where, junk):
    name, spot = where
    data = copy.deepcopy(BASES[name])
    mutate(data, spot, junk, False)
    vpc = bounded(Vpc.from_aws, data)
    if not isinstance(vpc, NetcourseError):
        exercise(vpc)


@FUZZ
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "Vpcs",
                "Subnets",
                "RouteTables",
                "NetworkAcls",
                "SecurityGroups",
                "Reservations",
                "NatGateways",
                "InternetGateways",
                "VpcPeeringConnections",
            ]
        ),
        JSON,
        max_size=4,
    )
)
def test_random_describe_outputs(data):
    vpc = bounded(Vpc.from_aws, data)
    if not isinstance(vpc, NetcourseError):
        exercise(vpc)


@FUZZ
@given(name=st.sampled_from(list(BASES)), data=st.data())
def test_truncated_lists(name, data):
    """Resources dropped from the end of a list: references dangle, the error names them."""
    base = copy.deepcopy(BASES[name])
    key = data.draw(st.sampled_from(sorted(base)))
    if isinstance(base[key], list):
        base[key] = base[key][: data.draw(st.integers(0, len(base[key])))]
    vpc = bounded(Vpc.from_aws, base)
    if not isinstance(vpc, NetcourseError):
        exercise(vpc)


def nested(depth: int, leaf="x"):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 200_000])
def test_deeply_nested_input_is_refused_with_a_clear_error(depth):
    data = tiny()
    data["Subnets"][0]["Tags"] = [{"Key": "Name", "Value": nested(depth)}]
    start = time.perf_counter()
    with pytest.raises(VpcError, match="nested more than 32 levels deep at 'Subnets"):
        Vpc.from_aws(data)
    assert time.perf_counter() - start < 5.0
    data = tiny()
    data["Reservations"][0]["Instances"][0]["Tags"] = nested(depth, {"Key": "Name"})
    with pytest.raises(VpcError, match="nested more than"):
        Vpc.from_aws(data)


def test_a_structure_that_contains_itself_is_refused():
    data = tiny()
    data["Subnets"][0]["Tags"] = [{"Key": "Name", "Value": data}]
    with pytest.raises(VpcError, match="nested more than"):
        Vpc.from_aws(data)


def test_deeply_nested_json_files_name_the_file(tmp_path):
    (tmp_path / "describe-subnets.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(VpcError, match="describe-subnets.json.*nested too deeply"):
        Vpc.from_aws_files(tmp_path)
    tags = {"Subnets": [{"SubnetId": "s", "Tags": [{"Key": "Name", "Value": nested(40)}]}]}
    (tmp_path / "describe-subnets.json").write_text(json.dumps(tags))
    with pytest.raises(VpcError, match="^describe-subnets.json: nested more than"):
        Vpc.from_aws_files(tmp_path)


def test_deeply_nested_entries_for_the_acl_editor():
    vpc = Vpc.example("acl-no-ephemeral")
    entry = {"RuleNumber": nested(10_000), "Protocol": "6", "RuleAction": "allow"}
    with pytest.raises(VpcError, match="nested more than"):
        vpc.with_acl_entries("acl-0a1b2c3d4e5f60001", [entry])
    with pytest.raises(VpcError, match="nested more than"):
        AclEntry.from_aws({"RuleNumber": 100, "RuleAction": nested(10_000)}, "acl-1")


# --- the ACL and security group rule readers ---------------------------------------------

NUMBERS = st.one_of(
    st.integers(-3, 70000),
    st.integers(-3, 70000).map(str),
    st.sampled_from(["-1", "٣", "４４３", "1e3", " 80 ", "0x50", "+5", "", True, 3.0, None]),
)
PROTOCOL = st.one_of(
    st.sampled_from(["-1", "6", "17", "1", "58", "tcp", "udp", "icmp", "TCP", "all", "47"]),
    NUMBERS,
    st.text(max_size=6),
)
CIDR = st.one_of(
    st.sampled_from(["0.0.0.0/0", "10.0.0.0/8", "192.0.2.0/24", "::/0", "10.0.0.1/8"]),
    st.text(max_size=20),
    JUNK,
)
ACL_ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "RuleNumber": NUMBERS,
        "Protocol": PROTOCOL,
        "RuleAction": st.sampled_from(["allow", "deny", "Allow", "maybe", 1, None]),
        "Egress": st.one_of(st.booleans(), JUNK),
        "CidrBlock": CIDR,
        "PortRange": st.one_of(st.fixed_dictionaries({"From": NUMBERS, "To": NUMBERS}), JUNK),
        "IcmpTypeCode": st.one_of(st.fixed_dictionaries({"Type": NUMBERS, "Code": NUMBERS}), JUNK),
    },
)


@FUZZ
@given(entry=ACL_ENTRY)
def test_acl_entry_reader(entry):
    result = bounded(AclEntry.from_aws, entry, "acl-1")
    if isinstance(result, NetcourseError):
        assert isinstance(result, VpcError) and str(result).startswith("acl-1")
        return
    assert 1 <= result.rule_number <= 32767 and result.action in ("allow", "deny")
    assert result.protocol == -1 or 0 <= result.protocol <= 255
    if result.ports is not None:
        assert 0 <= result.ports[0] <= result.ports[1] <= 65535
    if result.icmp_type is not None:
        assert 0 <= result.icmp_type <= 255
    assert isinstance(result.egress, bool) and result.describe()


@FUZZ
@given(field=st.sampled_from(["Protocol", "PortRange", "CidrBlock", "RuleAction"]), bad=JUNK)
def test_acl_entry_errors_name_the_rule_and_the_field(field, bad):
    entry = {
        "RuleNumber": 100,
        "Protocol": "6",
        "RuleAction": "allow",
        "Egress": True,
        "CidrBlock": "0.0.0.0/0",
        "PortRange": {"From": 1024, "To": 65535},
    }
    entry[field] = bad
    result = bounded(AclEntry.from_aws, entry, "acl-1")
    if isinstance(result, VpcError):
        message = str(result)
        assert message.startswith("acl-1 rule 100") and field in message, message
        assert "RuleNumber" not in message


PERMISSION = st.fixed_dictionaries(
    {},
    optional={
        "IpProtocol": PROTOCOL,
        "FromPort": NUMBERS,
        "ToPort": NUMBERS,
        "IpRanges": st.one_of(
            st.lists(st.fixed_dictionaries({"CidrIp": CIDR}, optional={"Description": JSON})),
            JUNK,
        ),
        "Ipv6Ranges": st.one_of(st.lists(st.fixed_dictionaries({"CidrIpv6": CIDR})), JUNK),
        "UserIdGroupPairs": st.one_of(
            st.lists(st.fixed_dictionaries({"GroupId": st.one_of(st.just("sg-1"), JUNK)})), JUNK
        ),
    },
)


@FUZZ
@given(ingress=st.one_of(st.lists(PERMISSION, max_size=3), JUNK), egress=st.lists(PERMISSION))
def test_security_group_rule_reader(ingress, egress):
    data = {
        "GroupId": "sg-1",
        "GroupName": "web",
        "IpPermissions": ingress,
        "IpPermissionsEgress": egress,
    }
    group = bounded(SecurityGroup.from_aws, data)
    if isinstance(group, NetcourseError):
        assert isinstance(group, VpcError) and str(group).startswith("sg-1")
        return
    for rule in group.ingress + group.egress:
        assert rule.protocol == -1 or 0 <= rule.protocol <= 255
        assert all(isinstance(c, str) for c in rule.cidrs + rule.group_ids)
        assert rule.describe()
    for direction in ("inbound", "outbound"):
        bounded(group.allows, direction, "tcp", "192.0.2.1", 443)


# --- reachability() and matrix() arguments -----------------------------------------------

THREE_TIER = Vpc.example("three-tier")
ENDPOINT = st.one_of(
    st.sampled_from(
        [
            "web",
            "app",
            "db",
            "internet",
            "INTERNET",
            " web ",
            "i-0a1b2c3d4e5f60001",
            "eni-0a1b2c3d4e5f60002",
            "10.0.1.10",
            "203.0.113.10",
            "192.0.2.9",
            "10.0.9.9",
            "2001:db8::1",
            "10.0.1.256",
            "10.0.1.010",
            "fe80::1%eth0",
            "10.0.1.10/32",
            "١٠.٠.١.١٠",
        ]
    ),
    st.text(max_size=20),
    JUNK,
)
PORT = st.one_of(st.integers(-2, 70000), st.none(), JUNK, st.integers(0, 300).map(str))
PROTOCOLS = st.one_of(
    st.sampled_from(["tcp", "udp", "icmp", "icmpv6", "6", "17", "1", "-1", "all", "gre", "47"]),
    PROTOCOL,
)


@FUZZ
@given(src=ENDPOINT, dst=ENDPOINT, port=PORT, protocol=PROTOCOLS)
def test_reachability_arguments(src, dst, port, protocol):
    result = bounded(THREE_TIER.reachability, src, dst, port, protocol, budget=1.0)
    if isinstance(result, NetcourseError):
        assert isinstance(result, (VpcError, PortError))
        return
    assert isinstance(result, Path) and result.explanation
    assert result.reachable == (result.blocked_by is None) == (result.blocking_hop is None)
    assert result.hops and all(h.component for h in result.hops)


@settings(max_examples=60, deadline=None)
@given(port=PORT, protocol=PROTOCOLS, internet=st.booleans())
def test_matrix_arguments(port, protocol, internet):
    result = bounded(THREE_TIER.matrix, port, protocol, internet)
    if isinstance(result, NetcourseError):
        assert isinstance(result, (VpcError, PortError))
        return
    size = len(THREE_TIER.instances) + internet
    assert result.reachable.shape == (size, size)
