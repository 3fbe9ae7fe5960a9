"""Benchmark the VPC model: one reachability question, and the all-pairs matrix.

Prints our figures, the closest peer measured in the same run, and the ratio. There is no
offline peer for AWS's own Reachability Analyzer (a cloud API), so one question is compared
with its budget (10 ms), and the vectorised matrix with the straightforward way to get the
same table: one ``reachability()`` call per pair.

Run: .venv/bin/python benchmarks/bench_vpc.py
"""

from __future__ import annotations

from timing import best_of

from netcourse.vpc import Vpc
from netcourse.vpc.synthetic import synthetic


def pairwise(vpc: Vpc, port: int) -> int:
    """The peer: the matrix computed as one reachability() call per ordered pair."""
    ends = list(vpc.instances) + ["internet"]
    return sum(vpc.reachability(a, b, port).reachable for a in ends for b in ends if a != b)


def reachable_pair(vpc) -> tuple[str, str]:
    """Two instances in different subnets that can reach each other on 443: a question that
    walks every hop of the request and of the reply."""
    subnet = {i.label: i.subnet_id for i in vpc.instances.values()}
    return next(
        (a, b)
        for a, b, ok, _ in vpc.matrix(port=443).rows()
        if ok and a in subnet and b in subnet and subnet[a] != subnet[b]
    )


def main() -> None:
    vpc = Vpc.example("three-tier")
    questions = [("internet", "web", 443), ("app", "internet", 443), ("web", "db", 5432)]
    for src, dst, port in questions:
        ours = best_of(200, lambda s=src, d=dst, p=port: vpc.reachability(s, d, p))
        print(
            f"reachability {src} -> {dst}:{port} on three-tier: {ours * 1e3:.3f} ms "
            f"(budget 10 ms, {0.010 / ours:.0f}x under budget)"
        )

    small = Vpc.from_aws(synthetic(instances=150, seed=0))
    ours = best_of(3, lambda: small.matrix(port=443))
    peer = best_of(1, lambda: pairwise(small, 443))
    same = small.matrix(port=443).count == pairwise(small, 443)
    print(
        f"matrix, 150 instances: ours {ours:.3f} s, peer (one reachability() per pair) "
        f"{peer:.3f} s, ratio {peer / ours:.0f}x; same table: {same}"
    )

    big = Vpc.from_aws(synthetic(instances=1000, seed=0))
    ours = best_of(3, lambda: big.matrix(port=443))
    pairs = 1001 * 1000
    per_pair = peer / (151 * 150)
    print(
        f"matrix, 1000 instances + internet ({pairs:,} pairs): ours {ours:.3f} s "
        f"(budget 2 s); peer extrapolated from 150 instances {per_pair * pairs:.1f} s, "
        f"ratio {per_pair * pairs / ours:.0f}x"
    )

    dual = Vpc.from_aws(synthetic(instances=1000, seed=0, ipv6=True))
    ours = best_of(3, lambda: dual.matrix(port=443))
    web = next(i.instance_id for i in dual.instances.values() if i.name.startswith("web"))
    one = best_of(200, lambda: dual.reachability("2001:db8:7::5", web, 443))
    print(
        f"dual-stack, 1000 instances: matrix {ours:.3f} s (budget 2 s); one IPv6 "
        f"reachability() {one * 1e3:.3f} ms (budget 10 ms)"
    )

    # every interface with a secondary address, one instance in ten with a second interface
    small = Vpc.from_aws(synthetic(instances=150, seed=0, ipv6=True, secondary=True))
    peer = best_of(1, lambda: pairwise(small, 443))
    per_pair = peer / (len(small.interfaces) + 1) / len(small.interfaces)
    full = Vpc.from_aws(synthetic(instances=1000, seed=0, ipv6=True, secondary=True))
    ends = len(full.interfaces) + 1
    ours = best_of(3, lambda: full.matrix(port=443))
    print(
        f"dual-stack with secondary addresses, 1000 instances ({ends - 1} interfaces + "
        f"internet, {ends * (ends - 1):,} pairs): matrix ours {ours:.3f} s (budget 2 s); peer "
        f"(one reachability() per pair, extrapolated from 150 instances) "
        f"{per_pair * ends * (ends - 1):.1f} s, ratio {per_pair * ends * (ends - 1) / ours:.0f}x"
    )
    src, dst = reachable_pair(full)
    one = best_of(200, lambda: full.reachability(src, dst, 443))
    print(
        f"one reachable reachability() {src} -> {dst}:443 in that VPC: {one * 1e3:.3f} ms "
        "(budget "
        f"10 ms, {0.010 / one:.0f}x under); reference (the average reachability() over "
        f"every pair of the 150-instance VPC above) {per_pair * 1e3:.3f} ms, "
        f"ratio {per_pair / one:.2f}"
    )


if __name__ == "__main__":
    main()
