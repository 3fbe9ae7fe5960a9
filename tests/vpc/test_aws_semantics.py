"""AWS's documented traffic rules, on VPCs built through boto3 against moto, judged by the model.

Each test builds its account with the calls a person makes (see aws_scenarios), reads the
describe-* dump into the model, and asserts the answer the AWS documentation gives: the page is
named in the test's docstring, and the expected verdict is worked out from that page, not from
the model's code. Where the model disagrees with the documentation the test stays, marked
``xfail(strict=True)`` with what differs.
"""

import pytest

pytest.importorskip("moto", reason="moto[ec2] is a test dependency: pip install -e '.[test]'")

import aws_scenarios as aws  # noqa: E402  (tests/vpc is on sys.path, see conftest.py)

from netcourse.vpc import Vpc  # noqa: E402
from netcourse.vpc.acls import DEFAULT_RULE  # noqa: E402
from netcourse.vpc.paths import AWS_CODES, CODES, OWN_CODES, RENAMED_CODES  # noqa: E402


def hop(path, kind, leg, direction):
    """The first hop of ``path`` of this kind, leg and direction."""
    return next(h for h in path.hops if (h.kind, h.leg, h.direction) == (kind, leg, direction))


# --- security groups are stateful ------------------------------------------------------------


@pytest.fixture(scope="module")
def stateful():
    return aws.stateful_security_group()


def test_security_group_lets_replies_out_without_an_outbound_rule(stateful):
    """Control traffic to your AWS resources using security groups,
    https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html: security groups
    are stateful; responses to allowed inbound traffic may leave the instance whatever the
    outbound rules say. "web" allows 443 in and has no outbound rule at all: reachable.
    """
    vpc = stateful.vpc()
    assert vpc.security_groups[stateful.ids["web-sg"]].egress == ()  # really no outbound rule
    assert vpc.reachability("internet", "web", port=443).reachable


def test_security_group_lets_replies_in_without_an_inbound_rule(stateful):
    """Control traffic to your AWS resources using security groups,
    https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html: the response to
    a request sent from an instance may reach it whatever the inbound rules say. "client" has
    no inbound rule and the default outbound rule: its HTTPS request to the internet succeeds.
    """
    assert stateful.vpc().reachability("client", "internet", port=443).reachable


def test_no_outbound_rule_means_no_new_outbound_traffic(stateful):
    """Security group rules, https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html:
    if a security group has no outbound rules, no outbound traffic is allowed (statefulness only
    covers responses). "web" cannot open a connection out.
    """
    path = stateful.vpc().reachability("web", "internet", port=443)
    assert not path.reachable
    assert path.blocked_by == stateful.ids["web-sg"]
    assert path.blocking_hop.code == "ENI_SG_RULES_MISMATCH"
    assert (path.blocking_hop.leg, path.blocking_hop.direction) == ("request", "outbound")


# --- network ACLs are stateless ----------------------------------------------------------------

HTTPS_IN = aws.entry(100, "allow", "6", "0.0.0.0/0", (443, 443))


def test_acl_without_an_outbound_rule_drops_the_reply():
    """Network ACL basics, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-basics.html:
    network ACLs are stateless, so responses to allowed inbound traffic are not automatically
    allowed. Inbound 443 is allowed, nothing outbound: the request gets in, the reply (to the
    client's ephemeral port) is denied on its way out of the subnet by the * rule.
    """
    scenario = aws.acl_scenario(inbound=[HTTPS_IN])
    path = scenario.vpc().reachability("internet", "web", port=443)
    assert hop(path, "network-acl", "request", "inbound").allowed  # the request got in
    assert not path.reachable
    blocking = path.blocking_hop
    assert blocking.component == scenario.ids["web-acl"]
    assert (blocking.kind, blocking.leg, blocking.direction) == ("network-acl", "response",
                                                                  "outbound")  # fmt: skip
    assert blocking.code == "SUBNET_ACL_RESTRICTION"
    assert blocking.detail.rule_number == DEFAULT_RULE


