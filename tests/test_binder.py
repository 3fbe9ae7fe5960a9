"""Binder builds what the course needs: environment.yml, pyproject.toml and repo2docker agree.

repo2docker reads environment.yml (conda-forge) into its own base environment, which already
holds JupyterLab 4 and ipywidgets 8, and runs ``postBuild`` if present. These tests check what
that build would do without running it: every dependency pyproject.toml declares is in
environment.yml with the same bounds, the bounds admit repo2docker's base versions, every
third-party module the package and the notebooks import is declared, nothing would override or
be silently ignored, and the README's badge opens the welcome notebook in JupyterLab.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from netcourse.tools import DEVELOPER_TOOLS

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
#: What repo2docker's base environment ships (its conda env): our bounds must admit them.
REPO2DOCKER_BASE = {"jupyterlab": "4.2.5", "ipywidgets": "8.1.5"}
#: Files that make repo2docker pick another build pack or ignore environment.yml.
OVERRIDING_FILES = ("Dockerfile", "default.nix", "Pipfile", "Pipfile.lock", "runtime.txt")
#: PyPI names whose conda-forge package is named differently (none of ours so far).
CONDA_NAMES: dict[str, str] = {}
#: Modules imported only on Python versions where they are not in the standard library.
VERSION_BACKPORTS = {"tomli"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _environment() -> dict:
    path = ROOT / "environment.yml"
    assert path.exists(), "environment.yml is missing: Binder would not know what to install"
    return yaml.safe_load(path.read_text())


def _conda_specs() -> dict[str, str]:
    """Conda dependencies as {name: version spec}, python and pip left out."""
    specs = {}
    for entry in _environment()["dependencies"]:
        if isinstance(entry, str):
            match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", entry)
            assert match, f"environment.yml: cannot read {entry!r}"
            specs[canonicalize_name(match.group(1))] = match.group(2).replace(" ", "")
    specs.pop("pip", None)
    return specs


def _pip_section() -> list[str]:
    return [
        line
        for entry in _environment()["dependencies"]
        if isinstance(entry, dict)
        for line in entry.get("pip", [])
    ]


def _declared() -> dict[str, Requirement]:
    return {
        canonicalize_name(req.name): req
        for req in (Requirement(spec) for spec in _pyproject()["dependencies"])
    }


def test_every_runtime_dependency_is_in_environment_yml_with_the_same_bounds():
    conda = _conda_specs()
    python = conda.pop("python", None)
    assert python, "environment.yml must pin python (unpinned means an old default)"
    declared = {CONDA_NAMES.get(name, name): req for name, req in _declared().items()}
    missing = sorted(set(declared) - set(conda))
    extra = sorted(set(conda) - set(declared))
    assert not missing, f"in pyproject.toml but not environment.yml: {missing}"
    assert not extra, f"in environment.yml but not pyproject.toml: {extra}"
    for name, req in declared.items():
        assert _as_pip(conda[name]) == req.specifier, (
            f"{name}: environment.yml says {conda[name]!r}, pyproject.toml says {req.specifier}"
        )


def _as_pip(conda_spec: str) -> SpecifierSet:
    """A conda version spec as a pip SpecifierSet (conda's `=1.2` means `==1.2.*`)."""
    if re.fullmatch(r"=[^=<>!~,]+", conda_spec):
        return SpecifierSet(f"=={conda_spec[1:]}.*")
    return SpecifierSet(conda_spec)


def _has_build_string(entry: str) -> bool:
    """Whether a conda spec pins a build, as ``numpy=1.26.4=py311h64a7726_0`` does."""
    return bool(
        re.fullmatch(r"[A-Za-z0-9_.\-]+\s*(==?|\s)\s*[^=<>!~,\s]+(=|\s+)\S+", entry.strip())
    )


@pytest.mark.parametrize(
    "entry, pinned",
    [
        ("numpy=1.26.4=py311h64a7726_0", True),
        ("numpy 1.26.4 py311h64a7726_0", True),
        ("numpy>=1.24", False),
        ("jupyterlab>=4,<5", False),
        ("python=3.11", False),
    ],
)
def test_build_string_detection(entry, pinned):
    assert _has_build_string(entry) is pinned


def test_python_pin_is_one_the_package_supports():
    pin = _conda_specs()["python"]
    version = re.search(r"\d+\.\d+", pin)
    assert version, f"python pin {pin!r} names no version"
    requires = SpecifierSet(_pyproject()["requires-python"])
    assert requires.contains(f"{version.group(0)}.0"), f"python {pin} outside {requires}"


def test_no_build_strings_or_exported_environment():
    env = _environment()
    assert "prefix" not in env, "a `conda env export` was committed (prefix: ...)"
    assert env.get("channels") == ["conda-forge"]
    pinned = [e for e in env["dependencies"] if isinstance(e, str) and _has_build_string(e)]
    assert not pinned, f"build strings stop resolving on conda-forge: {pinned}"


def test_bounds_admit_repo2docker_base_environment():
    conda = _conda_specs()
    for name, version in REPO2DOCKER_BASE.items():
        spec = SpecifierSet(conda[name])
        assert spec.contains(version), f"{name} {conda[name]} excludes repo2docker's {version}"


def test_binder_installs_the_package_itself():
    pip = _pip_section()
    assert "-e ." in pip or "." in pip, "environment.yml must pip-install the package (pip: -e .)"
    conda = _conda_specs()
    for line in pip:
        if line in ("-e .", "."):
            continue
        name = canonicalize_name(Requirement(line).name)
        assert name not in conda, f"{name} is installed twice (conda and pip)"


def test_no_file_overrides_or_is_ignored_beside_environment_yml():
    present = [name for name in OVERRIDING_FILES if (ROOT / name).exists()]
    assert not present, f"repo2docker would use or ignore {present} instead of environment.yml"
    assert not (ROOT / "binder").exists(), "with binder/ present, repo2docker ignores root files"
    assert not (ROOT / "requirements.txt").exists(), "a second dependency list drifts: use one"


@pytest.mark.parametrize("name", ["postBuild", "start"])
def test_repo2docker_scripts_stop_on_error(name):
    script = ROOT / name
    if not script.exists():
        pytest.skip(f"no {name} (none is needed: environment.yml installs everything)")
    text = script.read_text()
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#!")]
    assert lines and lines[0].strip().startswith("set -e"), f"{name} must begin with `set -e`"
    assert os.access(script, os.X_OK), f"{name} must be executable"
    assert "sudo" not in text and "apt-get" not in text, f"{name} runs unprivileged on Binder"


def test_apt_txt_lists_plain_package_names():
    apt = ROOT / "apt.txt"
    if not apt.exists():
        pytest.skip("no apt.txt: Binder needs no Debian package (every lesson runs without one)")
    for line in apt.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[a-z0-9][a-z0-9+.\-]+", line.strip()), f"apt.txt: {line!r}"


def _third_party_imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("netcourse",)}


