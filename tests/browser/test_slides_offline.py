"""Each lesson's deck opened from disk with every http(s) request refused: it still works."""

from __future__ import annotations

import json

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


#: The slide size the decks are laid out at (reveal.js's default, which nbconvert keeps).
SLIDE = {"width": 960, "height": 700}

# Go to the slide (and subslide) holding snapshot `index`, through the deck's own reveal.js
# module (loaded with require.js under the same name, so the same instance).
_SHOW_SNAPSHOT = """
(index) => new Promise((done) => {
  const fig = document.querySelectorAll('.netcourse-snapshot')[index];
  const inner = fig.closest('section');
  const outer = inner.parentElement.closest('section');
  const top = outer || inner;
  const h = Array.from(document.querySelectorAll('.reveal .slides > section')).indexOf(top);
  const v = outer ? Array.from(outer.querySelectorAll(':scope > section')).indexOf(inner) : 0;
  const css = document.querySelector('link[href$="/dist/reveal.css"]').getAttribute('href');
  require([css.replace(/reveal\\.css$/, 'reveal.js')], (Reveal) => {
    Reveal.slide(h, v);
    done({h, v, config: {width: Reveal.getConfig().width, height: Reveal.getConfig().height}});
  });
})
"""

# The snapshot is drawn: its widget rendered (or failed to), it was fitted after that, and no
# refit ran since the last poll (the deck counts its refits on <body>).
_SNAPSHOT_READY = """
(index) => {
  const fig = document.querySelectorAll('.netcourse-snapshot')[index];
  const area = fig.querySelector('.widget-subarea');
  const drawn = area && area.childElementCount > 0;
  const fits = document.body.dataset.snapshotsFitted;
  const settled = window.__lastFits === fits;
  window.__lastFits = fits;
  return drawn && settled && fig.dataset.scale !== undefined && fig.getClientRects().length > 0
    && !fig.closest('section').classList.contains('future')
    && !fig.closest('section').classList.contains('past');
}
"""

_MEASURE_SNAPSHOT = """
(index) => {
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const fig = document.querySelectorAll('.netcourse-snapshot')[index];
  const frame = fig.querySelector('.netcourse-snapshot-frame');
  const note = fig.querySelector('.netcourse-snapshot-note');
  const body = fig.querySelector('.netcourse-snapshot-body');
  const section = fig.closest('section');
  const controls = Array.from(frame.querySelectorAll('input, select, textarea, button'));
  const r = frame.getBoundingClientRect();
  const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  return {
    slide: box(document.querySelector('.reveal .slides')),
    frame: box(frame), note: note ? box(note) : null, section: box(section),
    noteText: note ? note.innerText : '',
    scale: Number(fig.dataset.scale),
    // the widget's laid-out box holds all of it, and that box, scaled, is inside the frame
    spill: {width: body.scrollWidth - body.offsetWidth,
            height: body.scrollHeight - body.offsetHeight},
    body: box(body),
    sectionScrolls: section.scrollHeight > section.clientHeight + 1
      && /auto|scroll/.test(getComputedStyle(section).overflowY),
    controls: controls.length,
    enabled: controls.filter((el) => !el.disabled).map((el) => el.outerHTML.slice(0, 80)),
    pointerEvents: getComputedStyle(frame).pointerEvents,
    hitInside: hit !== null && frame.contains(hit),
    widgetError: /Error displaying widget/.test(frame.innerText),
  };
}
"""


