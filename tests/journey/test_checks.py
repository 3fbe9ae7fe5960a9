"""The lesson 06 checks (netcourse.checks.journey) accept the computed answer, reject wrong
ones, and never leak the answer."""

import pytest

from netcourse.checks import journey as check
from netcourse.journey import scenario
from netcourse.journey.pdu import four_tuple

HOPS = {
    "wrong-netmask": (check.wrong_netmask, "laptop", "set-laptop-netmask"),
    "sg-missing-port": (check.sg_missing_port, "security group", "allow-port-in-security-group"),
    "nacl-no-ephemeral": (check.nacl_no_ephemeral, "network ACL", "allow-ephemeral-in-nacl"),
    "host-firewall-drop": (
        check.host_firewall_drop,
        "host firewall",
        "allow-port-in-host-firewall",
    ),
}


@pytest.mark.parametrize("name", sorted(HOPS))
def test_hop_and_fix(name):
    fn, hop, fix = HOPS[name]
    assert fn.feedback(hop, fix).ok is True
    device = scenario(name).run().failed_at.device
    assert fn.feedback(device, fix).ok is True  # the device id works too
    for bad_hop in ("home switch", "nowhere", 42):
        feedback = fn.feedback(bad_hop, fix)
        assert feedback.ok is False
        assert hop not in feedback.message and fix not in feedback.message
    for bad_fix in ("set-default-gateway", "reboot"):
        feedback = fn.feedback(hop, bad_fix)
        assert feedback.ok is False and fix not in feedback.message + feedback.hint
    assert fn.feedback(..., ...).ok is None


def test_nat_four_tuple():
    journey = scenario("healthy").run()
    seen = four_tuple(next(e for e in journey.events if e.node == "instance").pdu)
    assert check.nat_four_tuple.feedback(seen).ok is True
    assert check.nat_four_tuple.feedback(list(seen)).ok is True
    sent = four_tuple(journey.events[1].pdu)
    for bad in (sent, (seen[0], seen[1], "203.0.113.10", 443), ("x",), None):
        feedback = check.nat_four_tuple.feedback(bad)
        assert feedback.ok is False
        assert str(seen[1]) not in feedback.message + feedback.hint
        assert seen[0] not in feedback.message + feedback.hint


def test_stateless_on_reply():
    assert check.stateless_on_reply.feedback("network ACL").ok is True
    for bad in ("security group", "home router", "laptop", 3):
        feedback = check.stateless_on_reply.feedback(bad)
        assert feedback.ok is False and "network acl" not in feedback.message.lower()


@pytest.mark.parametrize(
    "bad",
    [{"a": 1}, ("10.0.1.7", "５１５１４", "203.0.113.10", 443), ("10.0.1.7", 51514.5, "x", 1), "x"],
)
def test_nat_four_tuple_never_raises_on_odd_answers(bad):
    feedback = check.nat_four_tuple.feedback(bad)
    assert feedback.ok is False and "a 4-tuple is" in feedback.message
