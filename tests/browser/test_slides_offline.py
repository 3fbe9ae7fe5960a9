"""The welcome deck opened from disk with every http(s) request refused: it still works."""

from __future__ import annotations

import shutil

import pytest
from labdriver import REPO

from netcourse.tools import slides

pytestmark = pytest.mark.browser
WELCOME = REPO / "notebooks" / "00-welcome.ipynb"
VENDOR = REPO / "slides" / "vendor"  # the cache `make slides` uses (git-ignored)


def test_welcome_slides_run_offline_in_chromium(browser_context, tmp_path, screenshots):
    """reveal.js starts, the slides advance, saved widgets render, nothing is fetched."""
    if not WELCOME.exists():
        pytest.skip("notebooks/00-welcome.ipynb is not written yet")
    if not slides.vendor_ready(VENDOR) and shutil.which("npm") is None:
        pytest.skip("npm is not installed and slides/vendor is empty (Debian package npm)")
    (deck,) = slides.build_slides([WELCOME], out=tmp_path, vendor=slides.ensure_vendor(VENDOR))
    remote, errors = [], []
    page = browser_context.new_page()
    try:
        page.route("http*://**/*", lambda route: (remote.append(route.request.url), route.abort()))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.goto(deck.as_uri())
        page.wait_for_selector(".reveal.ready", state="attached", timeout=30_000)
        sections = page.locator(".reveal .slides > section").count()
        first = page.locator(".reveal .slides > section.present").inner_text()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "(first) => document.querySelector('.reveal .slides > section.present')"
            ".innerText !== first",
            arg=first,
            timeout=10_000,
        )
        if "application/vnd.jupyter.widget-state+json" in deck.read_text():
            page.wait_for_selector(".jupyter-widgets", state="attached", timeout=30_000)
        page.screenshot(path=str(screenshots / "slides-00-welcome.png"))
    finally:
        page.close()
    assert remote == [], f"the slides fetched {remote}"
    assert errors == [], f"the page reported errors: {errors}"
    assert sections >= 2
