"""Security groups: stateful, allow-only, all rules of all groups, CIDRs or referenced groups."""

import pytest
from vpcdata import group

from netcourse.vpc import SecurityGroup, Vpc


def only(data, group_id, ingress=None, egress=None):
    g = group(data, group_id)
    if ingress is not None:
        g["IpPermissions"] = ingress
    if egress is not None:
        g["IpPermissionsEgress"] = egress


def tcp(port, cidr=None, groups=()):
    perm = {
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": port,
        "IpRanges": [],
        "UserIdGroupPairs": [{"GroupId": g} for g in groups],
    }
    if cidr:
        perm["IpRanges"] = [{"CidrIp": cidr}]
    return perm


def test_allow_only_nothing_listed_means_denied(data):
    only(data, "sg-app", ingress=[])
    path = Vpc.from_aws(data).reachability("web", "app", 8080)
    assert path.blocked_by == "sg-app" and path.blocking_hop.code == "ENI_SG_RULES_MISMATCH"


def test_any_rule_of_any_group_allows(data):
    data["SecurityGroups"].append(
        {
            "GroupId": "sg-extra",
            "GroupName": "extra",
            "VpcId": data["Vpcs"][0]["VpcId"],
            "IpPermissions": [tcp(8080, "10.0.1.0/24")],
            "IpPermissionsEgress": [],
        }
    )
    only(data, "sg-app", ingress=[tcp(22, "192.0.2.0/24")])
    nic = data["Reservations"][0]["Instances"][1]["NetworkInterfaces"][0]
    nic["Groups"].append({"GroupId": "sg-extra"})
    path = Vpc.from_aws(data).reachability("web", "app", 8080)
    assert path.reachable
    sg_hop = [h for h in path.hops if h.kind == "security-group" and h.direction == "inbound"][0]
    assert sg_hop.component == "sg-extra"


def test_referenced_group_means_its_members_private_addresses(data):
    only(data, "sg-app", ingress=[tcp(8080, groups=["sg-web"])])
    vpc = Vpc.from_aws(data)
    assert vpc.reachability("web", "app", 8080).reachable
    decision = vpc.security_groups["sg-app"].allows("inbound", "tcp", "10.0.1.10", 8080)
    assert decision.allowed and decision.rule.group_ids == ("sg-web",)
    assert not vpc.security_groups["sg-app"].allows("inbound", "tcp", "10.0.1.11", 8080).allowed


def test_egress_is_checked_too(data):
    only(data, "sg-web", egress=[tcp(443, "0.0.0.0/0")])
    vpc = Vpc.from_aws(data)
    path = vpc.reachability("web", "app", 8080)
    assert path.blocked_by == "sg-web" and path.blocking_hop.direction == "outbound"
    assert vpc.reachability("web", "internet", 443).reachable


def test_stateful_replies_pass_without_an_egress_rule(data):
    only(data, "sg-web", ingress=[tcp(443, "0.0.0.0/0")], egress=[])
    path = Vpc.from_aws(data).reachability("internet", "web", 443)
    assert path.reachable
    assert not [h for h in path.hops if h.kind == "security-group" and h.leg == "response"]


def test_ipv6_ranges_are_read_and_match_only_ipv6():
    sg = SecurityGroup.from_aws(
        {
            "GroupId": "sg-6",
            "GroupName": "v6",
            "IpPermissions": [
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                }
            ],
        }
    )
    assert sg.allows("inbound", "tcp", "2001:db8::1", 443).allowed
    assert not sg.allows("inbound", "tcp", "192.0.2.1", 443).allowed


def test_protocol_number_6_means_tcp_and_minus_one_all_ports():
    sg = SecurityGroup.from_aws(
        {
            "GroupId": "sg-n",
            "GroupName": "n",
            "IpPermissions": [
                {
                    "IpProtocol": "6",
                    "FromPort": 22,
                    "ToPort": 22,
                    "IpRanges": [{"CidrIp": "192.0.2.0/24"}],
                },
                {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "198.51.100.0/24"}]},
            ],
        }
    )
    assert sg.allows("inbound", "tcp", "192.0.2.7", 22).allowed
    assert not sg.allows("inbound", "udp", "192.0.2.7", 22).allowed
    assert sg.allows("inbound", "udp", "198.51.100.7", 5353).allowed


@pytest.mark.parametrize("to_port, allowed", [(-1, True), (0, True), (4, False)])
def test_icmp_rules_read_toport_as_the_code(to_port, allowed):
    """Security group rules, https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html:
    for ICMP, FromPort is the type and ToPort the code (-1: all). A ping is type 8 code 0."""
    sg = SecurityGroup.from_aws({"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "icmp",
        "FromPort": 8, "ToPort": to_port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]})  # fmt: skip
    assert sg.allows("inbound", "icmp", "203.0.113.5", 8).allowed is allowed
