"""Benchmark the sockets lesson against the shell tools it stands in for.

Prints, for one live loopback lab: how long ``SocketLab.table()`` takes against ``ss -tanp``
on the same port, and ``who_uses(port)`` against ``lsof -n -P -i TCP:PORT``, with ratios
(ours / theirs; below 1 means faster), each the best of ROUNDS runs of the shared
``best_of()``. The shell tools include process start-up, which is what a learner pays when
running them. Run: ``.venv/bin/python benchmarks/bench_sockets.py``.
"""

from __future__ import annotations

import shutil
import subprocess

from timing import best_of

from netcourse.sockets import SocketLab, lsof_command, ss_command, who_uses

ROUNDS = 15


def _shell(command: str):
    return lambda: subprocess.run(command, shell=True, capture_output=True, timeout=30)


def main() -> None:
    with SocketLab() as lab:
        for _ in range(5):
            lab.open_client()
        lab.close_client(1)
        rows = [
            ("socket table", lab.table, ss_command(lab.port)),
            ("who holds the port", lambda: who_uses(lab.port), lsof_command(lab.port)),
        ]
        print(f"{'task':<20} {'ours (ms)':>10} {'peer (ms)':>10} {'ratio':>7}  peer")
        for name, ours, peer in rows:
            tool = peer.split()[0]
            mine = best_of(ROUNDS, ours) * 1000
            if shutil.which(tool) is None:
                print(f"{name:<20} {mine:>10.2f} {'-':>10} {'-':>7}  {tool} not installed")
                continue
            theirs = best_of(ROUNDS, _shell(peer)) * 1000
            print(f"{name:<20} {mine:>10.2f} {theirs:>10.2f} {mine / theirs:>7.2f}  {peer}")


if __name__ == "__main__":
    main()
