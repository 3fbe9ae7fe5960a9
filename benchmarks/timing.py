"""Timing shared by the benchmark scripts (each runs with this folder on sys.path)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(runs: int, func: Callable[[], object]) -> float:
    """The fastest of ``runs`` calls of ``func``, in seconds (the least disturbed by other load)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def interleaved(rounds: int, ours: Callable[[], object], theirs: Callable[[], object]):
    """The fastest time of each of two functions over ``rounds`` rounds that call one, then
    the other, in seconds: a burst of load on a shared machine then falls on both, so their
    ratio is less at the mercy of when each was timed."""
    best_ours = best_theirs = float("inf")
    for _ in range(rounds):
        best_ours = min(best_ours, best_of(3, ours))
        best_theirs = min(best_theirs, best_of(1, theirs))
    return best_ours, best_theirs