def test_acl_outbound_rule_for_ephemeral_ports_lets_the_reply_out():
    """Ephemeral ports, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html:
    to cover every kind of client, open the ephemeral ports 1024-65535 for the responses. With
    outbound 100 allowing tcp 1024-65535, the same request is answered.
    """
    scenario = aws.acl_scenario(inbound=[HTTPS_IN], outbound=[aws.EPHEMERAL_OUT])
    path = scenario.vpc().reachability("internet", "web", port=443)
    assert path.reachable
    reply = hop(path, "network-acl", "response", "outbound")
    assert reply.detail.rule_number == 100 and reply.ports == (1024, 65535)


def test_acl_instance_as_client_needs_inbound_ephemeral_ports():
    """Ephemeral ports, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html:
    if an instance in the VPC is the client, the network ACL needs an inbound rule for the
    ephemeral ports. Outbound 443 is allowed, inbound only 443: the reply is denied coming in;
    adding inbound 1024-65535 fixes it.
    """
    https_out = aws.entry(100, "allow", "6", "0.0.0.0/0", (443, 443))
    broken = aws.acl_scenario(inbound=[HTTPS_IN], outbound=[https_out])
    path = broken.vpc().reachability("web", "internet", port=443)
    assert not path.reachable
    assert (path.blocking_hop.leg, path.blocking_hop.direction) == ("response", "inbound")
    assert path.blocked_by == broken.ids["web-acl"]
    ephemeral_in = aws.entry(110, "allow", "6", "0.0.0.0/0", (1024, 65535))
    fixed = aws.acl_scenario(inbound=[HTTPS_IN, ephemeral_in], outbound=[https_out])
    assert fixed.vpc().reachability("web", "internet", port=443).reachable


# --- ACL rules: lowest number first, first match decides ----------------------------------------


@pytest.mark.parametrize(
    "inbound, src, allowed, rule",
    [
        # created 110 first, then 100: the number decides, not the order of creation
        ([aws.entry(110, "allow", "6", "0.0.0.0/0", (443, 443)),
          aws.entry(100, "deny", "6", "198.51.100.0/24", (443, 443))],
         "198.51.100.7", False, 100),
        ([aws.entry(110, "allow", "6", "0.0.0.0/0", (443, 443)),
          aws.entry(100, "deny", "6", "198.51.100.0/24", (443, 443))],
         "192.0.2.9", True, 110),
        # the allow comes first: the later deny never applies
        ([aws.entry(100, "allow", "6", "0.0.0.0/0", (443, 443)),
          aws.entry(110, "deny", "6", "198.51.100.0/24", (443, 443))],
         "198.51.100.7", True, 100),
    ],
)  # fmt: skip
def test_acl_rules_lowest_number_first_and_first_match_decides(inbound, src, allowed, rule):
    """Network ACL rules, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html:
    rules are evaluated starting with the lowest numbered rule; as soon as a rule matches, it
    is applied regardless of any higher-numbered rule that might contradict it.
    """
    scenario = aws.acl_scenario(inbound=inbound, outbound=[aws.EPHEMERAL_OUT])
    path = scenario.vpc().reachability(src, "web", port=443)
    decided = hop(path, "network-acl", "request", "inbound")
    assert (decided.allowed, decided.detail.rule_number) == (allowed, rule)
    assert path.reachable is allowed


# --- default and new custom network ACLs ---------------------------------------------------------


@pytest.fixture(scope="module")
def acls():
    return aws.default_and_new_acl()


@pytest.mark.parametrize("protocol, port", [("tcp", 443), ("tcp", 8443), ("udp", 5353)])
def test_default_acl_allows_all_traffic(acls, protocol, port):
    """Default network ACL for a VPC,
    https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html: the default
    network ACL allows all traffic in and out of its subnets (rule 100, all IPv4 traffic, both
    ways). A subnet left alone uses it, so any port is let in and answered.
    """
    vpc = acls.vpc()
    acl = vpc.nacl_for_subnet(acls.ids["open"])
    assert acl.is_default
    path = vpc.reachability("internet", "open-web", port=port, protocol=protocol)
    assert path.reachable
    for leg, direction in (("request", "inbound"), ("response", "outbound")):
        decided = hop(path, "network-acl", leg, direction)
        assert decided.component == acl.acl_id and decided.detail.rule_number == 100


