"""The firewall package: its modules import one another one way, all at the top.

Every import is read, those inside functions included: a cycle hidden in a function is
still a cycle. Inside functions only scapy (and netcourse.packets, which loads scapy) may
be imported, lazily, because the model runs without them.
"""

import ast
from pathlib import Path

import netcourse.firewall

PACKAGE = Path(netcourse.firewall.__file__).parent
LAZY = ("scapy", "netcourse.packets")


def imports():
    """(module, imported module, inside a function?) for every import of the package."""
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        module = "netcourse.firewall" + ("" if path.stem == "__init__" else f".{path.stem}")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                found.append((module, name, id(node) not in top))
    return found


def test_no_import_cycle_between_firewall_modules():
    graph: dict[str, set[str]] = {}
    for module, name, _ in imports():
        if name.startswith("netcourse.firewall.") and name != module:
            graph.setdefault(module, set()).add(name)
    done: set[str] = set()

    def visit(node, path):
        assert node not in path, f"import cycle: {' -> '.join([*path, node])}"
        if node in done:
            return
        for target in sorted(graph.get(node, ())):
            visit(target, [*path, node])
        done.add(node)

    for module in sorted(graph):
        visit(module, [])


def test_only_scapy_is_imported_inside_functions():
    late = [(module, name) for module, name, inside in imports() if inside]
    assert late, "scapy is expected to be imported late somewhere"
    assert all(name.startswith(LAZY) for _, name in late), late


def test_models_import_no_views():
    assert not [
        (module, name)
        for module, name, _ in imports()
        if name.startswith(("netcourse.widgets", "netcourse.plots", "ipywidgets", "matplotlib"))
    ]
