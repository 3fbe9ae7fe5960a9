"""doctor(): correct on Binder (no root, no tools), locally, and when a package is missing."""

import importlib.metadata
import re

from netcourse.tools import doctor as doctor_module
from netcourse.tools.doctor import Probe, doctor


def binder_probe():
    return Probe(
        env={"BINDER_LAUNCH_HOST": "https://mybinder.org/", "JUPYTERHUB_USER": "jovyan"},
        which=lambda name: None,
        euid=1000,
    )


def test_binder_without_root_or_tools_still_runs_every_lesson():
    report = doctor(binder_probe())
    assert report.on_binder and not report.is_root
    assert report.ready
    assert all(status.runnable for status in report.lessons)
    tshark = report.item("tshark")
    assert tshark.ok is False and "shipped captures" in tshark.means
    assert "Binder" in report.item("running on").detail
    assert "root-only labs" in report.item("root").means


def test_tools_found_on_path_are_reported_with_their_location():
    report = doctor(Probe(env={}, which=lambda name: f"/usr/bin/{name}", euid=0))
    assert report.item("ipcalc").detail == "/usr/bin/ipcalc"
    assert report.is_root and not report.on_binder
    assert "local" in report.item("running on").detail


def test_missing_package_makes_lessons_not_runnable(monkeypatch):
    real = doctor_module._version
    monkeypatch.setattr(
        doctor_module, "_version", lambda name: None if name == "netaddr" else real(name)
    )
    report = doctor(binder_probe())
    assert not report.ready
    assert report.item("netaddr").ok is False
    assert "make lab" in report.item("netaddr").means
    assert "NOT READY" in repr(report)


def test_wrong_major_version_is_flagged(monkeypatch):
    real = doctor_module._version
    monkeypatch.setattr(
        doctor_module, "_version", lambda name: "7.8.0" if name == "ipywidgets" else real(name)
    )
    item = doctor(binder_probe()).item("ipywidgets")
    assert item.ok is False and "ipywidgets >=8, <9" in item.means


def test_html_report_marks_missing_pieces():
    html = doctor(binder_probe())._repr_html_()
    assert "✘" in html and "tshark" in html and "<table>" in html


def runtime_names_from_metadata():
    """Computed without the doctor: the installed requirement names that carry no extra."""
    specs = importlib.metadata.requires("netcourse")
    runtime = [spec for spec in specs if "extra ==" not in spec.split(";", 1)[-1]]
    return [re.match(r"[A-Za-z0-9._-]+", spec).group(0) for spec in runtime]


def package_lines(report):
    names = {"python", "widget frontend", "loopback sockets", "root", "running on"}
    names |= set(doctor_module.OPTIONAL_TOOLS)
    return [item.name for item in report.items if item.name not in names]


def test_packages_are_the_runtime_dependencies_of_the_installed_metadata():
    lines = package_lines(doctor(binder_probe()))
    assert lines == runtime_names_from_metadata()
    assert {"protobuf", "fastavro", "numpy", "ipywidgets"} <= set(lines)
    assert not {"pytest", "nbval", "hypothesis", "ruff", "tomli"} & set(lines)


def test_extras_and_markers_for_other_pythons_are_left_out(monkeypatch):
    declared = [
        "numpy>=1.24",
        'pytest>=7; extra == "test"',
        'tomli>=2; python_version < "3.0"',
        'psutil>=5.9; python_version >= "3.0"',
    ]
    real = importlib.metadata.requires
    monkeypatch.setattr(
        importlib.metadata, "requires", lambda name: declared if name == "netcourse" else real(name)
    )
    report = doctor(binder_probe())
    assert package_lines(report) == ["numpy", "psutil"]
    assert report.ready


def test_a_version_outside_the_declared_range_is_flagged_with_the_range(monkeypatch):
    real = doctor_module._version
    monkeypatch.setattr(
        doctor_module, "_version", lambda name: "9.0.0" if name == "ipywidgets" else real(name)
    )
    item = doctor(binder_probe()).item("ipywidgets")
    assert item.ok is False and item.detail == "9.0.0"
    assert "ipywidgets >=8, <9" in item.means


def test_without_installed_metadata_the_report_says_to_install(monkeypatch):
    def requires(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "requires", requires)
    report = doctor(binder_probe())
    assert not report.ready
    item = report.item("netcourse")
    assert item.ok is False and "make lab" in item.means


def test_widget_manager_outside_what_ipywidgets_asks_is_flagged(monkeypatch):
    real = doctor_module._version
    monkeypatch.setattr(
        doctor_module,
        "_version",
        lambda name: "1.1.0" if name == "jupyterlab_widgets" else real(name),
    )
    monkeypatch.setattr(doctor_module, "_widgets_frontend", lambda: True)
    asked = [s for s in importlib.metadata.requires("ipywidgets") if "jupyterlab" in s]
    item = doctor(binder_probe()).item("widget frontend")
    assert asked and item.ok is False
    assert "jupyterlab_widgets 1.1.0" in item.detail and "as this ipywidgets asks" in item.means


def test_html_report_escapes_what_it_found():
    report = doctor(Probe(env={}, which=lambda name: f"/opt/<b>{name}</b>", euid=1000))
    html = report._repr_html_()
    assert "/opt/&lt;b&gt;tshark&lt;/b&gt;" in html and "<b>tshark</b>" not in html
