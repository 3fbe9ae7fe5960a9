"""`import netcourse` stays fast, and models never import views (checked in fresh interpreters)."""

import pkgutil
import subprocess
import sys

import netcourse

HEAVY = ("scapy", "matplotlib", "ipywidgets")
VIEWS = ("matplotlib", "ipywidgets")


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_netcourse_loads_no_heavy_dependency():
    out = run(
        "import sys, netcourse, netcourse.errors, netcourse.lessons\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    assert out.strip() == "[]", f"import netcourse pulled in {out.strip()}"


def model_modules():
    """Every module except the views (widgets, plots) and the tools that drive notebooks."""
    names = []
    for info in pkgutil.walk_packages(netcourse.__path__, "netcourse."):
        if info.name.startswith(("netcourse.widgets", "netcourse.plots", "netcourse.tools")):
            continue
        names.append(info.name)
    return sorted(names)


def test_models_never_import_widgets_or_matplotlib():
    modules = model_modules()
    assert "netcourse.checks" in modules and "netcourse.lessons" in modules
    code = (
        "import importlib, sys\n"
        "blame = {}\n"
        f"for name in {modules!r}:\n"
        "    before = set(sys.modules)\n"
        "    importlib.import_module(name)\n"
        f"    for view in {VIEWS!r}:\n"
        "        if view in sys.modules and view not in before:\n"
        "            blame[view] = name\n"
        "print(blame)\n"
    )
    assert run(code).strip() == "{}", "a model module imported a view library"