def test_new_custom_acl_denies_everything(acls):
    """Custom network ACLs for your VPC,
    https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html: every network ACL
    has the * rules, which deny a packet that matches no other rule; a new custom ACL has no
    other rule. (moto leaves the * entries out of a new ACL's dump; AWS prints them. The
    model denies unmatched traffic with the * rule either way, so the test does not add them.)
    """
    path = acls.vpc().reachability("internet", "closed-web", port=443)
    assert not path.reachable
    assert path.blocked_by == acls.ids["new-acl"]
    assert (path.blocking_hop.leg, path.blocking_hop.direction) == ("request", "inbound")
    assert path.blocking_hop.detail.rule == "*"


# --- network ACLs work at the subnet boundary ----------------------------------------------------


@pytest.fixture(scope="module")
def subnet_boundary():
    return aws.same_subnet()


def test_acl_does_not_filter_traffic_inside_its_subnet(subnet_boundary):
    """Network ACL basics, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-basics.html:
    network ACL rules are evaluated when traffic enters and leaves the subnet, not as it is
    routed within a subnet. "a" and "b" share a subnet whose ACL denies everything: reachable.
    """
    path = subnet_boundary.vpc().reachability("a", "b", port=5432)
    assert path.reachable
    assert "network-acl" not in {h.kind for h in path.hops}


@pytest.mark.parametrize("src, dst, direction", [("a", "c", "outbound"), ("c", "a", "inbound")])
def test_acl_filters_traffic_crossing_its_subnet_boundary(subnet_boundary, src, dst, direction):
    """Network ACL basics, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-basics.html:
    the same ACL is evaluated when traffic leaves or enters its subnet; with no rule but *,
    traffic to or from another subnet is denied.
    """
    path = subnet_boundary.vpc().reachability(src, dst, port=5432)
    assert not path.reachable
    assert path.blocked_by == subnet_boundary.ids["locked-acl"]
    assert (path.blocking_hop.leg, path.blocking_hop.direction) == ("request", direction)


# --- security groups referencing security groups -------------------------------------------------


@pytest.fixture(scope="module")
def groups():
    return aws.group_references()


@pytest.mark.parametrize(
    "src, reachable",
    [
        ("web", True),  # its interface is in group "web"
        ("other", False),  # same subnet, another group
        ("multi", False),  # the instance's primary interface (eni0) is in "other"
        ("multi-eni1", True),  # its second interface is in "web"
    ],
)
def test_group_reference_admits_the_members_interfaces(groups, src, reachable):
    """Security group rules, https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html:
    a rule whose source is a security group allows traffic from the network interfaces
    associated with that group (by their private addresses). "app" admits tcp 8080 from
    group "web" only; an interface decides by its own groups, not its instance's other ones.
    """
    vpc = groups.vpc()
    path = vpc.reachability(groups.ids.get(src, src), "app", port=8080)
    assert path.reachable is reachable
    if not reachable:
        assert path.blocked_by == groups.ids["app-sg"]
        assert path.blocking_hop.code == "ENI_SG_RULES_MISMATCH"
        assert (path.blocking_hop.leg, path.blocking_hop.direction) == ("request", "inbound")


def test_group_reference_covers_only_the_rule_port(groups):
    """Security group rules, https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html:
    the referenced group is admitted for the rule's protocol and port only.
    """
    path = groups.vpc().reachability("web", "app", port=22)
    assert not path.reachable and path.blocked_by == groups.ids["app-sg"]


@pytest.mark.parametrize("port, reachable", [(8080, True), (22, True), (5432, False)])
def test_several_groups_on_one_interface_add_up(groups, port, reachable):
    """Security group rules, https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html:
    the rules of all the security groups associated with a resource are aggregated into one
    set. "both" is in "app" (8080 from "web") and "ssh" (22 from the VPC).
    """
    assert groups.vpc().reachability("web", "both", port=port).reachable is reachable


