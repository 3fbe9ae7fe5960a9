"""The lesson 03 checks: right answers pass, wrong ones fail without giving the answer away."""

from __future__ import annotations

import ipaddress

import pytest

from netcourse.checks import cidr as check
from netcourse.checks import registered


def expected_usable() -> int:
    net = ipaddress.ip_network(check.USABLE_HOSTS_NET)
    return net.num_addresses - 2  # computed independently of netcourse.cidr


def expected_inside() -> list[str]:
    net = ipaddress.ip_network(check.INSIDE_NET)
    return [a for a in check.INSIDE_CANDIDATES if ipaddress.ip_address(a) in net]


def expected_broadcast() -> str:
    return str(ipaddress.ip_interface(check.BROADCAST_OF).network.broadcast_address)


def a_valid_plan() -> dict[str, str]:
    """A correct plan built with ipaddress, placed smallest first (not how plan() does it)."""
    start = int(ipaddress.ip_network(check.PLAN_PARENT).network_address)
    answer = {}
    for name, hosts in sorted(check.PLAN_NEEDS.items(), key=lambda kv: kv[1]):
        bits = max(2, (hosts + 1).bit_length())
        start = -(-start // 2**bits) * 2**bits  # align
        answer[name] = str(ipaddress.ip_network((start, 32 - bits)))
        start += 2**bits
    return answer


def test_all_six_exercises_are_registered():
    names = {ex.name for ex in registered() if ex.lesson == "03-cidr-and-subnets"}
    assert names >= {"usable-hosts", "inside", "broadcast", "next-hop", "office-plan", "summary"}


def test_usable_hosts():
    answer = expected_usable()
    assert check.usable_hosts.feedback(answer).ok is True
    for bad in (answer + 2, answer - 1, 0, "30", 30.0):
        feedback = check.usable_hosts.feedback(bad)
        assert feedback.ok is False
        assert str(answer) not in feedback.message + feedback.hint
    assert "every address" in check.usable_hosts.feedback(answer + 2).message


def test_inside():
    answer = expected_inside()
    assert check.inside.feedback(answer).ok is True
    assert check.inside.feedback(set(answer)).ok is True
    for bad in ([], answer[:-1], [*answer, "192.0.0.1"], list(check.INSIDE_CANDIDATES), "x"):
        feedback = check.inside.feedback(bad)
        assert feedback.ok is False
        for addr in answer:
            assert addr not in feedback.message + feedback.hint
    assert check.inside.feedback(["8.8.8.8"]).ok is False


def test_broadcast():
    answer = expected_broadcast()
    assert check.broadcast.feedback(answer).ok is True
    assert check.broadcast.feedback(f" {answer} ").ok is True
    network = str(ipaddress.ip_interface(check.BROADCAST_OF).network.network_address)
    for bad in (network, "10.20.37.255", "10.20.255.255", f"{answer}/21", "nonsense", 7):
        feedback = check.broadcast.feedback(bad)
        assert feedback.ok is False
        assert answer not in feedback.message + feedback.hint


def test_next_hop():
    assert check.next_hop.feedback(check.ROUTE_GATEWAY).ok is True
    for bad in (check.ROUTE_DESTINATION, "10.0.1.7", "10.0.2.1", None):
        feedback = check.next_hop.feedback(bad)
        assert feedback.ok is False
        assert check.ROUTE_GATEWAY not in feedback.message + feedback.hint


def test_office_plan_accepts_any_valid_placement():
    answer = a_valid_plan()
    assert check.office_plan.feedback(answer).ok is True
    from netcourse.cidr import plan

    reference = plan(check.PLAN_PARENT, check.PLAN_NEEDS)
    assert check.office_plan.feedback({r.name: r.network for r in reference.allocations}).ok


@pytest.mark.parametrize(
    "change",
    [
        {"printers": "192.168.21.0/29"},  # outside the parent
        {"developers": "192.168.20.0/26"},  # too small
        {"printers": "192.168.20.240/28"},  # bigger than needed
        {"printers": "192.168.20.3/29"},  # host bits set
        {"printers": "not an address"},
    ],
)
def test_office_plan_rejects(change):
    answer = {**a_valid_plan(), **change}
    feedback = check.office_plan.feedback(answer)
    assert feedback.ok is False


def test_office_plan_rejects_overlaps_and_wrong_names():
    answer = a_valid_plan()
    answer["sales"] = answer["developers"].replace("/25", "/26")
    assert check.office_plan.feedback(answer).ok is False
    assert "overlap" in check.office_plan.feedback(answer).message
    assert check.office_plan.feedback({"sales": "192.168.20.0/26"}).ok is False
    assert check.office_plan.feedback([]).ok is False


def test_summary():
    answer = str(ipaddress.ip_network("10.1.0.0/22"))
    assert ipaddress.ip_network(answer).subnets(new_prefix=24)  # the four /24s of the question
    assert [str(n) for n in ipaddress.ip_network(answer).subnets(new_prefix=24)] == list(
        check.SUMMARIZE_NETS
    )
    assert check.summary.feedback(answer).ok is True
    assert check.summary.feedback([answer]).ok is True
    for bad in (list(check.SUMMARIZE_NETS), ["10.1.0.0/23", "10.1.2.0/23"], "10.0.0.0/8", "x"):
        feedback = check.summary.feedback(bad)
        assert feedback.ok is False
        assert answer not in feedback.message + feedback.hint


def test_unanswered_is_yellow_not_red():
    assert check.usable_hosts.feedback(...).ok is None


def test_cloud_usable():
    net = ipaddress.ip_network(check.CLOUD_NET)
    assert check.CLOUD_PROVIDER == "azure"
    answer = net.num_addresses - 5  # Azure: network, gateway, two DNS, broadcast
    assert check.cloud_usable.feedback(answer).ok is True
    assert "Azure DNS" in check.cloud_usable.feedback(answer).message
    cases = {
        net.num_addresses - 2: "count for a LAN",
        net.num_addresses: "every address",
        net.num_addresses - 4: "Google Cloud would leave",
        answer - 3: "not the number",
    }
    for bad, fragment in cases.items():
        feedback = check.cloud_usable.feedback(bad)
        assert feedback.ok is False and fragment in feedback.message, bad
        assert str(answer) not in feedback.message + feedback.hint
    for bad in ("59", 59.0, True, None):
        assert check.cloud_usable.feedback(bad).ok is False
