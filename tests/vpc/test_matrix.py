"""The matrix agrees with reachability() cell by cell, and is fast enough for 1,000 instances."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.style import TINTS
from netcourse.vpc import Vpc, examples
from netcourse.vpc.synthetic import synthetic


def agree(vpc, port, protocol="tcp"):
    m = vpc.matrix(port, protocol)
    for i, a in enumerate(m.ids):
        for j, b in enumerate(m.ids):
            if i == j:
                continue
            path = vpc.reachability(a, b, port, protocol)
            assert bool(m.reachable[i, j]) == path.reachable, (a, b)
            assert m.blocked_by[i, j] == (path.blocked_by or ""), (a, b)
    return m


def reachable_pair(vpc) -> tuple[str, str]:
    """Two instances in different subnets that can reach each other on 443: a question that
    walks every hop of the request and of the reply."""
    subnet = {i.label: i.subnet_id for i in vpc.instances.values()}
    return next(
        (a, b)
        for a, b, ok, _ in vpc.matrix(port=443).rows()
        if ok and a in subnet and b in subnet and subnet[a] != subnet[b]
    )


@pytest.mark.parametrize("name", list(examples()))
@pytest.mark.parametrize("port", [443, 5432, 22])
def test_matrix_matches_reachability_on_examples(name, port):
    agree(Vpc.example(name), port)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), port=st.sampled_from([443, 8080, 5432, 9050, 22]))
def test_matrix_matches_reachability_on_random_vpcs(seed, port):
    agree(Vpc.from_aws(synthetic(instances=25, seed=seed)), port)


def test_which_instances_can_reach_the_database():
    m = Vpc.example("three-tier").matrix(port=5432)
    assert m.who_can_reach("db") == ("app",)
    assert m.blocker("web", "db") == "sg-0a1b2c3d4e5f60003"
    assert "internet" in m.labels and m.blocker("internet", "db") == "i-0a1b2c3d4e5f60003"


def test_matrix_repr_and_html():
    m = Vpc.example("three-tier").matrix(port=443)
    html = m._repr_html_()
    assert "web" in repr(m) and "<table" in html
    n = len(m.labels)
    assert html.count("<tr") == n + 1 and html.count("<th>") == 2 * n + 1  # labels on both axes
    assert html.count(f"background:{TINTS['green']}") == m.count
    assert html.count(f"background:{TINTS['vermillion']}") == n * (n - 1) - m.count
    assert f'title="{m.blocker("internet", "db")}"' in html


def test_matrix_html_escapes_name_tags():
    data = Vpc.example().data
    data["Reservations"][0]["Instances"][0]["Tags"] = [{"Key": "Name", "Value": "<script>x"}]
    html = Vpc.from_aws(data).matrix(port=443)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;x" in html


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 10_000), port=st.sampled_from([443, 8080]))
def test_matrix_matches_reachability_on_random_dual_stack_vpcs(seed, port):
    agree(Vpc.from_aws(synthetic(instances=20, seed=seed, ipv6=True)), port)


@pytest.mark.parametrize(
    "ipv6, secondary",
    [(False, False), (True, False), (True, True)],
    ids=["ipv4", "dual-stack", "dual-stack-secondary"],
)
def test_matrix_of_1000_instances_under_2_s(ipv6, secondary):
    vpc = Vpc.from_aws(synthetic(instances=1000, seed=0, ipv6=ipv6, secondary=secondary))
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        m = vpc.matrix(port=443)
        best = min(best, time.perf_counter() - start)
    ends = len(vpc.interfaces) + 1  # every interface, and the internet
    assert m.reachable.shape == (ends, ends)
    assert ends == (1101 if secondary else 1001)
    assert best < 2.0


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 10_000), port=st.sampled_from([443, 8080]))
def test_matrix_matches_reachability_with_secondary_addresses(seed, port):
    agree(Vpc.from_aws(synthetic(instances=30, seed=seed, ipv6=True, secondary=True)), port)


def test_one_reachability_under_10_ms():
    vpc = Vpc.from_aws(synthetic(instances=1000, seed=0, ipv6=True, secondary=True))
    src, dst = reachable_pair(vpc)
    best = float("inf")
    for _ in range(20):
        start = time.perf_counter()
        vpc.reachability(src, dst, 443)
        best = min(best, time.perf_counter() - start)
    assert best < 0.010


@pytest.mark.parametrize("name", list(examples()))
@pytest.mark.parametrize("protocol, port", [("icmp", None), ("udp", 53)])
def test_matrix_matches_reachability_for_icmp_and_udp(name, protocol, port):
    agree(Vpc.example(name), port, protocol)