def test_the_matrix_agrees_with_the_documented_answers(groups):
    """Security group rules, https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html:
    the same answers as above, from the all-pairs matrix (instances by their primary interface).
    """
    m = groups.vpc().matrix(port=8080)
    assert m.can_reach("web", "app") and m.can_reach("web", "both")
    assert not m.can_reach("other", "app") and not m.can_reach("multi", "app")
    assert m.blocker("other", "app") == groups.ids["app-sg"]


# --- public subnets: a route to an internet gateway, and a public address -----------------------


@pytest.fixture(scope="module")
def subnets():
    return aws.public_and_private()


def test_a_subnet_is_public_when_its_route_table_reaches_an_internet_gateway(subnets):
    """Enable internet access for a VPC using an internet gateway,
    https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html: a subnet whose
    route table has a route to an internet gateway is a public subnet; without one, private.
    """
    vpc = subnets.vpc()
    assert vpc.is_public(subnets.ids["public"])
    assert not vpc.is_public(subnets.ids["private"])


@pytest.mark.parametrize("src, dst", [("internet", "web"), ("web", "internet")])
def test_public_subnet_and_public_address_reach_the_internet(subnets, src, dst):
    """Enable internet access for a VPC using an internet gateway,
    https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html: with the gateway
    attached, a route to it, and a public IPv4 address, traffic flows both ways; the internet
    gateway translates the private address to the public one.
    """
    vpc = subnets.vpc()
    path = vpc.reachability(src, dst, port=443)
    assert path.reachable
    public = vpc.instance("web").public_ip
    translated = {h.detail.after for h in path.hops if h.kind == "internet-gateway"}
    translated |= {h.detail.before for h in path.hops if h.kind == "internet-gateway"}
    assert public in translated


@pytest.mark.parametrize(
    "src, dst, code",
    [
        ("internet", "hidden", "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"),
        ("hidden", "internet", "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"),
    ],
)
def test_public_subnet_without_a_public_address(subnets, src, dst, code):
    """Enable internet access for a VPC using an internet gateway,
    https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html: the instances
    must have a public IPv4 address (or an Elastic IP); a route alone is not enough.
    """
    path = subnets.vpc().reachability(src, dst, port=443)
    assert not path.reachable
    assert path.blocked_by == subnets.ids["hidden"]
    assert path.blocking_hop.code == code  # Reachability Analyzer's explanation codes


@pytest.mark.parametrize(
    "src, dst, leg, code",
    [
        ("internet", "stranded", "response", "NO_RETURN_ROUTE"),
        ("stranded", "internet", "request", "NO_ROUTE_TO_DESTINATION"),
    ],
)
def test_public_address_in_a_private_subnet(subnets, src, dst, leg, code):
    """Enable internet access for a VPC using an internet gateway,
    https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html: the subnet's
    route table must direct internet-bound traffic to the internet gateway. "stranded" has a
    public address, but its subnet's (main) table has only the local route: neither its
    requests nor its replies find a way out.
    """
    path = subnets.vpc().reachability(src, dst, port=443)
    assert not path.reachable
    assert path.blocked_by == subnets.ids["main-main-rt"]
    assert (path.blocking_hop.leg, path.blocking_hop.code) == (leg, code)


# --- NAT gateways: out, not in; a deleted one leaves a blackhole --------------------------------


@pytest.fixture(scope="module")
def nat():
    return aws.nat_gateway()


def test_nat_gateway_gives_a_private_subnet_outbound_access(nat):
    """NAT gateways, https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html:
    instances in a private subnet connect to the internet through a public NAT gateway; the
    internet gateway then maps the NAT gateway's private address to its Elastic IP.
    """
    path = nat.vpc().reachability("app", "internet", port=443)
    assert path.reachable
    assert nat.ids["nat"] in path.components
    out = hop(path, "internet-gateway", "request", "through")
    assert out.detail.after == nat.ids["nat-eip"]  # the address allocate-address returned


@pytest.mark.parametrize("port", [8080, 22])
def test_nat_gateway_admits_no_connection_from_outside(nat, port):
    """NAT gateways, https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html:
    instances behind a public NAT gateway cannot receive unsolicited inbound connections from
    the internet, even where their security group would allow them (app's allows 8080 from
    anywhere).
    """
    path = nat.vpc().reachability("internet", "app", port=port)
    assert not path.reachable
    assert path.blocked_by == nat.ids["app"]


