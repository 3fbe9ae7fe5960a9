"""How fast is one subnet() call, and one keystroke in the SubnetCalculator?

Prints our medians next to the standard library's ``ipaddress.ip_network`` parse and one call of
Debian's ``ipcalc`` command, as ratios. The budget from the lesson's issue: one ``subnet()`` call
plus the widget update under 2 ms. Run: ``.venv/bin/python benchmarks/bench_cidr.py``.
"""

from __future__ import annotations

import ipaddress
import random
import shutil
import statistics
import subprocess
import sys
import time

from netcourse.cidr import subnet
from netcourse.widgets.cidr import SubnetCalculator

BUDGET_MS = 2.0


def texts(count: int, seed: int) -> list[str]:
    """Distinct address/prefix texts, so that no call is answered from a cache."""
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < count:
        value = rng.getrandbits(32)
        found.add(f"{ipaddress.IPv4Address(value)}/{rng.randint(8, 30)}")
    return sorted(found)


def median_ms(action, inputs) -> float:
    timings = []
    for item in inputs:
        started = time.perf_counter_ns()
        action(item)
        timings.append(time.perf_counter_ns() - started)
    return statistics.median(timings) / 1e6


def main() -> int:
    calc = SubnetCalculator("10.0.2.3/16")

    def keystroke(text: str) -> None:
        calc.text.value = text  # the observer calls subnet(), binary() and split() and redraws

    ours_parse = median_ms(subnet, texts(3000, 1))
    ours_widget = median_ms(keystroke, texts(1000, 2))
    stdlib = median_ms(lambda t: ipaddress.ip_network(t, strict=False), texts(3000, 3))
    assert calc.errors.value == "", calc.errors.value

    print(f"subnet() alone                     median {ours_parse:8.4f} ms")
    print(
        f"subnet() + SubnetCalculator update median {ours_widget:8.4f} ms  (budget {BUDGET_MS} ms)"
    )
    print(f"ipaddress.ip_network() parse       median {stdlib:8.4f} ms")
    print(f"  ratio subnet() / ip_network():          {ours_parse / stdlib:8.1f}x")
    print(f"  ratio widget update / ip_network():     {ours_widget / stdlib:8.1f}x")
    ipcalc = shutil.which("ipcalc")
    if ipcalc:
        cmd = [ipcalc, "-n", "-b"]
        calls = median_ms(
            lambda t: subprocess.run([*cmd, t], capture_output=True, check=True, timeout=30),
            texts(15, 4),
        )
        print(f"ipcalc command (one process)       median {calls:8.4f} ms")
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
