"""The lesson 05 troubleshooting labs: every fix order ends delivered, no fewer fixes do.

The fixes below are written here, in the learner's vocabulary, not read from the package; the
stop places are checked against the VPC model's own reachability answer on the same data.
"""

import itertools

import pytest

from netcourse.errors import NetcourseError, VpcError
from netcourse.vpc import Vpc
from netcourse.vpc.troubleshoot import LABS, Attempt, Stop, labs, troubleshoot

#: The fixes that repair each lab, one per fault, as a learner would type them.
SOLUTIONS = {
    "web-unreachable": (
        {"sg": "allow tcp 443 from 0.0.0.0/0"},
        {"route": "0.0.0.0/0 -> igw"},
    ),
    "reply-lost": (
        {"acl": "100 allow tcp 1024-65535 to 0.0.0.0/0"},
        {"route_table": "public"},
    ),
}

#: Where the packet stops first, then after each fix of SOLUTIONS in order (kind, leg).
REVEALED = {
    "web-unreachable": [("security group", "request"), ("route table", "reply")],
    "reply-lost": [("network ACL", "reply"), ("route table", "reply")],
}

#: Fixes that look plausible but repair nothing: (the other right fixes, then this one).
WRONG = {
    "web-unreachable": [
        {"sg": "allow tcp 80 from 0.0.0.0/0"},  # the port the group already allows
        {"route": "0.0.0.0/1 -> igw"},  # half the internet
        {"route": "0.0.0.0/0 -> nat"},  # the NAT gateway carries no connection from outside
    ],
    "reply-lost": [
        {"acl": "100 allow tcp 443 to 0.0.0.0/0"},  # the server's port, not the client's
        {"acl": "100 allow tcp 1024-65535 from 0.0.0.0/0"},  # inbound: replaces the 443 rule
        {"route_table": "main"},  # the main table has no default route
    ],
}


def test_every_lab_has_a_solution_here():
    assert set(SOLUTIONS) == set(LABS) == set(labs())
    for name, fixes in SOLUTIONS.items():
        assert len(fixes) == troubleshoot(name).faults >= 2


@pytest.mark.parametrize(
    "name,order",
    [(name, order) for name, fixes in SOLUTIONS.items() for order in itertools.permutations(fixes)],
)
def test_every_fix_order_ends_delivered(name, order):
    lab = troubleshoot(name)
    assert not lab.run().delivered
    for number, fix in enumerate(order, 1):
        attempt = lab.fix(**fix)
        assert attempt.delivered == (number == len(order)), (fix, attempt.message)
    assert lab.run().delivered and lab.fixes == len(order)


@pytest.mark.parametrize(
    "name,subset",
    [
        (name, subset)
        for name, fixes in SOLUTIONS.items()
        for size in range(len(fixes))
        for subset in itertools.combinations(fixes, size)
    ],
)
def test_no_proper_subset_of_the_fixes_delivers(name, subset):
    lab = troubleshoot(name)
    for fix in subset:
        lab.fix(**fix)
    stop = lab.run()
    assert not stop.delivered
    src, dst, port = lab.question  # the model, asked directly, agrees on where it stops
    path = Vpc(lab.data).reachability(src, dst, port=port)
    assert not path.reachable and stop.where == path.blocked_by


@pytest.mark.parametrize("name", SOLUTIONS)
def test_fixing_one_fault_reveals_the_next(name):
    lab = troubleshoot(name)
    stops = [lab.run()]
    for fix in SOLUTIONS[name]:
        attempt = lab.fix(**fix)
        assert attempt.moved and attempt.changed
        stops.append(attempt.after)
    assert [(s.node, s.leg) for s in stops[:-1]] == REVEALED[name]
    assert stops[-1].delivered
    passed = [s.passed for s in stops[:-1]]
    assert passed == sorted(passed), "each fix lets the packet further along the path"


@pytest.mark.parametrize("name", SOLUTIONS)
def test_a_fix_for_a_later_fault_is_kept_but_does_not_move_the_packet(name):
    first, second = SOLUTIONS[name]
    lab = troubleshoot(name)
    before = lab.run()
    attempt = lab.fix(**second)
    assert attempt.changed and not attempt.moved and attempt.after.same_place(before)
    assert "not where it stops" in attempt.message
    assert lab.fix(**first).delivered  # the early fix was kept


@pytest.mark.parametrize("name", SOLUTIONS)
def test_the_same_fix_twice_changes_nothing(name):
    lab = troubleshoot(name)
    lab.fix(**SOLUTIONS[name][0])
    again = lab.fix(**SOLUTIONS[name][0])
    assert again.changed == () and not again.moved
    assert "changed nothing" in again.message


@pytest.mark.parametrize(
    "name,wrong", [(name, fix) for name, fixes in WRONG.items() for fix in fixes]
)
def test_a_wrong_fix_does_not_deliver(name, wrong):
    lab = troubleshoot(name)
    kind = next(iter(wrong))
    for fix in SOLUTIONS[name]:
        if kind not in fix:
            lab.fix(**fix)
    attempt = lab.fix(**wrong)
    assert not attempt.delivered and not lab.run().delivered


