"""The lesson 06 troubleshooting labs: three faults on the journey, every fix order delivers.

The fixes are written here as a learner types them; where the packet stops is checked against
a plain journey run of the same scenario, and the labs are also repaired through the journey's
own named fixes (journey.apply_fix), a second way of making the same changes.
"""

import itertools

import pytest

from netcourse.errors import JourneyError, NetcourseError
from netcourse.firewall import Firewall
from netcourse.firewall.commands import edit_iptables
from netcourse.journey import apply_fix, run
from netcourse.journey.troubleshoot import LABS, labs, troubleshoot

REPLY_RULE = "-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"

#: The fixes that repair each lab, one per fault.
SOLUTIONS = {
    "no-connection": (
        {"netmask": "255.255.255.0"},
        {"iptables": "-A INPUT -p tcp --dport 443 -m conntrack --ctstate NEW -j ACCEPT"},
        {"route": "0.0.0.0/0 -> igw"},
    ),
    "server-silent": (
        {"gateway": "10.0.1.1"},
        {"sg": "allow tcp 443 from 0.0.0.0/0"},
        {"iptables": REPLY_RULE},
    ),
}

#: Where the packet stops first and after each fix in order: (device, kind of place, leg).
REVEALED = {
    "no-connection": [
        ("laptop", "ARP", "request"),
        ("web iptables", "host firewall", "request"),
        ("rtb-0a1b2c3d4e5f60001", "route table", "reply"),
    ],
    "server-silent": [
        ("laptop", "IP", "request"),
        ("sg-0a1b2c3d4e5f60001", "security group", "request"),
        ("web iptables", "host firewall", "reply"),
    ],
}

#: Plausible fixes that repair nothing (applied after the other right fixes).
WRONG = {
    "no-connection": [
        {"netmask": "255.255.255.255"},  # the gateway is then off-link
        {"netmask": "/30"},  # 10.0.1.4/30 leaves the gateway 10.0.1.1 off-link too
        {"iptables": "-A OUTPUT -p tcp --dport 443 -j ACCEPT"},  # the wrong chain
        {"iptables": "-A INPUT -p tcp --dport 80 -j ACCEPT"},  # the wrong port
        {"route": "0.0.0.0/0 -> nat"},  # a NAT gateway carries no connection from outside
    ],
    "server-silent": [
        {"gateway": "10.0.1.2"},  # nobody has that address
        {"sg": "allow tcp 80 from 0.0.0.0/0"},
        {"sg": "allow tcp 443 to 0.0.0.0/0"},  # outbound: the request comes in
        {"iptables": "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"},
        {"iptables": "-A OUTPUT -m conntrack --ctstate NEW -j ACCEPT"},
    ],
}


def test_every_lab_has_a_solution_here():
    assert set(SOLUTIONS) == set(LABS) == set(labs())
    for name, fixes in SOLUTIONS.items():
        assert len(fixes) == troubleshoot(name).faults == 3


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
    assert run(lab.scenario).delivered


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
    journey = run(lab.scenario)  # a plain run of the same scenario agrees
    assert not stop.delivered and not journey.delivered
    assert (stop.where, stop.leg) == (journey.failed_at.device, journey.failed_at.direction)


@pytest.mark.parametrize("name", SOLUTIONS)
def test_fixing_one_fault_reveals_the_next(name):
    lab = troubleshoot(name)
    stops = [lab.run()]
    for fix in SOLUTIONS[name]:
        attempt = lab.fix(**fix)
        assert attempt.moved and attempt.changed
        stops.append(attempt.after)
    assert [(s.where, s.node, s.leg) for s in stops[:-1]] == REVEALED[name]
    passed = [s.passed for s in stops]
    assert passed == sorted(passed) and stops[-1].delivered


@pytest.mark.parametrize("name,wrong", [(n, fix) for n, fixes in WRONG.items() for fix in fixes])
def test_a_wrong_fix_does_not_deliver(name, wrong):
    lab = troubleshoot(name)
    kind = next(iter(wrong))
    right = [fix for fix in SOLUTIONS[name] if kind not in fix]
    assert len(right) == 2
    for fix in right:
        lab.fix(**fix)
    assert not lab.fix(**wrong).delivered


def test_a_fix_for_a_later_fault_is_kept():
    lab = troubleshoot("no-connection")
    attempt = lab.fix(route="0.0.0.0/0 -> igw")
    assert attempt.changed == ("rtb-0a1b2c3d4e5f60001",) and not attempt.moved
    assert "not where it stops" in attempt.message and "laptop" in attempt.message
    lab.fix(netmask="255.255.255.0")
    assert lab.fix(**SOLUTIONS["no-connection"][1]).delivered


def test_the_labs_can_be_repaired_by_editing_the_scenario():
    lab = troubleshoot("server-silent")
    sc = apply_fix(apply_fix(lab.scenario, "set-default-gateway"), "allow-port-in-security-group")
    text = lab.scenario.server.iptables.replace("COMMIT", REPLY_RULE + "\nCOMMIT")
    attempt = lab.fix(scenario=sc.replace(server_iptables=text))
    assert attempt.delivered
    assert set(attempt.changed) == {"laptop gateway", "server iptables", "sg-0a1b2c3d4e5f60001"}
    other = troubleshoot("no-connection")
    sc = apply_fix(apply_fix(other.scenario, "set-laptop-netmask"), "allow-port-in-host-firewall")
    assert not other.fix(scenario=sc).delivered  # the journey's fixes have no route fix
    assert other.fix(route="0.0.0.0/0 -> igw").delivered


