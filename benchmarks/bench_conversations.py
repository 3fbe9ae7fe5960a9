"""Benchmark: conversations() against ``tshark -q -z conv,tcp`` on a 200,000-packet capture.

Generates the capture (IPv4, IPv6 and VLAN-tagged TCP/UDP), then times both in the same run and
prints both figures and the ratio. Goal: at least 10x faster than tshark.

    .venv/bin/python benchmarks/bench_conversations.py [packets]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import best_of

from netcourse.packets import conversations
from netcourse.packets.synthetic import synthetic_traffic, write_capture


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as tmp:
        frames, times = synthetic_traffic(count, seed=1, conversations=500)
        for fmt in ("pcap", "pcapng"):
            path = write_capture(Path(tmp) / f"bench.{fmt}", frames, times, fmt=fmt)
            ours = best_of(3, lambda p=path: conversations(p, "tcp"))
            rows = len(conversations(path, "tcp"))
            print(f"{fmt}: {count} packets, {path.stat().st_size / 1e6:.1f} MB, {rows} TCP convs")
            print(f"  netcourse conversations(): {ours:.3f} s")
            if shutil.which("tshark") is None:
                print("  tshark: not installed, no comparison")
                continue
            cmd = ["tshark", "-r", str(path), "-q", "-z", "conv,tcp"]
            theirs = best_of(
                1, lambda c=cmd: subprocess.run(c, capture_output=True, check=True, timeout=600)
            )
            print(f"  tshark -q -z conv,tcp:     {theirs:.3f} s")
            print(f"  ratio: {theirs / ours:.1f}x faster (goal >= 10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
