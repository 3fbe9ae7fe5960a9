"""Benchmark: dissect() of one packet (goal < 5 ms) against scapy's own dissection and tshark.

Prints the best time of 200 calls (the shared ``best_of()``) for each frame of the shipped
captures, scapy's bare
``Ether(data)`` for the same bytes (the floor: dissect() adds the byte offsets on top), and
tshark's per-packet time for the whole capture (one process, so its start-up is included).

    .venv/bin/python benchmarks/bench_dissect.py
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys

from timing import best_of

from netcourse.packets import SAMPLES, dissect, read_capture, sample

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.l2 import Ether  # noqa: E402

RUNS = 200


def main() -> int:
    worst = 0.0
    for name in SAMPLES:
        cap = read_capture(name)
        for number in range(1, len(cap) + 1):
            data = cap.frame(number)
            ours = best_of(RUNS, lambda d=data: dissect(d))
            floor = best_of(RUNS, lambda d=data: Ether(d))
            worst = max(worst, ours)
            summary = dissect(data).summary
            print(
                f"{name:>8} #{number:<3} {ours * 1e3:6.3f} ms (scapy alone {floor * 1e3:6.3f} ms)"
                f"  {summary}"
            )
        if shutil.which("tshark"):
            cmd = ["tshark", "-r", str(sample(name)), "-V"]
            once = best_of(
                1, lambda c=cmd: subprocess.run(c, capture_output=True, check=True, timeout=120)
            )
            per = once / len(cap)
            print(f"{name:>8} tshark -V: {per * 1e3:.1f} ms per packet (with start-up)")
    print(
        f"slowest dissect(): {worst * 1e3:.3f} ms (goal < 5 ms): ratio to goal {5e-3 / worst:.1f}x"
    )
    return 0 if worst < 5e-3 else 1


if __name__ == "__main__":
    sys.exit(main())
