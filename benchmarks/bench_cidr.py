"""How fast is one subnet() call, one keystroke in the SubnetCalculator, and a big plan?

Prints our time per call (the best of three batches of distinct inputs, timed by the shared
``best_of()``) next to the standard library's ``ipaddress.ip_network`` parse and one call of
Debian's ``ipcalc`` command, as ratios. The budget from the lesson's issue: one ``subnet()`` call
plus the widget update under 2 ms. The planner must stay near-linear: 2,000 and 10,000 needs
through ``plan()`` and through the SubnetPlanner (table and figure) are timed, and 10,000 may
take at most ``PLAN_RATIO`` times as long as 2,000.
Run: ``.venv/bin/python benchmarks/bench_cidr.py``.
"""

from __future__ import annotations

import ipaddress
import random
import shutil
import subprocess
import sys
from collections.abc import Callable

from timing import best_of

from netcourse.cidr import plan, subnet
from netcourse.widgets.cidr import SubnetCalculator, SubnetPlanner

BUDGET_MS = 2.0
#: 5 times the needs may cost at most this many times as long (linear would be 5).
PLAN_RATIO = 8.0
RUNS = 3


def texts(count: int, seed: int) -> list[str]:
    """Distinct address/prefix texts, so that no call is answered from a cache."""
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < count:
        value = rng.getrandbits(32)
        found.add(f"{ipaddress.IPv4Address(value)}/{rng.randint(8, 30)}")
    return sorted(found)


def per_call_ms(action: Callable[[str], object], count: int, seed: int) -> float:
    """Milliseconds per call: the best of RUNS batches, each of ``count`` inputs never seen."""
    batches = iter([texts(count, seed + run) for run in range(RUNS)])

    def batch() -> None:
        for text in next(batches):
            action(text)

    return best_of(RUNS, batch) / count * 1e3


def needs_text(count: int) -> tuple[dict[str, int], str]:
    """``count`` needs of 1-200 hosts, as a dict and as the planner's text."""
    needs = {f"n{i}": (i * 7919) % 200 + 1 for i in range(count)}
    return needs, "\n".join(f"{name}: {hosts}" for name, hosts in needs.items())


def planner_seconds() -> dict[int, tuple[float, float]]:
    """(plan() alone, SubnetPlanner update) in seconds, for 2,000 and 10,000 needs."""
    planner = SubnetPlanner("10.0.0.0/8", {"warm-up": 1})
    found = {}
    for count in (2000, 10000):
        needs, text = needs_text(count)
        alone = best_of(3, lambda needs=needs: plan("10.0.0.0/8", needs))

        def update(text=text):
            planner.needs.value = ""
            planner.needs.value = text

        found[count] = (alone, best_of(2, update))
        assert planner.errors.value == "", planner.errors.value
    return found


def main() -> int:
    calc = SubnetCalculator("10.0.2.3/16")

    def keystroke(text: str) -> None:
        calc.text.value = text  # the observer calls subnet(), binary() and split() and redraws

    ours_parse = per_call_ms(subnet, 3000, 10)
    ours_widget = per_call_ms(keystroke, 1000, 20)
    stdlib = per_call_ms(lambda t: ipaddress.ip_network(t, strict=False), 3000, 30)
    assert calc.errors.value == "", calc.errors.value

    print(f"subnet() alone                     per call {ours_parse:8.4f} ms")
    print(
        f"subnet() + SubnetCalculator update per call {ours_widget:8.4f} ms"
        f"  (budget {BUDGET_MS} ms)"
    )
    print(f"ipaddress.ip_network() parse       per call {stdlib:8.4f} ms")
    print(f"  ratio subnet() / ip_network():          {ours_parse / stdlib:8.1f}x")
    print(f"  ratio widget update / ip_network():     {ours_widget / stdlib:8.1f}x")
    ipcalc = shutil.which("ipcalc")
    if ipcalc:
        cmd = [ipcalc, "-n", "-b"]
        calls = per_call_ms(
            lambda t: subprocess.run([*cmd, t], capture_output=True, check=True, timeout=30),
            5,
            40,
        )
        print(f"ipcalc command (one process)       per call {calls:8.4f} ms")
        print(f"  ratio ipcalc / subnet():                {calls / ours_parse:8.0f}x")
        print(f"  ratio ipcalc / widget update:           {calls / ours_widget:8.0f}x")
    else:
        print("ipcalc command: not installed, not measured")
    planned = planner_seconds()
    for count, (alone, widget) in planned.items():
        print(f"{count:>6,} needs: plan() {alone:7.3f} s, SubnetPlanner update {widget:7.3f} s")
    ratio = planned[10000][1] / planned[2000][1]
    print(f"  ratio 10,000 / 2,000 needs (planner):   {ratio:8.1f}x  (at most {PLAN_RATIO}x)")
    failed = 0
    if ours_widget >= BUDGET_MS:
        print(f"OVER BUDGET: {ours_widget:.3f} ms >= {BUDGET_MS} ms", file=sys.stderr)
        failed = 1
    if ratio > PLAN_RATIO:
        print(f"NOT LINEAR: the planner's ratio is {ratio:.1f}x", file=sys.stderr)
        failed = 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
