"""Network ACLs: stateless, per subnet, number order, first match, the * rule, ephemeral ports."""

import pytest
from vpcdata import acl, tcp

from netcourse.errors import VpcError
from netcourse.vpc import NetworkAcl, Vpc


def make(entries, acl_id="acl-x"):
    return NetworkAcl.from_aws({"NetworkAclId": acl_id, "VpcId": "vpc-x", "Entries": entries})


def test_lowest_number_decides_even_if_a_later_rule_disagrees():
    entries = [
        tcp(22, 22, "0.0.0.0/0", False, 200, "allow"),
        tcp(22, 22, "203.0.113.0/24", False, 100, "deny"),
    ]
    nacl = make(entries)
    denied = nacl.evaluate("inbound", "tcp", "203.0.113.9", 22)
    assert (denied.allowed, denied.rule_number) == (False, 100)
    allowed = nacl.evaluate("inbound", "tcp", "192.0.2.9", 22)
    assert (allowed.allowed, allowed.rule_number) == (True, 200)


def test_no_match_falls_to_the_star_rule():
    decision = make([tcp(443, 443, "0.0.0.0/0", False)]).evaluate("inbound", "tcp", "1.2.3.4", 80)
    assert not decision.allowed and decision.rule == "*" and decision.entry is None


def test_directions_are_separate():
    nacl = make([tcp(443, 443, "0.0.0.0/0", False)])
    assert nacl.evaluate("ingress", "tcp", "192.0.2.1", 443).allowed
    assert not nacl.evaluate("egress", "tcp", "192.0.2.1", 443).allowed


def test_protocol_all_and_protocol_numbers():
    nacl = make(
        [
            {
                "RuleNumber": 100,
                "Protocol": "17",
                "RuleAction": "allow",
                "Egress": False,
                "CidrBlock": "0.0.0.0/0",
                "PortRange": {"From": 53, "To": 53},
            },
            {
                "RuleNumber": 110,
                "Protocol": "-1",
                "RuleAction": "deny",
                "Egress": False,
                "CidrBlock": "0.0.0.0/0",
            },
        ]
    )
    assert nacl.evaluate("inbound", "udp", "192.0.2.1", 53).allowed
    tcp53 = nacl.evaluate("inbound", "tcp", "192.0.2.1", 53)
    assert not tcp53.allowed and tcp53.rule_number == 110


def test_ephemeral_range_must_be_allowed_whole():
    nacl = make([tcp(32768, 65535, "0.0.0.0/0", True)])
    partial = nacl.evaluate_ports("outbound", "tcp", "192.0.2.1", (1024, 65535))
    assert not partial.allowed and partial.ports == (1024, 32767) and partial.rule == "*"
    whole = make([tcp(1024, 65535, "0.0.0.0/0", True)])
    assert whole.evaluate_ports("outbound", "tcp", "192.0.2.1", (1024, 65535)).allowed


def test_a_deny_inside_the_range_is_found():
    nacl = make(
        [tcp(8080, 8080, "0.0.0.0/0", True, 90, "deny"), tcp(1024, 65535, "0.0.0.0/0", True, 100)]
    )
    decision = nacl.evaluate_ports("outbound", "tcp", "192.0.2.1", (1024, 65535))
    assert not decision.allowed and decision.rule_number == 90 and decision.ports == (8080, 8080)


def test_bad_direction_is_refused():
    with pytest.raises(VpcError, match="expected 'inbound' or 'outbound'"):
        make([]).evaluate("sideways", "tcp", "192.0.2.1", 22)


def test_with_entries_replaces_same_number_and_direction():
    nacl = make([tcp(22, 22, "0.0.0.0/0", False, 100)])
    new = nacl.with_entries([tcp(443, 443, "0.0.0.0/0", False, 100)])
    assert [e.ports for e in new.rules("inbound")] == [(443, 443)]


def test_acl_is_checked_leaving_and_entering_a_subnet(data):
    acl(data, "acl-priv")["Entries"] = [tcp(1, 65535, "0.0.0.0/0", True, 100)]  # no inbound
    path = Vpc.from_aws(data).reachability("web", "app", 8080)
    assert not path.reachable and path.blocked_by == "acl-priv"
    hop = path.blocking_hop
    assert (hop.direction, hop.leg, hop.detail.rule) == ("inbound", "request", "*")


def test_acl_is_not_checked_inside_one_subnet(data):
    data["Reservations"][0]["Instances"][1]["SubnetId"] = "subnet-pub"
    nic = data["Reservations"][0]["Instances"][1]["NetworkInterfaces"][0]
    nic["SubnetId"], nic["PrivateIpAddress"] = "subnet-pub", "10.0.1.20"
    acl(data, "acl-pub")["Entries"] = []  # denies everything crossing the boundary
    vpc = Vpc.from_aws(data)
    assert vpc.reachability("web", "app", 8080).reachable
    assert not vpc.reachability("web", "internet", 443).reachable


def test_return_traffic_needs_the_ephemeral_range(data):
    acl(data, "acl-pub")["Entries"] = [
        tcp(443, 443, "0.0.0.0/0", False, 100),
        tcp(443, 443, "0.0.0.0/0", True, 100),  # the learner's mistake: mirror the port
    ]
    path = Vpc.from_aws(data).reachability("internet", "web", 443)
    assert not path.reachable and path.blocked_by == "acl-pub"
    assert path.blocking_hop.leg == "response" and path.blocking_hop.direction == "outbound"
    assert "stateless" in path.explanation


def test_unassociated_subnet_uses_the_default_acl(data):
    acl(data, "acl-priv")["Associations"] = []
    acl(data, "acl-default")["Entries"] = []  # the default ACL now denies everything
    vpc = Vpc.from_aws(data)
    assert vpc.nacl_for_subnet("subnet-priv").acl_id == "acl-default"
    assert vpc.reachability("web", "app", 8080).blocked_by == "acl-default"


def test_no_acl_data_means_aws_default_allow_all(data):
    del data["NetworkAcls"]
    vpc = Vpc.from_aws(data)
    assert vpc.nacl_for_subnet("subnet-priv").is_default
    assert vpc.reachability("web", "app", 8080).reachable


def icmp(number, egress, icmp_type):
    return {
        "RuleNumber": number,
        "Protocol": "1",
        "RuleAction": "allow",
        "Egress": egress,
        "CidrBlock": "0.0.0.0/0",
        "IcmpTypeCode": {"Type": icmp_type, "Code": -1},
    }


def test_icmp_echo_needs_the_request_type_in_and_the_reply_type_out(data):
    acl(data, "acl-priv")["Entries"] = [icmp(100, False, 8), icmp(100, True, 0)]
    vpc = Vpc.from_aws(data)
    assert vpc.reachability("web", "app", None, "icmp").reachable
    acl(data, "acl-priv")["Entries"] = [icmp(100, False, 8), icmp(100, True, 8)]
    path = Vpc.from_aws(data).reachability("web", "app", None, "icmp")
    assert path.blocked_by == "acl-priv" and path.blocking_hop.leg == "response"
    matrix = Vpc.from_aws(data).matrix(port=None, protocol="icmp")
    assert not matrix.can_reach("web", "app")
