"""Benchmark: dissect() of one packet (goal < 5 ms) against scapy's own dissection and tshark.

Prints the median time per packet for each frame kind of the shipped captures, scapy's bare
``Ether(data)`` for the same bytes (the floor: dissect() adds the byte offsets on top), and
tshark's per-packet time for the whole capture (one process, so its start-up is included).

    .venv/bin/python benchmarks/bench_dissect.py
"""

from __future__ import annotations

import logging
import shutil
import statistics
import subprocess
import sys
import time

from netcourse.packets import SAMPLES, dissect, read_capture, sample

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.l2 import Ether  # noqa: E402


def median_time(fn, arg, runs: int = 200) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    worst = 0.0
    for name in SAMPLES:
        cap = read_capture(name)
        for number in range(1, len(cap) + 1):
            data = cap.frame(number)
            ours = median_time(dissect, data)
            floor = median_time(Ether, data)
            worst = max(worst, ours)
            summary = dissect(data).summary
            print(
                f"{name:>8} #{number:<3} {ours * 1e3:6.3f} ms (scapy alone {floor * 1e3:6.3f} ms)"
                f"  {summary}"
            )
        if shutil.which("tshark"):
            start = time.perf_counter()
            subprocess.run(
                ["tshark", "-r", str(sample(name)), "-V"],
                capture_output=True,
                check=True,
                timeout=120,
            )
            per = (time.perf_counter() - start) / len(cap)
            print(f"{name:>8} tshark -V: {per * 1e3:.1f} ms per packet (with start-up)")
    print(
        f"slowest dissect(): {worst * 1e3:.3f} ms (goal < 5 ms): ratio to goal {5e-3 / worst:.1f}x"
    )
    return 0 if worst < 5e-3 else 1


if __name__ == "__main__":
    sys.exit(main())
