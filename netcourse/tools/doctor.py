"""``doctor()``: what this environment can run, and what each missing piece means for the lessons.

Taught in notebooks/00-welcome.ipynb. Every lesson runs with Python and the packages alone;
the optional tools only add differential tests and root-only labs, and the report says which.

>>> report = doctor(Probe(env={"BINDER_LAUNCH_HOST": "https://mybinder.org/"},
...                       which=lambda name: None, euid=1000))
>>> report.on_binder, report.is_root
(True, False)
>>> [lesson.number for lesson in report.lessons if not lesson.runnable]
[]
>>> report.item("tshark").ok
False
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from netcourse.html import Cell, table
from netcourse.lessons import LESSONS
from netcourse.style import NEUTRALS, PALETTE

__all__ = [
    "Probe",
    "Item",
    "LessonStatus",
    "DoctorReport",
    "doctor",
    "runtime_requirements",
    "main",
]

#: The distribution whose declared dependencies are the packages every lesson needs.
DISTRIBUTION = "netcourse"

#: Optional Debian tools: what each adds, and what a learner without it sees instead.
OPTIONAL_TOOLS = {
    "tshark": "differential tests of the packet dissector against Wireshark; "
    "without it the lessons use the shipped captures and nothing is missing",
    "ipcalc": "the differential test of the subnet calculator; the lesson itself does not need it",
    "iptables": "with root, the test that checks the firewall simulator against the kernel; "
    "the firewall lesson runs on the simulator either way",
    "ip": "with root, network namespaces for re-recording the shipped captures",
    "conntrack": "with root, inspecting the kernel's connection table beside the simulator's",
}


#: How a report line is marked: present, missing, or information only.
_SYMBOLS = {True: "✔", False: "✘", None: "•"}
_COLOURS = {True: PALETTE["green"], False: PALETTE["vermillion"], None: NEUTRALS["label"]}

#: Variables that mybinder.org's launcher sets in every Binder session.
BINDER_VARIABLES = ("BINDER_LAUNCH_HOST", "BINDER_REPO_URL", "BINDER_REF_URL", "BINDER_REQUEST")


@dataclass(frozen=True)
class Probe:
    """Where doctor() looks: the environment, the PATH and the user id (replaceable in tests)."""

    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    which: Callable[[str], str | None] = shutil.which
    euid: int | None = field(default_factory=lambda: getattr(os, "geteuid", lambda: None)())


@dataclass(frozen=True)
class Item:
    """One line of the report: ``ok`` is True, False, or None for information only."""

    name: str
    ok: bool | None
    detail: str
    means: str = ""


@dataclass(frozen=True)
class LessonStatus:
    """Whether a lesson runs here, and what its optional parts need."""

    number: str
    title: str
    runnable: bool
    note: str


@dataclass(frozen=True)
class DoctorReport:
    """The result of :func:`doctor`: items, per-lesson status, and where the course is running."""

    items: tuple[Item, ...]
    lessons: tuple[LessonStatus, ...]
    on_binder: bool
    on_hub: bool
    is_root: bool

    def item(self, name: str) -> Item:
        """The report line with this name."""
        for entry in self.items:
            if entry.name == name:
                return entry
        raise KeyError(name)

    @property
    def ready(self) -> bool:
        """True when every required piece is present (optional tools do not count)."""
        return all(lesson.runnable for lesson in self.lessons)

    def __repr__(self) -> str:
        marks = {True: "ok ", False: "-- ", None: "   "}
        lines = [f"netcourse doctor: {'ready' if self.ready else 'NOT READY'}"]
        for entry in self.items:
            line = f"  {marks[entry.ok]}{entry.name:<20} {entry.detail}"
            if entry.means and not entry.ok:
                line += f"\n{'':25}{entry.means}"
            lines.append(line)
        lines.append("lessons:")
        for status in self.lessons:
            mark = "ok " if status.runnable else "-- "
            lines.append(f"  {mark}{status.number} {status.title:<24} {status.note}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        def mark(ok: bool | None) -> Cell:
            return Cell(_SYMBOLS[ok], style=f"color:{_COLOURS[ok]}")

        items = table(
            [(mark(e.ok), e.name, e.detail, e.means if not e.ok else "") for e in self.items],
            header=["", "what", "found", "what it means"],
        )
        lessons = table(
            [(mark(s.runnable), s.number, s.title, s.note) for s in self.lessons],
            header=["", "lesson", "title", "status"],
        )
        verdict = "ready" if self.ready else "not ready: see the red lines"
        return f"<p><b>netcourse doctor</b>: {verdict}</p>{items}{lessons}"


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _requires(name: str) -> list[str] | None:
    """The requirement strings a distribution declares, or None when it is not installed."""
    try:
        return importlib.metadata.requires(name) or []
    except importlib.metadata.PackageNotFoundError:
        return None


def runtime_requirements(specs: list[str]) -> list[Requirement]:
    """The requirements that apply here without any extra (test and dev tools are left out).

    >>> [str(r) for r in runtime_requirements(["numpy>=1.24", 'pytest>=7; extra == "test"'])]
    ['numpy>=1.24']
    """
    found = [Requirement(spec) for spec in specs]
    return [req for req in found if req.marker is None or req.marker.evaluate({"extra": ""})]


def _wanted(req: Requirement) -> str:
    """A requirement's versions as a reader says them: lower bounds first (``>=8, <9``)."""
    parts = sorted(req.specifier, key=lambda spec: (spec.operator.startswith("<"), str(spec)))
    return ", ".join(str(spec) for spec in parts) or "any version"