def _closure(requirements: list[str]) -> set[str]:
    """Distributions installed by these requirements, transitively (markers for this Python)."""
    seen: set[str] = set()
    todo = [Requirement(spec) for spec in requirements]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen or (req.marker and not req.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        try:
            todo += [Requirement(spec) for spec in importlib.metadata.requires(req.name) or []]
        except importlib.metadata.PackageNotFoundError:
            pass
    return seen


def _code_sources():
    developer_tools = {name.replace(".", "/") + ".py" for name in DEVELOPER_TOOLS}
    for path in sorted((ROOT / "netcourse").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() in developer_tools:
            continue  # run from a checkout with the test extra, never on Binder
        yield path.relative_to(ROOT), path.read_text()
    for folder in ("notebooks", "solutions"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            cells = json.loads(path.read_text())["cells"]
            for number, cell in enumerate(cells):
                if cell["cell_type"] == "code":
                    source = "".join(cell["source"])
                    lines = [
                        line for line in source.splitlines() if not line.startswith(("%", "!"))
                    ]
                    yield f"{path.relative_to(ROOT)} cell {number}", "\n".join(lines)


def test_every_imported_module_is_installed_by_a_declared_dependency():
    """What the package and the notebooks import, Binder installs (declared or pulled in)."""
    installed = _closure(_pyproject()["dependencies"])
    providers = importlib.metadata.packages_distributions()
    undeclared = {}
    for where, source in _code_sources():
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue  # a notebook's cell magic; nbval runs those cells anyway
        for module in _third_party_imports(tree) - VERSION_BACKPORTS:
            dists = {canonicalize_name(d) for d in providers.get(module, [module])}
            if not dists & installed:
                undeclared.setdefault(module, str(where))
    assert not undeclared, (
        f"imported but not declared in pyproject.toml/environment.yml: {undeclared}"
    )


def test_readme_badge_opens_the_welcome_notebook_in_jupyterlab():
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"https://mybinder\.org/v2/gh/[^)\s\"']+", readme)
    assert links, "README.md has no Binder badge link"
    for link in links:
        url = urlparse(link)
        parts = url.path.split("/")  # /v2/gh/<org>/<repo>/<ref>
        assert len(parts) == 6 and all(parts[3:]), f"{link}: expected /v2/gh/<org>/<repo>/<ref>"
        urlpath = parse_qs(url.query).get("urlpath", [""])[0]
        assert urlpath == "lab/tree/notebooks/00-welcome.ipynb", f"{link} opens {urlpath!r}"
        assert (ROOT / urlpath.removeprefix("lab/tree/")).exists(), f"{urlpath} does not exist"


# --- every lesson runs as Binder runs it: not root, no optional tools --------------------------

#: Tools Binder's image does not have; hidden from PATH for the notebooks below.
BINDER_MISSING = ("tshark", "dumpcap", "ipcalc", "iptables", "iptables-restore", "iptables-save",
                  "conntrack", "ip", "tcpdump", "lsof", "sudo")  # fmt: skip
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))

