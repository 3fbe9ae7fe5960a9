"""The package's shape, read from its source: layers, no import cycles, small modules.

Every ``import`` is read from the syntax tree, the ones inside functions included (an import
hidden in a function still ties two modules together; the import test in a fresh interpreter
cannot see it). Layers, lowest first; a module imports only from its own layer or below:

0. the vocabulary: errors, protocols, readers, html, style
1. topic models: cidr, layers, switch, encodings, sockets, packets, firewall, vpc, data, lessons
2. journey (built on the models)
3. checks (exercise feedback)
4. views: plots and widgets
5. tools (exercise generation, doctor, slides, capture makers)
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "netcourse"

LAYERS: dict[str, int] = {
    "netcourse.errors": 0,
    "netcourse.protocols": 0,
    "netcourse.readers": 0,
    "netcourse.html": 0,
    "netcourse.style": 0,
    "netcourse.cidr": 1,
    "netcourse.layers": 1,
    "netcourse.switch": 1,
    "netcourse.encodings": 1,
    "netcourse.sockets": 1,
    "netcourse.packets": 1,
    "netcourse.firewall": 1,
    "netcourse.vpc": 1,
    "netcourse.data": 1,
    "netcourse.lessons": 1,
    "netcourse.journey": 2,
    "netcourse.checks": 3,
    "netcourse.plots": 4,
    "netcourse.widgets": 4,
    "netcourse.tools": 5,
}
#: Libraries heavy or optional enough to be imported where used, inside a function.
LAZY_LIBRARIES = ("scapy", "matplotlib", "ipywidgets", "anywidget", "IPython", "playwright")
#: Views: models (layers 0-3) never import these.
VIEW_LIBRARIES = ("matplotlib", "ipywidgets", "anywidget", "IPython.display")
MAX_LINES = 1000
#: Our own modules imported late, and why: each defers a heavy library the importer avoids.
DEFERRED: dict[tuple[str, str], str] = {
    ("netcourse.firewall.batch", "netcourse.packets"): "netcourse.packets loads scapy; the "
    "firewall lesson reads no capture until capture_packets is called",
    ("netcourse.firewall.batch", "netcourse.packets.link"): "the same: link.py is scapy's "
    "class per link type",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def imports(module: str) -> tuple[tuple[str, int, bool], ...]:
    """(imported module, line, inside a function) for every import statement of ``module``."""
    path = modules()[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                target = _resolve(module, child, path.name == "__init__.py")
                found.append((target, child.lineno, in_function))
                # "from netcourse.packets import streams" imports a submodule
                for alias in child.names:
                    sub = f"{target}.{alias.name}"
                    if sub in modules():
                        found.append((sub, child.lineno, in_function))
            visit(child, inner)

    visit(tree, False)
    return tuple(found)


def _internal(target: str) -> str | None:
    """The netcourse module an import names (the longest known prefix), or None."""
    parts = target.split(".")
    while parts:
        name = ".".join(parts)
        if name in modules():
            return name
        parts.pop()
    return None


def layer(module: str) -> int:
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return LAYERS[prefix]
    raise AssertionError(f"{module} has no layer in tests/test_architecture.py")


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in modules()}
    for module in modules():
        for target, _, _ in imports(module):
            internal = _internal(target)
            if internal and internal != module and not module.startswith(internal + "."):
                # a package importing its own submodules is how __init__ re-exports work;
                # a submodule importing its package's __init__ is a cycle like any other
                edges[module].add(internal)
    return edges


def test_every_module_has_a_layer():
    for module in modules():
        if module != "netcourse":
            layer(module)


def test_no_import_cycles_counting_imports_inside_functions():
    edges = graph()
    # Tarjan's strongly connected components, iteratively.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
    assert not cycles, f"import cycles: {cycles}"


def test_layers_point_one_way():
    wrong = []
    for module in modules():
        if module == "netcourse":
            continue
        for target, line, _ in imports(module):
            internal = _internal(target)
            if internal is None or internal == "netcourse":
                continue
            if layer(internal) > layer(module):
                wrong.append(f"{module}:{line} imports {internal}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_models_never_import_views():
    wrong = []
    for module in modules():
        if module == "netcourse" or layer(module) >= 4:
            continue
        for target, line, _ in imports(module):
            if target.startswith(VIEW_LIBRARIES):
                wrong.append(f"{module}:{line} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_imports_inside_functions_are_only_for_heavy_libraries():
    """The package root may defer its own modules (``import netcourse`` stays fast)."""
    wrong = []
    for module in modules():
        if module == "netcourse":
            continue
        for target, line, in_function in imports(module):
            if not in_function or (module, target) in DEFERRED:
                continue
            if not target.startswith(LAZY_LIBRARIES):
                wrong.append(f"{module}:{line} imports {target} inside a function")
    assert not wrong, f"{len(wrong)} imports inside functions:\n" + "\n".join(wrong)


def _says_why(lines: list[str], line: int) -> bool:
    """A comment on the import's line or in the block of imports and comments just above it."""
    index = line - 1
    if "#" in lines[index]:
        return True
    index -= 1
    while index >= 0:
        text = lines[index].strip()
        if text.startswith("#") or "#" in text and text.startswith(("import ", "from ")):
            return True
        if not text.startswith(("import ", "from ")) and text:
            return False
        index -= 1
    return False


def test_every_late_import_says_why():
    wrong = []
    for module, path in modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for target, line, in_function in imports(module):
            if in_function and not _says_why(lines, line):
                wrong.append(f"{module}:{line} imports {target} late without a comment saying why")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", sorted(modules()))
def test_no_module_over_a_thousand_lines(module):
    lines = modules()[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module}: {lines} lines (a package waiting to be made)"
