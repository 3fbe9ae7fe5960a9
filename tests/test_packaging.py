"""Packaging: pyproject.toml and Binder's environment.yml agree; package data ships in the wheel."""

import re
import sys
from pathlib import Path

import yaml

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


def test_environment_yml_matches_pyproject():
    env = environment()
    assert env["channels"] == ["conda-forge"]
    conda = {}
    pip_section = []
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            pip_section += entry.get("pip", [])
        elif not entry.startswith("python="):
            name, version = split(entry)
            conda[name] = version
    wanted = dict(split(spec) for spec in pyproject()["dependencies"])
    got = {name: version for name, version in conda.items() if name not in ("python", "pip")}
    assert got == wanted, "environment.yml and pyproject.toml list different dependencies"
    assert "-e ." in pip_section, "Binder must install the package itself (pip: -e .)"


def test_environment_pins_python_within_the_supported_range():
    deps = environment()["dependencies"]
    pins = [d for d in deps if isinstance(d, str) and d.startswith("python")]
    assert len(pins) == 1
    version = tuple(int(x) for x in re.findall(r"\d+", pins[0])[:2])
    assert version >= (3, 10)


def test_binder_config_lives_in_one_place():
    assert not (ROOT / "binder").exists() or not (ROOT / "environment.yml").exists(), (
        "repo2docker ignores root files when binder/ exists: keep one"
    )
    assert not (ROOT / "runtime.txt").exists(), "runtime.txt is ignored beside environment.yml"


def test_package_data_is_declared_for_the_wheel():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]
    assert "**/*" in package_data["netcourse.data"]
