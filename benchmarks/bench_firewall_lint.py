"""How loading and lint scale: a 10,000-rule real-shaped file, allow-lists, a 1 MB comment.

First the issue's goals on a real-shaped file of ``REAL_RULES`` rules (bench_firewall's
:func:`real_shaped`: fail2ban bans, kube-proxy services and node ports, Docker's published
ports, ufw's allow rules): ``Firewall.from_iptables`` under 1 s and ``lint`` under 2 s,
each printed beside the reference measured in the same run, the kernel's own loader
(``iptables-restore`` of the same file into a throwaway network namespace; needs root and
iptables, else it says why it is left out), as ratios. Then lint on other kinds of
ruleset, built with a fixed seed:
- ``hosts``: an allow-list, one rule per host and service (what generated rulesets look
  like: each rule overlaps few others);
- ``mixed``: the random stateless rules of bench_firewall.py, which overlap a lot (wide
  sources, port ranges, multiport), with a DROP every tenth rule (no real generator writes
  these; lint's exact set arithmetic is at its slowest there).
Prints the seconds of each run (best of ``RUNS``) and how many findings lint made.
Run: .venv/bin/python benchmarks/bench_firewall_lint.py [--sizes 1200 10000] [--kinds hosts]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import subprocess

from bench_firewall import real_shaped, rule_lines
from timing import best_of

from netcourse.firewall import Firewall, lint
from netcourse.firewall.parser import parse_ruleset

RUNS = 3
REAL_RULES = 10_000
LOAD_GOAL, LINT_GOAL = 1.0, 2.0  # seconds, from the issue
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


@contextlib.contextmanager
def namespace():
    """A throwaway network namespace (its name, or None with why there is none)."""
    if os.geteuid() != 0 or not (shutil.which("ip") and shutil.which("iptables-restore")):
        yield None, "needs root, ip and iptables-restore"
        return
    name = f"fwfind-bench-{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if made.returncode:
        yield None, f"ip netns add failed: {made.stderr.strip()}"
        return
    try:
        yield name, ""
    finally:
        subprocess.run(["ip", "netns", "delete", name], capture_output=True)


def kernel_load(ns: str, text: str) -> None:
    """iptables-restore of ``text`` in namespace ``ns`` (the kernel's tables are replaced)."""
    subprocess.run(
        ["ip", "netns", "exec", ns, "iptables-restore"],
        input=text,
        text=True,
        check=True,
        capture_output=True,
        timeout=120,
    )


def real_goals(runs: int) -> None:
    """Load and lint the real-shaped file; print each beside iptables-restore, as ratios."""
    text = real_shaped(REAL_RULES)
    fw = Firewall.from_iptables(text)
    count = sum(len(chain.rules) for chain in fw.chains.values())
    load = best_of(runs, lambda: Firewall.from_iptables(text))
    linting = best_of(runs, lambda: lint(fw))
    print(f"real-shaped file, {count:,} rules, {len(lint(fw))} findings:", flush=True)
    with namespace() as (ns, why):
        kernel = best_of(runs, lambda: kernel_load(ns, text)) if ns else None
    for what, ours, goal in (("load", load, LOAD_GOAL), ("lint", linting, LINT_GOAL)):
        met = "met" if ours < goal else "NOT met"
        line = f"  {what}: {ours:6.3f} s (goal < {goal:g} s: {met})"
        if kernel is not None:
            line += f"; iptables-restore {kernel:.3f} s, ratio ours/theirs {ours / kernel:.1f}x"
        print(line, flush=True)
    if kernel is None:
        print(f"  reference iptables-restore left out: {why}")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=[1200, 10000])
    args.add_argument("--kinds", nargs="+", default=["hosts"], choices=list(KINDS))
    args.add_argument("--runs", type=int, default=RUNS)
    options = args.parse_args()
    real_goals(options.runs)
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
