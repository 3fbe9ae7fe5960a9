"""Benchmarks time with the one shared best_of() (benchmarks/timing.py), never their own loops."""

import ast
import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("bench_*.py"))
#: Clocks a benchmark would need to time on its own.
CLOCKS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "process_time", "time"}


def timing():
    spec = importlib.util.spec_from_file_location("timing", BENCHMARKS / "timing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_benchmarks():
    assert len(SCRIPTS) >= 6


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_each_benchmark_times_with_the_shared_best_of(script):
    tree = ast.parse(script.read_text())
    imports = {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert ("timing", "best_of") in imports, f"{script.name} does not use timing.best_of"
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names}  # fmt: skip
    modules |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not modules & {"time", "timeit", "statistics"}, f"{script.name} times on its own"
    calls = {
        node.attr if isinstance(node, ast.Attribute) else node.id
        for node in ast.walk(tree)
        if isinstance(node, (ast.Attribute, ast.Name))
    }
    assert not calls & (CLOCKS - {"time"}), f"{script.name} reads a clock itself"


def test_best_of_calls_the_function_runs_times_and_keeps_the_fastest(monkeypatch):
    module = timing()
    ticks = iter([0.0, 5.0, 10.0, 11.0, 20.0, 23.0])  # three runs: 5 s, 1 s, 3 s
    monkeypatch.setattr(module.time, "perf_counter", lambda: next(ticks))
    calls = []
    assert module.best_of(3, lambda: calls.append(1)) == 1.0
    assert len(calls) == 3