def _inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (
        inner["left"] >= outer["left"] - slack
        and inner["top"] >= outer["top"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


def _widget_outputs(notebook) -> int:
    """Widget views the deck shows: outputs of cells that are neither skipped nor notes."""
    count = 0
    for cell in json.loads(notebook.read_text())["cells"]:
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if kind in ("skip", "notes"):
            continue
        for out in cell.get("outputs", []):
            count += "application/vnd.jupyter.widget-view+json" in out.get("data", {})
    return count


@pytest.mark.parametrize("notebook", lesson_notebooks(), ids=lambda path: path.stem)
def test_widgets_are_snapshots_that_fit_their_slide(notebook, decks, browser_context, screenshots):
    """At 960x700 each widget is a still, inert snapshot inside its slide, with its note."""
    deck = decks[notebook.stem]
    expected = _widget_outputs(notebook)
    remote, measured = [], []
    page = browser_context.new_page()
    try:
        page.set_viewport_size(SLIDE)
        page.route("http*://**/*", lambda route: (remote.append(route.request.url), route.abort()))
        page.goto(deck.as_uri())
        page.wait_for_selector(".reveal.ready", state="attached", timeout=30_000)
        count = page.locator(".netcourse-snapshot").count()
        for index in range(count):
            shown = page.evaluate(_SHOW_SNAPSHOT, index)
            assert shown["config"] == SLIDE, f"the deck is laid out at {shown['config']}"
            page.wait_for_function(_SNAPSHOT_READY, arg=index, timeout=30_000, polling=100)
            # settled: the slide transition is over and a refit after the last change has run
            page.wait_for_function(
                "() => !document.querySelector('.reveal .slides section.present')"
                ".getAnimations({subtree: true}).some((a) => a.playState === 'running')",
                timeout=10_000,
            )
            page.evaluate(
                "() => new Promise((d) => requestAnimationFrame(() => requestAnimationFrame(d)))"
            )
            measured.append((index, shown, page.evaluate(_MEASURE_SNAPSHOT, index)))
            page.screenshot(path=str(screenshots / f"slides-{notebook.stem}-snapshot{index}.png"))
    finally:
        page.close()
    assert remote == [], f"the slides fetched {remote}"
    assert count == expected, f"{count} snapshots in the deck for {expected} widget outputs"
    lesson = notebook.name[:2]
    for index, shown, m in measured:
        where = f"snapshot {index} (slide {shown['h']}.{shown['v']})"
        assert _inside(m["frame"], m["slide"]), f"{where}: {m['frame']} outside {m['slide']}"
        assert m["note"] is not None and _inside(m["note"], m["slide"]), f"{where}: note {m}"
        assert _inside(m["section"], m["slide"]), f"{where}: its slide's content spills: {m}"
        assert m["spill"]["width"] <= 1 and m["spill"]["height"] <= 1, f"{where}: spills {m}"
        assert _inside(m["body"], m["frame"]), f"{where}: cut off: {m['body']} in {m['frame']}"
        assert not m["sectionScrolls"], f"{where}: the slide scrolls"
        assert "Snapshot" in m["noteText"] and notebook.name in m["noteText"], m["noteText"]
        assert f"lesson {lesson}'s notebook" in m["noteText"], m["noteText"]
        assert m["enabled"] == [], f"{where}: inputs still enabled: {m['enabled']}"
        assert m["pointerEvents"] == "none" and not m["hitInside"], f"{where}: takes clicks"
        assert not m["widgetError"], f"{where}: the widget failed to render"
        assert 0 < m["scale"] <= 1


#: A notebook cell showing a custom widget made with anywidget (as the packet inspector is).
ANYWIDGET_CELL = '''import anywidget, traitlets
class Counter(anywidget.AnyWidget):
    _esm = """export default { render({ model, el }) {
      const button = document.createElement('button');
      button.textContent = 'count ' + model.get('n');
      el.appendChild(button);
    } }"""
    n = traitlets.Int(3).tag(sync=True)
Counter()'''


def test_an_anywidget_renders_offline_as_a_snapshot(browser_context, tmp_path):
    """anywidget's front end comes from beside the deck: the widget renderer's CDN is not asked."""
    if not slides.vendor_ready(VENDOR):
        pytest.skip("slides/vendor is not installed: `make test` or `make slides` installs it")
    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A"), nbformat.v4.new_code_cell(ANYWIDGET_CELL)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    ExecutePreprocessor(timeout=120, store_widget_state=True).preprocess(
        nb, {"metadata": {"path": str(tmp_path)}}
    )
    path = tmp_path / "07-counter.ipynb"
    nbformat.write(nb, path)
    (deck,) = slides.build_slides([path], out=tmp_path / "slides", vendor=VENDOR)
    remote = []
    page = browser_context.new_page()
    try:
        page.set_viewport_size(SLIDE)
        page.route("http*://**/*", lambda route: (remote.append(route.request.url), route.abort()))
        page.goto(deck.as_uri())
        page.wait_for_selector(".reveal.ready", state="attached", timeout=30_000)
        page.evaluate(_SHOW_SNAPSHOT, 0)
        page.wait_for_selector(".netcourse-snapshot button", state="attached", timeout=30_000)
        page.wait_for_function(_SNAPSHOT_READY, arg=0, timeout=30_000, polling=100)
        page.evaluate(
            "() => new Promise((d) => requestAnimationFrame(() => requestAnimationFrame(d)))"
        )
        measured = page.evaluate(_MEASURE_SNAPSHOT, 0)
        text = page.locator(".netcourse-snapshot-frame").inner_text()
    finally:
        page.close()
    assert remote == [], f"the slides fetched {remote}"
    assert text.strip() == "count 3"
    assert measured["controls"] == 1 and measured["enabled"] == [], measured
    assert "lesson 07's notebook, 07-counter.ipynb" in measured["noteText"]
