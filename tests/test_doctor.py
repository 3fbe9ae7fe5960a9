"""doctor(): correct on Binder (no root, no tools), locally, and when a package is missing."""

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
    assert item.ok is False and "ipywidgets 8.x" in item.means


def test_html_report_marks_missing_pieces():
    html = doctor(binder_probe())._repr_html_()
    assert "✘" in html and "tshark" in html and "<table>" in html
