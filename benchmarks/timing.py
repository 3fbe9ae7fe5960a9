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
