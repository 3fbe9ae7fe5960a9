"""The VPC modules import at the top, form no cycle, stay small, and never import views."""

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "netcourse" / "vpc"
VIEWS = [ROOT / "netcourse" / "widgets" / "vpc.py", ROOT / "netcourse" / "plots" / "vpc.py"]
FILES = sorted(PACKAGE.glob("*.py")) + VIEWS + [ROOT / "netcourse" / "checks" / "vpc.py"]
#: Heavy optional libraries that may be imported inside a function (with a comment saying so).
HEAVY = ("matplotlib", "scapy", "ipywidgets")


def imports(path):
    """(module imported, inside a function?, line) for every import of a file."""
    tree = ast.parse(path.read_text())
    inner = {
        id(node)
        for func in ast.walk(tree)
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(func)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in inner, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module, id(node) in inner, node.lineno
            for alias in node.names:  # ``from netcourse import cidr`` imports a module too
                yield f"{node.module}.{alias.name}", id(node) in inner, node.lineno


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_imports_are_at_the_top_except_heavy_optional_ones(path):
    lines = path.read_text().splitlines()
    for module, in_function, line in imports(path):
        if in_function:
            assert module.split(".")[0] in HEAVY, f"{path.name}:{line} imports {module} late"
            assert "#" in lines[line - 1], f"{path.name}:{line}: say why it is imported late"


def module_name(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_no_import_cycles_among_the_vpc_modules():
    names = {module_name(p): p for p in PACKAGE.glob("*.py")}
    graph = {
        name: {m for m, _, _ in imports(path) if m in names and m != name}
        for name, path in names.items()
    }
    graph["netcourse.vpc"] = set()  # the package re-exports its modules; they never import it
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            node = todo.pop()
            assert node != start, f"{start} imports itself through {sorted(seen)}"
            if node not in seen:
                seen.add(node)
                todo.extend(graph[node])
    for name, path in names.items():
        imported = {m for m, _, _ in imports(path)}
        assert "netcourse.vpc" not in imported or name == "netcourse.vpc", name


def test_the_model_never_imports_views():
    for path in PACKAGE.glob("*.py"):
        for module, _, line in imports(path):
            root = module.split(".")
            assert root[0] not in ("matplotlib", "ipywidgets"), f"{path.name}:{line}"
            assert root[:2] not in (["netcourse", "widgets"], ["netcourse", "plots"]), path.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_modules_stay_under_1000_lines(path):
    assert len(path.read_text().splitlines()) < 1000


def code_strings(path):
    """Every string literal of a file's code (f-string pieces included), docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.value


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_formatter_escapes_pasted_colours_or_hand_built_tables(path):
    text = path.read_text()
    assert "fmt: skip" not in text and "fmt: off" not in text
    for literal in code_strings(path):
        assert not re.search(r"#[0-9A-Fa-f]{6}\b", literal), "colours come from netcourse.style"
        assert not re.search(r"<(table|tr|td|th)\b", literal), "tables come from netcourse.html"
