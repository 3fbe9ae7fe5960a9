"""netcourse.data.path(): shipped files only; nothing outside the package is ever given out."""

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse import data
from netcourse.errors import CaptureError, NetcourseError, VpcError

PACKAGE = Path(data.__file__).resolve().parent


def test_shipped_files_and_folders_are_found():
    assert data.path("captures", "http.pcap").is_file()
    assert data.path("vpc", "three-tier").is_dir()
    assert data.path() == PACKAGE


@pytest.mark.parametrize(
    "parts, error",
    [
        (("..", "errors.py"), CaptureError),
        (("..", "..", "pyproject.toml"), CaptureError),
        (("captures", "..", "..", "errors.py"), CaptureError),
        (("vpc", "..", "..", "errors.py"), VpcError),
        (("vpc/../../errors.py",), CaptureError),
        (("captures/../../errors.py",), CaptureError),
        (("/etc/passwd",), CaptureError),
        (("captures", "/etc/passwd"), CaptureError),
        (("vpc", "/etc"), VpcError),
        (("captures", "..", "captures", "http.pcap"), CaptureError),
        (("captures", "http.pcap\x00"), CaptureError),
    ],
)
def test_a_path_out_of_the_package_is_refused_naming_it(parts, error):
    with pytest.raises(error) as caught:
        data.path(*parts)
    assert repr("/".join(parts))[:40] in str(caught.value)
    assert "outside netcourse/data" in str(caught.value)


def test_refused_even_where_the_file_outside_exists():
    assert (PACKAGE.parent / "errors.py").is_file()
    with pytest.raises(CaptureError, match="outside netcourse/data"):
        data.path("..", "errors.py")


def test_a_link_inside_the_folder_that_leads_outside_is_refused(tmp_path, monkeypatch):
    root = tmp_path / "data"
    (root / "captures").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("not course data")
    os.symlink(secret, root / "captures" / "link.pcap")
    (root / "captures" / "real.pcap").write_bytes(b"")
    monkeypatch.setattr(data, "_ROOT", root)
    assert data.path("captures", "real.pcap") == root.resolve() / "captures" / "real.pcap"
    with pytest.raises(CaptureError, match="'captures/link.pcap': outside netcourse/data"):
        data.path("captures", "link.pcap")


@pytest.mark.parametrize(
    "parts, error",
    [(("captures", "nope.pcap"), CaptureError), (("vpc", "nope"), VpcError)],
)
def test_a_missing_file_is_the_topics_error(parts, error):
    with pytest.raises(error, match="no such file in netcourse/data"):
        data.path(*parts)


def test_a_part_that_is_not_text_is_a_type_error():
    with pytest.raises(TypeError, match="must be str"):
        data.path("captures", 3)


def test_a_megabyte_name_gives_a_short_message():
    with pytest.raises(CaptureError) as caught:
        data.path("captures", "x" * 1_000_000)
    assert len(str(caught.value)) < 300


PART = st.one_of(
    st.sampled_from(["..", ".", "/", "captures", "vpc", "http.pcap", "three-tier", "/etc", "~"]),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PART, max_size=5))
def test_any_parts_give_a_path_inside_the_package_or_a_netcourse_error(parts):
    try:
        found = data.path(*parts)
    except NetcourseError:
        return
    assert found.resolve().is_relative_to(PACKAGE)
    assert found.exists()
