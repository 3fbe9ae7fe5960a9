"""How lint and the rule parser scale: lint on 1,200 and 5,000 rules, and a 1 MB comment.

Two kinds of ruleset, both built with a fixed seed:
- ``hosts``: an allow-list, one rule per host and service (what generated rulesets look
  like: each rule overlaps few others);
- ``mixed``: the random stateless rules of bench_firewall.py, which overlap a lot (wide
  sources, port ranges, multiport), with a DROP every tenth rule.
Prints the seconds of each run (best of ``RUNS``) and how many findings lint made.
Run: .venv/bin/python benchmarks/bench_firewall_lint.py [--sizes 1200 5000] [--kinds hosts]
"""

from __future__ import annotations

import argparse
import random

from bench_firewall import rule_lines
from timing import best_of

from netcourse.firewall import lint
from netcourse.firewall.parser import parse_ruleset

RUNS = 3
PORTS = [22, 25, 53, 80, 123, 443, 993, 3306, 5432, 8080]


def hosts(count: int, seed: int = 4) -> str:
    """An allow-list: ``count`` rules, each one host (or small subnet) and one service."""
    rng = random.Random(seed)
    lines = ["-P INPUT DROP"]
    for index in range(count):
        net = f"10.{index // 250 % 256}.{index % 250}.{rng.randrange(1, 255)}"
        if rng.random() < 0.2:
            net = f"10.{index // 250 % 256}.{index % 250}.0/28"
        proto = rng.choice(["tcp", "tcp", "udp"])
        target = "DROP" if rng.random() < 0.1 else "ACCEPT"
        lines.append(f"-A INPUT -s {net} -p {proto} --dport {rng.choice(PORTS)} -j {target}")
    return "\n".join(lines)


def mixed(count: int, seed: int = 4) -> str:
    """Random overlapping stateless rules, drawn as bench_firewall.py draws them."""
    return "\n".join(rule_lines(random.Random(seed), count))


KINDS = {"hosts": hosts, "mixed": mixed}


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=[1200, 5000])
    args.add_argument("--kinds", nargs="+", default=list(KINDS), choices=list(KINDS))
    args.add_argument("--runs", type=int, default=RUNS)
    options = args.parse_args()
    comment = '-A INPUT -m comment --comment "' + "x" * 1_000_000 + '" -j ACCEPT'
    seconds = best_of(options.runs, lambda: parse_ruleset(comment))
    print(f"parse one rule with a 1 MB comment: {seconds:.3f} s", flush=True)
    for kind in options.kinds:
        for size in options.sizes:
            ruleset = parse_ruleset(KINDS[kind](size))
            seconds = best_of(options.runs, lambda ruleset=ruleset: lint(ruleset))
            found = len(lint(ruleset))
            print(f"lint {kind:<5} {size:>5} rules: {seconds:8.3f} s, {found} findings", flush=True)


if __name__ == "__main__":
    main()
