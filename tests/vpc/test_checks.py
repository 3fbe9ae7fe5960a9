"""The lesson's checks: right answers pass, wrong ones fail without giving the answer away."""

import pytest

from netcourse.checks import vpc as check
from netcourse.vpc import Vpc

BROKEN = Vpc.example("acl-no-ephemeral")
CULPRIT = BROKEN.reachability("internet", "web", 443).blocked_by
WEB_ACL = CULPRIT


def entry(number, egress, low, high, protocol="6", cidr="0.0.0.0/0"):
    return {
        "RuleNumber": number,
        "Protocol": protocol,
        "RuleAction": "allow",
        "Egress": egress,
        "CidrBlock": cidr,
        "PortRange": {"From": low, "To": high},
    }


def test_blocking_component():
    assert check.blocking_component.feedback(CULPRIT).ok
    for wrong_answer in (
        "sg-0a1b2c3d4e5f60001",
        "igw-0a1b2c3d4e5f60001",
        "rtb-0a1b2c3d4e5f60003",
        "nothing",
        42,
    ):
        feedback = check.blocking_component.feedback(wrong_answer)
        assert feedback.ok is False
        assert CULPRIT not in feedback.message + feedback.hint


def test_deciding_rule():
    vpc = Vpc.example("three-tier")
    hop = next(h for h in vpc.reachability("internet", "web", 443).hops if h.kind == "network-acl")
    expected = hop.detail.rule_number
    assert check.deciding_rule.feedback(expected).ok
    assert check.deciding_rule.feedback(str(expected)).ok
    for wrong_answer in (110, 130, 999, "x"):
        feedback = check.deciding_rule.feedback(wrong_answer)
        assert feedback.ok is False and str(expected) not in feedback.message + feedback.hint


def test_fix_acl_right_answers():
    assert check.fix_acl.feedback([entry(100, True, 1024, 65535)]).ok
    assert check.fix_acl.feedback([entry(140, True, 1024, 65535)]).ok


@pytest.mark.parametrize(
    "entries",
    [
        [entry(100, False, 1024, 65535)],  # inbound: the wrong direction
        [entry(100, True, 443, 443)],  # mirrors the port: the classic mistake
        [entry(100, True, 32768, 65535)],  # only part of the ephemeral range
        [entry(120, True, 1024, 65535)],  # replaces the rule web -> internet:443 needs
        [entry(100, True, 0, 65535, protocol="-1")],  # everything
        [{"RuleNumber": 100}],  # not an entry
        "allow everything",
    ],
)
def test_fix_acl_wrong_answers(entries):
    feedback = check.fix_acl.feedback(entries)
    assert feedback.ok is False
    assert "1024-65535" not in feedback.message


def test_fix_acl_is_checked_by_running_reachability_again():
    fixed = BROKEN.with_acl_entries(WEB_ACL, [entry(100, True, 1024, 65535)])
    assert fixed.reachability("internet", "web", 443).reachable
    assert not BROKEN.reachability("internet", "web", 443).reachable


def test_who_reaches_db():
    expected = Vpc.example("three-tier").matrix(port=5432).who_can_reach("db")
    assert check.who_reaches_db.feedback(list(expected)).ok
    ids = [Vpc.example("three-tier").instance(name).instance_id for name in expected]
    assert check.who_reaches_db.feedback(set(ids)).ok
    for wrong_answer in (["web"], ["web", "app"], [], ["internet"], ["nobody"], 3):
        feedback = check.who_reaches_db.feedback(wrong_answer)
        assert feedback.ok is False


def test_unanswered_is_yellow():
    assert check.who_reaches_db.feedback(...).ok is None