def test_deleted_nat_gateway_leaves_a_blackhole_route():
    """Route (Amazon EC2 API Reference),
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html: a route in the
    blackhole state has a target that is not available, and traffic that matches it is
    dropped. After delete-nat-gateway, AWS prints the private table's 0.0.0.0/0 route with
    "State": "blackhole"; moto keeps printing "active", so the test sets the state as AWS
    prints it.
    """
    scenario = aws.nat_gateway(delete=True)
    assert scenario.data["NatGateways"][0]["State"] == "deleted"
    data = aws.as_aws_prints_blackholes(scenario.data, scenario.ids["nat"])
    path = aws.Scenario(data, scenario.ids).vpc().reachability("app", "internet", port=443)
    assert not path.reachable
    assert path.blocked_by == scenario.ids["private-rt"]
    assert path.blocking_hop.code == "BAD_STATE_ROUTE"
    assert path.blocking_hop.detail.route.state == "blackhole"


# --- VPC peering is not transitive ---------------------------------------------------------------


@pytest.fixture(scope="module")
def peered():
    return aws.peering_chain()


@pytest.mark.parametrize("src, dst", [("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")])
def test_peered_vpcs_reach_each_other(peered, src, dst):
    """VPC peering (AWS whitepaper Amazon Virtual Private Cloud Connectivity Options),
    https://docs.aws.amazon.com/whitepapers/latest/aws-vpc-connectivity-options/vpc-peering.html:
    a peering connection routes between two VPCs by their private addresses as if in one
    network, given routes on both sides.
    """
    assert peered.vpc().reachability(src, dst, port=443).reachable


@pytest.mark.parametrize("src, dst, via", [("a", "c", "ab"), ("c", "a", "bc")])
def test_peering_is_not_transitive(peered, src, dst, via):
    """Unsupported VPC peering configurations,
    https://docs.aws.amazon.com/vpc/latest/peering/invalid-peering-configurations.html
    (transitive peering): with A-B and B-C peered, packets cannot be routed from A to C through
    B, even with a route in A that sends C's CIDR to the A-B connection.
    """
    path = peered.vpc().reachability(src, dst, port=443)
    assert not path.reachable
    assert path.blocked_by == peered.ids[via]
    assert path.blocking_hop.code == "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"


# --- stopped instances ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stopped():
    return aws.stopped_instance()


def test_a_stopped_instance_loses_its_public_address(stopped):
    """How instance stop and start works,
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/how-ec2-instance-stop-start-works.html:
    a stopped instance loses its public IPv4 address (without an Elastic IP) and keeps its
    private one, so nothing on the internet can reach it. The path names the first reason, as
    Reachability Analyzer does: the instance is not in a functional state (BAD_STATE).
    """
    vpc = stopped.vpc()
    db = vpc.instance("db")
    assert (db.state, db.public_ip, db.private_ip) == ("stopped", None, "10.0.1.20")
    path = vpc.reachability("internet", "db", port=22)
    assert not path.reachable and path.blocked_by == stopped.ids["db"]
    assert path.blocking_hop.code == "BAD_STATE"


def test_a_stopped_instance_answers_nothing(stopped):
    """How instance stop and start works,
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/how-ec2-instance-stop-start-works.html:
    a stopped instance is shut down and stops running, so a connection to its private address
    (which it keeps) gets no answer, whatever the security groups and ACLs allow.
    """
    vpc = stopped.vpc()
    path = vpc.reachability("admin", "db", port=22)
    assert not path.reachable and path.verdict == "blocked"
    assert path.blocked_by == stopped.ids["db"] and path.blocking_hop.code == "BAD_STATE"
    assert "stopped" in path.explanation
    back = vpc.reachability("db", "admin", port=22)  # nor does it send anything
    assert back.blocked_by == stopped.ids["db"] and "sends nothing" in back.explanation
    m = vpc.matrix(port=22)
    assert not m.can_reach("admin", "db") and m.blocker("admin", "db") == stopped.ids["db"]
    assert not m.can_reach("db", "admin") and m.blocker("db", "internet") == stopped.ids["db"]


