"""Slides: reveal.js decks from the lesson notebooks that load nothing from the network."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from netcourse.errors import NetcourseError
from netcourse.tools import slides

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
#: The JavaScript cache `make slides` uses too (git-ignored); installed once with npm.
VENDOR = REPO / "slides" / "vendor"


def _top_level_sections(html: str) -> int:
    depth = count = 0
    for tag in re.findall(r"<(/?)section\b", html):
        if tag == "/":
            depth -= 1
        else:
            count += depth == 0
            depth += 1
    return count


@pytest.fixture(scope="module")
def vendor() -> Path:
    if not slides.vendor_ready(VENDOR):  # tests fetch nothing: the install step does
        pytest.skip("slides/vendor is not installed: `make test` or `make slides` installs it")
    return VENDOR


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://unpkg.com/reveal.js@4.0.2/dist/reveal.js"></script>',
        '<script src="//cdn.example.org/require.min.js"></script>',
        '<link rel="stylesheet" href="http://cdn.example.org/reveal.css">',
        "<script type=\"module\">import mermaid from 'https://cdn.example.org/m.mjs';</script>",
        '<script>require(["https://unpkg.com/reveal.js@4.0.2/dist/reveal.js"], f)</script>',
        '<img src="https://example.org/figure.png">',
    ],
)
def test_remote_assets_finds_what_a_page_would_fetch(html):
    assert len(slides.remote_assets(html)) == 1


@pytest.mark.parametrize(
    "html",
    [
        '<script src="vendor/node_modules/reveal.js/dist/reveal.js"></script>',
        '<a href="https://docs.python.org/3/library/ipaddress.html">docs</a>',
        "<script>// options: https://github.com/hakimel/reveal.js#configuration\n</script>",
        '<script type="application/vnd.jupyter.widget-state+json">{"u": "https://x.org"}</script>',
    ],
)
def test_remote_assets_ignores_links_comments_and_data(html):
    assert slides.remote_assets(html) == []


def test_missing_npm_is_explained(monkeypatch, tmp_path):
    monkeypatch.setattr(slides.shutil, "which", lambda name: None)
    with pytest.raises(NetcourseError, match="npm is not installed"):
        slides.ensure_vendor(tmp_path / "vendor")


def test_unreadable_notebook_is_a_netcourse_error(tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{not json")
    with pytest.raises(NetcourseError, match="broken.ipynb"):
        slides.notebook_slides(bad)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_lesson_has_slide_breaks(notebook):
    """Without slide metadata a notebook becomes one endless slide."""
    cells = json.loads(notebook.read_text())["cells"]
    kinds = [cell.get("metadata", {}).get("slideshow", {}).get("slide_type") for cell in cells]
    assert kinds.count("slide") >= 2, f"{notebook.name}: cells need slideshow.slide_type"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_slides_are_written_and_load_only_local_files(notebook, vendor, tmp_path):
    (target,) = slides.build_slides([notebook], out=tmp_path, vendor=vendor)
    assert target == tmp_path / f"{notebook.stem}.slides.html"
    html = target.read_text()
    assert slides.remote_assets(html) == []
    fonts = tmp_path / "@jupyter-widgets"  # where the widget renderer looks for its icon fonts
    assert (fonts / "html-manager" / "dist" / "embed-amd.js").is_file()
    assert any(path.suffix == ".woff2" and path.is_file() for path in fonts.iterdir())
    assert "unpkg.com" not in html and "cdnjs" not in html and "jsdelivr" not in html
    for setting, relative in slides.ASSETS.items():  # every local asset the page names exists
        name = relative.split("?")[0]
        assert name in html, f"{setting} is not used by the slides"
    cells = json.loads(notebook.read_text())["cells"]
    kinds = [cell.get("metadata", {}).get("slideshow", {}).get("slide_type") for cell in cells]
    shown = [kind for kind in kinds if kind not in ("skip", "notes")]
    expected = kinds.count("slide") + (0 if shown and shown[0] == "slide" else 1)
    assert _top_level_sections(html) == expected, "one top-level slide per 'slide' cell"


def test_default_run_writes_one_deck_per_notebook(vendor, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)  # `make slides` runs from the repository root
    code = slides.main(["--out", str(tmp_path), "--vendor", str(vendor)])
    assert code == 0
    written = sorted(path.name for path in tmp_path.glob("*.slides.html"))
    assert written == [f"{path.stem}.slides.html" for path in sorted(NOTEBOOKS)]
