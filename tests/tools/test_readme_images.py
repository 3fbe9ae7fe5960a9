"""The README's pictures are the ones netcourse.tools.screenshots takes, and each is there.

Every image the README (or a page of docs/) shows from docs/images/ is an entry of the tool's
table, with the same alt text; every entry is shown; every file in docs/images/ comes from the
table; each entry names a lesson cell (by id) whose saved outputs hold a widget; each PNG is
small. The pictures themselves are taken in Chromium by ``make images``.
"""

from __future__ import annotations

import json
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest

from netcourse.errors import NetcourseError
from netcourse.tools import screenshots

REPO = Path(__file__).resolve().parents[2]
IMAGES = REPO / "docs" / "images"
VIEW = "application/vnd.jupyter.widget-view+json"
#: Upper bounds that keep the repository light: a 1440x900 screen at device scale 1.
MAX_BYTES = 150_000
MAX_WIDTH = 1440


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = dict(attrs)
            self.found.append((values.get("src") or "", values.get("alt") or ""))


def images_in(markdown: str) -> list[tuple[str, str]]:
    """(src, alt) of every image in a markdown page: <img> tags and ![alt](src)."""
    parser = _Images()
    parser.feed(markdown)
    inline = [(src, alt) for alt, src in re.findall(r"!\[([^\]]*)\]\(([^)\s]+)\)", markdown)]
    return parser.found + inline


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_images_in_reads_both_spellings():
    page = '<img src="a.png" alt="A" width="49%"> and ![B b](docs/b.png) ![](c.png)'
    assert images_in(page) == [("a.png", "A"), ("docs/b.png", "B b"), ("c.png", "")]


def test_every_readme_image_comes_from_the_table_with_its_alt_text():
    table = {f"docs/images/{image.name}": image.alt for image in screenshots.IMAGES}
    shown = [  # badges are links to elsewhere, not pictures of the course
        (src, alt)
        for src, alt in images_in((REPO / "README.md").read_text())
        if not src.startswith(("https:", "http:"))
    ]
    assert shown, "the README shows no image"
    for src, alt in shown:
        assert src in table, f"README shows {src}, which netcourse.tools.screenshots never takes"
        assert alt == table[src], f"{src}: README's alt {alt!r} is not the table's {table[src]!r}"
        assert (REPO / src).is_file(), f"{src} is missing: run `make images`"
    unused = set(table) - {src for src, _ in shown}
    assert not unused, f"in the table but not in the README: {sorted(unused)}"


@pytest.mark.parametrize("page", sorted((REPO / "docs").glob("*.md")), ids=lambda p: p.name)
def test_pictures_in_the_docs_are_taken_by_the_tool(page):
    names = {image.name for image in screenshots.IMAGES}
    for src, _ in images_in(page.read_text()):
        if src.startswith("images/"):
            assert src.removeprefix("images/") in names, f"{page.name} shows {src}"
            assert (page.parent / src).is_file(), f"{page.name}: {src} is missing"


def test_every_file_in_docs_images_is_taken_by_the_tool():
    names = {image.name for image in screenshots.IMAGES}
    assert len(names) == len(screenshots.IMAGES), "two entries write the same file"
    stray = sorted(path.name for path in IMAGES.iterdir() if path.name not in names)
    assert not stray, f"docs/images holds files no entry makes: {stray}"


@pytest.mark.parametrize("image", screenshots.IMAGES, ids=lambda image: image.name)
def test_each_entry_points_at_a_lesson_cell_showing_a_widget(image):
    notebook = REPO / "notebooks" / image.notebook
    assert notebook.is_file(), f"{image.name}: no {notebook}"
    cells = {cell.get("id"): cell for cell in json.loads(notebook.read_text())["cells"]}
    assert image.cell_id in cells, f"{image.name}: {image.notebook} has no cell {image.cell_id}"
    outputs = cells[image.cell_id].get("outputs", [])
    assert any(VIEW in out.get("data", {}) for out in outputs), f"{image.name}: no widget there"
    assert image.alt and not image.alt.endswith("."), image.alt


@pytest.mark.parametrize("image", screenshots.IMAGES, ids=lambda image: image.name)
def test_each_picture_is_a_small_png(image):
    path = IMAGES / image.name
    width, height = _png_size(path)
    assert 0 < width <= MAX_WIDTH and height > 0, f"{image.name}: {width}x{height}"
    assert path.stat().st_size <= MAX_BYTES, f"{image.name}: {path.stat().st_size} bytes"


@pytest.mark.browser
def test_the_tool_takes_a_cropped_picture_and_names_a_missing_cell(tmp_path):
    """The tool run for real (JupyterLab in Chromium) on lesson 00's widget check."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("/usr/bin/chromium is not installed (Debian package chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright for Python is not installed")
    from PIL import Image as PILImage

    good = screenshots.Image("welcome.png", "00-welcome.ipynb", "982462c6", "The widget check")
    missing = screenshots.Image("gone.png", "00-welcome.ipynb", "no-such-cell", "Nothing")
    with pytest.raises(NetcourseError, match="00-welcome.ipynb has no cell 'no-such-cell'"):
        screenshots.take((good, missing), out=tmp_path, notebooks=REPO / "notebooks")
    with PILImage.open(tmp_path / "welcome.png") as picture:
        width, height = picture.size
        assert picture.mode == "P"
        # cropped to the output (a button and a line of text), not the 1440x900 screen
        assert 100 < width < screenshots.SCREEN.width / 2 and 30 < height < 300, picture.size
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is not None and len(colours) > 8, "the picture is blank"
    assert not (tmp_path / "gone.png").exists()