def _widgets_frontend() -> bool:
    """Whether the JupyterLab widget manager extension is installed beside this Python."""
    relative = Path("share", "jupyter", "labextensions", "@jupyter-widgets", "jupyterlab-manager")
    return any((Path(prefix) / relative).is_dir() for prefix in {sys.prefix, sys.base_prefix})


def _loopback_ok() -> bool:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            sock.listen(1)
        return True
    except OSError:
        return False


def _package_items() -> tuple[list[Item], bool]:
    """One item per runtime dependency that the installed netcourse declares."""
    specs = _requires(DISTRIBUTION)
    if specs is None:
        detail = "not installed as a package, so its dependencies cannot be read"
        return [Item(DISTRIBUTION, False, detail, "run `make lab` (or pip install -e .)")], False
    items, all_ok = [], True
    for req in runtime_requirements(specs):
        version = _version(req.name)
        ok = version is not None and req.specifier.contains(version, prereleases=True)
        all_ok &= ok
        if version is None:
            detail, means = "missing", "run `make lab` (or pip install -e .) to install it"
        else:
            detail = version
            means = f"the course needs {req.name} {_wanted(req)}" if not ok else ""
        items.append(Item(req.name, ok, detail, means))
    return items, all_ok


def _frontend_item() -> Item:
    """Whether the widget manager is installed, at the version ipywidgets itself asks for."""
    found = _widgets_frontend()
    asked = [
        req
        for req in runtime_requirements(_requires("ipywidgets") or [])
        if canonicalize_name(req.name) == "jupyterlab-widgets"
    ]
    version = _version("jupyterlab_widgets")
    matches = version is not None and all(
        req.specifier.contains(version, prereleases=True) for req in asked
    )
    if not found:
        detail = "not found beside this Python"
    else:
        detail = f"jupyterlab-manager installed (jupyterlab_widgets {version or 'missing'})"
    means = "widgets may show 'Error displaying widget' unless the server has jupyterlab_widgets"
    if asked and not matches:
        means += f" {_wanted(asked[0])}, as this ipywidgets asks"
    return Item("widget frontend", found and matches, detail, means)


def doctor(probe: Probe | None = None) -> DoctorReport:
    """Check versions, the widget frontend, optional tools, root and Binder; say what each means.

    Taught in notebooks/00-welcome.ipynb.
    """
    probe = probe or Probe()
    env = probe.env
    on_binder = any(key in env for key in BINDER_VARIABLES)
    on_hub = "JUPYTERHUB_USER" in env or "JUPYTERHUB_API_URL" in env
    is_root = probe.euid == 0

    py_ok = sys.version_info >= (3, 10)
    items = [Item("python", py_ok, platform.python_version(), "the course needs Python 3.10+")]
    packages, packages_ok = _package_items()
    items += packages
    items.append(_frontend_item())
    loopback = _loopback_ok()
    items.append(
        Item(
            "loopback sockets",
            loopback,
            "127.0.0.1 accepts a listening socket" if loopback else "cannot listen on 127.0.0.1",
            "lesson 01's live socket lab needs to listen on loopback",
        )
    )
    for tool, means in OPTIONAL_TOOLS.items():
        where = probe.which(tool)
        items.append(Item(tool, where is not None, where or "not installed (optional)", means))
    items.append(
        Item(
            "root",
            is_root,
            "running as root" if is_root else "not root (the usual case)",
            "root-only labs (kernel firewall test, re-recording captures) are skipped; "
            "every lesson uses shipped captures and simulators instead",
        )
    )
    where = "Binder" if on_binder else "JupyterHub" if on_hub else "a local or other server"
    items.append(Item("running on", None, where))

    base_ok = py_ok and packages_ok
    lessons = []
    for lesson in LESSONS:
        runnable = base_ok and (lesson.number != "01" or loopback)
        if not runnable:
            note = "missing required pieces: see the red lines above"
        elif lesson.optional_tools:
            note = "runs; optional: " + "; ".join(lesson.optional_tools)
        else:
            note = "runs"
        lessons.append(LessonStatus(lesson.number, lesson.title, runnable, note))
    return DoctorReport(tuple(items), tuple(lessons), on_binder, on_hub, is_root)


def main() -> int:
    """Print the report; exit 1 when a required piece is missing."""
    report = doctor()
    print(report)
    return 0 if report.ready else 1


if __name__ == "__main__":
    sys.exit(main())
