"""Each lesson's deck opened from disk with every http(s) request refused: it still works."""

from __future__ import annotations

import pytest
from labdriver import REPO, lesson_notebooks

from netcourse.tools import slides

pytestmark = pytest.mark.browser
VENDOR = REPO / "slides" / "vendor"  # the cache `make slides` uses (git-ignored)


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """Every lesson's slides, built once into a temporary folder."""
    if not slides.vendor_ready(VENDOR):  # tests fetch nothing: the install step does
        pytest.skip("slides/vendor is not installed: `make test` or `make slides` installs it")
    out = tmp_path_factory.mktemp("slides")
    built = slides.build_slides(lesson_notebooks(), out=out, vendor=VENDOR)
    return {path.name.removesuffix(".slides.html"): path for path in built}


@pytest.mark.parametrize("notebook", lesson_notebooks(), ids=lambda path: path.stem)
def test_slides_run_offline_in_chromium(notebook, decks, browser_context, screenshots):
    """reveal.js starts, the slides advance, saved widgets render, nothing fails to load."""
    deck = decks[notebook.stem]
    remote, failed, errors = [], [], []
    page = browser_context.new_page()
    try:
        page.route("http*://**/*", lambda route: (remote.append(route.request.url), route.abort()))
        page.on("requestfailed", lambda request: failed.append(request.url))
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
        page.wait_for_load_state("load")
        page.screenshot(path=str(screenshots / f"slides-{notebook.stem}.png"))
    finally:
        page.close()
    assert remote == [], f"the slides fetched {remote}"
    assert failed == [], f"these failed to load: {failed}"
    assert errors == [], f"the page reported errors: {errors}"
    assert sections >= 2
