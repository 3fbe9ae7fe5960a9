"""Packaging: the chosen dependencies and extras, and package data that ships in the wheel.

Binder's environment.yml is checked against pyproject.toml in tests/test_binder.py.
"""

import re
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # wheel_build: one wheel build at a time
import yaml
from wheel_build import build_wheel  # noqa: E402

from netcourse.tools import DEVELOPER_TOOLS  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {"jupyterlab", "ipywidgets", "matplotlib", "netaddr", "scapy", "psutil", "numpy"}


def split(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def test_runtime_dependencies_are_the_chosen_ones():
    names = {split(spec)[0] for spec in pyproject()["dependencies"]}
    assert REQUIRED <= names
    assert pyproject()["requires-python"] == ">=3.10"


def test_extras_hold_the_test_and_dev_tools():
    extras = pyproject()["optional-dependencies"]
    assert {"pytest", "nbval", "hypothesis", "playwright"} <= {split(s)[0] for s in extras["test"]}
    assert "ruff" in {split(s)[0] for s in extras["dev"]}


def test_the_wheel_ships_every_data_file(tmp_path):
    """Captures, example VPCs and the widgets' browser modules reach learners who install the
    wheel, not only a checkout."""
    wheel = build_wheel(tmp_path)
    shipped = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        path.relative_to(ROOT).as_posix()
        for data in (ROOT / "netcourse" / "data", ROOT / "netcourse" / "widgets" / "static")
        for path in data.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert any(name.endswith(".pcap") for name in wanted)
    assert any("/vpc/" in name for name in wanted)
    assert any(name.endswith("static/packet_list.js") for name in wanted)
    assert wanted <= shipped, f"missing from the wheel: {sorted(wanted - shipped)}"


#: Developer tools (``make images``) may import the test extra; see netcourse/tools/__init__.py.
DEV_TOOLS = {name.replace(".", "/") + ".py" for name in DEVELOPER_TOOLS}


def _imported_top_levels(dev_tools: bool = False) -> set[str]:
    """The top-level names of every module the package imports (inside functions too)."""
    import ast

    names = set()
    for path in (ROOT / "netcourse").rglob("*.py"):
        if (path.relative_to(ROOT).as_posix() in DEV_TOOLS) != dev_tools:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_every_library_the_package_imports_is_a_declared_dependency():
    """A library that only arrives as another one's dependency can vanish in its next release
    (the doctor once imported ``packaging`` that way)."""
    import importlib.metadata

    distributions = importlib.metadata.packages_distributions()
    stdlib = set(sys.stdlib_module_names)
    declared = {split(spec)[0] for spec in pyproject()["dependencies"]}
    undeclared = {}
    for name in sorted(_imported_top_levels() - stdlib - {"netcourse", "__future__"}):
        owners = {dist.lower().replace("_", "-") for dist in distributions.get(name, [name])}
        if not owners & declared:
            undeclared[name] = sorted(owners)
    assert undeclared == {}


def test_developer_tools_import_only_dependencies_and_the_test_extra():
    import importlib.metadata

    distributions = importlib.metadata.packages_distributions()
    stdlib = set(sys.stdlib_module_names)
    project = pyproject()
    declared = {split(spec)[0] for spec in project["dependencies"]}
    declared |= {split(spec)[0] for spec in project["optional-dependencies"]["test"]}
    undeclared = {}
    for name in sorted(_imported_top_levels(dev_tools=True) - stdlib - {"netcourse", "__future__"}):
        owners = {dist.lower().replace("_", "-") for dist in distributions.get(name, [name])}
        if not owners & declared:
            undeclared[name] = sorted(owners)
    assert undeclared == {}
    assert all((ROOT / tool).is_file() for tool in DEV_TOOLS)