@pytest.mark.parametrize("state", ["pending", "stopping", "shutting-down"])
def test_an_instance_that_is_not_running_answers_nothing(stopped, state):
    """Instance state changes,
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html: only a
    running instance is usable; pending, stopping and shutting-down ones are not. moto moves
    states at once, so the dump's state is set as AWS prints it while the change is under way.
    """
    data = aws.copy.deepcopy(stopped.data)
    for reservation in data["Reservations"]:
        for instance in reservation["Instances"]:
            if instance["InstanceId"] == stopped.ids["db"]:
                instance["State"] = {"Code": 0, "Name": state}
    path = Vpc.from_aws(data).reachability("admin", "db", port=22)
    assert not path.reachable and path.blocking_hop.code == "BAD_STATE"
    assert state in path.explanation


# --- addresses the internet does not carry -----------------------------------------------------


@pytest.mark.parametrize(
    "src, code",
    [
        ("10.1.2.3", "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS"),
        ("172.20.0.5", "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS"),
        ("100.64.7.7", "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS"),
        ("127.0.0.1", "SOURCE_NOT_ON_THE_INTERNET"),
        ("169.254.169.254", "SOURCE_NOT_ON_THE_INTERNET"),
    ],
)
def test_a_source_that_cannot_come_from_the_internet_is_refused(stateful, src, code):
    """Reachability Analyzer explanation codes,
    https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html: internet
    gateways reject inbound traffic with source addresses in the private (RFC 1918) or shared
    (RFC 6598) ranges; loopback and link-local addresses are never an internet host's. "web"
    admits 443 from 0.0.0.0/0, yet none of these sources reaches it.
    """
    path = stateful.vpc().reachability(src, "web", port=443)
    assert not path.reachable and path.blocking_hop.code == code
    assert src in path.explanation


def test_a_public_source_still_reaches_it(stateful):
    assert stateful.vpc().reachability("192.0.2.44", "web", port=443).reachable


@pytest.mark.parametrize(
    "dst, code",
    [
        ("192.168.5.5", "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"),
        ("100.100.0.1", "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS"),
    ],
)
def test_the_internet_gateway_drops_private_destinations(stateful, dst, code):
    """Same page: internet gateways reject outbound traffic to RFC 1918 and RFC 6598
    destinations. "client" sends everything to the internet gateway (0.0.0.0/0)."""
    path = stateful.vpc().reachability("client", dst, port=443)
    assert not path.reachable and path.blocking_hop.code == code
    assert path.blocked_by == stateful.ids["igw"]


# --- ICMP codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code, reachable", [(0, True), (-1, True), (1, False)])
def test_acl_icmp_entries_match_on_type_and_code(code, reachable):
    """Network ACL rules, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html: an
    ICMP entry names a type and a code (-1: all codes). A ping is echo request type 8 code 0,
    its reply type 0 code 0 (RFC 792). moto drops IcmpTypeCode, so it is added as AWS prints it.
    """
    scenario = aws.acl_scenario(
        inbound=[aws.entry(100, "allow", "1", "0.0.0.0/0")],
        outbound=[aws.entry(100, "allow", "1", "0.0.0.0/0")],
    )
    data = aws.copy.deepcopy(scenario.data)
    for acl in data["NetworkAcls"]:
        for item in acl["Entries"]:
            if item["RuleNumber"] == 100 and item["Protocol"] == "1":
                kind = 0 if item["Egress"] else 8
                item["IcmpTypeCode"] = {"Type": kind, "Code": code}
    path = Vpc.from_aws(data).reachability("internet", "web", port=None, protocol="icmp")
    assert path.reachable is reachable
    if not reachable:
        assert path.blocking_hop.code == "SUBNET_ACL_RESTRICTION"


def test_every_code_is_aws_s_or_documented_as_ours():
    """Each code a path can carry is Reachability Analyzer's or listed as the model's own, and
    each code the model used before maps to codes it uses now."""
    assert set(AWS_CODES).isdisjoint(OWN_CODES)
    assert all(set(new) <= set(CODES) for new in RENAMED_CODES.values())
    assert not set(RENAMED_CODES) & set(CODES)
