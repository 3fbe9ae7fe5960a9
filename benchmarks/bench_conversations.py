"""Benchmark: conversations() against ``tshark -q -z conv,tcp`` on 200,000-packet captures of
two shapes, timed in the same run in interleaved rounds (see timing.interleaved), each the
best of its rounds: a few long conversations (4 bulk transfers at once) and
thousands of short ones (20,000 ten-packet exchanges, 20 at a time). Goal: at least 10x
faster than tshark on both. Then the peak memory of conversations() on a 1,000,000-packet
capture of each shape, in a fresh interpreter (goal: within 300 MB).

The captures are whole TCP conversations with advancing sequence numbers (see
netcourse/packets/flows.py), so tshark's TCP analysis does its ordinary work on them.

    .venv/bin/python benchmarks/bench_conversations.py [packets] [--memory]
        [--shape=long|short] [--format=pcap|pcapng]

``--shape`` and ``--format`` time one shape or one format only (on a shared machine, the
one being worked on).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import best_of, interleaved

from netcourse.packets import conversations
from netcourse.packets.flows import write_flows

#: name -> (conversations per 200,000 packets, data bytes per segment, conversations at once)
SHAPES = {
    "few long conversations": (4, 1000, 4),
    "many short conversations": (20_000, 100, 20),
}

#: Run in a fresh interpreter: the peak of what conversations() allocates (the file is mapped,
#: not read into memory) and the process's peak resident memory (VmHWM, the interpreter,
#: libraries and the file's pages touched included).
_PEAK = """
import re, sys, tracemalloc
from pathlib import Path
from netcourse.packets import conversations
if sys.argv[2] == "traced":  # tracing costs memory of its own: VmHWM is read untraced
    tracemalloc.start()
rows = len(conversations(sys.argv[1]))
peak = tracemalloc.get_traced_memory()[1] >> 20
hwm = int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text())[1]) >> 10
print(rows, peak, hwm)
"""


def _shape(path: Path, name: str, packets: int, fmt: str, payload: int | None = None) -> Path:
    convs, size, concurrent = SHAPES[name]
    convs = convs if convs < 100 else convs * packets // 200_000  # short ones stay ten long
    payload = size if payload is None else payload
    return write_flows(path, packets=packets, conversations=convs, payload=payload,
                       concurrent=concurrent, fmt=fmt)  # fmt: skip


#: --shape's words for the shapes.
SHAPE_WORDS = {"long": "few long conversations", "short": "many short conversations"}


def speed(count: int, tmp: Path, shapes=tuple(SHAPES), formats=("pcap", "pcapng")) -> None:
    for name in shapes:
        for fmt in formats:
            path = _shape(tmp / f"bench.{fmt}", name, count, fmt)
            mine = lambda p=path: conversations(p, "tcp")  # noqa: E731
            rows = len(mine())
            size = path.stat().st_size / 1e6
            print(f"{name}, {fmt}: {count} packets, {size:.1f} MB, {rows} TCP conversations")
            if shutil.which("tshark") is None:
                print(f"  netcourse conversations(): {best_of(3, mine):.3f} s")
                print("  tshark: not installed, no comparison")
                continue
            cmd = ["tshark", "-r", str(path), "-q", "-z", "conv,tcp"]
            run = lambda c=cmd: subprocess.run(c, capture_output=True, check=True, timeout=600)  # noqa: E731
            ours, theirs = interleaved(3, mine, run)  # each the best of its rounds
            print(f"  netcourse conversations(): {ours:.3f} s")
            print(f"  tshark -q -z conv,tcp:     {theirs:.3f} s")
            print(f"  ratio: {theirs / ours:.1f}x faster (goal >= 10x)")


def memory(tmp: Path, packets: int = 1_000_000) -> None:
    for name in SHAPES:  # 100 bytes a data segment: the file is read once, so it counts
        path = _shape(tmp / "big.pcap", name, packets, "pcap", payload=100)
        runs = [
            subprocess.run(
                [sys.executable, "-c", _PEAK, str(path), how],
                capture_output=True,
                text=True,
                check=True,
                timeout=600,
            ).stdout.split()  # fmt: skip
            for how in ("traced", "plain")
        ]
        (rows, peak, _), (_, _, hwm) = runs
        size = path.stat().st_size / 1e6
        print(f"{name}: {packets} packets, {size:.0f} MB file, {rows} TCP conversations")
        print(f"  conversations() allocates at most {peak} MB (goal <= 300; the file is mapped)")
        print(f"  peak resident memory of the process (the file's pages in it): {hwm} MB")


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 200_000
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    shapes = (SHAPE_WORDS[options["shape"]],) if "shape" in options else tuple(SHAPES)
    formats = (options["format"],) if "format" in options else ("pcap", "pcapng")
    with tempfile.TemporaryDirectory() as tmp:
        speed(count, Path(tmp), shapes, formats)
        if "--memory" in sys.argv:
            memory(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