def test_a_fix_can_deliver_and_still_break_what_worked():
    lab = troubleshoot("reply-lost")
    lab.fix(acl="100 allow tcp 1024-65535 to 0.0.0.0/0")
    assert lab.fix(route="0.0.0.0/0 -> igw").delivered  # the private table now goes to the IGW
    assert lab.too_broad() == (
        "broke app -> internet port 443, which works in the healthy network",
    )
    clean = troubleshoot("reply-lost")
    for fix in SOLUTIONS["reply-lost"]:
        clean.fix(**fix)
    assert clean.too_broad() == ()


def test_an_overly_wide_rule_is_too_broad():
    lab = troubleshoot("web-unreachable")
    lab.fix(sg="allow all from 0.0.0.0/0")
    assert lab.fix(route="0.0.0.0/0 -> igw").delivered
    assert "opened internet -> web port 3389, which the healthy network keeps closed" in (
        lab.too_broad()
    )


def test_editing_the_data_is_a_fix_too():
    lab = troubleshoot("web-unreachable")
    lab.fix(route="0.0.0.0/0 -> igw")
    vpc = lab.vpc
    group = vpc.instance("web").primary.group_ids[0]
    data = lab.data
    for item in data["SecurityGroups"]:
        if item["GroupId"] == group:
            item["IpPermissions"].append(
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            )
    attempt = lab.fix(data=data)
    assert attempt.delivered and attempt.changed == (group,)


def test_runs_and_fixes_are_counted_and_reset():
    lab = troubleshoot("reply-lost")
    assert (lab.runs, lab.fixes) == (0, 0)
    lab.run()
    lab.run()
    lab.fix(route_table="public")
    assert (lab.runs, lab.fixes) == (3, 1) and lab.status().run == 3
    assert isinstance(lab.history[0], Attempt) and isinstance(lab.history[0].after, Stop)
    lab.reset()
    assert (lab.runs, lab.fixes, lab.history) == (0, 0, ())
    assert not lab.run().delivered


def test_each_lab_is_fresh():
    first = troubleshoot("web-unreachable")
    for fix in SOLUTIONS["web-unreachable"]:
        first.fix(**fix)
    assert not troubleshoot("web-unreachable").run().delivered


@pytest.mark.parametrize(
    "fix,part",
    [
        ({"route": "0.0.0.0/0 igw"}, "expected 'DESTINATION -> TARGET'"),
        ({"route": "0.0.0.0/33 -> igw"}, "'0.0.0.0/33'"),
        ({"route": "0.0.0.0 -> igw"}, "destination '0.0.0.0'"),
        ({"route": "0.0.0.0/0 -> gateway"}, "target 'gateway'"),
        ({"route": "0.0.0.0/0 -> igw-0000"}, "target 'igw-0000': no such internet gateway"),
        ({"route": "10.0.0.0/16 -> igw"}, "local route"),
        ({"sg": "allow tcp 443 form 0.0.0.0/0"}, "'form'"),
        ({"sg": "deny tcp 443 from 0.0.0.0/0"}, "allow rules only"),
        ({"sg": "allow tcp 4433x from 0.0.0.0/0"}, "ports '4433x'"),
        ({"sg": "allow tcp from 0.0.0.0/0"}, "needs a port"),
        ({"sg": "allow tcpx 443 from 0.0.0.0/0"}, "protocol 'tcpx'"),
        ({"sg": "allow tcp 443 from anywhere"}, "'anywhere'"),
        ({"sg": "allow tcp 443 from sg-nothere"}, "'sg-nothere'"),
        ({"sg": "allow tcp 443 from 0.0.0.0/0 0.0.0.0/0"}, "one CIDR block"),
        ({"sg": ""}, "expected one line"),
        ({"sg": 443}, "expected the fix as one line of text"),
        ({"acl": "allow tcp 1024-65535 to 0.0.0.0/0"}, "expected a rule number"),
        ({"acl": "40000 allow tcp 1024-65535 to 0.0.0.0/0"}, "'40000'"),
        ({"acl": "100 permit tcp 1024-65535 to 0.0.0.0/0"}, "'permit'"),
        ({"acl": "100 allow tcp 65535-1024 to 0.0.0.0/0"}, "ports '65535-1024'"),
        ({"acl": "100 allow tcp 1024-65535 to 10.0.0.300/8"}, "10.0.0.300"),
        ({"acl": "100 allow tcp 1024-65535"}, "expected 'from' (inbound) or 'to'"),
        ({"route_table": "publik"}, "'publik': is no route table's id or Name tag"),
        ({"data": "{}"}, "expected describe-* data as a dict"),
        ({"netmask": "255.255.255.0"}, "'netmask': not a kind of fix"),
    ],
)
def test_a_malformed_fix_is_refused_naming_the_bad_part(fix, part):
    lab = troubleshoot("web-unreachable")
    before = lab.data
    with pytest.raises(VpcError) as info:
        lab.fix(**fix)
    assert part in str(info.value)
    assert next(iter(fix)) in str(info.value)[:20]  # the message starts with the fix's kind
    assert lab.data == before and lab.fixes == 0  # a refused fix changes nothing


def test_one_fix_per_call():
    lab = troubleshoot("web-unreachable")
    with pytest.raises(NetcourseError, match="exactly one fix"):
        lab.fix(sg="allow tcp 443 from 0.0.0.0/0", route="0.0.0.0/0 -> igw")
    with pytest.raises(NetcourseError, match="exactly one fix"):
        lab.fix()


def test_unknown_lab_names_the_labs():
    with pytest.raises(VpcError, match="web-unreachable"):
        troubleshoot("web-unreachabel")
