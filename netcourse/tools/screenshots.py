"""The README's pictures of the widgets, taken from the real lessons in JupyterLab.

``python -m netcourse.tools.screenshots`` (what ``make images`` runs) starts JupyterLab the way
the browser tests do (netcourse/tools/labdriver.py: a free loopback port, a token, a temporary
root dir holding a copy of ``notebooks/``), opens each lesson named in :data:`IMAGES` in
Debian's Chromium at 1440x900 with the file browser closed, runs all its cells, and saves the
rendered outputs of the chosen cell, cropped to them, as ``docs/images/<name>``. Cells are found
by their id, which stays when cells are added or moved. The README's image lines are checked
against :data:`IMAGES` by tests/tools/test_readme_images.py.

Run it again after changing a widget; commit the PNGs it writes. It needs ``/usr/bin/chromium``
(Debian package chromium) and Playwright for Python; no browser is downloaded.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageChops

from netcourse.errors import NetcourseError
from netcourse.tools.labdriver import (
    CHROMIUM,
    NOTEBOOK_RUN_TIMEOUT_MS,
    LabPage,
    ScreenSize,
    chromium_context,
    start_lab,
    stop_lab,
)

__all__ = ["IMAGES", "SCREEN", "Image", "content_box", "main", "shrink", "take"]


@dataclass(frozen=True)
class Image:
    """One picture: its file in docs/images/, the lesson and cell it shows, its alt text."""

    name: str
    notebook: str
    cell_id: str
    alt: str


#: Every picture of a widget that the README shows, and where each comes from.
IMAGES: tuple[Image, ...] = (
    Image(
        "subnet-calculator.png",
        "03-cidr-and-subnets.ipynb",
        "cidr-27",
        "The subnet calculator: binary view with network and host bits coloured",
    ),
    Image(
        "inspector.png",
        "02-osi-layers-and-packets.ipynb",
        "l02-089",
        "The packet inspector: packet list, field tree and highlighted bytes",
    ),
    Image(
        "firewall-lab.png",
        "04-firewalls.ipynb",
        "2321a967",
        "The firewall lab: ruleset, packet and the deciding rule",
    ),
    Image(
        "vpc-explorer.png",
        "05-aws-vpc.ipynb",
        "vpc-46",
        "The VPC explorer: why a packet from the internet reaches the web server, hop by hop",
    ),
    Image(
        "journey.png",
        "06-packet-journey.ipynb",
        "not-12",
        "The journey stepper: a request's path from a home LAN into a VPC",
    ),
)

#: The screen the pictures are taken at: a laptop, JupyterLab's file browser closed.
SCREEN = ScreenSize("1440x900", 1440, 900, False)

# The notebook's first error output, or null: a picture of a failed run is no picture.
_FIRST_ERROR = """
(id) => {
  for (const cell of window.__netcourse[id].content.model.cells)
    for (const out of cell.outputs ? cell.outputs.toJSON() : [])
      if (out.output_type === 'error') return `${out.ename}: ${out.evalue}`;
  return null;
}
"""


def content_box(picture, pad: int = 12) -> tuple[int, int, int, int]:
    """The box of ``picture`` (a PIL image) that holds its content, with ``pad`` pixels around.

    Content is what differs from the bottom-right pixel's colour; a row of a single colour
    across the whole picture (a cell's border line) is not content.

    >>> from PIL import ImageDraw
    >>> picture = PILImage.new("RGB", (200, 100), "white")
    >>> ImageDraw.Draw(picture).line([(0, 0), (199, 0)], fill="grey")
    >>> ImageDraw.Draw(picture).rectangle([(30, 40), (59, 49)], fill="black")
    >>> content_box(picture, pad=5)
    (25, 35, 65, 55)
    """
    rgb = picture.convert("RGB")
    width, height = rgb.size
    background = PILImage.new("RGB", rgb.size, rgb.getpixel((width - 1, height - 1)))
    mask = ImageChops.difference(rgb, background).convert("L").point(lambda v: 255 if v > 16 else 0)
    for y in range(height):
        if all(low == high for low, high in rgb.crop((0, y, width, y + 1)).getextrema()):
            mask.paste(0, (0, y, width, y + 1))
    box = mask.getbbox()
    if box is None:
        return (0, 0, width, height)
    left, top, right, bottom = box
    return (
        max(left - pad, 0),
        max(top - pad, 0),
        min(right + pad, width),
        min(bottom + pad, height),
    )


def shrink(source: Path, target: Path, colors: int = 256) -> Path:
    """Write ``source`` (a PNG) to ``target``: cropped to its content, a palette, optimised.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> PILImage.new("RGB", (40, 20), "white").save(folder / "raw.png")
    >>> PILImage.open(shrink(folder / "raw.png", folder / "small.png")).mode
    'P'
    """
    with PILImage.open(source) as picture:
        cropped = picture.convert("RGB").crop(content_box(picture))
    small = cropped.quantize(colors=colors, method=PILImage.Quantize.MEDIANCUT)
    small.save(target, optimize=True)
    return target


def take(
    images: tuple[Image, ...] = IMAGES,
    out: Path = Path("docs/images"),
    notebooks: Path = Path("notebooks"),
    python: str = sys.executable,
) -> list[Path]:
    """Run each picture's lesson in JupyterLab and save its cell's outputs as ``out/<name>``."""
    if not CHROMIUM.exists():
        raise NetcourseError(f"{CHROMIUM} is not installed: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright  # a test dependency: only this needs it
    except ImportError as exc:
        raise NetcourseError(
            "Playwright for Python is not installed: pip install playwright"
        ) from exc
    for image in images:
        if not (notebooks / image.notebook).is_file():
            raise NetcourseError(f"{image.name}: no notebook {notebooks / image.notebook}")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="netcourse-screenshots-") as tmp:
        lab = start_lab(Path(tmp) / "lab", notebooks, python=python)
        try:
            with sync_playwright() as playwright:
                context = chromium_context(
                    playwright, Path(tmp) / "profile", SCREEN.width, SCREEN.height
                )
                try:
                    page = context.pages[0] if context.pages else context.new_page()
                    page.set_default_timeout(30_000)
                    view = LabPage(page, lab)
                    view.load()
                    view.show_screen(SCREEN)
                    for notebook in dict.fromkeys(image.notebook for image in images):
                        chosen = [image for image in images if image.notebook == notebook]
                        written += _pictures_of(view, notebook, chosen, out, Path(tmp))
                finally:
                    context.close()
        finally:
            stop_lab(lab.process)
    return written


def _pictures_of(view: LabPage, notebook: str, images: list[Image], out: Path, tmp: Path):
    widget_id = view.open(f"notebooks/{notebook}")
    written = []
    try:
        view.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
        error = view.page.evaluate(_FIRST_ERROR, widget_id)
        if error:
            raise NetcourseError(f"{notebook}: a cell failed when run ({error})")
        for image in images:
            index = view.cell_index(widget_id, image.cell_id)
            if index < 0:
                raise NetcourseError(f"{image.name}: {notebook} has no cell {image.cell_id!r}")
            for finding in view.layout_findings(widget_id, index):
                if finding["check"] == "not rendered":
                    raise NetcourseError(f"{image.name}: {finding['detail']}")
                print(
                    f"{image.name}: layout: {finding['check']}: {finding['detail']}",
                    file=sys.stderr,
                )
            raw = tmp / image.name
            view.screenshot_cell_outputs(widget_id, index, raw, whole=True)
            if not raw.is_file():
                raise NetcourseError(f"{image.name}: cell {image.cell_id!r} has no output area")
            written.append(shrink(raw, out / image.name))
    finally:
        view.close(widget_id)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: take the named pictures (default: all of :data:`IMAGES`)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="image names, e.g. inspector.png (default: all)")
    parser.add_argument(
        "--out", type=Path, default=Path("docs/images"), help="folder (docs/images)"
    )
    args = parser.parse_args(argv)
    known = {image.name: image for image in IMAGES}
    unknown = [name for name in args.names if name not in known]
    if unknown:
        print(f"screenshots: no image {unknown[0]!r}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    chosen = tuple(known[name] for name in args.names) or IMAGES
    try:
        written = take(chosen, args.out)
    except NetcourseError as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