_RUN_AS_BINDER = """
import json, os, sys
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=120, kernel_name="python3",
               resources={"metadata": {"path": os.path.dirname(path)}}).execute()
problems = []
for number, cell in enumerate(nb.cells):
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            problems.append(f"cell {number}: {out.ename}: {out.evalue}")
        elif out.output_type == "stream" and out.name == "stderr":
            problems.append(f"cell {number}: stderr {out.text[:300]!r}")
texts = [json.dumps(out.get("data", {})) + out.get("text", "")
         for cell in nb.cells for out in cell.get("outputs", [])]
print(json.dumps({"euid": os.geteuid(), "problems": problems, "texts": texts}))
"""


def _binder_path(tmp_path: Path) -> str:
    """A PATH like the system's, without the tools Binder lacks."""
    shadow = tmp_path / "bin"
    shadow.mkdir()
    for folder in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        if not os.path.isdir(folder):
            continue
        for entry in os.scandir(folder):
            target = shadow / entry.name
            if entry.name not in BINDER_MISSING and not target.exists():
                target.symlink_to(entry.path)
    return f"{Path(sys.executable).parent}:{shadow}"


@pytest.fixture(scope="module")
def as_binder_user(tmp_path_factory):
    """A command prefix that runs as an unprivileged user (uid 1000, a user namespace)."""
    import shutil
    import subprocess

    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare (util-linux) is not installed")
    prefix = [unshare, "--user", "--map-user=1000", "--map-group=1000"]
    probe = subprocess.run([*prefix, "id", "-u"], capture_output=True, text=True, timeout=10)
    if probe.returncode != 0 or probe.stdout.strip() != "1000":
        pytest.skip(f"cannot create a user namespace here: {probe.stderr.strip()[:200]}")
    return prefix


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_lesson_runs_like_on_binder_without_root_or_tools(notebook, as_binder_user, tmp_path):
    """Not root, no tshark/ipcalc/iptables, BINDER_* set: every cell runs, nothing on stderr."""
    import shutil
    import subprocess

    work = tmp_path / "notebooks"
    shutil.copytree(notebook.parent, work)  # the lesson's relative links and files stay valid
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "PATH": _binder_path(tmp_path),
        "LANG": "C.UTF-8",
        "BINDER_LAUNCH_HOST": "https://mybinder.org/",
        "BINDER_REPO_URL": "https://github.com/netcourse/netcourse",
        "JUPYTERHUB_USER": "jovyan",
        "NETCOURSE_PROGRESS": str(home / "progress.json"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "MPLBACKEND": "agg",
        "PYTHONPATH": str(ROOT),  # the tree under test, whatever the environment has installed
    }
    result = subprocess.run(
        [*as_binder_user, sys.executable, "-c", _RUN_AS_BINDER, str(work / notebook.name)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["euid"] == 1000
    assert not report["problems"], "\n".join(report["problems"])
    if notebook.stem == "00-welcome":  # doctor() sees Binder and still runs every lesson
        doctor = next(text for text in report["texts"] if "netcourse doctor" in text)
        assert "Binder" in doctor and "NOT READY" not in doctor and "not ready" not in doctor
