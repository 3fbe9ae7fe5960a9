"""How fast is one subnet() call, and one keystroke in the SubnetCalculator?

Prints our time per call (the best of three batches of distinct inputs, timed by the shared
``best_of()``) next to the standard library's ``ipaddress.ip_network`` parse and one call of
Debian's ``ipcalc`` command, as ratios. The budget from the lesson's issue: one ``subnet()`` call
plus the widget update under 2 ms. Run: ``.venv/bin/python benchmarks/bench_cidr.py``.
"""

from __future__ import annotations

import ipaddress
import random
import shutil
import subprocess
import sys
from collections.abc import Callable

from timing import best_of

from netcourse.cidr import subnet
from netcourse.widgets.cidr import SubnetCalculator

BUDGET_MS = 2.0
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
    if ours_widget >= BUDGET_MS:
        print(f"OVER BUDGET: {ours_widget:.3f} ms >= {BUDGET_MS} ms", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