def test_too_broad_fixes_are_named():
    lab = troubleshoot("server-silent")
    lab.fix(gateway="10.0.1.1")
    lab.fix(sg="allow tcp 443 from 0.0.0.0/0")
    assert lab.fix(iptables="-P OUTPUT ACCEPT").delivered
    assert lab.too_broad() == (
        "opened web iptables OUTPUT new tcp port 22, which the healthy network keeps closed",
        "opened web iptables OUTPUT new tcp port 25, which the healthy network keeps closed",
    )
    lab = troubleshoot("no-connection")
    for fix in (SOLUTIONS["no-connection"][0], SOLUTIONS["no-connection"][2]):
        lab.fix(**fix)
    assert lab.fix(iptables="-I INPUT -j ACCEPT").delivered
    assert lab.too_broad() == tuple(
        f"opened internet -> web iptables INPUT new tcp port {port}, which the healthy network "
        "keeps closed"
        for port in (22, 3389, 8080)
    )
    clean = troubleshoot("no-connection")
    for fix in SOLUTIONS["no-connection"]:
        clean.fix(**fix)
    assert clean.too_broad() == ()


@pytest.mark.parametrize(
    "fix,part",
    [
        ({"netmask": "255.0.255.0"}, "not contiguous"),
        ({"netmask": "banana"}, "'banana'"),
        ({"gateway": "10.0.1.300"}, "'10.0.1.300'"),
        ({"iptables": "-A INPT -j ACCEPT"}, "no chain 'INPT'"),
        ({"iptables": "-A INPUT -p tcp --dprt 443 -j ACCEPT"}, "'--dprt'"),
        ({"iptables": "-A INPUT -p tcp --dport 99999 -j ACCEPT"}, "99999"),
        ({"iptables": "-I INPUT 9 -j ACCEPT"}, "Index of insertion too big"),
        ({"iptables": "-D INPUT 99"}, "there is no rule 99"),
        ({"iptables": "-D INPUT -p udp -j ACCEPT"}, "Bad rule"),
        ({"iptables": "-X INPUT"}, "expected -A, -I, -D or -P"),
        ({"iptables": "-P INPUT MAYBE"}, "ACCEPT or DROP"),
        ({"iptables": "-A INPUT -m comment --comment 'x"}, "cannot split"),
        ({"iptables": ""}, "expected one iptables command"),
        ({"route": "0.0.0.0/0 => igw"}, "DESTINATION -> TARGET"),
        ({"sg": "allow tcp 443 form 0.0.0.0/0"}, "'form'"),
        ({"acl": "allow tcp 1024-65535 to 0.0.0.0/0"}, "rule number"),
        ({"scenario": "healthy"}, "expected a Scenario"),
        ({"mask": "255.255.255.0"}, "'mask': not a kind of fix"),
    ],
)
def test_a_malformed_fix_is_refused_naming_the_bad_part(fix, part):
    lab = troubleshoot("no-connection")
    before = lab.scenario
    with pytest.raises(JourneyError) as info:
        lab.fix(**fix)
    assert part in str(info.value)
    assert lab.scenario is before and lab.fixes == 0


def test_unknown_lab_names_the_labs():
    with pytest.raises(NetcourseError, match="no-connection"):
        troubleshoot("no-conection")


# --- the iptables commands against the firewall model ------------------------------------------


def _rules(text: str, chain: str) -> list:
    return [(r.matches, r.target) for r in Firewall.from_iptables(text).chains[chain].rules]


def test_insert_puts_the_rule_at_its_number_as_iptables_does():
    base = troubleshoot("no-connection").scenario.server.iptables
    line = "-p tcp --dport 8443 -j ACCEPT"
    for number in range(1, len(_rules(base, "INPUT")) + 2):
        text = edit_iptables(base, f"-I INPUT {number} {line}")
        rule = Firewall.from_iptables(text).rule("INPUT", number)
        assert rule.text == f"-A INPUT {line}"
        assert len(_rules(text, "INPUT")) == len(_rules(base, "INPUT")) + 1


def test_delete_by_rule_or_number_undoes_append():
    base = troubleshoot("no-connection").scenario.server.iptables
    added = edit_iptables(base, "-A OUTPUT -p tcp -m tcp --dport 25 -j ACCEPT")
    by_rule = edit_iptables(added, "-D OUTPUT -p tcp --dport 25 -j ACCEPT")  # -m tcp implied
    assert _rules(by_rule, "OUTPUT") == _rules(base, "OUTPUT")
    count = len(_rules(added, "OUTPUT"))
    assert _rules(edit_iptables(added, f"-D OUTPUT {count}"), "OUTPUT") == _rules(base, "OUTPUT")


def test_policy_changes_only_the_policy():
    base = troubleshoot("no-connection").scenario.server.iptables
    text = edit_iptables(base, "-P INPUT ACCEPT")
    fw = Firewall.from_iptables(text)
    assert fw.chains["INPUT"].policy == "ACCEPT"
    assert _rules(text, "INPUT") == _rules(base, "INPUT")
